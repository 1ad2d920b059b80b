/* Fused optimizer steps: every tensor of a parameter group in one call, chunks spread over OpenMP
 * threads. The formulas and their operation order are fixed by fx_optim.h. */
#include <stdlib.h>

#include "fx_kernels.h"
#include "fx_cpu.h"

/* fx_cpu.h allows FMA contraction; here each operation must round like the pure fx ops do. */
#pragma GCC optimize("fp-contract=off")

#define GRAIN 16384 /* elements per parallel task */

typedef void (*range_fn)(const void *ctx, int64_t t, int64_t lo, int64_t hi);

/* fn(ctx, t, lo, hi) over the elements of all n tensors: chunks of GRAIN elements (a tensor's last
 * chunk may be shorter) handed out dynamically, or everything on this thread for small groups. */
static void for_each_chunk(const int64_t *sizes, int64_t n, const void *ctx, range_fn fn) {
    int64_t total = 0, nchunks = 0;
    for (int64_t t = 0; t < n; t++) {
        total += sizes[t];
        nchunks += (sizes[t] + GRAIN - 1) / GRAIN;
    }
    int64_t *first = NULL;
    if (total >= FX_PAR_MIN && nchunks > 1 && fx_max_threads() > 1)
        first = malloc((size_t)(n + 1) * sizeof *first);
    if (first == NULL) {
        for (int64_t t = 0; t < n; t++)
            if (sizes[t] > 0) fn(ctx, t, 0, sizes[t]);
        return;
    }
    first[0] = 0;
    for (int64_t t = 0; t < n; t++) first[t + 1] = first[t] + (sizes[t] + GRAIN - 1) / GRAIN;
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t c = 0; c < nchunks; c++) {
        /* the last tensor t with first[t] <= c: empty tensors before it are skipped */
        int64_t a = 0, b = n;
        while (b - a > 1) {
            int64_t mid = (a + b) / 2;
            if (first[mid] <= c) a = mid;
            else b = mid;
        }
        int64_t lo = (c - first[a]) * GRAIN;
        int64_t hi = lo + GRAIN < sizes[a] ? lo + GRAIN : sizes[a];
        fn(ctx, a, lo, hi);
    }
    free(first);
}

typedef struct {
    void **p, **g, **m, **v, **vmax;
    int maximize, decoupled;
    double decay, wd, w1, beta2, w2, bc2_sqrt, eps, neg_step;
} adam_args;

/* The loops take restrict pointer parameters: GCC vectorizes them without runtime alias checks
 * (restrict on local pointers read from a struct does not reach the vectorizer), ~7x faster. */
