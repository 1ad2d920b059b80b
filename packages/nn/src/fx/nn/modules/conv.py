"""Convolution layers: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d."""

from __future__ import annotations

import math

import fx.tensor as ft

from .. import functional as F
from .. import init
from ..functional._conv import _conv_forward
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _tuple(value, n, name):
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    value = tuple(value)
    if len(value) == 1:
        return value * n
    if len(value) != n or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise TypeError(f"{name} must be an int or a tuple of {n} ints, got {value!r}")
    return value


class _ConvNd(Module):
    """State shared by the convolution layers: weight, bias and the conv settings."""

    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode", "output_padding", "in_channels",
                     "out_channels", "kernel_size"]

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed,
                 output_padding, groups, bias, padding_mode, device=None, dtype=None, nd=2):
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        kernel_size, stride = _tuple(kernel_size, nd, "kernel_size"), _tuple(stride, nd, "stride")
        dilation = _tuple(dilation, nd, "dilation")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'same', 'valid'}}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _tuple(padding, nd, "padding")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {set(_PADDING_MODES)}, but got padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, kernel_size
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.transposed, self.output_padding = transposed, _tuple(output_padding, nd, "output_padding")
        self.groups, self.padding_mode = groups, padding_mode
        shape = (in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(ft.empty(shape + kernel_size, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(ft.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Redraw weight ~ kaiming_uniform_(a=sqrt(5)) and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch's)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.kernel_size):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """1-d convolution (cross-correlation) out[n, j] = bias[j] + sum_i weight[j, i] * input[n, i] over sliding windows.

    Args:
        in_channels: channels of the input (C_in).
        out_channels: channels of the output (C_out).
        kernel_size: the window size, an int or a 1-tuple.
        stride: the step between windows (default 1).
        padding: zeros (or padding_mode values) added on both sides: an int, a 1-tuple, 'valid' (none) or
            'same' (output size = input size; stride 1 only); default 0.
        dilation: the spacing between kernel elements (default 1).
        groups: split the channels into this many independent convolutions; it divides C_in and C_out
            (default 1).
        bias: whether to learn an additive bias (default True).
        padding_mode: 'zeros' (default), 'reflect', 'replicate' or 'circular'.
        device, dtype: where and of what dtype the parameters are created.
    Shape: input (N, C_in, L) or (C_in, L) -> output (N, C_out, L_out) or (C_out, L_out), with
        L_out = (L + 2 padding - dilation (kernel_size - 1) - 1) // stride + 1.

    Attributes:
        weight: (C_out, C_in / groups, kernel_size), drawn from U(-sqrt(k), sqrt(k)) with
            k = groups / (C_in * kernel_size).
        bias: (C_out,), drawn from U(-sqrt(k), sqrt(k)); None when bias=False.

    Example:
        >>> nn.Conv1d(16, 33, 3, stride=2)(ft.randn(20, 16, 50)).shape
        fx.tensor.Size([20, 33, 24])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False, 0, groups, bias,
                         padding_mode, device, dtype, nd=1)

    def forward(self, input):
        return _conv_forward(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups,
                             self.padding_mode)


class Conv2d(_ConvNd):
    """2-d convolution (cross-correlation) of (N, C_in, H, W) with (kh, kw) kernels, plus a bias per output channel.

    Args:
        in_channels: channels of the input (C_in).
        out_channels: channels of the output (C_out).
        kernel_size: the window size, an int or an (h, w) pair.
        stride: the step between windows (default 1).
        padding: zeros (or padding_mode values) added on both sides: an int, an (h, w) pair, 'valid' (none) or
            'same' (output size = input size; stride 1 only); default 0.
        dilation: the spacing between kernel elements (default 1).
        groups: split the channels into this many independent convolutions; it divides C_in and C_out
            (default 1).
        bias: whether to learn an additive bias (default True).
        padding_mode: 'zeros' (default), 'reflect', 'replicate' or 'circular'.
        device, dtype: where and of what dtype the parameters are created.
    Shape: input (N, C_in, H, W) or (C_in, H, W) -> output (N, C_out, H_out, W_out) or (C_out, H_out, W_out),
        with H_out = (H + 2 padding[0] - dilation[0] (kh - 1) - 1) // stride[0] + 1 (W_out likewise).

    Attributes:
        weight: (C_out, C_in / groups, kh, kw), drawn from U(-sqrt(k), sqrt(k)) with
            k = groups / (C_in * kh * kw) (kaiming_uniform_ with a=sqrt(5)).
        bias: (C_out,), drawn from U(-sqrt(k), sqrt(k)); None when bias=False.

    Example:
        >>> nn.Conv2d(16, 33, 3, stride=2)(ft.randn(20, 16, 50, 100)).shape
        fx.tensor.Size([20, 33, 24, 49])
        >>> nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))(ft.randn(20, 16, 50, 100)).shape
        fx.tensor.Size([20, 33, 26, 100])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False, 0, groups, bias,
                         padding_mode, device, dtype, nd=2)

    def forward(self, input):
        return _conv_forward(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups,
                             self.padding_mode)


class _ConvTransposeNd(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
                 dilation, padding_mode, device, dtype, nd):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        if isinstance(padding, str):
            raise TypeError(f"{type(self).__name__}: padding must be an int or a tuple of ints, not {padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True, output_padding,
                         groups, bias, padding_mode, device, dtype, nd=nd)

    def _output_padding(self, input, output_size):
        """output_padding, or the one that gives `output_size` (PyTorch's rule and errors)."""
        if output_size is None:
            return self.output_padding
        nd = len(self.kernel_size)
        lead = 2 if input.dim() == nd + 2 else 1
        output_size = list(output_size)
        if len(output_size) == lead + nd:
            output_size = output_size[lead:]
        if len(output_size) != nd:
            raise ValueError(f"ConvTranspose{nd}D: for {input.dim()}D input, output_size must have {nd} or "
                             f"{lead + nd} elements (got {len(output_size)})")
        spatial = input.shape[lead:]
        mins = [(i - 1) * s - 2 * p + d * (k - 1) + 1
                for i, s, p, d, k in zip(spatial, self.stride, self.padding, self.dilation, self.kernel_size)]
        maxs = [m + s - 1 for m, s in zip(mins, self.stride)]
        for size, lo, hi in zip(output_size, mins, maxs):
            if size < lo or size > hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {mins} to "
                                 f"{maxs} (for an input of {list(spatial)})")
        return tuple(o - m for o, m in zip(output_size, mins))


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-d convolution (the gradient of Conv1d with respect to its input), plus a bias.

    Args:
        in_channels: channels of the input (C_in).
        out_channels: channels of the output (C_out).
        kernel_size: the window size, an int or a 1-tuple.
        stride: the step between input positions in the output (default 1).
        padding: dilation * (kernel_size - 1) - padding zeros are added on both sides of the input (default 0).
        output_padding: extra size added to one side of the output, < stride or < dilation (default 0).
        groups: split the channels into this many independent convolutions (default 1).
        bias: whether to learn an additive bias (default True).
        dilation: the spacing between kernel elements (default 1).
        padding_mode: only 'zeros'.
        device, dtype: where and of what dtype the parameters are created.
    Shape: input (N, C_in, L) or (C_in, L) -> output (N, C_out, L_out) or (C_out, L_out), with
        L_out = (L - 1) stride - 2 padding + dilation (kernel_size - 1) + output_padding + 1;
        forward(input, output_size=None) picks output_padding that gives a requested size.

    Attributes:
        weight: (C_in, C_out / groups, kernel_size), drawn from U(-sqrt(k), sqrt(k)) with
            k = groups / (C_out * kernel_size).
        bias: (C_out,), drawn from U(-sqrt(k), sqrt(k)); None when bias=False.

    Example:
        >>> nn.ConvTranspose1d(16, 33, 3, stride=2)(ft.randn(20, 16, 50)).shape
        fx.tensor.Size([20, 33, 101])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
                         dilation, padding_mode, device, dtype, nd=1)

    def forward(self, input, output_size=None):
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(input, output_size), self.groups, self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-d convolution (the gradient of Conv2d with respect to its input), plus a bias.

    Args:
        in_channels: channels of the input (C_in).
        out_channels: channels of the output (C_out).
        kernel_size: the window size, an int or an (h, w) pair.
        stride: the step between input positions in the output (default 1).
        padding: dilation * (kernel_size - 1) - padding zeros are added on both sides of the input (default 0).
        output_padding: extra size added to one side of the output, < stride or < dilation (default 0).
        groups: split the channels into this many independent convolutions (default 1).
        bias: whether to learn an additive bias (default True).
        dilation: the spacing between kernel elements (default 1).
        padding_mode: only 'zeros'.
        device, dtype: where and of what dtype the parameters are created.
    Shape: input (N, C_in, H, W) or (C_in, H, W) -> output (N, C_out, H_out, W_out) or (C_out, H_out, W_out),
        with H_out = (H - 1) stride[0] - 2 padding[0] + dilation[0] (kh - 1) + output_padding[0] + 1
        (W_out likewise); forward(input, output_size=None) picks output_padding that gives a requested size.

    Attributes:
        weight: (C_in, C_out / groups, kh, kw), drawn from U(-sqrt(k), sqrt(k)) with
            k = groups / (C_out * kh * kw).
        bias: (C_out,), drawn from U(-sqrt(k), sqrt(k)); None when bias=False.

    Example:
        >>> nn.ConvTranspose2d(16, 33, 3, stride=2)(ft.randn(20, 16, 50, 100)).shape
        fx.tensor.Size([20, 33, 101, 201])
        >>> up = nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1)
        >>> up(ft.randn(1, 16, 6, 6), output_size=[12, 12]).shape
        fx.tensor.Size([1, 16, 12, 12])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
                         dilation, padding_mode, device, dtype, nd=2)

    def forward(self, input, output_size=None):
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(input, output_size), self.groups, self.dilation)
