"""Indexing along one dim: gather/scatter, take_along_dim, index_select/add/copy/fill/reduce; take/put.

Primitives: "gather" (x, index; dim), "scatter" (x, index, src; dim: overwrite, src may be 0-d)
and "scatter_reduce" (x, index, src; dim, reduce, include_self). The index_* ops are the "index" /
"index_put" primitives of index.py with one index vector at `dim` (index_add is index_put with
accumulate, so its gradient is index_select and back). Like PyTorch, these ops treat a 0-d tensor
as one element and each op keeps PyTorch's own index dtype and bounds rules.
"""

from __future__ import annotations

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor, _wrap_dim, tensor_method
from ._common import _number, _tname, cast, check_tensor, finish, inplace, inplace_source, scalar_tensor
from .binary import mul
from .index import P_index, P_index_put, P_index_put_, check_bounds, same_device, shape1
from .views import broadcast_shapes, reshape

P_gather = define("gather")
P_scatter = define("scatter")
P_scatter_reduce = define("scatter_reduce")

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce", "take_along_dim", "index_select", "index_add",
           "index_copy", "index_fill", "index_reduce", "take", "put"]

_INT_INDEX = (_dtype.int64, _dtype.int32)
_REDUCE = ("sum", "prod", "mean", "amax", "amin")


def _dim(input, dim, op):
    return _wrap_dim(dim, max(input._data.ndim, 1), op)


# ---- gather / scatter ----------------------------------------------------------------------------
def _check_scatter_index(input, d, index, src, op):
    """PyTorch's gather/scatter index checks: dtype, rank, sizes, bounds (all RuntimeError)."""
    check_tensor(index, op, "index")
    if index.dtype not in _INT_INDEX:
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index")
    ishape, xshape = shape1(index), shape1(input)
    if len(ishape) != len(xshape):
        what = "input" if op == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {what} tensor")
    if src is not None and len(shape1(src)) != len(ishape):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    sshape = shape1(src) if src is not None else ishape
    if index._data.size and (any(i > x for j, (i, x) in enumerate(zip(ishape, xshape)) if j != d)
                             or any(i > s for i, s in zip(ishape, sshape))):
        if op == "gather":
            raise RuntimeError(f"Size does not match at dimension {d} expected index {list(index.shape)} to be no "
                               f"larger than self {list(input.shape)} apart from dimension {d}")
        raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} apart "
                           f"from dimension {d} and to be no larger size than src {list(sshape)}")
    check_bounds(index, xshape[d], d, negative=False, exc=RuntimeError)
    return same_device(index, input)


@tensor_method()
def gather(input, dim, index, *, sparse_grad=False, out=None):
    """out[i][j] = input[index[i][j]][j] (dim=0), for index no larger than input outside `dim`."""
    check_tensor(input, "gather")
    d = _dim(input, dim, "gather")
    index = _check_scatter_index(input, d, index, None, "gather")
    return finish(P_gather(input, index, dim=d), out, "gather")


def _src_or_value(input, src, value, op):
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
        return same_device(src, input), True
    v = value if src is None else src
    if isinstance(v, Tensor) and not v._data.ndim:
        return cast(same_device(v, input), input.dtype), False
    if isinstance(v, _number):
        return scalar_tensor(v, input.dtype, input), False
    raise TypeError(f"{op}(): argument 'src' must be Tensor or 'value' a number, not {type(v).__name__}")


