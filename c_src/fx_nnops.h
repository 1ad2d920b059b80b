/* nn kernels (see fx_kernels.h): pooling, normalization, losses and embedding backward.
 *
 * Arrays are C-contiguous. Pooling works on `planes` (= batch * channels) planes of ih x iw
 * (1-d pooling is ih == 1); flat indices are positions inside a plane. Normalization statistics
 * (mean, rstd, var) are per normalized row (layer/rms/group norm) or per channel (batch norm), in the
 * input's precision, accumulated in double. A NULL weight/bias/gradient pointer means "absent" /
 * "not wanted".
 */
#ifndef FX_NNOPS_H
#define FX_NNOPS_H
#include <stdint.h>

/* ---- pooling -------------------------------------------------------------------------------- */
/* Window (kh, kw), stride (sh, sw), zero padding (ph, pw), dilation (dh, dw); y, idx: (planes, oh, ow).
 * The max takes the first largest element; a NaN wins (the last NaN of the window). */
void fx_max_pool2d_f32(const float *x, float *y, int64_t *idx, int64_t planes, int64_t ih, int64_t iw,
                       int64_t oh, int64_t ow, int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t ph,
                       int64_t pw, int64_t dh, int64_t dw);
void fx_max_pool2d_f64(const double *x, double *y, int64_t *idx, int64_t planes, int64_t ih, int64_t iw,
                       int64_t oh, int64_t ow, int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t ph,
                       int64_t pw, int64_t dh, int64_t dw);
/* gx (planes, isize) = 0, then gx[p, idx[p, o]] += gy[p, o]; indices outside [0, isize) are skipped. */
void fx_max_pool_backward_f32(const float *gy, const int64_t *idx, float *gx, int64_t planes, int64_t isize,
                              int64_t osize);
void fx_max_pool_backward_f64(const double *gy, const int64_t *idx, double *gx, int64_t planes, int64_t isize,
                              int64_t osize);
/* Average over the window clipped to the padded input; the divisor is `divisor` when > 0, else the
 * window size counting padding (count_include_pad) or not. The backward spreads gy the same way. */
void fx_avg_pool2d_f32(const float *x, float *y, int64_t planes, int64_t ih, int64_t iw, int64_t oh, int64_t ow,
                       int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw,
                       int count_include_pad, int64_t divisor);
void fx_avg_pool2d_f64(const double *x, double *y, int64_t planes, int64_t ih, int64_t iw, int64_t oh,
                       int64_t ow, int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw,
                       int count_include_pad, int64_t divisor);
void fx_avg_pool2d_backward_f32(const float *gy, float *gx, int64_t planes, int64_t ih, int64_t iw, int64_t oh,
                                int64_t ow, int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t ph,
                                int64_t pw, int count_include_pad, int64_t divisor);
void fx_avg_pool2d_backward_f64(const double *gy, double *gx, int64_t planes, int64_t ih, int64_t iw,
                                int64_t oh, int64_t ow, int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                                int64_t ph, int64_t pw, int count_include_pad, int64_t divisor);
/* Adaptive pooling: output cell o of n covers [floor(o * in / n), ceil((o + 1) * in / n)). */
void fx_adaptive_avg_pool2d_f32(const float *x, float *y, int64_t planes, int64_t ih, int64_t iw, int64_t oh,
                                int64_t ow);
void fx_adaptive_avg_pool2d_f64(const double *x, double *y, int64_t planes, int64_t ih, int64_t iw, int64_t oh,
                                int64_t ow);
void fx_adaptive_avg_pool2d_backward_f32(const float *gy, float *gx, int64_t planes, int64_t ih, int64_t iw,
                                         int64_t oh, int64_t ow);
void fx_adaptive_avg_pool2d_backward_f64(const double *gy, double *gx, int64_t planes, int64_t ih, int64_t iw,
                                         int64_t oh, int64_t ow);
void fx_adaptive_max_pool2d_f32(const float *x, float *y, int64_t *idx, int64_t planes, int64_t ih, int64_t iw,
                                int64_t oh, int64_t ow);
void fx_adaptive_max_pool2d_f64(const double *x, double *y, int64_t *idx, int64_t planes, int64_t ih,
                                int64_t iw, int64_t oh, int64_t ow);

/* ---- normalization -------------------------------------------------------------------------- */
/* Layer norm of each row of (rows, cols): y = (x - mean) * rstd * w + b, w/b of length cols.
 * rms != 0: no mean is subtracted (RMSNorm) and `mean` may be NULL. */
void fx_layer_norm_f32(const float *x, const float *w, const float *b, float *y, float *mean, float *rstd,
                       int64_t rows, int64_t cols, double eps, int rms);
