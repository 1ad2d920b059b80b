/* nn kernels (see fx_kernels.h): softmax and log_softmax over the middle dim of a contiguous array
 * viewed as (outer, n, inner); inner == 1 is the last dim. y (gx) has the same layout. */
#ifndef FX_NN_H
#define FX_NN_H
#include <stdint.h>

void fx_softmax_f32(const float *x, float *y, int64_t outer, int64_t n, int64_t inner);
void fx_log_softmax_f32(const float *x, float *y, int64_t outer, int64_t n, int64_t inner);
void fx_softmax_f64(const double *x, double *y, int64_t outer, int64_t n, int64_t inner);
void fx_log_softmax_f64(const double *x, double *y, int64_t outer, int64_t n, int64_t inner);

/* gx = y (gy - sum(gy y)) and gx = gy - exp(y) sum(gy), y being the forward output. */
void fx_softmax_backward_f32(const float *gy, const float *y, float *gx, int64_t outer, int64_t n,
                             int64_t inner);
void fx_log_softmax_backward_f32(const float *gy, const float *y, float *gx, int64_t outer,
                                 int64_t n, int64_t inner);
void fx_softmax_backward_f64(const double *gy, const double *y, double *gx, int64_t outer,
                             int64_t n, int64_t inner);
void fx_log_softmax_backward_f64(const double *gy, const double *y, double *gx, int64_t outer,
                                 int64_t n, int64_t inner);

#endif
