"""fx.tensor.linalg: linear algebra with torch.linalg's names, semantics and errors.

Example:
    >>> import fx.tensor as ft
    >>> A = ft.tensor([[4.0, 2.0], [2.0, 3.0]])
    >>> ft.linalg.solve(A, ft.tensor([2.0, 1.0])).tolist()
    [0.5, 0.0]
"""

from ._ops.einsum import linalg_cross as cross
from ._ops.linalg_impl import (
    LinAlgError, cholesky_ex, det, eigh, eigvalsh, inv, inv_ex, lstsq, matrix_power, multi_dot, slogdet, solve,
    solve_ex, solve_triangular, svdvals, vecdot,
)
from ._ops.linalg_impl import linalg_cholesky as cholesky
from ._ops.linalg_impl import linalg_qr as qr
from ._ops.linalg_impl import linalg_svd as svd
from ._ops.linalg_norms import cond, matrix_norm, matrix_rank, pinv, vector_norm
from ._ops.linalg_norms import linalg_norm as norm
from ._ops.matmul import matmul
from ._ops.views import diagonal as _diagonal

__all__ = [
    "LinAlgError", "norm", "vector_norm", "matrix_norm", "inv", "inv_ex", "solve", "solve_ex", "solve_triangular",
    "det", "slogdet", "svd", "svdvals", "qr", "cholesky", "cholesky_ex", "eigh", "eigvalsh", "pinv",
    "matrix_rank", "lstsq", "matrix_power", "multi_dot", "cross", "vecdot", "matmul", "diagonal", "cond",
]


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonals of the matrices in A (a view); `fx.tensor.diagonal` with the last two dims as default."""
    return _diagonal(A, offset, dim1, dim2)
