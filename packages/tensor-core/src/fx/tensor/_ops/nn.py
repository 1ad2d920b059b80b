"""Fused softmax and log_softmax: primitives with their own derivative rules (fx.autograd) whose
backward passes are primitives too, so double backward works."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor, _wrap_dim
from ._common import _tname, cast, check_tensor

P_softmax = define("softmax")  # (input), dim
P_log_softmax = define("log_softmax")  # (input), dim
P_softmax_backward = define("softmax_backward")  # (grad, output), dim: y * (gy - sum(gy * y))
P_log_softmax_backward = define("log_softmax_backward")  # (grad, output), dim: gy - exp(y) * sum(gy)

__all__ = ["softmax", "log_softmax"]


def _prepare(input, dim, dtype, op):
    """(input cast to dtype, dim as a non-negative int); PyTorch's errors for bad arguments."""
    check_tensor(input, op)
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    if dtype is not None and not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"{op}(): argument 'dtype' must be fx.tensor.dtype, not {type(dtype).__name__}")
    d = _wrap_dim(int(dim), input._data.ndim, op)
    target = input.dtype if dtype is None else dtype
    if not target.is_floating_point:
        raise NotImplementedError(
            f"{op}: not implemented for '{_tname(target)}' (a {target} input; "
            f"pass a floating point tensor or dtype=fx.tensor.float32)"
        )
    return (input if dtype is None else cast(input, dtype)), d


def softmax(input, dim, dtype=None):
    """exp(x) / sum(exp(x)) along `dim`, computed stably; `dtype` casts the input first.

    Example:
        >>> import fx.tensor as ft
        >>> ft.softmax(ft.tensor([0.0, 0.0]), dim=0).tolist()
        [0.5, 0.5]
    """
    x, d = _prepare(input, dim, dtype, "softmax")
    return P_softmax(x, dim=d)


def log_softmax(input, dim, dtype=None):
    """x - log(sum(exp(x))) along `dim`, computed stably; `dtype` casts the input first.

    Example:
        >>> import fx.tensor as ft
        >>> ft.log_softmax(ft.tensor([0.0, 0.0]), dim=0).exp().tolist()
        [0.5, 0.5]
    """
    x, d = _prepare(input, dim, dtype, "log_softmax")
    return P_log_softmax(x, dim=d)


Tensor.softmax = softmax
Tensor.log_softmax = log_softmax
