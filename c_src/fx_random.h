/* random kernels (see fx_kernels.h). */
#ifndef FX_RANDOM_H
#define FX_RANDOM_H
#include <stdint.h>

#endif
