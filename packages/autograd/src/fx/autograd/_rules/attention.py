"""Rule: fused scaled dot-product attention (fx.tensor _ops/attention.py).

The backward primitive recomputes the attention weights from the saved logsumexp. It is not
differentiable: when a graph of the gradient is wanted (create_graph) the rule composes the same
gradient from fx ops, with the weights recomputed by a differentiable softmax.
"""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._ops.attention import P_sdpa_backward

from .._grad_mode import state
from . import rule


def _extras(ctx, inputs):
    p = ctx.params
    extra = inputs[3:]
    return (extra[0] if p["mask"] else None), (extra[-1] if p["dropout"] else None)


def _weights(q, k, m, lse, p):
    """softmax(q k^T * scale + mask) in fx ops; 0 on rows that see no key (lse = +inf)."""
    s = (q * p["scale"]).matmul(k.transpose(-2, -1))
    if p["mask"] == "float":
        s = s + m
    elif p["mask"] == "bool":
        s = s.masked_fill(ft.logical_not(m), float("-inf"))
    if p["causal"]:
        L, S = s.shape[-2:]
        s = s.masked_fill(ft.ones(L, S, dtype=ft.bool).triu(1), float("-inf"))
    seen = lse.isfinite().unsqueeze(-1)
    return ft.softmax(s.masked_fill(ft.logical_not(seen), 0.0), -1) * seen.to(s.dtype)


def _composite(ctx, g, need):
    q, k, v, *_ = inputs = ctx.inputs
    m, d = _extras(ctx, inputs)
    w = _weights(q, k, m, ctx.outputs[1], ctx.params)
    if d is not None:
        d = d * (1.0 / (1.0 - ctx.params["dropout"]))
    wd = w if d is None else w * d
    gv = wd.transpose(-2, -1).matmul(g) if need[2] else None
    dp = g.matmul(v.transpose(-2, -1))
    if d is not None:
        dp = dp * d
    ds = w * (dp - (dp * w).sum(-1, keepdim=True))
    scale = ctx.params["scale"]
    gq = ds.matmul(k) * scale if need[0] else None
    gk = ds.transpose(-2, -1).matmul(q) * scale if need[1] else None
    return gq, gk, gv, (ds if need[3] else None)


@rule("sdpa", save="both")
def _sdpa(ctx, g, _glse):
    p = ctx.params
    needs = ctx.needs_input_grad
    need = (needs[0], needs[1], needs[2], p["mask"] == "float" and needs[3])
    if state.enabled:
        gq, gk, gv, gm = _composite(ctx, g, need)
    else:
        inputs = ctx.inputs
        out, lse = ctx.outputs
        gq, gk, gv, gm = P_sdpa_backward(g, *inputs[:3], out, lse, *inputs[3:], need=need, **p)
    grads = [gq if need[0] else None, gk if need[1] else None, gv if need[2] else None]
    if p["mask"]:
        grads.append(gm if need[3] else None)
    if p["dropout"]:
        grads.append(None)
    return tuple(grads)
