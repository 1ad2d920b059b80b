"""Docstrings of fx.tensor.linalg's inverses, solvers and products (fx.tensor._ops.linalg_impl, fx.tensor.linalg)."""

from . import add_docstr
from .._ops.einsum import linalg_cross
from .._ops.linalg_impl import LinAlgError, inv, inv_ex, lstsq, multi_dot, solve, solve_ex, solve_triangular, vecdot
from ..linalg import diagonal

add_docstr(LinAlgError, """Error raised by `fx.tensor.linalg` when a matrix is singular or not positive-definite.

    It subclasses RuntimeError, like `torch.linalg.LinAlgError`. The `*_ex` functions report the
    same failures through their `info` output instead.

    Example:
        >>> try:
        ...     ft.linalg.inv(ft.zeros(2, 2))
        ... except ft.linalg.LinAlgError:
        ...     print("singular")
        singular
    """)

add_docstr(inv, """Compute the inverse of a square matrix, or of each matrix in a batch.

    Args:
        A: a (..., n, n) floating tensor.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the inverses, of A's shape; LinAlgError if a matrix is singular.

    Example:
        >>> ft.linalg.inv(ft.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """)

add_docstr(inv_ex, """Compute the inverse of square matrices, reporting singular ones through `info` instead of an error.

    Args:
        A: a (..., n, n) floating tensor.
        check_errors: raise LinAlgError on a singular matrix anyway (default False).
        out: an optional (inverse, info) pair of tensors to write into.

    Returns:
        (inverse, info): a namedtuple; info is an int32 tensor of shape (...), 0 where the
        inversion succeeded and > 0 where the matrix is singular (that inverse is then garbage).

    Example:
        >>> ft.linalg.inv_ex(ft.tensor([[1.0, 2.0], [2.0, 4.0]])).info
        tensor(2, dtype=fx.tensor.int32)
        >>> ft.linalg.inv_ex(ft.tensor([[2.0, 0.0], [0.0, 4.0]])).inverse
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """)

add_docstr(solve, """Solve the linear system A X = B (or X A = B with `left=False`) for square invertible A.

    Args:
        A: a (..., n, n) floating tensor.
        B: the right-hand side, (..., n, k); it is treated as a vector (..., n) when it is 1-d or
            has A.shape[:-1] as its shape. Batch dims broadcast.
        left: solve A X = B (default) or X A = B.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: X, of B's shape after broadcasting; LinAlgError if A is singular.

    Example:
        >>> A = ft.tensor([[2.0, 1.0], [1.0, 3.0]])
        >>> ft.linalg.solve(A, ft.tensor([3.0, 4.0]))
        tensor([1., 1.])
        >>> ft.linalg.solve(A, ft.tensor([[3.0, 4.0]]), left=False)
        tensor([[1., 1.]])
    """)

add_docstr(solve_ex, """Solve A X = B like `solve`, reporting singular matrices through `info` instead of an error.

    Args:
        A: a (..., n, n) floating tensor.
        B: the right-hand side, as for `solve`.
        left: solve A X = B (default) or X A = B.
        check_errors: raise LinAlgError on a singular matrix anyway (default False).
        out: an optional (result, info) pair of tensors to write into.

    Returns:
        (result, info): a namedtuple; info is an int32 tensor of shape (...), 0 on success.

    Example:
        >>> result, info = ft.linalg.solve_ex(ft.tensor([[2.0, 1.0], [1.0, 3.0]]), ft.tensor([3.0, 4.0]))
        >>> result, info
        (tensor([1., 1.]), tensor(0, dtype=fx.tensor.int32))
    """)

