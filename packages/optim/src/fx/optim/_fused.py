"""The fused path of Adam/AdamW and SGD: one C call per parameter group (c_src/cpu/optim.c).

The only module of fx.optim that reaches into fx.tensor's private pieces (its C library, the
NumPy array inside a Tensor, the version counter). The kernels compute exactly what the pure
update functions compute; they take tensors only when all of a parameter's arrays are CPU
float32/float64 of one dtype and shape, C-contiguous and writeable.
"""

from __future__ import annotations

import numpy as np

from fx.tensor._tensor import bump_version

try:
    from fx.tensor import _C
except ImportError:  # a source checkout whose C library is not built
    _C = None

AVAILABLE = _C is not None and hasattr(_C.lib, "fx_adam_f32")
# The classes take the fused path while this is true; tests and benchmarks turn it off to run
# the pure update functions instead.
enabled = AVAILABLE

_CTYPE = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}
_SUFFIX = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}


def arrays(*tensors):
    """The tensors' arrays when the kernels can take them, else None."""
    if not enabled:
        return None
    first = tensors[0]._data
    if first.__class__ is not np.ndarray or first.dtype not in _CTYPE:
        return None
    out = []
    for t in tensors:
        a = t._data
        if (a.__class__ is not np.ndarray or a.dtype != first.dtype or a.shape != first.shape
                or not a.flags.c_contiguous or not a.flags.writeable):
            return None
        out.append(a)
    return out


def _pointers(column, ctype):
    ffi = _C.ffi
    return ffi.new(ctype + " *[]", [ffi.from_buffer(ctype + "[]", a) for a in column])


def _columns(batch):
    """batch: [(param, arrays)] of one dtype -> (params, ctype, suffix, pointer arrays..., sizes)."""
    params = [p for p, _ in batch]
    dtype = batch[0][1][0].dtype
    ctype = _CTYPE[dtype]
    cols = list(zip(*(arrs for _, arrs in batch)))
    ptrs = [_pointers(c, ctype) for c in cols]
    sizes = _C.ffi.new("int64_t[]", [a.size for a in cols[0]])
    return params, _SUFFIX[dtype], ptrs, sizes


def adam(batch, *, maximize, decoupled, decay, weight_decay, one_minus_beta1, beta2, one_minus_beta2,
         bias_correction2_sqrt, eps, neg_step_size):
    """Adam/AdamW step over batch = [(param, [p, grad, exp_avg, exp_avg_sq(, max_exp_avg_sq)])]."""
    params, sfx, ptrs, sizes = _columns(batch)
    vmax = ptrs[4] if len(ptrs) == 5 else _C.ffi.NULL
    getattr(_C.lib, "fx_adam_" + sfx)(
        ptrs[0], ptrs[1], ptrs[2], ptrs[3], vmax, sizes, len(params), int(maximize), int(decoupled),
        decay, weight_decay, one_minus_beta1, beta2, one_minus_beta2, bias_correction2_sqrt, eps,
        neg_step_size)
    for p in params:
        bump_version(p)


def sgd(batch, *, maximize, weight_decay, momentum, one_minus_dampening, nesterov, fresh, neg_lr):
    """SGD step over batch = [(param, [p, grad(, momentum_buffer)])]."""
    params, sfx, ptrs, sizes = _columns(batch)
    bufs = ptrs[2] if len(ptrs) == 3 else _C.ffi.NULL
    getattr(_C.lib, "fx_sgd_" + sfx)(
        ptrs[0], ptrs[1], bufs, sizes, len(params), int(maximize), weight_decay, momentum,
        one_minus_dampening, int(nesterov), int(fresh), neg_lr)
    for p in params:
        bump_version(p)
