"""CPU kernels of the product primitives: matmul (OpenBLAS on fx's threads, see _blas.py) and einsum.

The frontend has already checked shapes and dtypes: both operands share one dtype, which is not
bool. float16/bfloat16 compute in float32 and round once (PyTorch's opmath).
"""

from __future__ import annotations

import numpy as np

from . import _blas
from ._util import LOW_PRECISION, f32, register

_matmul = np.matmul
_blas_matmul = _blas.matmul
_einsum = np.einsum
# Below this product of operand sizes, einsum's path search (~10 us) costs more than it saves.
_OPTIMIZE_MIN_SIZE = 1 << 20


@register("matmul")
def matmul(a, b):
    """np.matmul's result: PyTorch's matmul rules (1-d promotion, batch broadcasting) are NumPy's."""
    dt = a.dtype
    if dt in LOW_PRECISION:
        return np.asarray(matmul(a.astype(f32), b.astype(f32))).astype(dt)
    out = _blas_matmul(a, b)
    return _matmul(a, b) if out is None else out


@register("einsum")
def einsum(*arrays, equation):
    """np.einsum on an explicit, ellipsis-free equation ("ij,jk->ik"); size-1 dims broadcast."""
    dt = arrays[0].dtype
    if dt in LOW_PRECISION:
        arrays = [a.astype(f32) for a in arrays]
    out = np.asarray(_einsum(equation, *arrays, optimize=_optimize(arrays)))
    if out.dtype != dt:
        return out.astype(dt)
    if len(arrays) == 1 and np.may_share_memory(out, arrays[0]):
        return out.copy()  # np.einsum returns views for pure transposes/diagonals; a primitive must not
    return out


def _optimize(arrays):
    # One operand never gains from a path; two gain (BLAS through tensordot) only when large.
    if len(arrays) > 2:
        return True
    if len(arrays) == 1:
        return False
    a, b = arrays
    return a.size * b.size > _OPTIMIZE_MIN_SIZE and a.dtype.kind == "f"
