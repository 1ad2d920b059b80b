"""Docstrings of the copying shape functions: tile, flips, rolls, triangles, diagonals, pad (fx.tensor._ops.shape)."""

from . import add_docstr
from .._ops.shape import (
    diag, diag_embed, diagflat, flip, fliplr, flipud, pad, ravel, repeat_interleave, roll, rot90, tile, tril,
    tril_indices, triu, triu_indices,
)

add_docstr(tile, """Repeat `input` along each dimension the number of times given in `dims`.

    Args:
        input: the tensor.
        dims: the repetitions per dim; when shorter than input.dim() it is padded with leading 1s,
            when longer, input gains leading size-1 dims.

    Returns:
        Tensor: a new tensor whose dim i has size input.shape[i] * dims[i].

    Example:
        >>> ft.tile(ft.tensor([1, 2]), (2, 2))
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """)

add_docstr(repeat_interleave, """Repeat each element (or each slice along `dim`) of `input` several times in a row.

    Called with a single 1-d int tensor, `repeat_interleave(repeats)` returns the indices
    [0] * repeats[0] + [1] * repeats[1] + ...

    Args:
        input: the tensor.
        repeats: the repetitions, an int or a 1-d int tensor with one count per element along `dim`.
        dim: the dim to repeat along; None (default) flattens `input` first.
        output_size: the total length along `dim` of the result, if known (saves computing it).

    Returns:
        Tensor: `input` with each slice repeated in place.

    Example:
        >>> ft.repeat_interleave(ft.tensor([1, 2, 3]), 2)
        tensor([1, 1, 2, 2, 3, 3])
        >>> ft.repeat_interleave(ft.tensor([[1, 2], [3, 4]]), ft.tensor([1, 2]), dim=0)
        tensor([[1, 2],
                [3, 4],
                [3, 4]])
    """)

add_docstr(flip, """Reverse the order of elements along the given dimensions.

    Args:
        input: the tensor.
        dims: the dims to reverse, a sequence of ints.

    Returns:
        Tensor: a new tensor (a copy, unlike NumPy's view).

    Example:
        >>> ft.flip(ft.tensor([[1, 2], [3, 4]]), [0, 1])
        tensor([[4, 3],
                [2, 1]])
    """)

add_docstr(fliplr, """Reverse the order of the columns (dimension 1).

    Args:
        input: a tensor with at least 2 dims.

    Returns:
        Tensor: a new tensor.

    Example:
        >>> ft.fliplr(ft.tensor([[1, 2, 3], [4, 5, 6]]))
        tensor([[3, 2, 1],
                [6, 5, 4]])
    """)

add_docstr(flipud, """Reverse the order of the rows (dimension 0).

    Args:
        input: a tensor with at least 1 dim.

    Returns:
        Tensor: a new tensor.

    Example:
        >>> ft.flipud(ft.tensor([[1, 2], [3, 4]]))
        tensor([[3, 4],
                [1, 2]])
    """)

add_docstr(roll, """Shift elements circularly along dimensions: elements pushed past the end come back at the start.

    Args:
        input: the tensor.
        shifts: the shift (int) or one shift per dim in `dims` (tuple); negative shifts go backwards.
        dims: the dim or dims to roll; None (default) rolls the flattened tensor and restores its shape.

    Returns:
        Tensor: a new tensor of input's shape.

    Example:
        >>> ft.roll(ft.tensor([1, 2, 3, 4]), 1)
        tensor([4, 1, 2, 3])
        >>> ft.roll(ft.tensor([[1, 2], [3, 4]]), shifts=(1, 1), dims=(0, 1))
        tensor([[4, 3],
                [2, 1]])
    """)

add_docstr(rot90, """Rotate by 90 degrees `k` times in the plane of `dims`, from the first dim towards the second.

    Args:
        input: a tensor with at least 2 dims.
        k: the number of quarter turns (default 1; negative turns the other way).
        dims: the two dims of the plane (default (0, 1)).

    Returns:
        Tensor: a new tensor.

    Example:
        >>> ft.rot90(ft.tensor([[1, 2], [3, 4]]))
        tensor([[2, 4],
                [1, 3]])
    """)

add_docstr(tril, """Keep the lower triangle of the matrices in the last two dimensions and zero the rest.

    Args:
        input: a tensor with at least 2 dims.
        diagonal: the last diagonal kept: 0 the main one, > 0 above it, < 0 below it (default 0).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> ft.tril(ft.ones(3, 3, dtype=ft.int64))
        tensor([[1, 0, 0],
                [1, 1, 0],
                [1, 1, 1]])
    """)

add_docstr(triu, """Keep the upper triangle of the matrices in the last two dimensions and zero the rest.

    Args:
        input: a tensor with at least 2 dims.
        diagonal: the first diagonal kept: 0 the main one, > 0 above it, < 0 below it (default 0).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor of input's shape and dtype.

    Example:
        >>> ft.triu(ft.ones(3, 3, dtype=ft.int64), 1)
        tensor([[0, 1, 1],
                [0, 0, 1],
                [0, 0, 0]])
    """)

