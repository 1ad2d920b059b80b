"""Dropout functions (torch.nn.functional): masks drawn from fx's Philox generator (the default
generator, so `fx.tensor.manual_seed` makes them reproducible). Kept elements are scaled by
1 / (1 - p); the gradient is the same mask times the upstream gradient.
"""

from __future__ import annotations

import warnings

import fx.tensor as ft
from fx.tensor._ops.nn import dropout_mask_

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]


def _check(input, p, op):
    if not isinstance(input, ft.Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(input).__name__}")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _apply(input, mask, inplace):
    return input.mul_(mask) if inplace else input * mask


def _mask(shape, input, p):
    """1 / (1 - p) with probability 1 - p, else 0 (all zeros for p == 1)."""
    mask = ft.empty(shape, dtype=input.dtype, device=input.device)
    if p == 1.0:
        return mask.zero_()
    if input.dtype.is_floating_point:
        return dropout_mask_(mask, p)  # the draws and values of bernoulli_(1 - p).div_(1 - p), in one pass
    return mask.bernoulli_(1.0 - p).div_(1.0 - p)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1 / (1 - p) (identity unless training).

    Args:
        input: any tensor.
        p: the probability of zeroing an element, in [0, 1] (default 0.5).
        training: apply dropout (default True); False returns the input.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> F.dropout(ft.ones(1000), 0.5).unique()  # dropped, or kept and scaled by 1 / (1 - 0.5)
        tensor([0., 2.])
        >>> F.dropout(ft.ones(3), 0.5, training=False)
        tensor([1., 1., 1.])
    """
    _check(input, p, "dropout")
    if not training or p == 0.0:
        return input
    return _apply(input, _mask(input.shape, input, p), inplace)


def _feature_dropout(input, p, training, inplace, spatial, op):
    """Zero whole channels: one draw per (sample, channel) of (N, C, *spatial) or (C, *spatial)."""
    _check(input, p, op)
    if input.ndim not in (spatial + 1, spatial + 2):
        raise RuntimeError(f"{op}: Expected {spatial + 1}D or {spatial + 2}D input, but received a {input.ndim}D "
                           f"input of shape {list(input.shape)}")
    if not training or p == 0.0:
        return input
    lead = input.ndim - spatial
    mask = _mask(tuple(input.shape[:lead]) + (1,) * spatial, input, p)
    return _apply(input, mask, inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Channel dropout: zero whole channels of (N, C, L) or (C, L) with probability p, scale the rest by 1 / (1 - p).

    Args:
        input: (N, C, L) or (C, L).
        p: the probability of zeroing a channel (default 0.5).
        training: apply dropout (default True); False returns the input.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> y = F.dropout1d(ft.ones(4, 8, 5), 0.5)
        >>> bool((y.amax(-1) == y.amin(-1)).all())  # whole channels kept or zeroed
        True
    """
    return _feature_dropout(input, p, training, inplace, 1, "dropout1d")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channel dropout: zero whole channels of (N, C, H, W) or (C, H, W) with probability p, scale the rest.

    A 3-d input is taken as (N, C, L), with a warning, like PyTorch.

    Args:
        input: (N, C, H, W).
        p: the probability of zeroing a channel (default 0.5).
        training: apply dropout (default True); False returns the input.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> y = F.dropout2d(ft.ones(4, 8, 3, 3), 0.5)
        >>> bool((y.amax((-2, -1)) == y.amin((-2, -1))).all())  # whole channels kept or zeroed
        True
    """
    if isinstance(input, ft.Tensor) and input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
                      stacklevel=2)
        return _feature_dropout(input, p, training, inplace, 1, "dropout2d")
    return _feature_dropout(input, p, training, inplace, 2, "dropout2d")


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Channel dropout: zero whole channels of (N, C, D, H, W) or (C, D, H, W) with probability p, scale the rest.

    Args:
        input: (N, C, D, H, W) or (C, D, H, W).
        p: the probability of zeroing a channel (default 0.5).
        training: apply dropout (default True); False returns the input.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> y = F.dropout3d(ft.ones(4, 8, 2, 2, 2), 0.5)
        >>> bool((y.amax((-3, -2, -1)) == y.amin((-3, -2, -1))).all())  # whole channels kept or zeroed
        True
    """
    return _feature_dropout(input, p, training, inplace, 3, "dropout3d")


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _alpha(input, p, training, inplace, mask_shape, op):
    _check(input, p, op)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input.mul_(0) if inplace else input * 0
    # dropped units take SELU's negative saturation value; a and b keep mean 0 and variance 1
    alpha = -_SELU_ALPHA * _SELU_SCALE
    a = ((1 - p) * (1 + p * alpha * alpha)) ** -0.5
    b = -a * alpha * p
    keep = ft.empty(mask_shape, dtype=input.dtype, device=input.device).bernoulli_(1.0 - p)
    mul = keep * a
    add = (keep - 1) * (-alpha * a) + b  # (1 - keep) * alpha * a + b
    out = input * mul + add
    return input.copy_(out) if inplace else out


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: it keeps the input's mean and variance.

    Dropped elements take SELU's negative saturation value and an affine correction restores the
    mean and variance.

    Args:
        input: any tensor.
        p: the probability of dropping an element (default 0.5).
        training: apply dropout (default False); False returns the input.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.alpha_dropout(ft.randn(20, 16), 0.2, training=True).shape
        fx.tensor.Size([20, 16])
    """
    return _alpha(input, p, training, inplace, input.shape, "alpha_dropout")


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout (see alpha_dropout) of whole channels of (N, C, *).

    Args:
        input: (N, C, *).
        p: the probability of dropping a channel (default 0.5).
        training: apply dropout (default False); False returns the input.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.feature_alpha_dropout(ft.randn(20, 16, 4, 4), 0.2, training=True).shape
        fx.tensor.Size([20, 16, 4, 4])
    """
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2) if isinstance(input, ft.Tensor) else ()
    return _alpha(input, p, training, inplace, shape, "feature_alpha_dropout")
