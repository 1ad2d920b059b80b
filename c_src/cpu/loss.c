/* Cross entropy with class indices (log-softmax + weighted NLL + label smoothing in one pass over
 * each row) and its backward, which rebuilds softmax from the saved log-sum-exp: one read of the
 * logits and one write of the gradient, where log_softmax + nll_loss take several. */
#include <string.h>

#include "fx_kernels.h"
#include "fx_cpu.h"

#define CHUNK 16384 /* elements per parallel task */

#define ROWS(rows, cols, ...) \
    FX_PARALLEL_FOR(rows, fx_rows_for(cols, CHUNK), fx_rows_for(cols, FX_PAR_MIN), __VA_ARGS__)

/* sum of e^(x - m) over a row whose largest element is m. */
static FX_CLONES double sumexp_f32(const float *x, int64_t n, float m) {
    fx_f32x8 mv = fx_splat_f32(m);
    double s = 0.0;
    for (int64_t b = 0; b < n; b += FX_F32_BLOCK) {
        int64_t e = b + FX_F32_BLOCK < n ? b + FX_F32_BLOCK : n, i = b;
        fx_f32x8 a0 = {0}, a1 = {0};
        for (; i + 16 <= e; i += 16) {
            fx_f32x8 d0 = fx_load_f32(x + i) - mv, d1 = fx_load_f32(x + i + 8) - mv;
            a0 += fx_expneg_f32x8(&d0);
            a1 += fx_expneg_f32x8(&d1);
        }
        for (; i < e; i += 8) {
            int64_t k = e - i < 8 ? e - i : 8;
            fx_f32x8 d = fx_load_part_f32(x + i, k, -INFINITY) - mv;
            a0 += fx_expneg_f32x8(&d);
        }
        a0 += a1;
        s += fx_hsum_f32(&a0);
    }
    return s;
}

static FX_CLONES double sumexp_f64(const double *x, int64_t n, double m) {
    double s = 0.0;
    for (int64_t j = 0; j < n; j++) s += exp(x[j] - m);
    return s;
}

/* o[j] = sc * (a e^(x[j] - l) - k w[j]) (w NULL: k instead of k w[j]). */
static FX_CLONES void ce_grad_row_f32(const float *x, const float *w, float *o, int64_t n, float l, float sc,
                                      float a, float k) {
    fx_f32x8 lv = fx_splat_f32(l);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        fx_f32x8 d = fx_load_f32(x + i) - lv;
        fx_f32x8 p = fx_expneg_f32x8(&d) * a;
        p -= w ? fx_load_f32(w + i) * k : fx_splat_f32(k);
        p *= sc;
        fx_store_f32(o + i, &p);
    }
    for (; i < n; i++) {
        float d = x[i] - l;
        o[i] = sc * (a * fx_expf(d) - (w ? w[i] * k : k));
    }
}

static FX_CLONES void ce_grad_row_f64(const double *x, const double *w, double *o, int64_t n, double l,
                                      double sc, double a, double k) {
    for (int64_t i = 0; i < n; i++) o[i] = sc * (a * exp(x[i] - l) - (w ? w[i] * k : k));
}

#define CE_KERNELS(T, sfx)                                                                          \
    static FX_CLONES void ce_rows_##sfx(const T *x, const int64_t *t, const T *w, T *loss, T *lse,     \
                                        int64_t lo, int64_t hi, int64_t c, int64_t ignore_index,    \
                                        double ls, double wsum) {                                   \
        for (int64_t r = lo; r < hi; r++) {                                                         \
            const T *xr = x + r * c;                                                                \
            int64_t tr = t[r];                                                                      \
            if (tr == ignore_index || c == 0) {                                                     \
                loss[r] = 0, lse[r] = 0;                                                            \
                continue;                                                                           \
            }                                                                                       \
            T m = fx_amax_##sfx(xr, c);                                                             \
            double l = (double)m + log(sumexp_##sfx(xr, c, m));                                    \
            double wt = w ? (double)w[tr] : 1.0;                                                    \
            double v = (1.0 - ls) * wt * (l - (double)xr[tr]);                                      \
            if (ls > 0.0) {                                                                         \
                double sx = w ? fx_dot_##sfx(w, xr, c) : fx_sum_##sfx(xr, c);                       \
                v += ls / (double)c * (l * wsum - sx);                                              \
            }                                                                                       \
            loss[r] = (T)v, lse[r] = (T)l;                                                          \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    static FX_CLONES double wsum_##sfx(const T *w, int64_t c) {                                     \
        return w ? fx_sum_##sfx(w, c) : (double)c;                                                  \
    }                                                                                               \
                                                                                                    \
    int64_t fx_cross_entropy_##sfx(const T *x, const int64_t *t, const T *w, T *loss, T *lse,       \
                                   int64_t n, int64_t c, int64_t ignore_index, double ls) {         \
        for (int64_t r = 0; r < n; r++)                                                             \
            if (t[r] != ignore_index && (t[r] < 0 || t[r] >= c)) return r;                          \
        double wsum = wsum_##sfx(w, c);                                                             \
        ROWS(n, c, ce_rows_##sfx(x, t, w, loss, lse, lo, hi, c, ignore_index, ls, wsum));           \
        return -1;                                                                                  \
    }                                                                                               \
                                                                                                    \
    void fx_cross_entropy_backward_##sfx(const T *x, const int64_t *t, const T *w, const T *lse,    \
                                         const T *scale, T *gx, int64_t n, int64_t c,               \
                                         int64_t ignore_index, double ls) {                         \
        double wsum = wsum_##sfx(w, c);                                                             \
        ROWS(n, c, for (int64_t r = lo; r < hi; r++) {                                              \
            int64_t tr = t[r];                                                                      \
            T *o = gx + r * c;                                                                      \
            if (tr == ignore_index || tr < 0 || tr >= c) {                                          \
                memset(o, 0, (size_t)c * sizeof(T));                                                \
                continue;                                                                           \
            }                                                                                       \
            double wt = w ? (double)w[tr] : 1.0;                                                    \
            double a = (1.0 - ls) * wt + ls / (double)c * wsum;                                     \
            ce_grad_row_##sfx(x + r * c, w, o, c, lse[r], scale[r], (T)a, (T)(ls / (double)c));     \
            o[tr] -= (T)((double)scale[r] * (1.0 - ls) * wt);                                       \
        });                                                                                         \
    }

CE_KERNELS(float, f32)
CE_KERNELS(double, f64)
