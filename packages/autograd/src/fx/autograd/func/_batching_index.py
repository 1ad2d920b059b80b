"""Batching rules of the indexing family: basic and advanced indexing, index_put, gather/scatter,
searchsorted and isin.

Advanced indexing follows NumPy's placement rule: the broadcast index dims replace the indexed
dims when the indexed dims are adjacent, and go first otherwise. With unbatched indices the batch
dim is one more leading slice (adjacency is unchanged, but a "first" result lands before the batch
dim and is moved back). With batched indices the batch dim is indexed too, by an `arange(B)`
broadcast against the indices, so each example reads its own rows.
"""

from __future__ import annotations

import math

import fx.tensor as ft
from fx.tensor._ops.copying import P_copy_
from fx.tensor._ops.views import P_expand, P_permute, P_view

from ._batched import make
from ._batching_rules import bat, batched_like, batching_rule, inplace_error, pad_rank, run, wrap


def _basic_key(key):
    return tuple([slice(*k) if k.__class__ is tuple else k for k in key]) + (Ellipsis,)


@batching_rule("getitem_basic")
def _getitem_basic(lv, prim, inputs, params):
    p = inputs[0]._phys
    return wrap(lv, run(lv, prim, (p,), {"key": ((0, p._data.shape[0], 1),) + tuple(params["key"])}))


@batching_rule("setitem_basic")
def _setitem_basic(lv, prim, inputs, params):
    x, value = inputs
    key = tuple(params["key"])
    region = x._data[_basic_key(key)].ndim
    pv = bat(value, lv)
    v = value if pv is None else pad_rank(pv, value._data.ndim, region)
    return wrap(lv, run(lv, prim, (batched_like(x, lv), v), {"key": ((0, lv.size, 1),) + key}))


# ---- advanced indexing -------------------------------------------------------------------------
def _layout(indices, dims):
    """(rank of the broadcast index shape, adjacent?, number of indexed dims) for NumPy's rules."""
    rank, covered = 0, []
    for d, t in zip(dims, indices):
        k = t._data.ndim
        mask = t._data.dtype.kind == "b"
        rank = max(rank, 1 if mask else k)
        covered.extend(range(d, d + (k if mask else 1)))
    adjacent = not covered or covered == list(range(covered[0], covered[-1] + 1))
    return rank, adjacent, len(covered)


def _batched_indices(lv, indices, rank):
    """[arange(B) as (B, 1, ...)] + indices, batched ones padded so the batch dims line up."""
    out = []
    for t in indices:
        p = bat(t, lv)
        if p is None:
            out.append(t)
        elif t._data.dtype.kind == "b":
            raise RuntimeError(
                "vmap: cannot index with a batched boolean mask: each example would select a different number "
                "of elements, so one shape for the whole batch does not exist (use fx.tensor.where instead)")
        else:
            out.append(pad_rank(p, t._data.ndim, rank))
    ar = ft.arange(lv.size, device=out[0].device if out else None)
    return [P_view(ar, shape=(lv.size,) + (1,) * rank)] + out


def _move(p, src, dst):
    order = list(range(p._data.ndim))
    order.insert(dst, order.pop(src))
    return P_permute(p, dims=tuple(order))


def _front_block_to(p, start, length, dst):
    """Move dims [start, start+length) of `p` to begin at position `dst` of the remaining dims."""
    order = list(range(p._data.ndim))
    block = order[start:start + length]
    del order[start:start + length]
    order[dst:dst] = block
    return P_permute(p, dims=tuple(order))


def _any_batched(lv, ts):
    return any(bat(t, lv) is not None for t in ts)


@batching_rule("index")
def _index(lv, prim, inputs, params):
    x, indices, dims = inputs[0], inputs[1:], tuple(params["dims"])
    rank, adjacent, _ = _layout(indices, dims)
    if not _any_batched(lv, indices):
        out = run(lv, prim, (x._phys,) + tuple(indices), {"dims": tuple(d + 1 for d in dims)})
        if not adjacent:  # NumPy put the index dims before the batch dim
            out = _move(out, rank, 0)
        return wrap(lv, out)
    idx = _batched_indices(lv, indices, rank)
    out = run(lv, prim, [batched_like(x, lv)] + idx, {"dims": (0,) + tuple(d + 1 for d in dims)})
    # Result: (B, index dims..., remaining dims of x in order).
    if adjacent and dims[0] > 0:
        out = _front_block_to(out, 1, rank, 1 + dims[0])
    return wrap(lv, out)


