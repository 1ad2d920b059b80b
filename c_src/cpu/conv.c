/* 2-d convolution, float32: the forward pass (which with flipped, transposed weights and stride 1
 * is also the input gradient and conv_transpose) and the weight gradient, as implicit GEMMs over a
 * zero-padded copy of the input (layout and tap offsets: conv_impl.h). No im2col buffer:
 *   forward: a register tile of MR output channels x NV vectors of 8 outputs takes NV vector
 *            loads and MR weight broadcasts per tap. 3x3 stride-1 convs with 32+ channels each
 *            side and rows of 11+ outputs go to Winograd F(2x2, 3x3) instead (conv_winograd.c),
 *            which runs these same tiles on its 16 GEMMs.
 *   weight gradient: a tile of CT channels x KT taps keeps CT x KT vectors of partial dot
 *            products over the positions (8 at a time), summed across lanes at the end.
 * Tiles are compiled for AVX-512 (32 vector registers), AVX2 and portable C, picked at run time.
 */
#include <stdlib.h>

#include "fx_kernels.h"
#include "fx_cpu.h"
#include "conv_impl.h"

#define SLACK FX_CONV_SLACK
#define MIN_PAR_FLOPS 1e6 /* multiply-adds below which one thread is faster than waking two */

typedef fx_conv_geom geom;
#define make_geom fx_conv_make_geom

/* ---- register tiles ---------------------------------------------------------------------------
 * FWD_TILES: y[r][i][j] = bias[r] + sum_k a[k][r] xg[off[k] + i rs + j], rows i0..i1, r < rows;
 *   `a` is packed MR wide; a tile is MR channels x NV vectors of 8 columns, the vectors on NV
 *   rows, or `along` one row (short rows or few rows). Lanes past a row are computed from what
 *   follows it (slack after the last image) and not stored.
 * GW_TILES: part[co][k] += sum_(i, j) gy[co][i][j] xg[off[k] + i rs + j] over a job's images (of one
 *   group); the row tails are loaded masked, so no value outside a row reaches a sum. */
#define FWD_TILES(NAME, ATTR, MR, NV, VEC, LOADU, STOREU, BCAST, SET1, FMA)                         \
    ATTR static void NAME(const float *a, const float *xg, const int64_t *off, const geom *g,        \
                          const float *bias, float *y, int rows, int64_t i0, int64_t i1,              \
                          int along) {                                                              \
        int64_t ys = g->oh * g->ow, K = g->k, rs = g->rs, ow = g->ow;                               \
        for (int64_t i = i0; i < i1; i += along ? 1 : NV)                                           \
            for (int64_t j = 0; j < ow; j += along ? 8 * NV : 8) {                                  \
                /* per vector: input offset (rows past i1 reread the last), output offset, lanes */ \
                int64_t vo[NV], yo[NV], ln[NV], nrow = i1 - i < NV ? i1 - i : NV;                   \
                _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) {                              \
                    int64_t left = along ? ow - j - 8 * v : (v < nrow ? ow - j : 0);                \
                    vo[v] = along ? 8 * v : (v < nrow ? v : nrow - 1) * rs;                         \
                    yo[v] = along ? 8 * v : v * ow;                                                 \
                    ln[v] = left < 0 ? 0 : left > 8 ? 8 : left;                                     \
                }                                                                                   \
                const float *b = xg + i * rs + j;                                                   \
                VEC c[MR][NV];                                                                      \
                _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                              \
                    VEC init = SET1(bias != NULL && r < rows ? bias[r] : 0.0f);                     \
                    _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) c[r][v] = init;            \
                }                                                                                   \
                for (int64_t k = 0; k < K; k++) {                                                   \
                    const float *bp = b + off[k], *ak = a + k * MR;                                 \
                    VEC bv[NV];                                                                     \
                    _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) bv[v] = LOADU(bp + vo[v]); \
                    _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                          \
                        VEC av = BCAST(ak + r);                                                     \
                        _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++)                        \
                            c[r][v] = FMA(av, bv[v], c[r][v]);                                      \
                    }                                                                               \
                }                                                                                   \
                float *yt = y + i * ow + j;                                                         \
                _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                              \
                    if (r >= rows) break;                                                           \
                    _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) {                          \
                        if (ln[v] == 8) {                                                           \
                            STOREU(yt + r * ys + yo[v], c[r][v]);                                   \
                        } else if (ln[v] > 0) {                                                     \
                            float t[8];                                                             \
                            STOREU(t, c[r][v]);                                                     \
                            for (int64_t l = 0; l < ln[v]; l++) yt[r * ys + yo[v] + l] = t[l];      \
                        }                                                                           \
                    }                                                                               \
                }                                                                                   \
            }                                                                                       \
    }

