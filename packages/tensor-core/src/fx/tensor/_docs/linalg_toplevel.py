"""Docstrings of the linear-algebra functions PyTorch also has at top level (fx.tensor._ops.linalg_impl/linalg_norms).

det, slogdet and matrix_power are the same objects in fx.tensor and fx.tensor.linalg.
"""

from . import add_docstr
from .._ops.linalg_impl import (
    cholesky, cholesky_inverse, cholesky_solve, det, inverse, logdet, matrix_power, qr, slogdet, svd,
)
from .._ops.linalg_norms import pinverse

add_docstr(det, """Compute the determinant of a square matrix, or of each matrix in a batch.

    `fx.tensor.det` and `fx.tensor.linalg.det` are the same function.

    Args:
        A: a (..., n, n) floating tensor.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a tensor of shape (...) (0-d for one matrix), of A's dtype.

    Example:
        >>> ft.det(ft.tensor([[4.0, 2.0], [2.0, 3.0]]))
        tensor(8.)
        >>> ft.linalg.det(ft.tensor([[[2.0, 0.0], [0.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]]))
        tensor([ 6., -2.])
    """)

add_docstr(logdet, """Compute the natural log of the determinant of a square matrix (or batch of them).

    Args:
        input: a (..., n, n) floating tensor.

    Returns:
        Tensor: a tensor of shape (...): nan where the determinant is negative, -inf where it is zero.

    Example:
        >>> ft.logdet(ft.tensor([[4.0, 2.0], [2.0, 3.0]]))
        tensor(2.0794)
        >>> ft.logdet(ft.tensor([[0.0, 1.0], [1.0, 0.0]]))
        tensor(nan)
    """)

add_docstr(slogdet, """Compute the sign and the log of the absolute value of the determinant, without overflow.

    `fx.tensor.slogdet` and `fx.tensor.linalg.slogdet` are the same function.

    Args:
        A: a (..., n, n) floating tensor.
        out: an optional (sign, logabsdet) pair of tensors to write into.

    Returns:
        (sign, logabsdet): a namedtuple of tensors of shape (...); det = sign * exp(logabsdet);
        a singular matrix gives sign 0 and logabsdet -inf.

    Example:
        >>> sign, logabsdet = ft.slogdet(ft.tensor([[0.0, 2.0], [2.0, 0.0]]))
        >>> sign, logabsdet.exp()
        (tensor(-1.), tensor(4.))
    """)

add_docstr(inverse, """Alias of `fx.tensor.linalg.inv`: the inverse of a square matrix (or batch of them).

    Args:
        input: a (..., n, n) floating tensor of invertible matrices.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the inverses, of input's shape; LinAlgError if a matrix is singular.

    Example:
        >>> ft.inverse(ft.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """)

add_docstr(pinverse, """Compute the Moore-Penrose pseudo-inverse (`fx.tensor.linalg.pinv` with a relative tolerance `rcond`).

    Args:
        input: a (..., m, n) float32 or float64 tensor.
        rcond: singular values <= rcond * (the largest singular value) are treated as zero
            (default 1e-15).

    Returns:
        Tensor: a (..., n, m) tensor.

    Example:
        >>> ft.pinverse(ft.tensor([[2.0], [0.0]]))
        tensor([[0.5000, 0.0000]])
    """)

add_docstr(matrix_power, """Raise a square matrix (or batch of them) to an integer power `n`.

    `fx.tensor.matrix_power` and `fx.tensor.linalg.matrix_power` are the same function.

    Args:
        A: a (..., k, k) tensor (floating when n < 0).
        n: the exponent: 0 gives the identity, n < 0 the power of the inverse.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a tensor of A's shape and dtype.

    Example:
        >>> ft.matrix_power(ft.tensor([[1, 1], [0, 1]]), 3)
        tensor([[1, 3],
                [0, 1]])
        >>> ft.matrix_power(ft.tensor([[2.0, 0.0], [0.0, 4.0]]), -1)
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """)

