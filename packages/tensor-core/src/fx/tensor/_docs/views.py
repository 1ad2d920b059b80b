"""Docstrings of the view and reshaping functions (fx.tensor._ops.views)."""

from . import add_docstr
from .._ops.views import (
    adjoint, as_strided, broadcast_shapes, broadcast_tensors, broadcast_to, diagonal, expand_copy, flatten, movedim,
    narrow, numel, permute, reshape, select, squeeze, t, transpose, unflatten, unsqueeze,
)

add_docstr(reshape, """Return a tensor with the same elements (in row-major order) and a new shape.

    Args:
        input: the tensor to reshape.
        shape: the new shape, a sequence of ints; one entry may be -1 and is then inferred.

    Returns:
        Tensor: a view of `input` when its strides allow it, otherwise a copy.

    Example:
        >>> ft.reshape(ft.arange(6), (2, -1))
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """)

add_docstr(permute, """Return a view of `input` with its dimensions reordered.

    Args:
        input: the tensor.
        dims: the new order, a sequence holding each dim of `input` once (negative dims count from the end).

    Returns:
        Tensor: a view whose dim i is input's dim `dims[i]`.

    Example:
        >>> ft.permute(ft.zeros(2, 3, 4), (2, 0, 1)).shape
        fx.tensor.Size([4, 2, 3])
    """)

add_docstr(transpose, """Return a view of `input` with dimensions `dim0` and `dim1` swapped.

    `swapaxes` and `swapdims` are the same function.

    Args:
        input: the tensor.
        dim0: the first dim.
        dim1: the second dim.

    Returns:
        Tensor: a view sharing input's storage.

    Example:
        >>> ft.transpose(ft.tensor([[1, 2, 3], [4, 5, 6]]), 0, 1)
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
    """)

add_docstr(squeeze, """Remove dimensions of size 1.

    Args:
        input: the tensor.
        dim: None (default) to remove every size-1 dim, or an int or tuple of ints naming the dims to
            remove; named dims whose size is not 1 are left alone.

    Returns:
        Tensor: a view of `input`.

    Example:
        >>> x = ft.zeros(2, 1, 3, 1)
        >>> ft.squeeze(x).shape, ft.squeeze(x, 1).shape, ft.squeeze(x, 0).shape
        (fx.tensor.Size([2, 3]), fx.tensor.Size([2, 3, 1]), fx.tensor.Size([2, 1, 3, 1]))
    """)

add_docstr(unsqueeze, """Insert a dimension of size 1 at position `dim`.

    Args:
        input: the tensor.
        dim: where the new dim goes, in [-input.dim() - 1, input.dim()].

    Returns:
        Tensor: a view of `input` with one more dim.

    Example:
        >>> ft.unsqueeze(ft.tensor([1, 2, 3]), 1)
        tensor([[1],
                [2],
                [3]])
    """)

add_docstr(flatten, """Merge the dimensions `start_dim` through `end_dim` into one.

    Args:
        input: the tensor.
        start_dim: the first dim to merge (default 0).
        end_dim: the last dim to merge (default -1).

    Returns:
        Tensor: a view when the strides allow it, otherwise a copy; a 0-d input gives a 1-d tensor.

    Example:
        >>> ft.flatten(ft.zeros(2, 3, 4), 1).shape
        fx.tensor.Size([2, 12])
        >>> ft.flatten(ft.tensor([[1, 2], [3, 4]]))
        tensor([1, 2, 3, 4])
    """)

add_docstr(unflatten, """Split dimension `dim` into several dimensions of the given sizes.

    Args:
        input: the tensor.
        dim: the dim to split.
        sizes: the new sizes, whose product is input.shape[dim]; one may be -1 and is then inferred.

    Returns:
        Tensor: a view of `input`.

    Example:
        >>> ft.unflatten(ft.zeros(2, 12), 1, (3, -1)).shape
        fx.tensor.Size([2, 3, 4])
    """)

add_docstr(expand_copy, """Return a copy of `input` broadcast to `size` (`input.expand(size)` as new memory).

    Args:
        input: the tensor.
        size: the target shape; -1 keeps a dim's size, new leading dims may be added.

    Returns:
        Tensor: a contiguous tensor of shape `size`.

    Example:
        >>> ft.expand_copy(ft.tensor([[1], [2]]), (2, 3))
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """)

add_docstr(broadcast_to, """Broadcast `input` to the shape `size`.

    Args:
        input: the tensor.
        size: the target shape; -1 keeps a dim's size, new leading dims may be added, and only
            size-1 dims can grow.

    Returns:
        Tensor: a view of `input` (expanded dims have stride 0; do not write to it).

    Example:
        >>> ft.broadcast_to(ft.tensor([1, 2, 3]), (2, 3))
        tensor([[1, 2, 3],
                [1, 2, 3]])
    """)

