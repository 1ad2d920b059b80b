"""Pooling layers: MaxPool1d/2d, AvgPool1d/2d, LPPool1d/2d, AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d."""

from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "LPPool1d", "LPPool2d", "AdaptiveAvgPool1d",
           "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d"]


def _single(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,)


class _MaxPoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"]

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """1-d max pooling: the maximum of each sliding window of (N, C, L) or (C, L).

    Args:
        kernel_size: the window size.
        stride: the step between windows (default kernel_size).
        padding: -inf padding added on both sides, at most kernel_size / 2 (default 0).
        dilation: the spacing between window elements (default 1).
        return_indices: also return the flat index of each maximum along L (for MaxUnpool).
        ceil_mode: round the output size up instead of down (default False).
    Shape: input (N, C, L) or (C, L) -> output (N, C, L_out) or (C, L_out), with
        L_out = floor((L + 2 padding - dilation (kernel_size - 1) - 1) / stride + 1) (ceil with ceil_mode).

    Example:
        >>> nn.MaxPool1d(2)(ft.tensor([[1.0, 3.0, 2.0, 0.0]]))
        tensor([[3., 2.]])
    """

    def forward(self, input):
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """2-d max pooling: the maximum of each sliding (kH, kW) window of (N, C, H, W) or (C, H, W).

    Args:
        kernel_size: the window size, an int or an (h, w) pair (as are stride, padding and dilation).
        stride: the step between windows (default kernel_size).
        padding: -inf padding added on both sides, at most kernel_size / 2 (default 0).
        dilation: the spacing between window elements (default 1).
        return_indices: also return the flat index of each maximum in its H * W plane (for MaxUnpool).
        ceil_mode: round the output size up instead of down (default False).
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C, H_out, W_out) or (C, H_out, W_out), with
        H_out = floor((H + 2 padding[0] - dilation[0] (kH - 1) - 1) / stride[0] + 1) (ceil with ceil_mode).

    Example:
        >>> nn.MaxPool2d(2)(ft.arange(16.).reshape(1, 1, 4, 4))
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
        >>> nn.MaxPool2d(3, stride=2)(ft.randn(20, 16, 50, 32)).shape
        fx.tensor.Size([20, 16, 24, 15])
    """

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool1d(Module):
    """1-d average pooling: the mean of each sliding window of (N, C, L) or (C, L).

    Args:
        kernel_size: the window size.
        stride: the step between windows (default kernel_size).
        padding: zeros added on both sides, at most kernel_size / 2 (default 0).
        ceil_mode: round the output size up instead of down (default False).
        count_include_pad: count the padding zeros in the divisor (default True).
    Shape: input (N, C, L) or (C, L) -> output (N, C, L_out) or (C, L_out), with
        L_out = floor((L + 2 padding - kernel_size) / stride + 1).

    Example:
        >>> nn.AvgPool1d(2)(ft.tensor([[1.0, 3.0, 2.0, 0.0]]))
        tensor([[2., 1.]])
    """

    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"]

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """2-d average pooling: the mean of each sliding (kH, kW) window of (N, C, H, W) or (C, H, W).

    Args:
        kernel_size: the window size, an int or an (h, w) pair (as are stride and padding).
        stride: the step between windows (default kernel_size).
        padding: zeros added on both sides, at most kernel_size / 2 (default 0).
        ceil_mode: round the output size up instead of down (default False).
        count_include_pad: count the padding zeros in the divisor (default True).
        divisor_override: divide every window sum by this instead of the window size.
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C, H_out, W_out) or (C, H_out, W_out), with
        H_out = floor((H + 2 padding[0] - kH) / stride[0] + 1) (W_out likewise).

    Example:
        >>> nn.AvgPool2d(2)(ft.arange(16.).reshape(1, 1, 4, 4))
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """

    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"]

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                            self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _LPPoolNd(Module):
    __constants__ = ["norm_type", "kernel_size", "stride", "ceil_mode"]

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """1-d power-average pooling: (sum over each window of x^p)^(1/p) over (N, C, L) or (C, L).

    Args:
        norm_type: p (p = 1 is sum pooling).
        kernel_size: the window size.
        stride: the step between windows (default kernel_size).
        ceil_mode: round the output size up instead of down (default False).
    Shape: input (N, C, L) or (C, L) -> output (N, C, L_out) or (C, L_out),
        L_out = floor((L - kernel_size) / stride + 1).

    Example:
        >>> nn.LPPool1d(2, 2)(ft.tensor([[3.0, 4.0, 0.0, 1.0]]))
        tensor([[5., 1.]])
    """

    def forward(self, input):
        return F.lp_pool1d(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)


