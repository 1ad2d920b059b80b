"""gumbel_softmax: differentiable samples from a categorical distribution (Jang et al., 2016; Maddison et al., 2016)."""

from __future__ import annotations

import warnings

import fx.tensor as ft
from fx.tensor._tensor import Tensor

__all__ = ["gumbel_softmax"]


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A Gumbel-softmax sample: softmax((logits + g) / tau) along dim, g drawn from Gumbel(0, 1).

    As tau falls to 0 the sample approaches a one-hot draw from the categorical distribution
    softmax(logits). With hard=True the result is that one-hot vector (1 at the argmax of the soft
    sample), while the gradient is the soft sample's (the straight-through estimator).

    Args:
        logits: (*, num_classes) unnormalised log-probabilities (floating point).
        tau: the temperature, > 0 (default 1).
        hard: return one-hot samples with straight-through gradients (default False).
        eps: deprecated and ignored (a value other than 1e-10 warns).
        dim: the dim the categories lie along (default -1).

    Returns:
        A tensor of logits' shape that sums to 1 along dim (one-hot along dim when hard).

    Example:
        >>> _ = ft.manual_seed(0)
        >>> y = F.gumbel_softmax(ft.zeros(2, 3), tau=0.5, hard=True)
        >>> y.sum(-1), y.shape
        (tensor([1., 1.]), fx.tensor.Size([2, 3]))
    """
    if not isinstance(logits, Tensor):
        raise TypeError(f"gumbel_softmax(): argument 'logits' (position 1) must be Tensor, not {type(logits).__name__}")
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", UserWarning, stacklevel=2)
    if not logits.is_floating_point():
        raise RuntimeError(f"gumbel_softmax: logits must be floating point (Gumbel noise is continuous), but got "
                           f"{logits.dtype}")
    # -log(E) with E ~ Exponential(1) is Gumbel(0, 1)
    gumbels = -ft.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    y_hard = ft.zeros_like(logits).scatter_(dim, y_soft.argmax(dim, keepdim=True), 1.0)
    return y_hard - y_soft.detach() + y_soft
