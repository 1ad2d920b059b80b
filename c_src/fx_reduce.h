/* reduce kernels (see fx_kernels.h): reductions over the last dim of a contiguous (rows, cols)
 * array into y[rows], and full sums. Sums accumulate in double-backed blocks (more accurate than
 * NumPy's pairwise sum); max/min propagate NaN and need cols >= 1; indices are the first hit. */
#ifndef FX_REDUCE_H
#define FX_REDUCE_H
#include <stdint.h>

void fx_sum_lastdim_f32(const float *x, float *y, int64_t rows, int64_t cols);
void fx_sum_lastdim_f64(const double *x, double *y, int64_t rows, int64_t cols);
void fx_amax_lastdim_f32(const float *x, float *y, int64_t rows, int64_t cols);
void fx_amax_lastdim_f64(const double *x, double *y, int64_t rows, int64_t cols);
void fx_amin_lastdim_f32(const float *x, float *y, int64_t rows, int64_t cols);
void fx_amin_lastdim_f64(const double *x, double *y, int64_t rows, int64_t cols);
void fx_max_lastdim_f32(const float *x, float *y, int64_t *idx, int64_t rows, int64_t cols);
void fx_max_lastdim_f64(const double *x, double *y, int64_t *idx, int64_t rows, int64_t cols);
void fx_min_lastdim_f32(const float *x, float *y, int64_t *idx, int64_t rows, int64_t cols);
void fx_min_lastdim_f64(const double *x, double *y, int64_t *idx, int64_t rows, int64_t cols);

/* Sum of all n elements, in double; the same result for any thread count. */
double fx_sum_all_f32(const float *x, int64_t n);
double fx_sum_all_f64(const double *x, int64_t n);

#endif
