"""Tensor methods PyTorch programs call on any tensor: type_as, get_device, pin_memory/is_pinned,
share_memory_/is_shared, new, sum_to_size, split_with_sizes, resize_/resize_as_, fill_diagonal_,
apply_/map_, and the factory frombuffer."""

from __future__ import annotations

import mmap
import warnings

import numpy as np

from .. import _dtype
from .._backend import xp_of
from .._dispatch import define
from .._tensor import Tensor, storage_root, wrap
from ._common import check_tensor, inplace, parse_shape
from .joining import split

__all__ = ["split_with_sizes", "frombuffer"]

# resize_ replaces the array itself, outside any primitive: this marker (whose kernel does nothing) lets
# the interposers see the in-place change (vmap refuses it, the version counter moves).
P_resize_ = define("resize_", inplace=True, differentiable=False)


def type_as(self, other):
    """`self` cast to `other`'s dtype (and device)."""
    check_tensor(other, "type_as", "other")
    return self.to(device=other.device, dtype=other.dtype)


def get_device(self) -> int:
    """The CUDA device index, or -1 for a CPU tensor."""
    d = self.device
    return -1 if d.type == "cpu" else (d.index or 0)


def pin_memory(self, device=None):
    """`self`: pinning page-locks host memory for faster copies to a GPU; without an accelerator there is
    nothing to pin (a CPU-only PyTorch raises here; fx returns the tensor so that DataLoader-style
    `pin_memory=True` code runs unchanged)."""
    return self


def is_pinned(self, device=None) -> bool:
    """False: fx never page-locks host memory (see `pin_memory`)."""
    return False


def _shared_buffer(a):
    b = a
    while b is not None:
        if isinstance(b, mmap.mmap):
            return True
        b = getattr(b, "base", None)
    return False


def is_shared(self) -> bool:
    """True if the storage lives in shared memory (after `share_memory_`, or a DataLoader worker's batch)."""
    return self._data.__class__ is np.ndarray and _shared_buffer(self._data)


def share_memory_(self):
    """Move the storage into shared memory (an anonymous shared mapping, inherited by forked processes)."""
    data = self._data
    if data.__class__ is not np.ndarray or _shared_buffer(data):
        return self  # CUDA memory is shareable already
    root = storage_root(data)
    buf = mmap.mmap(-1, max(root.nbytes, 1), flags=mmap.MAP_SHARED)
    if root.flags.c_contiguous:
        np.frombuffer(buf, dtype=root.dtype, count=root.size).reshape(root.shape)[...] = root
        offset = data.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        self._data = np.ndarray(data.shape, dtype=data.dtype, buffer=buf, offset=offset, strides=data.strides)
    else:
        moved = np.ndarray(data.shape, dtype=data.dtype, buffer=buf)
        moved[...] = data
        self._data = moved
    return self


def new(self, *args, device=None):
    """Legacy constructor: `new(*sizes)` is uninitialized, `new(sequence)` copies data, in self's dtype."""
    from .._factory import empty, tensor

    dev = self.device if device is None else device
    if not args:
        return empty(0, dtype=self.dtype, device=dev)
    if len(args) == 1 and isinstance(args[0], Tensor):
        other = args[0]
        if other.dtype is not self.dtype:
            raise TypeError(f"expected {self.type()} (got {other.type()})")
        return other.detach()
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        return empty(*args, dtype=self.dtype, device=dev)
    if len(args) == 1:
        from .._size import Size

        data = args[0]
        if isinstance(data, Size):
            return empty(*data, dtype=self.dtype, device=dev)
        if isinstance(data, (list, tuple, np.ndarray)):
            return tensor(data, dtype=self.dtype, device=dev)
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    raise TypeError(f"new(): expected sizes as ints or one sequence of data, got {args!r}")


def sum_to_size(self, *size):
    """Sum `self` down to `size`, which must be expandable to self's shape (the reverse of `expand`)."""
    size = parse_shape(size, "sum_to_size")
    shape = self._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != shape[lead + i] for i, s in enumerate(size)):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1)
    if not dims:
        return self
    return self.sum(dim=dims, keepdim=True).reshape(size)


def split_with_sizes(input, split_sizes, dim=0):
    """Views of `input` of the given sizes along dim (which must add up to its length)."""
    check_tensor(input, "split_with_sizes")
    if not isinstance(split_sizes, (list, tuple)):
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not "
                        f"{type(split_sizes).__name__}")
    return split(input, list(split_sizes), dim)


