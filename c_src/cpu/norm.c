/* Layer / RMS / group / batch normalization, forward and backward.
 *
 * Statistics take two passes (mean, then the sum of squared deviations), accumulated in double:
 * no cancellation when the mean is large against the spread. Rows (layer and group norm) or
 * channels (batch norm) run in parallel; weight and bias gradients of layer norm are summed per
 * block of rows into private buffers, then added in block order (same result for any thread count). */
#include <stdlib.h>
#include <string.h>

#include "fx_kernels.h"
#include "fx_cpu.h"

#define CHUNK 16384  /* elements per parallel task */
#define LN_BLOCK 64  /* rows whose weight/bias gradients one buffer sums in the input's precision */

#define ROWS(rows, cols, ...) \
    FX_PARALLEL_FOR(rows, fx_rows_for(cols, CHUNK), fx_rows_for(cols, FX_PAR_MIN), __VA_ARGS__)

/* ---- row reductions: sum (x - m)^2, and s1 = sum a, s2 = sum a (x - m) with a = gy w ------------ */
static FX_CLONES double sqdev_f32(const float *x, int64_t n, float m) {
    fx_f64x4 lo = {0}, hi = {0};
    fx_f32x8 mv = fx_splat_f32(m);
    int64_t i = 0;
    while (i + 8 <= n) {
        int64_t e = i + FX_F32_BLOCK < n ? i + FX_F32_BLOCK : n;
        fx_f32x8 a = {0}, b = {0};
        for (; i + 16 <= e; i += 16) {
            fx_f32x8 d0 = fx_load_f32(x + i) - mv, d1 = fx_load_f32(x + i + 8) - mv;
            a += d0 * d0;
            b += d1 * d1;
        }
        for (; i + 8 <= e; i += 8) {
            fx_f32x8 d = fx_load_f32(x + i) - mv;
            a += d * d;
        }
        a += b;
        fx_widen_add_f32(&lo, &hi, &a);
    }
    double s = 0.0;
    for (; i < n; i++) {
        double d = (double)x[i] - m;
        s += d * d;
    }
    lo += hi;
    return s + ((lo[0] + lo[1]) + (lo[2] + lo[3]));
}

/* sum x of one row, like sqdev_f32 (fx_sum_f32's SIMD blocks are longer than most rows) */
static FX_CLONES double rowsum_f32(const float *x, int64_t n) {
    fx_f64x4 lo = {0}, hi = {0};
    int64_t i = 0;
    while (i + 8 <= n) {
        int64_t e = i + FX_F32_BLOCK < n ? i + FX_F32_BLOCK : n;
        fx_f32x8 a = {0}, b = {0};
        for (; i + 16 <= e; i += 16) {
            a += fx_load_f32(x + i);
            b += fx_load_f32(x + i + 8);
        }
        for (; i + 8 <= e; i += 8) a += fx_load_f32(x + i);
        a += b;
        fx_widen_add_f32(&lo, &hi, &a);
    }
    double s = 0.0;
    for (; i < n; i++) s += x[i];
    lo += hi;
    return s + ((lo[0] + lo[1]) + (lo[2] + lo[3]));
}

static double rowsum_f64(const double *x, int64_t n) { return fx_sum_f64(x, n); }

static FX_CLONES double sqdev_f64(const double *x, int64_t n, double m) {
    fx_f64x4 a = {0}, b = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        fx_f64x4 d0 = fx_load_f64(x + i) - m, d1 = fx_load_f64(x + i + 4) - m;
        a += d0 * d0;
        b += d1 * d1;
    }
    double s = 0.0;
    for (; i < n; i++) s += (x[i] - m) * (x[i] - m);
    a += b;
    return s + ((a[0] + a[1]) + (a[2] + a[3]));
}

