/* Private pieces shared by conv.c (direct convolutions) and conv_winograd.c. Not part of the C API.
 *
 * The input of a conv is copied, per channel, into a zero-padded image stored as `sw` column
 * phases (phase q holds padded columns q, q + sw, ...; with stride 1 it is the padded image,
 * hp x wq). Tap k = (ci, i, j) of the kernel then sits at
 *   off[k] = ((ci * sw + (j dw) % sw) * hp + i dh) * wq + (j dw) / sw
 * and output (oh, ow) reads the input at oh * rs + ow + off[k] (rs = sh * wq): a run of outputs
 * along a row reads a contiguous run of each tap's input, whatever the strides.
 */
#ifndef FX_CONV_IMPL_H
#define FX_CONV_IMPL_H
#include <stdint.h>

#define FX_CONV_SLACK 64 /* floats after padded images: register tiles running past a row read them */

typedef struct {
    int64_t n, c_in, h, w, c_out, kh, kw, pt, pl, sh, sw, dh, dw, groups;
    int64_t hp, wp, oh, ow, cg, og, k; /* padded size, output size, channels per group, taps */
    int64_t wq, rs, plane; /* phase row length, input step per output row, floats per channel */
} fx_conv_geom;

static inline fx_conv_geom fx_conv_make_geom(int64_t n, int64_t c_in, int64_t h, int64_t w, int64_t c_out,
                                             int64_t kh, int64_t kw, int64_t pt, int64_t pb, int64_t pl,
                                             int64_t pr, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                                             int64_t groups) {
    fx_conv_geom g = {n, c_in, h, w, c_out, kh, kw, pt, pl, sh, sw, dh, dw, groups};
    g.hp = h + pt + pb;
    g.wp = w + pl + pr;
    g.oh = (g.hp - dh * (kh - 1) - 1) / sh + 1;
    g.ow = (g.wp - dw * (kw - 1) - 1) / sw + 1;
    g.cg = c_in / groups;
    g.og = c_out / groups;
    g.k = g.cg * kh * kw;
    g.wq = (g.wp + sw - 1) / sw;
    g.rs = sh * g.wq;
    g.plane = sw * g.hp * g.wq;
    return g;
}

/* Forward register tiles: y[r][i][j] = bias[r] + sum_k a[k][r] xg[off[k] + i rs + j] for output
 * rows i0..i1 and the first `rows` of the tile's channels; `a` is packed mr wide ([k][mr]);
 * `along`: the tile's vectors run along a row instead of down the rows. */
typedef void (*fx_conv_fwd_fn)(const float *a, const float *xg, const int64_t *off, const fx_conv_geom *g,
                               const float *bias, float *y, int rows, int64_t i0, int64_t i1, int along);

/* A weight-gradient job: `ns` images of one group (gy rows of oh * ow positions, and the padded
 * input, each image `step` floats after the previous), with the positions as (gy offset, input
 * offset) pairs, 8 at a time: nfull whole vectors, then ntail row tails of ow % 8 (masked). */
typedef struct {
    const fx_conv_geom *g;
    const float *gy, *xg;
    int64_t gy_step, xg_step;
    int ns;
    const int64_t *off, *steps;
    int64_t nfull, ntail;
} fx_conv_gw_job;

/* Weight-gradient tiles: part[co][k] += the job's sum of gy[co][position] xg[off[k] + position]
 * for channels co_lo..co_hi of the group. */
typedef void (*fx_conv_gw_fn)(const fx_conv_gw_job *job, int64_t co_lo, int64_t co_hi, float *part);

/* off[k] of every tap (malloc'ed; NULL when out of memory). */
int64_t *fx_conv_tap_offsets(const fx_conv_geom *g);
/* Fills the per-channel padded images of `planes` input channels (h x w each). */
void fx_conv_pad_planes(const float *x, float *xp, int64_t planes, const fx_conv_geom *g);
/* A buffer for `planes` padded images followed by FX_CONV_SLACK zeros (NULL when out of memory). */
float *fx_conv_padded_buffer(int64_t planes, const fx_conv_geom *g);
/* The forward tile of the widest instruction set this CPU runs, and its channels per tile. */
fx_conv_fwd_fn fx_conv_forward_tile(int *mr);
/* Whether `madds` multiply-adds are worth waking a second thread for. */
int fx_conv_use_threads(double madds);
/* The weight-gradient tile of the widest instruction set this CPU runs, and its channels per tile. */
fx_conv_gw_fn fx_conv_gw_tile(int *ct);
/* The weights packed for the forward tiles: a[group][tile][k][r], tiles of mr output channels. */
void fx_conv_pack_weights(const float *w, int transposed, const fx_conv_geom *g, int mr, int64_t ntile, float *a);
/* Convs with outputs narrower than a vector run on im2col blocks instead (conv_cols.c). */
int fx_conv_use_cols(const fx_conv_geom *g);
int fx_conv_cols_forward(const float *x, const float *w, const float *bias, float *y, const fx_conv_geom *g,
                         int transposed);
int fx_conv_cols_grad_weight(const float *x, const float *gy, float *gw, const fx_conv_geom *g);
/* Winograd F(2x2, 3x3) forward for 3x3 stride-1 undilated convs (see conv_winograd.c). */
int fx_conv_winograd(const float *x, const float *w, const float *bias, float *y, const fx_conv_geom *g,
                     int transposed);

#endif
