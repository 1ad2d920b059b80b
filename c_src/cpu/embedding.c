/* Embedding backward: rows of the gradient accumulated into the rows of the weight they index.
 * Each task owns a range of weight rows and scans all indices for its own, so no two threads
 * write one row and the sum per row runs in index order (same result for any thread count). A few
 * tasks per thread, handed out dynamically (FX_PARALLEL_FOR): a thread descheduled by another
 * process then holds up at most one task. */
#include <string.h>

#include "fx_kernels.h"
#include "fx_cpu.h"

#define EMB_KERNEL(T, sfx)                                                                          \
    static FX_CLONES void emb_acc_##sfx(const T *g, const int64_t *idx, T *gw, int64_t n, int64_t d, \
                                        int64_t lo, int64_t hi, int64_t padding_idx) {              \
        memset(gw + lo * d, 0, (size_t)((hi - lo) * d) * sizeof(T));                                \
        for (int64_t i = 0; i < n; i++) {                                                           \
            int64_t k = idx[i];                                                                     \
            if (k < lo || k >= hi || k == padding_idx) continue;                                    \
            const T *src = g + i * d;                                                               \
            T *dst = gw + k * d;                                                                    \
            for (int64_t j = 0; j < d; j++) dst[j] += src[j];                                       \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    int64_t fx_embedding_backward_##sfx(const T *g, const int64_t *idx, T *gw, int64_t n, int64_t d, \
                                        int64_t num, int64_t padding_idx) {                         \
        for (int64_t i = 0; i < n; i++)                                                             \
            if (idx[i] < 0 || idx[i] >= num) return i;                                              \
        int64_t tasks = 4 * (int64_t)fx_max_threads(), grain = (num + tasks - 1) / tasks;          \
        int64_t serial = n * d + num * d < FX_PAR_MIN ? num + 1 : 0;                                \
        FX_PARALLEL_FOR(num, grain, serial, emb_acc_##sfx(g, idx, gw, n, d, lo, hi, padding_idx));  \
        return -1;                                                                                  \
    }

EMB_KERNEL(float, f32)
EMB_KERNEL(double, f64)
