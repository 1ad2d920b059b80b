"""Rules: pooling, normalization, losses and embedding (fx.tensor _ops/pooling.py, norm.py, loss.py,
embedding.py).

The fused norm and cross-entropy backward primitives are not differentiable: a rule uses them
unless a graph of the gradient is wanted (create_graph), where it composes the same gradient from
fx ops, recomputing the statistics from x so that second derivatives flow through them.
"""

from __future__ import annotations

from fx.tensor._ops.embedding import P_embedding, P_embedding_backward
from fx.tensor._ops.loss import P_cross_entropy_backward, P_ctc_loss_backward, P_nll_loss, P_nll_loss_backward
from fx.tensor._ops.norm import (
    P_batch_norm_backward, P_group_norm_backward, P_layer_norm_backward, P_rms_norm_backward,
)
from fx.tensor._ops.pooling import (
    P_adaptive_avg_pool2d, P_adaptive_avg_pool2d_backward, P_avg_pool2d, P_avg_pool2d_backward,
    P_max_pool2d_backward,
)

from .._grad_mode import state
from . import rule
from .index import _saved


# ---- pooling -----------------------------------------------------------------------------------
@rule("max_pool2d", "adaptive_max_pool2d", save="output", outputs=(1,))
def _max_pool(ctx, g, _gi):
    return P_max_pool2d_backward(g, ctx.outputs[1], input_size=ctx.shapes[0][2:])


@rule("max_pool2d_backward")
def _max_pool_backward(ctx, gg):
    (idx,) = _saved(ctx, 1)
    n, c = idx.shape[:2]
    return gg.reshape(n, c, -1).gather(2, idx.reshape(n, c, -1)).reshape(idx.shape), None


@rule("avg_pool2d", save=None)
def _avg_pool(ctx, g):
    return P_avg_pool2d_backward(g, input_size=ctx.shapes[0][2:], **ctx.params)


@rule("avg_pool2d_backward", save=None)
def _avg_pool_backward(ctx, gg):
    params = {k: v for k, v in ctx.params.items() if k != "input_size"}
    return P_avg_pool2d(gg, **params)


@rule("adaptive_avg_pool2d", save=None)
def _adaptive_avg_pool(ctx, g):
    return P_adaptive_avg_pool2d_backward(g, input_size=ctx.shapes[0][2:])


@rule("adaptive_avg_pool2d_backward", save=None)
def _adaptive_avg_pool_backward(ctx, gg):
    return P_adaptive_avg_pool2d(gg, output_size=ctx.shapes[0][2:])


# ---- normalization -----------------------------------------------------------------------------
def _affine_inputs(ctx):
    """(x, weight or None, which gradients are wanted: (x, weight, bias))."""
    p, need = ctx.params, ctx.needs_input_grad
    x = ctx.inputs[0]
    has_w, has_b = p.get("weight", False), p.get("bias", False)
    w = ctx.inputs[1] if has_w else None
    return x, w, (need[0], has_w and need[1], has_b and need[-1])


def _result(ctx, gx, gw, gb, want):
    p = ctx.params
    out = [gx if want[0] else None]
    if p.get("weight", False):
        out.append(gw if want[1] else None)
    if p.get("bias", False):
        out.append(gb if want[2] else None)
    return tuple(out)


def _norm_gx(g, x, w, stat_dims, eps, rms):
    """(gx, xhat) of y = xhat * w + b, xhat normalized over stat_dims, in fx ops (differentiable);
    w broadcasts against x (or is None)."""
    xc = x if rms else x - x.mean(stat_dims, keepdim=True)
    r = ((xc * xc).mean(stat_dims, keepdim=True) + eps).rsqrt()
    xh = xc * r
    gh = g if w is None else g * w
    proj = (gh * xh).mean(stat_dims, keepdim=True)
    gx = r * (gh - xh * proj) if rms else r * (gh - gh.mean(stat_dims, keepdim=True) - xh * proj)
    return gx, xh


def _affine_grads(g, xh, w, dims):
    """(gw, gb) of y = xh * w + b: sums over the broadcast dims."""
    return (None if w is None else (g * xh).sum(dims).reshape(w.shape)), g.sum(dims)


@rule("layer_norm", "rms_norm", save="both", outputs=(1, 2))
def _layer_norm(ctx, g, *_stats):
    x, w, want = _affine_inputs(ctx)
    p, rms = ctx.params, ctx.prim.name == "rms_norm"
    k = p["ndim"]
    if state.enabled:
        gx, xh = _norm_gx(g, x, w, tuple(range(x.ndim - k, x.ndim)), p["eps"], rms)
        return _result(ctx, gx, *_affine_grads(g, xh, w, tuple(range(x.ndim - k))), want)
    ws = [w] if w is not None else []
    if rms:
        gx, gw, gb = P_rms_norm_backward(g, x, ctx.outputs[1], *ws, ndim=k, need=want)
    else:
        gx, gw, gb = P_layer_norm_backward(g, x, ctx.outputs[1], ctx.outputs[2], *ws, ndim=k, need=want)
    return _result(ctx, gx, gw, gb, want)


