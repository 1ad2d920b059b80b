/* 2-d convolutions whose output rows are narrower than a vector (ow < 8: the 4x4 and 2x2 maps deep
 * in small CNNs), float32, called by conv.c. There the register tiles of conv.c would compute
 * mostly lanes past the end of each row. Instead a block of images is unrolled into columns
 * col[k][position] (tap k = (channel, kernel row, kernel column); the positions of all the
 * block's images one after the other), and the same tiles run on it: the forward ones as one wide
 * GEMM (as Winograd runs them on its transforms), the weight-gradient ones summing over the
 * positions in whole vectors. Unrolling costs one copy of K values per position, little next to
 * the c_out multiply-adds each of them takes part in.
 */
#include <stdlib.h>
#include <string.h>

#include "fx_kernels.h"
#include "fx_cpu.h"
#include "conv_impl.h"

typedef fx_conv_geom geom;

#define BLOCK_POSITIONS 512   /* positions per block (several images when they are small) */
#define ROW_SLACK 8           /* floats after each row of col: fill_cols writes whole vectors */
#define MAX_BLOCK_FLOATS (1 << 18) /* col of at most 1 MB */

int fx_conv_use_cols(const geom *g) {
    static int allowed = -1;
    if (allowed < 0) { /* FX_CONV_ALGO=direct: the row tiles everywhere (for tests) */
        const char *env = getenv("FX_CONV_ALGO");
        allowed = env == NULL || strcmp(env, "direct") != 0;
    }
    return allowed && g->ow < 8 && g->k > 0 && g->oh * g->ow > 0;
}

/* Images per block: ~BLOCK_POSITIONS positions, but four blocks a thread at least. */
static int64_t images_per_block(const geom *g, int nth) {
    int64_t P = g->oh * g->ow;
    int64_t nb = (BLOCK_POSITIONS + P - 1) / P, even = (g->n + 4 * nth - 1) / (4 * nth);
    int64_t cap = MAX_BLOCK_FLOATS / (g->k * P);
    nb = nb < even ? nb : even;
    nb = nb < cap ? nb : cap;
    return nb < 1 ? 1 : nb;
}

/* col[k][p] (rows `stride` apart) = the padded image's input under tap k of output position p. Each
 * output row (ow < 8 floats) is copied as one 8-float vector: the lanes past it land where the next
 * row, the next image, or (after the block's last image) the slack at the end of col's row goes. */
static FX_CLONES void fill_cols(const float *xg, const int64_t *off, const geom *g, float *col, int64_t stride) {
    int64_t ow = g->ow, rs = g->rs;
    for (int64_t k = 0; k < g->k; k++) {
        const float *src = xg + off[k];
        float *dst = col + k * stride;
        for (int64_t i = 0; i < g->oh; i++) {
            fx_f32x8 v = fx_load_f32(src + i * rs);
            fx_store_f32(dst + i * ow, &v);
        }
    }
}

/* col of images n0 .. n0 + ns of group gi (positions from s P on), from their padded copies in buf */
static void block_cols(const float *x, const geom *g, const int64_t *off, int64_t gi, int64_t n0, int64_t ns,
                       float *buf, float *col, int64_t stride) {
    int64_t P = g->oh * g->ow;
    for (int64_t s = 0; s < ns; s++) {
        fx_conv_pad_planes(x + ((n0 + s) * g->c_in + gi * g->cg) * g->h * g->w, buf, g->cg, g);
        fill_cols(buf, off, g, col + s * P, stride);
    }
}

