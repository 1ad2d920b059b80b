/* Library identity and the thread count used by every OpenMP kernel. */
#include "fx_kernels.h"
#ifdef _OPENMP
#include <omp.h>
#endif

int fx_abi_version(void) { return 1; }

int fx_num_threads(void) {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

void fx_set_num_threads(int n) {
#ifdef _OPENMP
    if (n > 0) omp_set_num_threads(n);
#else
    (void)n;
#endif
}