#define GW_TILES(NAME, ATTR, CT, KT, VEC, ZERO, LOADU, MASKDEF, LOADPART, FMA, HSUM)                \
    ATTR static void NAME(const gw_job *job, int64_t co_lo, int64_t co_hi, float *part) {           \
        const geom *g = job->g;                                                                     \
        int64_t P = g->oh * g->ow, K = g->k, nfull = job->nfull, nall = nfull + job->ntail;        \
        const int64_t *st = job->steps;                                                             \
        int rem = (int)(g->ow & 7);                                                                 \
        MASKDEF;                                                                                    \
        for (int64_t co0 = co_lo; co0 < co_hi; co0 += CT) {                                         \
            int nc = (int)(co_hi - co0 < CT ? co_hi - co0 : CT);                                    \
            for (int64_t k0 = 0; k0 < K; k0 += KT) {                                                \
                int nk = (int)(K - k0 < KT ? K - k0 : KT);                                          \
                VEC acc[CT][KT];                                                                    \
                _Pragma("GCC unroll 8") for (int c = 0; c < CT; c++)                                \
                    _Pragma("GCC unroll 8") for (int t = 0; t < KT; t++) acc[c][t] = ZERO;          \
                for (int s = 0; s < job->ns; s++) {                                                 \
                    const float *gp[CT], *xq[KT];                                                   \
                    _Pragma("GCC unroll 8") for (int c = 0; c < CT; c++)                            \
                        gp[c] = job->gy + s * job->gy_step + (co0 + (c < nc ? c : 0)) * P;          \
                    _Pragma("GCC unroll 8") for (int t = 0; t < KT; t++)                            \
                        xq[t] = job->xg + s * job->xg_step + job->off[k0 + (t < nk ? t : 0)];       \
                    for (int64_t q = 0; q < nfull; q++) {                                           \
                        int64_t go = st[2 * q], xo = st[2 * q + 1];                                 \
                        VEC gv[CT];                                                                 \
                        _Pragma("GCC unroll 8") for (int c = 0; c < CT; c++) gv[c] = LOADU(gp[c] + go); \
                        _Pragma("GCC unroll 8") for (int t = 0; t < KT; t++) {                      \
                            VEC xv = LOADU(xq[t] + xo);                                             \
                            _Pragma("GCC unroll 8") for (int c = 0; c < CT; c++)                    \
                                acc[c][t] = FMA(gv[c], xv, acc[c][t]);                              \
                        }                                                                           \
                    }                                                                               \
                    for (int64_t q = nfull; q < nall; q++) {                                        \
                        int64_t go = st[2 * q], xo = st[2 * q + 1];                                 \
                        VEC gv[CT];                                                                 \
                        _Pragma("GCC unroll 8") for (int c = 0; c < CT; c++) gv[c] = LOADPART(gp[c] + go); \
                        _Pragma("GCC unroll 8") for (int t = 0; t < KT; t++) {                      \
                            VEC xv = LOADPART(xq[t] + xo);                                          \
                            _Pragma("GCC unroll 8") for (int c = 0; c < CT; c++)                    \
                                acc[c][t] = FMA(gv[c], xv, acc[c][t]);                              \
                        }                                                                           \
                    }                                                                               \
                }                                                                                   \
                _Pragma("GCC unroll 8") for (int c = 0; c < CT; c++)                                \
                    _Pragma("GCC unroll 8") for (int t = 0; t < KT; t++)                            \
                        if (c < nc && t < nk) part[(co0 + c) * K + k0 + t] += HSUM(acc[c][t]);      \
            }                                                                                       \
        }                                                                                           \
    }

