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
    """2-d max pooling returning (values, flat int64 indices of the maxima in each H * W plane).

    Args:
        input: (N, C, H, W) or (C, H, W).
        kernel_size: the window size, an int or an (h, w) pair (as are stride, padding and dilation).
        stride: the step between windows (default kernel_size).
        padding: -inf padding on both sides, at most kernel_size / 2 (default 0).
        dilation: the spacing between window elements (default 1).
        ceil_mode: round the output size up instead of down (default False).
        return_indices: ignored (the indices are always returned).

    Returns:
        (output (N, C, H_out, W_out), indices of the same shape); see max_pool2d for H_out.

    Example:
        >>> F.max_pool2d_with_indices(ft.arange(16.).reshape(1, 1, 4, 4), 2)[1]
        tensor([[[[ 5,  7],
                  [13, 15]]]])
    """
    op = "max_pool2d"
    k = _tuple(kernel_size, 2, "kernel_size", op)
    s = _stride(stride, k, 2, op)
    x, unb = _batched(input, 4, op)
    y, idx = _pool.max_pool2d(x, k, s, _tuple(padding, 2, "padding", op), _tuple(dilation, 2, "dilation", op),
                              bool(ceil_mode), op)
    return tuple(_done((y, idx), unb, False))


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-d max pooling: the maximum of each sliding (kH, kW) window of (N, C, H, W) or (C, H, W).

    Args:
        input: (N, C, H, W) or (C, H, W).
        kernel_size: the window size, an int or an (h, w) pair (as are stride, padding and dilation).
        stride: the step between windows (default kernel_size).
        padding: -inf padding on both sides, at most kernel_size / 2 (default 0).
        dilation: the spacing between window elements (default 1).
        ceil_mode: round the output size up instead of down (default False).
        return_indices: also return the flat index of each maximum in its H * W plane (default False).

    Returns:
        (N, C, H_out, W_out) (or (C, H_out, W_out)), H_out = floor((H + 2 padding[0] - dilation[0] (kH - 1) - 1)
        / stride[0] + 1) (ceil with ceil_mode); with return_indices, (output, indices).

    Example:
        >>> F.max_pool2d(ft.arange(16.).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    y, idx = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (y, idx) if return_indices else y


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    """1-d max pooling returning (values, int64 indices of the maxima along L).

    Args:
        input: (N, C, L) or (C, L).
        kernel_size: the window size.
        stride: the step between windows (default kernel_size).
        padding: -inf padding on both sides, at most kernel_size / 2 (default 0).
        dilation: the spacing between window elements (default 1).
        ceil_mode: round the output size up instead of down (default False).
        return_indices: ignored (the indices are always returned).

    Returns:
        (output (N, C, L_out), indices of the same shape); see max_pool1d for L_out.

    Example:
        >>> F.max_pool1d_with_indices(ft.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
        (tensor([[3., 2.]]), tensor([[1, 2]]))
    """
    op = "max_pool1d"
    k = _tuple(kernel_size, 1, "kernel_size", op)
    s = _stride(stride, k, 1, op)
    x, unb = _batched(input, 3, op)
    p, d = _tuple(padding, 1, "padding", op), _tuple(dilation, 1, "dilation", op)
    y, idx = _pool.max_pool2d(x.unsqueeze(-2), (1,) + k, (1,) + s, (0,) + p, (1,) + d, bool(ceil_mode), op)
    return tuple(_done((y, idx), unb, True))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-d max pooling: the maximum of each sliding window of (N, C, L) or (C, L).

    Args:
        input: (N, C, L) or (C, L).
        kernel_size: the window size.
        stride: the step between windows (default kernel_size).
        padding: -inf padding on both sides, at most kernel_size / 2 (default 0).
        dilation: the spacing between window elements (default 1).
        ceil_mode: round the output size up instead of down (default False).
        return_indices: also return the index of each maximum along L (default False).

    Returns:
        (N, C, L_out) (or (C, L_out)), L_out = floor((L + 2 padding - dilation (kernel_size - 1) - 1) / stride + 1)
        (ceil with ceil_mode); with return_indices, (output, indices).

    Example:
        >>> F.max_pool1d(ft.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
        tensor([[3., 2.]])
    """
    y, idx = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (y, idx) if return_indices else y


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-d average pooling: the mean of each sliding (kH, kW) window of (N, C, H, W) or (C, H, W).

    Args:
        input: (N, C, H, W) or (C, H, W).
        kernel_size: the window size, an int or an (h, w) pair (as are stride and padding).
        stride: the step between windows (default kernel_size).
        padding: zeros added on both sides, at most kernel_size / 2 (default 0).
        ceil_mode: round the output size up instead of down (default False).
        count_include_pad: count the padding zeros in the divisor (default True).
        divisor_override: divide every window sum by this instead (default None).

    Returns:
        (N, C, H_out, W_out) (or (C, H_out, W_out)), H_out = floor((H + 2 padding[0] - kH) / stride[0] + 1).

    Example:
        >>> F.avg_pool2d(ft.arange(16.).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    op = "avg_pool2d"
    k = _tuple(kernel_size, 2, "kernel_size", op)
    x, unb = _batched(input, 4, op)
    y = _pool.avg_pool2d(x, k, _stride(stride, k, 2, op), _tuple(padding, 2, "padding", op), bool(ceil_mode),
                         count_include_pad, divisor_override, op)
    return _done((y,), unb, False)[0]


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-d average pooling: the mean of each sliding window of (N, C, L) or (C, L).

    Args:
        input: (N, C, L) or (C, L).
        kernel_size: the window size.
        stride: the step between windows (default kernel_size).
        padding: zeros added on both sides, at most kernel_size / 2 (default 0).
        ceil_mode: round the output size up instead of down (default False).
        count_include_pad: count the padding zeros in the divisor (default True).

    Returns:
        (N, C, L_out) (or (C, L_out)), L_out = floor((L + 2 padding - kernel_size) / stride + 1).

    Example:
        >>> F.avg_pool1d(ft.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
        tensor([[2., 1.]])
    """
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
    """Adaptive average pooling of (N, C, H, W) or (C, H, W) to a fixed (H_out, W_out), whatever H and W are.

    Window i along H spans [floor(i H / H_out), ceil((i + 1) H / H_out)) (W likewise).

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: an int (square output) or an (H_out, W_out) pair; None keeps that input size.

    Returns:
        (N, C, H_out, W_out) (or (C, H_out, W_out)).

    Example:
        >>> F.adaptive_avg_pool2d(ft.arange(16.).reshape(1, 1, 4, 4), 1)
        tensor([[[[7.5000]]]])
    """
    op = "adaptive_avg_pool2d"
    x, unb = _batched(input, 4, op)
    y = _pool.adaptive_avg_pool2d(x, _adaptive_size(output_size, x, 2, op), op)
    return _done((y,), unb, False)[0]


def adaptive_avg_pool1d(input, output_size):
    """Adaptive average pooling of (N, C, L) or (C, L) to a fixed length, whatever L is.

    Args:
        input: (N, C, L) or (C, L).
        output_size: L_out.

    Returns:
        (N, C, L_out) (or (C, L_out)).

    Example:
        >>> F.adaptive_avg_pool1d(ft.tensor([[1.0, 3.0, 2.0, 0.0, 5.0, 6.0]]), 2)
        tensor([[2.0000, 3.6667]])
    """
    op = "adaptive_avg_pool1d"
    x, unb = _batched(input, 3, op)
    y = _pool.adaptive_avg_pool2d(x.unsqueeze(-2), (1,) + _adaptive_size(output_size, x, 1, op), op)
    return _done((y,), unb, True)[0]


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    """Adaptive 2-d max pooling returning (values, flat int64 indices of the maxima in each H * W plane).

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: an int or an (H_out, W_out) pair; None keeps that input size.
        return_indices: ignored (the indices are always returned).

    Returns:
        (output (N, C, H_out, W_out), indices of the same shape).

    Example:
        >>> F.adaptive_max_pool2d_with_indices(ft.arange(16.).reshape(1, 1, 4, 4), (1, 2))
        (tensor([[[[13., 15.]]]]), tensor([[[[13, 15]]]]))
    """
    op = "adaptive_max_pool2d"
    x, unb = _batched(input, 4, op)
    y, idx = _pool.adaptive_max_pool2d(x, _adaptive_size(output_size, x, 2, op), op)
    return tuple(_done((y, idx), unb, False))


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Adaptive max pooling of (N, C, H, W) or (C, H, W) to a fixed (H_out, W_out), whatever H and W are.

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: an int (square output) or an (H_out, W_out) pair; None keeps that input size.
        return_indices: also return the flat index of each maximum in its H * W plane (default False).

    Returns:
        (N, C, H_out, W_out) (or (C, H_out, W_out)); with return_indices, (output, indices).

    Example:
        >>> F.adaptive_max_pool2d(ft.arange(16.).reshape(1, 1, 4, 4), (1, 2))
        tensor([[[[13., 15.]]]])
    """
    y, idx = adaptive_max_pool2d_with_indices(input, output_size)
    return (y, idx) if return_indices else y


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    """Adaptive 1-d max pooling returning (values, int64 indices of the maxima along L).

    Args:
        input: (N, C, L) or (C, L).
        output_size: L_out.
        return_indices: ignored (the indices are always returned).

    Returns:
        (output (N, C, L_out), indices of the same shape).

    Example:
        >>> F.adaptive_max_pool1d_with_indices(ft.tensor([[1.0, 3.0, 2.0, 0.0, 5.0, 6.0]]), 2)
        (tensor([[3., 6.]]), tensor([[1, 5]]))
    """
    op = "adaptive_max_pool1d"
    x, unb = _batched(input, 3, op)
    y, idx = _pool.adaptive_max_pool2d(x.unsqueeze(-2), (1,) + _adaptive_size(output_size, x, 1, op), op)
    return tuple(_done((y, idx), unb, True))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Adaptive max pooling of (N, C, L) or (C, L) to a fixed length, whatever L is.

    Args:
        input: (N, C, L) or (C, L).
        output_size: L_out.
        return_indices: also return the index of each maximum along L (default False).

    Returns:
        (N, C, L_out) (or (C, L_out)); with return_indices, (output, indices).

    Example:
        >>> F.adaptive_max_pool1d(ft.tensor([[1.0, 3.0, 2.0, 0.0, 5.0, 6.0]]), 2)
        tensor([[3., 6.]])
    """
    y, idx = adaptive_max_pool1d_with_indices(input, output_size)
    return (y, idx) if return_indices else y


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-d power-average pooling: (sum over each (kH, kW) window of x^p)^(1/p).

    Args:
        input: (N, C, H, W) or (C, H, W).
        norm_type: p (p = 1 is sum pooling).
        kernel_size: the window size, an int or an (h, w) pair.
        stride: the step between windows (default kernel_size).
        ceil_mode: round the output size up instead of down (default False).

    Returns:
        (N, C, H_out, W_out) (or (C, H_out, W_out)), H_out = floor((H - kH) / stride[0] + 1).

    Example:
        >>> F.lp_pool2d(ft.arange(16.).reshape(1, 1, 4, 4), 1, 2)
        tensor([[[[10., 18.],
                  [42., 50.]]]])
    """
    kh, kw = _tuple(kernel_size, 2, "kernel_size", "lp_pool2d")
    out = avg_pool2d(input.pow(norm_type), (kh, kw), stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kh * kw).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """1-d power-average pooling: (sum over each window of x^p)^(1/p).

    Args:
        input: (N, C, L) or (C, L).
        norm_type: p (p = 1 is sum pooling).
        kernel_size: the window size.
        stride: the step between windows (default kernel_size).
        ceil_mode: round the output size up instead of down (default False).

    Returns:
        (N, C, L_out) (or (C, L_out)), L_out = floor((L - kernel_size) / stride + 1).

    Example:
        >>> F.lp_pool1d(ft.tensor([[3.0, 4.0, 0.0, 1.0]]), 2, 2)
        tensor([[5., 1.]])
    """
    (k,) = _tuple(kernel_size, 1, "kernel_size", "lp_pool1d")
    out = avg_pool1d(input.pow(norm_type), k, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(k).pow(1.0 / norm_type)
