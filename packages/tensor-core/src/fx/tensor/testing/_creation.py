"""`make_tensor`: a random tensor for tests, drawn uniformly from [low, high) (torch.testing.make_tensor)."""

from __future__ import annotations

import math
import warnings

from .. import _dtype

__all__ = ["make_tensor"]


def _interval(low, high, dtype, lowest, highest, default_low, default_high):
    """[low, high) with PyTorch's defaults, checks and clamping to what the dtype holds."""
    low = default_low if low is None else low
    high = default_high if high is None else high
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if low == high and dtype.is_floating_point:
        warnings.warn("Passing `low==high` to `fx.tensor.testing.make_tensor` for floating types is deprecated (as in "
                      "PyTorch). Use `fx.tensor.full(...)` instead.", FutureWarning, stacklevel=3)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), but {dtype} only "
                         f"supports [{lowest}, {highest})")
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    if not dtype.is_floating_point:
        return math.ceil(low), math.ceil(high)  # randint's high is exclusive: ceil both ends
    return low, high


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    """A tensor of `shape` with values drawn uniformly from [low, high), for tests.

    Defaults: floats in [-9, 9), integers in [-9, 10) (uint8 from 0), bools either value; bounds
    outside the dtype's range are clamped to it. Values come from fx's global generator, so
    `ft.manual_seed` makes them repeatable.

    Args:
        *shape: ints, or one sequence of ints.
        dtype: the dtype (required).
        device: the device (required).
        low: inclusive lower bound (default None: by dtype).
        high: exclusive upper bound (default None: by dtype).
        requires_grad: make a leaf that requires grad (floating dtypes only).
        noncontiguous: return a non-contiguous view (of a tensor twice as wide in its last dim).
        exclude_zero: replace zeros by the dtype's smallest positive value (1 for integers).
        memory_format: the layout (e.g. fx.tensor.channels_last); not with noncontiguous.

    Returns:
        Tensor: the new tensor.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> t = ft.testing.make_tensor(2, 3, dtype=ft.int64, device="cpu", low=0, high=5)
        >>> t.shape, t.dtype, bool(((t >= 0) & (t < 5)).all())
        (fx.tensor.Size([2, 3]), fx.tensor.int64, True)
    """
    import fx.tensor as ft

    from .._memory_format import check, set_layout

    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    shape = tuple(shape)
    check(memory_format, "make_tensor")
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually exclusive, but got "
                         f"noncontiguous={noncontiguous} and memory_format={memory_format}")
    if requires_grad and not dtype.is_floating_point:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, but got dtype={dtype}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    full_shape = shape[:-1] + (2 * shape[-1],) if noncontiguous else shape
    if dtype is _dtype.bool:
        low, high = _interval(low, high, dtype, 0, 2, 0, 2)
        result = ft.randint(low, high, full_shape, device=device).to(dtype)
    elif not dtype.is_floating_point:
        info = ft.iinfo(dtype)
        # randint samples int64 bounds: int64's own maximum cannot be an exclusive bound
        low, high = _interval(low, high, dtype, info.min, info.max + (dtype is not _dtype.int64), -9, 10)
        result = ft.randint(low, high, full_shape, device=device, dtype=dtype)
    else:
        info = ft.finfo(dtype)
        low, high = _interval(low, high, dtype, info.min, info.max, -9, 9)
        result = ft.empty(full_shape, device=device, dtype=dtype)
        if high - low >= info.max:  # the width overflows: draw half of it and double
            result.uniform_(low / 2, high / 2).mul_(2)
        else:
            result.uniform_(low, high)
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        set_layout(result, memory_format, "make_tensor")
    if exclude_zero:
        result[result == 0] = ft.finfo(dtype).tiny if dtype.is_floating_point else 1
    if requires_grad:
        result.requires_grad_(True)
    return result
