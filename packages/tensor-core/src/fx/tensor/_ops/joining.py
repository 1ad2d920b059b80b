"""Joining and splitting: cat and the stacks, split/chunk/unbind (views), meshgrid, block_diag.

One primitive: "cat" (dim) over N inputs; its derivative is the gradient narrowed back into one
piece per input. Everything else composes cat with the view ops (splits are slices of the input).
"""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._dispatch import define
from .._dtype import FROM_NP
from .._tensor import Tensor, _wrap_dim, tensor_method, wrap
from ._common import cast, check_tensor, finish
from .copying import P_clone
from .views import P_slice, P_view

P_cat = define("cat")

__all__ = [
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack", "column_stack",
    "split", "chunk", "tensor_split", "unbind", "hsplit", "vsplit", "dsplit", "meshgrid", "atleast_1d",
    "atleast_2d", "atleast_3d", "block_diag", "cartesian_prod", "combinations",
]

_int = (int, np.integer)


def _tensor_list(tensors, op):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tensors


def _promoted(tensors):
    """The tensors cast to their common dtype (PyTorch promotion over all of them)."""
    first = tensors[0]._data.dtype
    if all(t._data.dtype is first for t in tensors):
        return tensors
    dt = FROM_NP[first]
    for t in tensors:
        dt = _dtype.promote_types(dt, FROM_NP[t._data.dtype])
    return [cast(t, dt) for t in tensors]


def cat(tensors, dim=0, *, out=None):
    """Concatenate along an existing dim; 1-d empty tensors of shape (0,) are skipped (legacy rule)."""
    _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    tensors = _promoted(tensors)
    live = [t for t in tensors if t._data.shape != (0,)]
    if not live:
        return finish(P_cat(*tensors, dim=0), out, "cat")
    ref = live[0]._data.shape
    nd = len(ref)
    d = _wrap_dim(dim, nd, "cat") if nd else 0
    for i, t in enumerate(tensors):
        s = t._data.shape
        if not s:
            raise RuntimeError(f"cat: zero-dimensional tensor (at position {i}) cannot be concatenated")
        if s == ref or s == (0,):
            continue
        if len(s) != nd:
            raise RuntimeError(f"cat: Tensors must have same number of dimensions: got {nd} and {len(s)}")
        for k in range(nd):
            if k != d and s[k] != ref[k]:
                raise RuntimeError(
                    f"cat: Sizes of tensors must match except in dimension {d}. Expected size {ref[k]} but got "
                    f"size {s[k]} for tensor number {i} in the list."
                )
    return finish(P_cat(*live, dim=d), out, "cat")


concat = cat


def concatenate(tensors, axis=0, out=None):
    """`cat` with NumPy's argument name."""
    return cat(tensors, axis, out=out)


def stack(tensors, dim=0, *, out=None):
    """Join same-shape tensors along a new dim."""
    _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 and "
                f"{list(t._data.shape)} at entry {i}"
            )
    d = _wrap_dim(dim, len(shape) + 1, "stack")
    grown = shape[:d] + (1,) + shape[d:]
    return cat([P_view(t, shape=grown) for t in tensors], d, out=out)


def _nonempty(tensors, op):
    _tensor_list(tensors, op)
    if not tensors:
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    return tensors


