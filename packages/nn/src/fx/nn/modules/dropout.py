"""Dropout layers: active in training mode, the identity in eval mode."""

from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    __constants__ = ["p", "inplace"]

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero each element with probability p during training, scaling the rest by 1 / (1 - p); identity in eval mode.

    The masks come from fx's default Philox generator (`fx.tensor.manual_seed` makes them reproducible).

    Args:
        p: the probability of zeroing an element (default 0.5).
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> m = nn.Dropout(0.5)
        >>> m(ft.ones(1000)).unique()  # dropped, or kept and scaled by 1 / (1 - 0.5)
        tensor([0., 2.])
        >>> m.eval()(ft.ones(3))
        tensor([1., 1., 1.])
    """

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) or (C, L) with probability p during training, scaling the rest by 1 / (1 - p).

    Args:
        p: the probability of zeroing a channel (default 0.5).
        inplace: write the result into the input (default False).
    Shape: input (N, C, L) or (C, L) -> output of the same shape.

    Example:
        >>> y = nn.Dropout1d(0.5)(ft.ones(4, 8, 5))
        >>> bool((y.amax(-1) == y.amin(-1)).all())  # whole channels kept or zeroed
        True
    """

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) or (C, H, W) with probability p during training, scaling the rest by 1 / (1 - p).

    Args:
        p: the probability of zeroing a channel (default 0.5).
        inplace: write the result into the input (default False).
    Shape: input (N, C, H, W) or (C, H, W) -> output of the same shape.

    Example:
        >>> y = nn.Dropout2d(0.5)(ft.ones(4, 8, 3, 3))
        >>> bool((y.amax((-2, -1)) == y.amin((-2, -1))).all())  # whole channels kept or zeroed
        True
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) with probability p during training, scaling the rest.

    Args:
        p: the probability of zeroing a channel (default 0.5).
        inplace: write the result into the input (default False).
    Shape: input (N, C, D, H, W) or (C, D, H, W) -> output of the same shape.

    Example:
        >>> y = nn.Dropout3d(0.5)(ft.ones(4, 8, 2, 2, 2))
        >>> bool((y.amax((-3, -2, -1)) == y.amin((-3, -2, -1))).all())  # whole channels kept or zeroed
        True
    """

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks: it keeps the input's mean and variance (training only).

    Dropped elements take SELU's negative saturation value and an affine correction restores the
    mean and variance; in eval mode the layer is the identity.

    Args:
        p: the probability of dropping an element (default 0.5).
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> nn.AlphaDropout(0.2)(ft.randn(20, 16)).shape
        fx.tensor.Size([20, 16])
    """

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout (see AlphaDropout) of whole channels of (N, C, *) or (C, *).

    Args:
        p: the probability of dropping a channel (default 0.5).
        inplace: write the result into the input (default False).
    Shape: input (N, C, *) -> output of the same shape.

    Example:
        >>> nn.FeatureAlphaDropout(0.2)(ft.randn(20, 16, 4, 4)).shape
        fx.tensor.Size([20, 16, 4, 4])
    """

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)
