"""Rules: copies, casts, in-place writes (copy_, copy_slices) and the view primitives."""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._ops.views import P_as_strided

from . import rule


@rule("cast", "clone", "to_device", save=None)
def _identity(ctx, g):
    return g  # the engine casts / moves the gradient back to the input's dtype


@rule("copy_", save=None)
def _copy(ctx, g):
    return None, g  # the old destination is overwritten: no gradient flows to it


@rule("copy_slices", save=None)
def _copy_slices(ctx, g):
    # Gradient of base_new = base_old with region := op(region_old, others).
    inner = ctx.params["inner"]
    grad_base = g.clone()
    region = grad_base
    for prim, params in ctx.params["steps"]:
        region = prim(region, **params)
    inner_grads = inner.rule.fn(inner, region.clone())
    if not isinstance(inner_grads, (tuple, list)):
        inner_grads = (inner_grads,)
    old = inner_grads[0]
    if old is None:
        region.zero_()
    else:
        region.copy_(old)
    return (grad_base,) + tuple(inner_grads[1:])


@rule("view", save=None)
def _view(ctx, g):
    return g.reshape(ctx.shapes[0])


@rule("permute", save=None)
def _permute(ctx, g):
    dims = ctx.params["dims"]
    inverse = [0] * len(dims)
    for i, d in enumerate(dims):
        inverse[d] = i
    return g.permute(inverse)


@rule("expand", save=None)
def _expand(ctx, g):
    return g  # the engine sums it back to the input's shape


@rule("slice", save=None)
def _slice(ctx, g):
    p = ctx.params
    out = g.new_zeros(ctx.shapes[0])
    region = out.narrow(p["dim"], p["start"], p["stop"] - p["start"]) if p["step"] == 1 else out[_key(p, len(ctx.shapes[0]))]
    region.copy_(g)
    return out


def _key(p, ndim):
    key = [slice(None)] * ndim
    key[p["dim"]] = slice(p["start"], p["stop"], p["step"])
    return tuple(key)


@rule("as_strided", save="inputs")
def _as_strided(ctx, g):
    # Map both the input and the output onto storage positions: the gradient of each storage
    # element is the sum over the output elements that read it (overlapping windows add up).
    (x,) = ctx.inputs
    p = ctx.params
    x_geom = (tuple(x.shape), x.stride(), x.storage_offset())
    out_geom = (p["size"], p["stride"], p["storage_offset"])
    length = max(_extent(*x_geom), _extent(*out_geom))
    positions = ft.arange(length, device=g.device)
    out_pos = P_as_strided(positions, size=out_geom[0], stride=out_geom[1], storage_offset=out_geom[2])
    x_pos = P_as_strided(positions, size=x_geom[0], stride=x_geom[1], storage_offset=x_geom[2])
    storage = ft.zeros(length, dtype=g.dtype, device=g.device).index_add(0, out_pos.reshape(-1), g.reshape(-1))
    return storage.index_select(0, x_pos.reshape(-1)).reshape(x_geom[0])


def _extent(size, stride, offset):
    """One past the last storage position a (size, stride, offset) view touches."""
    if not all(size):
        return offset
    return offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1


@rule("getitem_basic", save=None)
def _getitem_basic(ctx, g):
    from fx.tensor._ops.index import P_getitem_basic

    out = g.new_zeros(ctx.shapes[0])
    P_getitem_basic(out, **ctx.params).copy_(g)
    return out