def hstack(tensors, *, out=None):
    """Concatenate column-wise (dim 1; dim 0 for 1-d tensors)."""
    ts = atleast_1d(_nonempty(tensors, "hstack"))
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """Concatenate row-wise after making every tensor at least 2-d."""
    return cat(atleast_2d(_nonempty(tensors, "vstack")), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Concatenate depth-wise (dim 2) after making every tensor at least 3-d."""
    return cat(atleast_3d(_nonempty(tensors, "dstack")), 2, out=out)


def column_stack(tensors, *, out=None):
    """Stack 0-d/1-d tensors as columns (and concatenate 2-d ones) along dim 1."""
    ts = _nonempty(tensors, "column_stack")
    return cat([t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t for t in ts], 1, out=out)


def _split_dim(tensor, dim, op):
    check_tensor(tensor, op, "tensor")
    if tensor._data.ndim == 0:
        raise RuntimeError(f"{op} expects at least a 1-dimensional tensor")
    return _wrap_dim(dim, tensor._data.ndim, op)


def _pieces(tensor, d, bounds):
    """Views of `tensor` between consecutive (start, stop) bounds along d."""
    return tuple(P_slice(tensor, dim=d, start=a, stop=b, step=1) for a, b in bounds)


def _by_sizes(tensor, d, sizes):
    bounds, start = [], 0
    for s in sizes:
        bounds.append((start, start + s))
        start += s
    return _pieces(tensor, d, bounds)


@tensor_method()
def split(tensor, split_size_or_sections, dim=0):
    """Views of `tensor` in pieces of `split_size` (last one smaller) or of the given sizes."""
    d = _split_dim(tensor, dim, "split")
    n = tensor._data.shape[d]
    arg = split_size_or_sections
    if isinstance(arg, _int) and not isinstance(arg, bool):
        s = int(arg)
        if s < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
        if s == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        if n == 0:
            return _by_sizes(tensor, d, [0])
        return _by_sizes(tensor, d, [s] * (n // s) + ([n % s] if n % s else []))
    if isinstance(arg, Tensor):
        arg = arg.tolist()
    if not isinstance(arg, (list, tuple)) or not all(isinstance(s, _int) and not isinstance(s, bool) for s in arg):
        raise TypeError(f"split(): argument 'split_size_or_sections' must be int or tuple of ints, not {arg!r}")
    sizes = [int(s) for s in arg]
    if any(s < 0 for s in sizes):
        raise RuntimeError(
            f"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={sizes}"
        )
    if sum(sizes) != n:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), "
            f"but got split_sizes={sizes}"
        )
    return _by_sizes(tensor, d, sizes)


@tensor_method()
def chunk(input, chunks, dim=0):
    """`chunks` views of (nearly) equal size ceil(n / chunks); fewer when n is small."""
    if not isinstance(chunks, _int) or isinstance(chunks, bool):
        raise TypeError(f"chunk(): argument 'chunks' (position 2) must be int, not {type(chunks).__name__}")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _split_dim(input, dim, "chunk")
    n = input._data.shape[d]
    if n == 0:
        return _by_sizes(input, d, [0] * chunks)
    return split(input, -(-n // chunks), d)


@tensor_method()
def tensor_split(input, indices_or_sections, dim=0):
    """Views split into `sections` near-equal parts (the first n % sections one longer), or at `indices`."""
    check_tensor(input, "tensor_split")
    if input._data.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    arg = indices_or_sections
    if isinstance(arg, Tensor):
        if arg.dtype is not _dtype.int64:
            raise RuntimeError(
                f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got {arg.dtype}"
            )
        if arg._data.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional "
                f"tensor, but got a tensor with {arg._data.ndim} dims"
            )
        arg = arg.item() if arg._data.ndim == 0 else arg.tolist()
    d = _wrap_dim(dim, input._data.ndim, "tensor_split")
    n = input._data.shape[d]
    if isinstance(arg, _int) and not isinstance(arg, bool):
        k = int(arg)
        if k <= 0:
            raise RuntimeError(f"tensor_split: number of sections must be larger than 0, got {k}")
        small, extra = divmod(n, k)
        return _by_sizes(input, d, [small + 1] * extra + [small] * (k - extra))
    if not isinstance(arg, (list, tuple)) or not all(isinstance(i, _int) and not isinstance(i, bool) for i in arg):
        raise TypeError(f"tensor_split(): argument 'indices_or_sections' must be int or tuple of ints, not {arg!r}")
    cuts = [0] + [int(i) for i in arg] + [n]
    bounds = []
    for a, b in zip(cuts, cuts[1:]):
        a, b, _ = slice(a, b).indices(n)
        bounds.append((a, max(a, b)))
    return _pieces(input, d, bounds)


def _direction_split(input, arg, dim, min_ndim, op):
    check_tensor(input, op)
    nd = input._data.ndim
    if nd < min_ndim:
        raise RuntimeError(
            f"torch.{op} requires a tensor with at least {min_ndim} dimension, but got a tensor with {nd} dimensions!"
        )
    if isinstance(arg, _int) and not isinstance(arg, bool):
        n = input._data.shape[dim]
        if arg == 0 or n % arg:
            raise RuntimeError(
                f"torch.{op} attempted to split along dimension {dim}, but the size of the dimension {n} is not "
                f"divisible by the split_size {arg}!"
            )
    return tensor_split(input, arg, dim)


@tensor_method()
def hsplit(input, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for 1-d); an int must divide the size evenly."""
    return _direction_split(input, indices_or_sections, 0 if getattr(input, "ndim", 0) == 1 else 1, 1, "hsplit")


@tensor_method()
def vsplit(input, indices_or_sections):
    """tensor_split along dim 0 of a tensor with at least 2 dims."""
    return _direction_split(input, indices_or_sections, 0, 2, "vsplit")


@tensor_method()
def dsplit(input, indices_or_sections):
    """tensor_split along dim 2 of a tensor with at least 3 dims."""
    return _direction_split(input, indices_or_sections, 2, 3, "dsplit")


@tensor_method()
def unbind(input, dim=0):
    """The slices along `dim` with that dim removed, as a tuple of views."""
    check_tensor(input, "unbind")
    shape = input._data.shape
    if not shape:
        raise IndexError(f"unbind: Dimension specified as {dim} but tensor has no dimensions")
    d = _wrap_dim(dim, len(shape), "unbind")
    rest = shape[:d] + shape[d + 1:]
    return tuple(P_view(P_slice(input, dim=d, start=i, stop=i + 1, step=1), shape=rest) for i in range(shape[d]))


def _atleast(tensors, ndim, op):
    if len(tensors) == 1:
        (one,) = tensors
        if isinstance(one, Tensor):
            return _promote_ndim(one, ndim)
        if not isinstance(one, (list, tuple)):
            raise TypeError(f"{op}(): expected a Tensor or a sequence of Tensors, got {type(one).__name__}")
        tensors = one
    return tuple(_promote_ndim(check_tensor(t, op, "tensors"), ndim) for t in tensors)


def _promote_ndim(t, ndim):
    s = t._data.shape
    if len(s) >= ndim:
        return t
    if ndim == 3 and len(s) == 2:
        return P_view(t, shape=s + (1,))
    if ndim == 3 and len(s) == 1:
        return P_view(t, shape=(1,) + s + (1,))
    return P_view(t, shape=(1,) * (ndim - len(s)) + s)


def atleast_1d(*tensors):
    """0-d tensors as (1,); a tuple when given several tensors or a sequence."""
    return _atleast(tensors, 1, "atleast_1d")


def atleast_2d(*tensors):
    """0-d as (1, 1), 1-d (n,) as (1, n)."""
    return _atleast(tensors, 2, "atleast_2d")


def atleast_3d(*tensors):
    """0-d as (1, 1, 1), (n,) as (1, n, 1), (m, n) as (m, n, 1)."""
    return _atleast(tensors, 3, "atleast_3d")


def meshgrid(*tensors, indexing=None):
    """Coordinate grids (expanded views) of 0-d/1-d tensors; indexing 'ij' (default) or 'xy'."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    _tensor_list(tensors, "meshgrid")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor of shape {list(t.shape)}"
            )
        if t._data.dtype != tensors[0]._data.dtype:
            raise RuntimeError(
                f"meshgrid expects all tensors to have the same dtype, got {tensors[0].dtype} and {t.dtype}"
            )
        if t.device != tensors[0].device:
            raise RuntimeError(f"meshgrid expects all tensors on the same device, got {tensors[0].device}, {t.device}")
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        tensors = (tensors[1], tensors[0]) + tuple(tensors[2:])
    sizes = tuple(t._data.size for t in tensors)
    n = len(tensors)
    grids = tuple(P_view(t, shape=(1,) * i + (sizes[i],) + (1,) * (n - i - 1)).expand(sizes)
                  for i, t in enumerate(tensors))
    if swap:
        grids = (grids[1], grids[0]) + grids[2:]
    return grids


def cartesian_prod(*tensors):
    """All combinations of elements of 1-d tensors, one per row (a 1-d tensor when given one)."""
    _tensor_list(tensors, "cartesian_prod")
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"cartesian_prod: Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):
    """All length-r combinations of a 1-d tensor's elements, one per row, in itertools order."""
    check_tensor(input, "combinations")
    if input._data.ndim != 1:
        raise RuntimeError(f"combinations: Expect a 1D vector, but got shape {list(input.shape)}")
    if not isinstance(r, _int) or isinstance(r, bool):
        raise TypeError(f"combinations(): argument 'r' must be int, not {type(r).__name__}")
    if r < 0:
        raise RuntimeError(f"combinations: Expect a non-negative number, but got {r}")
    if r == 0:
        return P_clone(P_slice(input, dim=0, start=0, stop=0, step=1))
    # Like torch: every index tuple of the r-fold grid, kept where it is (strictly) increasing.
    grid = np.indices((input._data.shape[0],) * r).reshape(r, -1)
    order = np.less_equal if with_replacement else np.less
    keep = np.logical_and.reduce([order(grid[k], grid[k + 1]) for k in range(r - 1)]) if r > 1 else slice(None)
    index = wrap(np.ascontiguousarray(grid[:, keep].T).reshape(-1)).to(input.device)
    return input.index_select(0, index).view(-1, r)


def block_diag(*tensors):
    """A block-diagonal matrix of 0-d, 1-d and 2-d tensors (dtype promoted across them)."""
    from .shape import P_pad

    _tensor_list(tensors, "block_diag")
    for i, t in enumerate(tensors):
        if t._data.ndim > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has {t._data.ndim} "
                "dimensions"
            )
    if not tensors:
        from .._factory import empty

        return empty((1, 0))
    mats = [P_view(t, shape=(1,) * (2 - t._data.ndim) + t._data.shape) for t in _promoted(list(tensors))]
    width = sum(m._data.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        c = m._data.shape[1]
        rows.append(P_pad(m, pads=(left, width - left - c), mode="constant", value=0))
        left += c
    return cat(rows, 0)