typedef fx_conv_gw_job gw_job;

/* Portable: 8-lane vectors of the GCC/Clang vector extension. */
FX_INLINE fx_f32x8 v8_bcast(const float *p) {
    fx_f32x8 z = {*p};
    return __builtin_shuffle(z, (fx_i32x8){0});
}
FX_INLINE fx_f32x8 v8_set1(float v) { return v8_bcast(&v); }
#define v8_hsum(v) ((((v)[0] + (v)[4]) + ((v)[1] + (v)[5])) + (((v)[2] + (v)[6]) + ((v)[3] + (v)[7])))
#define V8_STORE(p, v) fx_store_f32((p), &(v))
#define V8_FMA(a, b, c) ((c) + (a) * (b))
#define V8_ZERO ((fx_f32x8){0})
#define V8_LOADPART(p) fx_load_part_f32((p), rem, 0.0f)
FWD_TILES(fwd_c, , 6, 2, fx_f32x8, fx_load_f32, V8_STORE, v8_bcast, v8_set1, V8_FMA)
GW_TILES(gw_c, , 3, 4, fx_f32x8, V8_ZERO, fx_load_f32, (void)0, V8_LOADPART, V8_FMA, v8_hsum)

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_X86_PATHS 1
#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f,avx512vl,fma")))

__attribute__((target("avx"))) static inline float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}
#define AVX2_MASK \
    __m256i pmask = _mm256_cmpgt_epi32(_mm256_set1_epi32(rem), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define AVX512_MASK __mmask8 pmask = (__mmask8)((1u << rem) - 1u)
#define AVX2_LOADPART(p) _mm256_maskload_ps((p), pmask)
#define AVX512_LOADPART(p) _mm256_maskz_loadu_ps(pmask, (p))

FWD_TILES(fwd_avx2, AVX2, 6, 2, __m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_broadcast_ss,
          _mm256_set1_ps, _mm256_fmadd_ps)
FWD_TILES(fwd_avx2_narrow, AVX2, 3, 4, __m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_broadcast_ss,
          _mm256_set1_ps, _mm256_fmadd_ps)
GW_TILES(gw_avx2, AVX2, 3, 4, __m256, _mm256_setzero_ps(), _mm256_loadu_ps, AVX2_MASK,
         AVX2_LOADPART, _mm256_fmadd_ps, hsum256)
FWD_TILES(fwd_avx512, AVX512, 8, 2, __m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_broadcast_ss,
          _mm256_set1_ps, _mm256_fmadd_ps)
FWD_TILES(fwd_avx512_narrow, AVX512, 4, 4, __m256, _mm256_loadu_ps, _mm256_storeu_ps,
          _mm256_broadcast_ss, _mm256_set1_ps, _mm256_fmadd_ps)
GW_TILES(gw_avx512, AVX512, 4, 6, __m256, _mm256_setzero_ps(), _mm256_loadu_ps, AVX512_MASK,
         AVX512_LOADPART, _mm256_fmadd_ps, hsum256)
#endif

typedef fx_conv_fwd_fn fwd_fn;
typedef fx_conv_gw_fn gw_fn;

typedef struct {
    fwd_fn fwd, fwd_narrow; /* MR channels x 2 rows, and MR / 2 x 4 rows for few output channels */
    int mr, mr_narrow;
    gw_fn gw;
    int ct; /* channels per weight-gradient tile */
} tile_set;

/* The widest tile set this CPU runs; FX_CONV_ISA=c or avx2 picks a narrower one (for tests). */
static const tile_set *tiles(void) {
    static const tile_set sets[] = {
        {fwd_c, fwd_c, 6, 6, gw_c, 3},
#ifdef HAVE_X86_PATHS
        {fwd_avx2, fwd_avx2_narrow, 6, 3, gw_avx2, 3},
        {fwd_avx512, fwd_avx512_narrow, 8, 4, gw_avx512, 4},
#endif
    };
    static int best = -1;
    if (best < 0) {
        int b = 0;
#ifdef HAVE_X86_PATHS
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) b = 1;
        if (b && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) b = 2;
#endif
        const char *env = getenv("FX_CONV_ISA");
        if (env != NULL && strcmp(env, "c") == 0) b = 0;
        if (env != NULL && strcmp(env, "avx2") == 0 && b > 1) b = 1;
        best = b;
    }
    return &sets[best];
}

