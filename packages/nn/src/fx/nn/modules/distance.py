"""CosineSimilarity and PairwiseDistance: the module forms of F.cosine_similarity and F.pairwise_distance."""

from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["PairwiseDistance", "CosineSimilarity"]


class PairwiseDistance(Module):
    """The p-norm distance ||x1 - x2 + eps||_p between the vectors along the last dim.

    Args:
        p: the norm degree (default 2.0).
        eps: added to the difference, avoiding a zero norm's infinite gradient (default 1e-6).
        keepdim: keep the last dim with size 1 (default False).
    Shape: input1 (N, D) or (D), input2 broadcastable with it -> output (N) or () ((N, 1) or (1) with keepdim).

    Example:
        >>> nn.PairwiseDistance()(ft.tensor([[0.0, 0.0], [1.0, 1.0]]), ft.tensor([[3.0, 4.0], [1.0, 1.0]]))
        tensor([5.0000e+00, 1.4142e-06])
    """

    __constants__ = ["norm", "eps", "keepdim"]

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """Cosine similarity x1 . x2 / (max(||x1||, eps) * max(||x2||, eps)) along dim.

    Args:
        dim: the dim the vectors lie along (default 1).
        eps: the smallest norm divided by (default 1e-8).
    Shape: input1 (*, D, *) and input2 broadcastable with it -> output: the broadcast shape without dim.

    Example:
        >>> nn.CosineSimilarity(dim=0)(ft.tensor([1.0, 0.0]), ft.tensor([1.0, 1.0]))
        tensor(0.7071)
    """

    __constants__ = ["dim", "eps"]

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)
