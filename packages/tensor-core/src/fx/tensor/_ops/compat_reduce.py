"""Scans, differences, distances and statistics PyTorch has at top level: logcumsumexp, diff, dist, cdist,
cov, corrcoef, renorm, trapezoid/trapz, cumulative_trapezoid, vander and unravel_index.

Only logcumsumexp is a primitive (a running log-sum-exp cannot be composed stably); everything else
is Python over existing primitives.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor, _wrap_dim
from ._common import _tname, check_tensor, finish, norm_dims, to_float
from .binary import logical_xor, sub, where
from .compat_math import require_tensors
from .joining import cat
from .linalg_norms import vector_norm
from .matmul import matmul
from .reduce import one_dim
from .scan import cumprod, cumsum
from .unary import not_implemented_for

P_logcumsumexp = define("logcumsumexp")  # params: dim

__all__ = ["logcumsumexp", "diff", "dist", "cdist", "cov", "corrcoef", "renorm", "trapezoid", "trapz",
           "cumulative_trapezoid", "vander", "unravel_index"]

_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def logcumsumexp(input, dim, *, out=None):
    """log(cumsum(exp(input), dim)), computed without overflow."""
    check_tensor(input, "logcumsumexp")
    d = one_dim(input, dim, "logcumsumexp")
    if not input.dtype.is_floating_point:
        raise not_implemented_for(input, "logcumsumexp_out")
    return finish(P_logcumsumexp(input, dim=0 if d is None else d), out, "logcumsumexp")


def _narrow(x, d, start, stop):
    return x.narrow(d, start, stop - start)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along dim (after concatenating prepend/append)."""
    check_tensor(input, "diff")
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _wrap_dim(dim, input._data.ndim, "diff")
    parts = []
    for extra in (prepend, append):
        if extra is not None:
            check_tensor(extra, "diff", "prepend" if extra is prepend else "append")
            if extra._data.ndim != input._data.ndim:
                raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    x = input
    if prepend is not None or append is not None:
        parts = [t for t in (prepend, input, append) if t is not None]
        x = cat(parts, d)
    for _ in range(n):
        length = x._data.shape[d]
        if length == 0:
            break
        hi, lo = _narrow(x, d, 1, length), _narrow(x, d, 0, length - 1)
        x = logical_xor(hi, lo) if x.dtype is _dtype.bool else sub(hi, lo)
    return x


def dist(input, other, p=2):
    """The p-norm of input - other (broadcast)."""
    require_tensors("dist", (input, "input"), (other, "other"))
    diff_ = sub(input, other)
    if not diff_.dtype.is_floating_point:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got {_tname(diff_.dtype)} instead.")
    return vector_norm(diff_, float(p))


def _euclidean_mm(x1, x2):
    """Pairwise Euclidean distances through one matmul (PyTorch's path for large inputs): the squared
    norms minus twice the inner products, clamped at 1e-30 before the square root."""
    n1 = (x1 * x1).sum(-1, keepdim=True)
    n2 = (x2 * x2).sum(-1, keepdim=True)
    d2 = n1 - 2 * matmul(x1, x2.transpose(-2, -1)) + n2.transpose(-2, -1)
    return d2.clamp_min(1e-30).sqrt()


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """p-norm distances between each row of x1 (..., P, M) and each row of x2 (..., R, M) -> (..., P, R)."""
    require_tensors("cdist", (x1, "x1"), (x2, "x2"))
    for t, name in ((x1, "X1"), (x2, "X2")):
        if t._data.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t._data.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    for t, name in ((x1, "X1"), (x2, "X2")):
        if not t.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {_tname(t.dtype)}")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {_tname(x1.dtype)} but found {_tname(x2.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    rows1, rows2 = x1.shape[-2], x2.shape[-2]
    use_mm = p == 2 and (compute_mode == "use_mm_for_euclid_dist"
                         or (compute_mode == _CDIST_MODES[0] and (rows1 > 25 or rows2 > 25)))
    if use_mm:
        return _euclidean_mm(x1, x2)
    return vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), float(p), dim=-1)


