"""Rules: indexing, index_put and gather/scatter (fx.tensor _ops/index.py, _ops/scatter.py).

Integer index tensors take no gradient. The index_* / masked_* / take / put ops of fx.tensor are
compositions of "index" and "index_put" and need no rule of their own.
"""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._ops.index import P_getitem_basic, P_index, P_index_put, P_index_put_, P_setitem_basic
from fx.tensor._ops.scatter import P_gather, P_scatter, P_scatter_reduce
from fx.tensor._ops.shape import P_pad

from . import rule


def _zero(g):
    return ft.zeros((), dtype=g.dtype, device=g.device)


def _zeros(shape, g):
    return g.new_zeros(shape)


def _saved(ctx, *which):
    """The saved inputs at positions `which`, unpacked (and version-checked) alone: modifying an
    input in place after the forward must not fail a rule that never reads it (an in-place
    primitive's own destination is always modified). Falls back to ctx.inputs for its errors."""
    saved = ctx.saved
    if ctx._freed or saved is None:
        return ctx.inputs
    return tuple(saved[i].unpack(ctx, "input", i) for i in which)


def _indices(ctx, start):
    return _saved(ctx, *range(start, len(ctx.shapes)))


# ---- x[key], x[key] = v, index_put ---------------------------------------------------------------
@rule("setitem_basic", save=None)
def _setitem_basic(ctx, g):
    key = ctx.params["key"]
    need_x, need_v = ctx.needs_input_grad
    gx = P_setitem_basic(g, _zero(g), key=key) if need_x else None
    gv = None
    if need_v:
        gv = P_getitem_basic(g, key=key)
        extra = len(ctx.shapes[1]) - gv._data.ndim
        if extra > 0:  # NumPy lets the value carry leading size-1 dims
            gv = gv.reshape((1,) * extra + gv._data.shape)
    return gx, gv


@rule("index")
def _index(ctx, g):
    indices = _indices(ctx, 1)
    dims = ctx.params["dims"]
    z = _zeros(ctx.shapes[0], g)
    # Accumulate into fresh zeros in place unless the result must itself be differentiable.
    put = P_index_put if g._rg else P_index_put_
    return (put(z, g, *indices, dims=dims, accumulate=True),) + (None,) * len(indices)


@rule("index_put", "index_put_")
def _index_put(ctx, g):
    # index_put_ is recorded in place: its first gradient is for the overwritten destination, and
    # a write through a view (CopySlices) reads it even though the node's own edge 0 is empty.
    indices = _indices(ctx, 2)
    p = ctx.params
    gx = gv = None
    if ctx.needs_input_grad[0] or ctx.prim.inplace:
        gx = g if p["accumulate"] else P_index_put(g, _zero(g), *indices, dims=p["dims"], accumulate=False)
    if ctx.needs_input_grad[1]:
        gv = P_index(g, *indices, dims=p["dims"])
    return (gx, gv) + (None,) * len(indices)


# ---- gather / scatter ----------------------------------------------------------------------------
def _cut(t, shape):
    """The part of the scatter source `t` that an index of `shape` reads (a 0-d `t` is broadcast)."""
    s = t._data.shape
    if s == shape:
        return t
    if not s:
        return t.expand(shape)
    if not shape:
        return t.reshape(())
    return P_getitem_basic(t, key=tuple((0, n, 1) for n in shape))


def _grow(g, shape):
    """The index-shaped gradient `g` as a gradient for a source of `shape` (zero where unread)."""
    if g._data.shape == shape or not shape:
        return g  # a 0-d source was broadcast: the engine sums
    if not g._data.ndim:
        g = g.reshape((1,) * len(shape))
    if g._data.shape == shape:
        return g
    pads = []
    for have, want in zip(reversed(g._data.shape), reversed(shape)):
        pads += [0, want - have]
    return P_pad(g, pads=tuple(pads), mode="constant", value=0)


@rule("gather")
def _gather(ctx, g):
    (index,) = _saved(ctx, 1)
    z = _zeros(ctx.shapes[0], g)
    return P_scatter_reduce(z, index, g, dim=ctx.params["dim"], reduce="sum", include_self=True), None


@rule("scatter")
def _scatter(ctx, g):
    (index,) = _saved(ctx, 1)
    d = ctx.params["dim"]
    need_x, _, need_src = ctx.needs_input_grad
    gx = P_scatter(g, index, _zero(g), dim=d) if need_x else None
    gs = _grow(P_gather(g, index, dim=d), ctx.shapes[2]) if need_src else None
    return gx, None, gs


@rule("scatter_reduce")
def _scatter_reduce(ctx, g):
    p = ctx.params
    d, reduce, include_self = p["dim"], p["reduce"], p["include_self"]
    (index,) = _saved(ctx, 1)
    if reduce == "sum":
        gx, gs = g, P_gather(g, index, dim=d)
    elif reduce == "mean":
        ones = ft.ones(index.shape, dtype=g.dtype, device=g.device)
        count = P_scatter_reduce(ft.ones_like(g) if include_self else ft.zeros_like(g), index, ones, dim=d,
                                 reduce="sum", include_self=True)
        gx = g / count.clamp(min=1)
        gs = P_gather(gx, index, dim=d)
    elif reduce == "prod":
        gx, gs = _prod_grads(*_saved(ctx, 0, 1, 2), g, p)
    else:
        gx, gs = _extreme_grads(*_saved(ctx, 0, 1, 2), g, p)
    if not include_self:
        gx = P_scatter(gx, index, _zero(g), dim=d)
    return gx, None, _grow(gs, ctx.shapes[2])


def _prod_grads(x, index, src, g, p):
    d = p["dim"]
    s = _cut(src, index._data.shape)
    # d out / d x is the product of the sources scattered onto each position (no division by x).
    gx = g * P_scatter_reduce(ft.ones_like(x), index, src, dim=d, reduce="prod", include_self=True)
    out = P_scatter_reduce(x, index, src, **p)
    # d out / d src_j = out / src_j, except for the one zero source of a position: there the
    # product of the others is the result with that zero replaced by one.
    zero = s == 0
    zeros_here = P_scatter_reduce(ft.zeros_like(g), index, zero.to(g.dtype), dim=d, reduce="sum", include_self=True)
    lone = zero & (P_gather(zeros_here, index, dim=d) == 1)
    others = P_scatter_reduce(x, index, s.masked_fill(lone, 1), **p)
    gs = ft.where(lone, P_gather(g * others, index, dim=d), P_gather(g * out, index, dim=d) / s.masked_fill(zero, 1))
    return gx, gs


def _extreme_grads(x, index, src, g, p):
    # amax/amin: the gradient is shared evenly between the elements that tie for the result.
    d = p["dim"]
    s = _cut(src, index._data.shape)
    out = P_scatter_reduce(x, index, src, **p)
    x_hit = (x == out).to(g.dtype)
    if not p["include_self"]:
        x_hit = P_scatter(x_hit, index, _zero(x_hit), dim=d)
    s_hit = (s == P_gather(out, index, dim=d)).to(g.dtype)
    ties = P_scatter_reduce(x_hit, index, s_hit, dim=d, reduce="sum", include_self=True)
    share = g / ties.clamp(min=1)
    return x_hit * share, s_hit * P_gather(share, index, dim=d)
