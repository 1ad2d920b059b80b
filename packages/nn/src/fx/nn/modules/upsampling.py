"""Resampling layers: Upsample and its fixed-mode forms UpsamplingNearest2d and UpsamplingBilinear2d."""

from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]


class Upsample(Module):
    """Resize the spatial dims of (N, C, *spatial) input: the module form of `F.interpolate`.

    Args:
        size: the output spatial size, an int or one int per spatial dim (give size or scale_factor).
        scale_factor: a multiplier of the spatial size, a float or one per spatial dim.
        mode: 'nearest' (default), 'nearest-exact', 'linear', 'bilinear', 'trilinear' or 'area'.
        align_corners: for the linear modes, map the corner pixels' centres onto each other (default None: False).
        recompute_scale_factor: compute the sampling from the output size rather than scale_factor.
    Shape: input (N, C, *spatial) -> output (N, C, *resized spatial).

    Example:
        >>> nn.Upsample(scale_factor=2)(ft.tensor([[[1.0, 2.0]]]))
        tensor([[[1., 1., 2., 2.]]])
        >>> nn.Upsample(scale_factor=2, mode="bilinear")
        Upsample(scale_factor=2.0, mode='bilinear')
    """

    __constants__ = ["size", "scale_factor", "mode", "align_corners", "name", "recompute_scale_factor"]

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W): `Upsample(size, scale_factor, mode='nearest')`.

    Args:
        size: the output (H_out, W_out), or an int for both.
        scale_factor: a multiplier of H and W.
    Shape: input (N, C, H, W) -> output (N, C, H_out, W_out).

    Example:
        >>> nn.UpsamplingNearest2d(scale_factor=2)(ft.ones(1, 1, 2, 3)).shape
        fx.tensor.Size([1, 1, 4, 6])
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of (N, C, H, W) with align_corners=True (PyTorch's legacy layer).

    Args:
        size: the output (H_out, W_out), or an int for both.
        scale_factor: a multiplier of H and W.
    Shape: input (N, C, H, W) -> output (N, C, H_out, W_out).

    Example:
        >>> nn.UpsamplingBilinear2d(size=3)(ft.tensor([[[[0.0, 2.0], [4.0, 6.0]]]]))
        tensor([[[[0., 1., 2.],
                  [2., 3., 4.],
                  [4., 5., 6.]]]])
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