/* ---- shared steps ----------------------------------------------------------------------------- */

void fx_conv_pad_planes(const float *x, float *xp, int64_t planes, const geom *g) {
    int64_t wq = g->wq;
    for (int64_t p = 0; p < planes; p++) {
        const float *src = x + p * g->h * g->w;
        float *dst = xp + p * g->plane;
        if (g->sw == 1) {
            for (int64_t i = 0; i < g->pt * wq; i++) dst[i] = 0.0f;
            for (int64_t i = 0; i < g->h; i++) {
                float *row = dst + (g->pt + i) * wq;
                const float *s = src + i * g->w;
                for (int64_t j = 0; j < g->pl; j++) row[j] = 0.0f;
                for (int64_t j = 0; j < g->w; j++) row[g->pl + j] = s[j];
                for (int64_t j = g->pl + g->w; j < wq; j++) row[j] = 0.0f;
            }
            for (int64_t i = (g->pt + g->h) * wq; i < g->plane; i++) dst[i] = 0.0f;
            continue;
        }
        for (int64_t q = 0; q < g->sw; q++) {
            /* phase columns j read input column j sw + q - pl: inside the input for j in [j0, j1) */
            int64_t j0 = g->pl > q ? (g->pl - q + g->sw - 1) / g->sw : 0;
            int64_t j1 = (g->w + g->pl - q + g->sw - 1) / g->sw;
            j0 = j0 < wq ? j0 : wq;
            j1 = j1 < wq ? (j1 > j0 ? j1 : j0) : wq;
            for (int64_t i = 0; i < g->hp; i++) {
                float *row = dst + (q * g->hp + i) * wq;
                int64_t r = i - g->pt;
                if (r < 0 || r >= g->h) {
                    for (int64_t j = 0; j < wq; j++) row[j] = 0.0f;
                    continue;
                }
                const float *s = src + r * g->w + q - g->pl;
                for (int64_t j = 0; j < j0; j++) row[j] = 0.0f;
                for (int64_t j = j0; j < j1; j++) row[j] = s[j * g->sw];
                for (int64_t j = j1; j < wq; j++) row[j] = 0.0f;
            }
        }
    }
}

float *fx_conv_padded_buffer(int64_t planes, const geom *g) {
    size_t len = (size_t)(planes * g->plane);
    float *xp = malloc((len + SLACK) * sizeof(float));
    if (xp != NULL) memset(xp + len, 0, SLACK * sizeof(float));
    return xp;
}

/* The whole input padded, in parallel over its planes. */
static float *pad_input(const float *x, const geom *g) {
    int64_t planes = g->n * g->c_in, hw = g->plane;
    float *xp = fx_conv_padded_buffer(planes, g);
    if (xp == NULL) return NULL;
    FX_PARALLEL_FOR(planes, fx_rows_for(hw, 16384), fx_rows_for(hw, FX_PAR_MIN),
                    fx_conv_pad_planes(x + lo * g->h * g->w, xp + lo * hw, hi - lo, g));
    return xp;
}

