/* Fused scaled dot-product attention, forward and backward (see fx_attention.h).
 *
 * Blocks of query rows: a block's scores against every key it sees (one small matrix product
 * with k transposed once per batch entry), its softmax, then the product with v. Nothing of
 * size L x S is stored: the backward recomputes p from the saved logsumexp (flash attention's
 * trick). The forward splits work over (batch entry, row block), the backward over batch entries
 * (gk and gv sum over an entry's rows).
 */
#include <stdlib.h>

#include "fx_kernels.h"
#include "fx_cpu.h"

enum { FQ, FK, FV, FMASK, FDROP, FOUT };
enum { BG, BQ, BK, BV, BOUT, BMASK, BDROP, BGQ, BGK, BGV, BGM };

/* Query rows per block: the rows of a causal block see up to ROWS - 1 keys more than they use. */
#define ROWS 16
/* Below this many multiply-adds a call runs on one thread. */
#define PAR_WORK 262144

typedef double fx_att_f64x4 __attribute__((vector_size(32)));

FX_INLINE double exp_f64(double x) { return exp(x); }
FX_INLINE float exp_f32(float x) { return fx_expf(x); }
/* Reductions with SIMD accumulators (a plain loop would stay scalar: float addition and max do not
 * reassociate). The max ignores NaN: a NaN score still makes its row NaN through exp, but a row of
 * NaN (and -inf) scores sees no key and gives 0, as PyTorch's fused CPU kernel does. */
FX_INLINE float max_f32(const float *x, int64_t n) { return fx_max_nonan_f32(x, n); }
FX_INLINE double max_f64(const double *x, int64_t n) {
    double m = -INFINITY;
    for (int64_t j = 0; j < n; j++) m = x[j] > m ? x[j] : m;
    return m;
}
/* Sum of x[j] (* y[j] unless y is NULL) over a short row: float lanes (rows are at most a few
 * thousand terms of similar size), summed in double at the end. */
FX_INLINE double dot_f32(const float *x, const float *y, int64_t n) {
    fx_f32x8 a = {0}, b = {0};
    int64_t j = 0;
    for (; j + 16 <= n; j += 16) {
        fx_f32x8 x0 = fx_load_f32(x + j), x1 = fx_load_f32(x + j + 8);
        if (y != NULL) {
            x0 *= fx_load_f32(y + j);
            x1 *= fx_load_f32(y + j + 8);
        }
        a += x0;
        b += x1;
    }
    a += b;
    double s = fx_hsum_f32(&a);
    for (; j < n; j++) s += y == NULL ? (double)x[j] : (double)x[j] * y[j];
    return s;
}
FX_INLINE double dot_f64(const double *x, const double *y, int64_t n) { return fx_dot_f64(x, y, n); }

/* GEMM(T, V, W, sfx): c[m x n] = (or +=, when acc) a[m x k] b[k x n], with a's element (i, p) at
 * a[i * as + p * ak], b's row p contiguous at b + p * ldb and c's row i at c + i * ldc; V is a
 * vector of W elements of T. 4 x 2W register tiles, then narrower ones at the edges. */
