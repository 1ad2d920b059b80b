/* Fused scaled dot-product attention (see fx_kernels.h; the primitives are fx/tensor/_ops/attention.py's).
 *
 * nb batch entries of q (L, E), k (S, E), v (S, Ev); each operand is addressed by element offsets:
 * batch entry b of operand x starts at x + off[X * nb + b], row r at + r * rs[X], column c at
 * + c (columns are contiguous) except for the masks, whose column stride is cs_mask / cs_drop
 * (0 when broadcast). Operand order: forward Q, K, V, MASK, DROP, OUT; backward G, Q, K, V, OUT,
 * MASK, DROP, GQ, GK, GV, GM. A NULL pointer means absent (mask, drop) or not wanted (gradients).
 *
 * scores s = q k^T * scale, -inf where bmask is 0 or (causal) key j > query i, + fmask; a
 * query's row: p = exp(s - lse), lse = logsumexp(s) (+inf when it sees no key: its output row is
 * 0); out = (p * drop * keep_inv) v (keep_inv = 1 / (1 - dropout p); drop holds 1 or 0).
 * Backward with D = rowsum(g * out): ds = p * (g v^T * drop * keep_inv - D), gq = ds k * scale,
 * gk = ds^T q * scale, gv = (p * drop * keep_inv)^T g, gm = ds (lse per (b, i), contiguous).
 * gq/gk/gv/gm are written whole (gk/gv per batch entry: no entries may share memory).
 * Returns 0, or -1 when scratch memory could not be allocated. */
#ifndef FX_ATTENTION_H
#define FX_ATTENTION_H
#include <stdint.h>

int fx_sdpa_f32(const float *q, const float *k, const float *v, const unsigned char *bmask, const float *fmask,
                const float *drop, float *out, float *lse, const int64_t *off, const int64_t *rs, int64_t cs_mask,
                int64_t cs_drop, int64_t nb, int64_t L, int64_t S, int64_t E, int64_t Ev, double scale, int causal,
                double keep_inv);
int fx_sdpa_f64(const double *q, const double *k, const double *v, const unsigned char *bmask,
                const double *fmask, const double *drop, double *out, double *lse, const int64_t *off,
                const int64_t *rs, int64_t cs_mask, int64_t cs_drop, int64_t nb, int64_t L, int64_t S, int64_t E,
                int64_t Ev, double scale, int causal, double keep_inv);
int fx_sdpa_backward_f32(const float *g, const float *q, const float *k, const float *v, const float *out,
                         const float *lse, const unsigned char *bmask, const float *fmask, const float *drop,
                         float *gq, float *gk, float *gv, float *gm, const int64_t *off, const int64_t *rs,
                         int64_t cs_mask, int64_t cs_drop, int64_t nb, int64_t L, int64_t S, int64_t E, int64_t Ev,
                         double scale, int causal, double keep_inv);
int fx_sdpa_backward_f64(const double *g, const double *q, const double *k, const double *v, const double *out,
                         const double *lse, const unsigned char *bmask, const double *fmask, const double *drop,
                         double *gq, double *gk, double *gv, double *gm, const int64_t *off, const int64_t *rs,
                         int64_t cs_mask, int64_t cs_drop, int64_t nb, int64_t L, int64_t S, int64_t E,
                         int64_t Ev, double scale, int causal, double keep_inv);

#endif
