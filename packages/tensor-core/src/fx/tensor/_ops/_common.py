"""Helpers shared by the op families: argument normalisation, promotion, `out=` and in-place."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._backend import xp_of
from .._dtype import FROM_NP, _PROMOTE, result_type_of, scalar_dtype
from .._tensor import Tensor, _wrap_dim, wrap

_Tensor = Tensor
_number = (int, float, bool, np.number, np.bool_)


def check_tensor(x, op, name="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")
    return x


def scalar_tensor(value, dtype, like):
    """A 0-d tensor holding a Python number, on `like`'s device (integers wrap like PyTorch's)."""
    try:
        arr = np.asarray(value, dtype=dtype.np)
    except OverflowError:
        try:
            arr = np.asarray(value, dtype=np.int64).astype(dtype.np)
        except OverflowError:
            raise RuntimeError(f"value cannot be converted to type {dtype} without overflow: {value}") from None
    if like._data.__class__ is np.ndarray:
        return wrap(arr)
    from .copying import to_device

    return to_device(wrap(arr), like.device)


def binary_operands(a, b, op):
    """(a, b, dtype): both operands as tensors of the promoted dtype (PyTorch's rules)."""
    a_is_t = isinstance(a, Tensor)
    b_is_t = isinstance(b, Tensor)
    if not a_is_t and not b_is_t:
        raise TypeError(f"{op}(): expected at least one Tensor argument, got {type(a).__name__} and {type(b).__name__}")
    dims = zeros = wrapped = None
    for x, is_t in ((a, a_is_t), (b, b_is_t)):
        if is_t:
            d = FROM_NP[x._data.dtype]
            if x._data.ndim:
                dims = d if dims is None else _PROMOTE[dims, d]
            else:
                zeros = d if zeros is None else _PROMOTE[zeros, d]
        else:
            if not isinstance(x, _number):
                raise TypeError(f"{op}(): expected Tensor or number, got {type(x).__name__}")
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else _PROMOTE[wrapped, d]
    dt = result_type_of(dims, zeros, wrapped)
    like = a if a_is_t else b
    a = cast(a, dt) if a_is_t else scalar_tensor(a, dt, like)
    b = cast(b, dt) if b_is_t else scalar_tensor(b, dt, like)
    return a, b, dt


def cast(t, dtype):
    if FROM_NP[t._data.dtype] is dtype:
        return t
    from .copying import P_cast

    return P_cast(t, dtype=dtype.np)


def to_float(t):
    """Integer/bool inputs of float-valued ops compute in the default float dtype (PyTorch)."""
    if t._data.dtype.kind in "biu":
        return cast(t, _dtype.get_default_dtype())
    return t


def finish(result, out=None, op="op"):
    """Apply `out=`: write `result` into `out` (resizing an out of another shape) and return out."""
    if out is None:
        return result
    check_tensor(out, op, "out")
    if not _dtype.can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"{op}: result type {_tname(result.dtype)} can't be cast to the desired output type {_tname(out.dtype)}")
    if out._data.shape != result._data.shape:
        out._data = xp_of(out._data).empty(result._data.shape, dtype=out._data.dtype)
    from .copying import P_copy_

    return P_copy_(out, result)


def inplace_source(self):
    """`self` as the input of an op whose result is written back into it (`x.op_()`).

    A non-leaf in an autograd graph is cloned first: the op may save its input for backward, and
    the write-back would otherwise change the saved value (a clone of one tensor, only on that path).
    """
    if self._rg and self.grad_fn is not None:
        return self.clone()
    return self


def inplace(self, result, op):
    """Write an op's result into `self` (the `x.op_()` variants): same shape, castable dtype."""
    if not _dtype.can_cast(result.dtype, self.dtype):
        raise RuntimeError(f"{op}: result type {_tname(result.dtype)} can't be cast to the desired output type {_tname(self.dtype)}")
    if result._data.shape != self._data.shape:
        raise RuntimeError(
            f"{op}: output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(result._data.shape)}"
        )
    from .copying import P_copy_

    return P_copy_(self, result)


def _tname(d):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
            "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}[d.name]


def norm_dims(dim, ndim, op):
    """A dim argument (None, int or sequence) as a sorted tuple of non-negative dims, or None."""
    if dim is None:
        return None
    if isinstance(dim, (int, np.integer)):
        return (_wrap_dim(int(dim), ndim, op),)
    dims = tuple(_wrap_dim(int(d), ndim, op) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"{op}: dim {dims} appears multiple times in the list of dims")
    return tuple(sorted(dims))


def parse_shape(args, op):
    """Shape from `*size` varargs or a single sequence: zeros(2, 3) == zeros((2, 3))."""
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
        args = args[0]
        if isinstance(args, Tensor):
            args = args.tolist()
    try:
        shape = tuple(int(s) for s in args)
    except TypeError:
        raise TypeError(f"{op}(): size must be a tuple of ints, but got {args!r}") from None
    for s in shape:
        if s < 0:
            raise RuntimeError(f"{op}: Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape
