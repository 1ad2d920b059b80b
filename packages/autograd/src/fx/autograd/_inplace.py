"""In-place primitives under autograd: rebasing a tensor's history, and writes through views.

An in-place op on a tensor that is not a view becomes the tensor's new grad_fn (its old history
is the op's first input edge). On a view, the op rewrites a region of the base: the base gets a
CopySlices node (gradient of the base = the incoming gradient with the region replaced by the
op's gradient for the old region), and the view's grad_fn is re-derived from the base by
replaying the view ops that made it.
"""

from __future__ import annotations

from ._graph import Node, _attach, _make_node, gradient_edge, meta
from ._grad_mode import enable_grad
from ._rules import RULES


def _check_leaf(t, op):
    if t._rg and t.grad_fn is None and t._base is None:
        raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an in-place operation.")
    base = t._base
    if base is not None and base._rg and base.grad_fn is None:
        raise RuntimeError(
            f"{op}: a view of a leaf Variable that requires grad is being used in an in-place operation."
        )


def view_chain(t):
    """The (primitive, params) steps that made the view `t` from its base, outermost last."""
    steps = []
    while t._view is not None:
        src, prim, params = t._view
        steps.append((prim, params))
        t = src
    steps.reverse()
    return steps


def replay_view(t, root):
    """Apply the view steps of `t` to `root` (recorded, so the result's grad_fn is the chain)."""
    out = root
    with enable_grad():
        for prim, params in view_chain(t):
            out = prim(out, **params)
    return out


def record_inplace(prim, inputs, params):
    dst = inputs[0]
    _check_leaf(dst, prim.name)
    if not prim.differentiable:
        return prim.run(inputs, params)
    rule = RULES.get(prim.name)
    if dst._base is None or not (dst._base._rg or any(t._rg for t in inputs)):
        edges = tuple([gradient_edge(t) for t in inputs])
        prim.run(inputs, params)
        node = _make_node(prim, rule, params, inputs, edges)
        _attach(node, dst, rule)
        return dst
    return _record_on_view(prim, rule, inputs, params)


def _record_on_view(prim, rule, inputs, params):
    dst = inputs[0]
    base = dst._base
    base_edge = gradient_edge(base)
    other_edges = tuple(gradient_edge(t) for t in inputs[1:])
    prim.run(inputs, params)
    inner = _make_node(prim, rule, params, inputs, (None,) + other_edges)
    node = _make_node(_COPY_SLICES, RULES["copy_slices"], {"steps": tuple(view_chain(dst)), "inner": inner},
                      (base,) + tuple(inputs[1:]), (base_edge,) + other_edges)
    base._rg = True
    base.grad_fn = node
    if base._ag is not None:
        base._ag.output_nr = 0
    dst._rg = True
    dst.grad_fn = replay_view(dst, base).grad_fn
    meta(dst).view_version = dst._version
    return dst


class _CopySlicesPrim:
    """Stands in for a primitive on CopySlices nodes (only its name and arity are read)."""

    name = "copy_slices"
    nout = 1


_COPY_SLICES = _CopySlicesPrim()
__all__ = ["record_inplace", "replay_view", "view_chain", "Node"]
