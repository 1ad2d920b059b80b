"""affine_grid and grid_sample: the sampling half of a spatial transformer (torch.nn.functional).

grid_sample is a composition of fx ops. Each output point reads a few input pixels (taps: 1 for
nearest, 2^k for (bi/tri)linear, 16 for bicubic) through one gather; each tap's weight is an fx
function of the grid, and the integer tap positions are computed from detached coordinates. So
autograd differentiates with respect to input and grid, to any order, with no rule of its own, and
the gradient of the input is a scatter-add. Padding follows PyTorch's kernel exactly, including its
gradients: clipped coordinates pass no gradient on or beyond the border, reflected ones flip sign.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import warnings

import fx.tensor as ft
from fx.tensor._tensor import Tensor

__all__ = ["affine_grid", "grid_sample"]

_MODES = ("bilinear", "nearest", "bicubic")
_PADDING_MODES = ("zeros", "border", "reflection")
_CUBIC_A = -0.75  # the cubic convolution kernel's parameter (Keys, 1981), PyTorch's choice


def _default_align_corners(align_corners):
    if align_corners is None:
        warnings.warn("grid_sample and affine_grid default to align_corners=False (since PyTorch 1.3.0); pass "
                      "align_corners=True for the old behaviour", UserWarning, stacklevel=3)
        return False
    return bool(align_corners)


def _check_tensor(t, op, name, pos):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be Tensor, not {type(t).__name__}")


# ---- affine_grid -----------------------------------------------------------------------------
def _axis(steps, align_corners, theta):
    """The normalised coordinates of `steps` pixel centres (align_corners=False) or corners (True)."""
    if steps <= 1:
        return ft.zeros(1, dtype=theta.dtype, device=theta.device)
    coords = ft.linspace(-1.0, 1.0, steps, dtype=theta.dtype, device=theta.device)
    return coords if align_corners else coords * (steps - 1) / steps


def affine_grid(theta, size, align_corners=None):
    """The sampling grid of a batch of affine maps: the grid `grid_sample` reads to warp an image by theta.

    Output point (h, w) holds theta @ (x_w, y_h, 1), where x_w and y_h are the normalised coordinates
    in [-1, 1] of the output pixel (see `grid_sample` for align_corners).

    Args:
        theta: (N, 2, 3) affine matrices for a 2-d size, or (N, 3, 4) for a 3-d one; floating point.
        size: the target output size, (N, C, H, W) or (N, C, D, H, W).
        align_corners: as in `grid_sample` (default None: False, with a warning); use the same value
            for both calls.

    Returns:
        The grid, (N, H, W, 2) or (N, D, H, W, 3), in theta's dtype (differentiable w.r.t. theta).

    Example:
        >>> identity = ft.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
        >>> F.affine_grid(identity, (1, 1, 2, 2), align_corners=True)
        tensor([[[[-1., -1.],
                  [ 1., -1.]],
        <BLANKLINE>
                 [[-1.,  1.],
                  [ 1.,  1.]]]])
    """
    _check_tensor(theta, "affine_grid", "theta", 1)
    align_corners = _default_align_corners(align_corners)
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = [int(s) for s in size]
    if len(size) == 4:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {tuple(size)}. "
                             f"Got {theta.shape}.")
    elif len(size) == 5:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {tuple(size)}. "
                             f"Got {theta.shape}.")
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {tuple(size)}.")
    spatial = size[2:]
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {tuple(size)}")
    if align_corners and min(spatial) == 1:
        warnings.warn("affine_grid with align_corners=True maps a unit-size dimension to the coordinate 0 "
                      "(changed in PyTorch 1.3.0); this is not an intended use", UserWarning, stacklevel=2)
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"affine_grid: theta holds {theta.shape[0]} matrices, but size {tuple(size)} asks for a "
                           f"batch of {size[0]}")
    k = len(spatial)
    axes = ft.meshgrid(*[_axis(s, align_corners, theta) for s in spatial], indexing="ij")
    ones = ft.ones(spatial, dtype=theta.dtype, device=theta.device)
    base = ft.stack([axes[k - 1 - d].expand(*spatial) for d in range(k)] + [ones], dim=-1)  # (..., x, y[, z], 1)
    grid = base.reshape(1, -1, k + 1) @ theta.transpose(1, 2)
    return grid.reshape(size[0], *spatial, k)


# ---- grid_sample -----------------------------------------------------------------------------
def _check_sample_args(input, grid, mode):
    shapes = f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
    if input.dim() not in (4, 5) or grid.dim() != input.dim():
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got {shapes}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got {shapes}")
    if grid.shape[-1] != input.dim() - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.dim() - 2} in last dimension, but got "
                           f"grid with sizes {list(grid.shape)}")
    for d in range(2, input.dim()):
        if input.shape[d] == 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {list(input.shape)} with dimension {d} being empty")
    if mode == "bicubic" and input.dim() != 4:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if not input.is_floating_point():
        raise NotImplementedError(f"grid_sample: not implemented for {input.dtype} input (floating point only)")
    if input.dtype != grid.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but input has {input.dtype} "
                           f"and grid has {grid.dtype}")


def _unnormalize(coord, size, align_corners):
    """[-1, 1] -> pixel index: -1 and 1 are the corner pixels' centres (align_corners) or outer edges."""
    if align_corners:
        return (coord + 1) * ((size - 1) / 2)
    return (coord + 1) * (size / 2) - 0.5


