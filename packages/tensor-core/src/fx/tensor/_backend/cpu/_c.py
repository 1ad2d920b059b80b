"""NumPy-level bindings of the C kernels (fx.tensor._C, built from c_src/cpu).

Every wrapper returns None when the C library cannot take its input (dtype, layout, library not
built), so a kernel can write `out = _c.unary_f("exp", x); if out is None: <NumPy code>`.

OpenMP keeps its default wait policy (spin briefly, then sleep): OMP_WAIT_POLICY=passive costs
~30 us per parallel op on 2 cores, and the C kernels already fall back to one thread while
another process holds a core (see c_src/cpu/fx_cpu.h).
"""

from __future__ import annotations

import contextlib
import math
import os
import pathlib
import warnings

import numpy as np

try:
    from ... import _C
except ImportError as e:  # not built (e.g. a source checkout before hatch_build.py ran)
    _C = None
    warnings.warn(
        f"fx.tensor: the C kernels could not be loaded ({e}); using slower NumPy code "
        "(build them with: python packages/tensor-core/hatch_build.py)",
        UserWarning,  # _util silences RuntimeWarnings raised from the kernel modules
        stacklevel=1,
    )

AVAILABLE = _C is not None
ffi = _C.ffi if AVAILABLE else None
lib = _C.lib if AVAILABLE else None

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_CTYPE = {_F32: "float[]", _F64: "double[]"}
_SUFFIX = {_F32: "f32", _F64: "f64"}

UNARY = ("exp", "log", "tanh", "sigmoid", "silu", "gelu", "gelu_tanh", "erf", "erfc", "relu")
BINARY = ("add", "sub", "mul", "div")


def _table(names, prefix="fx_{}_{}"):
    """{(name, dtype): (C function, cffi buffer type)}."""
    if not AVAILABLE:
        return {}
    return {(n, dt): (getattr(lib, prefix.format(n, sfx)), _CTYPE[dt]) for n in names for dt, sfx in _SUFFIX.items()}


_unary = _table(UNARY)
_binary = _table(BINARY)
_softmax = _table(("softmax", "log_softmax", "softmax_backward", "log_softmax_backward"))
_reduce = _table(("sum", "amax", "amin"), "fx_{}_lastdim_{}")
_argreduce = _table(("max", "min"), "fx_{}_lastdim_{}")
_sum_all = _table(("sum_all",), "fx_{}_{}")
_buf = ffi.from_buffer if AVAILABLE else None  # outputs are fresh arrays: no writability check


def unary_f(name, x, copy=False):
    """name(x) elementwise by the C kernel, keeping x's layout; None unless x is float32/float64
    and dense (C or Fortran order). `copy=True` makes a strided x contiguous first."""
    k = _unary.get((name, x.dtype))
    if k is None:
        return None
    flipped = False
    if not x.flags.c_contiguous:
        if x.flags.f_contiguous:  # e.g. a transpose: the same memory read in reverse dim order
            x, flipped = x.T, True
        elif copy:
            x = np.ascontiguousarray(x)
        else:
            return None
    y = np.empty_like(x)
    if x.size:
        k[0](_buf(k[1], x), _buf(k[1], y), x.size)
    return y.T if flipped else y


def binary_f(name, a, b):
    """a <name> b elementwise for two C-contiguous arrays of one float dtype and shape, else None."""
    k = _binary.get((name, a.dtype))
    if k is None or b.dtype != a.dtype or b.shape != a.shape:
        return None
    if not (a.flags.c_contiguous and b.flags.c_contiguous):
        return None
    y = np.empty_like(a)
    if a.size:
        k[0](_buf(k[1], a), _buf(k[1], b), _buf(k[1], y), a.size)
    return y


def _split(shape, dim):
    return math.prod(shape[:dim]), shape[dim], math.prod(shape[dim + 1:])


def softmax(x, dim, log=False):
    """softmax (log_softmax) of a C-contiguous float32/float64 array over `dim` (>= 0), or None."""
    k = _softmax.get(("log_softmax" if log else "softmax", x.dtype))
    if k is None or not x.flags.c_contiguous:
        return None
    y = np.empty_like(x)
    if x.size:
        k[0](_buf(k[1], x), _buf(k[1], y), *_split(x.shape, dim))
    return y


