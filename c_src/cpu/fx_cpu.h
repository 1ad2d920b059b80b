/* Private helpers of the CPU kernels (not part of the C API): ISA clones, threading, SIMD
 * reductions and vectorizable float32 math.
 *
 * FX_CLONES builds each hot loop twice (x86-64 baseline and AVX2+FMA, picked at load time), so
 * wheels need no -march flag. The math functions are branch-free, so a loop calling them compiles
 * to SIMD code. Worst errors over the float32 range (checked on every 13th float against double
 * libm): exp 1.0 ulp, log 0.94, tanh 1.5, sigmoid 2.4, erf 1.3, erfc 3.0, gelu 3.8, gelu_tanh
 * 2.0; IEEE results for NaN, +-inf, overflow and underflow (subnormal results included).
 */
#ifndef FX_CPU_H
#define FX_CPU_H

/* -std=c11 turns FMA contraction off; the AVX2 clones need it to be fast. Without trapping math
 * GCC may compute both sides of a select, which SIMD code must do. Every algorithm below is
 * exact or more accurate with contraction, so the two clones differ only in the last bit. */
#pragma GCC optimize("fp-contract=fast", "no-trapping-math")
#pragma GCC diagnostic ignored "-Wpsabi"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#else
#define omp_get_thread_num() 0
#define omp_get_num_threads() 1
#endif

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define FX_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define FX_CLONES
#endif

/* Helpers are always inlined: an out-of-line copy would be built for the baseline ISA only, and
 * the AVX2 clones would call it. */
#define FX_INLINE static inline __attribute__((always_inline))

/* Work below this many elements runs on the calling thread: waking the team costs more. */
#define FX_PAR_MIN 32768

