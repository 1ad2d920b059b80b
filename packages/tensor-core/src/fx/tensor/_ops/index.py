"""Indexing: `x[key]`, `x[key] = v`, index_put, the masked ops, nonzero.

A key is split in two steps, like PyTorch: its basic part (ints, slices, None, Ellipsis) is one
"getitem_basic" view, then its advanced part (int/bool tensors, lists, arrays, Python bools) is one
"index" copy of that view, with NumPy's placement rules for separated advanced indices. Writes go
through "copy_" into the basic view, or through the in-place "index_put_". Bounds are checked here
with min/max reductions of the index tensors, before any kernel runs, so every backend raises the
same IndexError. The gather/scatter half of the family (and take/put) lives in scatter.py.
"""

from __future__ import annotations

import operator
import warnings

import numpy as np

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor, tensor_method, wrap
from ._common import _number, _tname, cast, check_tensor, finish, scalar_tensor
from .binary import P_where
from .copying import P_copy_, to_device
from .views import broadcast_shapes, reshape

# key: tuple of int (already in range) | (start, stop, step) | None, one entry per input dim used.
P_getitem_basic = define("getitem_basic", view=True)
P_setitem_basic = define("setitem_basic")  # (x, value; key): a copy of x with x[key] = value
P_index = define("index")  # (x, *indices; dims): index arrays placed at dims of x (a copy)
P_index_put = define("index_put")  # (x, values, *indices; dims, accumulate): a copy, x[idx] (+)= values
P_index_put_ = define("index_put_", inplace=True)
P_nonzero = define("nonzero", differentiable=False)

__all__ = ["index_put", "index_put_", "masked_fill", "masked_scatter", "masked_select", "nonzero", "argwhere"]

_INT_INDEX = (_dtype.int64, _dtype.int32)
_INT_NP = (np.dtype(np.int64), np.dtype(np.int32))
_BOOL_NP = np.dtype(np.bool_)
_MASK = (_dtype.bool, _dtype.uint8)
_BAD_DTYPE = "tensors used as indices must be long, int, byte or bool tensors"


# ---- checks shared with scatter.py ---------------------------------------------------------------
def extrema(t):
    """(min, max) of a non-empty index tensor as Python ints: one reduction each, any backend."""
    d = t._data
    return int(d.min()), int(d.max())


def check_bounds(t, size, dim, negative=True, exc=IndexError, msg=None):
    """Raise `exc` unless every index in `t` is in [-size, size) (or [0, size) without `negative`)."""
    if not t._data.size:
        return
    lo, hi = extrema(t)
    if hi >= size:
        bad = hi
    elif lo < (-size if negative else 0):
        bad = lo
    else:
        return
    raise exc(msg.format(index=bad, dim=dim, size=size) if msg else
              f"index {bad} is out of bounds for dimension {dim} with size {size}")


def same_device(t, like):
    return t if t._data.__class__ is like._data.__class__ else to_device(t, like.device)


def shape1(t):
    """The shape with 0-d counted as (1,): gather/scatter/index_* treat a scalar as one element."""
    return t._data.shape or (1,)


def _broadcast(shapes):
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        text = ", ".join(str(list(s)) for s in shapes)
        raise IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {text}") \
            from None


# ---- key parsing ---------------------------------------------------------------------------------
def _key_tensor(obj, like):
    """A list / NumPy array key element as an index tensor on like's device."""
    from .._factory import tensor

    if isinstance(obj, np.ndarray):
        t = wrap(obj) if obj.dtype in _dtype.FROM_NP else tensor(obj)
    else:
        t = tensor(obj) if len(obj) else tensor([], dtype=_dtype.int64)
    return same_device(t, like)


def _as_tuple(key):
    if isinstance(key, list) and len(key) < 32 and any(
            k is None or k is Ellipsis or isinstance(k, (slice, list, tuple, Tensor, np.ndarray)) for k in key):
        warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated; use "
                      "x[tuple(seq)] instead of x[seq]", UserWarning, stacklevel=4)
        return tuple(key)
    return (key,)


def _classify(k, like):
    """(kind, value): 'n' None, 'e' Ellipsis, 'b' bool, 'i' int, 's' slice, 't' int tensor, 'm' mask."""
    if k is None:
        return "n", None
    if k is Ellipsis:
        return "e", None
    cls = k.__class__
    if cls is int:
        return "i", k
    if cls is slice:
        return "s", k
    if cls is bool or cls is np.bool_:
        return "b", bool(k)
    if isinstance(k, (list, tuple, np.ndarray)):
        k = _key_tensor(k, like)
    if isinstance(k, Tensor):
        dt = k.dtype
        if dt in _MASK:
            if not k._data.ndim:
                return "b", bool(k.item())
            return "m", (cast(k, _dtype.bool) if dt is _dtype.uint8 else same_device(k, like))
        if dt not in _INT_INDEX:
            raise IndexError(_BAD_DTYPE)
        if not k._data.ndim:
            return "i", int(k.item())
        return "t", same_device(k, like)
    try:
        return "i", operator.index(k)
    except TypeError:
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte tensors are "
                         f"valid indices (got {type(k).__name__})") from None


