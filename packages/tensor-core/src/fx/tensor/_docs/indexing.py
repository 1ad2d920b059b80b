"""Docstrings of advanced-indexing and masking functions (fx.tensor._ops.index)."""

from . import add_docstr
from .._ops.index import argwhere, index_put, index_put_, masked_fill, masked_scatter, masked_select, nonzero

add_docstr(index_put, """Return a copy of `input` with `input[indices] = values` (or `+= values` with `accumulate`).

    Args:
        input: the tensor.
        indices: a tuple of index tensors (int64 or bool), one per leading dim, as in
            `input[i0, i1, ...]`; None entries select a whole dim.
        values: the values to write, broadcastable to the indexed shape (cast to input's dtype).
        accumulate: add `values` instead of assigning them; repeated indices then add up.

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> x = ft.zeros(4, dtype=ft.int64)
        >>> ft.index_put(x, (ft.tensor([0, 2]),), ft.tensor(5))
        tensor([5, 0, 5, 0])
        >>> ft.index_put(x, (ft.tensor([1, 1, 3]),), ft.tensor([1, 2, 3]), accumulate=True)
        tensor([0, 3, 0, 3])
    """)

add_docstr(index_put_, """Write `values` into `input[indices]` in place (or add them with `accumulate`).

    Args:
        input: the tensor to modify.
        indices: a tuple of index tensors (int64 or bool), one per leading dim; None entries select a whole dim.
        values: the values to write, broadcastable to the indexed shape (cast to input's dtype).
        accumulate: add `values` instead of assigning them; repeated indices then add up.

    Returns:
        Tensor: `input`, modified.

    Example:
        >>> x = ft.zeros(2, 3)
        >>> _ = ft.index_put_(x, (ft.tensor([1]), ft.tensor([2])), ft.tensor(7.0))
        >>> x
        tensor([[0., 0., 0.],
                [0., 0., 7.]])
    """)

add_docstr(masked_fill, """Return a copy of `input` with `value` where `mask` is True.

    Args:
        input: the tensor.
        mask: a bool tensor broadcastable to input's shape.
        value: a number or 0-d tensor, cast to input's dtype.

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> x = ft.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ft.masked_fill(x, x > 2, 0.0)
        tensor([[1., 2.],
                [0., 0.]])
    """)

add_docstr(masked_scatter, """Return a copy of `input` whose positions where `mask` is True are filled, in row-major order, from `source`.

    Args:
        input: the tensor.
        mask: a bool tensor broadcastable with `input`.
        source: a tensor of input's dtype with at least as many elements as `mask` has True values;
            its elements are used in order.

    Returns:
        Tensor: a new tensor of the broadcast shape.

    Example:
        >>> mask = ft.tensor([[True, False], [False, True]])
        >>> ft.masked_scatter(ft.zeros(2, 2), mask, ft.tensor([1.0, 2.0, 3.0]))
        tensor([[1., 0.],
                [0., 2.]])
    """)

add_docstr(masked_select, """Return the elements of `input` where `mask` is True, as a 1-d tensor.

    Args:
        input: the tensor.
        mask: a bool tensor broadcastable with `input`.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new 1-d tensor of input's dtype, in row-major order.

    Example:
        >>> x = ft.tensor([[1, 5], [7, 2]])
        >>> ft.masked_select(x, x > 3)
        tensor([5, 7])
    """)

add_docstr(nonzero, """Return the indices of the non-zero (True) elements of `input`, in row-major order.

    Args:
        input: the tensor.
        out: an optional tensor to write the result into.
        as_tuple: return one 1-d index tensor per dim instead of one 2-d tensor (default False).

    Returns:
        Tensor: an int64 tensor of shape (n, input.dim()), or with `as_tuple` a tuple of input.dim()
        int64 tensors of length n, usable as `input[result]`.

    Example:
        >>> x = ft.tensor([[1, 0], [0, 3]])
        >>> ft.nonzero(x)
        tensor([[0, 0],
                [1, 1]])
        >>> ft.nonzero(x, as_tuple=True)
        (tensor([0, 1]), tensor([0, 1]))
    """)

add_docstr(argwhere, """Return the indices of the non-zero elements of `input`, one row per element (`nonzero(input)`).

    Args:
        input: the tensor.

    Returns:
        Tensor: an int64 tensor of shape (n, input.dim()).

    Example:
        >>> ft.argwhere(ft.tensor([0, 4, 0, 2]))
        tensor([[1],
                [3]])
    """)
