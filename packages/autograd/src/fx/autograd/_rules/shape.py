"""Rules: joining and data-moving shape primitives (fx.tensor _ops/joining.py, _ops/shape.py)."""

from __future__ import annotations

from fx.tensor._ops.shape import P_flip, P_pad, P_pad_backward, P_roll, P_tril, P_triu
from fx.tensor._ops.views import P_slice, diagonal

from . import rule


@rule("cat", save=None)
def _cat(ctx, g):
    d = ctx.params["dim"]
    grads, start = [], 0
    for shape, need in zip(ctx.shapes, ctx.needs_input_grad):
        stop = start + shape[d]
        grads.append(P_slice(g, dim=d, start=start, stop=stop, step=1) if need else None)
        start = stop
    return tuple(grads)


@rule("flip", save=None)
def _flip(ctx, g):
    return P_flip(g, dims=ctx.params["dims"])


@rule("roll", save=None)
def _roll(ctx, g):
    p = ctx.params
    return P_roll(g, shifts=tuple(-s for s in p["shifts"]), dims=p["dims"])


@rule("tril", save=None)
def _tril(ctx, g):
    return P_tril(g, diagonal=ctx.params["diagonal"])


@rule("triu", save=None)
def _triu(ctx, g):
    return P_triu(g, diagonal=ctx.params["diagonal"])


@rule("diag_embed", save=None)
def _diag_embed(ctx, g):
    p = ctx.params
    return diagonal(g, p["offset"], p["dim1"], p["dim2"])


@rule("pad", save=None)
def _pad(ctx, g):
    p = ctx.params
    if p["mode"] == "constant":
        # Negative widths crop, so padding by the negated widths is the exact adjoint.
        return P_pad(g, pads=tuple(-w for w in p["pads"]), mode="constant", value=0)
    return P_pad_backward(g, pads=p["pads"], mode=p["mode"])


@rule("pad_backward", save=None)
def _pad_backward(ctx, g):
    p = ctx.params
    return P_pad(g, pads=p["pads"], mode=p["mode"], value=0)