def _bool_index(flag, like):
    arr = np.zeros(1 if flag else 0, dtype=np.int64)
    return same_device(wrap(arr), like)


def parse_key(self, key):
    """(basic, indices, dims): a getitem_basic key, then advanced indices at `dims` of its result."""
    shape = self._data.shape
    ndim = len(shape)
    items = [_classify(k, self) for k in (key if key.__class__ is tuple else _as_tuple(key))]
    used = sum(1 if kind in "its" else (v._data.ndim if kind == "m" else 0) for kind, v in items)
    if used > ndim:
        if ndim == 0 and items[0][0] == "i":
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, indices, dims = [], [], []
    src = out = 0  # position in the input's dims / in the basic view's dims
    seen_ellipsis = False
    for kind, v in items:
        if kind == "i":
            n = shape[src]
            if not -n <= v < n:
                raise IndexError(f"index {v} is out of bounds for dimension {src} with size {n}")
            basic.append(v + n if v < 0 else v)
            src += 1
        elif kind == "s":
            start, stop, step = v.indices(shape[src])
            if step < 0:
                raise ValueError("step must be greater than zero")
            basic.append((start, stop, step))
            src += 1
            out += 1
        elif kind == "n":
            basic.append(None)
            out += 1
        elif kind == "e":
            if seen_ellipsis:
                raise IndexError("an index can only have a single ellipsis ('...')")
            seen_ellipsis = True
            fill = ndim - used
            basic.extend([(0, shape[d], 1) for d in range(src, src + fill)])
            src += fill
            out += fill
        elif kind == "b":
            basic.append(None)
            indices.append(_bool_index(v, self))
            dims.append(out)
            out += 1
        elif kind == "t":
            check_bounds(v, shape[src], src)
            basic.append((0, shape[src], 1))
            indices.append(v)
            dims.append(out)
            src += 1
            out += 1
        else:
            k = v._data.ndim
            for j in range(k):
                if v._data.shape[j] != shape[src + j]:
                    raise IndexError(f"The shape of the mask {list(v._data.shape)} at index {j} does not match the "
                                     f"shape of the indexed tensor {list(shape)} at index {src + j}")
            basic.extend([(0, shape[d], 1) for d in range(src, src + k)])
            indices.append(v)
            dims.append(out)
            src += k
            out += k
    while basic and basic[-1].__class__ is tuple and basic[-1] == (0, shape[src - 1], 1):
        basic.pop()  # trailing full slices change nothing
        src -= 1
    return tuple(basic), indices, tuple(dims)


def _index_shapes(indices):
    shapes = []
    for t in indices:
        d = t._data
        if d.dtype.kind == "b":
            shapes.extend([(int(d.sum()),)] * d.ndim)  # a k-dim mask acts as k index vectors
        else:
            shapes.append(d.shape)
    return shapes


def result_shape(shape, indices, dims):
    """The shape of x[key] for advanced `indices` at `dims` of x (NumPy's placement rules)."""
    shapes = _index_shapes(indices)
    b = _broadcast(shapes) if len(shapes) > 1 else (shapes[0] if shapes else ())
    covered = []
    for d, t in zip(dims, indices):
        covered.extend(range(d, d + (t._data.ndim if t._data.dtype.kind == "b" else 1)))
    rest = [s for i, s in enumerate(shape) if i not in covered]
    if covered and covered == list(range(covered[0], covered[-1] + 1)):
        first = covered[0]
        return tuple(shape[:first]) + b + tuple(shape[covered[-1] + 1:])
    return b + tuple(rest)


def fit_value(value, shape, basic=False):
    """`value` checked to broadcast to `shape`, its leading size-1 dims dropped (as PyTorch allows)."""
    vs = value._data.shape
    extra = len(vs) - len(shape)
    ok = extra <= 0 or all(s == 1 for s in vs[:extra])
    if ok:
        for i, (a, b) in enumerate(zip(reversed(vs), reversed(shape))):
            if a != b and a != 1:
                if basic:
                    raise RuntimeError(
                        f"The expanded size of the tensor ({b}) must match the existing size ({a}) at non-singleton "
                        f"dimension {len(shape) - 1 - i}.  Target sizes: {list(shape)}.  Tensor sizes: {list(vs)}")
                ok = False
                break
    if not ok:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(vs)} cannot be broadcast to indexing "
                           f"result of shape {list(shape)}")
    return P_getitem_basic(value, key=(0,) * extra) if extra > 0 else value


