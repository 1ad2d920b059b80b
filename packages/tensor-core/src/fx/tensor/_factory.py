"""Tensor factories: tensor, as_tensor, from_numpy, zeros/ones/empty/full, ranges, eye, *_like."""

from __future__ import annotations

import math
import os

import numpy as np

from . import _dtype, _memory_format
from ._backend import module_for
from ._device import CPU, device as _device
from ._ops._common import parse_shape
from ._tensor import Tensor, tensor_method, wrap

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "empty", "full", "zeros_like",
    "ones_like", "empty_like", "full_like", "arange", "range", "linspace", "logspace", "eye",
    "scalar_tensor", "empty_strided",
]

try:
    _PHYS_BYTES = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
except (ValueError, OSError, AttributeError):  # not every platform reports physical memory
    _PHYS_BYTES = 1 << 46


def check_alloc(shape, dtype, op):
    """Refuse a size that cannot be allocated before asking for it (never an OOM kill)."""
    n = math.prod(shape)
    nbytes = n * dtype.itemsize
    if nbytes > _PHYS_BYTES:
        raise RuntimeError(
            f"{op}: cannot allocate {nbytes} bytes for a tensor of shape {list(shape)} and dtype {dtype} "
            f"(more than this machine's {_PHYS_BYTES} bytes of memory)"
        )


def _finish(data, requires_grad):
    t = wrap(data)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _resolve(dtype, device, default=None):
    dt = _dtype.to_dtype(dtype) if dtype is not None else (default or _dtype.get_default_dtype())
    dev = CPU if device is None else _device(device)
    return dt, dev


def _alloc(fill, size, dtype, device, requires_grad, op, out=None):
    shape = parse_shape(size, op)
    dt, dev = _resolve(dtype, device, out.dtype if out is not None else None)
    check_alloc(shape, dt, op)
    xp = module_for(dev)
    if fill is None:
        data = xp.empty(shape, dt.np)
    elif fill == 0:
        data = xp.zeros(shape, dt.np)
    else:
        data = xp.full(shape, fill, dt.np)
    t = _finish(data, requires_grad)
    if out is not None:
        from ._ops._common import finish

        return finish(t, out, op)
    return t


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor of zeros. `zeros(2, 3)` and `zeros((2, 3))` are the same."""
    return _alloc(0, size, dtype, device, requires_grad, "zeros", out)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor of ones."""
    return _alloc(1, size, dtype, device, requires_grad, "ones", out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None):
    """An uninitialised tensor."""
    t = _alloc(None, size, dtype, device, requires_grad, "empty", out)
    return t if memory_format is None else _memory_format.set_layout(t, memory_format, "empty")


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor filled with `fill_value`; the dtype follows the value (bool, int64, default float)."""
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    shape = parse_shape((size,), "full")
    dt, dev = _resolve(dtype, device)
    check_alloc(shape, dt, "full")
    return _finish(module_for(dev).full(shape, fill_value, dt.np), requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False):
    shape = parse_shape((size,), "empty_strided")
    stride = tuple(stride)
    if len(stride) != len(shape):
        raise RuntimeError(f"empty_strided: mismatch in length of strides and shape ({len(stride)} vs {len(shape)})")
    if any(not isinstance(st, int) or isinstance(st, bool) or st < 0 for st in stride):
        raise RuntimeError(f"empty_strided: strides must be non-negative integers, got {list(stride)}")
    dt, dev = _resolve(dtype, device)
    # The storage spans the furthest element the strides reach, as PyTorch's does.
    span = 0 if 0 in shape else 1 + sum((n - 1) * st for n, st in zip(shape, stride))
    check_alloc((span,), dt, "empty_strided")
    xp = module_for(dev)
    storage = xp.empty(span, dt.np)
    data = xp.lib.stride_tricks.as_strided(storage, shape, tuple(st * dt.itemsize for st in stride))
    return _finish(data, requires_grad)


def _like(fill, input, dtype, device, requires_grad, op, memory_format=None):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(input).__name__}")
    dtype = input.dtype if dtype is None else dtype
    device = input.device if device is None else device
    t = _alloc(fill, (input._data.shape,), dtype, device, requires_grad, op)
    if memory_format is None and (input._data.ndim < 4 or input._data.flags.c_contiguous):
        return t
    return _memory_format.layout_like(t, input, memory_format, op)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like(0, input, dtype, device, requires_grad, "zeros_like", memory_format)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like(1, input, dtype, device, requires_grad, "ones_like", memory_format)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like(None, input, dtype, device, requires_grad, "empty_like", memory_format)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    if not isinstance(input, Tensor):
        raise TypeError(f"full_like(): argument 'input' must be Tensor, not {type(input).__name__}")
    t = full(input._data.shape, fill_value, dtype=dtype or input.dtype, device=device or input.device,
             requires_grad=requires_grad)
    return t if memory_format is None and input._data.ndim < 4 else _memory_format.layout_like(
        t, input, memory_format, "full_like")


def _infer_array(data, op):
    """A NumPy array from nested Python data, with PyTorch's dtype inference."""
    if isinstance(data, Tensor):
        return data._data if data.is_cpu else data.cpu()._data, True
    if isinstance(data, np.ndarray):
        return data, True
    if isinstance(data, np.generic):
        return np.asarray(data), True
    if isinstance(data, (str, bytes)):
        raise TypeError(f"{op}(): new(): invalid data type '{type(data).__name__}'")
    if hasattr(data, "__cuda_array_interface__") or (hasattr(data, "__dlpack__") and not isinstance(data, (list, tuple))):
        from ._interop import from_dlpack

        return from_dlpack(data)._data, True
    try:
        arr = np.array(data)
    except ValueError as e:
        raise ValueError(f"{op}(): expected a rectangular sequence of numbers (got ragged nesting): {e}") from None
    if arr.dtype.kind in "OUS" or arr.dtype.kind == "c":
        raise TypeError(f"{op}(): could not infer a numeric dtype from data of type {type(data).__name__}")
    return arr, False


