"""Docstrings of the splitting functions: split, chunk, tensor_split, unbind, h/v/dsplit (fx.tensor._ops.joining)."""

from . import add_docstr
from .._ops.joining import chunk, dsplit, hsplit, split, tensor_split, unbind, vsplit

add_docstr(split, """Split a tensor into pieces along `dim`, by piece size or by a list of sizes.

    Args:
        tensor: the tensor to split.
        split_size_or_sections: an int, the size of every piece (the last one may be smaller), or a
            sequence of sizes that sum to tensor.shape[dim].
        dim: the dim to split along (default 0).

    Returns:
        tuple of Tensor: views of `tensor`.

    Example:
        >>> ft.split(ft.arange(5), 2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> ft.split(ft.arange(5), [1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """)

add_docstr(chunk, """Split a tensor into `chunks` pieces of (nearly) equal size along `dim`.

    Each piece has ceil(n / chunks) elements, the last one fewer; so fewer than `chunks` pieces may
    come back when n is small.

    Args:
        input: the tensor to split.
        chunks: the number of pieces wanted (a positive int).
        dim: the dim to split along (default 0).

    Returns:
        tuple of Tensor: views of `input`.

    Example:
        >>> ft.chunk(ft.arange(5), 3)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> len(ft.chunk(ft.arange(6), 4))
        3
    """)

add_docstr(tensor_split, """Split a tensor into a number of near-equal sections, or at given indices, along `dim`.

    Args:
        input: the tensor to split.
        indices_or_sections: an int n gives n sections, the first (size % n) of them one element
            longer; a sequence of indices (or a 1-d int tensor) splits before each index, like
            NumPy's `array_split`.
        dim: the dim to split along (default 0).

    Returns:
        tuple of Tensor: views of `input` (some may be empty).

    Example:
        >>> ft.tensor_split(ft.arange(7), 3)
        (tensor([0, 1, 2]), tensor([3, 4]), tensor([5, 6]))
        >>> ft.tensor_split(ft.arange(5), [1, 3])
        (tensor([0]), tensor([1, 2]), tensor([3, 4]))
    """)

add_docstr(unbind, """Remove a dimension, returning every slice along it.

    Args:
        input: the tensor.
        dim: the dim to remove (default 0).

    Returns:
        tuple of Tensor: input.shape[dim] views, each with one dim fewer.

    Example:
        >>> ft.unbind(ft.tensor([[1, 2], [3, 4]]), dim=1)
        (tensor([1, 3]), tensor([2, 4]))
    """)

add_docstr(hsplit, """Split a tensor horizontally: `tensor_split` along dim 1 (dim 0 for a 1-d tensor).

    Args:
        input: a tensor with at least 1 dim.
        indices_or_sections: an int, which must divide the size evenly, or a sequence of indices.

    Returns:
        tuple of Tensor: views of `input`.

    Example:
        >>> ft.hsplit(ft.arange(8).reshape(2, 4), 2)
        (tensor([[0, 1],
                [4, 5]]), tensor([[2, 3],
                [6, 7]]))
    """)

add_docstr(vsplit, """Split a tensor vertically: `tensor_split` along dim 0 of a tensor with at least 2 dims.

    Args:
        input: a tensor with at least 2 dims.
        indices_or_sections: an int, which must divide the size evenly, or a sequence of indices.

    Returns:
        tuple of Tensor: views of `input`.

    Example:
        >>> [p.shape for p in ft.vsplit(ft.zeros(4, 3), [1])]
        [fx.tensor.Size([1, 3]), fx.tensor.Size([3, 3])]
    """)

add_docstr(dsplit, """Split a tensor depth-wise: `tensor_split` along dim 2 of a tensor with at least 3 dims.

    Args:
        input: a tensor with at least 3 dims.
        indices_or_sections: an int, which must divide the size evenly, or a sequence of indices.

    Returns:
        tuple of Tensor: views of `input`.

    Example:
        >>> [p.shape for p in ft.dsplit(ft.zeros(2, 2, 4), 2)]
        [fx.tensor.Size([2, 2, 2]), fx.tensor.Size([2, 2, 2])]
    """)