static FX_CLONES void gsums_f32(const float *gy, const float *x, const float *w, int64_t n, float m,
                                double *s1, double *s2) {
    fx_f64x4 a_lo = {0}, a_hi = {0}, b_lo = {0}, b_hi = {0};
    fx_f32x8 mv = fx_splat_f32(m);
    int64_t i = 0;
    while (i + 8 <= n) {
        int64_t e = i + FX_F32_BLOCK < n ? i + FX_F32_BLOCK : n;
        fx_f32x8 a = {0}, b = {0};
        for (; i + 8 <= e; i += 8) {
            fx_f32x8 g = fx_load_f32(gy + i);
            if (w) g *= fx_load_f32(w + i);
            a += g;
            b += g * (fx_load_f32(x + i) - mv);
        }
        fx_widen_add_f32(&a_lo, &a_hi, &a);
        fx_widen_add_f32(&b_lo, &b_hi, &b);
    }
    double sa = 0.0, sb = 0.0;
    for (; i < n; i++) {
        double g = w ? (double)gy[i] * w[i] : gy[i];
        sa += g;
        sb += g * ((double)x[i] - m);
    }
    a_lo += a_hi;
    b_lo += b_hi;
    *s1 = sa + ((a_lo[0] + a_lo[1]) + (a_lo[2] + a_lo[3]));
    *s2 = sb + ((b_lo[0] + b_lo[1]) + (b_lo[2] + b_lo[3]));
}

static FX_CLONES void gsums_f64(const double *gy, const double *x, const double *w, int64_t n, double m,
                                double *s1, double *s2) {
    fx_f64x4 a = {0}, b = {0};
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        fx_f64x4 g = fx_load_f64(gy + i);
        if (w) g *= fx_load_f64(w + i);
        a += g;
        b += g * (fx_load_f64(x + i) - m);
    }
    double sa = 0.0, sb = 0.0;
    for (; i < n; i++) {
        double g = w ? gy[i] * w[i] : gy[i];
        sa += g;
        sb += g * (x[i] - m);
    }
    *s1 = sa + ((a[0] + a[1]) + (a[2] + a[3]));
    *s2 = sb + ((b[0] + b[1]) + (b[2] + b[3]));
}

