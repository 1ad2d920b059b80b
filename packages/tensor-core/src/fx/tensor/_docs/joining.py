"""Docstrings of the joining functions: cat, stacks, atleast_*, grids and combinations (fx.tensor._ops.joining)."""

from . import add_docstr
from .._ops.joining import (
    atleast_1d, atleast_2d, atleast_3d, block_diag, cartesian_prod, cat, column_stack, combinations, concatenate,
    dstack, hstack, meshgrid, stack, vstack,
)

add_docstr(cat, """Concatenate tensors along an existing dimension.

    `concat` is the same function. The dtypes promote as in arithmetic; 1-d empty tensors of
    shape (0,) are skipped whatever the other shapes (PyTorch's legacy rule).

    Args:
        tensors: a sequence of tensors with equal sizes except along `dim`.
        dim: the dim to join along (default 0).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor whose size along `dim` is the sum of the inputs' sizes.

    Example:
        >>> a, b = ft.tensor([[1, 2]]), ft.tensor([[3, 4], [5, 6]])
        >>> ft.cat([a, b])
        tensor([[1, 2],
                [3, 4],
                [5, 6]])
        >>> ft.cat([a, a], dim=1)
        tensor([[1, 2, 1, 2]])
    """)

add_docstr(concatenate, """Alias of `cat` with NumPy's argument name `axis`.

    Args:
        tensors: a sequence of tensors with equal sizes except along `axis`.
        axis: the dim to join along (default 0).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor whose size along `axis` is the sum of the inputs' sizes.

    Example:
        >>> ft.concatenate([ft.tensor([1, 2]), ft.tensor([3])], axis=0)
        tensor([1, 2, 3])
    """)

add_docstr(stack, """Join tensors of one shape along a new dimension.

    Args:
        tensors: a non-empty sequence of tensors of the same shape.
        dim: where the new dim goes, in [-ndim - 1, ndim] (default 0).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor with one more dim, of size len(tensors), at `dim`.

    Example:
        >>> ft.stack([ft.tensor([1, 2]), ft.tensor([3, 4])], dim=1)
        tensor([[1, 3],
                [2, 4]])
    """)

add_docstr(hstack, """Concatenate tensors horizontally: along dim 1, or dim 0 for 1-d tensors.

    0-d tensors are treated as 1-d first.

    Args:
        tensors: a sequence of tensors.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor.

    Example:
        >>> ft.hstack([ft.tensor([[1], [2]]), ft.tensor([[3], [4]])])
        tensor([[1, 3],
                [2, 4]])
    """)

add_docstr(vstack, """Concatenate tensors vertically (along dim 0) after making each at least 2-d.

    A 1-d tensor of length n becomes a row (1, n). `row_stack` is the same function.

    Args:
        tensors: a sequence of tensors.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor with at least 2 dims.

    Example:
        >>> ft.vstack([ft.tensor([1, 2]), ft.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """)

add_docstr(dstack, """Concatenate tensors depth-wise (along dim 2) after making each at least 3-d.

    A 1-d tensor of length n becomes (1, n, 1); a 2-d (m, n) tensor becomes (m, n, 1).

    Args:
        tensors: a sequence of tensors.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor with at least 3 dims.

    Example:
        >>> ft.dstack([ft.tensor([1, 2]), ft.tensor([3, 4])])
        tensor([[[1, 3],
                 [2, 4]]])
    """)

add_docstr(column_stack, """Stack tensors as columns: 0-d and 1-d tensors become columns, then all are joined along dim 1.

    Args:
        tensors: a sequence of 0-d, 1-d or 2-d tensors with the same number of rows.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new 2-d tensor.

    Example:
        >>> ft.column_stack([ft.tensor([1, 2]), ft.tensor([[3, 4], [5, 6]])])
        tensor([[1, 3, 4],
                [2, 5, 6]])
    """)

