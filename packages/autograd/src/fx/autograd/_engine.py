"""The backward engine: one pass over the graph in dependency order.

Gradients for each node's outputs are summed in a buffer; when all of a node's consumers have run,
its rule turns them into gradients for its inputs, which the engine reduces to the inputs' shapes
(un-broadcasting happens here and only here) and passes along the edges. Leaves accumulate into
`.grad` (or, for `autograd.grad`, are captured and returned).
"""

from __future__ import annotations

import sys

import numpy as np

import fx.tensor as ft
from fx.tensor._ops.reduce import P_sum
from fx.tensor._tensor import Tensor, wrap

from . import _anomaly_state
from ._graph import AccumulateGrad, gradient_edge, output_nr
from ._grad_mode import state


def sum_to(g, shape):
    """Sum a broadcast gradient down to `shape`."""
    gshape = g._data.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if lead and gshape[lead:] == shape:  # only leading dims to sum (a bias): one op, no reshape view
        return P_sum(g, dims=tuple(range(lead)), keepdim=False, dtype=None)
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    if dims:
        g = g.sum(dim=dims, keepdim=True)
    if lead or g._data.shape != shape:
        g = g.reshape(shape)
    return g


def _call_rule(node, grads):
    rule = node.rule
    if rule is None:
        raise RuntimeError(f"the derivative for '{node.prim.name}' is not implemented ({node.name()})")
    out = rule.fn(node, *grads)
    if not isinstance(out, (tuple, list)):
        out = (out,)
    if len(out) != len(node.next_functions):
        raise RuntimeError(
            f"{node.name()}: the derivative rule returned {len(out)} gradients for {len(node.next_functions)} inputs"
        )
    res = []
    for g, edge, shape, dt in zip(out, node.next_functions, node.shapes, node.dtypes):
        if g is None or edge is None:
            res.append(None)
            continue
        if not isinstance(g, Tensor):
            raise TypeError(f"{node.name()}: the derivative rule returned a {type(g).__name__}, not a Tensor")
        d = g._data
        if d.shape != shape:
            g = sum_to(g, shape)
        if d.dtype is not dt and d.dtype != dt:  # (identity first: NumPy's dtype == is slow)
            g = g.to(ft._dtype.FROM_NP[dt])
        res.append(g)
    return res


def _check_nan(node, grads):
    for i, g in enumerate(grads):
        if g is not None and g.dtype.is_floating_point and bool(g.isnan().any()):
            trace = "".join(node._trace or ["(no forward trace: the node was created before anomaly detection)\n"])
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {i}th output.\n"
                f"Traceback of the forward call that created it:\n{trace}"
            )


def _collect(roots):
    """Dependency counts of every node reachable from the roots."""
    deps = {}
    stack = [r for r in roots]
    seen = set(stack)
    while stack:
        node = stack.pop()
        for edge in node.next_functions:
            if edge is None:
                continue
            nxt = edge[0]
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps


def _stealable(g, sole=None):
    """Whether g, held by one local of the caller alone, can become a leaf's `.grad` as it is (as
    PyTorch steals the buffer): a dense, writable NumPy array that no other tensor, view or
    reference shares. It may be a view covering all of an array nothing else holds (the transpose
    of a transposed product), also through an fx view of a tensor only g holds. With `sole` None:
    the reference counts it compares (see _calibrate)."""
    d = g._data
    if d.__class__ is not np.ndarray:
        return False
    base = d.base
    counts = (sys.getrefcount(g), sys.getrefcount(d), -1 if g._base is None else sys.getrefcount(g._base),
              -1 if g._view is None else sys.getrefcount(g._view[0]), -1 if base is None else sys.getrefcount(base))
    if sole is None:
        return counts
    if counts not in sole or not (d.flags.c_contiguous and d.flags.writeable):
        return False
    if g._base is not None and (g._base._base is not None or g._base._data is not base):
        return False
    return base is None or (base.__class__ is np.ndarray and base.flags.owndata and base.nbytes == d.nbytes)


