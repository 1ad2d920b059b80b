"""`vmap`: run a function once over a whole batch, through an interposer on fx.tensor's dispatcher.

Entering vmap creates a `Level`, wraps each batched argument as a `BatchedTensor` (batch dim moved
to 0) and pushes the level's interposer. Every primitive the function calls then reaches the
interposer; if an input is batched at this level, the primitive's batching rule rewrites the call
to run once on the physical tensors, otherwise the call passes through unchanged. The function
itself runs exactly once, whatever the batch size.
"""

from __future__ import annotations

import functools
from threading import get_ident

from fx.tensor import _dispatch
from fx.tensor._tensor import Tensor

from . import _batching_index, _batching_nn, _batching_random  # noqa: F401  (register their rules)
from ._batched import BatchedTensor, Level, active_levels, make
from ._batching_random import RANDOM, random_unbatched
from ._batching_rules import RULES, UNSUPPORTED
from ._pytree import broadcast_prefix, spec_str, tree_flatten, tree_unflatten

__all__ = ["vmap"]

_RANDOMNESS = ("error", "different", "same")


def _name(func):
    if isinstance(func, functools.partial):
        return f"functools.partial({_name(func.func)}, ...)"
    return getattr(func, "__name__", repr(func))


def _missing_rule(prim):
    if prim.name in UNSUPPORTED:
        return RuntimeError(f"vmap: cannot batch the primitive '{prim.name}': {UNSUPPORTED[prim.name]}")
    return NotImplementedError(
        f"vmap: the primitive '{prim.name}' has no batching rule (add one in "
        "fx/autograd/func/_batching_rules.py)"
    )