add_docstr(tril_indices, """Return the row and column indices of the lower triangle of a row x col matrix, row by row.

    Args:
        row: the number of rows.
        col: the number of columns.
        offset: the last diagonal included: 0 the main one, > 0 above it, < 0 below it (default 0).
        dtype: the index dtype (default int64).
        device: where to place the result (default CPU).
        layout: accepted for compatibility; only strided tensors exist.

    Returns:
        Tensor: a (2, N) tensor: row indices, then column indices.

    Example:
        >>> ft.tril_indices(3, 3)
        tensor([[0, 1, 1, 2, 2, 2],
                [0, 0, 1, 0, 1, 2]])
    """)

add_docstr(triu_indices, """Return the row and column indices of the upper triangle of a row x col matrix, row by row.

    Args:
        row: the number of rows.
        col: the number of columns.
        offset: the first diagonal included: 0 the main one, > 0 above it, < 0 below it (default 0).
        dtype: the index dtype (default int64).
        device: where to place the result (default CPU).
        layout: accepted for compatibility; only strided tensors exist.

    Returns:
        Tensor: a (2, N) tensor: row indices, then column indices.

    Example:
        >>> ft.triu_indices(3, 3, 1)
        tensor([[0, 0, 1],
                [1, 2, 2]])
    """)

add_docstr(diag, """Build a diagonal matrix from a vector, or take a diagonal of a matrix.

    Args:
        input: a 1-d tensor (the diagonal to place) or a 2-d tensor (the matrix to read).
        diagonal: which diagonal: 0 the main one, > 0 above it, < 0 below it (default 0).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: for 1-d input of length n, an (n + |diagonal|) square matrix; for 2-d input, the
        diagonal as a new 1-d tensor.

    Example:
        >>> ft.diag(ft.tensor([1, 2]))
        tensor([[1, 0],
                [0, 2]])
        >>> ft.diag(ft.tensor([[1, 2], [3, 4]]), 1)
        tensor([2])
    """)

add_docstr(diag_embed, """Place the last dimension of `input` on a diagonal of new (dim1, dim2) planes.

    Args:
        input: a tensor whose last dim holds the diagonals.
        offset: which diagonal: 0 the main one, > 0 above it, < 0 below it (default 0).
        dim1: the first dim of the new planes in the result (default -2).
        dim2: the second dim of the new planes in the result (default -1).

    Returns:
        Tensor: a new tensor with one more dim than `input`, zero off the diagonal.

    Example:
        >>> ft.diag_embed(ft.tensor([[1, 2], [3, 4]]))
        tensor([[[1, 0],
                 [0, 2]],
        <BLANKLINE>
                [[3, 0],
                 [0, 4]]])
    """)

add_docstr(diagflat, """Build a 2-d matrix with the flattened `input` on a diagonal.

    Args:
        input: a tensor of any shape (flattened first).
        offset: which diagonal: 0 the main one, > 0 above it, < 0 below it (default 0).

    Returns:
        Tensor: a square matrix of size numel + |offset|.

    Example:
        >>> ft.diagflat(ft.tensor([[1, 2]]), 1)
        tensor([[0, 1, 0],
                [0, 0, 2],
                [0, 0, 0]])
    """)

add_docstr(pad, """Pad (or with negative widths, crop) the last dimensions of `input` (`torch.nn.functional.pad`).

    Args:
        input: the tensor.
        pad: an even-length sequence of widths, last dim first: (last_left, last_right,
            second_last_left, second_last_right, ...).
        mode: 'constant' (fill with `value`), 'reflect' (mirror without the edge), 'replicate'
            (repeat the edge) or 'circular' (wrap around); the non-constant modes pad the last
            1, 2 or 3 dims of a batched or unbatched input.
        value: the fill value for 'constant' mode (default 0).

    Returns:
        Tensor: a new tensor, each padded dim grown by the sum of its two widths.

    Example:
        >>> ft.pad(ft.tensor([[1, 2], [3, 4]]), (1, 0, 0, 1), value=9)
        tensor([[9, 1, 2],
                [9, 3, 4],
                [9, 9, 9]])
        >>> ft.pad(ft.tensor([[[1., 2., 3.]]]), (2, 1), mode="reflect")
        tensor([[[3., 2., 1., 2., 3., 2.]]])
    """)

add_docstr(ravel, """Return the elements of `input` as a 1-d tensor, in row-major order.

    Args:
        input: the tensor.

    Returns:
        Tensor: a view when the strides allow it, otherwise a copy.

    Example:
        >>> ft.ravel(ft.tensor([[1, 2], [3, 4]]))
        tensor([1, 2, 3, 4])
    """)
