"""Convolutions: conv1d, conv2d, conv_transpose1d, conv_transpose2d (torch.conv2d and friends,
which are also torch.nn.functional's).

Primitives, on 4-d (N, C, H, W) tensors (a 1-d convolution is a 2-d one over a unit height);
params stride (sh, sw), padding (top, bottom, left, right), dilation (dh, dw), groups:
  "conv2d" (input, weight[, bias])          y = conv(x, w) + b
  "conv2d_grad_input" (grad, weight)        + input_size (h, w): the adjoint of conv2d in x, which
                                            is conv_transpose2d (output_padding makes input_size)
  "conv2d_grad_weight" (input, grad)        + weight_size (kh, kw): the adjoint of conv2d in w
The three are bilinear, so their derivatives are the three again (fx.autograd _rules/conv.py):
  conv2d:             gx = grad_input(g, w), gw = grad_weight(x, g), gb = g.sum((0, 2, 3))
  conv2d_grad_input:  d grad = conv2d(gy, w), d w = grad_weight(gy, g)
  conv2d_grad_weight: d x = grad_input(g, gy), d grad = conv2d(x, gy)
A conv reads only the top-left part of a padded input that its strides reach; grad/input sizes
need not be the natural ones (a rule crops conv2d's output to the grad it pairs with).
"""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._dispatch import define
from ._common import _tname, cast, check_tensor

P_conv2d = define("conv2d")
P_conv2d_grad_input = define("conv2d_grad_input")
P_conv2d_grad_weight = define("conv2d_grad_weight")

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"]

_int = (int, np.integer)


def _ints(value, n, name, op):
    """An int or a sequence of 1 or n ints as an n-tuple (torch's IntArrayRef expansion)."""
    if isinstance(value, _int) and not isinstance(value, bool):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and all(isinstance(v, _int) and not isinstance(v, bool) for v in value):
        if len(value) == 1:
            return (int(value[0]),) * n
        if len(value) == n:
            return tuple(int(v) for v in value)
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                           f"convolution dimensions, but got {name}={list(value)}")
    raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not {type(value).__name__}")


def _shape(t):
    return list(t._data.shape)


def _check_operands(input, weight, bias, nd, op):
    """Types, dims and dtypes shared by every conv; returns whether the input is unbatched."""
    check_tensor(input, op)
    check_tensor(weight, op, "weight")
    if bias is not None:
        check_tensor(bias, op, "bias")
    dim = input._data.ndim
    if dim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, but got input of "
                           f"size: {_shape(input)}")
    if weight._data.ndim != nd + 2:
        raise RuntimeError(f"{op}: Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input, but got "
                           f"{weight._data.ndim}-dimensional weight of size {_shape(weight)} instead")
    dt = input._data.dtype
    if weight._data.dtype != dt:
        raise RuntimeError(f"expected scalar type {_tname(input.dtype)} but found {_tname(weight.dtype)}")
    if bias is not None and bias._data.dtype != dt:
        raise RuntimeError(f"Input type ({input.dtype.name.replace('float32', 'float')}) and bias type "
                           f"({bias.dtype.name.replace('float32', 'float')}) should be the same")
    if dt.kind == "b":
        raise NotImplementedError(f"\"{op}\" not implemented for 'Bool'")
    return dim == nd + 1


def _check_params(stride, padding, dilation, groups):
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(padding) < 0:
        raise RuntimeError("negative padding is not supported")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if not isinstance(groups, _int) or isinstance(groups, bool):
        raise TypeError(f"argument 'groups' must be int, not {type(groups).__name__}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _check_groups(weight, groups, transposed):
    ws = _shape(weight)
    if ws[0] < groups and not transposed:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {ws} instead")
    if ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{ws}] instead")