def _value_for(self, value):
    if isinstance(value, Tensor):
        return cast(same_device(value, self), self.dtype)
    if isinstance(value, _number):
        return scalar_tensor(value, self.dtype, self)
    raise TypeError(f"can't assign a {type(value).__name__} to a {self.type()}")


# ---- x[key], x[key] = value ----------------------------------------------------------------------
def _fast_index(self, key):
    """`key` itself when it is an int index vector (bounds checked) or a full-shape mask, else None."""
    k, d = key._data, self._data
    if k.__class__ is not d.__class__ or not k.ndim or not d.ndim:
        return None
    if k.dtype in _INT_NP:
        check_bounds(key, d.shape[0], 0)
        return key
    if k.dtype == _BOOL_NP and k.shape == d.shape:
        return key
    return None


def _fast_key(self, key):
    """The getitem of the commonest one-item keys (an int, a slice, an index vector, a full mask), or None."""
    cls = key.__class__
    if cls is Tensor:
        key = _fast_index(self, key)
        return None if key is None else P_index(self, key, dims=(0,))
    d = self._data
    if not d.ndim:
        return None
    if cls is int:
        n = d.shape[0]
        if -n <= key < n:
            return P_getitem_basic(self, key=(key % n,))
    elif cls is slice:
        start, stop, step = key.indices(d.shape[0])
        if step > 0:
            return P_getitem_basic(self, key=((start, stop, step),))
    return None


@tensor_method("__getitem__")
def _getitem(self, key):
    out = _fast_key(self, key)
    if out is not None:
        return out
    basic, indices, dims = parse_key(self, key)
    if not indices:
        return P_getitem_basic(self, key=basic)
    view = P_getitem_basic(self, key=basic) if basic else self
    if len(indices) > 1:
        _broadcast(_index_shapes(indices))
    return P_index(view, *indices, dims=dims)


@tensor_method("__setitem__")
def _setitem(self, key, value):
    value = _value_for(self, value)
    cls = key.__class__
    if cls is Tensor and not value._data.ndim and _fast_index(self, key) is not None:
        P_index_put_(self, value, key, dims=(0,), accumulate=False)
        return
    view = _fast_key(self, key) if cls is int or cls is slice else None
    if view is None:
        basic, indices, dims = parse_key(self, key)
        view = P_getitem_basic(self, key=basic) if basic else self
    else:
        indices = None
    if not indices:
        P_copy_(view, fit_value(value, view._data.shape, basic=True) if value._data.ndim else value)
        return
    if value._data.ndim:
        value = fit_value(value, result_shape(view._data.shape, indices, dims))
    P_index_put_(view, value, *indices, dims=dims, accumulate=False)


# ---- index_put -----------------------------------------------------------------------------------
def _put_indices(input, indices, op):
    """Validate index_put's tuple of index tensors; (tensors, dims)."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{op}(): argument 'indices' must be tuple of Tensors, not {type(indices).__name__}")
    shape = input._data.shape
    out, dims, d = [], [], 0
    for i, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 'indices', but got {type(t).__name__}")
        if t.dtype in _MASK:
            t = cast(t, _dtype.bool)
            k = t._data.ndim
            if d + k <= len(shape) and t._data.shape != shape[d:d + k]:
                raise IndexError(f"The shape of the mask {list(t._data.shape)} at index 0 does not match the shape "
                                 f"of the indexed tensor {list(shape)} at index {d}")
        elif t.dtype in _INT_INDEX:
            k = 1
            if d < len(shape):
                check_bounds(t, shape[d], d)
        else:
            raise IndexError(_BAD_DTYPE)
        out.append(same_device(t, input))
        dims.append(d)
        d += k
    if d > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)} (got {d})")
    if not out:
        raise RuntimeError(f"{op}(): expected at least one index tensor")
    return out, tuple(dims)


def _index_put_args(input, indices, values, op):
    check_tensor(input, op)
    check_tensor(values, op, "values")
    idx, dims = _put_indices(input, indices, op)
    if values.dtype is not input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {_tname(input.dtype)} "
                           f"for the destination and {_tname(values.dtype)} for the source.")
    values = fit_value(same_device(values, input), result_shape(input._data.shape, idx, dims))
    return idx, dims, values


@tensor_method()
def index_put(input, indices, values, accumulate=False):
    """A copy of `input` with `input[indices] = values` (or `+=` with accumulate, summing repeats)."""
    idx, dims, values = _index_put_args(input, indices, values, "index_put")
    return P_index_put(input, values, *idx, dims=dims, accumulate=bool(accumulate))


@tensor_method()
def index_put_(input, indices, values, accumulate=False):
    """In-place `index_put`."""
    idx, dims, values = _index_put_args(input, indices, values, "index_put_")
    return P_index_put_(input, values, *idx, dims=dims, accumulate=bool(accumulate))


# ---- masked ops ----------------------------------------------------------------------------------
def _check_mask(mask, op, what):
    check_tensor(mask, op, "mask")
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(f"{what}, but got mask with dtype {mask.dtype.name}")


def _expand(t, shape):
    return t if t._data.shape == shape else t.expand(shape)


def _fill_value(input, value, op):
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"{op} only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        return cast(same_device(value, input), input.dtype)
    if isinstance(value, _number):
        return scalar_tensor(value, input.dtype, input)
    raise TypeError(f"{op}(): argument 'value' must be Number or Tensor, not {type(value).__name__}")


@tensor_method()
def masked_fill(input, mask, value):
    """`value` where `mask` is True, else `input` (broadcast together); the dtype is input's."""
    check_tensor(input, "masked_fill")
    _check_mask(mask, "masked_fill", "masked_fill_ only supports boolean masks")
    v = _fill_value(input, value, "masked_fill_")
    broadcast_shapes(input._data.shape, mask._data.shape)
    return P_where(same_device(mask, input), v, input)


