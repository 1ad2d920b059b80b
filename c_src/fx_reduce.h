/* reduce kernels (see fx_kernels.h). */
#ifndef FX_REDUCE_H
#define FX_REDUCE_H
#include <stdint.h>

#endif
