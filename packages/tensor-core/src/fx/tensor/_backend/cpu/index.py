"""CPU kernels of the indexing primitives: basic/advanced indexing, index_put, gather/scatter, nonzero.

Frontends have already validated dtypes, shapes and bounds; kernels only move data. Negative
indices count from the end in every kernel (take_along_dim relies on it; gather/scatter frontends
reject them before dispatch).
"""

from __future__ import annotations

import math

import numpy as np

from ._util import LOW_PRECISION, register

_ALL = slice(None)
_f64 = np.dtype(np.float64)
# Dense bincount accumulation beats ufunc.at when the target is at most this many times the updates.
_DENSE_RATIO = 4


def _basic_key(key):
    # A trailing Ellipsis keeps an all-int key from returning a NumPy scalar (we want a 0-d view).
    return tuple([slice(*k) if k.__class__ is tuple else k for k in key]) + (Ellipsis,)


def _adv_key(indices, dims):
    """The NumPy key placing each index array at its dim (a bool mask covers mask.ndim dims)."""
    key, pos = [], 0
    for d, i in zip(dims, indices):
        key.extend([_ALL] * (d - pos))
        key.append(i)
        pos = d + (i.ndim if i.dtype.kind == "b" else 1)
    return tuple(key)


@register("getitem_basic")
def getitem_basic(x, key):
    return x[_basic_key(key)]


@register("setitem_basic")
def setitem_basic(x, value, key):
    out = np.array(x, copy=True, order="C")
    out[_basic_key(key)] = value
    return out


@register("index")
def index(x, *indices, dims):
    if len(indices) == 1 and indices[0].dtype.kind != "b" and indices[0].ndim:
        return x.take(indices[0], axis=dims[0])
    out = x[_adv_key(indices, dims)]
    # A 0-d integer array acts as a plain int in NumPy (a view); the primitive promises a copy.
    if not isinstance(out, np.ndarray) or np.may_share_memory(out, x):
        out = np.array(out, copy=True)
    return out


def _put(x, values, indices, dims, accumulate):
    key = _adv_key(indices, dims)
    if not accumulate:
        x[key] = values
        return
    if x.size == 0:
        return
    if x.dtype.kind == "f" or x.dtype in LOW_PRECISION:
        n = _result_numel(x.shape, indices, dims)
        if x.size <= _DENSE_RATIO * n:
            pos = np.arange(x.size).reshape(x.shape)[key]
            vals = np.broadcast_to(values, pos.shape)
            dense = np.bincount(pos.ravel(), weights=vals.astype(_f64).ravel(), minlength=x.size)
            x += dense.reshape(x.shape).astype(x.dtype)
            return
    np.add.at(x, key, values)


def _result_numel(shape, indices, dims):
    shapes, covered = [], 0
    for i in indices:
        if i.dtype.kind == "b":
            shapes.append((int(np.count_nonzero(i)),))
            covered += i.ndim
        else:
            shapes.append(i.shape)
            covered += 1
    rest = math.prod(shape) // max(math.prod(shape[d] for d in _covered_dims(indices, dims)), 1)
    return math.prod(np.broadcast_shapes(*shapes)) * rest


def _covered_dims(indices, dims):
    for d, i in zip(dims, indices):
        yield from range(d, d + (i.ndim if i.dtype.kind == "b" else 1))


@register("index_put")
def index_put(x, values, *indices, dims, accumulate):
    out = np.array(x, copy=True, order="C")
    _put(out, values, indices, dims, accumulate)
    return out


@register("index_put_")
def index_put_(x, values, *indices, dims, accumulate):
    _put(x, values, indices, dims, accumulate)
    return x


def _as1d(a):
    return a.reshape(1) if a.ndim == 0 else a


def _limit(x, shape, dim):
    """`x` cut down to `shape` in every dim but `dim` (gather/scatter allow smaller indices)."""
    if x.shape == shape:
        return x
    return x[tuple(_ALL if d == dim else slice(0, n) for d, n in enumerate(shape))]


@register("gather")
def gather(x, index, dim):
    x, idx = _as1d(x), _as1d(index)
    out = np.take_along_axis(_limit(x, idx.shape, dim), idx, axis=dim)
    return out.reshape(index.shape)


def _src_values(src, idx, dim):
    if src.ndim == 0:
        return np.broadcast_to(src, idx.shape)
    return _limit(_as1d(src), idx.shape, -1)


@register("scatter")
def scatter(x, index, src, dim):
    out = np.array(x, copy=True, order="C")
    o, idx = _as1d(out), _as1d(index)
    if idx.size:
        np.put_along_axis(_limit(o, idx.shape, dim), idx, _src_values(src, idx, dim), axis=dim)
    return out


def _flat_positions(shape, idx, dim):
    """Flat offsets into a C-contiguous array of `shape` for scattering `idx` along `dim`."""
    strides = [math.prod(shape[d + 1:]) for d in range(len(shape))]
    lin = idx.astype(np.int64) * strides[dim]
    lin[lin < 0] += shape[dim] * strides[dim]
    for d, n in enumerate(idx.shape):
        if d != dim and n > 1:
            lin += (np.arange(n, dtype=np.int64) * strides[d]).reshape((n,) + (1,) * (idx.ndim - d - 1))
    return lin.ravel()


def _identity(dtype, reduce):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "b":
        return reduce == "amin"
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return info.min if reduce == "amax" else info.max
    return -np.inf if reduce == "amax" else np.inf


_UFUNC = {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}


@register("scatter_reduce")
def scatter_reduce(x, index, src, dim, reduce, include_self):
    out = np.array(x, copy=True, order="C")
    if index.size == 0:
        return out
    idx = _as1d(index)
    flat = out.reshape(-1)
    lin = _flat_positions(_as1d(out).shape, idx, dim)
    vals = _src_values(src, idx, dim).ravel()
    if not include_self:
        flat[lin] = _identity(out.dtype, reduce)
    if reduce in ("sum", "mean"):
        _add_at(flat, lin, vals)
    else:
        _UFUNC[reduce].at(flat, lin, vals)
    if reduce == "mean":
        count = np.bincount(lin, minlength=flat.size)
        hit = count > 0
        total = count[hit] + (1 if include_self else 0)
        if out.dtype.kind in "iu":
            flat[hit] = np.floor_divide(flat[hit], total)
        else:
            flat[hit] = (flat[hit].astype(_f64) / total).astype(out.dtype)
    return out


def _add_at(flat, lin, vals):
    """flat[lin] += vals with repeated positions accumulating (flat is 1-d)."""
    if (flat.dtype.kind == "f" or flat.dtype in LOW_PRECISION) and flat.size <= _DENSE_RATIO * lin.size:
        dense = np.bincount(lin, weights=vals.astype(_f64), minlength=flat.size)
        flat += dense.astype(flat.dtype)
    else:
        np.add.at(flat, lin, vals)


@register("nonzero")
def nonzero(x):
    return np.argwhere(x)
