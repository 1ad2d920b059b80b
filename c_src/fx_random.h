/* random kernels (see fx_kernels.h): counter-based Philox4x32-10 (Salmon et al., SC'11).
 *
 * One stream is keyed by a 64-bit seed (key words = low, high 32 bits). Block j of the stream is
 * the 128-bit counter (low 64 bits = offset + j, high 64 bits = subseq), giving 4 uint32 words; the
 * stream's words are the blocks' words in order. Element i of a sampler reads words
 * [i*w, i*w + w) (w = 1 for 32-bit draws, 2 for 64-bit draws), so a value depends only on
 * (seed, subseq, offset, i): results are identical for any thread count.
 */
#ifndef FX_RANDOM_H
#define FX_RANDOM_H
#include <stdint.h>

/* One Philox4x32-10 block: out = philox(ctr[0..3], key[0..1]). */
void fx_philox4x32_10(const uint32_t *ctr, const uint32_t *key, uint32_t *out);
/* The first n words of the stream at (seed, subseq, offset). */
void fx_philox_u32(uint64_t seed, uint64_t subseq, uint64_t offset, uint32_t *out, int64_t n);
/* low + u * scale, u uniform in [0, 1) from 24 bits of one word (float) or 53 bits of two words. */
void fx_uniform_f32(uint64_t seed, uint64_t subseq, uint64_t offset, float *out, int64_t n, float low, float scale);
void fx_uniform_f64(uint64_t seed, uint64_t subseq, uint64_t offset, double *out, int64_t n, double low, double scale);
/* z * std + mean, z standard normal by Box-Muller on element pairs (u1 = u + 2^-24 or u + 2^-53
 * in (0, 1], so its log is finite; u2 = the next u), in the output's precision. */
void fx_normal_f32(uint64_t seed, uint64_t subseq, uint64_t offset, float *out, int64_t n, float mean, float std);
void fx_normal_f64(uint64_t seed, uint64_t subseq, uint64_t offset, double *out, int64_t n, double mean, double std);
/* low + (r mod range), r one word when 0 < range <= 2^32, else a 64-bit value from two words
 * (range 0 stands for 2^64: every int64). */
void fx_randint_i64(uint64_t seed, uint64_t subseq, uint64_t offset, int64_t *out, int64_t n, int64_t low, uint64_t range);
/* Dropout mask: mask[i] = scale if u24(word i) < keep else 0 (u24 as in fx_uniform_f32: element i
 * of a bernoulli(keep) draw). */
void fx_dropout_mask_f32(uint64_t seed, uint64_t subseq, uint64_t offset, float *mask, int64_t n, float keep,
                         float scale);
void fx_dropout_mask_f64(uint64_t seed, uint64_t subseq, uint64_t offset, double *mask, int64_t n, float keep,
                         double scale);

#endif
