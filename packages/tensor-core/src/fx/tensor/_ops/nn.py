"""Fused softmax and log_softmax: primitives with their own derivative rules (fx.autograd) whose
backward passes are primitives too, so double backward works; and the dropout mask, drawn and
scaled in one pass (fx.nn.functional.dropout multiplies by it)."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._dispatch import _interposers, define
from .._generator import default_generator_for
from .._tensor import Tensor, _wrap_dim
from ._common import _tname, cast, check_tensor

P_softmax = define("softmax")  # (input), dim
P_log_softmax = define("log_softmax")  # (input), dim
P_softmax_backward = define("softmax_backward")  # (grad, output), dim: y * (gy - sum(gy * y))
P_log_softmax_backward = define("log_softmax_backward")  # (grad, output), dim: gy - exp(y) * sum(gy)
# Fills its target: element i (C order) is kept when the bernoulli(1 - p) draw i of (seed, offset)
# is 1 (the draws `bernoulli_(1 - p)` makes); a kept element is 1 / (1 - p) as `div_(1 - p)`
# computes it in the target's dtype (1 when not `scaled`), a dropped one 0.
P_dropout_mask_ = define("dropout_mask_", inplace=True, differentiable=False)  # (out), p, seed, offset, scaled

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


def dropout_mask_(out, p, scaled=True):
    """Fill the float tensor `out` with a dropout mask of probability p (0 < p < 1) from the default
    generator: `out.bernoulli_(1 - p).div_(1 - p)` (without the div_ when not `scaled`), in one pass."""
    if _interposers:  # vmap and tracers know bernoulli_ (randomness modes, replay), not this primitive
        out.bernoulli_(1.0 - p)
        return out.div_(1.0 - p) if scaled else out
    seed, offset = default_generator_for(out.device)._take(out._data.size)  # one word per draw, as bernoulli_
    return P_dropout_mask_(out, p=float(p), seed=seed, offset=offset, scaled=bool(scaled))
