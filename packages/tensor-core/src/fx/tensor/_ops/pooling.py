"""Pooling primitives over (N, C, H, W) tensors; 1-d pooling is 2-d pooling with H == 1.

Primitives (pairs are (h, w); `output_size` is computed by the frontend):
  max_pool2d(x) -> (y, indices): kernel_size, stride, padding, dilation, output_size. indices are
      flat positions in each H*W plane (int64). Gradient: max_pool2d_backward(g, indices).
  max_pool2d_backward(g, indices) -> gx: input_size. Scatter-add of g at indices: linear in g, its
      gradient gathers at indices. Also the backward of adaptive_max_pool2d.
  avg_pool2d(x): kernel_size, stride, padding, output_size, count_include_pad, divisor (0: none).
      Gradient: avg_pool2d_backward(g, same params, input_size); each is the other's adjoint.
  adaptive_avg_pool2d(x): output_size. Gradient: adaptive_avg_pool2d_backward(g): input_size.
  adaptive_max_pool2d(x) -> (y, indices): output_size.
The frontends below take a 4-d input and normalised pairs, and validate like PyTorch.
"""

from __future__ import annotations

from .._dispatch import define
from ._common import check_tensor

__all__: list = []

P_max_pool2d = define("max_pool2d", nout=2)
P_max_pool2d_backward = define("max_pool2d_backward")
P_avg_pool2d = define("avg_pool2d")
P_avg_pool2d_backward = define("avg_pool2d_backward")
P_adaptive_avg_pool2d = define("adaptive_avg_pool2d")
P_adaptive_avg_pool2d_backward = define("adaptive_avg_pool2d_backward")
P_adaptive_max_pool2d = define("adaptive_max_pool2d", nout=2)


def out_size(size, k, s, p, d, ceil_mode):
    """Output length of a pooling window sweep (PyTorch's pooling_output_shape)."""
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1  # the last window must start inside the input or left padding
    return out


def _check_input(x, op, dims=4):
    check_tensor(x, op)
    shape = x._data.shape
    if x._data.ndim != dims or 0 in shape[1:]:
        raise RuntimeError(f"{op}: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got: {list(shape)}")


def _window(x, kernel_size, stride, padding, dilation, ceil_mode, op):
    if 0 in stride:
        raise RuntimeError(f"{op}: stride should not be zero")
    if min(kernel_size) <= 0:
        raise RuntimeError(f"{op}: kernel size should be greater than zero, but got kH: {kernel_size[0]} "
                           f"kW: {kernel_size[1]}")
    if min(stride) < 0:
        raise RuntimeError(f"{op}: stride should be greater than zero, but got dH: {stride[0]} dW: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"{op}: dilation should be greater than zero, but got dilationH: {dilation[0]} "
                           f"dilationW: {dilation[1]}")
    if min(padding) < 0:
        raise RuntimeError(f"{op}: pad must be non-negative, but got pad: {list(padding)}")
    for k, p, d in zip(kernel_size, padding, dilation):
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"{op}: pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    _, c, h, w = x._data.shape
    oh = out_size(h, kernel_size[0], stride[0], padding[0], dilation[0], ceil_mode)
    ow = out_size(w, kernel_size[1], stride[1], padding[1], dilation[1], ceil_mode)
    if oh < 1 or ow < 1:
        raise RuntimeError(f"{op}: Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{oh}x{ow}). "
                           "Output size is too small")
    return oh, ow


def max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode, op="max_pool2d"):
    """(values, indices) of max pooling of a 4-d tensor (normalised pairs)."""
    _check_input(x, op)
    if x.dtype.name == "bool":
        raise RuntimeError(f"{op}: \"max_pool2d\" not implemented for 'Bool'")
    oh, ow = _window(x, kernel_size, stride, padding, dilation, ceil_mode, op)
    return P_max_pool2d(x, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
                        output_size=(oh, ow))


def avg_pool2d(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, op="avg_pool2d"):
    """Average pooling of a 4-d float tensor (normalised pairs)."""
    _check_input(x, op)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"{op}: \"avg_pool2d\" not implemented for '{x.dtype.name}' (use a floating point input)")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(f"{op}: divisor must be not zero")
    oh, ow = _window(x, kernel_size, stride, padding, (1, 1), ceil_mode, op)
    return P_avg_pool2d(x, kernel_size=kernel_size, stride=stride, padding=padding, output_size=(oh, ow),
                        count_include_pad=bool(count_include_pad), divisor=int(divisor_override or 0))


def _check_adaptive(x, output_size, op):
    check_tensor(x, op)
    shape = x._data.shape
    if x._data.ndim != 4 or 0 in shape[1:]:
        dim = next((i for i, s in enumerate(shape) if s == 0 and i), None)
        raise RuntimeError(f"{op}(): Expected 3D or 4D tensor with non-zero size for non-batch dimensions, but input "
                           f"has sizes {list(shape)}" + ("" if dim is None else f" with dimension {dim} being empty"))
    if min(output_size) < 0:
        raise RuntimeError(f"{op}: elements of output_size must be greater than or equal to 0 but received "
                           f"{list(output_size)}")


def adaptive_avg_pool2d(x, output_size, op="adaptive_avg_pool2d"):
    _check_adaptive(x, output_size, op)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"{op}: \"adaptive_avg_pool2d\" not implemented for '{x.dtype.name}'")
    return P_adaptive_avg_pool2d(x, output_size=tuple(output_size))


def adaptive_max_pool2d(x, output_size, op="adaptive_max_pool2d"):
    """(values, indices) of adaptive max pooling of a 4-d tensor."""
    _check_adaptive(x, output_size, op)
    if x.dtype.name == "bool":
        raise RuntimeError(f"{op}: \"adaptive_max_pool2d\" not implemented for 'Bool'")
    return P_adaptive_max_pool2d(x, output_size=tuple(output_size))