def _clip(x, size):
    # the border itself counts as outside: PyTorch passes no gradient there either
    inside = (x > 0) & (x < size - 1)
    return ft.where(inside, x, x.detach().clamp(0, size - 1))


def _reflect(x, twice_low, twice_high):
    """Reflect x into [twice_low / 2, twice_high / 2], bouncing off both ends as often as needed."""
    if twice_low == twice_high:  # a single pixel: everything maps onto it, with a zero gradient (not none)
        return ft.where(ft.zeros_like(x, dtype=ft.bool), x, 0.0)
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    x = x - low
    x = ft.where(x < 0, -x, x)
    extra = x.fmod(span)
    even = (x.detach() / span).floor().fmod(2) == 0
    return ft.where(even, extra + low, (span - extra) + low)


def _pad_coordinate(x, size, padding_mode, align_corners):
    if padding_mode == "border":
        return _clip(x, size)
    if padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
        return _clip(x, size)
    return x


def _linear_taps(coords):
    """(positions, weight) of the 2^k corners around each point: weights are products of 1-d hat functions."""
    lows = [c.detach().floor() for c in coords]
    upper = [c - lo for c, lo in zip(coords, lows)]
    lower = [(lo + 1) - c for c, lo in zip(coords, lows)]
    taps = []
    for bits in itertools.product((0, 1), repeat=len(coords)):
        weight = functools.reduce(operator.mul, [upper[d] if b else lower[d] for d, b in enumerate(bits)])
        taps.append(([lo + b for lo, b in zip(lows, bits)], weight))
    return taps


def _cubic_weights(t):
    """The 4 cubic convolution weights of the taps at floor - 1 .. floor + 2, for the fraction t."""
    a = _CUBIC_A

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _bicubic_taps(coords, sizes, padding_mode, align_corners):
    # Bicubic pads each tap's integer position, not the sampling point (as PyTorch does).
    lows = [c.detach().floor() for c in coords]
    weights = [_cubic_weights(c - lo) for c, lo in zip(coords, lows)]
    taps = []
    for i, j in itertools.product(range(4), repeat=2):
        pos = [_pad_coordinate(lows[0] + (i - 1), sizes[0], padding_mode, align_corners),
               _pad_coordinate(lows[1] + (j - 1), sizes[1], padding_mode, align_corners)]
        taps.append((pos, weights[0][i] * weights[1][j]))
    return taps