def _cov_weights(fweights, aweights, num_obs):
    w = None
    if fweights is not None:
        check_tensor(fweights, "cov", "fweights")
        if fweights._data.ndim > 1:
            raise RuntimeError(f"cov(): expected fweights to have one or fewer dimensions but got fweights with "
                               f"{fweights._data.ndim} dimensions")
        if fweights.dtype.category != _dtype.INT:
            raise RuntimeError(f"cov(): expected fweights to have integral dtype but got fweights with {_tname(fweights.dtype)} dtype")
        if fweights.numel() != num_obs:
            raise RuntimeError(f"cov(): expected fweights to have the same numel as there are observations in the input but "
                               f"got {fweights.numel()} != {num_obs}")
        if num_obs and bool((fweights < 0).any()):
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        check_tensor(aweights, "cov", "aweights")
        if aweights._data.ndim > 1:
            raise RuntimeError(f"cov(): expected aweights to have one or fewer dimensions but got aweights with "
                               f"{aweights._data.ndim} dimensions")
        if not aweights.dtype.is_floating_point:
            raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got aweights with "
                               f"{_tname(aweights.dtype)} dtype")
        if aweights.numel() != num_obs:
            raise RuntimeError(f"cov(): expected aweights to have the same numel as there are observations in the input "
                               f"but got {aweights.numel()} != {num_obs}")
        if num_obs and bool((aweights < 0).any()):
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    return w


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance of the variables in the rows of input (columns are observations)."""
    check_tensor(input, "cov")
    if input._data.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with {input._data.ndim} dimensions")
    if isinstance(correction, bool) or not isinstance(correction, (int, np.integer)):
        raise TypeError(f"cov(): argument 'correction' must be int, not {type(correction).__name__}")
    x = to_float(input)
    x = x.reshape(1, -1) if x._data.ndim < 2 else x
    num_obs = x.shape[1]
    w = _cov_weights(fweights, aweights, num_obs)
    if w is None:
        w_sum = float(num_obs)
        avg = x.mean(1)
    else:
        dt = _dtype.promote_types(x.dtype, w.dtype) if w.dtype.is_floating_point else x.dtype
        x, w = x.to(dt), w.to(dt)
        w_sum_t = w.sum()
        avg = (x * w).sum(1) / w_sum_t
        w_sum = w_sum_t
    if w is not None and correction != 0 and aweights is not None:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if isinstance(norm, Tensor):
        norm = where(norm > 0, norm, 0.0)
    elif norm <= 0:
        norm = 0.0
    centered = x - avg.unsqueeze(1)
    weighted = centered if w is None else centered * w
    c = matmul(centered, weighted.transpose(0, 1))
    return (c / norm).squeeze()


def corrcoef(input):
    """Pearson correlation coefficients of the variables in the rows of input, clipped to [-1, 1]."""
    check_tensor(input, "corrcoef")
    if input._data.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input._data.ndim} dimensions")
    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    std = c.diagonal().sqrt()
    c = c / std.unsqueeze(1) / std.unsqueeze(0)
    return c.clamp(-1, 1)


def renorm(input, p, dim, maxnorm, *, out=None):
    """Each slice along dim whose p-norm exceeds maxnorm, rescaled to norm maxnorm."""
    check_tensor(input, "renorm")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {nd} dimensions")
    d = _wrap_dim(dim, nd, "renorm")
    others = norm_dims(tuple(i for i in range(nd) if i != d), nd, "renorm")
    norms = vector_norm(input, float(p), dim=others, keepdim=True)
    factor = where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    return finish(input * factor, out, "renorm")


def _trapezoid_checks(y, op):
    check_tensor(y, op, "y")
    if y.dtype is _dtype.bool:
        raise RuntimeError(f"{op}: received a bool input for `y`, but bool is not supported")
    if y._data.ndim == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")


def _spacing(y, x, d, op):
    """The spacing along d of sample points x (1-d, or broadcastable to y)."""
    check_tensor(x, op, "x")
    if x._data.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        shape = [1] * y._data.ndim
        shape[d] = x.shape[0]
        x = x.reshape(shape)
    return diff(x, dim=d)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """Integral of y along dim by the trapezoidal rule, at points x (or spacing dx, default 1)."""
    _trapezoid_checks(y, "trapezoid")
    if x is not None and dx is not None:
        raise TypeError("trapezoid(): received an invalid combination of arguments: give `x` or `dx`, not both")
    d = _wrap_dim(dim, y._data.ndim, "trapezoid")
    n = y.shape[d]
    if n == 0:  # PyTorch: zeros in y's own dtype, even an integer one
        return y.sum(d).to(y.dtype)
    y = to_float(y)
    left, right = _narrow(y, d, 0, n - 1), _narrow(y, d, 1, n)
    if x is not None:
        return ((left + right) * _spacing(y, x, d, "trapezoid")).sum(d) / 2
    return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * (1 if dx is None else dx)


def trapz(y, x=None, *, dx=None, dim=-1):
    """`trapezoid` under its older name."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """Running trapezoidal integral of y along dim: one value fewer than y along dim."""
    _trapezoid_checks(y, "cumulative_trapezoid")
    if x is not None and dx is not None:
        raise TypeError("cumulative_trapezoid(): received an invalid combination of arguments: give `x` or `dx`, not both")
    d = _wrap_dim(dim, y._data.ndim, "cumulative_trapezoid")
    y = to_float(y)
    n = y.shape[d]
    if n == 0:
        return y
    left, right = _narrow(y, d, 0, n - 1), _narrow(y, d, 1, n)
    if x is not None:
        areas = (left + right) * _spacing(y, x, d, "cumulative_trapezoid") / 2
    else:
        areas = (left + right) * ((1 if dx is None else dx) / 2)
    return cumsum(areas, d)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of 1-d x: columns x^(N-1), ..., x, 1 (reversed when increasing)."""
    check_tensor(x, "vander", "x")
    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if not x.dtype.is_floating_point:
        x = x.to(_dtype.int64)
    from .._factory import ones

    cols = [ones(x.shape[0], 1, dtype=x.dtype, device=x.device)] if n else []
    if n > 1:
        cols.append(cumprod(x.unsqueeze(1).expand(x.shape[0], n - 1), 1))
    if not cols:
        out = x.unsqueeze(1)[:, :0]
        return out.clone()
    out = cat(cols, 1) if len(cols) > 1 else cols[0]
    return out if increasing else out.flip(1)


def unravel_index(indices, shape):
    """Flat indices into coordinates of an array of `shape`: a tuple of int64 tensors (indices wrap like torch's)."""
    if not isinstance(indices, Tensor):
        raise TypeError(f"unravel_index(): argument 'indices' must be Tensor, not {type(indices).__name__}")
    if indices.dtype.category != _dtype.INT:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    rest = indices.to(_dtype.int64)
    coords = []
    for size in reversed(shape):
        if size == 0:
            coords.append(rest * 0)
            continue
        coords.append(rest.remainder(size))
        rest = rest.div(size, rounding_mode="floor")
    return tuple(reversed(coords))


Tensor.logcumsumexp = logcumsumexp
Tensor.diff = diff
Tensor.dist = dist
Tensor.cov = cov
Tensor.corrcoef = corrcoef
Tensor.renorm = renorm
