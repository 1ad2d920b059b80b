/* Matrix products (see fx_kernels.h) on fx's own thread team, through the process's BLAS.
 *
 * fx links no BLAS: the caller passes the addresses of a cblas_sgemm / cblas_dgemm and of the
 * library's thread-count getter and setter (OpenBLAS's, as NumPy loaded them). The product is
 * split over fx's OpenMP threads, each running the BLAS on one thread, so a product never wakes
 * the BLAS's own thread pool, whose idle threads spin for ~0.1 s and starve fx's and PyTorch's
 * threads on a small machine.
 *
 * c[p] = op(a[p]) op(b[p]) for p < batch, row-major; op(x) is x, or its transpose when trans_x
 * (x then stored (cols, rows)). a[p] starts at a + p * a_stride (b likewise; a stride of 0 reuses
 * one matrix); c is a fresh contiguous (batch, m, n) array. ilp64: the gemm takes 64-bit ints.
 * Returns 0. */
#ifndef FX_MATMUL_H
#define FX_MATMUL_H
#include <stdint.h>

int fx_gemm_f32(void *gemm, int ilp64, void *get_threads, void *set_threads, const float *a,
                const float *b, float *c, int64_t batch, int64_t m, int64_t n, int64_t k,
                int64_t a_stride, int64_t lda, int trans_a, int64_t b_stride, int64_t ldb,
                int trans_b);
int fx_gemm_f64(void *gemm, int ilp64, void *get_threads, void *set_threads, const double *a,
                const double *b, double *c, int64_t batch, int64_t m, int64_t n, int64_t k,
                int64_t a_stride, int64_t lda, int trans_a, int64_t b_stride, int64_t ldb,
                int trans_b);

#endif