add_docstr(meshgrid, """Build coordinate grids from 1-d tensors.

    Args:
        *tensors: 0-d or 1-d tensors (or one sequence of them), of sizes n1, n2, ...
        indexing: 'ij' (matrix indexing; the default) gives grids of shape (n1, n2, ...); 'xy'
            (Cartesian) swaps the first two dims, giving (n2, n1, ...).

    Returns:
        tuple of Tensor: one grid per input, each an expanded view (do not write to it).

    Example:
        >>> gx, gy = ft.meshgrid(ft.tensor([1, 2]), ft.tensor([3, 4, 5]), indexing="ij")
        >>> gx
        tensor([[1, 1, 1],
                [2, 2, 2]])
        >>> gy
        tensor([[3, 4, 5],
                [3, 4, 5]])
    """)

add_docstr(atleast_1d, """Return `input` with at least 1 dimension: 0-d tensors become shape (1,).

    Args:
        *tensors: one tensor, several tensors, or one sequence of tensors.

    Returns:
        Tensor or tuple of Tensor: a tensor for one tensor argument, else a tuple (views).

    Example:
        >>> ft.atleast_1d(ft.tensor(5))
        tensor([5])
        >>> [x.shape for x in ft.atleast_1d(ft.tensor(1), ft.zeros(2, 2))]
        [fx.tensor.Size([1]), fx.tensor.Size([2, 2])]
    """)

add_docstr(atleast_2d, """Return `input` with at least 2 dimensions: 0-d becomes (1, 1), 1-d of length n becomes (1, n).

    Args:
        *tensors: one tensor, several tensors, or one sequence of tensors.

    Returns:
        Tensor or tuple of Tensor: a tensor for one tensor argument, else a tuple (views).

    Example:
        >>> ft.atleast_2d(ft.tensor([1, 2]))
        tensor([[1, 2]])
    """)

add_docstr(atleast_3d, """Return `input` with at least 3 dimensions.

    0-d becomes (1, 1, 1), (n,) becomes (1, n, 1) and (m, n) becomes (m, n, 1).

    Args:
        *tensors: one tensor, several tensors, or one sequence of tensors.

    Returns:
        Tensor or tuple of Tensor: a tensor for one tensor argument, else a tuple (views).

    Example:
        >>> ft.atleast_3d(ft.zeros(2, 3)).shape
        fx.tensor.Size([2, 3, 1])
    """)

add_docstr(block_diag, """Build a block-diagonal matrix from the given tensors.

    Args:
        *tensors: 0-d, 1-d or 2-d tensors; a 0-d tensor is a 1 x 1 block and a 1-d tensor of
            length n a 1 x n block. Their dtypes promote together.

    Returns:
        Tensor: a 2-d tensor with the blocks on its diagonal and zeros elsewhere.

    Example:
        >>> ft.block_diag(ft.tensor([[1, 2], [3, 4]]), ft.tensor(5))
        tensor([[1, 2, 0],
                [3, 4, 0],
                [0, 0, 5]])
    """)

add_docstr(cartesian_prod, """Return the Cartesian product of 1-d tensors (like `itertools.product`), one combination per row.

    Args:
        *tensors: 1-d tensors.

    Returns:
        Tensor: a 2-d tensor of shape (n1 * n2 * ..., len(tensors)); given one tensor, that tensor.

    Example:
        >>> ft.cartesian_prod(ft.tensor([1, 2]), ft.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """)

add_docstr(combinations, """Return the length-`r` combinations of the elements of a 1-d tensor (like `itertools.combinations`).

    Args:
        input: a 1-d tensor.
        r: the length of each combination (default 2).
        with_replacement: whether an element may repeat within a combination (default False).

    Returns:
        Tensor: a 2-d tensor with one combination per row, in itertools order (an empty tensor
        when there is none).

    Example:
        >>> ft.combinations(ft.tensor([1, 2, 3]))
        tensor([[1, 2],
                [1, 3],
                [2, 3]])
    """)
