"""Unfold (im2col) and Fold (col2im): the module forms of F.unfold and F.fold."""

from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["Fold", "Unfold"]


class Fold(Module):
    """col2im: sum columns of sliding blocks back into an image (the adjoint of Unfold).

    Args:
        output_size: (H, W) of the output, an int or a pair.
        kernel_size: the block size, an int or an (h, w) pair (as are the others).
        dilation: the spacing between block elements (default 1).
        padding: padding of the output that is cut off (default 0).
        stride: the step between blocks (default 1).
    Shape: input (N, C * kh * kw, L) or (C * kh * kw, L) -> output (N, C, H, W) or (C, H, W), where L is the
        number of blocks; overlapping values are summed.

    Example:
        >>> nn.Fold(output_size=(3, 3), kernel_size=2)(ft.ones(1, 4, 4))
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """

    __constants__ = ["output_size", "kernel_size", "dilation", "padding", "stride"]

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    """im2col: every sliding (kh, kw) block of an image as one column.

    Args:
        kernel_size: the block size, an int or an (h, w) pair (as are the others).
        dilation: the spacing between block elements (default 1).
        padding: zeros added on both sides (default 0).
        stride: the step between blocks (default 1).
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C * kh * kw, L) or (C * kh * kw, L), L the number of
        blocks: the product over H and W of (size + 2 padding - dilation (kernel - 1) - 1) // stride + 1.

    Example:
        >>> nn.Unfold(kernel_size=(2, 3))(ft.ones(2, 5, 3, 4)).shape
        fx.tensor.Size([2, 30, 4])
    """

    __constants__ = ["kernel_size", "dilation", "padding", "stride"]

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")