def _python_dtype(arr):
    kind = arr.dtype.kind
    if kind == "b":
        return _dtype.bool
    if kind in "iu":
        return _dtype.int64
    return _dtype.get_default_dtype()


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of `data` (nested sequences, NumPy arrays, numbers, tensors).

    Example:
        >>> tensor([[1, 2], [3, 4]]).dtype
        fx.tensor.int64
    """
    arr, typed = _infer_array(data, "tensor")
    if dtype is not None:
        dt = _dtype.to_dtype(dtype)
    elif typed:
        dt = _dtype.from_numpy_dtype(arr.dtype)
    else:
        dt = _python_dtype(arr)
    arr = np.array(arr, dtype=dt.np, copy=True, order="C")
    dev = CPU if device is None else _device(device)
    t = wrap(arr)
    if dev != CPU:
        t = t.to(dev)
    return _finish(t._data, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like `tensor`, but shares memory with a tensor or CPU NumPy array when no conversion is needed."""
    if isinstance(data, Tensor):
        out = data
        if dtype is not None or device is not None:
            out = data.to(device=device, dtype=dtype)
        return out
    if isinstance(data, np.ndarray) and (device is None or _device(device) == CPU):
        dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.from_numpy_dtype(data.dtype)
        return wrap(data if dt.np == data.dtype else data.astype(dt.np))
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor sharing memory with a NumPy array (no copy)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    if any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative strides "
            "are not currently supported. (You can probably work around this by making a copy of your "
            "array with array.copy().)"
        )
    return wrap(ndarray)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    dt, dev = _resolve(dtype, device)
    return _finish(module_for(dev).asarray(s, dtype=dt.np), requires_grad)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Values from `start` to `end` (exclusive) by `step`; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    start, end, step = _num(start), _num(end), _num(step)
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: upper bound and larger bound inconsistent with step sign (start={start}, end={end}, step={step})")
    for v in (start, end, step):
        if isinstance(v, float) and not math.isfinite(v):
            raise RuntimeError(f"arange: unsupported range: {start} -> {end}")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if is_float else _dtype.int64
    dt, dev = _resolve(dtype, device)
    n = max(0, math.ceil((end - start) / step))
    check_alloc((n,), dt, "arange")
    # Computed in float64/int64 then cast, like PyTorch's accumulate-type arange.
    data = np.arange(n, dtype=np.float64 if dt.is_floating_point else np.int64) * step + start
    t = _finish(data.astype(dt.np), requires_grad).to(dev)
    if out is not None:
        from ._ops._common import finish

        return finish(t, out, "arange")
    return t


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Deprecated in PyTorch: like arange but includes `end`."""
    if end is None:
        start, end = 0, start
    dt = dtype or _dtype.get_default_dtype()
    n = int(math.floor((end - start) / step)) + 1
    return arange(0, n, dtype=_dtype.float64, device=device).mul(step).add(start).to(dt).requires_grad_(requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """`steps` evenly spaced values from start to end inclusive."""
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("linspace: number of steps must be non-negative")
    dt, dev = _resolve(dtype, device)
    data = np.linspace(_num(start), _num(end), steps, dtype=np.float64)
    if not dt.is_floating_point:
        data = np.trunc(data)
    return _finish(data.astype(dt.np), requires_grad).to(dev)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """`base ** linspace(start, end, steps)`."""
    if steps < 0:
        raise RuntimeError("logspace: number of steps must be non-negative")
    dt, dev = _resolve(dtype, device)
    data = np.power(float(base), np.linspace(_num(start), _num(end), steps, dtype=np.float64))
    return _finish(data.astype(dt.np), requires_grad).to(dev)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """An n x m identity matrix."""
    m = n if m is None else m
    if n < 0 or m < 0:
        raise RuntimeError(f"eye: n and m must be non-negative, got n={n}, m={m}")
    dt, dev = _resolve(dtype, device)
    check_alloc((n, m), dt, "eye")
    return _finish(module_for(dev).eye(n, m, dtype=dt.np), requires_grad)


def _new_factory(fn):
    def method(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        return fn(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    return method


tensor_method("new_zeros")(_new_factory(zeros))
tensor_method("new_ones")(_new_factory(ones))
tensor_method("new_empty")(_new_factory(empty))


@tensor_method()
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


@tensor_method()
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)