#define NORM_KERNELS(T, sfx)                                                                        \
    /* mean and 1/sqrt(var + eps) of one row (rms: mean 0, var = mean of squares). */                \
    FX_INLINE void row_stats_##sfx(const T *x, int64_t n, double eps, int rms, T *mean, T *rstd) {   \
        double m = rms || n == 0 ? 0.0 : rowsum_##sfx(x, n) / (double)n;                            \
        double v = n ? sqdev_##sfx(x, n, (T)m) / (double)n : 0.0;                                   \
        *mean = (T)m;                                                                               \
        *rstd = (T)(1.0 / sqrt(v + eps));                                                           \
    }                                                                                               \
                                                                                                    \
    static FX_CLONES void ln_rows_##sfx(const T *restrict x, const T *restrict w,                   \
                                        const T *restrict b, T *restrict y, T *mean, T *rstd,       \
                                        int64_t rows, int64_t cols, double eps, int rms) {          \
        for (int64_t r = 0; r < rows; r++) {                                                        \
            const T *xr = x + r * cols;                                                             \
            T *yr = y + r * cols, m, s;                                                             \
            row_stats_##sfx(xr, cols, eps, rms, &m, &s);                                            \
            if (mean) mean[r] = m;                                                                  \
            rstd[r] = s;                                                                            \
            if (w && b)                                                                             \
                for (int64_t j = 0; j < cols; j++) yr[j] = (xr[j] - m) * s * w[j] + b[j];           \
            else if (w)                                                                             \
                for (int64_t j = 0; j < cols; j++) yr[j] = (xr[j] - m) * s * w[j];                  \
            else if (b)                                                                             \
                for (int64_t j = 0; j < cols; j++) yr[j] = (xr[j] - m) * s + b[j];                  \
            else                                                                                    \
                for (int64_t j = 0; j < cols; j++) yr[j] = (xr[j] - m) * s;                         \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    void fx_layer_norm_##sfx(const T *x, const T *w, const T *b, T *y, T *mean, T *rstd,            \
                             int64_t rows, int64_t cols, double eps, int rms) {                     \
        ROWS(rows, cols, ln_rows_##sfx(x + lo * cols, w, b, y + lo * cols, mean ? mean + lo : NULL, \
                                       rstd + lo, hi - lo, cols, eps, rms));                        \
    }                                                                                               \
                                                                                                    \
    /* Rows [0, rows): gx, and (when wanted) gw/gb sums added into dw/db (T lanes; a block of rows  \
     * is at most LN_BLOCK long, so the sums stay accurate). */                                     \
    static FX_CLONES void ln_bwd_rows_##sfx(const T *restrict gy, const T *restrict x,              \
                                            const T *mean, const T *rstd, const T *restrict w,      \
                                            T *restrict gx, T *restrict dw, T *restrict db,         \
                                            int64_t rows, int64_t cols, int rms) {                  \
        for (int64_t r = 0; r < rows; r++) {                                                        \
            const T *g = gy + r * cols, *xr = x + r * cols;                                         \
            T m = rms ? (T)0 : mean[r], s = rstd[r];                                                \
            T c1 = 0, c2 = 0;                                                                       \
            T *o = gx ? gx + r * cols : NULL;                                                       \
            if (o) {                                                                                \
                double s1, s2;                                                                      \
                gsums_##sfx(g, xr, w, cols, m, &s1, &s2);                                           \
                /* gx = s (a - mean(a) - xhat mean(a xhat)), a = g w, xhat = (x - m) s */           \
                c1 = rms ? (T)0 : (T)(s1 / (double)cols);                                           \
                c2 = (T)(s2 * (double)s * (double)s / (double)cols);                                \
            }                                                                                       \
            if (o && w && dw && db) { /* the common case in one pass */                            \
                for (int64_t j = 0; j < cols; j++) {                                                \
                    T d = xr[j] - m;                                                                \
                    o[j] = s * (g[j] * w[j] - c1 - d * c2);                                         \
                    dw[j] += g[j] * (d * s);                                                        \
                    db[j] += g[j];                                                                  \
                }                                                                                   \
                continue;                                                                           \
            }                                                                                       \
            if (o && w)                                                                             \
                for (int64_t j = 0; j < cols; j++) o[j] = s * (g[j] * w[j] - c1 - (xr[j] - m) * c2); \
            else if (o)                                                                             \
                for (int64_t j = 0; j < cols; j++) o[j] = s * (g[j] - c1 - (xr[j] - m) * c2);       \
            if (dw)                                                                                 \
                for (int64_t j = 0; j < cols; j++) dw[j] += g[j] * ((xr[j] - m) * s);               \
            if (db)                                                                                 \
                for (int64_t j = 0; j < cols; j++) db[j] += g[j];                                   \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    /* out[j] = sum over the nb blocks of buf[k * cols + j], in double. */                         \
    static FX_CLONES void ln_sum_blocks_##sfx(const T *buf, T *out, int64_t nb, int64_t cols) {      \
        if (!buf) return;                                                                           \
        for (int64_t j0 = 0; j0 < cols; j0 += 256) {                                                \
            double acc[256];                                                                        \
            int64_t w = cols - j0 < 256 ? cols - j0 : 256;                                          \
            for (int64_t j = 0; j < w; j++) acc[j] = 0.0;                                           \
            for (int64_t k = 0; k < nb; k++)                                                        \
                for (int64_t j = 0; j < w; j++) acc[j] += buf[k * cols + j0 + j];                   \
            for (int64_t j = 0; j < w; j++) out[j0 + j] = (T)acc[j];                                \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    void fx_layer_norm_backward_##sfx(const T *gy, const T *x, const T *mean, const T *rstd,        \
                                      const T *w, T *gx, T *gw, T *gb, int64_t rows, int64_t cols,  \
                                      int rms) {                                                    \
        /* blocks of at most LN_BLOCK rows, each summing gw/gb into its own buffer */               \
        int64_t nb = rows > 0 ? (rows + LN_BLOCK - 1) / LN_BLOCK : 1;                               \
        int64_t minb = rows * cols < FX_PAR_MIN ? 1 : 2 * (int64_t)fx_max_threads();               \
        nb = nb > minb ? nb : (minb < rows ? minb : (rows > 0 ? rows : 1));                         \
        int64_t grain = rows > 0 ? (rows + nb - 1) / nb : 1;                                        \
        nb = rows > 0 ? (rows + grain - 1) / grain : 1;                                             \
        int nbuf = (gw != NULL) + (gb != NULL);                                                     \
        T *buf = nbuf ? calloc((size_t)(nb * nbuf * cols), sizeof(T)) : NULL;                       \
        if (nbuf && !buf) return; /* out of memory: the caller sees untouched outputs */            \
        T *dwb = gw ? buf : NULL, *dbb = gb ? buf + (gw ? nb * cols : 0) : NULL;                    \
        FX_PARALLEL_FOR(rows, grain, nb > 1 ? 0 : rows + 1, {                                       \
            for (int64_t b0 = lo; b0 < hi; b0 += grain) { /* serial: one block at a time */        \
                int64_t k = b0 / grain, b1 = b0 + grain < hi ? b0 + grain : hi;                     \
                ln_bwd_rows_##sfx(gy + b0 * cols, x + b0 * cols, mean ? mean + b0 : NULL,           \
                                  rstd + b0, w, gx ? gx + b0 * cols : NULL,                         \
                                  dwb ? dwb + k * cols : NULL, dbb ? dbb + k * cols : NULL,         \
                                  b1 - b0, cols, rms);                                              \
            }                                                                                       \
        });                                                                                         \
        ln_sum_blocks_##sfx(dwb, gw, nb, cols);                                                     \
        ln_sum_blocks_##sfx(dbb, gb, nb, cols);                                                     \
        free(buf);                                                                                  \
    }                                                                                               \
                                                                                                    \
    static FX_CLONES void gn_rows_##sfx(const T *x, const T *w, const T *b, T *y, T *mean, T *rstd,  \
                                        int64_t lo, int64_t hi, int64_t cg, int64_t s, int64_t g,   \
                                        double eps) {                                               \
        int64_t len = cg * s;                                                                       \
        for (int64_t r = lo; r < hi; r++) {                                                         \
            const T *xr = x + r * len;                                                              \
            T *yr = y + r * len;                                                                    \
            row_stats_##sfx(xr, len, eps, 0, mean + r, rstd + r);                                   \
            for (int64_t k = 0; k < cg; k++) {                                                      \
                int64_t ch = (r % g) * cg + k;                                                      \
                T scale = rstd[r] * (w ? w[ch] : (T)1);                                             \
                T shift = (b ? b[ch] : (T)0) - mean[r] * scale;                                     \
                const T *xs = xr + k * s;                                                           \
                T *ys = yr + k * s;                                                                 \
                for (int64_t j = 0; j < s; j++) ys[j] = xs[j] * scale + shift;                      \
            }                                                                                       \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    void fx_group_norm_##sfx(const T *x, const T *w, const T *b, T *y, T *mean, T *rstd, int64_t n, \
                             int64_t c, int64_t s, int64_t g, double eps) {                         \
        int64_t cg = c / g;                                                                         \
        ROWS(n * g, cg * s, gn_rows_##sfx(x, w, b, y, mean, rstd, lo, hi, cg, s, g, eps));          \
    }                                                                                               \
                                                                                                    \
    /* gx of groups [lo, hi) from the per-(sample, channel) sums ds = sum gy (x - mean), db = sum gy */ \
    static FX_CLONES void gn_bwd_rows_##sfx(const T *gy, const T *x, const T *mean, const T *rstd,  \
                                            const T *w, T *gx, const double *ds, const double *dsum, \
                                            int64_t lo, int64_t hi, int64_t c, int64_t cg,          \
                                            int64_t s, int64_t g) {                                 \
        double inv = 1.0 / (double)(cg * s);                                                        \
        for (int64_t r = lo; r < hi; r++) {                                                         \
            double a = 0.0, bsum = 0.0, rs = rstd[r];                                               \
            int64_t c0 = (r % g) * cg, base = (r / g) * c + c0;                                     \
            for (int64_t k = 0; k < cg; k++) {                                                      \
                double wk = w ? (double)w[c0 + k] : 1.0;                                            \
                a += wk * ds[base + k];                                                             \
                bsum += wk * dsum[base + k];                                                        \
            }                                                                                       \
            /* gx = rs w gy - rs^3 a / M (x - mean) - rs bsum / M */                                \
            T c2 = (T)(-rs * rs * rs * a * inv), c3 = (T)(-rs * bsum * inv);                        \
            T m = mean[r];                                                                          \
            for (int64_t k = 0; k < cg; k++) {                                                      \
                T c1 = (T)(rs * (w ? (double)w[c0 + k] : 1.0));                                     \
                const T *gs = gy + (base + k) * s, *xs = x + (base + k) * s;                        \
                T *os = gx + (base + k) * s;                                                        \
                for (int64_t j = 0; j < s; j++) os[j] = c1 * gs[j] + c2 * (xs[j] - m) + c3;         \
            }                                                                                       \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    void fx_group_norm_backward_##sfx(const T *gy, const T *x, const T *mean, const T *rstd,        \
                                      const T *w, T *gx, T *gw, T *gb, int64_t n, int64_t c,        \
                                      int64_t s, int64_t g) {                                       \
        int64_t cg = c / g;                                                                         \
        double *ds = malloc((size_t)(2 * n * c + 1) * sizeof(double)), *dsum = ds + n * c;          \
        if (!ds) return;                                                                            \
        /* per (sample, channel): sum gy (x - mean) and sum gy */                                   \
        ROWS(n * c, s, for (int64_t r = lo; r < hi; r++) {                                          \
            int64_t row = (r / c) * g + (r % c) / cg;                                               \
            gsums_##sfx(gy + r * s, x + r * s, NULL, s, mean[row], dsum + r, ds + r);               \
        });                                                                                         \
        if (gx)                                                                                     \
            ROWS(n * g, cg * s, gn_bwd_rows_##sfx(gy, x, mean, rstd, w, gx, ds, dsum, lo, hi, c, cg, s, g)); \
        for (int64_t ch = 0; ch < c; ch++) {                                                        \
            double a = 0.0, bsum = 0.0;                                                             \
            for (int64_t i = 0; i < n; i++) {                                                       \
                int64_t row = i * g + ch / cg;                                                      \
                a += (double)rstd[row] * ds[i * c + ch];                                            \
                bsum += dsum[i * c + ch];                                                           \
            }                                                                                       \
            if (gw) gw[ch] = (T)a;                                                                  \
            if (gb) gb[ch] = (T)bsum;                                                               \
        }                                                                                           \
        free(ds);                                                                                   \
    }

NORM_KERNELS(float, f32)
NORM_KERNELS(double, f64)

/* ---- batch norm: statistics per channel of (n, c, s) -------------------------------------------- */
#define BATCH_NORM_KERNELS(T, sfx)                                                                  \
    /* Channels [lo, hi) when s == 1 (x is (n, c)): column sums, vectorized over channels. */        \
    static FX_CLONES void bn_cols_##sfx(const T *x, const T *w, const T *b, T *y, T *mean, T *var,  \
                                        int64_t n, int64_t c, int64_t lo, int64_t hi, double eps,   \
                                        double *acc) {                                              \
        int64_t k = hi - lo;                                                                        \
        for (int64_t j = 0; j < k; j++) acc[j] = 0.0;                                               \
        for (int64_t i = 0; i < n; i++)                                                             \
            for (int64_t j = 0; j < k; j++) acc[j] += x[i * c + lo + j];                            \
        for (int64_t j = 0; j < k; j++) mean[lo + j] = (T)(acc[j] / (double)n), acc[j] = 0.0;       \
        for (int64_t i = 0; i < n; i++)                                                             \
            for (int64_t j = 0; j < k; j++) {                                                       \
                double d = (double)(x[i * c + lo + j] - mean[lo + j]);                              \
                acc[j] += d * d;                                                                    \
            }                                                                                       \
        for (int64_t j = 0; j < k; j++) {                                                           \
            var[lo + j] = (T)(acc[j] / (double)n);                                                  \
            T r = (T)(1.0 / sqrt(acc[j] / (double)n + eps));                                        \
            T scale = r * (w ? w[lo + j] : (T)1);                                                   \
            acc[j] = scale, acc[k + j] = (b ? b[lo + j] : (T)0) - mean[lo + j] * scale;             \
        }                                                                                           \
        for (int64_t i = 0; i < n; i++)                                                             \
            for (int64_t j = 0; j < k; j++)                                                         \
                y[i * c + lo + j] = x[i * c + lo + j] * (T)acc[j] + (T)acc[k + j];                  \
    }                                                                                               \
                                                                                                    \
    /* Channels [lo, hi) when s > 1: rows of s per (sample, channel). */                           \
    static FX_CLONES void bn_chans_##sfx(const T *x, const T *w, const T *b, T *y, T *mean, T *var, \
                                         int64_t n, int64_t c, int64_t s, int64_t lo, int64_t hi,   \
                                         double eps) {                                              \
        int64_t m = n * s;                                                                          \
        for (int64_t ch = lo; ch < hi; ch++) {                                                      \
            double sum = 0.0;                                                                       \
            for (int64_t i = 0; i < n; i++) sum += fx_sum_##sfx(x + (i * c + ch) * s, s);           \
            T mu = (T)(m ? sum / (double)m : 0.0);                                                  \
            double sq = 0.0;                                                                        \
            for (int64_t i = 0; i < n; i++) sq += sqdev_##sfx(x + (i * c + ch) * s, s, mu);         \
            double v = m ? sq / (double)m : 0.0;                                                    \
            mean[ch] = mu;                                                                          \
            var[ch] = (T)v;                                                                         \
            T scale = (T)(1.0 / sqrt(v + eps)) * (w ? w[ch] : (T)1);                                \
            T shift = (b ? b[ch] : (T)0) - mu * scale;                                              \
            for (int64_t i = 0; i < n; i++) {                                                       \
                const T *xs = x + (i * c + ch) * s;                                                 \
                T *ys = y + (i * c + ch) * s;                                                       \
                for (int64_t j = 0; j < s; j++) ys[j] = xs[j] * scale + shift;                      \
            }                                                                                       \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    void fx_batch_norm_##sfx(const T *x, const T *w, const T *b, T *y, T *mean, T *var, int64_t n,  \
                             int64_t c, int64_t s, double eps) {                                    \
        int64_t m = n * s;                                                                          \
        if (s == 1) {                                                                               \
            int64_t grain = 256;                                                                    \
            FX_PARALLEL_FOR(c, grain, m * c < FX_PAR_MIN ? c + 1 : 0, {                             \
                double acc[512];                                                                    \
                for (int64_t c0 = lo; c0 < hi; c0 += 256)                                           \
                    bn_cols_##sfx(x, w, b, y, mean, var, n, c, c0, c0 + 256 < hi ? c0 + 256 : hi,   \
                                  eps, acc);                                                        \
            });                                                                                     \
            return;                                                                                 \
        }                                                                                           \
        ROWS(c, m, bn_chans_##sfx(x, w, b, y, mean, var, n, c, s, lo, hi, eps));                    \
    }                                                                                               \
                                                                                                    \
    /* gx = k1 gy + k2 (x - mean) + k3 per channel, from sums db = sum gy, ds = sum gy (x - mean) */ \
    FX_INLINE void bn_coefs_##sfx(double db, double ds, double v, double wk, int64_t m, double eps, \
                                  T *k1, T *k2, T *k3) {                                            \
        double r = 1.0 / sqrt(v + eps), inv = m ? 1.0 / (double)m : 0.0;                           \
        *k1 = (T)(wk * r);                                                                          \
        *k2 = (T)(-wk * r * r * r * ds * inv);                                                      \
        *k3 = (T)(-wk * r * db * inv);                                                              \
    }                                                                                               \
                                                                                                    \
    /* Channels [lo, hi) (at most 256) of (n, c) input (s == 1): column sums. */                      \
    static FX_CLONES void bn_bwd_cols_##sfx(const T *gy, const T *x, const T *mean, const T *var,   \
                                            const T *w, T *gx, T *gw, T *gb, int64_t n, int64_t c,  \
                                            int64_t lo, int64_t hi, double eps) {                   \
        double db[256], ds[256];                                                                    \
        T k1[256], k2[256], k3[256];                                                                \
        int64_t k = hi - lo;                                                                        \
        for (int64_t j = 0; j < k; j++) db[j] = ds[j] = 0.0;                                        \
        for (int64_t i = 0; i < n; i++)                                                             \
            for (int64_t j = 0; j < k; j++) {                                                       \
                double g = gy[i * c + lo + j];                                                      \
                db[j] += g;                                                                         \
                ds[j] += g * (double)(x[i * c + lo + j] - mean[lo + j]);                            \
            }                                                                                       \
        for (int64_t j = 0; j < k; j++) {                                                           \
            bn_coefs_##sfx(db[j], ds[j], var[lo + j], w ? w[lo + j] : 1.0, n, eps, k1 + j, k2 + j,  \
                           k3 + j);                                                                 \
            if (gw) gw[lo + j] = (T)(ds[j] / sqrt((double)var[lo + j] + eps));                     \
            if (gb) gb[lo + j] = (T)db[j];                                                          \
        }                                                                                           \
        if (gx)                                                                                     \
            for (int64_t i = 0; i < n; i++)                                                         \
                for (int64_t j = 0; j < k; j++) {                                                   \
                    int64_t e = i * c + lo + j;                                                     \
                    gx[e] = k1[j] * gy[e] + k2[j] * (x[e] - mean[lo + j]) + k3[j];                  \
                }                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* Channels [lo, hi) when s > 1. */                                                             \
    static FX_CLONES void bn_bwd_chans_##sfx(const T *gy, const T *x, const T *mean, const T *var,  \
                                             const T *w, T *gx, T *gw, T *gb, int64_t n, int64_t c, \
                                             int64_t s, int64_t lo, int64_t hi, double eps) {       \
        for (int64_t ch = lo; ch < hi; ch++) {                                                      \
            double db = 0.0, ds = 0.0;                                                              \
            for (int64_t i = 0; i < n; i++) {                                                       \
                double s1, s2;                                                                      \
                int64_t off = (i * c + ch) * s;                                                     \
                gsums_##sfx(gy + off, x + off, NULL, s, mean[ch], &s1, &s2);                        \
                db += s1, ds += s2;                                                                 \
            }                                                                                       \
            T k1, k2, k3, mu = mean[ch];                                                            \
            bn_coefs_##sfx(db, ds, var[ch], w ? w[ch] : 1.0, n * s, eps, &k1, &k2, &k3);            \
            if (gw) gw[ch] = (T)(ds / sqrt((double)var[ch] + eps));                                 \
            if (gb) gb[ch] = (T)db;                                                                 \
            if (gx)                                                                                 \
                for (int64_t i = 0; i < n; i++) {                                                   \
                    int64_t off = (i * c + ch) * s;                                                 \
                    for (int64_t j = 0; j < s; j++)                                                 \
                        gx[off + j] = k1 * gy[off + j] + k2 * (x[off + j] - mu) + k3;               \
                }                                                                                   \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    void fx_batch_norm_backward_##sfx(const T *gy, const T *x, const T *mean, const T *var,         \
                                      const T *w, T *gx, T *gw, T *gb, int64_t n, int64_t c,        \
                                      int64_t s, double eps) {                                      \
        int64_t m = n * s;                                                                          \
        if (s == 1) {                                                                               \
            FX_PARALLEL_FOR(c, 256, m * c < FX_PAR_MIN ? c + 1 : 0, {                               \
                for (int64_t c0 = lo; c0 < hi; c0 += 256)                                           \
                    bn_bwd_cols_##sfx(gy, x, mean, var, w, gx, gw, gb, n, c, c0,                    \
                                      c0 + 256 < hi ? c0 + 256 : hi, eps);                          \
            });                                                                                     \
            return;                                                                                 \
        }                                                                                           \
        ROWS(c, m, bn_bwd_chans_##sfx(gy, x, mean, var, w, gx, gw, gb, n, c, s, lo, hi, eps));      \
    }

BATCH_NORM_KERNELS(float, f32)
BATCH_NORM_KERNELS(double, f64)