int fx_conv_cols_forward(const float *x, const float *w, const float *bias, float *y, const geom *g,
                         int transposed) {
    int mr;
    fx_conv_fwd_fn run = fx_conv_forward_tile(&mr);
    int64_t K = g->k, P = g->oh * g->ow, og = g->og, groups = g->groups, ntile = (og + mr - 1) / mr;
    int par = fx_conv_use_threads((double)g->n * g->c_out * P * K);
    int64_t nb = images_per_block(g, par ? fx_max_threads() : 1), nblk = (g->n + nb - 1) / nb;
    int64_t pb = (nb * P + 7) / 8 * 8; /* a block's positions, as rows of 8 */
    geom gm = *g;                       /* the GEMM: taps pb apart, pb / 8 rows of 8 positions */
    gm.oh = pb / 8, gm.ow = 8, gm.rs = 8;
    int64_t cs = pb + ROW_SLACK; /* col's row stride */
    float *a = malloc((size_t)(groups * ntile * K * mr) * sizeof(float));
    int64_t *off = fx_conv_tap_offsets(g), *offc = malloc((size_t)K * sizeof(int64_t));
    if (a == NULL || off == NULL || offc == NULL) {
        free(a), free(off), free(offc);
        return -1;
    }
    for (int64_t k = 0; k < K; k++) offc[k] = k * cs;
    fx_conv_pack_weights(w, transposed, g, mr, ntile, a);
    int failed = 0;
#pragma omp parallel if (par)
    {
        float *buf = fx_conv_padded_buffer(g->cg, g);
        float *col = malloc((size_t)(K * cs + FX_CONV_SLACK) * sizeof(float));
        float *m = malloc((size_t)(ntile * mr * pb) * sizeof(float));
        if (buf == NULL || col == NULL || m == NULL) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t task = 0; task < nblk * groups; task++) {
            if (buf == NULL || col == NULL || m == NULL) continue;
            int64_t gi = task % groups, n0 = task / groups * nb, ns = g->n - n0 < nb ? g->n - n0 : nb;
            block_cols(x, g, off, gi, n0, ns, buf, col, cs);
            for (int64_t k = 0; k < K; k++) /* positions past the block's images: zeros, not stored */
                memset(col + k * cs + ns * P, 0, (size_t)(pb - ns * P) * sizeof(float));
            for (int64_t t = 0; t < ntile; t++) {
                int64_t co0 = gi * og + t * mr;
                run(a + (gi * ntile + t) * K * mr, col, offc, &gm, bias != NULL ? bias + co0 : NULL,
                    m + t * mr * pb, (int)(og - t * mr < mr ? og - t * mr : mr), 0, gm.oh, 0);
            }
            for (int64_t s = 0; s < ns; s++)
                for (int64_t co = 0; co < og; co++)
                    memcpy(y + ((n0 + s) * g->c_out + gi * og + co) * P, m + co * pb + s * P,
                           (size_t)P * sizeof(float));
        }
        free(buf), free(col), free(m);
    }
    free(a), free(off), free(offc);
    return failed ? -1 : 0;
}

int fx_conv_cols_grad_weight(const float *x, const float *gy, float *gw, const geom *g) {
    int ct;
    fx_conv_gw_fn tile = fx_conv_gw_tile(&ct);
    (void)ct;
    int64_t K = g->k, P = g->oh * g->ow, og = g->og, groups = g->groups, size = g->c_out * K;
    int par = fx_conv_use_threads((double)g->n * g->c_out * P * K);
    int nth = par ? fx_max_threads() : 1;
    int64_t nb = images_per_block(g, nth), nblk = (g->n + nb - 1) / nb, pb = nb * P;
    geom gm = *g; /* each image one row of P positions: P / 8 whole vectors, then a masked tail */
    gm.oh = 1, gm.ow = P;
    int64_t nfull = P / 8, ntail = P % 8 ? 1 : 0;
    float *part = calloc((size_t)(size * nth), sizeof(float)); /* per-thread sums of gw */
    int64_t *off = fx_conv_tap_offsets(g), *offc = malloc((size_t)K * sizeof(int64_t));
    int64_t *steps = malloc((size_t)(2 * (nfull + ntail)) * sizeof(int64_t));
    if (part == NULL || off == NULL || offc == NULL || steps == NULL) {
        free(part), free(off), free(offc), free(steps);
        return -1;
    }
    int64_t cs = pb + ROW_SLACK; /* col's row stride */
    for (int64_t k = 0; k < K; k++) offc[k] = k * cs;
    for (int64_t q = 0; q < nfull + ntail; q++) steps[2 * q] = steps[2 * q + 1] = 8 * q;
    int failed = 0;
#pragma omp parallel num_threads(nth) if (par)
    {
#ifdef _OPENMP
        float *mine = part + (size_t)omp_get_thread_num() * size;
#else
        float *mine = part;
#endif
        float *buf = fx_conv_padded_buffer(g->cg, g);
        float *col = malloc((size_t)(K * cs) * sizeof(float));
        if (buf == NULL || col == NULL) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static) /* fixed task->thread map: the per-thread sums add up in the same order every run */
        for (int64_t task = 0; task < nblk * groups; task++) {
            if (buf == NULL || col == NULL) continue;
            int64_t gi = task % groups, n0 = task / groups * nb, ns = g->n - n0 < nb ? g->n - n0 : nb;
            block_cols(x, g, off, gi, n0, ns, buf, col, cs);
            fx_conv_gw_job job = {&gm, gy + (n0 * g->c_out + gi * og) * P, col, g->c_out * P, P, (int)ns,
                                  offc, steps, nfull, ntail};
            tile(&job, 0, og, mine + gi * og * K);
        }
        free(buf), free(col);
    }
    for (int64_t i = 0; i < size; i++) {
        float s = part[i];
        for (int t = 1; t < nth; t++) s += part[t * size + i];
        gw[i] = s;
    }
    free(part), free(off), free(offc), free(steps);
    return failed ? -1 : 0;
}