#define ADAM(T, sfx, SQRT)                                                                         \
    static FX_CLONES void adam_loop_##sfx(T *restrict p, const T *restrict g, T *restrict m,       \
                                          T *restrict v, T *restrict vmax, int64_t n,              \
                                          int maximize, int decoupled, int coupled, T decay, T wd, \
                                          T w1, T beta2, T w2, T bc2_sqrt, T eps, T neg_step) {    \
        for (int64_t i = 0; i < n; i++) {                                                          \
            T gi = maximize ? -g[i] : g[i];                                                        \
            T pi = p[i];                                                                           \
            if (decoupled) pi = pi * decay;                                                        \
            if (coupled) gi = gi + pi * wd;                                                        \
            T mi = m[i] + w1 * (gi - m[i]);                                                        \
            T vi = v[i] * beta2 + (gi * gi) * w2;                                                  \
            m[i] = mi;                                                                             \
            v[i] = vi;                                                                             \
            if (vmax) {                                                                            \
                T x = vmax[i];                                                                     \
                vi = (vi > x || vi != vi) ? vi : x;                                                \
                vmax[i] = vi;                                                                      \
            }                                                                                      \
            T denom = SQRT(vi) / bc2_sqrt + eps;                                                   \
            p[i] = pi + (mi / denom) * neg_step;                                                   \
        }                                                                                          \
    }                                                                                              \
    static void adam_range_##sfx(const void *ctx, int64_t t, int64_t lo, int64_t hi) {             \
        const adam_args *a = ctx;                                                                  \
        adam_loop_##sfx((T *)a->p[t] + lo, (const T *)a->g[t] + lo, (T *)a->m[t] + lo,             \
                        (T *)a->v[t] + lo, a->vmax ? (T *)a->vmax[t] + lo : NULL, hi - lo,         \
                        a->maximize, a->decoupled, a->wd != 0.0, (T)a->decay, (T)a->wd, (T)a->w1,  \
                        (T)a->beta2, (T)a->w2, (T)a->bc2_sqrt, (T)a->eps, (T)a->neg_step);         \
    }                                                                                              \
    void fx_adam_##sfx(T **params, T **grads, T **exp_avgs, T **exp_avg_sqs, T **max_exp_avg_sqs,  \
                       const int64_t *sizes, int64_t n, int maximize, int decoupled, double decay, \
                       double weight_decay, double one_minus_beta1, double beta2,                  \
                       double one_minus_beta2, double bias_correction2_sqrt, double eps,           \
                       double neg_step_size) {                                                     \
        adam_args a = {(void **)params, (void **)grads, (void **)exp_avgs, (void **)exp_avg_sqs,   \
                       (void **)max_exp_avg_sqs, maximize, decoupled, decay, weight_decay,         \
                       one_minus_beta1, beta2, one_minus_beta2, bias_correction2_sqrt, eps,        \
                       neg_step_size};                                                             \
        for_each_chunk(sizes, n, &a, adam_range_##sfx);                                            \
    }

ADAM(float, f32, sqrtf)
ADAM(double, f64, sqrt)

typedef struct {
    void **p, **g, **buf;
    int maximize, nesterov, fresh;
    double wd, momentum, w, neg_lr;
} sgd_args;

#define SGD(T, sfx)                                                                                \
    static FX_CLONES void sgd_loop_##sfx(T *restrict p, const T *restrict g, T *restrict buf,      \
                                         int64_t n, int maximize, int decay, int nesterov,         \
                                         int fresh, T wd, T momentum, T w, T neg_lr) {             \
        for (int64_t i = 0; i < n; i++) {                                                          \
            T gi = maximize ? -g[i] : g[i];                                                        \
            if (decay) gi = gi + p[i] * wd;                                                        \
            if (buf) {                                                                             \
                T b = fresh ? gi : buf[i] * momentum + gi * w;                                     \
                buf[i] = b;                                                                        \
                gi = nesterov ? gi + b * momentum : b;                                             \
            }                                                                                      \
            p[i] = p[i] + gi * neg_lr;                                                             \
        }                                                                                          \
    }                                                                                              \
    static void sgd_range_##sfx(const void *ctx, int64_t t, int64_t lo, int64_t hi) {              \
        const sgd_args *a = ctx;                                                                   \
        sgd_loop_##sfx((T *)a->p[t] + lo, (const T *)a->g[t] + lo,                                 \
                       a->buf ? (T *)a->buf[t] + lo : NULL, hi - lo, a->maximize, a->wd != 0.0,    \
                       a->nesterov, a->fresh, (T)a->wd, (T)a->momentum, (T)a->w, (T)a->neg_lr);    \
    }                                                                                              \
    void fx_sgd_##sfx(T **params, T **grads, T **momentum_bufs, const int64_t *sizes, int64_t n,   \
                      int maximize, double weight_decay, double momentum,                          \
                      double one_minus_dampening, int nesterov, int fresh, double neg_lr) {        \
        sgd_args a = {(void **)params, (void **)grads, (void **)momentum_bufs, maximize, nesterov, \
                      fresh, weight_decay, momentum, one_minus_dampening, neg_lr};                 \
        for_each_chunk(sizes, n, &a, sgd_range_##sfx);                                             \
    }

SGD(float, f32)
SGD(double, f64)
