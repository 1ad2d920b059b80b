"""Docstrings of fx.tensor.linalg's decompositions: svd, svdvals, qr, cholesky, eigh (fx.tensor._ops.linalg_impl)."""

from . import add_docstr
from .._ops.linalg_impl import cholesky_ex, eigh, eigvalsh, linalg_cholesky, linalg_qr, linalg_svd, svdvals

add_docstr(linalg_svd, """Compute the singular value decomposition A = U diag(S) Vh.

    The signs of the singular vectors are not unique; S is.

    Args:
        A: a (..., m, n) floating tensor.
        full_matrices: return the full square U (..., m, m) and Vh (..., n, n) (default True), or
            the reduced U (..., m, k) and Vh (..., k, n) with k = min(m, n).
        driver: accepted for compatibility (a CUDA-only choice in PyTorch).
        out: an optional (U, S, Vh) triple of tensors to write into.

    Returns:
        (U, S, Vh): a namedtuple; S (..., k) holds the singular values in descending order.

    Example:
        >>> A = ft.tensor([[3.0, 0.0], [0.0, -4.0]])
        >>> U, S, Vh = ft.linalg.svd(A)
        >>> S
        tensor([4., 3.])
        >>> U @ ft.diag(S) @ Vh
        tensor([[ 3.,  0.],
                [ 0., -4.]])
        >>> ft.linalg.svd(ft.ones(3, 2), full_matrices=False).U.shape
        fx.tensor.Size([3, 2])
    """)

add_docstr(svdvals, """Compute the singular values of a matrix (or batch of them).

    Args:
        A: a (..., m, n) floating tensor.
        driver: accepted for compatibility (a CUDA-only choice in PyTorch).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: (..., min(m, n)) singular values in descending order.

    Example:
        >>> ft.linalg.svdvals(ft.tensor([[3.0, 0.0], [0.0, -4.0]]))
        tensor([4., 3.])
    """)

add_docstr(linalg_qr, """Compute the QR decomposition A = Q R, with orthonormal columns in Q and R upper triangular.

    Args:
        A: a (..., m, n) floating tensor.
        mode: 'reduced' (default): Q (..., m, k), R (..., k, n) with k = min(m, n); 'complete':
            Q (..., m, m), R (..., m, n); 'r': R only (Q is an empty tensor).
        out: an optional (Q, R) pair of tensors to write into.

    Returns:
        (Q, R): a namedtuple.

    Example:
        >>> A = ft.tensor([[3.0, 1.0], [4.0, 2.0]])
        >>> Q, R = ft.linalg.qr(A)
        >>> R.abs()
        tensor([[5.0000, 2.2000],
                [0.0000, 0.4000]])
        >>> bool(ft.allclose(Q @ R, A, atol=1e-6))
        True
        >>> ft.linalg.qr(ft.ones(3, 2), mode="complete").Q.shape
        fx.tensor.Size([3, 3])
    """)

add_docstr(linalg_cholesky, """Compute the Cholesky factor L (A = L L^T) of symmetric positive-definite matrices.

    Only the lower triangle of A is read.

    Args:
        A: a (..., n, n) floating tensor.
        upper: return the upper factor U = L^T (A = U^T U) instead (default False).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the triangular factors, of A's shape; LinAlgError if a matrix is not positive-definite.

    Example:
        >>> ft.linalg.cholesky(ft.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 0.],
                [1., 2.]])
    """)

add_docstr(cholesky_ex, """Compute the Cholesky factor like `linalg.cholesky`, reporting failures through `info` instead of an error.

    Args:
        A: a (..., n, n) floating tensor.
        upper: return the upper factor instead (default False).
        check_errors: raise LinAlgError on failure anyway (default False).
        out: an optional (L, info) pair of tensors to write into.

    Returns:
        (L, info): a namedtuple; info is an int32 tensor of shape (...), 0 on success, else the
        order of the leading minor that is not positive-definite.

    Example:
        >>> ft.linalg.cholesky_ex(ft.tensor([[1.0, 2.0], [2.0, 1.0]])).info
        tensor(2, dtype=fx.tensor.int32)
    """)

add_docstr(eigh, """Compute the eigenvalues and eigenvectors of symmetric matrices.

    Only one triangle of A is read. The eigenvectors' signs are not unique.

    Args:
        A: a (..., n, n) floating tensor.
        UPLO: 'L' (default) to read the lower triangle, 'U' the upper one.
        out: an optional (eigenvalues, eigenvectors) pair of tensors to write into.

    Returns:
        (eigenvalues, eigenvectors): a namedtuple: (..., n) eigenvalues in ascending order and
        (..., n, n) orthonormal eigenvectors as columns, A = V diag(w) V^T.

    Example:
        >>> A = ft.tensor([[2.0, 1.0], [1.0, 2.0]])
        >>> w, V = ft.linalg.eigh(A)
        >>> w
        tensor([1., 3.])
        >>> bool(ft.allclose(V @ ft.diag(w) @ V.T, A, atol=1e-6))
        True
    """)

add_docstr(eigvalsh, """Compute the eigenvalues of symmetric matrices, in ascending order.

    Args:
        A: a (..., n, n) floating tensor.
        UPLO: 'L' (default) to read the lower triangle, 'U' the upper one.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: (..., n) eigenvalues.

    Example:
        >>> A = ft.tensor([[2.0, 9.0], [1.0, 2.0]])
        >>> ft.linalg.eigvalsh(A)
        tensor([1., 3.])
        >>> ft.linalg.eigvalsh(A, UPLO="U")
        tensor([-7., 11.])
    """)
