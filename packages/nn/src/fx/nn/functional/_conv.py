"""Convolutions: conv1d, conv2d, conv_transpose1d, conv_transpose2d.

They are fx.tensor's (torch.conv2d is torch.nn.functional.conv2d): fused C kernels for forward,
input gradient and weight gradient (fx/tensor/_ops/conv.py). `_conv_forward` adds the layers'
padding_mode.
"""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._ops.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"]

_CONV = {1: conv1d, 2: conv2d}


def _padding_pairs(padding, kernel_size, dilation):
    """(before, after) per spatial dim of a layer's padding ('same', 'valid' or ints)."""
    if padding == "valid":
        return [(0, 0)] * len(kernel_size)
    if padding == "same":
        return [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel_size, dilation)]
    return [(p, p) for p in padding]


def _conv_forward(input, weight, bias, stride, padding, dilation, groups, padding_mode="zeros"):
    """A Conv layer's forward: conv{1,2}d, after F.pad with `padding_mode` unless it is 'zeros'."""
    conv = _CONV[weight.dim() - 2]
    if padding_mode == "zeros":
        return conv(input, weight, bias, stride, padding, dilation, groups)
    pairs = _padding_pairs(padding, weight.shape[2:], dilation)
    pads = tuple(p for pair in reversed(pairs) for p in pair)
    return conv(ft.pad(input, pads, mode=padding_mode), weight, bias, stride, 0, dilation, groups)
