"""CPU kernels of the reduction and scan primitives (NumPy; C kernels for hot last-dim cases).

Conventions (the frontend guarantees them): `dims` is a sorted tuple of non-negative dims or None
(all dims); a 0-d input always arrives with `dims=None` / `dim=None`; `dtype`, when given, is the
NumPy dtype of the result. float16/bfloat16 accumulate in float32 and round once.
"""

from __future__ import annotations

import numpy as np

from ._util import LOW_PRECISION, f32, opmath, register

_I64 = np.dtype(np.int64)
_C_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_BF16 = LOW_PRECISION[1]
_add, _mul, _max, _min = np.add, np.multiply, np.maximum, np.minimum

_C_FNS: dict = {}  # name -> C kernel or None, resolved on first use
_UNSET = object()


def _c_fn(name):
    """The C kernel `name` from the `_c` bindings, or None (library not built, or no such kernel)."""
    try:
        from . import _c

        fn = getattr(_c, name, None)
    except (ImportError, AttributeError, OSError):
        fn = None
    _C_FNS[name] = fn
    return fn


def _c_reduce(name, x, dims, keepdim, combine=None):
    """Run the last-dim C kernel `name` for a reduction over trailing dims of a C-contiguous
    float32/float64 array (viewed as 2-d), or return None. A full reduction with `combine` (a ufunc)
    runs the kernel on 1024-wide rows, so both cores work, and combines the partial results."""
    fn = _C_FNS.get(name, _UNSET)
    if fn is _UNSET:
        fn = _c_fn(name)
    nd = x.ndim
    if fn is None or not nd or not x.size or x.dtype not in _C_FLOATS or not x.flags.c_contiguous:
        return None
    k = 0 if dims is None else dims[0]
    if dims is not None and (dims[-1] != nd - 1 or len(dims) != nd - k):
        return None
    if k == 0 and combine is not None and x.size >= 65536 and x.size % 1024 == 0:
        out = fn(x.reshape(-1, 1024))
        if out is None:
            return None
        out = np.asarray(combine.reduce(out))
    else:
        out = fn(x.reshape(int(np.prod(x.shape[:k])), -1))
        if out is None:
            return None
    shape = x.shape[:k] + (1,) * (nd - k) if keepdim else x.shape[:k]
    if isinstance(out, tuple):
        return tuple(o.reshape(shape) for o in out)
    return out.reshape(shape)


@register("sum")
def sum_(x, dims=None, keepdim=False, dtype=None):
    if dtype is None or dtype == x.dtype:
        if x.dtype in LOW_PRECISION:
            return _add.reduce(x, axis=dims, dtype=f32, keepdims=keepdim).astype(x.dtype)
        out = _c_reduce("sum_lastdim", x, dims, keepdim, _add)
        if out is not None:
            return out
        return _add.reduce(x, axis=dims, dtype=x.dtype if x.dtype.kind in "biu" else None, keepdims=keepdim)
    if dtype in LOW_PRECISION:
        return _add.reduce(x, axis=dims, dtype=f32, keepdims=keepdim).astype(dtype)
    return _add.reduce(x, axis=dims, dtype=dtype, keepdims=keepdim)


@register("mean")
def mean(x, dims=None, keepdim=False):
    n = x.size if dims is None else int(np.prod([x.shape[d] for d in dims]))
    if x.dtype in LOW_PRECISION:
        return (_add.reduce(x, axis=dims, dtype=f32, keepdims=keepdim) / n).astype(x.dtype)
    return np.true_divide(sum_(x, dims, keepdim), n)


@register("prod")
def prod(x, dims=None, keepdim=False, dtype=None):
    dtype = x.dtype if dtype is None else dtype
    if dtype in LOW_PRECISION:
        return _mul.reduce(x, axis=dims, dtype=f32, keepdims=keepdim).astype(dtype)
    return _mul.reduce(x, axis=dims, dtype=dtype, keepdims=keepdim)


@register("amax")
def amax(x, dims=None, keepdim=False):
    out = _c_reduce("amax_lastdim", x, dims, keepdim, _max)
    if out is not None:
        return out
    return _max.reduce(x, axis=dims, keepdims=keepdim)


@register("amin")
def amin(x, dims=None, keepdim=False):
    return _min.reduce(x, axis=dims, keepdims=keepdim)


def _arg(method, x, dim, keepdim):
    """x.argmax / x.argmin (`method`) as int64; the ndarray methods skip np.argmax's wrapper cost."""
    if x.dtype == _BF16:
        x = x.astype(f32)  # ml_dtypes orders NaN inconsistently; float32 keeps NumPy's NaN-first rule
    if dim is None:
        i = getattr(x.reshape(-1), method)()
        return np.full((1,) * x.ndim, i, dtype=_I64) if keepdim else np.asarray(i, dtype=_I64)
    out = getattr(x, method)(axis=dim, keepdims=keepdim)
    return out if out.dtype == _I64 else out.astype(_I64)


@register("argmax")
def argmax(x, dim=None, keepdim=False):
    return _arg("argmax", x, dim, keepdim)


@register("argmin")
def argmin(x, dim=None, keepdim=False):
    return _arg("argmin", x, dim, keepdim)


def _value_index(method, ufunc, x, dim, keepdim):
    if dim is None:  # 0-d input
        return x.copy(), np.zeros((), dtype=_I64)
    if x.size <= 65536:  # a second reduction is cheaper than take_along_axis on small inputs
        return ufunc.reduce(x, axis=dim, keepdims=keepdim), _arg(method, x, dim, keepdim)
    idx = _arg(method, x, dim, True)
    vals = np.take_along_axis(x, idx, axis=dim)
    if not keepdim:
        idx, vals = idx.squeeze(dim), vals.squeeze(dim)
    return vals, idx