def softmax_backward(gy, y, dim, log=False):
    """Gradient of softmax (log_softmax) from the output y and its gradient gy, or None."""
    k = _softmax.get(("log_softmax_backward" if log else "softmax_backward", y.dtype))
    if k is None or gy.dtype != y.dtype or gy.shape != y.shape:
        return None
    if not (gy.flags.c_contiguous and y.flags.c_contiguous):
        return None
    gx = np.empty_like(y)
    if y.size:
        k[0](_buf(k[1], gy), _buf(k[1], y), _buf(k[1], gx), *_split(y.shape, dim))
    return gx


def _lastdim(name, x):
    k = _reduce.get((name, x.dtype))
    if k is None or not x.ndim or not x.flags.c_contiguous:
        return None
    cols = x.shape[-1]
    if cols == 0:
        return np.zeros(x.shape[:-1], x.dtype) if name == "sum" else None
    y = np.empty(x.shape[:-1], x.dtype)
    if y.size:
        k[0](_buf(k[1], x), _buf(k[1], y), y.size, cols)
    return y


def sum_lastdim(x):
    """x.sum(-1) for a C-contiguous float32/float64 array (accumulated in double), or None."""
    return _lastdim("sum", x)


def amax_lastdim(x):
    """x.max(-1) with NaN propagation, or None (also for an empty last dim)."""
    return _lastdim("amax", x)


def amin_lastdim(x):
    """x.min(-1) with NaN propagation, or None (also for an empty last dim)."""
    return _lastdim("amin", x)


def _arg_lastdim(name, x):
    k = _argreduce.get((name, x.dtype))
    if k is None or not x.ndim or not x.flags.c_contiguous or x.shape[-1] == 0:
        return None
    y = np.empty(x.shape[:-1], x.dtype)
    idx = np.empty(x.shape[:-1], np.int64)
    if y.size:
        k[0](_buf(k[1], x), _buf(k[1], y), _buf("int64_t[]", idx), y.size, x.shape[-1])
    return y, idx


def max_lastdim(x):
    """(values, int64 indices) of the max over the last dim (first occurrence; NaN wins), or None."""
    return _arg_lastdim("max", x)


def min_lastdim(x):
    """(values, int64 indices) of the min over the last dim (first occurrence; NaN wins), or None."""
    return _arg_lastdim("min", x)


def sum_all(x):
    """Sum of every element of a C-contiguous float32/float64 array as a Python float (accumulated
    in double; the same result for any thread count), or None."""
    k = _sum_all.get(("sum_all", x.dtype))
    if k is None or not x.flags.c_contiguous:
        return None
    return k[0](_buf(k[1], x), x.size) if x.size else 0.0


def num_threads():
    """Threads the C kernels use (1 without the library)."""
    return lib.fx_num_threads() if AVAILABLE else 1


def set_num_threads(n):
    if AVAILABLE:
        lib.fx_set_num_threads(int(n))


def newer_source(c_src, built):
    """The first .c/.h file under c_src (and c_src/cpu) modified after time `built`, or None."""
    for sub in (c_src, c_src / "cpu"):
        if sub.is_dir():
            for entry in os.scandir(sub):
                if entry.name.endswith((".c", ".h")) and entry.stat().st_mtime > built:
                    return entry.path
    return None


def _check_stale():
    """Warn once when the c_src of an editable checkout is newer than the built library."""
    so = pathlib.Path(_C.__file__)
    parents = pathlib.Path(__file__).resolve().parents
    for root in (parents[5] / "c_src", parents[min(7, len(parents) - 1)] / "c_src"):
        if (root / "fx_kernels.h").is_file():
            path = newer_source(root, so.stat().st_mtime)
            if path is not None:
                warnings.warn(
                    f"fx.tensor: {path} is newer than the C library {so.name}; "
                    "rebuild with python packages/tensor-core/hatch_build.py",
                    UserWarning,
                    stacklevel=1,
                )
            return


if AVAILABLE:
    with contextlib.suppress(OSError):
        _check_stale()