#define GEMM(T, V, W, sfx)                                                                             \
    FX_INLINE V load_##sfx(const T *p, int64_t cnt) {                                                  \
        V v = (V){0};                                                                                  \
        if (cnt == W)                                                                                  \
            memcpy(&v, p, sizeof v);                                                                   \
        else                                                                                           \
            for (int64_t t = 0; t < cnt; t++) v[t] = p[t];                                             \
        return v;                                                                                      \
    }                                                                                                  \
    FX_INLINE void store_##sfx(T *p, const V *v, int64_t cnt, int acc) {                              \
        if (cnt == W) {                                                                                \
            V r = *v;                                                                                  \
            if (acc) {                                                                                 \
                V o;                                                                                   \
                memcpy(&o, p, sizeof o);                                                               \
                r += o;                                                                                \
            }                                                                                          \
            memcpy(p, &r, sizeof r);                                                                   \
        } else {                                                                                       \
            for (int64_t t = 0; t < cnt; t++) p[t] = acc ? p[t] + (*v)[t] : (*v)[t];                   \
        }                                                                                              \
    }                                                                                                  \
    /* rows [i, i + R) x columns [j, j + 2W) (cnt0 of the first vector's and cnt1 of the second's
     * columns exist); FULL: both whole, so loads need no count. */                                    \
    FX_INLINE void tile_##sfx(int R, int FULL, int64_t k, const T *a, int64_t as, int64_t ak,          \
                              const T *b, int64_t ldb, T *c, int64_t ldc, int64_t cnt0, int64_t cnt1,  \
                              int acc) {                                                               \
        V s0[4] = {{0}}, s1[4] = {{0}};                                                                \
        for (int64_t p = 0; p < k; p++) {                                                              \
            V b0, b1;                                                                                  \
            if (FULL) {                                                                                \
                memcpy(&b0, b + p * ldb, sizeof b0);                                                   \
                memcpy(&b1, b + p * ldb + W, sizeof b1);                                               \
            } else {                                                                                   \
                b0 = load_##sfx(b + p * ldb, cnt0);                                                    \
                b1 = cnt1 ? load_##sfx(b + p * ldb + W, cnt1) : (V){0};                                \
            }                                                                                          \
            for (int r = 0; r < R; r++) {                                                              \
                V x = (V){0} + a[r * as + p * ak];                                                     \
                s0[r] += x * b0;                                                                       \
                s1[r] += x * b1;                                                                       \
            }                                                                                          \
        }                                                                                              \
        for (int r = 0; r < R; r++) {                                                                  \
            store_##sfx(c + r * ldc, &s0[r], FULL ? W : cnt0, acc);                                    \
            if (FULL || cnt1) store_##sfx(c + r * ldc + W, &s1[r], FULL ? W : cnt1, acc);              \
        }                                                                                              \
    }                                                                                                  \
    static FX_CLONES void gemm_##sfx(int64_t m, int64_t n, int64_t k, const T *a, int64_t as,          \
                                     int64_t ak, const T *b, int64_t ldb, T *c, int64_t ldc, int acc) { \
        for (int64_t j = 0; j < n; j += 2 * W) {                                                       \
            int64_t left = n - j, cnt0 = left < W ? left : W, cnt1 = left - cnt0 < W ? left - cnt0 : W; \
            const T *bj = b + j;                                                                       \
            T *cj = c + j;                                                                             \
            int64_t i = 0;                                                                             \
            if (cnt1 == W) {                                                                           \
                for (; i + 4 <= m; i += 4)                                                             \
                    tile_##sfx(4, 1, k, a + i * as, as, ak, bj, ldb, cj + i * ldc, ldc, W, W, acc);    \
                for (; i < m; i++)                                                                     \
                    tile_##sfx(1, 1, k, a + i * as, as, ak, bj, ldb, cj + i * ldc, ldc, W, W, acc);    \
            } else {                                                                                   \
                for (; i + 4 <= m; i += 4)                                                             \
                    tile_##sfx(4, 0, k, a + i * as, as, ak, bj, ldb, cj + i * ldc, ldc, cnt0, cnt1, acc); \
                for (; i < m; i++)                                                                     \
                    tile_##sfx(1, 0, k, a + i * as, as, ak, bj, ldb, cj + i * ldc, ldc, cnt0, cnt1, acc); \
            }                                                                                          \
        }                                                                                              \
    }

GEMM(float, fx_f32x8, 8, f32)
GEMM(double, fx_att_f64x4, 4, f64)

