/* Max, average and adaptive pooling over contiguous (planes, ih, iw) planes, and their backward
 * passes. Planes are independent, so every kernel runs in parallel over planes; a backward pass
 * scatters into its own plane only. */
#include <string.h>

#include "fx_kernels.h"
#include "fx_cpu.h"

#define CHUNK 16384 /* window elements per parallel task */

#define PLANES(planes, work, ...) \
    FX_PARALLEL_FOR(planes, fx_rows_for(work, CHUNK), fx_rows_for(work, FX_PAR_MIN), __VA_ARGS__)

FX_INLINE int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }
FX_INLINE int64_t imax(int64_t a, int64_t b) { return a > b ? a : b; }

#define POOL_KERNELS(T, sfx)                                                                       \
    static FX_CLONES void max_plane_##sfx(const T *x, T *y, int64_t *idx, int64_t ih, int64_t iw,  \
                                          int64_t oh, int64_t ow, int64_t kh, int64_t kw,          \
                                          int64_t sh, int64_t sw, int64_t ph, int64_t pw,          \
                                          int64_t dh, int64_t dw) {                                \
        for (int64_t i = 0; i < oh; i++) {                                                         \
            int64_t h0 = i * sh - ph, h1 = imin(h0 + (kh - 1) * dh + 1, ih);                       \
            while (h0 < 0) h0 += dh;                                                               \
            for (int64_t j = 0; j < ow; j++) {                                                     \
                int64_t w0 = j * sw - pw, w1 = imin(w0 + (kw - 1) * dw + 1, iw);                   \
                while (w0 < 0) w0 += dw;                                                           \
                int64_t best = h0 * iw + w0;                                                       \
                T m = -INFINITY;                                                                   \
                for (int64_t h = h0; h < h1; h += dh)                                              \
                    for (int64_t w = w0; w < w1; w += dw) {                                        \
                        T v = x[h * iw + w];                                                       \
                        int take = (v > m) | (v != v); /* branch-free: data-dependent */ \
                        m = take ? v : m;                                                          \
                        best = take ? h * iw + w : best;                                           \
                    }                                                                              \
                y[i * ow + j] = m;                                                                 \
                idx[i * ow + j] = best;                                                            \
            }                                                                                      \
        }                                                                                          \
    }                                                                                              \
                                                                                                   \
    /* The 2x2 stride-2 windows of LeNet-style nets, all inside the plane: the generic loop's      \
     * runtime window bounds cost ~10x. Same visiting order and NaN rule as max_plane. */          \
    static FX_CLONES void max2x2_plane_##sfx(const T *x, T *y, int64_t *idx, int64_t iw,          \
                                             int64_t oh, int64_t ow) {                             \
        for (int64_t i = 0; i < oh; i++) {                                                         \
            const T *r0 = x + 2 * i * iw, *r1 = r0 + iw;                                           \
            T *yr = y + i * ow;                                                                    \
            int64_t *ir = idx + i * ow, base = 2 * i * iw;                                         \
            for (int64_t j = 0; j < ow; j++) {                                                     \
                T v0 = r0[2 * j], v1 = r0[2 * j + 1], v2 = r1[2 * j], v3 = r1[2 * j + 1];          \
                T m = v0;                                                                          \
                int64_t b = 0;                                                                     \
                int t1 = (v1 > m) | (v1 != v1);                                                    \
                m = t1 ? v1 : m;                                                                   \
                b = t1 ? 1 : b;                                                                    \
                int t2 = (v2 > m) | (v2 != v2);                                                    \
                m = t2 ? v2 : m;                                                                   \
                b = t2 ? iw : b;                                                                   \
                int t3 = (v3 > m) | (v3 != v3);                                                    \
                m = t3 ? v3 : m;                                                                   \
                b = t3 ? iw + 1 : b;                                                               \
                yr[j] = m;                                                                         \
                ir[j] = base + 2 * j + b;                                                          \
            }                                                                                      \
        }                                                                                          \
    }                                                                                              \
                                                                                                   \
    void fx_max_pool2d_##sfx(const T *x, T *y, int64_t *idx, int64_t planes, int64_t ih,           \
                             int64_t iw, int64_t oh, int64_t ow, int64_t kh, int64_t kw,           \
                             int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t dh,           \
                             int64_t dw) {                                                         \
        int64_t is = ih * iw, os = oh * ow;                                                        \
        int two = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && dh == 1 &&     \
                  dw == 1 && 2 * oh <= ih && 2 * ow <= iw;                                         \
        PLANES(planes, os * kh * kw + 1, for (int64_t p = lo; p < hi; p++) {                       \
            if (two)                                                                               \
                max2x2_plane_##sfx(x + p * is, y + p * os, idx + p * os, iw, oh, ow);              \
            else                                                                                   \
                max_plane_##sfx(x + p * is, y + p * os, idx + p * os, ih, iw, oh, ow, kh, kw, sh,  \
                                sw, ph, pw, dh, dw);                                               \
        });                                                                                        \
    }                                                                                              \
                                                                                                   \
    void fx_max_pool_backward_##sfx(const T *gy, const int64_t *idx, T *gx, int64_t planes,        \
                                    int64_t isize, int64_t osize) {                                \
        PLANES(planes, isize + osize + 1, for (int64_t p = lo; p < hi; p++) {                      \
            T *g = gx + p * isize;                                                                 \
            const T *src = gy + p * osize;                                                         \
            const int64_t *ix = idx + p * osize;                                                   \
            memset(g, 0, (size_t)isize * sizeof(T));                                               \
            for (int64_t o = 0; o < osize; o++)                                                    \
                if (ix[o] >= 0 && ix[o] < isize) g[ix[o]] += src[o];                               \
        });                                                                                        \
    }                                                                                              \
                                                                                                   \
    /* The clipped window of output (i, j) and its divisor; returns 0 for an empty window. */      \
    FX_INLINE int avg_window_##sfx(int64_t i, int64_t j, int64_t ih, int64_t iw, int64_t kh,       \
                                   int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw,     \
                                   int cip, int64_t divisor, int64_t *win, T *scale) {             \
        int64_t h0 = i * sh - ph, w0 = j * sw - pw;                                                \
        int64_t h1 = imin(h0 + kh, ih + ph), w1 = imin(w0 + kw, iw + pw);                          \
        int64_t padded = (h1 - h0) * (w1 - w0);                                                    \
        h0 = imax(h0, 0), w0 = imax(w0, 0), h1 = imin(h1, ih), w1 = imin(w1, iw);                  \
        if (h0 >= h1 || w0 >= w1) return 0;                                                        \
        win[0] = h0, win[1] = h1, win[2] = w0, win[3] = w1;                                        \
        int64_t div = divisor > 0 ? divisor : cip ? padded : (h1 - h0) * (w1 - w0);                \
        *scale = (T)(1.0 / (double)div);                                                           \
        return 1;                                                                                  \
    }                                                                                              \
                                                                                                   \
    /* sum of the window rows [h0, h1) x [w0, w1) of a plane, in double */                        \
    FX_INLINE double window_sum_##sfx(const T *xp, int64_t iw, int64_t h0, int64_t h1, int64_t w0,  \
                                      int64_t w1) {                                                 \
        double s = 0.0;                                                                             \
        for (int64_t h = h0; h < h1; h++) {                                                         \
            const T *r = xp + h * iw;                                                               \
            if (w1 - w0 >= 32) {                                                                    \
                s += fx_sum_##sfx(r + w0, w1 - w0);                                                 \
            } else {                                                                                \
                for (int64_t w = w0; w < w1; w++) s += r[w];                                        \
            }                                                                                       \
        }                                                                                           \
        return s;                                                                                   \
    }                                                                                               \
                                                                                                    \
    static FX_CLONES void avg_planes_##sfx(const T *x, T *y, int64_t lo, int64_t hi, int64_t ih,    \
                                           int64_t iw, int64_t oh, int64_t ow, int64_t kh,          \
                                           int64_t kw, int64_t sh, int64_t sw, int64_t ph,          \
                                           int64_t pw, int cip, int64_t divisor) {                  \
        for (int64_t p = lo; p < hi; p++) {                                                         \
            const T *xp = x + p * ih * iw;                                                          \
            T *yp = y + p * oh * ow;                                                                \
            for (int64_t i = 0; i < oh; i++)                                                        \
                for (int64_t j = 0; j < ow; j++) {                                                  \
                    int64_t win[4];                                                                 \
                    T scale;                                                                        \
                    if (!avg_window_##sfx(i, j, ih, iw, kh, kw, sh, sw, ph, pw, cip, divisor,       \
                                          win, &scale)) {                                           \
                        yp[i * ow + j] = 0;                                                         \
                        continue;                                                                   \
                    }                                                                               \
                    yp[i * ow + j] = (T)window_sum_##sfx(xp, iw, win[0], win[1], win[2], win[3]) * scale; \
                }                                                                                   \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    void fx_avg_pool2d_##sfx(const T *x, T *y, int64_t planes, int64_t ih, int64_t iw, int64_t oh, \
                             int64_t ow, int64_t kh, int64_t kw, int64_t sh, int64_t sw,           \
                             int64_t ph, int64_t pw, int cip, int64_t divisor) {                   \
        PLANES(planes, oh * ow * kh * kw + 1,                                                       \
               avg_planes_##sfx(x, y, lo, hi, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, cip, divisor)); \
    }                                                                                              \
                                                                                                   \
    void fx_avg_pool2d_backward_##sfx(const T *gy, T *gx, int64_t planes, int64_t ih, int64_t iw,  \
                                      int64_t oh, int64_t ow, int64_t kh, int64_t kw, int64_t sh,  \
                                      int64_t sw, int64_t ph, int64_t pw, int cip,                 \
                                      int64_t divisor) {                                           \
        int64_t is = ih * iw, os = oh * ow;                                                        \
        PLANES(planes, os * kh * kw + is + 1, for (int64_t p = lo; p < hi; p++) {                  \
            const T *gp = gy + p * os;                                                             \
            T *xp = gx + p * is;                                                                   \
            memset(xp, 0, (size_t)is * sizeof(T));                                                 \
            for (int64_t i = 0; i < oh; i++)                                                       \
                for (int64_t j = 0; j < ow; j++) {                                                 \
                    int64_t win[4];                                                                \
                    T scale;                                                                       \
                    if (!avg_window_##sfx(i, j, ih, iw, kh, kw, sh, sw, ph, pw, cip, divisor,      \
                                          win, &scale))                                            \
                        continue;                                                                  \
                    T v = gp[i * ow + j] * scale;                                                  \
                    for (int64_t h = win[0]; h < win[1]; h++)                                      \
                        for (int64_t w = win[2]; w < win[3]; w++) xp[h * iw + w] += v;             \
                }                                                                                  \
        });                                                                                        \
    }                                                                                              \
                                                                                                   \
    static FX_CLONES void adaptive_avg_planes_##sfx(const T *x, T *y, int64_t lo, int64_t hi,      \
                                                    int64_t ih, int64_t iw, int64_t oh,             \
                                                    int64_t ow) {                                   \
        for (int64_t p = lo; p < hi; p++) {                                                         \
            const T *xp = x + p * ih * iw;                                                          \
            T *yp = y + p * oh * ow;                                                                \
            for (int64_t i = 0; i < oh; i++) {                                                      \
                int64_t h0 = i * ih / oh, h1 = ((i + 1) * ih + oh - 1) / oh;                        \
                for (int64_t j = 0; j < ow; j++) {                                                  \
                    int64_t w0 = j * iw / ow, w1 = ((j + 1) * iw + ow - 1) / ow;                    \
                    double s = ow == 1 && h1 > h0 ? fx_sum_##sfx(xp + h0 * iw, (h1 - h0) * iw)      \
                                                  : window_sum_##sfx(xp, iw, h0, h1, w0, w1);       \
                    yp[i * ow + j] = (T)(s / (double)((h1 - h0) * (w1 - w0)));                      \
                }                                                                                   \
            }                                                                                       \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    void fx_adaptive_avg_pool2d_##sfx(const T *x, T *y, int64_t planes, int64_t ih, int64_t iw,    \
                                      int64_t oh, int64_t ow) {                                    \
        PLANES(planes, ih * iw + oh * ow + 1, adaptive_avg_planes_##sfx(x, y, lo, hi, ih, iw, oh, ow)); \
    }                                                                                              \
                                                                                                   \
    void fx_adaptive_avg_pool2d_backward_##sfx(const T *gy, T *gx, int64_t planes, int64_t ih,     \
                                               int64_t iw, int64_t oh, int64_t ow) {               \
        int64_t is = ih * iw, os = oh * ow;                                                        \
        PLANES(planes, is + os + 1, for (int64_t p = lo; p < hi; p++) {                            \
            const T *gp = gy + p * os;                                                             \
            T *xp = gx + p * is;                                                                   \
            memset(xp, 0, (size_t)is * sizeof(T));                                                 \
            for (int64_t i = 0; i < oh; i++) {                                                     \
                int64_t h0 = i * ih / oh, h1 = ((i + 1) * ih + oh - 1) / oh;                       \
                for (int64_t j = 0; j < ow; j++) {                                                 \
                    int64_t w0 = j * iw / ow, w1 = ((j + 1) * iw + ow - 1) / ow;                   \
                    T v = (T)(gp[i * ow + j] / (double)((h1 - h0) * (w1 - w0)));                   \
                    for (int64_t h = h0; h < h1; h++)                                              \
                        for (int64_t w = w0; w < w1; w++) xp[h * iw + w] += v;                     \
                }                                                                                  \
            }                                                                                      \
        });                                                                                        \
    }                                                                                              \
                                                                                                   \
    void fx_adaptive_max_pool2d_##sfx(const T *x, T *y, int64_t *idx, int64_t planes, int64_t ih,  \
                                      int64_t iw, int64_t oh, int64_t ow) {                        \
        int64_t is = ih * iw, os = oh * ow;                                                        \
        PLANES(planes, is + os + 1, for (int64_t p = lo; p < hi; p++) {                            \
            const T *xp = x + p * is;                                                              \
            for (int64_t i = 0; i < oh; i++) {                                                     \
                int64_t h0 = i * ih / oh, h1 = ((i + 1) * ih + oh - 1) / oh;                       \
                for (int64_t j = 0; j < ow; j++) {                                                 \
                    int64_t w0 = j * iw / ow, w1 = ((j + 1) * iw + ow - 1) / ow;                   \
                    int64_t best = h0 * iw + w0;                                                   \
                    T m = -INFINITY;                                                               \
                    for (int64_t h = h0; h < h1; h++)                                              \
                        for (int64_t w = w0; w < w1; w++) {                                        \
                            T v = xp[h * iw + w];                                                  \
                            int take = (v > m) | (v != v);                                         \
                            m = take ? v : m;                                                      \
                            best = take ? h * iw + w : best;                                       \
                        }                                                                          \
                    y[p * os + i * ow + j] = m;                                                    \
                    idx[p * os + i * ow + j] = best;                                               \
                }                                                                                  \
            }                                                                                      \
        });                                                                                        \
    }

POOL_KERNELS(float, f32)
POOL_KERNELS(double, f64)
