"""Docstrings of fx.tensor.linalg's norms, pseudo-inverse, rank and condition number (fx.tensor._ops.linalg_norms)."""

from . import add_docstr
from .._ops.linalg_norms import cond, linalg_norm, matrix_norm, matrix_rank, pinv, vector_norm

add_docstr(linalg_norm, """Compute a vector or matrix norm, chosen by `dim` and `ord`.

    With `dim` of one int (or `ord` a number on a 1-d input) it is `vector_norm`; with `dim` a
    pair, a string `ord`, or `ord` on a 2-d input, `matrix_norm`; with neither `dim` nor `ord`,
    the 2-norm of the flattened input.

    Args:
        A: a floating tensor.
        ord: the order (see `vector_norm` and `matrix_norm`); default 2 for vectors, 'fro' for matrices.
        dim: None, an int or a pair of ints.
        keepdim: keep the reduced dims with size 1 (default False).
        dtype: compute and return in this dtype.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the norms, without the reduced dims (unless keepdim).

    Example:
        >>> x = ft.tensor([[3.0, -4.0], [0.0, 0.0]])
        >>> ft.linalg.norm(x)
        tensor(5.)
        >>> ft.linalg.norm(x, dim=1)
        tensor([5., 0.])
        >>> ft.linalg.norm(x, ord=1)
        tensor(4.)
    """)

add_docstr(vector_norm, """Compute the vector norm (sum |x|^ord)^(1/ord) over the given dims.

    Args:
        x: a floating tensor.
        ord: the order (default 2): any real number; inf and -inf give max |x| and min |x|, 0 the
            number of non-zero elements.
        dim: an int, a tuple of ints, or None (default) for all dims, i.e. the flattened input.
        keepdim: keep the reduced dims with size 1 (default False).
        dtype: compute and return in this dtype.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the norms, without the reduced dims (unless keepdim).

    Example:
        >>> x = ft.tensor([[3.0, -4.0], [0.0, 0.0]])
        >>> ft.linalg.vector_norm(x)
        tensor(5.)
        >>> ft.linalg.vector_norm(x, ord=float("inf"), dim=1)
        tensor([4., 0.])
        >>> ft.linalg.vector_norm(x, ord=0)
        tensor(2.)
    """)

add_docstr(matrix_norm, """Compute a matrix norm over two dimensions.

    Args:
        A: a floating tensor with at least 2 dims.
        ord: 'fro' (default; the root of the sum of squares), 'nuc' (sum of singular values),
            2 / -2 (largest / smallest singular value), 1 / -1 (max / min absolute column sum),
            inf / -inf (max / min absolute row sum).
        dim: the two dims holding the matrices (default (-2, -1)).
        keepdim: keep the reduced dims with size 1 (default False).
        dtype: compute and return in this dtype.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the norms, without the two reduced dims (unless keepdim).

    Example:
        >>> A = ft.tensor([[1.0, -2.0], [3.0, 4.0]])
        >>> ft.linalg.matrix_norm(A)
        tensor(5.4772)
        >>> ft.linalg.matrix_norm(A, ord=1), ft.linalg.matrix_norm(A, ord=float("inf"))
        (tensor(6.), tensor(7.))
    """)

add_docstr(pinv, """Compute the Moore-Penrose pseudo-inverse of a matrix (or batch of them).

    It is computed from the SVD (from `eigh` when hermitian=True), treating singular values at or
    below the tolerance max(atol, rtol * largest singular value) as zero.

    Args:
        A: a (..., m, n) float32 or float64 tensor.
        rcond: the old name of `rtol` (pass only one of them).
        hermitian: whether A is symmetric, read from its lower triangle (default False).
        atol: the absolute tolerance (default 0).
        rtol: the relative tolerance (default: machine epsilon * max(m, n), or 0 when atol > 0 is given).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a (..., n, m) tensor.

    Example:
        >>> ft.linalg.pinv(ft.tensor([[2.0, 0.0], [0.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000, 0.0000],
                [0.0000, 0.0000, 0.2500]])
    """)

add_docstr(matrix_rank, """Compute the numerical rank: the number of singular values above a tolerance.

    The tolerance is max(atol, rtol * largest singular value); with hermitian=True the absolute
    eigenvalues are used instead of singular values.

    Args:
        A: a (..., m, n) floating tensor.
        tol: the old name of `atol` (pass only one of them).
        hermitian: whether A is symmetric (default False).
        atol: the absolute tolerance (default 0).
        rtol: the relative tolerance (default: machine epsilon * max(m, n), or 0 when atol > 0 is given).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: int64 ranks of shape (...).

    Example:
        >>> ft.linalg.matrix_rank(ft.tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor(1)
        >>> ft.linalg.matrix_rank(ft.tensor([[1.0, 0.0], [0.0, 1e-3]]), atol=0.01)
        tensor(1)
    """)

add_docstr(cond, """Compute the condition number ||A|| * ||A^-1|| of a matrix (or batch of them).

    Args:
        A: a (..., m, n) floating tensor; square and invertible unless p is None, 2 or -2.
        p: the norm: None or 2 (default; largest / smallest singular value), -2 (smallest /
            largest), or 'fro', 'nuc', 1, -1, inf, -inf as in `matrix_norm`.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the condition numbers, of shape (...).

    Example:
        >>> A = ft.tensor([[2.0, 0.0], [0.0, 0.5]])
        >>> ft.linalg.cond(A)
        tensor(4.)
        >>> ft.linalg.cond(A, p="fro")
        tensor(4.2500)
    """)
