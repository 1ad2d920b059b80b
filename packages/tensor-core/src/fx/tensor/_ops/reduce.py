"""Reductions: sum, mean, prod, max/min, arg{max,min}, var/std, logsumexp, norm, all/any.

Primitives (params in brackets; `dims` is a sorted tuple of dims or None = all dims) and the
gradient fx.autograd writes for each:
  sum[dims, keepdim, dtype]   result dtype = `dtype` or the input's; grad: g expanded back, cast
  mean[dims, keepdim]         float input; grad: g expanded back / N (N = number of reduced elements)
  prod[dims, keepdim, dtype]  grad: g * out / x (torch's prod_backward handles zeros)
  amax, amin[dims, keepdim]   grad: g * (x == out) / count(x == out): split evenly among ties
  max_dim, min_dim[dim, keepdim] -> (values, indices); grad: g scattered to `indices` along dim
  argmax, argmin[dim, keepdim] int64 indices; not differentiable
  var[dims, correction, keepdim] grad: g * 2 (x - mean) / (N - correction)
  std[dims, correction, keepdim] sqrt(var); grad: var's with g / (2 out), 0 where out == 0
  logsumexp[dims, keepdim]    grad: g * exp(x - out)
  vector_norm[ord, dims, keepdim] grad: ord 2: g * x / out (0 where out == 0); ord inf: like amax(|x|)
      (frontends: linalg_norms.vector_norm, and norm here)
  all, any[dims, keepdim]     bool; not differentiable
scan.py holds cumsum, cumprod, cummax, cummin, median. Everything else composes these:
std = sqrt(var), max/min without dim = amax/amin, nansum = sum(where(isnan, 0, x)), ...
float16/bfloat16 accumulate in float32 (kernels); `dim=()` means all dims, like PyTorch.
"""

from __future__ import annotations

import math
import operator
import warnings

import numpy as np

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor, _wrap_dim, tensor_method
from ._common import _tname, cast, check_tensor, finish, norm_dims, to_float

P_sum = define("sum")
P_mean = define("mean")
P_prod = define("prod")
P_amax = define("amax")
P_amin = define("amin")
P_max_dim = define("max_dim", nout=2)
P_min_dim = define("min_dim", nout=2)
P_argmax = define("argmax", differentiable=False)
P_argmin = define("argmin", differentiable=False)
P_var = define("var")
P_std = define("std")  # sqrt(var) as one primitive: its gradient is 0 where std is 0 (like torch)
P_logsumexp = define("logsumexp")
P_vector_norm = define("vector_norm")
P_all = define("all", differentiable=False)
P_any = define("any", differentiable=False)

__all__ = [
    "sum", "nansum", "mean", "nanmean", "prod", "max", "min", "amax", "amin", "aminmax", "argmax",
    "argmin", "var", "std", "var_mean", "std_mean", "logsumexp", "norm", "all", "any", "count_nonzero",
]

_I64 = np.dtype(np.int64)
_F32 = np.dtype(np.float32)
_LOWP = (_dtype.float16, _dtype.bfloat16)
_ints = (int, np.integer)


def _return_type(name, fields):
    """A tuple type with named fields built from one sequence, like torch.return_types.<name>."""
    fields = tuple(fields.split())

    def __new__(cls, seq):
        seq = tuple(seq)
        if len(seq) != len(fields):
            raise TypeError(f"{name}() takes a sequence of length {len(fields)}, got {len(seq)}")
        return tuple.__new__(cls, seq)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"fx.tensor.return_types.{name}(\n{body})"

    ns = {"__new__": __new__, "__repr__": __repr__, "__slots__": (), "_fields": fields,
          "__getnewargs__": lambda self: (tuple(self),)}
    for i, f in enumerate(fields):
        ns[f] = property(operator.itemgetter(i), doc=f"Field {i}: {f}.")
    cls = type(name, (tuple,), ns)
    cls.__module__ = "fx.tensor.return_types"
    return cls


max_ret = _return_type("max", "values indices")
min_ret = _return_type("min", "values indices")
aminmax_ret = _return_type("aminmax", "min max")