def _index_put(lv, prim, inputs, params, inplace):
    x, values, indices = inputs[0], inputs[1], inputs[2:]
    dims = tuple(params["dims"])
    px = bat(x, lv)
    if px is None:
        if inplace:
            raise inplace_error(prim.name)
        px = batched_like(x, lv)
    if len(indices) == 1 and indices[0]._data.dtype.kind == "b" and values._data.ndim == 0 and \
            bat(indices[0], lv) is not None:
        return _masked_put(lv, x, px, values, indices[0], dims[0], params["accumulate"], inplace)
    rank, adjacent, ncovered = _layout(indices, dims)
    r = rank + x._data.ndim - ncovered  # rank of the logical region x[indices]
    pv = bat(values, lv)
    k = values._data.ndim
    # Values as (B, logical region aligned) or (1, ...): one leading dim for the batch.
    v = pad_rank(pv, k, r) if pv is not None else P_view(values, shape=(1,) * (r - k + 1) + values._data.shape)
    shift = tuple(d + 1 for d in dims)
    if not _any_batched(lv, indices):
        if not adjacent:  # the region is (index dims, B, rest)
            v = _move(v, 0, rank)
        args, new_dims = [px, v] + list(indices), shift
    else:
        if adjacent and dims[0] > 0:  # the region is (B, index dims, x dims before, after)
            v = _front_block_to(v, 1 + dims[0], rank, 1)
        args, new_dims = [px, v] + _batched_indices(lv, indices, rank), (0,) + shift
    out = run(lv, prim, args, dict(params, dims=new_dims))
    return x if inplace else wrap(lv, out)


def _masked_put(lv, x, px, value, mask, d, accumulate, inplace):
    """x[mask] = value (or +=) for a batched mask and one value: a `where`, no dynamic shape."""
    m = mask._phys
    k = mask._data.ndim
    rest = x._data.ndim - d - k
    m = P_view(m, shape=(lv.size,) + (1,) * d + tuple(mask._data.shape) + (1,) * rest)
    pv = bat(value, lv)
    v = value if pv is None else P_view(pv, shape=(lv.size,) + (1,) * x._data.ndim)
    new = ft.where(m, px + v if accumulate else v.to(px.dtype), px)
    if inplace:
        run(lv, P_copy_, (px, new), {})
        return x
    return make(new, lv.id)


@batching_rule("index_put")
def _index_put_rule(lv, prim, inputs, params):
    return _index_put(lv, prim, inputs, params, False)


@batching_rule("index_put_")
def _index_put_inplace(lv, prim, inputs, params):
    return _index_put(lv, prim, inputs, params, True)


# ---- gather / scatter --------------------------------------------------------------------------
def _as_rows(p, lv):
    """A (B,) physical tensor of a 0-d logical value as (B, 1)."""
    return P_view(p, shape=(lv.size, 1))


@batching_rule("gather")
def _gather(lv, prim, inputs, params):
    x, index = inputs
    px, pi = batched_like(x, lv), batched_like(index, lv)
    if x._data.ndim == 0:
        out = run(lv, prim, (_as_rows(px, lv), _as_rows(pi, lv)), {"dim": 1})
        return make(P_view(out, shape=(lv.size,)), lv.id)
    return wrap(lv, run(lv, prim, (px, pi), {"dim": params["dim"] + 1}))


@batching_rule("scatter", "scatter_reduce")
def _scatter(lv, prim, inputs, params):
    x, index, src = inputs
    px, pi = batched_like(x, lv), batched_like(index, lv)
    ps = bat(src, lv)
    scalar_src = src._data.ndim == 0
    if ps is None:
        ps = src if scalar_src else batched_like(src, lv)
    elif scalar_src:  # a per-example scalar: broadcast it over that example's index
        ps = P_expand(P_view(ps, shape=(lv.size,) + (1,) * index._data.ndim), shape=pi._data.shape)
    params = dict(params)
    if x._data.ndim == 0:
        px, pi = _as_rows(px, lv), _as_rows(pi, lv)
        if ps._data.ndim:
            ps = _as_rows(ps, lv)
        params["dim"] = 1
        return make(P_view(run(lv, prim, (px, pi, ps), params), shape=(lv.size,)), lv.id)
    params["dim"] += 1
    return wrap(lv, run(lv, prim, (px, pi, ps), params))


# ---- searching ---------------------------------------------------------------------------------
@batching_rule("searchsorted")
def _searchsorted(lv, prim, inputs, params):
    seq, values, sorter = inputs[0], inputs[1], inputs[2:]
    B = lv.size
    if seq._data.ndim == 1:
        if not _any_batched(lv, (seq,) + tuple(sorter)):
            return wrap(lv, run(lv, prim, (seq, values._phys) + tuple(sorter), params))
        # One sorted row per example: values flattened to one row each.
        vshape = values._data.shape
        pv = batched_like(values, lv).reshape(B, math.prod(vshape))
        out = run(lv, prim, [batched_like(seq, lv), pv] + [batched_like(s, lv) for s in sorter], params)
        return make(P_view(out, shape=(B,) + vshape), lv.id)
    args = [batched_like(t, lv) for t in inputs]
    return wrap(lv, run(lv, prim, args, params))


@batching_rule("isin")
def _isin(lv, prim, inputs, params):
    elements, test = inputs
    if bat(test, lv) is None:
        return wrap(lv, run(lv, prim, (elements._phys, test), params))
    # A different test set per example: compare every element with every test value.
    B = lv.size
    shape = elements._data.shape
    e = batched_like(elements, lv).reshape(B, math.prod(shape), 1)
    t = test._phys.reshape(B, 1, test._data.size)
    hit = (e == t).any(dim=2)
    if params["invert"]:
        hit = hit.logical_not()
    return make(hit.reshape((B,) + shape), lv.id)
