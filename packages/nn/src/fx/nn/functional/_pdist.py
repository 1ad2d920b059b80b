"""pdist: the p-norm distance between every pair of rows of a matrix."""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._tensor import Tensor

__all__ = ["pdist"]


def pdist(input, p=2):
    """Distances ||input[i] - input[j]||_p for every row pair i < j, in row-major order of (i, j).

    The condensed form of the symmetric (N, N) distance matrix: its strict upper triangle, row by row.

    Args:
        input: (N, M), floating point.
        p: the norm degree, >= 0 (default 2; inf gives the largest absolute difference).

    Returns:
        (N * (N - 1) / 2,).

    Example:
        >>> F.pdist(ft.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]]))
        tensor([ 5., 10.,  5.])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pdist(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if not input.is_floating_point():
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    rows, cols = ft.triu_indices(n, n, 1, device=input.device)
    diff = input[rows] - input[cols]
    if input.shape[1] == 0:  # vectors of no elements are 0 apart, for every p (inf included)
        return diff.sum(1)
    return ft.linalg.vector_norm(diff, p, dim=1)
