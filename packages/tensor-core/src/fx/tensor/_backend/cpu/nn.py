"""CPU kernels of softmax / log_softmax and their backward primitives: the fused C kernels for
float32/float64 (a strided input is copied first: cheaper than NumPy's five passes), NumPy
otherwise; float16/bfloat16 compute in float32. The dropout mask: drawn and scaled in one C pass
(float32/float64), NumPy over the same uniform draws otherwise."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import _c
from ._util import LOW_PRECISION, f32, opmath, register
from .random import uniform

_C_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _forward(x, dim, log):
    if x.ndim == 0:  # one element along the (only) dim
        return _forward(x.reshape(1), 0, log).reshape(())
    if x.dtype in _C_FLOATS:
        out = _c.softmax(np.ascontiguousarray(x), dim, log)
        if out is not None:
            return out
    if x.size == 0:
        return np.empty_like(x)
    # A NaN or +inf max (or an all -inf slice) makes the slice NaN, as in PyTorch.
    shifted = x - np.max(x, axis=dim, keepdims=True)
    e = np.exp(shifted)
    s = np.sum(e, axis=dim, keepdims=True)
    return shifted - np.log(s) if log else e / s


def _backward(gy, y, dim, log):
    if y.ndim == 0:
        return _backward(gy.reshape(1), y.reshape(1), 0, log).reshape(())
    if y.dtype in _C_FLOATS and gy.dtype == y.dtype and gy.shape == y.shape:
        out = _c.softmax_backward(np.ascontiguousarray(gy), np.ascontiguousarray(y), dim, log)
        if out is not None:
            return out
    if log:
        return gy - np.exp(y) * np.sum(gy, axis=dim, keepdims=True)
    return y * (gy - np.sum(gy * y, axis=dim, keepdims=True))


@register("softmax")
@opmath
def softmax(x, dim):
    return _forward(x, dim, False)


@register("log_softmax")
@opmath
def log_softmax(x, dim):
    return _forward(x, dim, True)


@register("softmax_backward")
@opmath
def softmax_backward(gy, y, dim):
    return _backward(gy, y, dim, False)


@register("log_softmax_backward")
@opmath
def log_softmax_backward(gy, y, dim):
    return _backward(gy, y, dim, True)


# ---- dropout mask ---------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _dropout_scale(dt, p):
    """1 / (1 - p) as `mask.div_(1 - p)` computes it: the divisor rounded to dt, opmath division."""
    keep = np.asarray(1.0 - p, dt)
    if dt in LOW_PRECISION:
        return (np.float32(1) / keep.astype(f32)).astype(dt)
    return (dt.type(1) / keep)[()]


@register("dropout_mask_")
def dropout_mask_(out, p, seed, offset, scaled):
    dt = out.dtype
    scale = _dropout_scale(dt, p) if scaled else dt.type(1)
    if _c.AVAILABLE and dt in _C_FLOATS and out.flags.c_contiguous and out.flags.writeable and out.size:
        fn, ct = (_c.lib.fx_dropout_mask_f32, "float[]") if dt == f32 else (_c.lib.fx_dropout_mask_f64, "double[]")
        fn(seed, 0, offset, _c.ffi.from_buffer(ct, out), out.size, 1.0 - p, float(scale))
        return out
    kept = uniform(out.size, f32, seed, offset).reshape(out.shape) < np.float32(1.0 - p)
    np.copyto(out, np.where(kept, scale, dt.type(0)), casting="unsafe")
    return out
