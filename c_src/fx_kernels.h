/* fx kernel library: the C API shared by the CPU (c_src/cpu) and CUDA (c_src/cuda) kernels.
 *
 * The cffi cdefs are generated from this file and the local headers it includes: each op family
 * declares its kernels in its own header. Only plain C declarations may appear in those headers
 * (no macros in declarations); preprocessor lines are stripped when generating the cdefs.
 */
#ifndef FX_KERNELS_H
#define FX_KERNELS_H
#include <stdint.h>

#include "fx_build.h"
#include "fx_elementwise.h"
#include "fx_nn.h"
#include "fx_nnops.h"
#include "fx_reduce.h"
#include "fx_random.h"
#include "fx_optim.h"
#include "fx_conv.h"
#include "fx_attention.h"
#include "fx_matmul.h"

#endif