class LPPool2d(_LPPoolNd):
    """2-d power-average pooling: (sum over each (kH, kW) window of x^p)^(1/p) over (N, C, H, W) or (C, H, W).

    Args:
        norm_type: p (p = 1 is sum pooling).
        kernel_size: the window size, an int or an (h, w) pair.
        stride: the step between windows (default kernel_size).
        ceil_mode: round the output size up instead of down (default False).
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C, H_out, W_out) or (C, H_out, W_out),
        H_out = floor((H - kH) / stride[0] + 1) (W_out likewise).

    Example:
        >>> nn.LPPool2d(1, 2)(ft.arange(16.).reshape(1, 1, 4, 4))
        tensor([[[[10., 18.],
                  [42., 50.]]]])
    """

    def forward(self, input):
        return F.lp_pool2d(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)


class _AdaptivePoolNd(Module):
    __constants__ = ["output_size"]

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    """Adaptive average pooling of (N, C, L) or (C, L) to a fixed output length, whatever L is.

    Window i spans [floor(i L / L_out), ceil((i + 1) L / L_out)).

    Args:
        output_size: L_out.
    Shape: input (N, C, L) or (C, L) -> output (N, C, L_out) or (C, L_out).

    Example:
        >>> nn.AdaptiveAvgPool1d(2)(ft.tensor([[1.0, 3.0, 2.0, 0.0, 5.0, 6.0]]))
        tensor([[2.0000, 3.6667]])
    """

    def forward(self, input):
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    """Adaptive average pooling of (N, C, H, W) or (C, H, W) to a fixed (H_out, W_out), whatever H and W are.

    Args:
        output_size: an int (square output) or an (H_out, W_out) pair; None keeps that input size.
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C, H_out, W_out) or (C, H_out, W_out).

    Example:
        >>> nn.AdaptiveAvgPool2d(1)(ft.ones(2, 3, 5, 7)).shape
        fx.tensor.Size([2, 3, 1, 1])
        >>> nn.AdaptiveAvgPool2d((None, 1))(ft.ones(2, 3, 5, 7)).shape
        fx.tensor.Size([2, 3, 5, 1])
    """

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    __constants__ = ["output_size", "return_indices"]

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Adaptive max pooling of (N, C, L) or (C, L) to a fixed output length, whatever L is.

    Args:
        output_size: L_out.
        return_indices: also return the index of each maximum along L (default False).
    Shape: input (N, C, L) or (C, L) -> output (N, C, L_out) or (C, L_out).

    Example:
        >>> nn.AdaptiveMaxPool1d(2)(ft.tensor([[1.0, 3.0, 2.0, 0.0, 5.0, 6.0]]))
        tensor([[3., 6.]])
    """

    def forward(self, input):
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Adaptive max pooling of (N, C, H, W) or (C, H, W) to a fixed (H_out, W_out), whatever H and W are.

    Args:
        output_size: an int (square output) or an (H_out, W_out) pair; None keeps that input size.
        return_indices: also return the flat index of each maximum in its H * W plane (default False).
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C, H_out, W_out) or (C, H_out, W_out).

    Example:
        >>> nn.AdaptiveMaxPool2d((1, 2))(ft.arange(16.).reshape(1, 1, 4, 4))
        tensor([[[[13., 15.]]]])
    """

    def forward(self, input):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)

