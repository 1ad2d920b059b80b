"""Pooling functions (torch.nn.functional): max, average, adaptive and power-average pooling.

Each runs the fused 2-d kernels of fx.tensor (1-d pooling is 2-d pooling over a height of 1);
unbatched inputs (C, L) / (C, H, W) are pooled as a batch of one.
"""

from __future__ import annotations

import numpy as np

import fx.tensor as ft
from fx.tensor._ops import pooling as _pool

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool1d_with_indices", "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "lp_pool1d", "lp_pool2d",
]


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _tuple(v, n, name, op):
    """An int or a sequence of 1 or n ints as an n-tuple (PyTorch's _single/_pair)."""
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            v = tuple(v) * n
        if len(v) != n or not all(_is_int(e) for e in v):
            kind = "a single int, or a tuple of two ints" if n == 2 else "a single int"
            raise RuntimeError(f"{op}: {name} must either be {kind}, but got {v!r}")
        return tuple(int(e) for e in v)
    if not _is_int(v):
        raise TypeError(f"{op}(): argument '{name}' must be int or tuple of ints, not {type(v).__name__}")
    return (int(v),) * n


def _batched(x, dims, op):
    """x with a batch dim (and whether one was added); dims is the batched rank."""
    if not isinstance(x, ft.Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(x).__name__}")
    if x.ndim == dims - 1:
        return x.unsqueeze(0), True
    if x.ndim != dims:
        raise RuntimeError(f"{op}: Expected {dims - 1}D or {dims}D (batch mode) tensor for input, but got input of "
                           f"shape {list(x.shape)}")
    return x, False


def _done(outs, unbatched, squeeze_h):
    res = []
    for t in outs:
        if squeeze_h:
            t = t.squeeze(-2)
        res.append(t.squeeze(0) if unbatched else t)
    return res


def _stride(stride, kernel, n, op):
    return kernel if stride is None or (isinstance(stride, (list, tuple)) and not stride) else _tuple(
        stride, n, "stride", op)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    """2-d max pooling returning (values, flat indices into each H*W plane)."""
    op = "max_pool2d"
    k = _tuple(kernel_size, 2, "kernel_size", op)
    s = _stride(stride, k, 2, op)
    x, unb = _batched(input, 4, op)
    y, idx = _pool.max_pool2d(x, k, s, _tuple(padding, 2, "padding", op), _tuple(dilation, 2, "dilation", op),
                              bool(ceil_mode), op)
    return tuple(_done((y, idx), unb, False))


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-d max pooling over (N, C, H, W) or (C, H, W); with return_indices, also the argmax indices.

    Example:
        >>> F.max_pool2d(ft.arange(16.).reshape(1, 1, 4, 4), 2).flatten().tolist()
        [5.0, 7.0, 13.0, 15.0]
    """
    y, idx = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (y, idx) if return_indices else y


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    op = "max_pool1d"
    k = _tuple(kernel_size, 1, "kernel_size", op)
    s = _stride(stride, k, 1, op)
    x, unb = _batched(input, 3, op)
    p, d = _tuple(padding, 1, "padding", op), _tuple(dilation, 1, "dilation", op)
    y, idx = _pool.max_pool2d(x.unsqueeze(-2), (1,) + k, (1,) + s, (0,) + p, (1,) + d, bool(ceil_mode), op)
    return tuple(_done((y, idx), unb, True))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-d max pooling over (N, C, L) or (C, L)."""
    y, idx = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (y, idx) if return_indices else y


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-d average pooling; count_include_pad counts padding zeros in the divisor."""
    op = "avg_pool2d"
    k = _tuple(kernel_size, 2, "kernel_size", op)
    x, unb = _batched(input, 4, op)
    y = _pool.avg_pool2d(x, k, _stride(stride, k, 2, op), _tuple(padding, 2, "padding", op), bool(ceil_mode),
                         count_include_pad, divisor_override, op)
    return _done((y,), unb, False)[0]


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-d average pooling over (N, C, L) or (C, L)."""
    op = "avg_pool1d"
    k = _tuple(kernel_size, 1, "kernel_size", op)
    x, unb = _batched(input, 3, op)
    y = _pool.avg_pool2d(x.unsqueeze(-2), (1,) + k, (1,) + _stride(stride, k, 1, op),
                         (0,) + _tuple(padding, 1, "padding", op), bool(ceil_mode), count_include_pad, None, op)
    return _done((y,), unb, True)[0]


def _adaptive_size(output_size, x, n, op):
    """output_size (int, or a tuple whose None entries keep the input's size) for the last n dims."""
    if isinstance(output_size, (list, tuple)):
        if len(output_size) != n:
            raise RuntimeError(f"{op}: output_size must be {n}")
        sizes = tuple(x.shape[-n + i] if s is None else s for i, s in enumerate(output_size))
    else:
        sizes = (x.shape[-1] if output_size is None else output_size,) * n
    return tuple(int(s) for s in sizes)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed (H_out, W_out) whatever the input size."""
    op = "adaptive_avg_pool2d"
    x, unb = _batched(input, 4, op)
    y = _pool.adaptive_avg_pool2d(x, _adaptive_size(output_size, x, 2, op), op)
    return _done((y,), unb, False)[0]


def adaptive_avg_pool1d(input, output_size):
    op = "adaptive_avg_pool1d"
    x, unb = _batched(input, 3, op)
    y = _pool.adaptive_avg_pool2d(x.unsqueeze(-2), (1,) + _adaptive_size(output_size, x, 1, op), op)
    return _done((y,), unb, True)[0]


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    op = "adaptive_max_pool2d"
    x, unb = _batched(input, 4, op)
    y, idx = _pool.adaptive_max_pool2d(x, _adaptive_size(output_size, x, 2, op), op)
    return tuple(_done((y, idx), unb, False))


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed (H_out, W_out); with return_indices, also the argmax indices."""
    y, idx = adaptive_max_pool2d_with_indices(input, output_size)
    return (y, idx) if return_indices else y


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    op = "adaptive_max_pool1d"
    x, unb = _batched(input, 3, op)
    y, idx = _pool.adaptive_max_pool2d(x.unsqueeze(-2), (1,) + _adaptive_size(output_size, x, 1, op), op)
    return tuple(_done((y, idx), unb, True))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    y, idx = adaptive_max_pool1d_with_indices(input, output_size)
    return (y, idx) if return_indices else y


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: (sum over the window of x^p)^(1/p)."""
    kh, kw = _tuple(kernel_size, 2, "kernel_size", "lp_pool2d")
    out = avg_pool2d(input.pow(norm_type), (kh, kw), stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kh * kw).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    (k,) = _tuple(kernel_size, 1, "kernel_size", "lp_pool1d")
    out = avg_pool1d(input.pow(norm_type), k, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(k).pow(1.0 / norm_type)
