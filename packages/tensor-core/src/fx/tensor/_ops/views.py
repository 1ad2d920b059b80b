"""View ops: results share the input's storage and version counter (reshape copies only if it must).

Primitives: "view" (shape), "permute" (dims), "expand" (shape), "as_strided" (size, stride,
storage_offset relative to the input), "slice" (dim, start, stop, step). Everything else
(transpose, squeeze, unsqueeze, flatten, narrow, select, diagonal, unfold, movedim, ...) composes
these; diagonal and unfold are as_strided views with strides computed here.
"""

from __future__ import annotations

import math

from .._dispatch import define
from .._size import Size
from .._tensor import Tensor, _wrap_dim, storage_root, tensor_method
from ._common import check_tensor

P_view = define("view", view=True)
P_permute = define("permute", view=True)
P_expand = define("expand", view=True)
P_as_strided = define("as_strided", view=True)
P_slice = define("slice", view=True)

__all__ = [
    "reshape", "permute", "transpose", "swapaxes", "swapdims", "squeeze", "unsqueeze", "flatten",
    "unflatten", "expand_copy", "broadcast_to", "broadcast_tensors", "broadcast_shapes", "narrow",
    "select", "as_strided", "diagonal", "movedim", "moveaxis", "t", "adjoint", "numel",
]


def infer_size(shape, numel, op="view"):
    """Resolve one -1 in `shape` against `numel`; PyTorch's messages for impossible shapes."""
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"{op}: invalid shape dimension {s}")
    known = math.prod(s for s in shape if s != -1)
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def view_strides(oldshape, oldstride, newshape):
    """Strides for viewing (oldshape, oldstride) as newshape, or None if a copy is needed (torch's computeStride)."""
    if not oldshape:
        oldshape, oldstride = (1,), (1,)
    if math.prod(oldshape) == 0:
        return tuple(oldstride) if tuple(oldshape) == tuple(newshape) else _contiguous_strides(newshape)
    newstride = [0] * len(newshape)
    view_d = len(newshape) - 1
    chunk_base = oldstride[-1]
    tensor_numel = view_numel = 1
    for tensor_d in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[tensor_d]
        if tensor_d == 0 or (oldshape[tensor_d - 1] != 1 and oldstride[tensor_d - 1] != tensor_numel * chunk_base):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk_base
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base = oldstride[tensor_d - 1]
                tensor_numel = view_numel = 1
    return tuple(newstride) if view_d == -1 else None


def _contiguous_strides(shape):
    strides, acc = [], 1
    for s in reversed(shape):
        strides.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(strides))


def _shape_arg(args, op):
    if len(args) == 1 and not isinstance(args[0], int):
        args = tuple(args[0])
    try:
        return tuple(int(s) for s in args)
    except TypeError:
        raise TypeError(f"{op}(): shape must be a sequence of ints, got {args!r}") from None


@tensor_method()
def view(self, *shape):
    """A view with a new shape (one dim may be -1); RuntimeError if the strides do not allow it.

    `view(dtype)` reinterprets the bytes as another dtype of the same size.
    """
    from .. import _dtype

    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        return _view_dtype(self, shape[0])
    shape = infer_size(_shape_arg(shape, "view"), self._data.size, "view")
    if shape == self._data.shape:
        return P_view(self, shape=shape)
    if not self._data.flags.c_contiguous and view_strides(self._data.shape, self.stride(), shape) is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans "
            "across two contiguous subspaces). Use .reshape(...) instead."
        )
    return P_view(self, shape=shape)


def _view_dtype(self, dt):
    if dt.itemsize != self.dtype.itemsize:
        raise RuntimeError(f"view: cannot view {self.dtype} as {dt}: element sizes differ ({self.dtype.itemsize} vs {dt.itemsize})")
    from .._tensor import shared_counter, wrap

    out = wrap(self._data.view(dt.np))
    out._vc = shared_counter(self)
    return out


def reshape(input, shape):
    """A tensor with the same data and a new shape: a view when the strides allow, else a copy."""
    check_tensor(input, "reshape")
    shape = infer_size(_shape_arg((shape,), "reshape"), input._data.size, "reshape")
    if input._data.flags.c_contiguous or view_strides(input._data.shape, input.stride(), shape) is not None:
        return P_view(input, shape=shape)
    return P_view(input.clone(), shape=shape)


@tensor_method("reshape")
def _reshape_method(self, *shape):
    return reshape(self, _shape_arg(shape, "reshape"))


@tensor_method()
def view_as(self, other):
    return self.view(other.shape)


