/* nn kernels (see fx_kernels.h). */
#ifndef FX_NN_H
#define FX_NN_H
#include <stdint.h>

#endif
