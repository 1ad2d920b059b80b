"""Scans (cumsum, cumprod, cummax, cummin) and order statistics (median, quantile).

Primitives (see reduce.py for the reductions) and the gradient fx.autograd writes for each:
  cumsum[dim, dtype]   result dtype = `dtype` or the input's; grad: flip(cumsum(flip(g))), cast
  cumprod[dim, dtype]  grad: torch's cumprod_backward (reverse cumsum of g * out, divided by x)
  cummax, cummin[dim] -> (values, indices); grad: g scatter-added at `indices` along dim
  median[dim, keepdim, ignore_nan] -> (values, indices); grad: g scattered to `indices`;
      with dim=None the input is flattened and the indices index input.reshape(-1)
quantile/nanquantile compose sort, gather and lerp, so they need no rule of their own.
A 0-d input arrives at the kernels with dim=None.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor, tensor_method
from ._common import check_tensor, finish, inplace, inplace_source, scalar_tensor
from .reduce import _return_type, cast, check_nonempty, one_dim

P_cumsum = define("cumsum")
P_cumprod = define("cumprod")
P_cummax = define("cummax", nout=2)
P_cummin = define("cummin", nout=2)
P_median = define("median", nout=2)

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "median", "nanmedian", "quantile", "nanquantile"]

_I64 = np.dtype(np.int64)
cummax_ret = _return_type("cummax", "values indices")
cummin_ret = _return_type("cummin", "values indices")
median_ret = _return_type("median", "values indices")
nanmedian_ret = _return_type("nanmedian", "values indices")
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _accumulate(prim, op, input, dim, dtype, out):
    check_tensor(input, op)
    d = one_dim(input, dim, op)
    acc = None
    if dtype is not None:
        dt = _dtype.to_dtype(dtype)
        if dt is _dtype.bool:
            raise RuntimeError(f"{op}(): not implemented for 'Bool' (pass an integer or floating point dtype)")
        input = cast(input, dt)
    elif input._data.dtype.kind in "biu":
        acc = _I64
    return finish(prim(input, dim=d, dtype=acc), out, op)


@tensor_method()
def cumsum(input, dim, *, dtype=None, out=None):
    """Running sum along `dim`; integer and bool inputs give int64.

    >>> fx.tensor.tensor([1, 2, 3]).cumsum(0).tolist()
    [1, 3, 6]
    """
    return _accumulate(P_cumsum, "cumsum", input, dim, dtype, out)


@tensor_method()
def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along `dim`; integer and bool inputs give int64."""
    return _accumulate(P_cumprod, "cumprod", input, dim, dtype, out)


@tensor_method()
def cumsum_(self, dim, *, dtype=None):
    return inplace(self, cumsum(inplace_source(self), dim, dtype=dtype), "cumsum_")


@tensor_method()
def cumprod_(self, dim, *, dtype=None):
    return inplace(self, cumprod(inplace_source(self), dim, dtype=dtype), "cumprod_")


@tensor_method()
def cummax(input, dim):
    """(values, indices) of the running maximum along `dim`; ties and NaN take the latest index."""
    check_tensor(input, "cummax")
    return cummax_ret(P_cummax(input, dim=one_dim(input, dim, "cummax")))


@tensor_method()
def cummin(input, dim):
    """(values, indices) of the running minimum along `dim`; ties and NaN take the latest index."""
    check_tensor(input, "cummin")
    return cummin_ret(P_cummin(input, dim=one_dim(input, dim, "cummin")))


# ---- order statistics ------------------------------------------------------------------------
def _median(input, dim, keepdim, op, ignore_nan, ret):
    check_tensor(input, op)
    if input.dtype is _dtype.bool:
        raise NotImplementedError(f"{op}(): not implemented for 'Bool'")
    if dim is None:
        if not input._data.size:
            if not input.dtype.is_floating_point:
                raise RuntimeError(f"{op}(): cannot compute the median of an empty integer tensor")
            return input.sum() / 0  # NaN, like PyTorch
        return P_median(input, dim=None, keepdim=False, ignore_nan=ignore_nan)[0]
    d = one_dim(input, dim, op)
    check_nonempty(input, None if d is None else (d,), op)
    return ret(P_median(input, dim=d, keepdim=bool(keepdim), ignore_nan=ignore_nan))


