"""Docstrings of gather/scatter and index_* functions (fx.tensor._ops.scatter)."""

from . import add_docstr
from .._ops.scatter import (
    gather, index_add, index_copy, index_fill, index_reduce, index_select, put, scatter, scatter_add, scatter_reduce,
    take, take_along_dim,
)

add_docstr(gather, """Gather values along `dim` at the positions in `index`.

    For a 2-d input, `out[i][j] = input[index[i][j]][j]` with dim=0 and `input[i][index[i][j]]`
    with dim=1.

    Args:
        input: the source tensor.
        dim: the dim to index along.
        index: an int64 tensor with input's number of dims, no larger than input in the other dims.
        sparse_grad: accepted for compatibility; the gradient is dense.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor of index's shape and input's dtype.

    Example:
        >>> x = ft.tensor([[1, 2], [3, 4]])
        >>> ft.gather(x, 1, ft.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """)

add_docstr(scatter, """Return a copy of `input` with values written along `dim` at the positions in `index`.

    For a 2-d input with dim=0, `out[index[i][j]][j] = src[i][j]`. With repeated positions the
    value written is unspecified unless `reduce` is given.

    Args:
        input: the tensor.
        dim: the dim to index along.
        index: an int64 tensor with input's number of dims.
        src: a tensor of values (at least index's size in every dim), or a number.
        value: a number to write everywhere, instead of `src`.
        reduce: None to assign, or 'add' / 'multiply' to combine with input's values.

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> src = ft.tensor([[1, 2, 3]])
        >>> ft.scatter(ft.zeros(2, 3, dtype=ft.int64), 0, ft.tensor([[1, 0, 1]]), src)
        tensor([[0, 2, 0],
                [1, 0, 3]])
        >>> ft.scatter(ft.zeros(3), 0, ft.tensor([2]), value=5.0)
        tensor([0., 0., 5.])
    """)

add_docstr(scatter_add, """Return a copy of `input` with the values of `src` added along `dim` at the positions in `index`.

    For a 2-d input with dim=0, `out[index[i][j]][j] += src[i][j]`; repeated positions add up.

    Args:
        input: the tensor.
        dim: the dim to index along.
        index: an int64 tensor with input's number of dims.
        src: a tensor of values (at least index's size in every dim), of input's dtype.

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> ft.scatter_add(ft.zeros(3), 0, ft.tensor([0, 2, 0]), ft.tensor([1.0, 2.0, 3.0]))
        tensor([4., 0., 2.])
    """)

add_docstr(scatter_reduce, """Return a copy of `input` where the `src` values sent to each position by `index` are reduced.

    For a 2-d input with dim=0, src[i][j] goes to position (index[i][j], j).

    Args:
        input: the tensor.
        dim: the dim to index along.
        index: an int64 tensor with input's number of dims.
        src: a tensor of values, of input's dtype.
        reduce: 'sum', 'prod', 'mean', 'amax' or 'amin'.
        include_self: whether input's own value at each position takes part (default True);
            positions that receive nothing keep input's value either way.

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> src = ft.tensor([1.0, 5.0, 2.0])
        >>> ft.scatter_reduce(ft.zeros(2), 0, ft.tensor([0, 0, 1]), src, "amax")
        tensor([5., 2.])
        >>> ft.scatter_reduce(ft.ones(2), 0, ft.tensor([0, 0, 1]), src, "sum", include_self=False)
        tensor([6., 2.])
    """)

add_docstr(take_along_dim, """Take values of `input` at `indices` along `dim`, broadcasting the other dims (like NumPy's take_along_axis).

    Args:
        input: the tensor.
        indices: an int64 tensor; e.g. from `argsort` or `argmax(keepdim=True)`.
        dim: the dim to index along; None (default) indexes the flattened input with flat indices.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor of input's dtype.

    Example:
        >>> x = ft.tensor([[10, 30, 20], [60, 40, 50]])
        >>> ft.take_along_dim(x, ft.argsort(x, dim=1), dim=1)
        tensor([[10, 20, 30],
                [40, 50, 60]])
    """)

