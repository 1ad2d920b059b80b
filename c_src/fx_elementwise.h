/* elementwise kernels (see fx_kernels.h): y[i] = f(x[i]) over n contiguous elements.
 * y may equal x (in place). NaN/inf follow IEEE like PyTorch's kernels. */
#ifndef FX_ELEMENTWISE_H
#define FX_ELEMENTWISE_H
#include <stdint.h>

void fx_exp_f32(const float *x, float *y, int64_t n);
void fx_log_f32(const float *x, float *y, int64_t n);
void fx_tanh_f32(const float *x, float *y, int64_t n);
void fx_sigmoid_f32(const float *x, float *y, int64_t n);
void fx_silu_f32(const float *x, float *y, int64_t n);
void fx_gelu_f32(const float *x, float *y, int64_t n);
void fx_gelu_tanh_f32(const float *x, float *y, int64_t n);
void fx_erf_f32(const float *x, float *y, int64_t n);
void fx_erfc_f32(const float *x, float *y, int64_t n);
void fx_relu_f32(const float *x, float *y, int64_t n);

void fx_exp_f64(const double *x, double *y, int64_t n);
void fx_log_f64(const double *x, double *y, int64_t n);
void fx_tanh_f64(const double *x, double *y, int64_t n);
void fx_sigmoid_f64(const double *x, double *y, int64_t n);
void fx_silu_f64(const double *x, double *y, int64_t n);
void fx_gelu_f64(const double *x, double *y, int64_t n);
void fx_gelu_tanh_f64(const double *x, double *y, int64_t n);
void fx_erf_f64(const double *x, double *y, int64_t n);
void fx_erfc_f64(const double *x, double *y, int64_t n);
void fx_relu_f64(const double *x, double *y, int64_t n);

/* y[i] = a[i] op b[i], all three contiguous with n elements. */
void fx_add_f32(const float *a, const float *b, float *y, int64_t n);
void fx_sub_f32(const float *a, const float *b, float *y, int64_t n);
void fx_mul_f32(const float *a, const float *b, float *y, int64_t n);
void fx_div_f32(const float *a, const float *b, float *y, int64_t n);
void fx_add_f64(const double *a, const double *b, double *y, int64_t n);
void fx_sub_f64(const double *a, const double *b, double *y, int64_t n);
void fx_mul_f64(const double *a, const double *b, double *y, int64_t n);
void fx_div_f64(const double *a, const double *b, double *y, int64_t n);

/* y[i] = c[i] ? a[i * a_inc] : b[i * b_inc] (c holds bools as bytes; an inc of 0 repeats element 0). */
void fx_where_f32(const uint8_t *c, const float *a, int64_t a_inc, const float *b, int64_t b_inc, float *y,
                  int64_t n);
void fx_where_f64(const uint8_t *c, const double *a, int64_t a_inc, const double *b, int64_t b_inc,
                  double *y, int64_t n);

#endif