# ---- argument handling -----------------------------------------------------------------------
def reduce_dims(input, dim, op):
    """`dim` (None, int, or sequence; () means all) as a sorted tuple of dims, or None for all.

    0-d tensors accept dim 0 / -1 and reduce "all" of themselves.
    """
    nd = input._data.ndim
    if isinstance(dim, _ints):
        d = _wrap_dim(int(dim), nd, op)
        return (d,) if nd else None
    if isinstance(dim, (tuple, list)):
        for d in dim:
            if not isinstance(d, _ints):
                raise TypeError(f"{op}(): argument 'dim' must be tuple of ints, but found element of type "
                                f"{type(d).__name__}")
        dims = norm_dims(dim, nd, op)
        return dims if dims and nd else None
    raise TypeError(f"{op}(): argument 'dim' must be int or tuple of ints, not {type(dim).__name__}")


def one_dim(input, dim, op):
    """A single int `dim`, normalised; None for 0-d tensors (which reduce to themselves)."""
    if not isinstance(dim, _ints):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    d = _wrap_dim(int(dim), input._data.ndim, op)
    return d if input._data.ndim else None


def check_nonempty(input, dims, op, no_dim_exc=RuntimeError, hint=True):
    """Reductions without an identity (max, argmax, ...) refuse empty reduced dims, like PyTorch."""
    if input._data.size:
        return
    if dims is None:
        tail = " Specify the reduction dim with the 'dim' argument." if hint else ""
        raise no_dim_exc(f"{op}(): Expected reduction dim to be specified for input.numel() == 0.{tail}")
    for d in dims:
        if input._data.shape[d] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")


def _numel_of(input, dims):
    shape = input._data.shape
    return math.prod(shape) if dims is None else math.prod([shape[d] for d in dims])


def _float_dtype(dtype, op):
    dt = _dtype.to_dtype(dtype)
    if not dt.is_floating_point:
        raise RuntimeError(f"{op}(): could not infer output dtype. Optional dtype must be either a floating point "
                           f"or complex dtype. Got: {_tname(dt)}")
    return dt


# ---- sums and means --------------------------------------------------------------------------
@tensor_method()
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum over `dim` (int, tuple, or None for all); integer and bool inputs give int64.

    >>> fx.tensor.tensor([[1, 2], [3, 4]]).sum(dim=1).tolist()
    [3, 7]
    """
    if input.__class__ is not Tensor:
        check_tensor(input, "sum")
    dims = None if dim is None else reduce_dims(input, dim, "sum")
    acc = None
    if dtype is not None:
        input = cast(input, _dtype.to_dtype(dtype))
    elif input._data.dtype.kind in "biu":
        acc = _I64
    r = P_sum(input, dims=dims, keepdim=bool(keepdim), dtype=acc)
    return r if out is None else finish(r, out, "sum")


@tensor_method()
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """sum treating NaN as zero."""
    check_tensor(input, "nansum")
    if input.dtype.is_floating_point:
        from .binary import where

        input = where(input.isnan(), 0.0, input)
    return sum(input, dim, keepdim, dtype=dtype, out=out)


@tensor_method()
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean over `dim`; floating point inputs only (or pass `dtype`)."""
    check_tensor(input, "mean")
    dims = None if dim is None else reduce_dims(input, dim, "mean")
    if dtype is not None:
        input = cast(input, _float_dtype(dtype, "mean"))
    elif not input.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {_tname(input.dtype)}"
        )
    r = P_mean(input, dims=dims, keepdim=bool(keepdim))
    return r if out is None else finish(r, out, "mean")


@tensor_method()
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """mean over the non-NaN elements (NaN where there are none)."""
    check_tensor(input, "nanmean")
    dims = None if dim is None else reduce_dims(input, dim, "nanmean")
    if dtype is not None:
        input = cast(input, _float_dtype(dtype, "nanmean"))
    elif not input.dtype.is_floating_point:
        raise RuntimeError(
            f"nanmean(): expected input to have floating point or complex dtype but got {_tname(input.dtype)}")
    from .binary import where

    nan = input.isnan()
    lowp = input.dtype in _LOWP
    s = P_sum(where(nan, 0.0, input), dims=dims, keepdim=bool(keepdim), dtype=_F32 if lowp else None)
    r = s / P_sum(nan.logical_not(), dims=dims, keepdim=bool(keepdim), dtype=_I64)
    return finish(cast(r, input.dtype), out, "nanmean")


