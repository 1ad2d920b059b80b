"""Random primitives under vmap, following `randomness`:

* "error": any random primitive inside vmap raises (PyTorch's default).
* "same": every example sees the same random values (an unbatched draw, broadcast).
* "different": each example gets its own values: the primitive runs once on the whole batch with
  a stream derived from the generator's (seed, offset), so the batch does not reuse the counters
  the generator hands out next. A random factory (`rand`, `randn`, ...) inside vmap then returns a
  batched tensor. (An in-place draw into an unbatched tensor also returns a new batched tensor;
  the unbatched one is left as it was.)
"""

from __future__ import annotations

import math

import fx.tensor as ft
from fx.tensor._ops.copying import P_copy_
from fx.tensor._ops.sorting import P_sort
from fx.tensor._random import P_uniform_
from fx.tensor._ops.views import P_view

from ._batched import make
from ._batching_rules import bat, batched_like, batching_rule, pad_rank, run

INPLACE = ("uniform_", "normal_", "random_", "bernoulli_", "dropout_mask_", "exponential_", "geometric_", "log_normal_",
           "cauchy_", "randperm_", "normal_tensor_", "bernoulli_tensor_")
SAMPLERS = ("multinomial", "poisson")
RANDOM = frozenset(INPLACE + SAMPLERS)
_MASK64 = (1 << 64) - 1


def randomness_error():
    return RuntimeError(
        "vmap: called random operation while in randomness error mode. Please either use the 'same' or "
        "'different' randomness flags on vmap or perform the randomness operation out of vmap"
    )


def _derived(lv, params):
    """Params with a fresh stream for the whole batch, a function of the generator's state."""
    seed, offset = params["seed"], params["offset"]
    mixed = (seed * 0x9E3779B97F4A7C15 + (offset + 1) * 0xBF58476D1CE4E5B9 + lv.id * 0x94D049BB133111EB) & _MASK64
    return dict(params, seed=mixed ^ (mixed >> 31), offset=0)


def _fresh(lv, like):
    """An uninitialised physical batch of `like`'s logical shape and dtype."""
    return ft.empty((lv.size,) + tuple(like._data.shape), dtype=like.dtype, device=like.device)


def _draw_different(lv, prim, target, others, params):
    """Fill the physical batch `target` with per-example values."""
    if prim.name == "randperm_":
        n = target._data.shape[-1] if target._data.ndim > 1 else 0
        keys = ft.empty((lv.size, n), dtype=ft.float64, device=target.device)
        k = _derived(lv, params)
        run(lv, P_uniform_, (keys,), {"seed": k["seed"], "offset": 0, "low": 0.0, "high": 1.0})
        _, order = run(lv, P_sort, (keys,), {"dim": 1, "descending": False, "stable": True})
        run(lv, P_copy_, (target, order), {})
        return target
    r = target._data.ndim - 1
    args = [target] + [pad_rank(p, t._data.ndim, r) if p is not None else t for t, p in others]
    run(lv, prim, args, _derived(lv, params))
    return target


def random_unbatched(lv, prim, inputs, params):
    """A random primitive none of whose inputs is batched at `lv`."""
    if lv.randomness == "error":
        raise randomness_error()
    if lv.randomness == "same":
        return prim.call_next(lv.interpose, inputs, params)
    if prim.name in SAMPLERS:
        return _sample(lv, prim, [batched_like(inputs[0], lv)], params)
    target = _fresh(lv, inputs[0])
    _draw_different(lv, prim, target, [(t, None) for t in inputs[1:]], params)
    return make(target, lv.id)


@batching_rule(*INPLACE)
def _random_inplace(lv, prim, inputs, params):
    if lv.randomness == "error":
        raise randomness_error()
    dst = inputs[0]
    pd = bat(dst, lv)
    others = [(t, bat(t, lv)) for t in inputs[1:]]
    if lv.randomness == "same":
        if any(p is not None for _, p in others):
            raise NotImplementedError(
                f"vmap: {prim.name} with batched distribution parameters and randomness='same' is not "
                "supported; use randomness='different'")
        if pd is None:
            return prim.call_next(lv.interpose, inputs, params)
        tmp = ft.empty(tuple(dst._data.shape), dtype=dst.dtype, device=dst.device)
        run(lv, prim, [tmp] + [t for t, _ in others], params)
        run(lv, P_copy_, (pd, tmp), {})
        return dst
    if pd is None:
        target = _fresh(lv, dst)
        _draw_different(lv, prim, target, others, params)
        return make(target, lv.id)
    _draw_different(lv, prim, pd, others, params)
    return dst


def _sample(lv, prim, phys, params):
    p = phys[0]
    params = _derived(lv, params)
    if prim.name == "poisson":
        return make(run(lv, prim, (p,), params), lv.id)
    s = p._data.shape
    rows = P_view(p, shape=(math.prod(s[:-1]), s[-1])) if p._data.flags.c_contiguous else p.reshape(-1, s[-1])
    out = run(lv, prim, (rows,), params)
    return make(P_view(out, shape=s[:-1] + (params["num_samples"],)), lv.id)


@batching_rule(*SAMPLERS)
def _samplers(lv, prim, inputs, params):
    if lv.randomness == "error":
        raise randomness_error()
    if lv.randomness == "same":
        raise NotImplementedError(
            f"vmap: {prim.name} of a batched input with randomness='same' is not supported; use "
            "randomness='different'")
    return _sample(lv, prim, [inputs[0]._phys], params)