FX_INLINE int fx_max_threads(void) {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* Contention: when a parallel run turns out no faster than its fastest thread alone would have
 * been (another process holds a core: the team then waits at the barrier for a descheduled
 * thread, which made ops 10x slower), the kernels run on the calling thread for a while, then try
 * the team again, backing off exponentially while the contention lasts. Times are omp_get_wtime()
 * seconds; races on these two values are harmless. Defined in elementwise.c. */
extern _Atomic double fx_serial_until;
extern _Atomic double fx_serial_backoff;

#define FX_MAX_TEAM 64

FX_INLINE double fx_wtime(void) {
#ifdef _OPENMP
    return omp_get_wtime();
#else
    return 0.0;
#endif
}

FX_INLINE int fx_parallel_ok(void) {
    return fx_max_threads() >= 2 && fx_wtime() >= atomic_load_explicit(&fx_serial_until, memory_order_relaxed);
}

/* Thread i ran count[i] of `total` chunks in busy[i] seconds; the run took `took`. A run that beat
 * its fastest thread alone by less than 1.25x counts as contended: two free cores give 1.7-2x
 * (memory-bound loops too: `alone` is measured at the shared bandwidth), and still ~1.4x when a
 * sleeping thread needs ~100 us to wake up. */
FX_INLINE void fx_parallel_done(double took, const double *busy, const int64_t *count, int team, int64_t total) {
    double alone = INFINITY; /* the fastest thread's time for all chunks at its own pace */
    for (int i = 0; i < team && i < FX_MAX_TEAM; i++)
        if (count[i] > 0 && busy[i] * (double)total / (double)count[i] < alone)
            alone = busy[i] * (double)total / (double)count[i];
    double backoff = atomic_load_explicit(&fx_serial_backoff, memory_order_relaxed);
    if (took * 1.25 > alone && took - 0.5 * alone > 50e-6) {
        backoff = backoff < 0.01 ? 0.01 : (backoff > 0.5 ? 1.0 : 2.0 * backoff);
        atomic_store_explicit(&fx_serial_until, fx_wtime() + backoff, memory_order_relaxed);
        atomic_store_explicit(&fx_serial_backoff, backoff, memory_order_relaxed);
    } else if (backoff > 0.0) { /* forget contention gradually: it tends to come back */
        atomic_store_explicit(&fx_serial_backoff, backoff < 0.02 ? 0.0 : 0.5 * backoff, memory_order_relaxed);
    }
}

/* Run CALL (which sees int64_t lo, hi) over [0, n) in chunks of `grain`, on the calling thread when
 * n < serial_below or under contention (above). Chunks are handed out dynamically: a thread that
 * starts late or runs slower takes fewer chunks instead of holding the other one up. */
#define FX_PARALLEL_FOR(n, grain, serial_below, ...)                                               \
    do {                                                                                           \
        int64_t fx_n_ = (n), fx_g_ = (grain);                                                      \
        if (fx_n_ < (serial_below) || fx_n_ <= fx_g_ || !fx_parallel_ok()) {                       \
            int64_t lo = 0, hi = fx_n_;                                                            \
            __VA_ARGS__;                                                                           \
        } else {                                                                                   \
            int64_t fx_nc_ = (fx_n_ + fx_g_ - 1) / fx_g_, fx_cnt_[FX_MAX_TEAM];                    \
            double fx_t0_ = fx_wtime(), fx_busy_[FX_MAX_TEAM];                                     \
            int fx_team_ = 1;                                                                      \
            _Pragma("omp parallel")                                                                \
            {                                                                                      \
                int64_t fx_count_ = 0;                                                             \
                _Pragma("omp for schedule(dynamic, 1) nowait")                                     \
                for (int64_t fx_c_ = 0; fx_c_ < fx_nc_; fx_c_++) {                                 \
                    int64_t lo = fx_c_ * fx_g_;                                                    \
                    int64_t hi = lo + fx_g_ < fx_n_ ? lo + fx_g_ : fx_n_;                          \
                    __VA_ARGS__;                                                                   \
                    fx_count_++;                                                                   \
                }                                                                                  \
                int fx_tid_ = omp_get_thread_num();                                                \
                if (fx_tid_ < FX_MAX_TEAM) {                                                       \
                    fx_busy_[fx_tid_] = fx_wtime() - fx_t0_;                                       \
                    fx_cnt_[fx_tid_] = fx_count_;                                                  \
                }                                                                                  \
                if (fx_tid_ == 0) fx_team_ = omp_get_num_threads();                                \
            }                                                                                      \
            fx_parallel_done(fx_wtime() - fx_t0_, fx_busy_, fx_cnt_, fx_team_, fx_nc_);            \
        }                                                                                          \
    } while (0)

/* Rows per chunk so that a chunk holds about `elems` elements (at least one row). */
FX_INLINE int64_t fx_rows_for(int64_t cols, int64_t elems) {
    int64_t g = cols > 0 ? elems / cols : elems;
    return g > 0 ? g : 1;
}

/* ---- explicit SIMD for reductions ------------------------------------------------------------
 * GCC does not auto-vectorize NaN-aware max or reassociate float sums, so reductions use vector
 * extensions (lowered to two SSE registers in the baseline clone). */
typedef float fx_f32x8 __attribute__((vector_size(32)));
typedef int32_t fx_i32x8 __attribute__((vector_size(32)));
typedef double fx_f64x4 __attribute__((vector_size(32)));
typedef int64_t fx_i64x4 __attribute__((vector_size(32)));

FX_INLINE fx_f32x8 fx_load_f32(const float *p) {
    fx_f32x8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

FX_INLINE fx_f64x4 fx_load_f64(const double *p) {
    fx_f64x4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Lanes of a where mask m is set, else of b. Helpers take vectors by pointer or are macros: a
 * 32-byte vector parameter makes GCC print an ABI note in the baseline clone that no pragma hides. */
#define FX_SELECT(m, a, b) ((__typeof__(a))(((m) & (__typeof__(m))(a)) | (~(m) & (__typeof__(m))(b))))

FX_INLINE void fx_store_f32(float *p, const fx_f32x8 *v) { memcpy(p, v, sizeof *v); }

FX_INLINE fx_f32x8 fx_splat_f32(float v) { return (fx_f32x8){0} + v; }

/* The first k < 8 elements of p, the other lanes `fill`. */
FX_INLINE fx_f32x8 fx_load_part_f32(const float *p, int64_t k, float fill) {
    fx_f32x8 v = fx_splat_f32(fill);
    for (int64_t i = 0; i < k; i++) v[i] = p[i];
    return v;
}

FX_INLINE void fx_store_part_f32(float *p, const fx_f32x8 *v, int64_t k) {
    for (int64_t i = 0; i < k; i++) p[i] = (*v)[i];
}

FX_INLINE double fx_hsum_f32(const fx_f32x8 *v) {
    double s = 0.0;
    for (int k = 0; k < 8; k++) s += (*v)[k];
    return s;
}

/* Largest non-NaN element of x[0..n) (-inf if none). */
FX_INLINE float fx_max_nonan_f32(const float *x, int64_t n) {
    fx_f32x8 a[4];
    for (int k = 0; k < 4; k++) a[k] = fx_splat_f32(-INFINITY);
    int64_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++) {
            fx_f32x8 v = fx_load_f32(x + i + 8 * k);
            a[k] = FX_SELECT(v > a[k], v, a[k]);
        }
    a[0] = FX_SELECT(a[1] > a[0], a[1], a[0]);
    a[2] = FX_SELECT(a[3] > a[2], a[3], a[2]);
    a[0] = FX_SELECT(a[2] > a[0], a[2], a[0]);
    float m = -INFINITY;
    for (int k = 0; k < 8; k++) m = a[0][k] > m ? a[0][k] : m;
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

/* Sums: SIMD lanes take 8 (float) or 16 (double) adds per block, then the block's lanes go into
 * double accumulators (float) or a Neumaier-compensated total (double): as accurate as NumPy's
 * pairwise sum for double, more accurate for float. */
typedef float fx_f32x4 __attribute__((vector_size(16)));

FX_INLINE void fx_kahan_add(double *sum, double *comp, double v) {
    double t = *sum + v;
    *comp += fabs(*sum) >= fabs(v) ? (*sum - t) + v : (v - t) + *sum;
    *sum = t;
}

/* Add the 8 lanes of v into the double accumulators lo, hi. */
FX_INLINE void fx_widen_add_f32(fx_f64x4 *lo, fx_f64x4 *hi, const fx_f32x8 *v) {
    fx_f32x4 h[2];
    memcpy(h, v, sizeof h);
    *lo += __builtin_convertvector(h[0], fx_f64x4);
    *hi += __builtin_convertvector(h[1], fx_f64x4);
}

#define FX_F32_BLOCK 256 /* float lanes take 8 adds each, then move into double lanes */

/* sum of x[i] * y[i] (of x[i] when y is NULL), in double. */
FX_INLINE double fx_dot_f32(const float *x, const float *y, int64_t n) {
    fx_f64x4 d[2] = {{0}};
    double s = 0.0;
    int64_t i = 0;
    for (int64_t b = 0; b + FX_F32_BLOCK <= n; b += FX_F32_BLOCK) {
        fx_f32x8 a[4] = {{0}};
        if (y == NULL) {
            for (i = b; i < b + FX_F32_BLOCK; i += 32)
                for (int k = 0; k < 4; k++) a[k] += fx_load_f32(x + i + 8 * k);
        } else {
            for (i = b; i < b + FX_F32_BLOCK; i += 32)
                for (int k = 0; k < 4; k++) a[k] += fx_load_f32(x + i + 8 * k) * fx_load_f32(y + i + 8 * k);
        }
        a[0] = (a[0] + a[1]) + (a[2] + a[3]);
        fx_widen_add_f32(&d[0], &d[1], &a[0]);
    }
    for (; i < n; i++) s += y == NULL ? (double)x[i] : (double)x[i] * y[i];
    fx_f64x4 t = d[0] + d[1];
    for (int k = 0; k < 4; k++) s += t[k];
    return s;
}

FX_INLINE double fx_sum_f32(const float *x, int64_t n) { return fx_dot_f32(x, NULL, n); }

#define FX_F64_BLOCK 256
FX_INLINE double fx_dot_f64(const double *x, const double *y, int64_t n) {
    double sum = 0.0, comp = 0.0;
    for (int64_t b = 0; b < n; b += FX_F64_BLOCK) {
        int64_t e = b + FX_F64_BLOCK < n ? b + FX_F64_BLOCK : n, i = b;
        fx_f64x4 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        double s = 0.0;
        if (y == NULL) {
            for (; i + 16 <= e; i += 16) {
                a0 += fx_load_f64(x + i);
                a1 += fx_load_f64(x + i + 4);
                a2 += fx_load_f64(x + i + 8);
                a3 += fx_load_f64(x + i + 12);
            }
            for (; i < e; i++) s += x[i];
        } else {
            for (; i + 16 <= e; i += 16) {
                a0 += fx_load_f64(x + i) * fx_load_f64(y + i);
                a1 += fx_load_f64(x + i + 4) * fx_load_f64(y + i + 4);
                a2 += fx_load_f64(x + i + 8) * fx_load_f64(y + i + 8);
                a3 += fx_load_f64(x + i + 12) * fx_load_f64(y + i + 12);
            }
            for (; i < e; i++) s += x[i] * y[i];
        }
        a0 = (a0 + a1) + (a2 + a3);
        for (int k = 0; k < 4; k++) s += a0[k];
        fx_kahan_add(&sum, &comp, s);
    }
    return isfinite(sum) ? sum + comp : sum; /* inf/nan: the compensation would be inf - inf */
}

FX_INLINE double fx_sum_f64(const double *x, int64_t n) { return fx_dot_f64(x, NULL, n); }

/* FX_DEFINE_EXTREMUM(T, name, VT, IT, W, LOAD, CMP): the largest (CMP >) or smallest (CMP <)
 * element of x[0..n), n >= 1, NaN if any element is NaN (like torch.amax). The lanes ignore NaN;
 * z accumulates v * 0, which turns NaN when a NaN (or an inf) goes by: only then is a row
 * scanned again for NaN. */
#define FX_DEFINE_EXTREMUM(T, name, VT, IT, W, LOAD, CMP)                                          \
    FX_INLINE T name(const T *x, int64_t n) {                                                      \
        int64_t i = 0;                                                                             \
        T m = x[0];                                                                                \
        if (n >= 4 * W) {                                                                          \
            VT a[4], z[4] = {{0}};                                                                 \
            for (int k = 0; k < 4; k++) a[k] = LOAD(x + k * W), z[k] = a[k] * (T)0;                \
            for (i = 4 * W; i + 4 * W <= n; i += 4 * W)                                            \
                for (int k = 0; k < 4; k++) {                                                      \
                    VT v = LOAD(x + i + k * W);                                                    \
                    a[k] = FX_SELECT(v CMP a[k], v, a[k]);                                         \
                    z[k] += v * (T)0;                                                              \
                }                                                                                  \
            for (int k = 1; k < 4; k++) a[0] = FX_SELECT(a[k] CMP a[0], a[k], a[0]);               \
            VT zs = (z[0] + z[1]) + (z[2] + z[3]);                                                 \
            m = a[0][0];                                                                           \
            for (int k = 0; k < W; k++) {                                                          \
                m = a[0][k] CMP m ? a[0][k] : m;                                                   \
                if (zs[k] != zs[k] || a[0][k] != a[0][k]) m = NAN;                                 \
            }                                                                                      \
            if (m != m) {                                                                          \
                for (int64_t j = 0; j < i; j++)                                                    \
                    if (x[j] != x[j]) return x[j];                                                 \
                m = a[0][0];                                                                       \
                for (int k = 0; k < W; k++) m = a[0][k] CMP m ? a[0][k] : m;                       \
            }                                                                                      \
        }                                                                                          \
        for (; i < n; i++) m = (x[i] CMP m || x[i] != x[i]) ? x[i] : m;                            \
        return m;                                                                                  \
    }

FX_DEFINE_EXTREMUM(float, fx_amax_f32, fx_f32x8, fx_i32x8, 8, fx_load_f32, >)
FX_DEFINE_EXTREMUM(float, fx_amin_f32, fx_f32x8, fx_i32x8, 8, fx_load_f32, <)
FX_DEFINE_EXTREMUM(double, fx_amax_f64, fx_f64x4, fx_i64x4, 4, fx_load_f64, >)
FX_DEFINE_EXTREMUM(double, fx_amin_f64, fx_f64x4, fx_i64x4, 4, fx_load_f64, <)

#define FX_LOG2E 1.44269504f
#define FX_LN2_HI 0.693145751953125f /* n * FX_LN2_HI is exact for |n| < 512 */
#define FX_LN2_LO 1.42860677e-06f
#define FX_ROUND_MAGIC 12582912.0f /* 1.5 * 2^23: adding it rounds to an integer */

FX_INLINE uint32_t fx_bits(float x) {
    uint32_t b;
    memcpy(&b, &x, 4);
    return b;
}

FX_INLINE float fx_float(uint32_t b) {
    float x;
    memcpy(&x, &b, 4);
    return x;
}

/* e^(x + xl) for a small correction xl: 2^n * e^r with |r| <= ln2/2; 2^n is applied as two
 * factors so results in the subnormal range are rounded once and overflow gives inf. */
FX_INLINE float fx_expf_split(float x, float xl) {
    x = x < -104.0f ? -104.0f : x; /* comparisons keep NaN */
    x = x > 89.0f ? 89.0f : x;
    float t = x * FX_LOG2E + FX_ROUND_MAGIC;
    float n = t - FX_ROUND_MAGIC;
    float r = (x - n * FX_LN2_HI) - n * FX_LN2_LO + xl;
    float q = 1.381461159e-03f;
    q = q * r + 8.368710056e-03f;
    q = q * r + 4.166838899e-02f;
    q = q * r + 1.666652113e-01f;
    q = q * r + 4.999999404e-01f;
    float p = (r * r * q + r) + 1.0f;
    uint32_t ni = fx_bits(t) - 0x4b400000u;
    uint32_t n1 = (uint32_t)((int32_t)ni >> 1), n2 = ni - n1;
    return p * fx_float((n1 + 127u) << 23) * fx_float((n2 + 127u) << 23);
}

FX_INLINE float fx_expf(float x) {
    x = x < -104.0f ? -104.0f : x;
    x = x > 89.0f ? 89.0f : x;
    float t = x * FX_LOG2E + FX_ROUND_MAGIC;
    float n = t - FX_ROUND_MAGIC;
    float r = (x - n * FX_LN2_HI) - n * FX_LN2_LO;
    float q = 1.381461159e-03f;
    q = q * r + 8.368710056e-03f;
    q = q * r + 4.166838899e-02f;
    q = q * r + 1.666652113e-01f;
    q = q * r + 4.999999404e-01f;
    float p = (r * r * q + r) + 1.0f;
    uint32_t ni = fx_bits(t) - 0x4b400000u;
    uint32_t n1 = (uint32_t)((int32_t)ni >> 1), n2 = ni - n1;
    return p * fx_float((n1 + 127u) << 23) * fx_float((n2 + 127u) << 23);
}

/* log x = e ln2 + log(1 + f), 1 + f in [sqrt(1/2), sqrt(2)); log(1 + f) = f - s (f - s^2 q(s^2))
 * with s = f / (2 + f), so the division only rounds a correction term. */
FX_INLINE float fx_logf(float x) {
    int sub = x < 1.17549435e-38f;
    float xs = sub ? x * 8388608.0f : x;
    uint32_t b = fx_bits(xs);
    int32_t e = (int32_t)((b >> 23) & 0xffu) - (sub ? 150 : 127);
    float m = fx_float((b & 0x007fffffu) | 0x3f800000u);
    int big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e += big;
    float f = m - 1.0f;
    float s = f / (2.0f + f);
    float s2 = s * s;
    float q = 2.987173498e-01f;
    q = q * s2 + 3.997754157e-01f;
    q = q * s2 + 6.666677594e-01f;
    float lm = f - s * (f - s2 * q);
    float fe = (float)e;
    float y = (fe * FX_LN2_LO + lm) + fe * FX_LN2_HI;
    y = x == 0.0f ? -INFINITY : y;
    y = x < 0.0f ? NAN : y;
    y = x == INFINITY ? INFINITY : y;
    return x != x ? x : y;
}

/* e^x for x in [-87, 88], no special cases (callers bound x). */
FX_INLINE float fx_expf_normal(float x) {
    float t = x * FX_LOG2E + FX_ROUND_MAGIC;
    float n = t - FX_ROUND_MAGIC;
    float r = (x - n * FX_LN2_HI) - n * FX_LN2_LO;
    float q = 1.381461159e-03f;
    q = q * r + 8.368710056e-03f;
    q = q * r + 4.166838899e-02f;
    q = q * r + 1.666652113e-01f;
    q = q * r + 4.999999404e-01f;
    float p = (r * r * q + r) + 1.0f;
    return p * fx_float((fx_bits(t) - (0x4b400000u - 127u)) << 23);
}

/* tanh: odd polynomial near 0, (1 - e) / (1 + e) with e = e^-2|x| elsewhere (|x| >= 9.1 gives
 * e < 2^-25, so the result rounds to +-1). */
FX_INLINE float fx_tanhf(float x) {
    float z = fabsf(x);
    float z2 = x * x;
    float q = -5.704974290e-03f;
    q = q * z2 + 2.063907497e-02f;
    q = q * z2 - 5.373971164e-02f;
    q = q * z2 + 1.333144158e-01f;
    q = q * z2 - 3.333328068e-01f;
    float small = x + x * (z2 * q);
    float e = fx_expf_normal(-2.0f * (z > 9.1f ? 9.1f : z));
    float big = (1.0f - e) / (1.0f + e);
    return copysignf(z < 0.625f ? small : big, x); /* small loses the sign of -0 */
}

/* sigmoid from e^-|x| only, so nothing overflows. */
FX_INLINE float fx_sigmoidf(float x) {
    float e = fx_expf(-fabsf(x));
    return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
}

/* erfc(z) for z >= 0.75 as e^-(eh + el) R(t), t = 1 / (1 + z/2), where eh + el = z^2 to about
 * twice float precision (see fx_square_split): e^-z^2 is then accurate where z^2 has many integer
 * bits. R is evaluated in double: in float the rounding of t alone costs 3 ulp. */
FX_INLINE float fx_erfc_tail(float z, float eh, float el) {
    z = z > 10.1f ? 10.1f : z; /* erfc underflows to 0 beyond 10.06 */
    double t = 1.0 / (1.0 + 0.5 * (double)z);
    double r = -0.071371877571383038;
    r = r * t + 0.33990788156078172;
    r = r * t - 0.59274169629959972;
    r = r * t + 0.38983205341985688;
    r = r * t - 0.098805317410672736;
    r = r * t + 0.23206137503409377;
    r = r * t + 0.23559849816691047;
    r = r * t + 0.28353227719676949;
    r = r * t + 0.28198905335616298;
    r = r * t + 3.4002476648168004e-06;
    return fx_expf_split(-eh, -el) * (float)r;
}

/* a * a * scale as eh + el: ah = a with its low 12 bits cleared, so ah * ah is exact. */
FX_INLINE void fx_square_split(float a, float scale, float *eh, float *el) {
    float ah = fx_float(fx_bits(a) & 0xfffff000u);
    *eh = scale * (ah * ah);
    *el = scale * ((a - ah) * (ah + a));
}

/* erf(x) for |x| < 0.75: x + x p(x^2), p(0) = 2/sqrt(pi) - 1 so the leading term is exact. */
FX_INLINE float fx_erf_small(float x) {
    float x2 = x * x;
    float p = -6.749512395e-04f;
    p = p * x2 + 5.114345346e-03f;
    p = p * x2 - 2.683462389e-02f;
    p = p * x2 + 1.128337681e-01f;
    p = p * x2 - 3.761262000e-01f;
    p = p * x2 + 1.283791671e-01f;
    return x + x * p;
}

FX_INLINE float fx_erfc_pos(float z) {
    float eh, el;
    z = z > 10.1f ? 10.1f : z; /* keeps the split finite for z = inf */
    fx_square_split(z, 1.0f, &eh, &el);
    return fx_erfc_tail(z, eh, el);
}

FX_INLINE float fx_erff(float x) {
    float z = fabsf(x);
    float small = fx_erf_small(x);
    float big = 1.0f - fx_erfc_pos(z);
    return copysignf(z < 0.75f ? small : big, x); /* small loses the sign of -0 */
}

FX_INLINE float fx_erfcf(float x) {
    float z = fabsf(x);
    float small = 1.0f - fx_erf_small(x);
    float tail = fx_erfc_pos(z);
    float big = x < 0.0f ? 2.0f - tail : tail;
    return z < 0.75f ? small : big;
}

/* gelu(x) = x Phi(x), Phi(x) = erfc(-x / sqrt2) / 2. The exponent x^2 / 2 of the tail is split
 * from x itself: rounding x / sqrt2 first would cost up to 20 ulp at x = -5. */
FX_INLINE float fx_geluf(float x) {
    float zs = x * 0.707106781f, z = fabsf(zs);
    float small = 0.5f + 0.5f * fx_erf_small(zs);
    float eh, el, ax = fabsf(x);
    fx_square_split(ax > 15.0f ? 15.0f : ax, 0.5f, &eh, &el); /* Phi(-15) underflows already */
    float half_tail = 0.5f * fx_erfc_tail(z, eh, el);
    float big = x < 0.0f ? half_tail : 1.0f - half_tail;
    return x * (z < 0.75f ? small : big);
}

/* x/2 (1 + tanh u) == x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3): accurate where tanh u is
 * near -1. 2u is formed in double and passed to exp as hi + lo: e^-2u is the result's size there. */
FX_INLINE float fx_gelu_tanhf(float x) {
    double xd = x;
    double v = -1.5957691216057308 * xd * (1.0 + 0.044715 * xd * xd);
    float hi = (float)v;
    float lo = fabsf(hi) < 100.0f ? (float)(v - (double)hi) : 0.0f; /* no lo once exp saturates */
    return x / (1.0f + fx_expf_split(hi, lo));
}

/* e^x for x <= 0 or NaN, 8 lanes: results below 2^-125 flush to 0 (enough for softmax, and
 * e^-inf is exactly 0). Same polynomial as fx_expf, but a single scaling and no upper clamp. */
FX_INLINE fx_f32x8 fx_expneg_f32x8(const fx_f32x8 *xp) {
    fx_f32x8 x = *xp;
    fx_f32x8 t = x * FX_LOG2E + FX_ROUND_MAGIC;
    fx_f32x8 n = t - FX_ROUND_MAGIC;
    fx_f32x8 r = (x - n * FX_LN2_HI) - n * FX_LN2_LO;
    fx_f32x8 q = r * 1.381461159e-03f + 8.368710056e-03f;
    q = q * r + 4.166838899e-02f;
    q = q * r + 1.666652113e-01f;
    q = q * r + 4.999999404e-01f;
    fx_f32x8 p = (r * r * q + r) + 1.0f;
    fx_f32x8 scale = (fx_f32x8)(((fx_i32x8)t - (0x4b400000 - 127)) << 23);
    return (fx_f32x8)((fx_i32x8)(p * scale) & ~(x < -86.5f));
}

#endif
