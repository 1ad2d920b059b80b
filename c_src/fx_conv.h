/* Convolution kernels (see fx_kernels.h): 2-d, float32, NCHW contiguous arrays. Padding is explicit
 * per side (top, bottom, left, right); the output is (n, c_out, oh, ow) with
 * oh = (h + pt + pb - dh (kh - 1) - 1) / sh + 1 (ow likewise).
 * Both return 0, or -1 when scratch memory could not be allocated. */
#ifndef FX_CONV_H
#define FX_CONV_H
#include <stdint.h>

/* y = conv(x, w) + bias (bias may be NULL). w is (c_out, c_in / groups, kh, kw), or with
 * `transposed` (stride 1 only) (c_in, c_out / groups, kh, kw) used flipped: y is then
 * conv_transpose(x, w) with padding dh (kh - 1) - pt etc., the input gradient of a conv. */
int fx_conv2d_f32(const float *x, const float *w, const float *bias, float *y, int64_t n,
                  int64_t c_in, int64_t h, int64_t wd, int64_t c_out, int64_t kh, int64_t kw,
                  int64_t pt, int64_t pb, int64_t pl, int64_t pr, int64_t sh, int64_t sw,
                  int64_t dh, int64_t dw, int64_t groups, int transposed);

/* gw = the gradient of sum(gy * conv(x, w)) with respect to w, (c_out, c_in / groups, kh, kw). */
int fx_conv2d_grad_weight_f32(const float *x, const float *gy, float *gw, int64_t n, int64_t c_in,
                              int64_t h, int64_t wd, int64_t c_out, int64_t kh, int64_t kw,
                              int64_t pt, int64_t pb, int64_t pl, int64_t pr, int64_t sh,
                              int64_t sw, int64_t dh, int64_t dw, int64_t groups);

#endif