int64_t *fx_conv_tap_offsets(const geom *g) {
    int64_t *off = malloc((size_t)(g->k > 0 ? g->k : 1) * sizeof(int64_t)), k = 0;
    if (off == NULL) return NULL;
    for (int64_t c = 0; c < g->cg; c++)
        for (int64_t i = 0; i < g->kh; i++)
            for (int64_t j = 0; j < g->kw; j++)
                off[k++] = ((c * g->sw + j * g->dw % g->sw) * g->hp + i * g->dh) * g->wq + j * g->dw / g->sw;
    return off;
}

int fx_conv_use_threads(double madds) { return madds > MIN_PAR_FLOPS && fx_max_threads() > 1; }

fx_conv_fwd_fn fx_conv_forward_tile(int *mr) {
    const tile_set *ts = tiles();
    *mr = ts->mr;
    return ts->fwd;
}

/* Winograd where it pays (measured): 3x3, stride 1, no dilation, 32+ channels for its 16 GEMMs;
 * FX_CONV_ALGO=direct turns it off (for tests). */
static int use_winograd(const geom *g) {
    static int allowed = -1;
    if (allowed < 0) {
        const char *env = getenv("FX_CONV_ALGO");
        allowed = env == NULL || strcmp(env, "direct") != 0;
    }
    return allowed && g->kh == 3 && g->kw == 3 && g->sh == 1 && g->sw == 1 && g->dh == 1 && g->dw == 1 &&
           g->cg >= 32 && g->og >= 32 && g->ow >= 11; /* rows of 6+ tiles: little waste in 8-tile vectors */
}

/* a[group][tile][k][r]: weights of output channel tile * mr + r (zero past the group's) */
void fx_conv_pack_weights(const float *w, int transposed, const geom *g, int mr, int64_t ntile, float *a) {
    int64_t K = g->k, khw = g->kh * g->kw;
    for (int64_t gi = 0; gi < g->groups; gi++)
        for (int64_t t = 0; t < ntile; t++) {
            float *at = a + (gi * ntile + t) * K * mr;
            for (int64_t r = 0; r < mr; r++) {
                int64_t co = t * mr + r;
                for (int64_t k = 0; k < K; k++) {
                    float v = 0.0f;
                    if (co < g->og && !transposed) {
                        v = w[(gi * g->og + co) * K + k];
                    } else if (co < g->og) { /* w is (c_in, c_out / groups, kh, kw), flipped */
                        int64_t ci = k / khw, tap = khw - 1 - k % khw;
                        v = w[((gi * g->cg + ci) * g->og + co) * khw + tap];
                    }
                    at[k * mr + r] = v;
                }
            }
        }
}

fx_conv_gw_fn fx_conv_gw_tile(int *ct) {
    const tile_set *ts = tiles();
    *ct = ts->ct;
    return ts->gw;
}

/* ---- forward ---------------------------------------------------------------------------------- */

