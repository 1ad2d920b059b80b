/* Philox4x32-10 streams and the samplers built on them (see fx_random.h for the stream layout). */
#include <math.h>

#include "fx_kernels.h"
#include "fx_cpu.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
/* Below this many block groups a kernel runs on one thread: waking the team costs more than it saves. */
#define PAR_GROUPS 256
/* Block groups per parallel chunk (8192 words). */
#define CHUNK_GROUPS 128

static inline void philox(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                          uint32_t *out) {
    for (int r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n1 = (uint32_t)p1;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        uint32_t n3 = (uint32_t)p0;
        c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/* GROUP consecutive blocks (first, first+1, ...) of one stream, as 4*GROUP words in stream order. */
#define GROUP 16
static void philox_group_c(uint64_t seed, uint64_t subseq, uint64_t first, uint32_t *w) {
    for (int l = 0; l < GROUP; l++) {
        uint64_t c = first + (uint64_t)l;
        philox((uint32_t)c, (uint32_t)(c >> 32), (uint32_t)subseq, (uint32_t)(subseq >> 32), (uint32_t)seed,
               (uint32_t)(seed >> 32), w + 4 * l);
    }
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1

/* hi and lo halves of the 32x32-bit products a * m per lane (the compiler does not find
 * vpmuludq on its own: a 64-bit lane product takes it three). */
__attribute__((target("avx2"))) static inline __m256i mulhilo(__m256i a, __m256i m, __m256i *lo) {
    __m256i ev = _mm256_mul_epu32(a, m);
    __m256i od = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
    *lo = _mm256_blend_epi32(ev, _mm256_slli_epi64(od, 32), 0xAA);
    return _mm256_blend_epi32(_mm256_srli_epi64(ev, 32), od, 0xAA);
}

/* 16 blocks as two sets of 8 (one register per counter word and set), interleaved so that one
 * set's multiplies run while the other's wait on latency; then 4x8 transposes into stream order. */
#define SET_COUNTERS(c0, c1, first)                                                              \
    do {                                                                                         \
        __m256i lo4_ = _mm256_add_epi64(_mm256_set1_epi64x((long long)(first)), lane);           \
        __m256i hi4_ = _mm256_add_epi64(lo4_, _mm256_set1_epi64x(4));                            \
        __m256i a_ = _mm256_permutevar8x32_epi32(lo4_, idx), b_ = _mm256_permutevar8x32_epi32(hi4_, idx); \
        c0 = _mm256_permute2x128_si256(a_, b_, 0x20);                                            \
        c1 = _mm256_permute2x128_si256(a_, b_, 0x31);                                            \
    } while (0)

__attribute__((target("avx2"))) static inline void store_blocks(uint32_t *w, __m256i c0, __m256i c1, __m256i c2,
                                                                __m256i c3) {
    __m256i t0 = _mm256_unpacklo_epi32(c0, c1), t1 = _mm256_unpackhi_epi32(c0, c1);
    __m256i t2 = _mm256_unpacklo_epi32(c2, c3), t3 = _mm256_unpackhi_epi32(c2, c3);
    __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    _mm256_storeu_si256((__m256i *)w, _mm256_permute2x128_si256(u0, u1, 0x20));
    _mm256_storeu_si256((__m256i *)(w + 8), _mm256_permute2x128_si256(u2, u3, 0x20));
    _mm256_storeu_si256((__m256i *)(w + 16), _mm256_permute2x128_si256(u0, u1, 0x31));
    _mm256_storeu_si256((__m256i *)(w + 24), _mm256_permute2x128_si256(u2, u3, 0x31));
}

__attribute__((target("avx2"))) static void philox_group_avx2(uint64_t seed, uint64_t subseq, uint64_t first,
                                                              uint32_t *w) {
    const __m256i lane = _mm256_setr_epi64x(0, 1, 2, 3);
    const __m256i idx = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7); /* 64-bit counters -> low, high words */
    __m256i a0, a1, b0, b1;
    SET_COUNTERS(a0, a1, first);
    SET_COUNTERS(b0, b1, first + 8);
    __m256i a2 = _mm256_set1_epi32((int)(uint32_t)subseq), a3 = _mm256_set1_epi32((int)(uint32_t)(subseq >> 32));
    __m256i b2 = a2, b3 = a3;
    const __m256i m0 = _mm256_set1_epi32((int)PHILOX_M0), m1 = _mm256_set1_epi32((int)PHILOX_M1);
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int r = 0; r < 10; r++) {
        __m256i key0 = _mm256_set1_epi32((int)k0), key1 = _mm256_set1_epi32((int)k1);
        __m256i al0, al1, bl0, bl1;
        __m256i ah0 = mulhilo(a0, m0, &al0), ah1 = mulhilo(a2, m1, &al1);
        __m256i bh0 = mulhilo(b0, m0, &bl0), bh1 = mulhilo(b2, m1, &bl1);
        a0 = _mm256_xor_si256(_mm256_xor_si256(ah1, a1), key0);
        a2 = _mm256_xor_si256(_mm256_xor_si256(ah0, a3), key1);
        a1 = al1;
        a3 = al0;
        b0 = _mm256_xor_si256(_mm256_xor_si256(bh1, b1), key0);
        b2 = _mm256_xor_si256(_mm256_xor_si256(bh0, b3), key1);
        b1 = bl1;
        b3 = bl0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    store_blocks(w, a0, a1, a2, a3);
    store_blocks(w + 32, b0, b1, b2, b3);
}
#endif

typedef void (*group_fn)(uint64_t, uint64_t, uint64_t, uint32_t *);

static group_fn pick_group(void) {
    static group_fn fn = NULL;
    if (fn == NULL) {
        group_fn f = philox_group_c;
#ifdef HAVE_AVX2_PATH
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2")) f = philox_group_avx2;
#endif
        fn = f;
    }
    return fn;
}

void fx_philox4x32_10(const uint32_t *ctr, const uint32_t *key, uint32_t *out) {
    philox(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
}

static inline float u24(uint32_t w) { return (float)(w >> 8) * 0x1p-24f; }
static inline double u53(uint32_t lo, uint32_t hi) {
    return (double)((((uint64_t)hi << 32) | lo) >> 11) * 0x1p-53;
}

/* Runs the body (...) once per group of GROUP blocks of [glo, ghi), with w = the group's words,
 * base = the group's first element and cnt = how many of its `per` (= 4*GROUP / words per element)
 * elements exist. Chunks of groups go to the OpenMP team (FX_PARALLEL_FOR: small calls and
 * contended cores stay on the calling thread). */
#define FOR_GROUPS(n, per, ...)                                                                \
    do {                                                                                       \
        int64_t ng_ = ((n) + (per) - 1) / (per);                                               \
        group_fn gen_ = pick_group();                                                          \
        FX_PARALLEL_FOR(ng_, CHUNK_GROUPS, PAR_GROUPS, {                                       \
            uint32_t w[4 * GROUP];                                                             \
            for (int64_t g = lo; g < hi; g++) {                                                \
                gen_(seed, subseq, offset + (uint64_t)g * GROUP, w);                           \
                int64_t base = g * (per);                                                      \
                int64_t cnt = (n) - base < (per) ? (n) - base : (per);                         \
                __VA_ARGS__                                                                    \
            }                                                                                  \
        });                                                                                    \
    } while (0)

void fx_philox_u32(uint64_t seed, uint64_t subseq, uint64_t offset, uint32_t *out, int64_t n) {
    FOR_GROUPS(n, 4 * GROUP, {
        for (int64_t e = 0; e < cnt; e++) out[base + e] = w[e];
    });
}

void fx_uniform_f32(uint64_t seed, uint64_t subseq, uint64_t offset, float *out, int64_t n, float low, float scale) {
    FOR_GROUPS(n, 4 * GROUP, {
        for (int64_t e = 0; e < cnt; e++) out[base + e] = u24(w[e]) * scale + low;
    });
}

void fx_uniform_f64(uint64_t seed, uint64_t subseq, uint64_t offset, double *out, int64_t n, double low,
                    double scale) {
    FOR_GROUPS(n, 2 * GROUP, {
        for (int64_t e = 0; e < cnt; e++) out[base + e] = u53(w[2 * e], w[2 * e + 1]) * scale + low;
    });
}

/* Box-Muller of one pair: u1 in (0, 1] (never 0, so the log is finite), u2 in [0, 1). */
static inline void box_muller(double u1, double u2, double *z0, double *z1) {
    double r = sqrt(-2.0 * log(u1));
    double t = 6.283185307179586 * u2;
    *z0 = r * cos(t);
    *z1 = r * sin(t);
}

/* Elements 2p, 2p+1 come from words 2p, 2p+1; float math (2-3x faster than double, and exact
 * enough for 24-bit inputs). */
void fx_normal_f32(uint64_t seed, uint64_t subseq, uint64_t offset, float *out, int64_t n, float mean, float std) {
    FOR_GROUPS(n, 4 * GROUP, {
        for (int64_t e = 0; e < cnt; e += 2) {
            float r = sqrtf(-2.0f * logf((float)((w[e] >> 8) + 1) * 0x1p-24f));
            float t = 6.2831855f * ((w[e + 1] >> 8) * 0x1p-24f);
            out[base + e] = r * cosf(t) * std + mean;
            if (e + 1 < cnt) out[base + e + 1] = r * sinf(t) * std + mean;
        }
    });
}

/* Elements 2p, 2p+1 come from words 4p..4p+3 (u1 from the first two, u2 from the last two). */
void fx_normal_f64(uint64_t seed, uint64_t subseq, uint64_t offset, double *out, int64_t n, double mean, double std) {
    FOR_GROUPS(n, 2 * GROUP, {
        for (int64_t e = 0; e < cnt; e += 2) {
            double z0, z1;
            box_muller(u53(w[2 * e], w[2 * e + 1]) + 0x1p-53, u53(w[2 * e + 2], w[2 * e + 3]), &z0, &z1);
            out[base + e] = z0 * std + mean;
            if (e + 1 < cnt) out[base + e + 1] = z1 * std + mean;
        }
    });
}

void fx_randint_i64(uint64_t seed, uint64_t subseq, uint64_t offset, int64_t *out, int64_t n, int64_t low,
                    uint64_t range) {
    if (range != 0 && range <= 0x100000000ull) {
        FOR_GROUPS(n, 4 * GROUP, {
            for (int64_t e = 0; e < cnt; e++) out[base + e] = (int64_t)((uint64_t)low + w[e] % range);
        });
    } else {
        FOR_GROUPS(n, 2 * GROUP, {
            for (int64_t e = 0; e < cnt; e++) {
                uint64_t r = ((uint64_t)w[2 * e + 1] << 32) | w[2 * e];
                out[base + e] = (int64_t)((uint64_t)low + (range ? r % range : r));
            }
        });
    }
}

/* Dropout mask: element i is kept when u24(word i) < keep, i.e. when (word i >> 8) < keep * 2^24
 * (the same test scaled by a power of two); a kept element is `scale`, a dropped one 0. */
#define DROPOUT_MASK(T, sfx)                                                                   \
    static FX_CLONES void mask_words_##sfx(const uint32_t *restrict w, T *restrict mask, int64_t cnt, \
                                           float thresh, T scale) {                            \
        for (int64_t e = 0; e < cnt; e++) mask[e] = (float)(w[e] >> 8) < thresh ? scale : (T)0; \
    }                                                                                          \
    void fx_dropout_mask_##sfx(uint64_t seed, uint64_t subseq, uint64_t offset, T *mask, int64_t n, \
                               float keep, T scale) {                                          \
        float thresh = keep * 0x1p24f;                                                         \
        FOR_GROUPS(n, 4 * GROUP, { mask_words_##sfx(w, mask + base, cnt, thresh, scale); });   \
    }

DROPOUT_MASK(float, f32)
DROPOUT_MASK(double, f64)