#define SDPA(T, sfx)                                                                                   \
    /* Keys query i sees: all S, or those j <= i when causal. */                                      \
    FX_INLINE int64_t visible_##sfx(int64_t i, int64_t S, int causal) {                                \
        return causal ? (i + 1 < S ? i + 1 : S) : S;                                                   \
    }                                                                                                  \
                                                                                                       \
    /* xt (C, R) = x^T of rows x (R, C) with row stride rs. */                                         \
    FX_INLINE void transpose_##sfx(const T *x, int64_t rs, T *xt, int64_t R, int64_t C) {              \
        for (int64_t j = 0; j < R; j++)                                                                \
            for (int64_t e = 0; e < C; e++) xt[e * R + j] = x[j * rs + e];                             \
    }                                                                                                  \
                                                                                                       \
    /* s (rows r0..r1, keys 0..n; row stride n) = scores with the masks applied; mx[r] = row max. */  \
    FX_INLINE void scores_##sfx(const T *q, int64_t qs, const T *kt, T *s, T *mx, int64_t r0,          \
                                int64_t r1, int64_t n, int64_t S, int64_t E, T scale, int causal,      \
                                const unsigned char *bm, const T *fm, int64_t ms, int64_t cs) {        \
        gemm_##sfx(r1 - r0, n, E, q + r0 * qs, qs, 1, kt, S, s, n, 0);                                 \
        for (int64_t i = r0; i < r1; i++) {                                                            \
            T *si = s + (i - r0) * n;                                                                  \
            int64_t vis = visible_##sfx(i, n, causal);                                                 \
            for (int64_t j = 0; j < vis; j++) si[j] *= scale;                                          \
            if (bm != NULL) {                                                                          \
                const unsigned char *b = bm + i * ms;                                                  \
                if (cs == 1)                                                                           \
                    for (int64_t j = 0; j < vis; j++) si[j] = b[j] ? si[j] : (T)-INFINITY;             \
                else                                                                                   \
                    for (int64_t j = 0; j < vis; j++) si[j] = b[j * cs] ? si[j] : (T)-INFINITY;        \
            }                                                                                          \
            if (fm != NULL) {                                                                          \
                const T *f = fm + i * ms;                                                              \
                if (cs == 1)                                                                           \
                    for (int64_t j = 0; j < vis; j++) si[j] += f[j];                                   \
                else                                                                                   \
                    for (int64_t j = 0; j < vis; j++) si[j] += f[j * cs];                              \
            }                                                                                          \
            for (int64_t j = vis; j < n; j++) si[j] = (T)-INFINITY;                                    \
            mx[i - r0] = max_##sfx(si, vis);                                                           \
        }                                                                                              \
    }                                                                                                  \
                                                                                                       \
    /* rows r0..r1 of one batch entry; kt = its k transposed (E, S) */                                \
    static FX_CLONES void forward_rows_##sfx(const T *q, const T *v, const unsigned char *bm,          \
                                             const T *fm, const T *dr, T *out, T *lse, const int64_t *rs, \
                                             int64_t cs_mask, int64_t cs_drop, int64_t r0, int64_t r1,  \
                                             int64_t S, int64_t E, int64_t Ev, T scale, int causal,     \
                                             T keep_inv, T *kt, T *s) {                                 \
        int64_t n = visible_##sfx(r1 - 1, S, causal);                                                  \
        T mx[ROWS];                                                                                    \
        scores_##sfx(q, rs[FQ], kt, s, mx, r0, r1, n, S, E, scale, causal, bm, fm, rs[FMASK], cs_mask); \
        for (int64_t i = r0; i < r1; i++) {                                                            \
            T *si = s + (i - r0) * n, m = mx[i - r0];                                                  \
            if (m == (T)-INFINITY) { /* sees no key: output row 0, backward's p = exp(s - inf) = 0 */  \
                lse[i] = (T)INFINITY;                                                                  \
                for (int64_t j = 0; j < n; j++) si[j] = 0;                                             \
                continue;                                                                              \
            }                                                                                          \
            for (int64_t j = 0; j < n; j++) si[j] = exp_##sfx(si[j] - m);                              \
            T total = (T)dot_##sfx(si, NULL, n);                                                       \
            lse[i] = m + log(total);                                                                   \
            T inv = keep_inv / total;                                                                  \
            if (dr != NULL && cs_drop == 1) {                                                          \
                const T *d = dr + i * rs[FDROP];                                                       \
                for (int64_t j = 0; j < n; j++) si[j] *= d[j] * inv;                                   \
            } else if (dr != NULL) {                                                                   \
                const T *d = dr + i * rs[FDROP];                                                       \
                for (int64_t j = 0; j < n; j++) si[j] *= d[j * cs_drop] * inv;                         \
            } else {                                                                                   \
                for (int64_t j = 0; j < n; j++) si[j] *= inv;                                          \
            }                                                                                          \
        }                                                                                              \
        gemm_##sfx(r1 - r0, Ev, n, s, n, 1, v, rs[FV], out + r0 * rs[FOUT], rs[FOUT], 0);              \
    }                                                                                                  \
                                                                                                       \
    int fx_sdpa_##sfx(const T *q, const T *k, const T *v, const unsigned char *bmask, const T *fmask,  \
                      const T *drop, T *out, T *lse, const int64_t *off, const int64_t *rs,             \
                      int64_t cs_mask, int64_t cs_drop, int64_t nb, int64_t L, int64_t S, int64_t E,    \
                      int64_t Ev, double scale, int causal, double keep_inv) {                          \
        int64_t blocks = (L + ROWS - 1) / ROWS, units = nb * blocks;                                   \
        int failed = 0;                                                                                \
        int64_t serial = nb * L * S * (E + Ev) < PAR_WORK ? units + 1 : 0;                             \
        /* whole batch entries per task when there are enough of them: k is transposed once each */   \
        int64_t grain = nb >= 8 * (int64_t)fx_max_threads() ? blocks : 1;                              \
        FX_PARALLEL_FOR(units, grain, serial, {                                                        \
            T *kt = malloc(sizeof(T) * (size_t)(S * E + ROWS * S + 1));                                \
            if (kt == NULL) {                                                                          \
                failed = 1;                                                                            \
            } else {                                                                                   \
                int64_t last = -1;                                                                     \
                for (int64_t u = lo; u < hi; u++) {                                                    \
                    int64_t b = u / blocks, r0 = (u % blocks) * ROWS;                                  \
                    int64_t r1 = r0 + ROWS < L ? r0 + ROWS : L;                                        \
                    const int64_t *o = off + b;                                                        \
                    if (b != last) transpose_##sfx(k + o[FK * nb], rs[FK], kt, S, E);                  \
                    last = b;                                                                          \
                    forward_rows_##sfx(q + o[FQ * nb], v + o[FV * nb],                                 \
                                       bmask ? bmask + o[FMASK * nb] : NULL,                           \
                                       fmask ? fmask + o[FMASK * nb] : NULL,                           \
                                       drop ? drop + o[FDROP * nb] : NULL, out + o[FOUT * nb],         \
                                       lse + b * L, rs, cs_mask, cs_drop, r0, r1, S, E, Ev, (T)scale,  \
                                       causal, (T)keep_inv, kt, kt + S * E);                           \
                }                                                                                      \
                free(kt);                                                                              \
            }                                                                                          \
        });                                                                                            \
        return failed ? -1 : 0;                                                                        \
    }                                                                                                  \
                                                                                                       \
    static FX_CLONES void backward_entry_##sfx(const T *g, const T *q, const T *k, const T *v,          \
                                               const T *out, const T *lse, const unsigned char *bm,    \
                                               const T *fm, const T *dr, T *gq, T *gk, T *gv, T *gm,   \
                                               const int64_t *rs, int64_t cs_mask, int64_t cs_drop,    \
                                               int64_t L, int64_t S, int64_t E, int64_t Ev, T scale,   \
                                               int causal, T keep_inv, T *kt, T *vt, T *p, T *dp) {    \
        transpose_##sfx(k, rs[BK], kt, S, E);                                                          \
        transpose_##sfx(v, rs[BV], vt, S, Ev);                                                         \
        if (gk != NULL)                                                                                \
            for (int64_t j = 0; j < S; j++)                                                            \
                for (int64_t e = 0; e < E; e++) gk[j * rs[BGK] + e] = 0;                               \
        if (gv != NULL)                                                                                \
            for (int64_t j = 0; j < S; j++)                                                            \
                for (int64_t c = 0; c < Ev; c++) gv[j * rs[BGV] + c] = 0;                              \
        T mx[ROWS];                                                                                    \
        for (int64_t r0 = 0; r0 < L; r0 += ROWS) {                                                     \
            int64_t r1 = r0 + ROWS < L ? r0 + ROWS : L, R = r1 - r0;                                   \
            int64_t n = visible_##sfx(r1 - 1, S, causal);                                              \
            scores_##sfx(q, rs[BQ], kt, p, mx, r0, r1, n, S, E, scale, causal, bm, fm, rs[BMASK],      \
                         cs_mask);                                                                     \
            /* dp = g v^T (the gradient of the kept, scaled weights) */                                \
            gemm_##sfx(R, n, Ev, g + r0 * rs[BG], rs[BG], 1, vt, S, dp, n, 0);                         \
            for (int64_t i = r0; i < r1; i++) {                                                        \
                T *pi = p + (i - r0) * n, *dpi = dp + (i - r0) * n, li = lse[i];                       \
                const T *gi = g + i * rs[BG], *oi = out + i * rs[BOUT];                                \
                if (li == (T)INFINITY) { /* a query that sees no key: p = 0, no gradient */            \
                    for (int64_t j = 0; j < n; j++) pi[j] = dpi[j] = 0;                                \
                } else {                                                                               \
                    T D = (T)dot_##sfx(gi, oi, Ev);                                                    \
                    for (int64_t j = 0; j < n; j++) pi[j] = exp_##sfx(pi[j] - li);                     \
                    if (dr != NULL) { /* p becomes the weight v was multiplied by, for gv */           \
                        const T *d = dr + i * rs[BDROP];                                               \
                        if (cs_drop == 1) {                                                            \
                            for (int64_t j = 0; j < n; j++) {                                          \
                                T w = d[j] * keep_inv, pj = pi[j];                                     \
                                pi[j] = pj * w;                                                        \
                                dpi[j] = pj * (dpi[j] * w - D);                                        \
                            }                                                                          \
                        } else {                                                                       \
                            for (int64_t j = 0; j < n; j++) {                                          \
                                T w = d[j * cs_drop] * keep_inv, pj = pi[j];                           \
                                pi[j] = pj * w;                                                        \
                                dpi[j] = pj * (dpi[j] * w - D);                                        \
                            }                                                                          \
                        }                                                                              \
                    } else {                                                                           \
                        for (int64_t j = 0; j < n; j++) dpi[j] = pi[j] * (dpi[j] - D);                 \
                    }                                                                                  \
                }                                                                                      \
                if (gm != NULL) {                                                                      \
                    T *gmi = gm + i * rs[BGM];                                                         \
                    for (int64_t j = 0; j < n; j++) gmi[j] = dpi[j];                                   \
                    for (int64_t j = n; j < S; j++) gmi[j] = 0;                                        \
                }                                                                                      \
                for (int64_t j = 0; j < n; j++) dpi[j] *= scale;                                       \
            }                                                                                          \
            /* dp now holds ds * scale, p the weights: gq = ds k, gk += ds^T q, gv += p^T g */         \
            if (gq != NULL) gemm_##sfx(R, E, n, dp, n, 1, k, rs[BK], gq + r0 * rs[BGQ], rs[BGQ], 0);    \
            if (gk != NULL) gemm_##sfx(n, E, R, dp, 1, n, q + r0 * rs[BQ], rs[BQ], gk, rs[BGK], 1);     \
            if (gv != NULL) gemm_##sfx(n, Ev, R, p, 1, n, g + r0 * rs[BG], rs[BG], gv, rs[BGV], 1);     \
        }                                                                                              \
    }                                                                                                  \
                                                                                                       \
    int fx_sdpa_backward_##sfx(const T *g, const T *q, const T *k, const T *v, const T *out,           \
                               const T *lse, const unsigned char *bmask, const T *fmask, const T *drop, \
                               T *gq, T *gk, T *gv, T *gm, const int64_t *off, const int64_t *rs,      \
                               int64_t cs_mask, int64_t cs_drop, int64_t nb, int64_t L, int64_t S,     \
                               int64_t E, int64_t Ev, double scale, int causal, double keep_inv) {     \
        int failed = 0;                                                                                \
        int64_t serial = nb * L * S * (E + Ev) < PAR_WORK ? nb + 1 : 0;                                \
        FX_PARALLEL_FOR(nb, 1, serial, {                                                               \
            T *kt = malloc(sizeof(T) * (size_t)(S * (E + Ev) + 2 * ROWS * S + 1));                     \
            if (kt == NULL) {                                                                          \
                failed = 1;                                                                            \
            } else {                                                                                   \
                for (int64_t b = lo; b < hi; b++) {                                                    \
                    const int64_t *o = off + b;                                                        \
                    backward_entry_##sfx(g + o[BG * nb], q + o[BQ * nb], k + o[BK * nb], v + o[BV * nb], \
                                         out + o[BOUT * nb], lse + b * L,                              \
                                         bmask ? bmask + o[BMASK * nb] : NULL,                         \
                                         fmask ? fmask + o[BMASK * nb] : NULL,                         \
                                         drop ? drop + o[BDROP * nb] : NULL,                           \
                                         gq ? gq + o[BGQ * nb] : NULL, gk ? gk + o[BGK * nb] : NULL,   \
                                         gv ? gv + o[BGV * nb] : NULL, gm ? gm + o[BGM * nb] : NULL,   \
                                         rs, cs_mask, cs_drop, L, S, E, Ev, (T)scale, causal,          \
                                         (T)keep_inv, kt, kt + S * E, kt + S * (E + Ev),               \
                                         kt + S * (E + Ev) + ROWS * S);                                \
                }                                                                                      \
                free(kt);                                                                              \
            }                                                                                          \
        });                                                                                            \
        return failed ? -1 : 0;                                                                        \
    }

SDPA(float, f32)
SDPA(double, f64)