def _check_bias(bias, channels, weight, transposed):
    if bias is not None and (bias._data.ndim != 1 or bias._data.shape[0] != channels):
        prefix = "Given transposed=1, weight" if transposed else "Given weight"
        raise RuntimeError(f"{prefix} of size {_shape(weight)}, expected bias to be 1-dimensional with {channels} "
                           f"elements, but got bias of size {_shape(bias)} instead")


def _sizes(vals):
    return " x ".join(str(v) for v in vals)


def _parse_padding(padding, ksize, stride, dilation, nd, op):
    """(before, after) per spatial dim from an int, ints or 'same'/'valid'."""
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0)] * nd
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        # PyTorch puts the odd element of an even total on the far side.
        return [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(ksize, dilation)]
    return [(p, p) for p in _ints(padding, nd, "padding", op)]


def _as_4d(x, nd, batched):
    """(N, C, H, W) view of a batched or unbatched 1-d/2-d input."""
    shape = x._data.shape
    if not batched:
        shape = (1,) + shape
    if nd == 1:
        shape = shape[:2] + (1,) + shape[2:]
    return x if shape == x._data.shape else x.view(shape)


def _from_4d(y, nd, batched):
    shape = y._data.shape
    if nd == 1:
        shape = shape[:2] + shape[3:]
    if not batched:
        shape = shape[1:]
    return y if shape == y._data.shape else y.view(shape)


def _compute_dtype(x, w, b):
    """Integer convolutions run in float64 (exact below 2**53) and are cast back."""
    if x._data.dtype.kind in "iu":
        f64 = _dtype.float64
        return x.dtype, cast(x, f64), cast(w, f64), (None if b is None else cast(b, f64))
    return None, x, w, b