add_docstr(cholesky, """Compute the Cholesky factor of symmetric positive-definite matrices (prefer `fx.tensor.linalg.cholesky`).

    Args:
        input: a (..., n, n) floating tensor of symmetric positive-definite matrices.
        upper: return the upper factor U with A = U^T U instead of the lower L with A = L L^T.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the triangular factors, of input's shape; LinAlgError if a matrix is not positive-definite.

    Example:
        >>> A = ft.tensor([[4.0, 2.0], [2.0, 5.0]])
        >>> ft.cholesky(A)
        tensor([[2., 0.],
                [1., 2.]])
        >>> ft.cholesky(A, upper=True)
        tensor([[2., 1.],
                [0., 2.]])
    """)

add_docstr(cholesky_solve, """Solve A X = B given B and the Cholesky factor of the symmetric positive-definite matrix A.

    Args:
        input: B, a (..., n, k) tensor of right-hand sides.
        input2: the (..., n, n) Cholesky factor of A (lower, or upper with `upper=True`).
        upper: whether `input2` is the upper factor (default False).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: X, of the broadcast shape (..., n, k).

    Example:
        >>> L = ft.linalg.cholesky(ft.tensor([[4.0, 2.0], [2.0, 5.0]]))
        >>> ft.cholesky_solve(ft.tensor([[6.0], [9.0]]), L)
        tensor([[0.7500],
                [1.5000]])
    """)

add_docstr(cholesky_inverse, """Compute the inverse of a symmetric positive-definite matrix A from its Cholesky factor.

    Args:
        input: the (..., n, n) Cholesky factor of A (lower, or upper with `upper=True`).
        upper: whether `input` is the upper factor (default False).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the inverse of A, of input's shape.

    Example:
        >>> L = ft.linalg.cholesky(ft.tensor([[4.0, 2.0], [2.0, 5.0]]))
        >>> ft.cholesky_inverse(L) * 16
        tensor([[ 5., -2.],
                [-2.,  4.]])
    """)

add_docstr(svd, """Compute the singular value decomposition A = U diag(S) V^T (prefer `fx.tensor.linalg.svd`, which returns Vh).

    Args:
        input: a (..., m, n) floating tensor.
        some: return the reduced factors U (..., m, k) and V (..., n, k) with k = min(m, n)
            (default True), else the full square ones.
        compute_uv: when False, only S is computed and U and V are returned zero-filled.
        out: an optional (U, S, V) triple of tensors to write into.

    Returns:
        (U, S, V): a namedtuple; S holds the singular values in descending order.

    Example:
        >>> A = ft.tensor([[3.0, 0.0], [0.0, -4.0]])
        >>> U, S, V = ft.svd(A)
        >>> S
        tensor([4., 3.])
        >>> U @ ft.diag(S) @ V.T
        tensor([[ 3.,  0.],
                [ 0., -4.]])
        >>> ft.svd(ft.ones(3, 2), some=False).U.shape
        fx.tensor.Size([3, 3])
    """)

add_docstr(qr, """Compute the QR decomposition A = Q R (prefer `fx.tensor.linalg.qr`).

    Args:
        input: a (..., m, n) floating tensor.
        some: return the reduced factors Q (..., m, k), R (..., k, n) with k = min(m, n)
            (default True), else the complete ones Q (..., m, m), R (..., m, n).
        out: an optional (Q, R) pair of tensors to write into.

    Returns:
        (Q, R): a namedtuple: Q with orthonormal columns, R upper triangular.

    Example:
        >>> A = ft.tensor([[3.0, 1.0], [4.0, 2.0]])
        >>> Q, R = ft.qr(A)
        >>> R.abs()
        tensor([[5.0000, 2.2000],
                [0.0000, 0.4000]])
        >>> bool(ft.allclose(Q @ R, A, atol=1e-6))
        True
    """)