void fx_layer_norm_f64(const double *x, const double *w, const double *b, double *y, double *mean,
                       double *rstd, int64_t rows, int64_t cols, double eps, int rms);
/* gx (rows, cols), gw and gb (cols) from gy; any output may be NULL. */
void fx_layer_norm_backward_f32(const float *gy, const float *x, const float *mean, const float *rstd,
                                const float *w, float *gx, float *gw, float *gb, int64_t rows, int64_t cols,
                                int rms);
void fx_layer_norm_backward_f64(const double *gy, const double *x, const double *mean, const double *rstd,
                                const double *w, double *gx, double *gw, double *gb, int64_t rows, int64_t cols,
                                int rms);
/* Group norm of x (n, c, s) in g groups of c / g channels; w/b per channel; mean/rstd (n, g). */
void fx_group_norm_f32(const float *x, const float *w, const float *b, float *y, float *mean, float *rstd,
                       int64_t n, int64_t c, int64_t s, int64_t g, double eps);
void fx_group_norm_f64(const double *x, const double *w, const double *b, double *y, double *mean,
                       double *rstd, int64_t n, int64_t c, int64_t s, int64_t g, double eps);
void fx_group_norm_backward_f32(const float *gy, const float *x, const float *mean, const float *rstd,
                                const float *w, float *gx, float *gw, float *gb, int64_t n, int64_t c, int64_t s,
                                int64_t g);
void fx_group_norm_backward_f64(const double *gy, const double *x, const double *mean, const double *rstd,
                                const double *w, double *gx, double *gw, double *gb, int64_t n, int64_t c,
                                int64_t s, int64_t g);
/* Batch norm (training) of x (n, c, s) with statistics per channel: mean, biased var (c). */
void fx_batch_norm_f32(const float *x, const float *w, const float *b, float *y, float *mean, float *var,
                       int64_t n, int64_t c, int64_t s, double eps);
void fx_batch_norm_f64(const double *x, const double *w, const double *b, double *y, double *mean, double *var,
                       int64_t n, int64_t c, int64_t s, double eps);
void fx_batch_norm_backward_f32(const float *gy, const float *x, const float *mean, const float *var,
                                const float *w, float *gx, float *gw, float *gb, int64_t n, int64_t c, int64_t s,
                                double eps);
void fx_batch_norm_backward_f64(const double *gy, const double *x, const double *mean, const double *var,
                                const double *w, double *gx, double *gw, double *gb, int64_t n, int64_t c,
                                int64_t s, double eps);

/* ---- losses --------------------------------------------------------------------------------- */
/* Cross entropy of logits x (n, c) with class indices t: per row lse = log sum exp x and
 * loss = (1 - ls) w[t] (lse - x[t]) + ls / c * sum_j w[j] (lse - x[j]) (w == NULL: all ones); rows
 * whose target is ignore_index get loss 0. Returns the first row with a target outside [0, c)
 * (other than ignore_index), or -1. */
int64_t fx_cross_entropy_f32(const float *x, const int64_t *t, const float *w, float *loss, float *lse,
                             int64_t n, int64_t c, int64_t ignore_index, double ls);
int64_t fx_cross_entropy_f64(const double *x, const int64_t *t, const double *w, double *loss, double *lse,
                             int64_t n, int64_t c, int64_t ignore_index, double ls);
/* gx = d loss_i / d x_i * scale[i] (scale: upstream gradient per row, already 0 for ignored rows). */
void fx_cross_entropy_backward_f32(const float *x, const int64_t *t, const float *w, const float *lse,
                                   const float *scale, float *gx, int64_t n, int64_t c, int64_t ignore_index,
                                   double ls);
void fx_cross_entropy_backward_f64(const double *x, const int64_t *t, const double *w, const double *lse,
                                   const double *scale, double *gx, int64_t n, int64_t c, int64_t ignore_index,
                                   double ls);

/* ---- embedding ------------------------------------------------------------------------------ */
/* gw (num, d) = 0, then gw[idx[i]] += g[i] for the n rows of g (n, d), skipping idx == padding_idx
 * (pass a negative padding_idx for none). Returns the first i with idx[i] outside [0, num), or -1. */
int64_t fx_embedding_backward_f32(const float *g, const int64_t *idx, float *gw, int64_t n, int64_t d,
                                  int64_t num, int64_t padding_idx);
int64_t fx_embedding_backward_f64(const double *g, const int64_t *idx, double *gw, int64_t n, int64_t d,
                                  int64_t num, int64_t padding_idx);

#endif