def resize_(self, *sizes, memory_format=None):
    """Give `self` a new shape in place, keeping the storage's leading elements (growing it when needed)."""
    if self._rg:
        raise RuntimeError("cannot resize variables that require grad")
    shape = parse_shape(sizes, "resize_")
    P_resize_(self)
    n = int(np.prod(shape, dtype=np.int64))
    data = self._data
    xp = xp_of(data)
    root = storage_root(data)
    contiguous = data.flags.c_contiguous and root.flags.c_contiguous
    if contiguous:
        flat = root.reshape(-1)
        start = (data.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // max(data.itemsize, 1) \
            if data.__class__ is np.ndarray else 0
    else:
        flat, start = data.reshape(-1), 0
    if start + n <= flat.size:
        self._data = flat[start:start + n].reshape(shape)
    else:
        # Like PyTorch: a larger storage that starts with the old one (new elements are left as zeros).
        grown = xp.zeros(start + n, dtype=data.dtype)
        grown[:flat.size] = flat
        self._data = grown[start:].reshape(shape)
    return self


def resize_as_(self, the_template, memory_format=None):
    check_tensor(the_template, "resize_as_", "the_template")
    return resize_(self, the_template.shape)


def fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal (of a 2-d tensor, or of an n-d tensor with equal sizes) with fill_value.

    `wrap=True` restarts the diagonal every (columns + 1) rows of a tall matrix, like NumPy's fill_diagonal.
    """
    shape = self._data.shape
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shape, dtype=np.bool_)
    if len(shape) == 2:
        h, w = shape
        flat = np.arange(0, h * w, w + 1)
        if not wrap:
            flat = flat[:min(h, w)]
        mask.reshape(-1)[flat] = True
    else:
        idx = np.arange(shape[0])
        mask[(idx,) * len(shape)] = True
    from .._factory import tensor

    return self.masked_fill_(tensor(mask, device=self.device), fill_value)


def _python_map(self, op, fn, others):
    if self._rg:
        raise RuntimeError(f"Can't call {op}() on Variable that requires grad. Use var.detach().{op}() instead.")
    if self._data.__class__ is not np.ndarray:
        raise RuntimeError(f"{op}_ is only implemented on CPU tensors")
    arrays = [self._host()] + [o.expand(self.shape)._host() for o in others]
    values = np.frompyfunc(fn, len(arrays), 1)(*arrays) if self._data.size else np.empty(self._data.shape, object)
    result = np.asarray(values).astype(self._data.dtype) if self._data.size else np.empty(self._data.shape, self._data.dtype)
    return inplace(self, wrap(np.asarray(result).reshape(self._data.shape)), op)


def apply_(self, callable):
    """Replace each element x by callable(x) (a Python function, run element by element on the CPU)."""
    return _python_map(self, "apply_", callable, ())


def map_(self, tensor, callable):
    """Replace each element x by callable(x, y), y the matching element of `tensor` (broadcast to self)."""
    check_tensor(tensor, "map_", "tensor")
    return _python_map(self, "map_", callable, (tensor,))


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-d tensor viewing the bytes of a Python buffer (no copy: writes go to the buffer)."""
    dt = _dtype.to_dtype(dtype)
    view = memoryview(buffer)
    length, size = view.nbytes, dt.itemsize
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if offset < 0 or offset >= length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length ({length} bytes) "
                         "minus 1")
    if count < 0:
        if (length - offset) % size:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} bytes) must be a multiple of "
                             f"element size ({size})")
        count = (length - offset) // size
    elif offset + count * size > length:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) must not be "
                         f"greater than actual buffer length ({length} bytes)")
    if view.readonly:
        warnings.warn("The given buffer is not writable, and PyTorch does not support non-writable tensors. fx keeps "
                      "it read-only: writing to the tensor raises.", UserWarning, stacklevel=2)
    t = wrap(np.frombuffer(buffer, dtype=dt.np, count=count, offset=offset))
    if requires_grad:
        t.requires_grad_(True)
    return t


for _fn in (type_as, get_device, pin_memory, is_pinned, is_shared, share_memory_, new, sum_to_size, split_with_sizes,
            resize_, resize_as_, fill_diagonal_, apply_, map_):
    setattr(Tensor, _fn.__name__, _fn)
