"""Soak: 10,000 forward+backward steps of a small MLP with the cyclic GC off.

The graph must be freed by reference counting alone: memory stays flat, every step's nodes and
saved tensors die when the step ends, and no graph node is left as cyclic garbage.
"""

import gc
import os
import time
import weakref

import numpy as np

import fx.autograd as ag
import fx.tensor as ft
from fx.autograd._graph import AccumulateGrad, Node

STEPS = 10_000
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def _graph_objects():
    return sum(1 for o in gc.get_objects() if type(o) in (Node, AccumulateGrad))


def _model(rng):
    """A 4-8-3 MLP's parameters (float64 leaves) and a fixed batch of 8."""
    params = [ft.tensor(rng.normal(scale=0.5, size=s), requires_grad=True) for s in ((4, 8), (8,), (8, 3), (3,))]
    x = ft.tensor(rng.normal(size=(8, 4)))
    y = ft.tensor(rng.integers(0, 3, size=(8, 1)))
    return params, x, y


def _step(params, x, y, lr=0.05):
    """One forward+backward+SGD step; returns the loss and weakrefs to this step's graph."""
    w1, b1, w2, b2 = params
    h = (x @ w1 + b1).tanh()
    logp = (h @ w2 + b2).log_softmax(dim=1)
    loss = -logp.gather(1, y).mean()
    refs = [weakref.ref(t) for t in (h, logp, loss)] + [weakref.ref(t.grad_fn) for t in (h, logp, loss)]
    loss.backward()
    with ag.no_grad():
        for p in params:
            p.sub_(p.grad * lr)
            p.grad = None
    return loss.item(), refs


def test_soak_mlp_no_leak_no_surviving_nodes():
    rng = np.random.default_rng(0)
    params, x, y = _model(rng)
    gc.collect()
    baseline = _graph_objects()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        first = None
        t0 = time.perf_counter()
        for i in range(1, STEPS + 1):
            loss, refs = _step(params, x, y)
            if first is None:
                first = loss
            dead = [r() is None for r in refs]
            assert all(dead), f"step {i}: graph objects survived the step: {[r() for r in refs if r() is not None]}"
            if i == 1_000:
                rss_1k = _rss()
        rss_10k = _rss()
        elapsed = time.perf_counter() - t0
        # Nothing of the graph is left: neither alive nor as cyclic garbage the GC would find.
        leftover = _graph_objects()
    finally:
        if was_enabled:
            gc.enable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what the collector finds, to name it
    gc.garbage.clear()
    try:
        found = gc.collect()
        fx_garbage = sorted({type(o).__qualname__ for o in gc.garbage if type(o).__module__.startswith("fx.")})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    after = _graph_objects()
    growth = rss_10k - rss_1k
    print(f"soak: {STEPS} steps in {elapsed:.1f} s ({elapsed / STEPS * 1e6:.0f} us/step), RSS growth "
          f"{growth / 2**20:.2f} MiB, loss {first:.4f} -> {loss:.4f}, gc found {found} objects")
    assert growth < 10 * 2**20, f"RSS grew {growth / 2**20:.1f} MiB between step 1,000 and step {STEPS}"
    assert leftover == baseline == after, (
        f"graph nodes: {baseline} before the loop, {leftover} after it (before gc.collect), {after} after gc.collect"
    )
    assert not fx_garbage, f"fx objects left in reference cycles: {fx_garbage}"
    assert loss < first  # the model trained: the steps did real work