@tensor_method()
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of `input` with input[index[i][j]][j] = src[i][j] (dim=0); `src` may be a number (value)."""
    check_tensor(input, "scatter")
    d = _dim(input, dim, "scatter")
    s, is_tensor = _src_or_value(input, src, value, "scatter")
    index = _check_scatter_index(input, d, index, s if is_tensor else None, "scatter")
    if reduce is None:
        return P_scatter(input, index, s, dim=d)
    if reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    return P_scatter_reduce(input, index, s, dim=d, reduce="sum" if reduce == "add" else "prod", include_self=True)


@tensor_method()
def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    """In-place `scatter`."""
    return inplace(self, scatter(inplace_source(self), dim, index, src, value=value, reduce=reduce), "scatter_")


def _tensor_src(input, src, op):
    if not isinstance(src, Tensor):
        raise TypeError(f"{op}(): argument 'src' must be Tensor, not {type(src).__name__}")
    if src.dtype is not input.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
    return same_device(src, input)


@tensor_method()
def scatter_add(input, dim, index, src):
    """A copy of `input` with src[i][j] added at input[index[i][j]][j] (dim=0); repeats accumulate."""
    check_tensor(input, "scatter_add")
    d = _dim(input, dim, "scatter_add")
    src = _tensor_src(input, src, "scatter_add")
    index = _check_scatter_index(input, d, index, src, "scatter_add")
    return P_scatter_reduce(input, index, src, dim=d, reduce="sum", include_self=True)


@tensor_method()
def scatter_add_(self, dim, index, src):
    return inplace(self, scatter_add(inplace_source(self), dim, index, src), "scatter_add_")


@tensor_method()
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Reduce (sum, prod, mean, amax, amin) the src values scattered to each position, with or without input's own."""
    check_tensor(input, "scatter_reduce")
    d = _dim(input, dim, "scatter_reduce")
    if reduce not in _REDUCE:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if reduce == "mean" and input.dtype is _dtype.bool:
        raise RuntimeError("scatter_reduce(): reduce='mean' is not supported for bool tensors")
    src = _tensor_src(input, src, "scatter_reduce")
    index = _check_scatter_index(input, d, index, src, "scatter_reduce")
    return P_scatter_reduce(input, index, src, dim=d, reduce=reduce, include_self=bool(include_self))


@tensor_method()
def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    return inplace(self, scatter_reduce(inplace_source(self), dim, index, src, reduce, include_self=include_self), "scatter_reduce_")


@tensor_method()
def take_along_dim(input, indices, dim=None, *, out=None):
    """Values of `input` at `indices` along `dim` (broadcast together elsewhere); dim=None: flat."""
    check_tensor(input, "take_along_dim")
    check_tensor(indices, "take_along_dim", "indices")
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {_tname(indices.dtype)}")
    indices = same_device(indices, input)
    if dim is None:
        input, indices, d = reshape(input, (-1,)), reshape(indices, (-1,)), 0
    else:
        d = _dim(input, dim, "take_along_dim")
        if input._data.ndim != indices._data.ndim:
            raise RuntimeError(
                f"torch.take_along_dim(): input and indices should have the same number of dimensions, but got "
                f"{input._data.ndim} dimensions for input, and {indices._data.ndim} dimensions for indices")
        if input._data.ndim:
            xs, ix = list(input._data.shape), list(indices._data.shape)
            xs[d] = ix[d] = 1
            shape = list(broadcast_shapes(xs, ix))
            input = input.expand(shape[:d] + [input._data.shape[d]] + shape[d + 1:])
            indices = indices.expand(shape[:d] + [indices._data.shape[d]] + shape[d + 1:])
    check_bounds(indices, shape1(input)[d], d, exc=RuntimeError)
    return finish(P_gather(input, indices, dim=d), out, "take_along_dim")


# ---- index_select / index_add / index_copy / index_fill / index_reduce ---------------------------
def _vector(index, op, dtypes, like, dtype_msg):
    check_tensor(index, op, "index")
    if index.dtype not in dtypes:
        raise RuntimeError(dtype_msg)
    if index._data.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector, but got dim: {index._data.ndim} with type: "
                         f"{_tname(index.dtype)} and size: {list(index._data.shape)}")
    index = same_device(index, like)
    return index if index._data.ndim else reshape(index, (1,))


def _as1d(t):
    return t if t._data.ndim else reshape(t, (1,))