int fx_conv2d_f32(const float *x, const float *w, const float *bias, float *y, int64_t n,
                  int64_t c_in, int64_t h, int64_t wd, int64_t c_out, int64_t kh, int64_t kw,
                  int64_t pt, int64_t pb, int64_t pl, int64_t pr, int64_t sh, int64_t sw,
                  int64_t dh, int64_t dw, int64_t groups, int transposed) {
    geom g = make_geom(n, c_in, h, wd, c_out, kh, kw, pt, pb, pl, pr, sh, sw, dh, dw, groups);
    if (use_winograd(&g)) return fx_conv_winograd(x, w, bias, y, &g, transposed);
    if (fx_conv_use_cols(&g)) return fx_conv_cols_forward(x, w, bias, y, &g, transposed);
    const tile_set *ts = tiles();
    /* few output channels: half the channels per tile, twice the rows */
    int narrow = g.og <= ts->mr_narrow && g.oh > 2;
    int mr = narrow ? ts->mr_narrow : ts->mr, nv = narrow ? 4 : 2;
    fwd_fn run = narrow ? ts->fwd_narrow : ts->fwd;
    /* vectors along a row or across rows: whichever computes fewer lanes past the output */
    int64_t lanes_along = g.oh * ((g.ow + 8 * nv - 1) / (8 * nv)) * 8 * nv;
    int along = lanes_along < (g.oh + nv - 1) / nv * nv * ((g.ow + 7) / 8 * 8);
    int64_t ntile = (g.og + mr - 1) / mr, K = g.k;
    /* many images: each task pads its own (in cache); else the whole input first */
    int per_image = n * groups >= 4 * fx_max_threads();
    float *xp = per_image ? NULL : pad_input(x, &g);
    float *a = malloc((size_t)(groups * ntile * (K > 0 ? K : 1) * mr) * sizeof(float));
    int64_t *off = fx_conv_tap_offsets(&g);
    if ((xp == NULL && !per_image) || a == NULL || off == NULL) {
        free(xp), free(a), free(off);
        return -1;
    }
    fx_conv_pack_weights(w, transposed, &g, mr, ntile, a);
    int par = fx_conv_use_threads((double)n * c_out * g.oh * g.ow * K), failed = 0;
    int64_t ys = g.oh * g.ow, plane = g.plane;
    if (xp == NULL) {
        /* tasks: (image, group); each pads its image into a buffer of its thread (in cache) */
#pragma omp parallel if (par)
        {
            float *buf = fx_conv_padded_buffer(g.cg, &g);
            if (buf == NULL) {
#pragma omp atomic write
                failed = 1;
            }
#pragma omp for schedule(dynamic, 1)
            for (int64_t task = 0; task < n * groups; task++) {
                int64_t gi = task % groups, ni = task / groups;
                if (buf == NULL) continue;
                fx_conv_pad_planes(x + (ni * c_in + gi * g.cg) * g.h * g.w, buf, g.cg, &g);
                for (int64_t t = 0; t < ntile; t++) {
                    int64_t co0 = gi * g.og + t * mr;
                    run(a + (gi * ntile + t) * K * mr, buf, off, &g, bias != NULL ? bias + co0 : NULL,
                        y + (ni * c_out + co0) * ys, (int)(g.og - t * mr < mr ? g.og - t * mr : mr), 0, g.oh,
                        along);
                }
            }
            free(buf);
        }
    } else {
        /* tasks: (image, group, channel tile, block of output rows) */
        int64_t rb = (256 / g.ow + 3) / 4 * 4; /* whole tiles of 2 or 4 rows */
        rb = rb > 4 ? rb : 4;
        int64_t nrb = (g.oh + rb - 1) / rb, ntask = n * groups * ntile * nrb;
#pragma omp parallel for schedule(dynamic, 1) if (par)
        for (int64_t task = 0; task < ntask; task++) {
            int64_t b = task % nrb, rest = task / nrb;
            int64_t t = rest % ntile, gi = (rest / ntile) % groups, ni = rest / (ntile * groups);
            int64_t co0 = gi * g.og + t * mr, r0 = b * rb;
            run(a + (gi * ntile + t) * K * mr, xp + (ni * c_in + gi * g.cg) * plane, off, &g,
                bias != NULL ? bias + co0 : NULL, y + (ni * c_out + co0) * ys,
                (int)(g.og - t * mr < mr ? g.og - t * mr : mr), r0, r0 + rb < g.oh ? r0 + rb : g.oh,
                along);
        }
    }
    free(xp), free(a), free(off);
    return failed ? -1 : 0;
}

/* ---- weight gradient -------------------------------------------------------------------------- */

