/* Fused optimizer steps (see fx_kernels.h): one call updates every tensor of a parameter group.
 *
 * Tensor i of the n tensors is sizes[i] contiguous elements at params[i], grads[i] and at each of
 * its state buffers. Hyperparameters arrive as doubles, already combined the way fx.optim's pure
 * update functions combine them in Python, and are rounded once to the tensor's type. Every element
 * then goes through the pure function's operations in the same order and precision, each rounded
 * (no FMA contraction), so the fused and the pure step give bitwise equal results.
 */
#ifndef FX_OPTIM_H
#define FX_OPTIM_H
#include <stdint.h>

/* Adam / AdamW, per element (g = -grad when maximize, else grad):
 *   p = p * decay                     when decoupled (AdamW: decay = 1 - lr * weight_decay)
 *   g = g + p * weight_decay          when weight_decay != 0 (pass 0 for AdamW)
 *   m = m + one_minus_beta1 * (g - m)
 *   v = v * beta2 + (g * g) * one_minus_beta2
 *   vmax = max(vmax, v)               when max_exp_avg_sqs is not NULL (amsgrad; NaN propagates)
 *   p = p + (m / (sqrt(v or vmax) / bias_correction2_sqrt + eps)) * neg_step_size */
void fx_adam_f32(float **params, float **grads, float **exp_avgs, float **exp_avg_sqs,
                 float **max_exp_avg_sqs, const int64_t *sizes, int64_t n, int maximize,
                 int decoupled, double decay, double weight_decay, double one_minus_beta1,
                 double beta2, double one_minus_beta2, double bias_correction2_sqrt, double eps,
                 double neg_step_size);
void fx_adam_f64(double **params, double **grads, double **exp_avgs, double **exp_avg_sqs,
                 double **max_exp_avg_sqs, const int64_t *sizes, int64_t n, int maximize,
                 int decoupled, double decay, double weight_decay, double one_minus_beta1,
                 double beta2, double one_minus_beta2, double bias_correction2_sqrt, double eps,
                 double neg_step_size);

/* SGD, per element (g = -grad when maximize, else grad):
 *   g = g + p * weight_decay          when weight_decay != 0
 *   b = g                             when fresh (the momentum buffer's first step), else
 *   b = b * momentum + g * one_minus_dampening
 *   g = g + b * momentum (nesterov), else g = b          (both only when momentum_bufs is not NULL)
 *   p = p + g * neg_lr */
void fx_sgd_f32(float **params, float **grads, float **momentum_bufs, const int64_t *sizes,
                int64_t n, int maximize, double weight_decay, double momentum,
                double one_minus_dampening, int nesterov, int fresh, double neg_lr);
void fx_sgd_f64(double **params, double **grads, double **momentum_bufs, const int64_t *sizes,
                int64_t n, int maximize, double weight_decay, double momentum,
                double one_minus_dampening, int nesterov, int fresh, double neg_lr);

#endif
