/* Reductions over the last dim (one row per output element) and full sums. */
#include <stdlib.h>

#include "fx_kernels.h"
#include "fx_cpu.h"

#define CHUNK 32768     /* elements per parallel task: cheap loops, so fewer hand-outs */
#define SUM_CHUNK 65536  /* elements per partial of a full sum */

/* ARGEXT(T, sfx, name, VT, IT, W, LOAD, CMP): value and first index of the largest (CMP >) or
 * smallest (CMP <) element, a NaN winning over everything. Lanes keep their own best and index. */
#define ARGEXT(T, sfx, name, VT, IT, W, LOAD, CMP)                                                 \
    FX_INLINE int64_t name##_##sfx(const T *x, int64_t n, T *val) {                                \
        T bv = x[0];                                                                               \
        int64_t bi = 0, i = 1;                                                                     \
        if (n >= 2 * W && n <= INT32_MAX) {                                                        \
            VT a0 = LOAD(x), a1 = LOAD(x + W);                                                     \
            IT i0, i1;                                                                             \
            for (int k = 0; k < W; k++) i0[k] = k, i1[k] = k + W;                                  \
            IT c0 = i0, c1 = i1;                                                                   \
            for (i = 2 * W; i + 2 * W <= n; i += 2 * W) {                                          \
                c0 += 2 * W;                                                                       \
                c1 += 2 * W;                                                                       \
                VT v0 = LOAD(x + i), v1 = LOAD(x + i + W);                                         \
                IT m0 = (v0 CMP a0) | ((v0 != v0) & (a0 == a0));                                   \
                IT m1 = (v1 CMP a1) | ((v1 != v1) & (a1 == a1));                                   \
                a0 = FX_SELECT(m0, v0, a0);                                                        \
                i0 = FX_SELECT(m0, c0, i0);                                                        \
                a1 = FX_SELECT(m1, v1, a1);                                                        \
                i1 = FX_SELECT(m1, c1, i1);                                                        \
            }                                                                                      \
            bv = a0[0];                                                                            \
            bi = i0[0];                                                                            \
            for (int k = 0; k < 2 * W; k++) {                                                      \
                T v = k < W ? a0[k] : a1[k - W];                                                   \
                int64_t j = k < W ? i0[k] : i1[k - W];                                             \
                int better = v != v ? (bv == bv || j < bi)                                         \
                                    : (bv == bv && (v CMP bv || (v == bv && j < bi)));             \
                if (better) bv = v, bi = j;                                                        \
            }                                                                                      \
        }                                                                                          \
        for (; i < n; i++)                                                                         \
            if (x[i] CMP bv || (x[i] != x[i] && bv == bv)) bv = x[i], bi = i;                      \
        *val = bv;                                                                                 \
        return bi;                                                                                 \
    }

ARGEXT(float, f32, argmax, fx_f32x8, fx_i32x8, 8, fx_load_f32, >)
ARGEXT(float, f32, argmin, fx_f32x8, fx_i32x8, 8, fx_load_f32, <)
ARGEXT(double, f64, argmax, fx_f64x4, fx_i64x4, 4, fx_load_f64, >)
ARGEXT(double, f64, argmin, fx_f64x4, fx_i64x4, 4, fx_load_f64, <)

#define ROWS(rows, cols, ...)                                                                      \
    FX_PARALLEL_FOR(rows, fx_rows_for(cols, CHUNK), fx_rows_for(cols, FX_PAR_MIN), __VA_ARGS__)

