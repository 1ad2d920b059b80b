"""one_hot, pad, normalize, cosine_similarity, pairwise_distance, interpolate, unfold/fold.

All are compositions of fx.tensor ops (so autograd needs no extra rules): interpolate and
unfold gather with integer index tensors, fold scatters with index_add.
"""

from __future__ import annotations

import math

import numpy as np

import fx.tensor as ft
from fx.tensor._tensor import Tensor

__all__ = ["one_hot", "pad", "normalize", "cosine_similarity", "pairwise_distance", "interpolate", "upsample",
           "upsample_nearest", "upsample_bilinear", "unfold", "fold"]

pad = ft.pad


def _check(t, op, name="input"):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(t).__name__}")


def one_hot(tensor, num_classes=-1):
    """One-hot encoding: an int64 tensor of shape (*tensor.shape, num_classes) with a 1 at each class index.

    Args:
        tensor: int64 class indices in [0, num_classes).
        num_classes: the number of classes (default -1: the largest index + 1).

    Returns:
        An int64 tensor of shape (*tensor.shape, num_classes).

    Example:
        >>> F.one_hot(ft.tensor([0, 2, 1]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1],
                [0, 1, 0]])
    """
    _check(tensor, "one_hot", "tensor")
    if tensor.dtype != ft.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if tensor.numel() == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(tensor.max().item()) + 1
    if tensor.numel():
        if tensor.min().item() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if tensor.max().item() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return (tensor.unsqueeze(-1) == ft.arange(num_classes, device=tensor.device)).long()


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """L_p normalization: input / max(||input||_p along dim, eps).

    Args:
        input: any tensor.
        p: the norm degree (default 2.0).
        dim: the dim to normalize along (default 1).
        eps: the smallest norm divided by, avoiding division by zero (default 1e-12).
        out: a tensor to write the result into (default None).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.normalize(ft.tensor([[3.0, 4.0], [0.0, 0.0]]))
        tensor([[0.6000, 0.8000],
                [0.0000, 0.0000]])
    """
    _check(input, "normalize")
    denom = ft.linalg.vector_norm(input, p, dim, keepdim=True).clamp_min(eps)
    res = input / denom
    if out is not None:
        out.copy_(res)
        return out
    return res


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine similarity sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along dim.

    Args:
        x1: any tensor.
        x2: a tensor that broadcasts with x1.
        dim: the dim the vectors lie along (default 1).
        eps: the smallest norm divided by (default 1e-8).

    Returns:
        The broadcast shape without dim.

    Example:
        >>> F.cosine_similarity(ft.tensor([[1.0, 0.0], [1.0, 1.0]]), ft.tensor([[0.0, 1.0], [2.0, 2.0]]))
        tensor([0.0000, 1.0000])
    """
    _check(x1, "cosine_similarity", "x1")
    _check(x2, "cosine_similarity", "x2")
    try:
        x1, x2 = ft.broadcast_tensors(x1, x2)
    except RuntimeError as e:
        raise RuntimeError(f"cosine_similarity: x1 of shape {tuple(x1.shape)} and x2 of shape {tuple(x2.shape)} "
                           f"do not broadcast: {e}") from None
    n1 = ft.linalg.vector_norm(x1, 2, dim, keepdim=True).clamp_min(eps)
    n2 = ft.linalg.vector_norm(x2, 2, dim, keepdim=True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """Distance ||x1 - x2 + eps||_p between the vectors along the last dim.

    Args:
        x1: (N, D) or (D).
        x2: a tensor that broadcasts with x1.
        p: the norm degree (default 2.0).
        eps: added to the difference, avoiding a zero norm's infinite gradient (default 1e-6).
        keepdim: keep the last dim with size 1 (default False).

    Returns:
        (N) (or (N, 1) with keepdim).

    Example:
        >>> F.pairwise_distance(ft.tensor([[0.0, 0.0]]), ft.tensor([[3.0, 4.0]]))
        tensor([5.0000])
    """
    _check(x1, "pairwise_distance", "x1")
    _check(x2, "pairwise_distance", "x2")
    out_dim = max(x1.dim(), x2.dim())
    if out_dim == 0:
        return ft.linalg.vector_norm(x1 - x2 + eps, p, keepdim=keepdim)
    return ft.linalg.vector_norm(x1 - x2 + eps, p, out_dim - 1, keepdim=keepdim)


# ---- interpolate ----------------------------------------------------------------------------
_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
_LINEAR_DIMS = {"linear": 1, "bilinear": 2, "trilinear": 3}


def _output_sizes(input, size, scale_factor, recompute_scale_factor):
    """(output sizes, per-dim scale factors the kernel uses or None)."""
    nsp = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = list(size) if isinstance(size, (list, tuple)) else [size] * nsp
        if len(sizes) != nsp:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(input.shape[2:])} and output size of {size}. Please provide "
                             "input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        return [int(s) for s in sizes], [None] * nsp
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else [scale_factor] * nsp
    if len(scales) != nsp:
        raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input with "
                         f"spatial dimensions of {list(input.shape[2:])} and scale_factor of shape {scale_factor}. "
                         "Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, "
                         "...,sK) format.")
    sizes = [int(math.floor(float(input.shape[i + 2]) * float(s))) for i, s in enumerate(scales)]
    if recompute_scale_factor:
        return sizes, [None] * nsp
    return sizes, [float(s) for s in scales]


def _scale(in_size, out_size, scale, align_corners):
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else in_size / out_size


def _nearest_index(in_size, out_size, scale, exact):
    # float32 arithmetic, like PyTorch's CPU kernel, so ties pick the same source pixel
    s = np.float32(_scale(in_size, out_size, scale, False))
    i = np.arange(out_size, dtype=np.float32)
    src = np.floor((i + np.float32(0.5)) * s) if exact else np.floor(i * s)
    return ft.from_numpy(np.minimum(src.astype(np.int64), in_size - 1))


def _linear_weights(in_size, out_size, scale, align_corners, dtype):
    s = _scale(in_size, out_size, scale, align_corners)
    i = np.arange(out_size, dtype=np.float64)
    if align_corners:
        src = i * s
    else:
        src = np.maximum(s * (i + 0.5) - 0.5, 0.0)
    lo = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    hi = np.minimum(lo + 1, in_size - 1)
    lam = (src - lo).astype(dtype.np)
    return ft.from_numpy(lo), ft.from_numpy(hi), ft.from_numpy(lam)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    """Resize the spatial dims of (N, C, *spatial) input (1 to 3 spatial dims).

    Args:
        input: (N, C, L), (N, C, H, W) or (N, C, D, H, W).
        size: the output spatial size, an int or one int per spatial dim (give size or scale_factor).
        scale_factor: a multiplier of the spatial size, a float or one per spatial dim.
        mode: 'nearest' (default), 'nearest-exact', 'linear' (3-D input), 'bilinear' (4-D),
            'trilinear' (5-D) or 'area' (adaptive average pooling); 'bicubic' is not supported.
        align_corners: for the linear modes, map the corner pixels' centres onto each other
            (default None: False).
        recompute_scale_factor: compute the sampling from the output size rather than scale_factor.
        antialias: only False is supported.

    Returns:
        (N, C, *output spatial size).

    Example:
        >>> F.interpolate(ft.tensor([[[1.0, 2.0]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
        >>> F.interpolate(ft.tensor([[[1.0, 2.0]]]), size=4, mode="linear")
        tensor([[[1.0000, 1.2500, 1.7500, 2.0000]]])
    """
    _check(input, "interpolate")
    if mode not in _MODES:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
                                  f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact "
                                  f"(got {mode})")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                             "bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    if input.dim() not in (3, 4, 5):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
                                  f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact "
                                  f"(got {mode})")
    nsp = input.dim() - 2
    want = _LINEAR_DIMS.get(mode)
    if want is not None and want != nsp:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {want + 2}D input")
    if mode == "bicubic":
        raise NotImplementedError("interpolate: mode 'bicubic' is not supported yet")
    sizes, scales = _output_sizes(input, size, scale_factor, recompute_scale_factor)
    for o in sizes:
        if o <= 0:
            raise RuntimeError(f"interpolate: output size must be greater than 0, but got {tuple(sizes)} for input of "
                               f"shape {tuple(input.shape)}")
    if mode == "area":
        from . import _pooling

        pool = getattr(_pooling, f"adaptive_avg_pool{nsp}d", None)
        if pool is None:
            raise NotImplementedError(f"interpolate: mode 'area' needs adaptive_avg_pool{nsp}d")
        return pool(input, sizes[0] if nsp == 1 else tuple(sizes))
    out = input
    for k in range(nsp):
        dim = k + 2
        in_size, out_size = input.shape[dim], sizes[k]
        if mode.startswith("nearest"):
            if in_size != out_size:
                out = out.index_select(dim, _nearest_index(in_size, out_size, scales[k], mode == "nearest-exact"))
            continue
        lo, hi, lam = _linear_weights(in_size, out_size, scales[k], align_corners, out.dtype)
        shape = [1] * out.dim()
        shape[dim] = out_size
        lam = lam.reshape(shape)
        a, b = out.index_select(dim, lo), out.index_select(dim, hi)
        out = a + (b - a) * lam
    return out


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of `interpolate`: interpolate(input, size, scale_factor, mode, align_corners).

    Args:
        input: (N, C, L), (N, C, H, W) or (N, C, D, H, W).
        size: the output spatial size, an int or one int per spatial dim (give size or scale_factor).
        scale_factor: a multiplier of the spatial size, a float or one per spatial dim.
        mode: the interpolation mode, as in `interpolate` (default 'nearest').
        align_corners: for the linear modes, as in `interpolate` (default None: False).

    Returns:
        (N, C, *output spatial size).

    Example:
        >>> F.upsample(ft.tensor([[[1.0, 2.0]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated nearest-neighbour upsampling: interpolate(input, size, scale_factor, mode="nearest").

    Args:
        input: (N, C, L), (N, C, H, W) or (N, C, D, H, W).
        size: the output spatial size, an int or one int per spatial dim (give size or scale_factor).
        scale_factor: a multiplier of the spatial size, a float or one per spatial dim.

    Returns:
        (N, C, *output spatial size).

    Example:
        >>> F.upsample_nearest(ft.tensor([[[1.0, 2.0]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
    """
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated bilinear upsampling: interpolate(..., mode="bilinear", align_corners=True).

    The same as interpolate(input, size, scale_factor, mode="bilinear", align_corners=True).

    Args:
        input: (N, C, H, W).
        size: the output spatial size, an int or one int per spatial dim (give size or scale_factor).
        scale_factor: a multiplier of the spatial size, a float or one per spatial dim.

    Returns:
        (N, C, *output spatial size).

    Example:
        >>> F.upsample_bilinear(ft.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]), scale_factor=2)[0, 0, 0]
        tensor([1.0000, 1.3333, 1.6667, 2.0000])
    """
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- unfold / fold --------------------------------------------------------------------------
def _pair(v, name, op):
    if isinstance(v, int):
        return (v, v)
    v = tuple(v)
    if len(v) != 2:
        raise RuntimeError(f"{op}: {name} must be an int or a pair of ints, got {v}")
    return v


def _blocks(spatial, k, d, p, s, op):
    for name, v, lo in (("kernel size", k, 1), ("dilation", d, 1), ("stride", s, 1), ("padding", p, 0)):
        if v[0] < lo or v[1] < lo:
            raise RuntimeError(f"{op}: {name} should be {'greater than zero' if lo else 'non-negative'}, but got "
                               f"{name.replace(' ', '_')}_height: {v[0]} {name.replace(' ', '_')}_width: {v[1]}")
    n = [(spatial[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]
    if n[0] < 1 or n[1] < 1:
        raise RuntimeError(f"Given input with spatial size {tuple(spatial)}, kernel_size={k}, dilation={d}, "
                           f"padding={p}, calculated shape of the array of sliding blocks as {tuple(n)}, but its "
                           "components must be at least one.")
    return n


def _block_index(n, k, d, s):
    """Row indices (kh, 1, oh, 1) and column indices (1, kw, 1, ow) into the padded input."""
    rows = (np.arange(k[0])[:, None] * d[0] + np.arange(n[0])[None, :] * s[0])[:, None, :, None]
    cols = (np.arange(k[1])[:, None] * d[1] + np.arange(n[1])[None, :] * s[1])[None, :, None, :]
    return rows, cols


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: every sliding (kh, kw) block of (N, C, H, W) input as one column of (N, C * kh * kw, L).

    Args:
        input: (N, C, H, W) or (C, H, W).
        kernel_size: the block size, an int or an (h, w) pair (as are the others).
        dilation: the spacing between block elements (default 1).
        padding: zeros added on both sides (default 0).
        stride: the step between blocks (default 1).

    Returns:
        (N, C * kh * kw, L) (or (C * kh * kw, L)), L the number of blocks, the product over H and W of
        (size + 2 padding - dilation (kernel - 1) - 1) // stride + 1.

    Example:
        >>> F.unfold(ft.arange(16.).reshape(1, 1, 4, 4), 2, stride=2)
        tensor([[[ 0.,  2.,  8., 10.],
                 [ 1.,  3.,  9., 11.],
                 [ 4.,  6., 12., 14.],
                 [ 5.,  7., 13., 15.]]])
    """
    _check(input, "unfold")
    if input.dim() not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.dim()}D)")
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    k, d, p, s = (_pair(v, n, "unfold") for v, n in ((kernel_size, "kernel_size"), (dilation, "dilation"),
                                                      (padding, "padding"), (stride, "stride")))
    n = _blocks(x.shape[2:], k, d, p, s, "im2col")
    if p[0] or p[1]:
        x = ft.pad(x, (p[1], p[1], p[0], p[0]))
    rows, cols = _block_index(n, k, d, s)
    N, C = x.shape[0], x.shape[1]
    out = x[:, :, ft.from_numpy(rows), ft.from_numpy(cols)]  # (N, C, kh, kw, oh, ow)
    out = out.reshape(N, C * k[0] * k[1], n[0] * n[1])
    return out if batched else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im: sum (N, C * kh * kw, L) columns back into (N, C, H, W) blocks (the adjoint of unfold).

    Args:
        input: (N, C * kh * kw, L) or (C * kh * kw, L).
        output_size: (H, W) of the output, an int or a pair.
        kernel_size: the block size, an int or an (h, w) pair (as are the others).
        dilation: the spacing between block elements (default 1).
        padding: padding of the output that is cut off (default 0).
        stride: the step between blocks (default 1).

    Returns:
        (N, C, H, W) (or (C, H, W)); overlapping values are summed.

    Example:
        >>> F.fold(ft.ones(1, 4, 9), (4, 4), 2)  # how many 2x2 blocks cover each pixel
        tensor([[[[1., 2., 2., 1.],
                  [2., 4., 4., 2.],
                  [2., 4., 4., 2.],
                  [1., 2., 2., 1.]]]])
    """
    _check(input, "fold")
    if input.dim() not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
                                  f"(got {input.dim()}D)")
    batched = input.dim() == 3
    x = input if batched else input.unsqueeze(0)
    out_hw, k, d, p, s = (_pair(v, n, "fold") for v, n in (
        (output_size, "output_size"), (kernel_size, "kernel_size"), (dilation, "dilation"), (padding, "padding"),
        (stride, "stride")))
    kk = k[0] * k[1]
    if x.shape[1] % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={x.shape[1]} and kernel_size={k}")
    n = _blocks(out_hw, k, d, p, s, "col2im")
    if x.shape[2] != n[0] * n[1]:
        raise RuntimeError(f"Given output_size={out_hw}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, "
                           f"expected size of input's dimension 2 to match the calculated number of sliding blocks "
                           f"{n[0]} * {n[1]} = {n[0] * n[1]}, but got input.size(2)={x.shape[2]}.")
    N, C = x.shape[0], x.shape[1] // kk
    hp, wp = out_hw[0] + 2 * p[0], out_hw[1] + 2 * p[1]
    rows, cols = _block_index(n, k, d, s)
    flat = ft.from_numpy((rows * wp + cols).reshape(-1))
    out = ft.zeros(N, C, hp * wp, dtype=x.dtype, device=x.device)
    out = out.index_add(2, flat, x.reshape(N, C, kk * n[0] * n[1]))
    out = out.reshape(N, C, hp, wp)
    if p[0] or p[1]:
        out = out[:, :, p[0]:p[0] + out_hw[0], p[1]:p[1] + out_hw[1]]
    return out if batched else out.squeeze(0)