def _conv(input, weight, bias, stride, padding, dilation, groups, nd, op):
    unbatched = _check_operands(input, weight, bias, nd, op)
    stride = _ints(stride, nd, "stride", op)
    dilation = _ints(dilation, nd, "dilation", op)
    ksize = weight._data.shape[2:]
    pads = _parse_padding(padding, ksize, stride, dilation, nd, op)
    _check_params(stride, [p for pair in pads for p in pair], dilation, groups)
    _check_groups(weight, groups, False)
    ishape = (1,) + input._data.shape if unbatched else input._data.shape
    cin = weight._data.shape[1] * groups
    if ishape[1] != cin:
        shown = list(ishape)
        raise RuntimeError(f"Given groups={groups}, weight of size {_shape(weight)}, expected input{shown} to have "
                           f"{cin} channels, but got {ishape[1]} channels instead")
    _check_bias(bias, weight._data.shape[0], weight, False)
    padded = [s + a + b for s, (a, b) in zip(ishape[2:], pads)]
    kext = [d * (k - 1) + 1 for k, d in zip(ksize, dilation)]
    if any(p < k for p, k in zip(padded, kext)):
        raise RuntimeError(f"Calculated padded input size per channel: ({_sizes(padded)}). Kernel size: "
                           f"({_sizes(kext)}). Kernel size can't be greater than actual input size")
    dt, x, w, b = _compute_dtype(input, weight, bias)
    x = _as_4d(x, nd, not unbatched)
    w = _as_4d(w, nd, True)
    if nd == 1:
        stride, dilation, pads = (1,) + stride, (1,) + dilation, [(0, 0)] + pads
    params = dict(stride=stride, padding=tuple(p for pair in pads for p in pair), dilation=dilation, groups=groups)
    y = P_conv2d(x, w, **params) if b is None else P_conv2d(x, w, b, **params)
    y = _from_4d(y, nd, not unbatched)
    return y if dt is None else cast(y, dt)


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, nd, op):
    unbatched = _check_operands(input, weight, bias, nd, op)
    stride = _ints(stride, nd, "stride", op)
    dilation = _ints(dilation, nd, "dilation", op)
    if isinstance(padding, str):
        raise TypeError(f"{op}(): argument 'padding' must be tuple of ints, not str")
    pad = _ints(padding, nd, "padding", op)
    opad = _ints(output_padding, nd, "output_padding", op)
    _check_params(stride, pad, dilation, groups)
    _check_groups(weight, groups, True)
    ishape = (1,) + input._data.shape if unbatched else input._data.shape
    if ishape[1] != weight._data.shape[0]:
        shown = list(ishape)
        raise RuntimeError(f"Given transposed=1, weight of size {_shape(weight)}, expected input{shown} to have "
                           f"{weight._data.shape[0]} channels, but got {ishape[1]} channels instead")
    cout = weight._data.shape[1] * groups
    _check_bias(bias, cout, weight, True)
    if any(o >= s and o >= d for o, s, d in zip(opad, stride, dilation)):
        names = ("height", "width")[2 - nd:]
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                           + " ".join(f"output_padding_{n}: {v}" for n, v in zip(names, opad)) + " "
                           + " ".join(f"stride_{n}: {v}" for n, v in zip(names, stride)) + " "
                           + " ".join(f"dilation_{n}: {v}" for n, v in zip(names, dilation)))
    ksize = weight._data.shape[2:]
    out = [(i - 1) * s - 2 * p + d * (k - 1) + o + 1
           for i, s, p, d, k, o in zip(ishape[2:], stride, pad, dilation, ksize, opad)]
    if min(out) < 1:
        raise RuntimeError(f"Given input size per channel: ({_sizes(ishape[2:])}). Calculated output size per "
                           f"channel: ({_sizes(out)}). Output size is too small")
    dt, x, w, b = _compute_dtype(input, weight, bias)
    x = _as_4d(x, nd, not unbatched)
    w = _as_4d(w, nd, True)
    if nd == 1:
        stride, dilation, pad, out = (1,) + stride, (1,) + dilation, (0,) + pad, [1] + out
    y = P_conv2d_grad_input(x, w, stride=stride, padding=(pad[0], pad[0], pad[1], pad[1]), dilation=dilation,
                            groups=groups, input_size=tuple(out))
    if b is not None:
        y = y + b.view(-1, 1, 1)
    y = _from_4d(y, nd, not unbatched)
    return y if dt is None else cast(y, dt)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution (cross-correlation) of (N, C_in, L) by weight (C_out, C_in / groups, k).

    padding: int, (int,), 'valid' or 'same' (stride 1 only). Returns (N, C_out, L_out).
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution (cross-correlation) of (N, C_in, H, W) by weight (C_out, C_in / groups, kh, kw).

    stride, padding, dilation: an int or a pair; padding may be 'valid' or 'same' (stride 1 only;
    an odd total puts the extra element after). Returns (N, C_out, H_out, W_out).

    Example:
        >>> import fx.tensor as ft
        >>> ft.conv2d(ft.ones(1, 1, 3, 3), ft.ones(1, 1, 2, 2)).tolist()
        [[[[4.0, 4.0], [4.0, 4.0]]]]
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 1-d convolution (the gradient of conv1d wrt its input) by weight (C_in, C_out / groups, k)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1,
                           "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 2-d convolution by weight (C_in, C_out / groups, kh, kw).

    H_out = (H - 1) stride - 2 padding + dilation (kh - 1) + output_padding + 1.
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
                           "conv_transpose2d")


def conv2d_grad_input(grad, weight, input_size, stride, padding, dilation, groups):
    """The gradient of conv2d wrt its input (4-d, normalised params: padding per side)."""
    return P_conv2d_grad_input(grad, weight, input_size=tuple(input_size), stride=tuple(stride),
                               padding=tuple(padding), dilation=tuple(dilation), groups=groups)


def conv2d_grad_weight(input, grad, weight_size, stride, padding, dilation, groups):
    """The gradient of conv2d wrt its weight (4-d, normalised params: padding per side)."""
    return P_conv2d_grad_weight(input, grad, weight_size=tuple(weight_size), stride=tuple(stride),
                                padding=tuple(padding), dilation=tuple(dilation), groups=groups)