@register("max_dim")
def max_dim(x, dim=None, keepdim=False):
    out = None if dim is None else _c_reduce("max_lastdim", x, (dim,), keepdim)
    if out is not None:
        return out
    return _value_index("argmax", _max, x, dim, keepdim)


@register("min_dim")
def min_dim(x, dim=None, keepdim=False):
    return _value_index("argmin", _min, x, dim, keepdim)


@register("var")
@opmath
def var(x, dims=None, correction=1.0, keepdim=False):
    if x.ndim == 0:  # NumPy turns 0-d results into scalars, which cannot be written in place
        return var(x.reshape(1), None, correction, False)
    n = x.size if dims is None else int(np.prod([x.shape[d] for d in dims]))
    mean = _add.reduce(x, axis=dims, keepdims=True)
    mean /= n
    d = x - mean
    _mul(d, d, out=d)
    s = _add.reduce(d, axis=dims, keepdims=keepdim)
    return np.divide(s, max(n - correction, 0))


@register("std")
@opmath
def std(x, dims=None, correction=1.0, keepdim=False):
    return np.sqrt(var(x, dims, correction, keepdim))


@register("logsumexp")
@opmath
def logsumexp(x, dims=None, keepdim=False):
    if x.ndim == 0:
        return logsumexp(x.reshape(1), None, False)
    m = _max.reduce(x, axis=dims, keepdims=True, initial=-np.inf)
    m[~np.isfinite(m)] = 0  # an infinite max would give inf - inf = nan
    e = x - m
    np.exp(e, out=e)
    s = _add.reduce(e, axis=dims, keepdims=True)
    out = np.log(s, out=s)
    out += m
    if not keepdim:
        out = out.reshape(()) if dims is None else out.squeeze(dims)
    return out


@register("vector_norm")
@opmath
def vector_norm(x, ord=2.0, dims=None, keepdim=False):
    if ord == 2.0:
        return np.sqrt(_add.reduce(x * x, axis=dims, keepdims=keepdim))
    a = np.abs(x)
    if ord == 1.0:
        return _add.reduce(a, axis=dims, keepdims=keepdim)
    if ord == np.inf:
        return _max.reduce(a, axis=dims, keepdims=keepdim)
    if ord == -np.inf:
        return _min.reduce(a, axis=dims, keepdims=keepdim)
    if ord == 0.0:
        return _add.reduce(x != 0, axis=dims, dtype=x.dtype, keepdims=keepdim)
    return np.power(_add.reduce(np.power(a, ord), axis=dims, keepdims=keepdim), 1.0 / ord)


@register("all")
def all_(x, dims=None, keepdim=False):
    return np.all(x, axis=dims, keepdims=keepdim)


@register("any")
def any_(x, dims=None, keepdim=False):
    return np.any(x, axis=dims, keepdims=keepdim)


def _scan(ufunc, x, dim, dtype):
    shape = x.shape
    if dim is None:  # 0-d input
        x, dim = x.reshape(1), 0
    dtype = x.dtype if dtype is None else dtype
    if dtype in LOW_PRECISION:
        out = ufunc.accumulate(x, axis=dim, dtype=f32).astype(dtype)
    else:
        out = ufunc.accumulate(x, axis=dim, dtype=dtype)
    return out.reshape(shape)


@register("cumsum")
def cumsum(x, dim=None, dtype=None):
    return _scan(_add, x, dim, dtype)


@register("cumprod")
def cumprod(x, dim=None, dtype=None):
    return _scan(_mul, x, dim, dtype)


def _cum_extreme(ufunc, x, dim):
    shape = x.shape
    if dim is None:
        x, dim = x.reshape(1), 0
    vals = ufunc.accumulate(x, axis=dim)
    # x[i] attains the running extreme (ties and NaN included) exactly where torch moves the index.
    hit = x == vals
    if x.dtype.kind == "f" or x.dtype in LOW_PRECISION:
        hit |= np.isnan(x)
    pos = np.arange(x.shape[dim], dtype=_I64).reshape((-1,) + (1,) * (x.ndim - 1 - dim))
    idx = np.where(hit, pos, 0)
    _max.accumulate(idx, axis=dim, out=idx)
    return vals.reshape(shape), idx.reshape(shape)


@register("cummax")
def cummax(x, dim=None):
    return _cum_extreme(_max, x, dim)


@register("cummin")
def cummin(x, dim=None):
    return _cum_extreme(_min, x, dim)


@register("median")
def median(x, dim=None, keepdim=False, ignore_nan=False):
    if dim is None:  # flattened: indices into x.reshape(-1)
        x, dim, keepdim = x.reshape(-1), 0, False
    xs = x.astype(f32) if x.dtype == _BF16 else x
    order = np.argsort(xs, axis=dim, kind="stable")  # NaN sorts last
    n = x.shape[dim]
    floating = x.dtype.kind == "f" or x.dtype in LOW_PRECISION
    if floating:
        nan = np.isnan(xs)
        if ignore_nan:
            cnt = n - np.count_nonzero(nan, axis=dim, keepdims=True)
            k = np.maximum((cnt - 1) // 2, 0)
            idx = np.take_along_axis(order, k, axis=dim)
        else:
            idx = np.take(order, [(n - 1) // 2], axis=dim)
            idx = np.where(nan.any(axis=dim, keepdims=True), np.argmax(nan, axis=dim, keepdims=True), idx)
    else:
        idx = np.take(order, [(n - 1) // 2], axis=dim)
    idx = idx.astype(_I64, copy=False)
    vals = np.take_along_axis(x, idx, axis=dim)
    if not keepdim:
        idx, vals = idx.squeeze(dim), vals.squeeze(dim)
    return vals, idx