@tensor_method()
def index_select(input, dim, index, *, out=None):
    """The entries of `input` at positions `index` (a vector) along `dim`."""
    check_tensor(input, "index_select")
    d = _dim(input, dim, "index_select")
    index = _vector(index, "index_select", _INT_INDEX, input, "index_select(): Expected dtype int32 or int64 for index")
    check_bounds(index, shape1(input)[d], d, negative=False, msg="index out of range in self")
    res = P_index(_as1d(input), index, dims=(d,))
    if not input._data.ndim:
        res = reshape(res, ())
    return finish(res, out, "index_select")


def _source_args(input, dim, index, source, op, dtypes=_INT_INDEX, bounds_exc=RuntimeError, bounds_msg=None):
    """Checks shared by index_add/index_copy/index_reduce; (dim, index vector, source) with 0-d as 1-d."""
    check_tensor(input, op)
    d = _dim(input, dim, op)
    index = _vector(index, op, dtypes, input,
                    f"{op}(): Expected dtype int32/int64 for index but got: {_tname(index.dtype)}"
                    if isinstance(index, Tensor) else "")
    check_tensor(source, op, "source")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"{op}(): self ({_tname(input.dtype)}) and source ({_tname(source.dtype)}) must have the "
                           "same scalar type")
    xs, ss = shape1(input), shape1(source)
    if len(ss) != len(xs) or any(a != b for j, (a, b) in enumerate(zip(xs, ss)) if j != d):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    if index._data.size != ss[d]:
        raise RuntimeError(f"{op}(): Number of indices ({index._data.size}) should be equal to source.size(dim): "
                           f"({ss[d]}), for dim: {d}")
    check_bounds(index, xs[d], d, negative=False, exc=bounds_exc, msg=bounds_msg)
    return d, index, _as1d(same_device(source, input))


def _result(res, input):
    return res if input._data.ndim else reshape(res, ())


@tensor_method()
def index_add(input, dim, index, source, *, alpha=1):
    """A copy of `input` with alpha * source's slices added at positions `index` along `dim` (repeats add up)."""
    d, index, source = _source_args(input, dim, index, source, "index_add")
    if alpha != 1:
        source = cast(mul(source, alpha), input.dtype)
    return _result(P_index_put(_as1d(input), source, index, dims=(d,), accumulate=True), input)


@tensor_method()
def index_add_(self, dim, index, source, *, alpha=1):
    """In-place `index_add`."""
    d, index, source = _source_args(self, dim, index, source, "index_add_")
    if alpha != 1:
        source = cast(mul(source, alpha), self.dtype)
    P_index_put_(_as1d(self), source, index, dims=(d,), accumulate=True)
    return self


def _copy_args(input, dim, index, source, op):
    if isinstance(index, Tensor) and index.dtype is not _dtype.int64:
        raise RuntimeError(f"{op}(): Expected a long tensor for index, but got {_tname(index.dtype)}")
    if isinstance(source, Tensor) and isinstance(input, Tensor) and source.dtype is not input.dtype:
        raise RuntimeError(f"{op}(): self and source expected to have the same dtype, but got (self) "
                           f"{_tname(input.dtype)} and (source) {_tname(source.dtype)}")
    return _source_args(input, dim, index, source, op, bounds_exc=IndexError,
                        bounds_msg=op + "(): index {index} is out of bounds for dimension {dim} with size {size}")


@tensor_method()
def index_copy(input, dim, index, source):
    """A copy of `input` with its slices at positions `index` along `dim` replaced by source's."""
    d, index, source = _copy_args(input, dim, index, source, "index_copy")
    return _result(P_index_put(_as1d(input), source, index, dims=(d,), accumulate=False), input)


@tensor_method()
def index_copy_(self, dim, index, source):
    d, index, source = _copy_args(self, dim, index, source, "index_copy_")
    P_index_put_(_as1d(self), source, index, dims=(d,), accumulate=False)
    return self


