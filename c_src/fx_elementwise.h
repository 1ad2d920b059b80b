/* elementwise kernels (see fx_kernels.h). */
#ifndef FX_ELEMENTWISE_H
#define FX_ELEMENTWISE_H
#include <stdint.h>

#endif
