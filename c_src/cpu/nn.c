/* Fused softmax / log_softmax and their backward passes over one dim of a contiguous array seen as
 * (outer, n, inner): rows of length n when inner == 1, else n strided vectors of `inner` columns. */
#include "fx_kernels.h"
#include "fx_cpu.h"

#define CHUNK 16384  /* elements per parallel task */
#define COLS 64      /* columns the strided kernels handle together */
#define EXP_BLOCK 256 /* float32 softmax: lane sums of e^x go into a double every EXP_BLOCK */

/* float32 rows: explicit SIMD with the cheaper exp for x - max <= 0, the sum taken as the
 * exponentials are stored. */
static FX_CLONES void softmax_rows_f32(const float *restrict x, float *restrict y, int64_t rows,
                                       int64_t n, int is_log) {
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        fx_f32x8 m = fx_splat_f32(fx_max_nonan_f32(xr, n)); /* NaN reaches the sum: row NaN */
        double s = 0.0;
        for (int64_t b = 0; b < n; b += EXP_BLOCK) {
            int64_t e = b + EXP_BLOCK < n ? b + EXP_BLOCK : n, i = b;
            fx_f32x8 a0 = {0}, a1 = {0};
            for (; i + 16 <= e; i += 16) {
                fx_f32x8 d0 = fx_load_f32(xr + i) - m, d1 = fx_load_f32(xr + i + 8) - m;
                fx_f32x8 e0 = fx_expneg_f32x8(&d0), e1 = fx_expneg_f32x8(&d1);
                if (!is_log) {
                    fx_store_f32(yr + i, &e0);
                    fx_store_f32(yr + i + 8, &e1);
                }
                a0 += e0;
                a1 += e1;
            }
            for (; i < e; i += 8) {
                int64_t k = e - i < 8 ? e - i : 8;
                fx_f32x8 d0 = fx_load_part_f32(xr + i, k, -INFINITY) - m;
                fx_f32x8 e0 = fx_expneg_f32x8(&d0);
                if (!is_log) fx_store_part_f32(yr + i, &e0, k);
                a0 += e0;
            }
            a0 += a1;
            s += fx_hsum_f32(&a0);
        }
        if (is_log) {
            float ls = (float)log(s);
            for (int64_t j = 0; j < n; j++) yr[j] = (xr[j] - m[0]) - ls;
        } else {
            float inv = (float)(1.0 / s);
            for (int64_t j = 0; j < n; j++) yr[j] *= inv;
        }
    }
}

#define SOFTMAX_ROWS(T, sfx, EXP)                                                                  \
    static FX_CLONES void softmax_rows_##sfx(const T *restrict x, T *restrict y,                   \
                                             int64_t rows, int64_t n, int is_log) {                \
        if (n == 0) return;                                                                        \
        for (int64_t r = 0; r < rows; r++) {                                                       \
            const T *xr = x + r * n;                                                               \
            T *yr = y + r * n;                                                                     \
            T m = fx_amax_##sfx(xr, n); /* a NaN max makes the whole row NaN, as it should */      \
            for (int64_t j = 0; j < n; j++) yr[j] = EXP(xr[j] - m);                                \
            double s = fx_sum_##sfx(yr, n);                                                        \
            if (is_log) {                                                                          \
                T ls = (T)log(s);                                                                  \
                for (int64_t j = 0; j < n; j++) yr[j] = (xr[j] - m) - ls;                          \
            } else {                                                                               \
                T inv = (T)(1.0 / s);                                                              \
                for (int64_t j = 0; j < n; j++) yr[j] *= inv;                                      \
            }                                                                                      \
        }                                                                                          \
    }                                                                                              \