add_docstr(broadcast_tensors, """Broadcast tensors to their common shape.

    Args:
        *tensors: tensors whose shapes broadcast together.

    Returns:
        tuple of Tensor: one view per input, all of the broadcast shape.

    Example:
        >>> a, b = ft.broadcast_tensors(ft.zeros(3, 1), ft.zeros(4))
        >>> a.shape, b.shape
        (fx.tensor.Size([3, 4]), fx.tensor.Size([3, 4]))
    """)

add_docstr(broadcast_shapes, """Return the shape that tensors of the given shapes broadcast to, without making tensors.

    Args:
        *shapes: shapes, as ints or sequences of ints.

    Returns:
        tuple of int: the broadcast shape; RuntimeError if the shapes are incompatible.

    Example:
        >>> tuple(ft.broadcast_shapes((2, 1), (1, 3), (3,)))
        (2, 3)
    """)

add_docstr(narrow, """Return the elements `start` .. `start + length - 1` along dimension `dim`.

    Args:
        input: the tensor.
        dim: the dim to narrow.
        start: the first index (negative counts from the end; an int or 0-d int tensor).
        length: how many elements to keep.

    Returns:
        Tensor: a view of `input`.

    Example:
        >>> ft.narrow(ft.tensor([[1, 2, 3], [4, 5, 6]]), 1, 1, 2)
        tensor([[2, 3],
                [5, 6]])
    """)

add_docstr(select, """Return the slice at `index` along `dim`, with that dimension removed (`input[:, index]` for dim 1).

    Args:
        input: the tensor.
        dim: the dim to index.
        index: the position along `dim` (negative counts from the end).

    Returns:
        Tensor: a view with one dim fewer than `input`.

    Example:
        >>> ft.select(ft.tensor([[1, 2, 3], [4, 5, 6]]), 1, -1)
        tensor([3, 6])
    """)

add_docstr(as_strided, """Return a view of input's storage with an explicit size, stride and storage offset.

    Args:
        input: the tensor whose storage is viewed.
        size: the shape of the view.
        stride: the stride of each dim of the view, in elements.
        storage_offset: the position of the view's first element in the storage (default: input's).

    Returns:
        Tensor: a view; overlapping views are allowed, so write to them with care.

    Example:
        >>> ft.as_strided(ft.arange(6), (2, 2), (1, 2), 1)
        tensor([[1, 3],
                [2, 4]])
    """)

add_docstr(diagonal, """Return the diagonal of the (dim1, dim2) planes of `input`.

    Args:
        input: a tensor with at least 2 dims.
        offset: which diagonal: 0 the main one, > 0 above it, < 0 below it (default 0).
        dim1: the first dim of the planes (default 0).
        dim2: the second dim of the planes (default 1).

    Returns:
        Tensor: a view with dims dim1 and dim2 removed and the diagonal appended as the last dim.

    Example:
        >>> x = ft.arange(9).reshape(3, 3)
        >>> ft.diagonal(x), ft.diagonal(x, 1)
        (tensor([0, 4, 8]), tensor([1, 5]))
    """)

add_docstr(movedim, """Move dimensions of `input` from the positions in `source` to those in `destination`.

    The other dims keep their relative order. `moveaxis` is the same function.

    Args:
        input: the tensor.
        source: a dim or sequence of dims to move.
        destination: their new positions (same length as `source`).

    Returns:
        Tensor: a view of `input`.

    Example:
        >>> ft.movedim(ft.zeros(2, 3, 4), 0, -1).shape
        fx.tensor.Size([3, 4, 2])
    """)

add_docstr(t, """Transpose a tensor of at most 2 dims (0-d and 1-d tensors are returned as they are).

    Args:
        input: a tensor with 0, 1 or 2 dims.

    Returns:
        Tensor: a view; `transpose(input, 0, 1)` for a 2-d input.

    Example:
        >>> ft.t(ft.tensor([[1, 2, 3]]))
        tensor([[1],
                [2],
                [3]])
    """)

add_docstr(adjoint, """Return the conjugate transpose of the last two dimensions (the transpose, as fx has no complex dtypes).

    Args:
        input: a tensor with at least 2 dims.

    Returns:
        Tensor: a view with the last two dims swapped.

    Example:
        >>> ft.adjoint(ft.zeros(5, 2, 3)).shape
        fx.tensor.Size([5, 3, 2])
    """)

add_docstr(numel, """Return the number of elements of `input`.

    Args:
        input: the tensor.

    Returns:
        int: the product of the sizes (1 for a 0-d tensor).

    Example:
        >>> ft.numel(ft.zeros(2, 3, 4)), ft.numel(ft.tensor(5))
        (24, 1)
    """)
