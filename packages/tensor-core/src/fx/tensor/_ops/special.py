"""Special functions PyTorch has at top level: i0, polygamma and mvlgamma.

Primitives: "i0", "i1" (i0's derivative, itself differentiable; not public, as in torch.special), and
"polygamma" (n >= 1; n = 0 is digamma). mvlgamma composes lgamma.
"""

from __future__ import annotations

import math

import numpy as np

from .._dispatch import define
from .._tensor import Tensor
from ._common import check_tensor, finish, to_float
from .unary import digamma, lgamma

P_i0 = define("i0")
P_i1 = define("i1")
P_polygamma = define("polygamma")  # params: n (int >= 1)

__all__ = ["i0", "polygamma", "mvlgamma"]


def i0(input, *, out=None):
    """Modified Bessel function of the first kind, order 0."""
    check_tensor(input, "i0")
    return finish(P_i0(to_float(input)), out, "i0")


def i1(input):
    """Modified Bessel function of the first kind, order 1 (i0's derivative)."""
    check_tensor(input, "i1")
    return P_i1(to_float(input))


def polygamma(n, input, *, out=None):
    """The n-th derivative of digamma."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    check_tensor(input, "polygamma")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return digamma(input, out=out)
    return finish(P_polygamma(to_float(input), n=int(n)), out, "polygamma")


def mvlgamma(input, p, *, out=None):
    """Multivariate log-gamma of dimension p: sum_i lgamma(x - i/2) + p(p-1)/4 log(pi)."""
    check_tensor(input, "mvlgamma")
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
        raise TypeError(f"mvlgamma(): argument 'p' (position 2) must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    from .._factory import arange

    x = to_float(input)
    shifts = arange(p, dtype=x.dtype, device=x.device) * -0.5
    terms = lgamma(x.unsqueeze(-1) + shifts)
    return finish(terms.sum(-1) + p * (p - 1) / 4 * math.log(math.pi), out, "mvlgamma")


def _polygamma_method(self, n):
    return polygamma(n, self)


Tensor.i0 = i0
Tensor.polygamma = _polygamma_method
Tensor.mvlgamma = mvlgamma