#define SOFTMAX_KERNELS(T, sfx, EXP)                                                               \
    static FX_CLONES void softmax_bwd_rows_##sfx(const T *restrict gy, const T *restrict y,        \
                                                 T *restrict gx, int64_t rows, int64_t n,          \
                                                 int is_log) {                                     \
        for (int64_t r = 0; r < rows; r++) {                                                       \
            const T *g = gy + r * n, *yr = y + r * n;                                              \
            T *o = gx + r * n;                                                                     \
            if (is_log) {                                                                          \
                T st = (T)fx_sum_##sfx(g, n);                                                      \
                for (int64_t j = 0; j < n; j++) o[j] = g[j] - EXP(yr[j]) * st;                     \
            } else {                                                                               \
                T st = (T)fx_dot_##sfx(g, yr, n);                                                  \
                for (int64_t j = 0; j < n; j++) o[j] = yr[j] * (g[j] - st);                        \
            }                                                                                      \
        }                                                                                          \
    }                                                                                              \
                                                                                                   \
    /* Columns [c0, c0 + w) of one (n, inner) slice; statistics per column. */                     \
    static FX_CLONES void softmax_cols_##sfx(const T *restrict x, T *restrict y, int64_t n,        \
                                             int64_t inner, int64_t w, int is_log) {               \
        T m[COLS], c[COLS];                                                                        \
        double s[COLS];                                                                            \
        for (int64_t k = 0; k < w; k++) m[k] = -INFINITY, s[k] = 0.0;                              \
        for (int64_t j = 0; j < n; j++)                                                            \
            for (int64_t k = 0; k < w; k++) {                                                      \
                T v = x[j * inner + k];                                                            \
                m[k] = v > m[k] ? v : m[k];                                                        \
            }                                                                                      \
        for (int64_t j = 0; j < n; j++)                                                            \
            for (int64_t k = 0; k < w; k++) {                                                      \
                T e = EXP(x[j * inner + k] - m[k]);                                                \
                if (!is_log) y[j * inner + k] = e;                                                 \
                s[k] += e;                                                                         \
            }                                                                                      \
        for (int64_t k = 0; k < w; k++) c[k] = is_log ? (T)log(s[k]) : (T)(1.0 / s[k]);            \
        for (int64_t j = 0; j < n; j++)                                                            \
            for (int64_t k = 0; k < w; k++) {                                                      \
                T *o = y + j * inner + k;                                                          \
                *o = is_log ? (x[j * inner + k] - m[k]) - c[k] : *o * c[k];                        \
            }                                                                                      \
    }                                                                                              \
                                                                                                   \
    static FX_CLONES void softmax_bwd_cols_##sfx(const T *restrict gy, const T *restrict y,        \
                                                 T *restrict gx, int64_t n, int64_t inner,         \
                                                 int64_t w, int is_log) {                          \
        double s[COLS];                                                                            \
        T st[COLS];                                                                                \
        for (int64_t k = 0; k < w; k++) s[k] = 0.0;                                                \
        for (int64_t j = 0; j < n; j++)                                                            \
            for (int64_t k = 0; k < w; k++) {                                                      \
                int64_t i = j * inner + k;                                                         \
                s[k] += is_log ? gy[i] : gy[i] * y[i];                                             \
            }                                                                                      \
        for (int64_t k = 0; k < w; k++) st[k] = (T)s[k];                                           \
        for (int64_t j = 0; j < n; j++)                                                            \
            for (int64_t k = 0; k < w; k++) {                                                      \
                int64_t i = j * inner + k;                                                         \
                gx[i] = is_log ? gy[i] - EXP(y[i]) * st[k] : y[i] * (gy[i] - st[k]);               \
            }                                                                                      \
    }                                                                                              \
                                                                                                   \
    static void softmax_any_##sfx(const T *x, T *y, int64_t outer, int64_t n, int64_t inner,       \
                                  int is_log) {                                                    \
        if (inner == 1) {                                                                          \
            FX_PARALLEL_FOR(outer, fx_rows_for(n, CHUNK), fx_rows_for(n, FX_PAR_MIN),              \
                            softmax_rows_##sfx(x + lo * n, y + lo * n, hi - lo, n, is_log));       \
            return;                                                                                \
        }                                                                                          \
        int64_t nb = (inner + COLS - 1) / COLS, work = n * COLS;                                   \
        FX_PARALLEL_FOR(outer * nb, fx_rows_for(work, CHUNK), fx_rows_for(work, FX_PAR_MIN),       \
            for (int64_t t = lo; t < hi; t++) {                                                    \
                int64_t c0 = (t % nb) * COLS, off = (t / nb) * n * inner + c0;                     \
                int64_t w = inner - c0 < COLS ? inner - c0 : COLS;                                 \
                softmax_cols_##sfx(x + off, y + off, n, inner, w, is_log);                         \
            });                                                                                    \
    }                                                                                              \
                                                                                                   \
    static void softmax_bwd_any_##sfx(const T *gy, const T *y, T *gx, int64_t outer,               \
                                      int64_t n, int64_t inner, int is_log) {                      \
        if (inner == 1) {                                                                          \
            FX_PARALLEL_FOR(outer, fx_rows_for(n, CHUNK), fx_rows_for(n, FX_PAR_MIN),              \
                softmax_bwd_rows_##sfx(gy + lo * n, y + lo * n, gx + lo * n, hi - lo, n, is_log)); \
            return;                                                                                \
        }                                                                                          \
        int64_t nb = (inner + COLS - 1) / COLS, work = n * COLS;                                   \
        FX_PARALLEL_FOR(outer * nb, fx_rows_for(work, CHUNK), fx_rows_for(work, FX_PAR_MIN),       \
            for (int64_t t = lo; t < hi; t++) {                                                    \
                int64_t c0 = (t % nb) * COLS, off = (t / nb) * n * inner + c0;                     \
                int64_t w = inner - c0 < COLS ? inner - c0 : COLS;                                 \
                softmax_bwd_cols_##sfx(gy + off, y + off, gx + off, n, inner, w, is_log);          \
            });                                                                                    \
    }                                                                                              \
                                                                                                   \
    void fx_softmax_##sfx(const T *x, T *y, int64_t outer, int64_t n, int64_t inner) {             \
        softmax_any_##sfx(x, y, outer, n, inner, 0);                                               \
    }                                                                                              \
    void fx_log_softmax_##sfx(const T *x, T *y, int64_t outer, int64_t n, int64_t inner) {         \
        softmax_any_##sfx(x, y, outer, n, inner, 1);                                               \
    }                                                                                              \
    void fx_softmax_backward_##sfx(const T *gy, const T *y, T *gx, int64_t outer, int64_t n,       \
                                   int64_t inner) {                                                \
        softmax_bwd_any_##sfx(gy, y, gx, outer, n, inner, 0);                                      \
    }                                                                                              \
    void fx_log_softmax_backward_##sfx(const T *gy, const T *y, T *gx, int64_t outer,              \
                                       int64_t n, int64_t inner) {                                 \
        softmax_bwd_any_##sfx(gy, y, gx, outer, n, inner, 1);                                      \
    }

SOFTMAX_ROWS(double, f64, exp)
SOFTMAX_KERNELS(float, f32, fx_expf)
SOFTMAX_KERNELS(double, f64, exp)
