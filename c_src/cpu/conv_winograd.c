/* Winograd F(2x2, 3x3) for 3x3 convs at stride 1 without dilation, float32 (called by conv.c).
 *
 * Each 2x2 output tile is A^T [sum_ci (G w G^T) * (B^T d B)] A over its 4x4 input patch d: the
 * 16 elementwise products summed over input channels are 16 GEMMs (output channels x input
 * channels x tiles), which the forward register tiles of conv.c run on a synthetic geometry (taps =
 * input channels, an "image" of tiles). 4 multiplies per output and channel pair instead of 9;
 * the transforms are a few adds per element, 8 tiles at a time. Only the rounding differs from
 * the direct sum (constants 0, +-1 and 1/2; measured relative error ~1e-6 of the output's scale).
 */
#include <stdlib.h>

#include "fx_kernels.h"
#include "fx_cpu.h"
#include "conv_impl.h"

typedef fx_conv_geom geom;

/* u[xi][tile][ci][mr]: G w G^T for output channel tile * mr + r of group gi, packed for fwd tiles */
static void wino_weights(const float *w, int transposed, const geom *g, int64_t gi, int mr, int64_t ntile,
                         float *u) {
    int64_t og = g->og, cg = g->cg;
    for (int64_t t = 0; t < ntile; t++)
        for (int64_t r = 0; r < mr; r++)
            for (int64_t ci = 0; ci < cg; ci++) {
                int64_t co = t * mr + r;
                float k[3][3] = {{0}}, tm[4][3];
                if (co < og)
                    for (int i = 0; i < 9; i++)
                        k[i / 3][i % 3] = transposed ? w[((gi * cg + ci) * og + co) * 9 + 8 - i]
                                                     : w[((gi * og + co) * cg + ci) * 9 + i];
                for (int j = 0; j < 3; j++) {
                    tm[0][j] = k[0][j];
                    tm[1][j] = 0.5f * (k[0][j] + k[1][j] + k[2][j]);
                    tm[2][j] = 0.5f * (k[0][j] - k[1][j] + k[2][j]);
                    tm[3][j] = k[2][j];
                }
                for (int i = 0; i < 4; i++) {
                    float v[4] = {tm[i][0], 0.5f * (tm[i][0] + tm[i][1] + tm[i][2]),
                                  0.5f * (tm[i][0] - tm[i][1] + tm[i][2]), tm[i][2]};
                    for (int j = 0; j < 4; j++) u[(((i * 4 + j) * ntile + t) * cg + ci) * mr + r] = v[j];
                }
            }
}

typedef struct {
    const geom *g, *gp;   /* the conv, and its padded input (one more zero row/column when odd) */
    int64_t th, tw, twp;  /* tile rows, tiles per row, tiles per row rounded up to 8 */
    int64_t wt;           /* tiles per block */
} wino_geom;

/* v[xi][ci][wt]: B^T d B of 8 tiles at a time; a tile's columns 2 tx .. 2 tx + 3 are the even
 * and odd elements of two overlapping 16-float runs of the padded row */
static FX_CLONES void wino_input(const float *xg, const wino_geom *wg, int64_t t0, float *v) {
    const geom *gp = wg->gp;
    int64_t cg = wg->g->cg, wq = gp->wq, wt = wg->wt, xs = cg * wt;
    const fx_i32x8 ev = {0, 2, 4, 6, 8, 10, 12, 14}, od = {1, 3, 5, 7, 9, 11, 13, 15};
    for (int64_t ci = 0; ci < cg; ci++) {
        const float *xc = xg + ci * gp->plane;
        for (int64_t t = 0; t < wt; t += 8) {
            int64_t tt = t0 + t, ty = tt / wg->twp, tx = tt % wg->twp;
            float *out = v + ci * wt + t;
            if (ty >= wg->th) {
                for (int xi = 0; xi < 16; xi++) memset(out + xi * xs, 0, 8 * sizeof(float));
                continue;
            }
            fx_f32x8 r[4][4];
            for (int i = 0; i < 4; i++) {
                const float *p = xc + (2 * ty + i) * wq + 2 * tx;
                fx_f32x8 a = fx_load_f32(p), b = fx_load_f32(p + 8);
                fx_f32x8 c = fx_load_f32(p + 2), d = fx_load_f32(p + 10);
                fx_f32x8 d0 = __builtin_shuffle(a, b, ev), d1 = __builtin_shuffle(a, b, od);
                fx_f32x8 d2 = __builtin_shuffle(c, d, ev), d3 = __builtin_shuffle(c, d, od);
                r[i][0] = d0 - d2, r[i][1] = d1 + d2, r[i][2] = d2 - d1, r[i][3] = d1 - d3;
            }
            for (int j = 0; j < 4; j++) {
                fx_f32x8 v0 = r[0][j] - r[2][j], v1 = r[1][j] + r[2][j], v2 = r[2][j] - r[1][j],
                         v3 = r[1][j] - r[3][j];
                fx_store_f32(out + j * xs, &v0);
                fx_store_f32(out + (4 + j) * xs, &v1);
                fx_store_f32(out + (8 + j) * xs, &v2);
                fx_store_f32(out + (12 + j) * xs, &v3);
            }
        }
    }
}