@rule("group_norm", save="both", outputs=(1, 2))
def _group_norm(ctx, g, *_stats):
    x, w, want = _affine_inputs(ctx)
    p = ctx.params
    if state.enabled:
        n, c = x.shape[:2]
        grouped = (n, p["groups"], -1)
        # normalized per group on a (n, groups, rest) view; the affine part is per channel
        wg = None if w is None else w.reshape((1, c) + (1,) * (x.ndim - 2)).expand(x.shape).reshape(grouped)
        gx, xh = _norm_gx(g.reshape(grouped), x.reshape(grouped), wg, (2,), p["eps"], False)
        gw, gb = _affine_grads(g, xh.reshape(x.shape), w, (0,) + tuple(range(2, x.ndim)))
        return _result(ctx, gx.reshape(x.shape), gw, gb, want)
    ws = [w] if w is not None else []
    gx, gw, gb = P_group_norm_backward(g, x, ctx.outputs[1], ctx.outputs[2], *ws, groups=p["groups"], need=want)
    return _result(ctx, gx, gw, gb, want)


@rule("batch_norm", save="both", outputs=(1, 2))
def _batch_norm(ctx, g, *_stats):
    x, w, want = _affine_inputs(ctx)
    p = ctx.params
    if state.enabled:
        dims = (0,) + tuple(range(2, x.ndim))
        chan = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        gx, xh = _norm_gx(g, x, None if w is None else w.reshape(chan), dims, p["eps"], False)
        return _result(ctx, gx, *_affine_grads(g, xh, w, dims), want)
    ws = [w] if w is not None else []
    gx, gw, gb = P_batch_norm_backward(g, x, ctx.outputs[1], ctx.outputs[2], *ws, eps=p["eps"], need=want)
    return _result(ctx, gx, gw, gb, want)


# ---- losses ------------------------------------------------------------------------------------
def _loss_inputs(ctx, start):
    """Target and optional weight (positions start, start + 1) of a loss primitive."""
    if ctx.params["weight"]:
        return _saved(ctx, start, start + 1)
    return _saved(ctx, start)[0], None


def _nones(ctx, gx):
    return (gx,) + (None,) * (len(ctx.shapes) - 1)


@rule("cross_entropy", save="both", outputs=(1,))
def _cross_entropy(ctx, g, _glse):
    if not ctx.needs_input_grad[0]:
        return _nones(ctx, None)
    x = _saved(ctx, 0)[0]
    t, w = _loss_inputs(ctx, 1)
    ws = [] if w is None else [w]
    p = ctx.params
    if not state.enabled:
        return _nones(ctx, P_cross_entropy_backward(g, x, t, ctx.outputs[1], *ws, **p))
    # d loss_i / d x_i = s_i (a_i softmax(x_i) - ls / c * w) + (1 - ls) * (nll_loss gradient)
    n, c = x.shape
    ls, ignore = p["label_smoothing"], p["ignore_index"]
    valid = (t != ignore).to(x.dtype)
    wt = valid if w is None else w[t.masked_fill(t == ignore, 0)] * valid
    s = g * valid if p["reduction"] == "none" else g.expand(n) * valid
    if p["reduction"] == "mean":
        s = s / wt.sum()
    wsum = float(c) if w is None else w.sum()
    a = (1 - ls) * wt + ls / c * wsum * valid
    prob = (x - x.logsumexp(1, keepdim=True)).exp()
    gx = s.unsqueeze(1) * (a.unsqueeze(1) * prob - (ls / c) * (1.0 if w is None else w))
    nll = P_nll_loss_backward(g, t, *ws, ignore_index=ignore, reduction=p["reduction"], weight=p["weight"],
                              num_classes=c)
    return _nones(ctx, gx + (1 - ls) * nll)


@rule("nll_loss", save="inputs")
def _nll_loss(ctx, g):
    t, w = _loss_inputs(ctx, 1)
    ws = [] if w is None else [w]
    return _nones(ctx, P_nll_loss_backward(g, t, *ws, num_classes=ctx.shapes[0][1], **ctx.params))


@rule("nll_loss_backward", save="inputs")
def _nll_loss_backward(ctx, gg):
    t, w = _loss_inputs(ctx, 1)
    ws = [] if w is None else [w]
    params = {k: v for k, v in ctx.params.items() if k != "num_classes"}
    return _nones(ctx, P_nll_loss(gg, t, *ws, **params))


@rule("ctc_loss", save="both")
def _ctc_loss(ctx, g, _galpha):
    # No second derivative: with create_graph the result is a constant of the graph (as in PyTorch,
    # whose ctc_loss backward is not differentiable either).
    lp, targets, il, tl = ctx.inputs
    nll, alpha = ctx.outputs
    return P_ctc_loss_backward(g, lp, targets, il, tl, nll, alpha, **ctx.params), None, None, None


# ---- embedding ---------------------------------------------------------------------------------
@rule("embedding")
def _embedding(ctx, g):
    (idx,) = _saved(ctx, 1)
    num = ctx.shapes[0][0]
    return P_embedding_backward(g, idx, num_weights=num, padding_idx=ctx.params["padding_idx"]), None


@rule("embedding_backward")
def _embedding_backward(ctx, gg):
    (idx,) = _saved(ctx, 1)
    pad = ctx.params["padding_idx"]
    rows = P_embedding(gg, idx, padding_idx=pad)
    if pad >= 0:
        rows = rows.masked_fill((idx == pad).unsqueeze(-1), 0.0)
    return rows, None