add_docstr(index_select, """Select the entries of `input` at positions `index` along `dim`.

    Args:
        input: the tensor.
        dim: the dim to index along.
        index: a 1-d (or 0-d) int tensor of positions; repeats are allowed.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor whose size along `dim` is len(index).

    Example:
        >>> x = ft.tensor([[1, 2, 3], [4, 5, 6]])
        >>> ft.index_select(x, 1, ft.tensor([2, 0]))
        tensor([[3, 1],
                [6, 4]])
    """)

add_docstr(index_add, """Return a copy of `input` with `alpha * source` added to its slices at positions `index` along `dim`.

    Args:
        input: the tensor.
        dim: the dim to index along.
        index: a 1-d int tensor; slice i of `source` is added at position index[i] (repeats add up).
        source: a tensor shaped like `input` except len(index) along `dim`.
        alpha: the multiplier of `source` (default 1).

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> ft.index_add(ft.zeros(3, 2), 0, ft.tensor([0, 2, 0]), ft.ones(3, 2))
        tensor([[2., 2.],
                [0., 0.],
                [1., 1.]])
    """)

add_docstr(index_copy, """Return a copy of `input` whose slices at positions `index` along `dim` are replaced by those of `source`.

    Args:
        input: the tensor.
        dim: the dim to index along.
        index: a 1-d int tensor; slice i of `source` goes to position index[i].
        source: a tensor shaped like `input` except len(index) along `dim`, of input's dtype.

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> ft.index_copy(ft.zeros(3, dtype=ft.int64), 0, ft.tensor([2, 0]), ft.tensor([7, 8]))
        tensor([8, 0, 7])
    """)

add_docstr(index_fill, """Return a copy of `input` with its slices at positions `index` along `dim` set to `value`.

    Args:
        input: the tensor.
        dim: the dim to index along.
        index: a 1-d (or 0-d) int tensor of positions.
        value: a number or 0-d tensor, cast to input's dtype.

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> ft.index_fill(ft.zeros(2, 3), 1, ft.tensor([0, 2]), -1.0)
        tensor([[-1.,  0., -1.],
                [-1.,  0., -1.]])
    """)

add_docstr(index_reduce, """Return a copy of `input` with the slices of `source` reduced into its slices at positions `index` along `dim`.

    Args:
        input: the tensor.
        dim: the dim to index along.
        index: a 1-d int tensor; slice i of `source` goes to position index[i].
        source: a tensor shaped like `input` except len(index) along `dim`, of input's dtype.
        reduce: 'prod', 'mean', 'amax' or 'amin'.
        include_self: whether input's own slices take part in the reduction (default True).

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> x = ft.tensor([1.0, 2.0, 3.0])
        >>> ft.index_reduce(x, 0, ft.tensor([0, 0, 2]), ft.tensor([4.0, 5.0, 6.0]), "prod")
        tensor([20.,  2., 18.])
        >>> ft.index_reduce(x, 0, ft.tensor([0, 0, 2]), ft.tensor([4.0, 5.0, 6.0]), "mean", include_self=False)
        tensor([4.5000, 2.0000, 6.0000])
    """)

add_docstr(take, """Index `input` as if it were 1-d.

    Args:
        input: the tensor (read in row-major order).
        index: an int64 tensor of flat positions (negative counts from the end).

    Returns:
        Tensor: a new tensor of index's shape and input's dtype.

    Example:
        >>> ft.take(ft.tensor([[1, 2], [3, 4]]), ft.tensor([[0, 3], [-1, 1]]))
        tensor([[1, 4],
                [4, 2]])
    """)

add_docstr(put, """Return a copy of `input` with its elements at flat positions `index` set to (or increased by) `source`.

    Args:
        input: the tensor (indexed in row-major order, as if 1-d).
        index: an int64 tensor of flat positions.
        source: a tensor with as many elements as `index`, of input's dtype.
        accumulate: add `source` instead of assigning it; repeated positions then add up.

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> ft.put(ft.zeros(2, 2), ft.tensor([0, 3, 3]), ft.tensor([1.0, 2.0, 3.0]), accumulate=True)
        tensor([[1., 0.],
                [0., 5.]])
    """)
