/* Philox4x32-10 streams and the samplers built on them (see fx_random.h for the stream layout). */
#include <math.h>

#include "fx_kernels.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
/* Below this many block groups a kernel runs on one thread: waking the team costs more than it saves. */
#define PAR_GROUPS 512

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

/* GROUP consecutive blocks (first, first+1, ...) of one stream, as 4*GROUP words in stream order.
 * The lanes are independent, so the compiler runs the 10 rounds on SIMD registers. */
#define GROUP 8
static inline void philox_group(uint64_t seed, uint64_t subseq, uint64_t first, uint32_t *w) {
    uint32_t c0[GROUP], c1[GROUP], c2[GROUP], c3[GROUP];
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int l = 0; l < GROUP; l++) {
        uint64_t c = first + (uint64_t)l;
        c0[l] = (uint32_t)c;
        c1[l] = (uint32_t)(c >> 32);
        c2[l] = (uint32_t)subseq;
        c3[l] = (uint32_t)(subseq >> 32);
    }
    for (int r = 0; r < 10; r++) {
        for (int l = 0; l < GROUP; l++) {
            uint64_t p0 = (uint64_t)PHILOX_M0 * c0[l];
            uint64_t p1 = (uint64_t)PHILOX_M1 * c2[l];
            c0[l] = (uint32_t)(p1 >> 32) ^ c1[l] ^ k0;
            c2[l] = (uint32_t)(p0 >> 32) ^ c3[l] ^ k1;
            c1[l] = (uint32_t)p1;
            c3[l] = (uint32_t)p0;
        }
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    for (int l = 0; l < GROUP; l++) {
        w[4 * l] = c0[l];
        w[4 * l + 1] = c1[l];
        w[4 * l + 2] = c2[l];
        w[4 * l + 3] = c3[l];
    }
}

void fx_philox4x32_10(const uint32_t *ctr, const uint32_t *key, uint32_t *out) {
    philox(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
}

static inline float u24(uint32_t w) { return (float)(w >> 8) * 0x1p-24f; }
static inline double u53(uint32_t lo, uint32_t hi) {
    return (double)((((uint64_t)hi << 32) | lo) >> 11) * 0x1p-53;
}

/* Runs the body (...) once per group of GROUP blocks, with w = the group's words, base = the
 * group's first element and cnt = how many of its `per` (= 4*GROUP / words per element) elements
 * exist. Small calls skip OpenMP entirely: even a one-thread parallel region costs a microsecond. */
#define GROUP_LOOP(n, per, ...)                                                                \
    for (int64_t g = 0; g < ng_; g++) {                                                        \
        uint32_t w[4 * GROUP];                                                                 \
        philox_group(seed, subseq, offset + (uint64_t)g * GROUP, w);                           \
        int64_t base = g * (per);                                                              \
        int64_t cnt = (n) - base < (per) ? (n) - base : (per);                                 \
        __VA_ARGS__                                                                            \
    }
#define FOR_GROUPS(n, per, ...)                                                                \
    do {                                                                                       \
        int64_t ng_ = ((n) + (per) - 1) / (per);                                               \
        if (ng_ >= PAR_GROUPS) {                                                               \
            _Pragma("omp parallel for schedule(static)")                                       \
            GROUP_LOOP(n, per, __VA_ARGS__)                                                    \
        } else {                                                                               \
            GROUP_LOOP(n, per, __VA_ARGS__)                                                    \
        }                                                                                      \
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