@tensor_method()
def reshape_as(self, other):
    return reshape(self, other.shape)


def permute(input, dims):
    """Reorder the dimensions (a view)."""
    check_tensor(input, "permute")
    n = input._data.ndim
    dims = tuple(_wrap_dim(int(d), n, "permute") for d in dims)
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
            f"desired ordering of dimensions i.e. input.dim() = {n} is not equal to len(dims) = {len(dims)}"
        )
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return P_permute(input, dims=dims)


@tensor_method("permute")
def _permute_method(self, *dims):
    return permute(self, _shape_arg(dims, "permute"))


def transpose(input, dim0, dim1):
    """Swap two dimensions (a view)."""
    check_tensor(input, "transpose")
    n = input._data.ndim
    d0, d1 = _wrap_dim(dim0, n, "transpose"), _wrap_dim(dim1, n, "transpose")
    if n < 2:
        return P_view(input, shape=input._data.shape)
    dims = list(range(n))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return P_permute(input, dims=tuple(dims))


swapaxes = swapdims = transpose


def t(input):
    """Transpose a tensor of at most 2 dims."""
    check_tensor(input, "t")
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D")
    return transpose(input, 0, -1) if input._data.ndim == 2 else input.view(input.shape)


def adjoint(input):
    return transpose(input, -2, -1)


def _T(self):
    n = self._data.ndim
    return P_permute(self, dims=tuple(range(n - 1, -1, -1))) if n != 1 else self


def _mT(self):
    if self._data.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self._data.ndim}-D tensor.")
    return transpose(self, -2, -1)


Tensor.T = property(_T)
Tensor.H = property(_T)
Tensor.mT = property(_mT)
Tensor.mH = property(_mT)


def squeeze(input, dim=None):
    """Remove size-1 dims (all, one, or a tuple of them); other dims are left alone."""
    check_tensor(input, "squeeze")
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = {_wrap_dim(d, len(shape), "squeeze") for d in dims}
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return P_view(input, shape=new)


def unsqueeze(input, dim):
    """Insert a size-1 dim at `dim` (which may be input.dim() or negative)."""
    check_tensor(input, "unsqueeze")
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape) + 1, "unsqueeze")
    return P_view(input, shape=shape[:d] + (1,) + shape[d:])


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one (a view when possible)."""
    check_tensor(input, "flatten")
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    s = _wrap_dim(start_dim, len(shape), "flatten")
    e = _wrap_dim(end_dim, len(shape), "flatten")
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dim into `sizes` (one may be -1)."""
    check_tensor(input, "unflatten")
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape), "unflatten")
    if len(sizes) == 0:
        raise RuntimeError("unflatten: sizes must be non-empty")
    sizes = infer_size(tuple(sizes), shape[d], "unflatten")
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


def broadcast_shapes(*shapes):
    """The shape all given shapes broadcast to; RuntimeError naming the mismatch otherwise."""
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for s in shapes:
        s = (s,) if isinstance(s, int) else tuple(s)
        for i, size in enumerate(s):
            j = ndim - len(s) + i
            if size == out[j] or size == 1:
                continue
            if out[j] == 1:
                out[j] = size
            else:
                raise RuntimeError(
                    f"The size of tensor a ({out[j]}) must match the size of tensor b ({size}) at "
                    f"non-singleton dimension {i}"
                )
    return Size(out)


@tensor_method()
def expand(self, *sizes):
    """Broadcast to a larger shape without copying (-1 keeps a size)."""
    sizes = _shape_arg(sizes, "expand")
    shape = self._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to the number of "
            f"dimensions in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"expand: the expanded size of the tensor ({s}) isn't allowed in a leading, non-existing dimension {i}")
            out.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        if cur != s and cur != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at non-singleton "
                f"dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
        out.append(s)
    out = tuple(out)
    return P_expand(self, shape=out)


@tensor_method()
def expand_as(self, other):
    return self.expand(other.shape)


def broadcast_to(input, size):
    check_tensor(input, "broadcast_to")
    return input.expand(tuple(size))


def expand_copy(input, size):
    return input.expand(tuple(size)).clone()