@tensor_method()
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product of all elements, or over one `dim`; integer and bool inputs give int64."""
    check_tensor(input, "prod")
    if dim is not None and not isinstance(dim, _ints):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    dims = None if dim is None else reduce_dims(input, dim, "prod")
    acc = None
    if dtype is not None:
        input = cast(input, _dtype.to_dtype(dtype))
    elif input._data.dtype.kind in "biu":
        acc = _I64
    return finish(P_prod(input, dims=dims, keepdim=bool(keepdim), dtype=acc), out, "prod")


# ---- extremes --------------------------------------------------------------------------------
def _extreme(input, dim, keepdim, out, op, prim_all, prim_dim, ret, binary):
    if input.__class__ is not Tensor:
        check_tensor(input, op)
    if dim is None:
        if keepdim:
            raise TypeError(f"{op}(): keepdim=True needs a 'dim' argument")
        check_nonempty(input, None, op)
        return finish(prim_all(input, dims=None, keepdim=False), out, op)
    if isinstance(dim, Tensor):
        from . import binary as _binary

        return getattr(_binary, binary)(input, dim, out=out)
    if not isinstance(dim, _ints):
        raise TypeError(f"{op}(): argument 'dim' must be int or Tensor, not {type(dim).__name__}")
    d = one_dim(input, dim, op)
    check_nonempty(input, None if d is None else (d,), op)
    values, indices = prim_dim(input, dim=d, keepdim=bool(keepdim))
    if out is not None:
        values, indices = finish(values, out[0], op), finish(indices, out[1], op)
    return ret((values, indices))


@tensor_method()
def max(input, dim=None, keepdim=False, *, out=None):
    """max(input): the largest element (NaN propagates); max(input, dim): (values, indices);
    max(input, other): elementwise maximum."""
    return _extreme(input, dim, keepdim, out, "max", P_amax, P_max_dim, max_ret, "maximum")


@tensor_method()
def min(input, dim=None, keepdim=False, *, out=None):
    """min(input): the smallest element; min(input, dim): (values, indices); min(input, other)."""
    return _extreme(input, dim, keepdim, out, "min", P_amin, P_min_dim, min_ret, "minimum")


def _amax_amin(prim, op, input, dim, keepdim, out):
    if input.__class__ is not Tensor:
        check_tensor(input, op)
    dims = None if dim is None else reduce_dims(input, dim, op)
    check_nonempty(input, dims, op)
    r = prim(input, dims=dims, keepdim=bool(keepdim))
    return r if out is None else finish(r, out, op)


@tensor_method()
def amax(input, dim=(), keepdim=False, *, out=None):
    """Largest value over `dim` (default: all dims); NaN propagates; gradient split among ties."""
    return _amax_amin(P_amax, "amax", input, dim, keepdim, out)


@tensor_method()
def amin(input, dim=(), keepdim=False, *, out=None):
    """Smallest value over `dim` (default: all dims)."""
    return _amax_amin(P_amin, "amin", input, dim, keepdim, out)


@tensor_method()
def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) over one `dim` or over all elements."""
    check_tensor(input, "aminmax")
    if dim is None:
        if not input._data.size:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.")
        dims = None
    else:
        d = one_dim(input, dim, "aminmax")
        dims = None if d is None else (d,)
        check_nonempty(input, dims, "aminmax")
    k = bool(keepdim)
    return aminmax_ret((P_amin(input, dims=dims, keepdim=k), P_amax(input, dims=dims, keepdim=k)))


def _argext(prim, op, input, dim, keepdim):
    check_tensor(input, op)
    if input.dtype is _dtype.bool:
        raise RuntimeError(f"{op}(): does not support bool input")
    d = None if dim is None else one_dim(input, dim, op)
    check_nonempty(input, None if d is None else (d,), op, IndexError, hint=False)
    return prim(input, dim=d, keepdim=bool(keepdim))


@tensor_method()
def argmax(input, dim=None, keepdim=False):
    """Index of the largest value (the first one; a NaN counts as largest); dim=None flattens."""
    return _argext(P_argmax, "argmax", input, dim, keepdim)


@tensor_method()
def argmin(input, dim=None, keepdim=False):
    """Index of the smallest value (the first one; a NaN counts as smallest); dim=None flattens."""
    return _argext(P_argmin, "argmin", input, dim, keepdim)