int fx_conv2d_grad_weight_f32(const float *x, const float *gy, float *gw, int64_t n, int64_t c_in,
                              int64_t h, int64_t wd, int64_t c_out, int64_t kh, int64_t kw,
                              int64_t pt, int64_t pb, int64_t pl, int64_t pr, int64_t sh,
                              int64_t sw, int64_t dh, int64_t dw, int64_t groups) {
    geom g = make_geom(n, c_in, h, wd, c_out, kh, kw, pt, pb, pl, pr, sh, sw, dh, dw, groups);
    if (fx_conv_use_cols(&g)) return fx_conv_cols_grad_weight(x, gy, gw, &g);
    const tile_set *ts = tiles();
    int64_t K = g.k, P = g.oh * g.ow, size = c_out * K;
    int par = fx_conv_use_threads((double)n * c_out * P * K);
    int nth = par ? fx_max_threads() : 1;
    /* tasks: (ns images, group, block of channel tiles), enough to keep every thread busy; with
     * plenty of images, ns of them make 256+ positions per cross-lane sum */
    int64_t ns = n * groups / (8 * nth), fill = (256 + P - 1) / P;
    ns = ns < fill ? ns : fill;
    ns = ns < 1 ? 1 : ns;
    int64_t nib = (n + ns - 1) / ns, ctiles = (g.og + ts->ct - 1) / ts->ct, want = 4 * (int64_t)nth, nb = 1;
    if (nib * groups < want) nb = (want + nib * groups - 1) / (nib * groups);
    nb = nb < ctiles ? nb : ctiles;
    int64_t per = (ctiles + nb - 1) / nb * ts->ct, ntask = nib * groups * nb;
    int per_image = nb == 1, failed = 0; /* then each task pads its own images, as in the forward */
    int64_t vpr = g.ow / 8, nfull = g.oh * vpr, ntail = g.ow % 8 ? g.oh : 0;
    float *xp = per_image ? NULL : pad_input(x, &g);
    float *part = calloc((size_t)(size * nth), sizeof(float)); /* per-thread sums of gw */
    int64_t *off = fx_conv_tap_offsets(&g), *steps = malloc((size_t)(2 * (nfull + ntail) + 2) * sizeof(int64_t));
    if ((xp == NULL && !per_image) || part == NULL || off == NULL || steps == NULL) {
        free(xp), free(part), free(off), free(steps);
        return -1;
    }
    for (int64_t i = 0, q = 0; i < g.oh; i++)
        for (int64_t v = 0; v < vpr; v++, q++) {
            steps[2 * q] = i * g.ow + 8 * v;
            steps[2 * q + 1] = i * g.rs + 8 * v;
        }
    for (int64_t i = 0; i < ntail; i++) {
        steps[2 * (nfull + i)] = i * g.ow + 8 * vpr;
        steps[2 * (nfull + i) + 1] = i * g.rs + 8 * vpr;
    }
#pragma omp parallel num_threads(nth) if (par)
    {
#ifdef _OPENMP
        float *mine = part + (size_t)omp_get_thread_num() * size;
#else
        float *mine = part;
#endif
        float *buf = per_image ? fx_conv_padded_buffer(ns * g.cg, &g) : NULL;
        if (per_image && buf == NULL) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static) /* fixed task->thread map: the per-thread sums add up in the same order every run */
        for (int64_t task = 0; task < ntask; task++) {
            int64_t b = task % nb, gi = (task / nb) % groups, n0 = task / (nb * groups) * ns;
            int64_t lo = b * per, hi = lo + per < g.og ? lo + per : g.og;
            gw_job job = {&g, gy + (n0 * c_out + gi * g.og) * P, NULL, c_out * P, 0,
                          (int)(n - n0 < ns ? n - n0 : ns), off, steps, nfull, ntail};
            if (!per_image) {
                job.xg = xp + (n0 * c_in + gi * g.cg) * g.plane;
                job.xg_step = c_in * g.plane;
            } else if (buf != NULL) {
                for (int s = 0; s < job.ns; s++)
                    fx_conv_pad_planes(x + ((n0 + s) * c_in + gi * g.cg) * g.h * g.w,
                                       buf + s * g.cg * g.plane, g.cg, &g);
                job.xg = buf;
                job.xg_step = g.cg * g.plane;
            } else {
                continue;
            }
            if (lo < hi) ts->gw(&job, lo, hi, mine + gi * g.og * K);
        }
        free(buf);
    }
    for (int64_t i = 0; i < size; i++) {
        float s = part[i];
        for (int t = 1; t < nth; t++) s += part[t * size + i];
        gw[i] = s;
    }
    free(xp), free(part), free(off), free(steps);
    return failed ? -1 : 0;
}
