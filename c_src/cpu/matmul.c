/* Matrix products on fx's OpenMP team through a single-threaded BLAS gemm (see fx_matmul.h).
 *
 * One product is cut along the larger of its output dims (the other operand is then packed once
 * per block, which costs little next to the block's multiply-adds); a batch of small products is
 * shared out whole. The BLAS runs on one thread meanwhile: its thread count is set to 1 for the
 * call and restored after. */
#include "fx_kernels.h"
#include "fx_cpu.h"

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

#define MIN_PAR_MACS 1000000.0 /* below this one thread beats waking the team */
#define MIN_BLOCK_MACS 250000.0 /* per parallel block */
#define BLOCK_ALIGN 16          /* block edges on multiples of the BLAS register tiles */

typedef int (*get_threads_fn)(void);
typedef void (*set_threads_fn)(int);

/* Rows or columns per block along a dim of `dim`, with `other_macs` multiply-adds per row/column. */
static int64_t block_size(int64_t dim, double other_macs, int threads) {
    int64_t b = (dim + 2 * threads - 1) / (2 * threads); /* two blocks a thread: late threads take fewer */
    int64_t least = (int64_t)(MIN_BLOCK_MACS / (other_macs > 1.0 ? other_macs : 1.0)) + 1;
    if (b < least) b = least;
    b = (b + BLOCK_ALIGN - 1) / BLOCK_ALIGN * BLOCK_ALIGN;
    return b < dim ? b : dim;
}

#define GEMM_DRIVER(T, sfx)                                                                         \
    typedef void (*gemm64_##sfx)(int, int, int, int64_t, int64_t, int64_t, T, const T *, int64_t,  \
                                 const T *, int64_t, T, T *, int64_t);                             \
    typedef void (*gemm32_##sfx)(int, int, int, int, int, int, T, const T *, int, const T *, int,  \
                                 T, T *, int);                                                     \
                                                                                                   \
    /* c[m x n] (row stride ldc) = op(a) op(b) */                                                  \
    static void gemm_call_##sfx(void *gemm, int ilp64, const T *a, int64_t lda, int ta,            \
                                const T *b, int64_t ldb, int tb, T *c, int64_t ldc, int64_t m,     \
                                int64_t n, int64_t k) {                                            \
        int ota = ta ? TRANS : NO_TRANS, otb = tb ? TRANS : NO_TRANS;                              \
        if (ilp64)                                                                                 \
            ((gemm64_##sfx)gemm)(ROW_MAJOR, ota, otb, m, n, k, (T)1, a, lda, b, ldb, (T)0, c, ldc); \
        else                                                                                       \
            ((gemm32_##sfx)gemm)(ROW_MAJOR, ota, otb, (int)m, (int)n, (int)k, (T)1, a, (int)lda, b, \
                                 (int)ldb, (T)0, c, (int)ldc);                                     \
    }                                                                                              \
                                                                                                   \
    /* rows [r0, r1) and columns [c0, c1) of product p */                                          \
    static void gemm_block_##sfx(void *gemm, int ilp64, const T *a, const T *b, T *c, int64_t m,   \
                                 int64_t n, int64_t k, int64_t lda, int ta, int64_t ldb, int tb,   \
                                 int64_t r0, int64_t r1, int64_t c0, int64_t c1) {                 \
        const T *ab = a + r0 * (ta ? 1 : lda);                                                     \
        const T *bb = b + c0 * (tb ? ldb : 1);                                                     \
        gemm_call_##sfx(gemm, ilp64, ab, lda, ta, bb, ldb, tb, c + r0 * n + c0, n, r1 - r0,        \
                        c1 - c0, k);                                                               \
    }                                                                                              \
                                                                                                   \
    int fx_gemm_##sfx(void *gemm, int ilp64, void *get_threads, void *set_threads, const T *a,     \
                      const T *b, T *c, int64_t batch, int64_t m, int64_t n, int64_t k,            \
                      int64_t a_stride, int64_t lda, int trans_a, int64_t b_stride, int64_t ldb,   \
                      int trans_b) {                                                               \
        int blas_threads = ((get_threads_fn)get_threads)();                                        \
        if (blas_threads != 1) ((set_threads_fn)set_threads)(1);                                   \
        int threads = fx_max_threads();                                                            \
        double one = (double)m * (double)n * (double)k, all = one * (double)batch;                 \
        int64_t serial_below = all < MIN_PAR_MACS ? INT64_MAX : 0;                                 \
        if (batch > 1 && (batch >= 2 * threads || one < MIN_BLOCK_MACS)) {                        \
            int64_t per = (int64_t)(MIN_BLOCK_MACS / (one > 1.0 ? one : 1.0)) + 1;                 \
            int64_t even = (batch + 2 * threads - 1) / (2 * threads);                              \
            FX_PARALLEL_FOR(batch, per > even ? per : even, serial_below,                          \
                            for (int64_t p = lo; p < hi; p++)                                      \
                                gemm_block_##sfx(gemm, ilp64, a + p * a_stride, b + p * b_stride,   \
                                                 c + p * m * n, m, n, k, lda, trans_a, ldb,        \
                                                 trans_b, 0, m, 0, n));                            \
        } else {                                                                                   \
            for (int64_t p = 0; p < batch; p++) {                                                  \
                const T *ap = a + p * a_stride, *bp = b + p * b_stride;                            \
                T *cp = c + p * m * n;                                                             \
                if (m >= n) {                                                                      \
                    FX_PARALLEL_FOR(m, block_size(m, (double)n * k, threads), serial_below,        \
                                    gemm_block_##sfx(gemm, ilp64, ap, bp, cp, m, n, k, lda,        \
                                                     trans_a, ldb, trans_b, lo, hi, 0, n));        \
                } else {                                                                           \
                    FX_PARALLEL_FOR(n, block_size(n, (double)m * k, threads), serial_below,        \
                                    gemm_block_##sfx(gemm, ilp64, ap, bp, cp, m, n, k, lda,        \
                                                     trans_a, ldb, trans_b, 0, m, lo, hi));        \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        if (blas_threads != 1) ((set_threads_fn)set_threads)(blas_threads);                        \
        return 0;                                                                                  \
    }

GEMM_DRIVER(float, f32)
GEMM_DRIVER(double, f64)