add_docstr(solve_triangular, """Solve A X = B (or X A = B) for triangular A, reading only the upper or lower triangle of A.

    Args:
        A: a (..., n, n) floating tensor.
        B: a (..., n, k) tensor (or (..., k, n) with left=False); batch dims broadcast.
        upper: whether to use the upper (True) or lower (False) triangle of A; required.
        left: solve A X = B (default) or X A = B.
        unitriangular: assume the diagonal of A is all ones, without reading it.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: X, of B's shape after broadcasting.

    Example:
        >>> A = ft.tensor([[2.0, 9.0], [1.0, 4.0]])
        >>> ft.linalg.solve_triangular(A, ft.tensor([[4.0], [10.0]]), upper=False)
        tensor([[2.],
                [2.]])
        >>> ft.linalg.solve_triangular(A, ft.tensor([[4.0], [10.0]]), upper=False, unitriangular=True)
        tensor([[4.],
                [6.]])
    """)

add_docstr(lstsq, """Compute a least-squares solution X minimising ||A X - B|| (the minimum-norm one).

    Args:
        A: a (..., m, n) floating tensor.
        B: a (..., m, k) tensor of A's dtype (batch dims broadcast).
        rcond: singular values below rcond * (the largest one) count as zero when finding the rank
            (default: machine epsilon * max(m, n)).
        driver: 'gelsy' (default), 'gels', 'gelsd' or 'gelss'; it decides which extra outputs
            are filled, as in PyTorch.

    Returns:
        (solution, residuals, rank, singular_values): a namedtuple. solution is (..., n, k);
        residuals, the squared residual norm per column, is filled for gels/gelsd/gelss when m > n
        and every matrix has full rank (else empty); rank (int64) for every driver but gels;
        singular_values for gelsd and gelss (else empty).

    Example:
        >>> A = ft.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
        >>> B = ft.tensor([[1.0], [2.0], [3.0]])
        >>> ft.linalg.lstsq(A, B).solution
        tensor([[1.],
                [2.]])
        >>> ft.linalg.lstsq(A, B, driver="gelsd").residuals
        tensor([9.])
    """)

add_docstr(multi_dot, """Multiply a chain of matrices, choosing the cheapest order of the products.

    Args:
        tensors: a sequence of 2 or more 2-d tensors; the first may be 1-d (a row vector) and the
            last 1-d (a column vector).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the product, without the dims of 1-d end operands.

    Example:
        >>> ft.linalg.multi_dot([ft.ones(2, 3), ft.ones(3, 4), ft.ones(4)])
        tensor([12., 12.])
    """)

add_docstr(vecdot, """Compute the dot products of the vectors along `dim`.

    Args:
        x: a tensor.
        y: a tensor broadcastable with `x`.
        dim: the dim holding the vectors (default -1).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the broadcast shape without `dim`.

    Example:
        >>> ft.linalg.vecdot(ft.tensor([[1.0, 2.0], [3.0, 4.0]]), ft.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """)

add_docstr(linalg_cross, """Compute the cross product of 3-element vectors along `dim`.

    Args:
        input: a tensor whose size along `dim` is 3.
        other: a tensor with the same number of dims, broadcastable with `input`.
        dim: the dim holding the vectors (default -1).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a tensor of the broadcast shape.

    Example:
        >>> ft.linalg.cross(ft.tensor([[1.0, 0.0, 0.0]]), ft.tensor([[0.0, 1.0, 0.0]]))
        tensor([[0., 0., 1.]])
    """)

add_docstr(diagonal, """Return the diagonals of the matrices in `A` (`fx.tensor.diagonal` over the last two dims by default).

    Args:
        A: a tensor with at least 2 dims.
        offset: which diagonal: 0 the main one, > 0 above it, < 0 below it (default 0).
        dim1: the first dim of the matrices (default -2).
        dim2: the second dim of the matrices (default -1).

    Returns:
        Tensor: a view with dims dim1 and dim2 removed and the diagonal appended as the last dim.

    Example:
        >>> ft.linalg.diagonal(ft.arange(8).reshape(2, 2, 2))
        tensor([[0, 3],
                [4, 7]])
    """)
