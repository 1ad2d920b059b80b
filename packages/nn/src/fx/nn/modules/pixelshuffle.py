"""PixelShuffle and PixelUnshuffle: move r x r pixel blocks between the channel and spatial dims."""

from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["PixelShuffle", "PixelUnshuffle"]


class PixelShuffle(Module):
    """Rearrange (*, C * r^2, H, W) into (*, C, H * r, W * r): the upsampling of a sub-pixel convolution.

    Args:
        upscale_factor: r, the factor that multiplies H and W.
    Shape: input (*, C_in, H_in, W_in) -> output (*, C_in / r^2, H_in * r, W_in * r).

    Example:
        >>> nn.PixelShuffle(3)(ft.zeros(1, 9, 4, 4)).shape
        fx.tensor.Size([1, 1, 12, 12])
        >>> nn.PixelShuffle(2)(ft.arange(4.).reshape(1, 4, 1, 1))
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """

    __constants__ = ["upscale_factor"]

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """Rearrange (*, C, H * r, W * r) into (*, C * r^2, H, W): the inverse of PixelShuffle.

    Args:
        downscale_factor: r, the factor that divides H and W.
    Shape: input (*, C_in, H_in, W_in) -> output (*, C_in * r^2, H_in / r, W_in / r).

    Example:
        >>> nn.PixelUnshuffle(3)(ft.zeros(1, 1, 12, 12)).shape
        fx.tensor.Size([1, 9, 4, 4])
    """

    __constants__ = ["downscale_factor"]

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"