# ---- spread ----------------------------------------------------------------------------------
def _var_args(input, dim, unbiased, correction, op):
    check_tensor(input, op)
    if isinstance(dim, bool):  # legacy var(input, unbiased)
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}(): cannot pass both 'unbiased' and 'correction'")
    if correction is None:
        correction = 0 if unbiased is False else 1
    elif not isinstance(correction, (int, float, np.number)):
        raise TypeError(f"{op}(): argument 'correction' must be a number, not {type(correction).__name__}")
    if not input.dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = None if dim is None else reduce_dims(input, dim, op)
    n = _numel_of(input, dims)
    if n - correction <= 0:
        warnings.warn(f"{op}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return dims, float(correction)


@tensor_method()
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over `dim` with Bessel's `correction` (default 1; `unbiased=False` means 0)."""
    dims, c = _var_args(input, dim, unbiased, correction, "var")
    return finish(P_var(input, dims=dims, correction=c, keepdim=bool(keepdim)), out, "var")


@tensor_method()
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation: sqrt(var(...))."""
    dims, c = _var_args(input, dim, unbiased, correction, "std")
    return finish(P_std(input, dims=dims, correction=c, keepdim=bool(keepdim)), out, "std")


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over `dim`."""
    dims, c = _var_args(input, dim, unbiased, correction, "var_mean")
    k = bool(keepdim)
    return P_var(input, dims=dims, correction=c, keepdim=k), P_mean(input, dims=dims, keepdim=k)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over `dim`."""
    dims, c = _var_args(input, dim, unbiased, correction, "std_mean")
    k = bool(keepdim)
    return P_std(input, dims=dims, correction=c, keepdim=k), P_mean(input, dims=dims, keepdim=k)


@tensor_method()
def logsumexp(input, dim, keepdim=False, *, out=None):
    """log(sum(exp(input))) over `dim`, computed stably (shifted by the max)."""
    check_tensor(input, "logsumexp")
    dims = reduce_dims(input, dim, "logsumexp")
    return finish(P_logsumexp(to_float(input), dims=dims, keepdim=bool(keepdim)), out, "logsumexp")


# ---- norms ---------------------------------------------------------------------------------
@tensor_method()
def norm(input, p="fro", dim=None, keepdim=False, dtype=None, *, out=None):
    """Vector p-norm over `dim` (None: all elements); p may be a number, inf, -inf, 'fro' or 'nuc'.

    Like torch.norm, this forwards to linalg.vector_norm (numbers, and 'fro' over <= 2 dims) or
    linalg.matrix_norm ('nuc', over `dim` or the last two dims).
    """
    from .linalg_norms import matrix_norm, vector_norm

    check_tensor(input, "norm")
    if isinstance(dim, _ints):
        dim = (dim,)
    if p == "nuc":
        return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype, out=out)
    if isinstance(p, str):
        if p != "fro":
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        if dim is not None and len(dim) > 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
        p = 2
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype, out=out)


# ---- logical ---------------------------------------------------------------------------------
def _logical(prim, op, input, dim, keepdim, out):
    if input.__class__ is not Tensor:
        check_tensor(input, op)
    dims = None if dim is None else reduce_dims(input, dim, op)
    r = prim(input, dims=dims, keepdim=bool(keepdim))
    if input._data.dtype == np.uint8:  # PyTorch keeps uint8 here
        r = cast(r, _dtype.uint8)
    return r if out is None else finish(r, out, op)


@tensor_method()
def all(input, dim=None, keepdim=False, *, out=None):
    """True where every element over `dim` is nonzero (all dims by default)."""
    return _logical(P_all, "all", input, dim, keepdim, out)


@tensor_method()
def any(input, dim=None, keepdim=False, *, out=None):
    """True where some element over `dim` is nonzero (all dims by default)."""
    return _logical(P_any, "any", input, dim, keepdim, out)


@tensor_method()
def count_nonzero(input, dim=None):
    """Number of nonzero elements over `dim` (int64)."""
    check_tensor(input, "count_nonzero")
    dims = None if dim is None else reduce_dims(input, dim, "count_nonzero")
    nz = input if input.dtype is _dtype.bool else input != 0
    return P_sum(nz, dims=dims, keepdim=False, dtype=_I64)


# Scans and order statistics live in scan.py; exported with this family so fx.tensor picks them up.
from .scan import *  # noqa: E402,F403
from .scan import __all__ as _scan_all  # noqa: E402

__all__ += _scan_all
