"""pixel_shuffle / pixel_unshuffle: moving r x r blocks of pixels between channels and space.

Both are one reshape, one permute and one reshape, so autograd needs no rule of its own.
"""

from __future__ import annotations

import operator

from fx.tensor._tensor import Tensor

__all__ = ["pixel_shuffle", "pixel_unshuffle"]


def _factor(value, op, name):
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}(): argument '{name}' (position 2) must be int, not {type(value).__name__}") from None


def _check(input, factor, op, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    r = _factor(factor, op, name)
    if input.dim() < 3:
        raise RuntimeError(f"{op} expects input to have at least 3 dimensions, but got input with {input.dim()} "
                           "dimension(s)")
    if r <= 0:
        raise RuntimeError(f"{op} expects a positive {name}, but got {r}")
    return r


def pixel_shuffle(input, upscale_factor):
    """Rearrange (*, C * r^2, H, W) into (*, C, H * r, W * r): sub-pixel convolution's upsampling step.

    Output pixel (c, h * r + i, w * r + j) is input pixel (c * r^2 + i * r + j, h, w).

    Args:
        input: a tensor of at least 3 dims whose third-from-last dim is divisible by r^2.
        upscale_factor: r, the factor that multiplies H and W.

    Returns:
        A tensor of shape (*, C, H * r, W * r).

    Example:
        >>> F.pixel_shuffle(ft.arange(8.).reshape(1, 8, 1, 1), 2)
        tensor([[[[0., 1.],
                  [2., 3.]],
        <BLANKLINE>
                 [[4., 5.],
                  [6., 7.]]]])
    """
    r = _check(input, upscale_factor, "pixel_shuffle", "upscale_factor")
    *batch, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    n = len(batch)
    x = input.reshape(*batch, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)  # (*, C, H, r, W, r)
    return x.reshape(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """Rearrange (*, C, H * r, W * r) into (*, C * r^2, H, W): the inverse of `pixel_shuffle`.

    Args:
        input: a tensor of at least 3 dims whose last two dims are divisible by r.
        downscale_factor: r, the factor that divides H and W.

    Returns:
        A tensor of shape (*, C * r^2, H, W).

    Example:
        >>> F.pixel_unshuffle(ft.arange(16.).reshape(1, 1, 4, 4), 2)[0, :, 0, 0]
        tensor([0., 1., 4., 5.])
        >>> F.pixel_unshuffle(ft.zeros(2, 3, 8, 6), 2).shape
        fx.tensor.Size([2, 12, 4, 3])
    """
    r = _check(input, downscale_factor, "pixel_unshuffle", "downscale_factor")
    *batch, c, h, w = input.shape
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h} "
                           f"is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} "
                           f"is not divisible by {r}")
    n = len(batch)
    x = input.reshape(*batch, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)  # (*, C, r, r, H, W)
    return x.reshape(*batch, c * r * r, h // r, w // r)