def _calibrate():
    """The counts _stealable sees for gradients only one local holds: an array of its own, a view of
    all of an array, and an fx view of a tensor over an array (counted by the interpreter itself;
    elsewhere than CPython nothing is stolen)."""
    if sys.implementation.name != "cpython":
        return frozenset()
    from fx.tensor._ops.views import P_permute

    g = wrap(np.zeros((2, 3)))
    owned = _stealable(g)
    g = wrap(np.zeros((3, 2)).T)
    view = _stealable(g)
    g = P_permute(P_permute(wrap(np.zeros((2, 3))), dims=(1, 0)), dims=(1, 0))
    fx_view = _stealable(g)
    return frozenset((owned, view, fx_view))


_SOLE = _calibrate()


def _accumulate(acc, g, create_graph, stealable=False):
    var = acc.variable
    m = var._ag
    if m is not None and m.hooks:
        stealable = False
        for hook in m.hooks:
            r = hook(g)
            if r is not None:
                g = r
    if var.grad is None:
        # A gradient tensor may also flow to other leaves (add's rule returns g twice) or be a
        # broadcast view: .grad gets its own storage, so in-place updates of it touch nothing else.
        # One nothing else holds is taken as it is.
        if create_graph:
            var.grad = g
        elif stealable:
            var.grad = g if g._base is None and g.grad_fn is None and not g._rg else wrap(g._data)
        else:
            var.grad = g.detach().clone()
    elif create_graph:
        var.grad = var.grad + g
    else:
        var.grad = var.grad + g.detach()
    if m is not None and m.post_acc_hooks:
        for hook in m.post_acc_hooks:
            hook(var)


def run(roots, root_grads, retain_graph=False, create_graph=False, capture=None, accumulate=True):
    """Backpropagate `root_grads` from the `roots` edges. `capture`: edges whose gradient to return."""
    buffers = {}
    root_nodes = []
    for (node, nr), g in zip(roots, root_grads):
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node.n_out
            root_nodes.append(node)
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    deps = _collect(root_nodes)
    captured = {} if capture is not None else None
    capture_set = {} if capture is None else {e: i for i, e in enumerate(capture) if e is not None}
    ready = [n for n in root_nodes if deps.get(n, 0) == 0]
    prev = state.enabled
    state.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None) or [None] * node.n_out
            if capture_set:
                for nr, g in enumerate(grads):
                    if (node, nr) in capture_set:
                        captured[(node, nr)] = g
            if node.__class__ is AccumulateGrad:
                g = grads[0]
                if g is not None and accumulate and capture is None:
                    grads[0] = None  # the buffer's reference: without it, an unshared g can be stolen
                    own = not create_graph and _stealable(g, _SOLE)  # (not inside a call taking g too)
                    _accumulate(node, g, create_graph, own)
                g = None
                continue
            if node._pre_hooks:
                for hook in node._pre_hooks:
                    r = hook(tuple(grads))
                    if r is not None:
                        grads = list(r)
            if grads[0] is None if node.n_out == 1 else all(g is None for g in grads):
                in_grads = [None] * len(node.next_functions)
            else:
                if node.n_out > 1:
                    grads = _fill_zeros(node, grads)
                try:
                    in_grads = _call_rule(node, grads)
                except BaseException as e:
                    if _anomaly_state.enabled:
                        from ._anomaly import note_forward_trace

                        note_forward_trace(e, node)
                    raise
                if _anomaly_state.enabled and _anomaly_state.check_nan:
                    _check_nan(node, in_grads)
            if node._post_hooks:
                for hook in node._post_hooks:
                    r = hook(tuple(in_grads), tuple(grads))
                    if r is not None:
                        in_grads = list(r)
            if not retain_graph:
                node._freed = True
                node.saved = node.saved_out = None
            for edge, g in zip(node.next_functions, in_grads):
                if edge is None:
                    continue
                nxt, nr = edge
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * nxt.n_out
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    ready.append(nxt)
            in_grads = g = None  # hold no gradient past its node: _stealable counts references
    finally:
        state.enabled = prev
    return captured


def _fill_zeros(node, grads):
    """Rules see a zero gradient for a float output nothing flowed into."""
    if all(g is not None for g in grads):
        return grads
    ref = next(g for g in grads if g is not None)
    return [ft.zeros(shape, dtype=ft._dtype.FROM_NP[dt], device=ref.device) if g is None and is_float else g
            for g, is_float, shape, dt in zip(grads, node.out_float, node.out_shapes, node.out_dtypes)]


def root_edge(t):
    edge = gradient_edge(t)
    if edge is None:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    return edge


__all__ = ["run", "sum_to", "root_edge", "output_nr"]
