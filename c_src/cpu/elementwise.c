/* Elementwise kernels: SIMD float32 math from fx_cpu.h, libm for float64, OpenMP over chunks. */
#include "fx_kernels.h"
#include "fx_cpu.h"

_Atomic double fx_serial_until = 0.0;
_Atomic double fx_serial_backoff = 0.0;

/* Chunk sizes: a transcendental costs ~10x a load/store, so it pays to split smaller ranges. */
#define GRAIN_MATH 16384
#define GRAIN_LIGHT 65536

#define UNARY(name, T, sfx, grain, EXPR)                                                           \
    static FX_CLONES void name##_##sfx##_range(const T *restrict x, T *restrict y, int64_t n) {    \
        for (int64_t i = 0; i < n; i++) {                                                          \
            T v = x[i];                                                                            \
            y[i] = (EXPR);                                                                         \
        }                                                                                          \
    }                                                                                              \
    void fx_##name##_##sfx(const T *x, T *y, int64_t n) {                                          \
        FX_PARALLEL_FOR(n, grain, FX_PAR_MIN, name##_##sfx##_range(x + lo, y + lo, hi - lo));      \
    }

#define BINARY(name, T, sfx, OP)                                                                   \
    static FX_CLONES void name##_##sfx##_range(const T *restrict a, const T *restrict b,           \
                                               T *restrict y, int64_t n) {                         \
        for (int64_t i = 0; i < n; i++) y[i] = a[i] OP b[i];                                       \
    }                                                                                              \
    void fx_##name##_##sfx(const T *a, const T *b, T *y, int64_t n) {                              \
        FX_PARALLEL_FOR(n, GRAIN_LIGHT, FX_PAR_MIN, name##_##sfx##_range(a + lo, b + lo, y + lo, hi - lo)); \
    }

UNARY(exp, float, f32, GRAIN_MATH, fx_expf(v))
UNARY(log, float, f32, GRAIN_MATH, fx_logf(v))
UNARY(tanh, float, f32, GRAIN_MATH, fx_tanhf(v))
UNARY(sigmoid, float, f32, GRAIN_MATH, fx_sigmoidf(v))
UNARY(silu, float, f32, GRAIN_MATH, v * fx_sigmoidf(v))
UNARY(erf, float, f32, GRAIN_MATH, fx_erff(v))
UNARY(erfc, float, f32, GRAIN_MATH, fx_erfcf(v))
UNARY(gelu, float, f32, GRAIN_MATH, fx_geluf(v))
UNARY(gelu_tanh, float, f32, GRAIN_MATH, fx_gelu_tanhf(v))
UNARY(relu, float, f32, GRAIN_LIGHT, v < 0.0f ? 0.0f : v)

FX_INLINE double sigmoid_f64(double x) {
    double e = exp(-fabs(x));
    return (x >= 0.0 ? 1.0 : e) / (1.0 + e);
}

UNARY(exp, double, f64, GRAIN_MATH, exp(v))
UNARY(log, double, f64, GRAIN_MATH, log(v))
UNARY(tanh, double, f64, GRAIN_MATH, tanh(v))
UNARY(sigmoid, double, f64, GRAIN_MATH, sigmoid_f64(v))
UNARY(silu, double, f64, GRAIN_MATH, v * sigmoid_f64(v))
UNARY(erf, double, f64, GRAIN_MATH, erf(v))
UNARY(erfc, double, f64, GRAIN_MATH, erfc(v))
UNARY(gelu, double, f64, GRAIN_MATH, 0.5 * v * erfc(-v * 0.70710678118654752))
UNARY(gelu_tanh, double, f64, GRAIN_MATH,
      v / (1.0 + exp(-2.0 * (v * (0.79788456080286536 + 0.79788456080286536 * 0.044715 * v * v)))))
UNARY(relu, double, f64, GRAIN_LIGHT, v < 0.0 ? 0.0 : v)

BINARY(add, float, f32, +)
BINARY(sub, float, f32, -)
BINARY(mul, float, f32, *)
BINARY(div, float, f32, /)
BINARY(add, double, f64, +)
BINARY(sub, double, f64, -)
BINARY(mul, double, f64, *)
BINARY(div, double, f64, /)

/* where: the four cases of a and b being arrays (inc 1) or scalars (inc 0) are separate loops, so
 * each compiles to SIMD selects. */
#define WHERE(T, sfx)                                                                              \
    static FX_CLONES void where_##sfx##_range(const uint8_t *restrict c, const T *restrict a,      \
                                              int64_t ai, const T *restrict b, int64_t bi,         \
                                              T *restrict y, int64_t n) {                          \
        if (ai && bi) {                                                                            \
            for (int64_t i = 0; i < n; i++) y[i] = c[i] ? a[i] : b[i];                             \
        } else if (ai) {                                                                           \
            T bv = b[0];                                                                           \
            for (int64_t i = 0; i < n; i++) y[i] = c[i] ? a[i] : bv;                               \
        } else if (bi) {                                                                           \
            T av = a[0];                                                                           \
            for (int64_t i = 0; i < n; i++) y[i] = c[i] ? av : b[i];                               \
        } else {                                                                                   \
            T av = a[0], bv = b[0];                                                                \
            for (int64_t i = 0; i < n; i++) y[i] = c[i] ? av : bv;                                 \
        }                                                                                          \
    }                                                                                              \
    void fx_where_##sfx(const uint8_t *c, const T *a, int64_t a_inc, const T *b, int64_t b_inc,    \
                        T *y, int64_t n) {                                                         \
        FX_PARALLEL_FOR(n, GRAIN_LIGHT, FX_PAR_MIN,                                                \
                        where_##sfx##_range(c + lo, a + lo * a_inc, a_inc, b + lo * b_inc, b_inc,  \
                                            y + lo, hi - lo));                                     \
    }

WHERE(float, f32)
WHERE(double, f64)