@tensor_method()
def median(input, dim=None, keepdim=False):
    """The lower median of all elements, or (values, indices) along `dim`; NaN propagates."""
    return _median(input, dim, keepdim, "median", False, median_ret)


@tensor_method()
def nanmedian(input, dim=None, keepdim=False):
    """median ignoring NaN (NaN only where a row is all NaN)."""
    return _median(input, dim, keepdim, "nanmedian", True, nanmedian_ret)


def _q_tensor(input, q, op):
    """q as a 1-d tensor of input's dtype, checked; and whether the result drops the q dim."""
    if isinstance(q, Tensor):
        if q._data.ndim > 1:
            raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor")
        if q._data.size and not bool(((q >= 0) & (q <= 1)).all()):
            raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
        return q.reshape(-1), q._data.ndim == 0
    if isinstance(q, bool) or not isinstance(q, (int, float, np.number)):
        raise TypeError(f"{op}(): argument 'q' must be float or Tensor, not {type(q).__name__}")
    if not 0 <= q <= 1:
        raise RuntimeError(f"{op}() q must be in the range [0, 1] but got {q}")
    return scalar_tensor(float(q), input.dtype, input).reshape(1), True


def _quantile(input, q, dim, keepdim, interpolation, op, ignore_nan, out):
    check_tensor(input, op)
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    qt, scalar_q = _q_tensor(input, q, op)
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    d = None if dim is None else one_dim(input, dim, op)
    if not input._data.size:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    from .binary import where

    x = input.reshape(-1) if d is None else input.movedim(d, -1)  # reduce over the last dim
    xs = x.sort(dim=-1)[0]  # NaN sorts last
    n = xs.shape[-1]
    if ignore_nan:
        last = (xs.isnan().logical_not().sum(-1, keepdim=True) - 1).to(input.dtype)
    else:
        last = n - 1
    pos = qt * last  # (m,) or (..., m)
    pos = pos.expand(tuple(xs.shape[:-1]) + (qt.shape[0],))
    if interpolation == "lower":
        pos = pos.floor()
    elif interpolation == "higher":
        pos = pos.ceil()
    elif interpolation == "nearest":
        pos = pos.round()
    lo = pos.floor().clamp(min=0)
    v_lo = xs.gather(-1, lo.long())
    if interpolation in ("linear", "midpoint"):
        v_hi = xs.gather(-1, pos.ceil().clamp(min=0).long())
        weight = pos - lo if interpolation == "linear" else 0.5
        r = v_lo + (v_hi - v_lo) * weight
    else:
        r = v_lo
    if not ignore_nan:
        r = where(xs.narrow(-1, n - 1, 1).isnan(), math.nan, r)
    r = r.movedim(-1, 0)  # (m, ...reduced shape)
    if keepdim and input._data.ndim:
        if d is None:
            r = r.reshape((r.shape[0],) + (1,) * input._data.ndim)
        else:
            r = r.unsqueeze(d + 1)
    if scalar_q:
        r = r[0]
    return finish(r, out, op)


@tensor_method()
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The q-th quantiles (q a float or 1-d tensor in [0, 1]) over `dim` (None: all elements).

    With a 1-d q the quantiles lie along a new first dim. Rows holding NaN give NaN.
    """
    return _quantile(input, q, dim, keepdim, interpolation, "quantile", False, out)


@tensor_method()
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """quantile ignoring NaN (NaN only where a row is all NaN)."""
    return _quantile(input, q, dim, keepdim, interpolation, "nanquantile", True, out)