def broadcast_tensors(*tensors):
    """Expand all tensors to their common broadcast shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for x in tensors:
        check_tensor(x, "broadcast_tensors", "tensors")
    shape = broadcast_shapes(*(x._data.shape for x in tensors))
    return tuple(x if x._data.shape == shape else x.expand(shape) for x in tensors)


def narrow(input, dim, start, length):
    """Elements start..start+length along dim (a view)."""
    check_tensor(input, "narrow")
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input._data.ndim, "narrow")
    size = input._data.shape[d]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return P_slice(input, dim=d, start=start, stop=start + int(length), step=1)


def select(input, dim, index):
    """The slice at `index` along `dim`, with that dim removed (a view)."""
    check_tensor(input, "select")
    if input._data.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input._data.ndim, "select")
    size = input._data.shape[d]
    i = int(index)
    if not -size <= i < size:
        raise IndexError(f"select(): index {i} out of range for tensor of size {list(input._data.shape)} at dimension {d}")
    if i < 0:
        i += size
    part = P_slice(input, dim=d, start=i, stop=i + 1, step=1)
    shape = input._data.shape
    return P_view(part, shape=shape[:d] + shape[d + 1:])


def as_strided(input, size, stride, storage_offset=None):
    """A view with explicit size/stride (in elements) over the input's storage."""
    check_tensor(input, "as_strided")
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"as_strided: mismatch in length of strides and shape ({len(stride)} vs {len(size)})")
    if any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: negative sizes or strides are not supported, got size={list(size)} stride={list(stride)}")
    offset = input.storage_offset() if storage_offset is None else int(storage_offset)
    _check_in_storage(input, size, stride, offset)
    return P_as_strided(input, size=size, stride=stride, storage_offset=offset)


def _check_in_storage(input, size, stride, offset):
    storage = storage_root(input._data).size
    if math.prod(size) == 0:
        return
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if offset < 0 or last >= storage:
        raise RuntimeError(
            f"as_strided: setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset} "
            f"require {last + 1} elements but the storage holds {storage}"
        )


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the (dim1, dim2) planes, appended as the last dim (a view)."""
    check_tensor(input, "diagonal")
    n = input._data.ndim
    if n < 2:
        raise RuntimeError(f"diagonal dimensions requires ndim larger than 1, got {n}")
    d1, d2 = _wrap_dim(dim1, n, "diagonal"), _wrap_dim(dim2, n, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    shape, stride = input._data.shape, input.stride()
    if offset >= 0:
        length = max(0, min(shape[d1], shape[d2] - offset))
        start = offset * stride[d2] if length else 0
    else:
        length = max(0, min(shape[d1] + offset, shape[d2]))
        start = -offset * stride[d1] if length else 0
    keep = [i for i in range(n) if i not in (d1, d2)]
    size = tuple(shape[i] for i in keep) + (length,)
    strides = tuple(stride[i] for i in keep) + (stride[d1] + stride[d2],)
    return P_as_strided(input, size=size, stride=strides, storage_offset=input.storage_offset() + start)


@tensor_method()
def unfold(self, dimension, size, step):
    """All windows of `size` elements with stride `step` along `dimension`, as a new last dim (a view)."""
    n = self._data.ndim
    d = _wrap_dim(dimension, n, "unfold") if n else 0
    length = self._data.shape[d] if n else 1
    if size > length:
        raise RuntimeError(f"unfold: maximum size for tensor at dimension {d} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    if size < 0:
        raise RuntimeError(f"unfold: size is {size} but must be >= 0")
    shape, stride = list(self._data.shape), list(self.stride())
    if not n:
        return P_as_strided(self, size=(size,), stride=(1,), storage_offset=self.storage_offset())
    windows = (length - size) // step + 1
    new_shape = tuple(shape[:d] + [windows] + shape[d + 1:] + [size])
    new_stride = tuple(stride[:d] + [stride[d] * step] + stride[d + 1:] + [stride[d]])
    return P_as_strided(self, size=new_shape, stride=new_stride, storage_offset=self.storage_offset())


def movedim(input, source, destination):
    """Move dims from `source` positions to `destination` positions (a view)."""
    check_tensor(input, "movedim")
    n = input._data.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain the same "
            f"number of dims as destination ({list(dst)} dims)"
        )
    src = [_wrap_dim(d, n, "movedim") for d in src]
    dst = [_wrap_dim(d, n, "movedim") for d in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise RuntimeError("movedim: repeated dim in `source` or `destination`")
    order = [d for d in range(n) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return P_permute(input, dims=tuple(order))


moveaxis = movedim


def numel(input) -> int:
    check_tensor(input, "numel")
    return input.numel()


for _name in ("permute_", "transpose", "swapaxes", "swapdims", "squeeze", "unsqueeze", "flatten", "unflatten",
              "narrow", "select", "as_strided", "diagonal", "movedim", "moveaxis", "t", "adjoint", "broadcast_to"):
    if not _name.endswith("_"):
        setattr(Tensor, _name, globals()[_name])