#define LASTDIM(T, sfx)                                                                            \
    static FX_CLONES void sum_rows_##sfx(const T *x, T *y, int64_t rows, int64_t cols) {           \
        for (int64_t r = 0; r < rows; r++) y[r] = (T)fx_sum_##sfx(x + r * cols, cols);             \
    }                                                                                              \
    static FX_CLONES void amax_rows_##sfx(const T *x, T *y, int64_t rows, int64_t cols) {          \
        for (int64_t r = 0; r < rows; r++) y[r] = fx_amax_##sfx(x + r * cols, cols);               \
    }                                                                                              \
    static FX_CLONES void amin_rows_##sfx(const T *x, T *y, int64_t rows, int64_t cols) {          \
        for (int64_t r = 0; r < rows; r++) y[r] = fx_amin_##sfx(x + r * cols, cols);               \
    }                                                                                              \
    static FX_CLONES void max_rows_##sfx(const T *x, T *y, int64_t *idx, int64_t rows,             \
                                         int64_t cols) {                                           \
        for (int64_t r = 0; r < rows; r++) idx[r] = argmax_##sfx(x + r * cols, cols, y + r);       \
    }                                                                                              \
    static FX_CLONES void min_rows_##sfx(const T *x, T *y, int64_t *idx, int64_t rows,             \
                                         int64_t cols) {                                           \
        for (int64_t r = 0; r < rows; r++) idx[r] = argmin_##sfx(x + r * cols, cols, y + r);       \
    }                                                                                              \
    void fx_sum_lastdim_##sfx(const T *x, T *y, int64_t rows, int64_t cols) {                      \
        ROWS(rows, cols, sum_rows_##sfx(x + lo * cols, y + lo, hi - lo, cols));                    \
    }                                                                                              \
    void fx_amax_lastdim_##sfx(const T *x, T *y, int64_t rows, int64_t cols) {                     \
        if (cols < 1) return;                                                                      \
        ROWS(rows, cols, amax_rows_##sfx(x + lo * cols, y + lo, hi - lo, cols));                   \
    }                                                                                              \
    void fx_amin_lastdim_##sfx(const T *x, T *y, int64_t rows, int64_t cols) {                     \
        if (cols < 1) return;                                                                      \
        ROWS(rows, cols, amin_rows_##sfx(x + lo * cols, y + lo, hi - lo, cols));                   \
    }                                                                                              \
    void fx_max_lastdim_##sfx(const T *x, T *y, int64_t *idx, int64_t rows, int64_t cols) {        \
        if (cols < 1) return;                                                                      \
        ROWS(rows, cols, max_rows_##sfx(x + lo * cols, y + lo, idx + lo, hi - lo, cols));          \
    }                                                                                              \
    void fx_min_lastdim_##sfx(const T *x, T *y, int64_t *idx, int64_t rows, int64_t cols) {        \
        if (cols < 1) return;                                                                      \
        ROWS(rows, cols, min_rows_##sfx(x + lo * cols, y + lo, idx + lo, hi - lo, cols));          \
    }                                                                                              \
                                                                                                   \
    static FX_CLONES void sum_parts_##sfx(const T *x, int64_t n, double *part, int64_t lo,         \
                                          int64_t hi) {                                            \
        for (int64_t c = lo; c < hi; c++) {                                                        \
            int64_t start = c * SUM_CHUNK, len = n - start < SUM_CHUNK ? n - start : SUM_CHUNK;    \
            part[c] = fx_sum_##sfx(x + start, len);                                                \
        }                                                                                          \
    }                                                                                              \
    static FX_CLONES double sum_range_##sfx(const T *x, int64_t n) { return fx_sum_##sfx(x, n); }  \
    /* Fixed-size partials combined in order: the result does not depend on the threads. */        \
    double fx_sum_all_##sfx(const T *x, int64_t n) {                                               \
        int64_t parts = (n + SUM_CHUNK - 1) / SUM_CHUNK;                                           \
        double *part = parts > 1 ? malloc((size_t)parts * sizeof(double)) : NULL;                  \
        if (part == NULL) return sum_range_##sfx(x, n);                                            \
        FX_PARALLEL_FOR(parts, 1, 2, sum_parts_##sfx(x, n, part, lo, hi));                         \
        double sum = 0.0, comp = 0.0;                                                              \
        for (int64_t c = 0; c < parts; c++) fx_kahan_add(&sum, &comp, part[c]);                    \
        free(part);                                                                                \
        return isfinite(sum) ? sum + comp : sum; /* inf/nan: the compensation would be inf - inf */ \
    }

LASTDIM(float, f32)
LASTDIM(double, f64)
