"""Calling the nn C kernels (c_src/fx_nnops.h) from the CPU kernel functions.

The kernels take C-contiguous float32/float64 arrays: `floats` runs a kernel body with float16 and
bfloat16 inputs widened to float32 (and integer inputs, where a body allows them, to float64) and
narrows its float results back, so each body sees one of the two C types only.
"""

from __future__ import annotations

import numpy as np

from ._util import LOW_PRECISION, f32

try:
    from ... import _C
except ImportError:  # a source checkout without the built library
    _C = None

F32, F64, I64 = np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int64)
_CTYPE = {F32: "float[]", F64: "double[]", I64: "int64_t[]"}
_SUFFIX = {F32: "_f32", F64: "_f64"}


def lib():
    if _C is None:
        raise RuntimeError("the fx.tensor C library is not built: run `python packages/tensor-core/hatch_build.py`")
    return _C.lib


def fn(name, dtype):
    """The C kernel `name` for float32/float64 arrays."""
    return getattr(lib(), name + _SUFFIX[dtype])


def ptr(a):
    """A cffi pointer to a C-contiguous array (None: NULL)."""
    if a is None:
        return _C.ffi.NULL
    return _C.ffi.from_buffer(_CTYPE[a.dtype], a)


def contig(a, dtype=None):
    """`a` as a C-contiguous array (of `dtype` when given), copying only when needed."""
    if dtype is not None and a.dtype != dtype:
        return np.ascontiguousarray(a, dtype=dtype)
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def compute_dtype(dt, ints=False):
    """The C dtype a kernel computes `dt` in (None: not supported)."""
    if dt in (F32, F64):
        return dt
    if dt in LOW_PRECISION:
        return f32
    if ints and dt.kind in "iub":
        return F64
    return None


def floats(body, dt, *arrays, ints=False, keep=(), **params):
    """Run `body(*arrays, **params)` with the float arrays (those of dtype `dt`) in their compute
    dtype, made C-contiguous; float results are cast back to `dt`, except the outputs at positions
    `keep` (statistics saved for a backward pass stay in the compute dtype, as in PyTorch)."""
    cdt = compute_dtype(dt, ints)
    args = [None if a is None else contig(a, cdt if a.dtype == dt else None) for a in arrays]
    out = body(*args, **params)
    if cdt == dt:
        return out
    if isinstance(out, tuple):
        return tuple(o.astype(dt) if o is not None and o.dtype == cdt and i not in keep else o
                     for i, o in enumerate(out))
    return out.astype(dt)