/* y of output channels [0, nco) for the block's tiles: A^T m A (+ bias), 8 tiles at a time */
static FX_CLONES void wino_output(const float *m, const wino_geom *wg, int64_t t0, int64_t nco,
                                  int64_t mrows, const float *bias, float *y) {
    const geom *g = wg->g;
    int64_t ys = g->oh * g->ow, wt = wg->wt, ms = mrows * wt;
    for (int64_t co = 0; co < nco; co++) {
        fx_f32x8 b = fx_splat_f32(bias != NULL ? bias[co] : 0.0f);
        for (int64_t t = 0; t < wt; t += 8) {
            int64_t tt = t0 + t, ty = tt / wg->twp, tx = tt % wg->twp;
            if (ty >= wg->th) break;
            const float *mp = m + co * wt + t;
            fx_f32x8 s[2][4];
            for (int j = 0; j < 4; j++) {
                fx_f32x8 m0 = fx_load_f32(mp + j * ms), m1 = fx_load_f32(mp + (4 + j) * ms);
                fx_f32x8 m2 = fx_load_f32(mp + (8 + j) * ms), m3 = fx_load_f32(mp + (12 + j) * ms);
                s[0][j] = m0 + m1 + m2, s[1][j] = m1 - m2 - m3;
            }
            for (int i = 0; i < 2; i++) {
                int64_t row = 2 * ty + i;
                if (row >= g->oh) break;
                fx_f32x8 a = s[i][0] + s[i][1] + s[i][2] + b, c = s[i][1] - s[i][2] - s[i][3] + b;
                fx_f32x8 lo = __builtin_shuffle(a, c, (fx_i32x8){0, 8, 1, 9, 2, 10, 3, 11});
                fx_f32x8 hi = __builtin_shuffle(a, c, (fx_i32x8){4, 12, 5, 13, 6, 14, 7, 15});
                float *yo = y + co * ys + row * g->ow + 2 * tx;
                int64_t n = g->ow - 2 * tx; /* columns left in the row */
                if (n >= 16) {
                    fx_store_f32(yo, &lo);
                    fx_store_f32(yo + 8, &hi);
                } else {
                    float tmp[16];
                    fx_store_f32(tmp, &lo);
                    fx_store_f32(tmp + 8, &hi);
                    for (int64_t l = 0; l < n; l++) yo[l] = tmp[l];
                }
            }
        }
    }
}

int fx_conv_winograd(const float *x, const float *w, const float *bias, float *y, const geom *g,
                     int transposed) {
    int mr;
    fx_conv_fwd_fn run = fx_conv_forward_tile(&mr);
    wino_geom wg = {g, NULL, (g->oh + 1) / 2, (g->ow + 1) / 2, 0, 0};
    wg.twp = (wg.tw + 7) / 8 * 8;
    /* the padded input: tiles read up to row 2 th + 1 and column 2 twp + 1 */
    int64_t pb = 2 * wg.th + 2 - g->h - g->pt, pr = 2 * wg.twp + 2 - g->w - g->pl;
    geom gp = fx_conv_make_geom(g->n, g->c_in, g->h, g->w, g->c_out, 3, 3, g->pt, pb, g->pl, pr, 1, 1, 1, 1,
                                g->groups);
    wg.gp = &gp;
    int64_t ntile = (g->og + mr - 1) / mr, cg = g->cg, og = g->og, T = wg.th * wg.twp;
    /* blocks of at most ~8K floats per channel pair row (in L2), split evenly in multiples of 8 */
    int64_t wmax = 8192 / (cg + ntile * mr) / 8 * 8;
    wmax = wmax < 8 ? 8 : wmax > 128 ? 128 : wmax;
    int64_t nblk = (T + wmax - 1) / wmax, wt = ((T + nblk - 1) / nblk + 7) / 8 * 8;
    wg.wt = wt;
    /* the GEMMs' geometry: K = cg taps wt apart, wt / 8 rows of 8 tiles */
    geom gm = *g;
    gm.k = cg, gm.oh = wt / 8, gm.ow = 8, gm.rs = 8;
    float *u = malloc((size_t)(g->groups * 16 * ntile * cg * mr) * sizeof(float));
    int64_t *off = malloc((size_t)cg * sizeof(int64_t));
    if (u == NULL || off == NULL) {
        free(u), free(off);
        return -1;
    }
    for (int64_t k = 0; k < cg; k++) off[k] = k * wt;
    for (int64_t gi = 0; gi < g->groups; gi++)
        wino_weights(w, transposed, g, gi, mr, ntile, u + gi * 16 * ntile * cg * mr);
    int failed = 0;
#pragma omp parallel if (fx_conv_use_threads((double)g->n * g->c_out * g->oh * g->ow * g->k))
    {
        float *buf = fx_conv_padded_buffer(cg, &gp);
        float *v = malloc((size_t)(16 * cg * wt + FX_CONV_SLACK) * sizeof(float));
        float *m = malloc((size_t)(16 * ntile * mr * wt) * sizeof(float));
        if (buf == NULL || v == NULL || m == NULL) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t task = 0; task < g->n * g->groups; task++) {
            int64_t gi = task % g->groups, ni = task / g->groups;
            if (buf == NULL || v == NULL || m == NULL) continue;
            fx_conv_pad_planes(x + (ni * g->c_in + gi * cg) * g->h * g->w, buf, cg, &gp);
            for (int64_t b = 0; b < nblk; b++) {
                wino_input(buf, &wg, b * wt, v);
                for (int xi = 0; xi < 16; xi++)
                    for (int64_t t = 0; t < ntile; t++)
                        run(u + ((gi * 16 + xi) * ntile + t) * cg * mr, v + xi * cg * wt, off, &gm, NULL,
                            m + (xi * ntile + t) * mr * wt, (int)(og - t * mr < mr ? og - t * mr : mr), 0,
                            gm.oh, 0);
                wino_output(m, &wg, b * wt, og, ntile * mr, bias != NULL ? bias + gi * og : NULL,
                            y + (ni * g->c_out + gi * og) * g->oh * g->ow);
            }
        }
        free(buf), free(v), free(m);
    }
    free(u), free(off);
    return failed ? -1 : 0;
}