def _make_interposer(lv):
    lid = lv.id

    def interpose(prim, inputs, params):
        for t in inputs:
            if t.__class__ is BatchedTensor and t._lvl == lid:
                rule = RULES.get(prim.name)
                if rule is None:
                    raise _missing_rule(prim)
                return rule(lv, prim, inputs, params)
        if prim.name in RANDOM and get_ident() == lv.thread:  # the dispatcher's stack is process-wide
            return random_unbatched(lv, prim, inputs, params)
        return prim.call_next(interpose, inputs, params)

    return interpose


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Vectorise `func` over a batch dim of its inputs: `vmap(f)(x)[i] == f(x[i])`, computed in one call.

    Args:
        func: the function to vectorise (Tensors or pytrees of Tensors in and out).
        in_dims: int, None or a (nested) tuple matching the positional args: which dim of each
            input is the batch dim (None: not batched). Keyword args are never batched.
        out_dims: int, None or a structure matching the outputs: where the batch dim goes.
        randomness: "error" (random ops raise), "different" (per-example values) or "same".
        chunk_size: run the batch in chunks of this many examples (bounds peak memory).

    Returns:
        A function with `func`'s arguments whose outputs carry the batch dim at `out_dims`.

    Example:
        >>> autograd.func.vmap(ft.dot)(ft.ones(4, 3), ft.ones(4, 3))
        tensor([3., 3., 3., 3.])
    """
    if randomness not in _RANDOMNESS:
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")
    _check_out_dims(out_dims, func)

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return _vmap_call(func, in_dims, out_dims, randomness, chunk_size, args, kwargs)

    return wrapped


def _check_out_dims(out_dims, func):
    leaves, _ = tree_flatten(out_dims)
    if out_dims is None or isinstance(out_dims, int):
        return
    for d in leaves:
        if d is not None and not isinstance(d, int):
            raise ValueError(
                f"vmap({_name(func)}, ..., out_dims={out_dims}): `out_dims` must be an int, None or a python "
                "collection of ints representing where in the outputs the vmapped dimension should appear."
            )


def _process_inputs(func, in_dims, args):
    name = _name(func)
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                         f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are "
                         "trying to vmap over a function with no inputs. The latter is unsupported.")
    flat, spec = tree_flatten(args)
    dims = broadcast_prefix(in_dims, spec)
    if dims is None:
        _, dspec = tree_flatten(in_dims)
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                         f"structure of `inputs`. in_dims has structure {spec_str(dspec)} but inputs has "
                         f"structure {spec_str(spec)}.")
    sizes = []
    for i, (arg, d) in enumerate(zip(flat, dims)):
        if d is None:
            continue
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but "
                             "in_dim must be either an integer dimension or None.")
        if not isinstance(arg, Tensor):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but the "
                             f"input is of type {type(arg)}. We cannot vmap over non-Tensor arguments, please use "
                             "None as the respective in_dim")
        n = arg.dim()
        if not -n <= d < n:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, but "
                             f"that input is a Tensor of dimensionality {n} so expected in_dim to satisfy "
                             f"-{n} <= in_dim < {n}.")
        dims[i] = d % n
        sizes.append(arg.shape[dims[i]])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sizes} for the mapped dimension")
    return sizes[0], flat, dims, spec


def _vmap_call(func, in_dims, out_dims, randomness, chunk_size, args, kwargs):
    size, flat, dims, spec = _process_inputs(func, in_dims, args)
    if chunk_size is not None and chunk_size < size:
        return _chunked(func, out_dims, randomness, chunk_size, size, flat, dims, spec, kwargs)
    lv = Level(size, randomness)
    lv.interpose = _make_interposer(lv)
    batched = [a if d is None else make(a.movedim(d, 0) if d else a, lv.id) for a, d in zip(flat, dims)]
    active_levels().append(lv)
    _dispatch.push_interposer(lv.interpose)
    try:
        out = func(*tree_unflatten(batched, spec), **kwargs)
    finally:
        _dispatch.pop_interposer(lv.interpose)
        active_levels().remove(lv)
    return _unwrap_outputs(func, out, out_dims, lv)


def _unwrap_outputs(func, out, out_dims, lv):
    name = _name(func)
    flat, spec = tree_flatten(out)
    if isinstance(out, Tensor):
        if isinstance(out_dims, tuple) and len(out_dims) == 1:
            dims = list(out_dims)
        elif out_dims is None or isinstance(out_dims, int):
            dims = [out_dims]
        else:
            dims = None
    else:
        dims = broadcast_prefix(out_dims, spec)
    if dims is None:
        _, dspec = tree_flatten(out_dims)
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with the "
                         f"structure of `outputs`. out_dims has structure {spec_str(dspec)} but outputs has "
                         f"structure {spec_str(spec)}.")
    res = []
    for o, d in zip(flat, dims):
        batched = o.__class__ is BatchedTensor and o._lvl == lv.id
        if d is None:
            if batched:
                raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim is None")
            res.append(o)
            continue
        if not isinstance(o, Tensor):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(o)}. Did you "
                             "mean to set out_dims= to None for output?")
        if batched:
            p = o._phys
        else:  # the same value for every example: broadcast it (no copy)
            p = o.unsqueeze(0).expand((lv.size,) + tuple(o.shape))
        res.append(p.movedim(0, d) if d else p)
    return tree_unflatten(res, spec)


def _chunked(func, out_dims, randomness, chunk_size, size, flat, dims, spec, kwargs):
    """vmap over consecutive chunks of the batch, outputs joined along their out dims."""
    import fx.tensor as ft

    pieces = []
    for start in range(0, size, chunk_size):
        n = min(chunk_size, size - start)
        part = [a if d is None else a.narrow(d, start, n) for a, d in zip(flat, dims)]
        part_dims = tree_unflatten(dims, spec)
        pieces.append(_vmap_call(func, tuple(part_dims), out_dims, randomness, None, tree_unflatten(part, spec),
                                 kwargs))
    flat_pieces = [tree_flatten(p) for p in pieces]
    out_spec = flat_pieces[0][1]
    n_out = len(flat_pieces[0][0])
    first = flat_pieces[0][0]
    if isinstance(pieces[0], Tensor):
        odims = [out_dims[0] if isinstance(out_dims, tuple) else out_dims]
    else:
        odims = broadcast_prefix(out_dims, out_spec)
    joined = []
    for k in range(n_out):
        d = odims[k]
        if d is None:
            joined.append(first[k])
        else:
            joined.append(ft.cat([fp[0][k] for fp in flat_pieces], dim=d))
    return tree_unflatten(joined, out_spec)