@tensor_method()
def masked_fill_(self, mask, value):
    """In-place `masked_fill`: `mask` must broadcast to self's shape."""
    _check_mask(mask, "masked_fill_", "masked_fill_ only supports boolean masks")
    v = _fill_value(self, value, "masked_fill_")
    shape = self._data.shape
    if broadcast_shapes(shape, mask._data.shape) != shape:
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                           f"{list(broadcast_shapes(shape, mask._data.shape))}")
    return P_index_put_(self, v, _expand(same_device(mask, self), shape), dims=(0,), accumulate=False)


def _masked_scatter_args(input, mask, source, op):
    check_tensor(input, op)
    _check_mask(mask, op, "masked_scatter_ only supports boolean masks")
    check_tensor(source, op, "source")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got "
                           f"{_tname(input.dtype)} and {_tname(source.dtype)}")
    shape = broadcast_shapes(input._data.shape, mask._data.shape)
    mask = _expand(same_device(mask, input), shape)
    count = int(mask._data.sum())
    if source._data.size < count:
        raise RuntimeError("masked_scatter: Number of elements of source < number of ones in mask")
    src = P_getitem_basic(reshape(same_device(source, input), (-1,)), key=((0, count, 1),))
    return shape, mask, src


@tensor_method()
def masked_scatter(input, mask, source):
    """A copy of `input` with the True positions of `mask` filled, in order, from `source`'s elements."""
    shape, mask, src = _masked_scatter_args(input, mask, source, "masked_scatter")
    return P_index_put(_expand(input, shape), src, mask, dims=(0,), accumulate=False)


@tensor_method()
def masked_scatter_(self, mask, source):
    """In-place `masked_scatter`."""
    shape, mask, src = _masked_scatter_args(self, mask, source, "masked_scatter_")
    if shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(shape)}")
    return P_index_put_(self, src, mask, dims=(0,), accumulate=False)


@tensor_method()
def masked_select(input, mask, *, out=None):
    """The elements of `input` where `mask` is True (broadcast together), as a 1-d tensor."""
    check_tensor(input, "masked_select")
    check_tensor(mask, "masked_select", "mask")
    if mask.dtype is not _dtype.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = broadcast_shapes(input._data.shape, mask._data.shape)
    x, m = _expand(input, shape), _expand(same_device(mask, input), shape)
    return finish(P_index(x, m, dims=(0,)), out, "masked_select")


# ---- nonzero -------------------------------------------------------------------------------------
@tensor_method()
def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-d tensor per dim."""
    check_tensor(input, "nonzero")
    if not as_tuple:
        return finish(P_nonzero(input), out, "nonzero")
    x = input if input._data.ndim else reshape(input, (1,))
    nz = P_nonzero(x)
    n = nz._data.shape[0]
    return tuple(P_getitem_basic(nz, key=((0, n, 1), j)) for j in range(x._data.ndim))


@tensor_method()
def argwhere(input):
    """`nonzero(input)`: the (n, ndim) indices of the non-zero elements."""
    check_tensor(input, "argwhere")
    return P_nonzero(input)


from .scatter import *  # noqa: E402,F403  (the gather/scatter half of this family)
from .scatter import __all__ as _scatter_all  # noqa: E402

__all__ = __all__ + _scatter_all