def _gather_taps(input, taps, sizes, out_spatial):
    """sum over taps of weight * input[position], zero where a position falls outside the input."""
    n, c = input.shape[0], input.shape[1]
    length = math.prod(out_spatial)
    index, weights = [], []
    for pos, weight in taps:
        valid, flat = None, None
        for p, size, stride in zip(pos, sizes, _strides(sizes)):
            ok = (p >= 0) & (p <= size - 1)
            valid = ok if valid is None else valid & ok
            term = p.clamp(0, size - 1).long() * stride
            flat = term if flat is None else flat + term
        index.append(flat)
        weights.append(ft.where(valid, weight, 0.0))
    taps_n = len(taps)
    index = ft.stack(index, 1).reshape(n, 1, taps_n * length).expand(n, c, taps_n * length)
    values = input.reshape(n, c, math.prod(sizes)).gather(2, index).reshape(n, c, taps_n, length)
    out = (values * ft.stack(weights, 1).unsqueeze(1)).sum(2)
    return out.reshape(n, c, *out_spatial)


def _strides(sizes):
    return [math.prod(sizes[d + 1:]) for d in range(len(sizes))]


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample input at the points of grid: out[n, :, h, w] = input[n, :] read at (x, y) = grid[n, h, w].

    Grid coordinates are normalised: x = -1 is the left of the input and x = 1 its right (likewise y
    from top to bottom, and z from front to back for 5-d input); grid[..., 0] is x (the width).
    Differentiable with respect to input and grid.

    Args:
        input: (N, C, H_in, W_in) or (N, C, D_in, H_in, W_in), floating point.
        grid: (N, H_out, W_out, 2) or (N, D_out, H_out, W_out, 3), input's dtype.
        mode: 'bilinear' (default; trilinear for 5-d input), 'nearest' (round half to even) or
            'bicubic' (4-d input only).
        padding_mode: what points outside the input read: 'zeros' (default), 'border' (the nearest
            border pixel) or 'reflection' (the input mirrored at its border).
        align_corners: True: -1 and 1 are the centres of the corner pixels; False: their outer
            edges, so the result does not depend on the input's resolution (default None: False,
            with a warning).

    Returns:
        (N, C, H_out, W_out) or (N, C, D_out, H_out, W_out), input's dtype.

    Example:
        >>> image = ft.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
        >>> grid = ft.tensor([[[[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0]]]])
        >>> F.grid_sample(image, grid, align_corners=True)
        tensor([[[[1.0000, 2.5000, 4.0000]]]])
        >>> F.grid_sample(image, grid, align_corners=False)
        tensor([[[[0.2500, 2.5000, 1.0000]]]])
        >>> F.grid_sample(image, grid, padding_mode="border", align_corners=False)
        tensor([[[[1.0000, 2.5000, 4.0000]]]])
    """
    _check_tensor(input, "grid_sample", "input", 1)
    _check_tensor(grid, "grid_sample", "grid", 2)
    if mode not in _MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in _PADDING_MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    align_corners = _default_align_corners(align_corners)
    _check_sample_args(input, grid, mode)
    sizes = list(input.shape[2:])
    k = len(sizes)
    out_spatial = list(grid.shape[1:-1])
    points = grid.reshape(grid.shape[0], math.prod(out_spatial), k)
    # grid's last dim is (x, y[, z]): reversed input dim order
    coords = [_unnormalize(points[:, :, k - 1 - d], sizes[d], align_corners) for d in range(k)]
    if mode == "bicubic":
        taps = _bicubic_taps(coords, sizes, padding_mode, align_corners)
    else:
        coords = [_pad_coordinate(c, s, padding_mode, align_corners) for c, s in zip(coords, sizes)]
        if mode == "nearest":
            # weight 1 that still depends on the grid, whose gradient is then zero as in PyTorch
            taps = [([c.detach().round() for c in coords], coords[0] * 0 + 1)]
        else:
            taps = _linear_taps(coords)
    return _gather_taps(input, taps, sizes, out_spatial)