def _fill_args(input, dim, index, value, op):
    check_tensor(input, op)
    d = _dim(input, dim, op)
    check_tensor(index, op, "index")
    if index.dtype is not _dtype.int64:
        raise IndexError(f"{op}(): Expected dtype int64 for index.")
    if index._data.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        v = cast(same_device(value, input), input.dtype)
    elif isinstance(value, _number):
        v = scalar_tensor(value, input.dtype, input)
    else:
        raise TypeError(f"{op}(): argument 'value' must be Number or Tensor, not {type(value).__name__}")
    index = _as1d(same_device(index, input))
    check_bounds(index, shape1(input)[d], d)
    return d, index, v


@tensor_method()
def index_fill(input, dim, index, value):
    """A copy of `input` with the slices at positions `index` along `dim` set to `value`."""
    d, index, v = _fill_args(input, dim, index, value, "index_fill")
    return _result(P_index_put(_as1d(input), v, index, dims=(d,), accumulate=False), input)


@tensor_method()
def index_fill_(self, dim, index, value):
    d, index, v = _fill_args(self, dim, index, value, "index_fill_")
    P_index_put_(_as1d(self), v, index, dims=(d,), accumulate=False)
    return self


@tensor_method()
def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """Reduce (prod, mean, amax, amin) source's slices into input's slices at positions `index` along `dim`."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    d, index, source = _source_args(input, dim, index, source, "index_reduce_", bounds_exc=IndexError,
                                    bounds_msg="index out of range in self")
    x = _as1d(input)
    if reduce == "mean" and input.dtype is _dtype.bool:
        raise RuntimeError("index_reduce(): reduce='mean' is not supported for bool tensors")
    shape = [1] * x._data.ndim
    shape[d] = index._data.size
    idx = reshape(index, shape).expand(source._data.shape)
    return _result(P_scatter_reduce(x, idx, source, dim=d, reduce=reduce, include_self=bool(include_self)), input)


@tensor_method()
def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    return inplace(self, index_reduce(inplace_source(self), dim, index, source, reduce, include_self=include_self), "index_reduce_")


# ---- take / put ----------------------------------------------------------------------------------
def _flat_index(input, index, op, source=None):
    check_tensor(input, op)
    check_tensor(index, op, "index")
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"{op}(): Expected a long tensor for index, but got {_tname(index.dtype)}")
    n = input._data.size
    if n == 0 and index._data.size:
        raise IndexError(f"{op}(): tried to take from an empty tensor")
    check_bounds(index, n, 0, msg="out of range: tried to access index {index} on a tensor of {size} elements.")
    return reshape(input, (-1,)), same_device(index, input)


@tensor_method()
def take(input, index):
    """`input` viewed as 1-d, indexed by `index` (the result has index's shape)."""
    flat, index = _flat_index(input, index, "take")
    return P_index(flat, index, dims=(0,))


def _put_args(input, index, source, op):
    check_tensor(input, op)
    check_tensor(index, op, "index")
    check_tensor(source, op, "source")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"{op}(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_tname(input.dtype)} and source.dtype = {_tname(source.dtype)}")
    if source._data.size != index._data.size:
        raise IndexError(f"{op}(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source._data.size}, index.numel() = {index._data.size}")
    flat, index = _flat_index(input, index, op)
    return flat, reshape(index, (-1,)), reshape(same_device(source, input), (-1,))


@tensor_method()
def put(input, index, source, accumulate=False):
    """A copy of `input` with the flat positions `index` set to (or, accumulating, increased by) `source`."""
    flat, idx, src = _put_args(input, index, source, "put")
    return reshape(P_index_put(flat, src, idx, dims=(0,), accumulate=bool(accumulate)), input._data.shape)


@tensor_method()
def put_(self, index, source, accumulate=False):
    """In-place `put`."""
    return inplace(self, put(inplace_source(self), index, source, accumulate), "put_")
