"""Batching rules of the fused neural-network primitives: pooling, normalization, embedding, losses.

Most fold the vmap batch into the primitive's own batch dim (N of an (N, C, ...) input, the rows
of a loss), run once and unfold. What must stay per example is composed from fx ops around the
primitive: a batched affine weight is applied after an affine-free normalization, per-example
weight/bias gradients are sums of g * x_hat, a "mean"/"sum" loss reduction runs per example on
the primitive's per-row ("none") losses.
"""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._ops.views import P_permute, P_view

from ._batched import make
from ._batching_rules import bat, batched_like, batching_rule, run, wrap

def _placeholder():
    """What a *_backward primitive returns for a gradient that was not asked for."""
    return ft.empty(0, dtype=ft.float32)


def _fold(p):
    """(B, N, ...) physical -> (B*N, ...)."""
    s = p._data.shape
    return p.reshape((s[0] * s[1],) + s[2:])


def _unfold(lv, p, n):
    s = p._data.shape
    return make(P_view(p, shape=(lv.size, n) + s[1:]), lv.id)


# ---- pooling: fold the batch into N ------------------------------------------------------------
@batching_rule("max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward", "adaptive_avg_pool2d",
               "adaptive_avg_pool2d_backward", "adaptive_max_pool2d")
def _pool(lv, prim, inputs, params):
    n = inputs[0]._data.shape[0]
    out = run(lv, prim, [_fold(batched_like(t, lv)) for t in inputs], params)
    if out.__class__ is tuple:
        return tuple([_unfold(lv, o, n) for o in out])
    return _unfold(lv, out, n)


# ---- convolution -------------------------------------------------------------------------------
def _channels_fold(lv, t):
    """(B, N, C, H, W) -> (N, B*C, H, W): the examples become groups of channels."""
    p = batched_like(t, lv)
    s = p._data.shape
    return P_permute(p, dims=(1, 0, 2, 3, 4)).reshape((s[1], s[0] * s[2]) + s[3:])


def _channels_unfold(lv, q):
    n, bc = q._data.shape[:2]
    q = q.reshape((n, lv.size, bc // lv.size) + q._data.shape[2:])
    return make(P_permute(q, dims=(1, 0, 2, 3, 4)), lv.id)


def _grouped(lv, t):
    """A batched conv weight (B, O, ...) as (B*O, ...): one group set per example."""
    p = batched_like(t, lv)
    s = p._data.shape
    return p.reshape((s[0] * s[1],) + s[2:])


@batching_rule("conv2d", "conv2d_grad_input")
def _conv2d(lv, prim, inputs, params):
    x, w = inputs[0], inputs[1]
    bias = inputs[2] if len(inputs) > 2 else None
    if bat(w, lv) is None:  # a shared weight: the examples are more images
        if bias is not None and bat(bias, lv) is not None:
            y = prim(x, w, **params)
            return y + bias.reshape(bias.shape[0], 1, 1)
        n = x._data.shape[0]
        return _unfold(lv, run(lv, prim, [_fold(batched_like(x, lv)), w] + list(inputs[2:]), params), n)
    # Per-example weights: a grouped convolution with groups * B groups.
    args = [_channels_fold(lv, x), _grouped(lv, w)] + ([_grouped(lv, bias)] if bias is not None else [])
    return _channels_unfold(lv, run(lv, prim, args, dict(params, groups=params["groups"] * lv.size)))


@batching_rule("conv2d_grad_weight")
def _conv2d_grad_weight(lv, prim, inputs, params):
    x, g = inputs
    gw = run(lv, prim, [_channels_fold(lv, x), _channels_fold(lv, g)], dict(params, groups=params["groups"] * lv.size))
    s = gw._data.shape
    return make(P_view(gw, shape=(lv.size, s[0] // lv.size) + s[1:]), lv.id)


# ---- normalization -----------------------------------------------------------------------------
def _split_wb(inputs, params):
    rest = list(inputs[1:])
    w = rest.pop(0) if params.get("weight") else None
    b = rest.pop(0) if params.get("bias") else None
    return inputs[0], w, b


def _affine(y, w, b, shape):
    """y * w + b with w/b (per-channel or trailing) viewed as `shape`."""
    if w is not None:
        y = y * w.reshape(shape)
    if b is not None:
        y = y + b.reshape(shape)
    return y


@batching_rule("layer_norm", "rms_norm")
def _layer_norm(lv, prim, inputs, params):
    x, w, b = _split_wb(inputs, params)
    if all(t is None or bat(t, lv) is None for t in (w, b)):
        return wrap(lv, run(lv, prim, [x._phys] + list(inputs[1:]), params))
    bare = dict(params, weight=False, **({"bias": False} if "bias" in params else {}))
    out = prim(x, **bare)  # re-dispatched: batched by this rule (x) or plain, then the affine part
    return (_affine(out[0], w, b, tuple(w.shape if w is not None else b.shape)),) + tuple(out[1:])


@batching_rule("group_norm")
def _group_norm(lv, prim, inputs, params):
    x, w, b = _split_wb(inputs, params)
    if (w is not None and bat(w, lv) is not None) or (b is not None and bat(b, lv) is not None):
        out = prim(x, groups=params["groups"], eps=params["eps"], weight=False, bias=False)
        shape = (x.shape[1],) + (1,) * (x.ndim - 2)
        return (_affine(out[0], w, b, shape),) + tuple(out[1:])
    n = x._data.shape[0]
    out = run(lv, prim, [_fold(x._phys)] + list(inputs[1:]), params)
    return tuple([_unfold(lv, o, n) for o in out])


def _channels_last_fold(lv, p):
    """(B, N, C, *) -> (N, B*C, *): each example's channels become channels of one batch."""
    s = p._data.shape
    q = P_permute(p, dims=(1, 0) + tuple(range(2, len(s))))
    return q.reshape((s[1], s[0] * s[2]) + s[3:])


def _channels_last_unfold(lv, q, x_shape):
    n, c = x_shape[0], x_shape[1]
    q = q.reshape((n, lv.size, c) + tuple(x_shape[2:]))
    return P_permute(q, dims=(1, 0) + tuple(range(2, len(x_shape) + 1)))


@batching_rule("batch_norm")
def _batch_norm(lv, prim, inputs, params):
    x, w, b = _split_wb(inputs, params)
    shape = tuple(x._data.shape)
    bare = {"eps": params["eps"], "weight": False, "bias": False}
    if bat(x, lv) is None:
        out = prim(x, **bare)  # plain statistics, batched affine
    else:
        y, mean, var = run(lv, prim, (_channels_last_fold(lv, x._phys),), bare)
        c = shape[1]
        out = (make(_channels_last_unfold(lv, y, shape), lv.id), make(P_view(mean, shape=(lv.size, c)), lv.id),
               make(P_view(var, shape=(lv.size, c)), lv.id))
    return (_affine(out[0], w, b, (shape[1],) + (1,) * (len(shape) - 2)),) + tuple(out[1:])


def _norm_param_grads(g, xhat, need, reduce_dims):
    """Per-example weight and bias gradients: sums of g * x_hat and g over the non-parameter dims."""
    def total(t):
        return t.sum(reduce_dims) if reduce_dims else t

    gw = total(g * xhat) if need[1] else _placeholder()
    gb = total(g) if need[2] else _placeholder()
    return gw, gb


@batching_rule("layer_norm_backward", "rms_norm_backward")
def _layer_norm_backward(lv, prim, inputs, params):
    rms = prim.name == "rms_norm_backward"
    g, x = inputs[0], inputs[1]
    mean, rstd = (None, inputs[2]) if rms else (inputs[2], inputs[3])
    w = inputs[3 if rms else 4] if len(inputs) > (3 if rms else 4) else None
    need, ndim = params["need"], params["ndim"]
    stats = (rstd,) if rms else (mean, rstd)
    gx = _placeholder()
    if need[0]:  # rows are independent: the batch rides along in the leading dims
        gy = g if w is None else g * w
        args = [batched_like(t, lv) for t in (gy, x) + stats]
        gx = make(run(lv, prim, args, dict(params, need=(True, False, False)))[0], lv.id)
    lead = tuple(range(x.ndim - ndim))
    xhat = x * rstd if rms else (x - mean) * rstd
    return (gx,) + _norm_param_grads(g, xhat, need, lead)


@batching_rule("group_norm_backward")
def _group_norm_backward(lv, prim, inputs, params):
    g, x, mean, rstd = inputs[:4]
    w = inputs[4] if len(inputs) > 4 else None
    need, groups = params["need"], params["groups"]
    shape = tuple(x.shape)
    gx = _placeholder()
    if need[0]:
        gy = g if w is None else g * w.reshape((shape[1],) + (1,) * (len(shape) - 2))
        args = [_fold(batched_like(t, lv)) for t in (gy, x, mean, rstd)]
        gx = _unfold(lv, run(lv, prim, args, dict(params, need=(True, False, False)))[0], shape[0])
    xg = x.reshape(shape[0], groups, -1)
    xhat = ((xg - mean.unsqueeze(-1)) * rstd.unsqueeze(-1)).reshape(shape)
    dims = (0,) + tuple(range(2, len(shape)))
    return (gx,) + _norm_param_grads(g, xhat, need, dims)


@batching_rule("batch_norm_backward")
def _batch_norm_backward(lv, prim, inputs, params):
    g, x, mean, var = inputs[:4]
    w = inputs[4] if len(inputs) > 4 else None
    need, eps = params["need"], params["eps"]
    shape = tuple(x.shape)
    cshape = (shape[1],) + (1,) * (len(shape) - 2)
    gx = _placeholder()
    if need[0]:
        gy = g if w is None else g * w.reshape(cshape)
        args = [_channels_last_fold(lv, batched_like(t, lv)) for t in (gy, x)]
        args += [batched_like(t, lv).reshape(lv.size * shape[1]) for t in (mean, var)]
        q = run(lv, prim, args, dict(params, need=(True, False, False)))[0]
        gx = make(_channels_last_unfold(lv, q, shape), lv.id)
    xhat = (x - mean.reshape(cshape)) * (var.reshape(cshape) + eps).rsqrt()
    return (gx,) + _norm_param_grads(g, xhat, need, (0,) + tuple(range(2, len(shape))))


# ---- embedding ---------------------------------------------------------------------------------
def _offset_rows(lv, idx, rows):
    """Batched indices into a (B*rows, ...) fold: example b's index i becomes b*rows + i."""
    p = batched_like(idx, lv)
    base = ft.arange(lv.size, device=p.device) * rows
    return p + P_view(base, shape=(lv.size,) + (1,) * idx._data.ndim)


@batching_rule("embedding")
def _embedding(lv, prim, inputs, params):
    weight, idx = inputs
    pw = bat(weight, lv)
    if pw is None:
        return wrap(lv, run(lv, prim, (weight, idx._phys), params))
    v = weight._data.shape[0]
    flat = pw.reshape((lv.size * v,) + tuple(weight._data.shape[1:]))
    out = run(lv, prim, (flat, _offset_rows(lv, idx, v)), dict(params, padding_idx=-1))
    pad = params["padding_idx"]
    if pad >= 0:  # the padding row takes no gradient: read it from a detached copy
        frozen = run(lv, prim, (flat.detach(), _offset_rows(lv, idx, v)), dict(params, padding_idx=-1))
        hit = P_view(batched_like(idx, lv) == pad, shape=out._data.shape[:-1] + (1,))
        out = ft.where(hit, frozen, out)
    return make(out, lv.id)


@batching_rule("embedding_backward")
def _embedding_backward(lv, prim, inputs, params):
    g, idx = inputs
    v, pad = params["num_weights"], params["padding_idx"]
    d = g._data.shape[-1]
    flat_idx = _offset_rows(lv, idx, v)
    if pad >= 0:  # padding entries go to one spare row, dropped afterwards
        flat_idx = ft.where(batched_like(idx, lv) == pad, lv.size * v, flat_idx)
    gw = run(lv, prim, (batched_like(g, lv), flat_idx),
             {"num_weights": lv.size * v + 1, "padding_idx": lv.size * v})
    return make(P_view(gw[:lv.size * v], shape=(lv.size, v, d)), lv.id)


# ---- losses: rows fold into one batch, reductions per example ------------------------------------
def _row_weights(lv, target, w, ignore_index, dtype):
    t = batched_like(target, lv)
    valid = t != ignore_index
    if w is None:
        return valid.to(dtype)
    return ft.where(valid, w[ft.where(valid, t, 0)], 0).to(dtype)


def _loss_rows(lv, prim, inputs, params):
    x, target = inputs[0], inputs[1]
    w = inputs[2] if params.get("weight") else None
    if w is not None and bat(w, lv) is not None:
        raise NotImplementedError(f"vmap: {prim.name} with a batched class weight is not supported")
    n = x._data.shape[0]
    args = [_fold(batched_like(x, lv)), _fold(batched_like(target, lv))] + ([w] if w is not None else [])
    return x, target, w, n, args


def _reduce(lv, rows, target, w, params, dtype):
    """Per-example reduction of (B, n) row losses, as the primitive's kernel reduces one example."""
    red = params["reduction"]
    if red == "none":
        return rows
    total = rows.sum(1)
    if red == "mean":
        total = total / _row_weights(lv, target, w, params["ignore_index"], dtype).sum(1)
    return total


@batching_rule("cross_entropy", "nll_loss")
def _cross_entropy(lv, prim, inputs, params):
    x, target, w, n, args = _loss_rows(lv, prim, inputs, params)
    out = run(lv, prim, args, dict(params, reduction="none"))
    loss, lse = (out, None) if prim.nout == 1 else out
    rows = P_view(loss, shape=(lv.size, n))
    loss = make(_reduce(lv, rows, target, w, params, rows.dtype), lv.id)
    return loss if lse is None else (loss, make(P_view(lse, shape=(lv.size, n)), lv.id))


def _row_grads(lv, g, target, w, params, n):
    """The upstream gradient per row (B*n,), as the kernel's "none" reduction takes it."""
    red = params["reduction"]
    pg = batched_like(g, lv)
    if red == "none":
        return P_view(pg.contiguous(), shape=(lv.size * n,))
    if red == "mean":
        pg = pg / _row_weights(lv, target, w, params["ignore_index"], pg.dtype).sum(1)
    return P_view(pg, shape=(lv.size, 1)).expand(lv.size, n).reshape(lv.size * n)


@batching_rule("cross_entropy_backward")
def _cross_entropy_backward(lv, prim, inputs, params):
    g, x, target, lse = inputs[:4]
    w = inputs[4] if params.get("weight") else None
    if w is not None and bat(w, lv) is not None:
        raise NotImplementedError(f"vmap: {prim.name} with a batched class weight is not supported")
    n, c = x._data.shape
    args = [_row_grads(lv, g, target, w, params, n), _fold(batched_like(x, lv)), _fold(batched_like(target, lv)),
            batched_like(lse, lv).reshape(lv.size * n)] + ([w] if w is not None else [])
    gx = run(lv, prim, args, dict(params, reduction="none"))
    return make(P_view(gx, shape=(lv.size, n, c)), lv.id)


@batching_rule("nll_loss_backward")
def _nll_loss_backward(lv, prim, inputs, params):
    g, target = inputs[:2]
    w = inputs[2] if params.get("weight") else None
    if w is not None and bat(w, lv) is not None:
        raise NotImplementedError(f"vmap: {prim.name} with a batched class weight is not supported")
    n = target._data.shape[0]
    args = [_row_grads(lv, g, target, w, params, n), _fold(batched_like(target, lv))] + ([w] if w is not None else [])
    gx = run(lv, prim, args, dict(params, reduction="none"))
    return make(P_view(gx, shape=(lv.size, n, params["num_classes"])), lv.id)


def _time_major_fold(lv, t):
    """(B, T, n, ...) -> (T, B*n, ...)."""
    p = batched_like(t, lv)
    s = p._data.shape
    return P_permute(p, dims=(1, 0) + tuple(range(2, len(s)))).reshape((s[1], s[0] * s[2]) + s[3:])


def _time_major_unfold(lv, q, n):
    s = q._data.shape
    q = P_view(q, shape=(s[0], lv.size, n) + s[2:]) if q._data.flags.c_contiguous else q.reshape(
        (s[0], lv.size, n) + s[2:])
    return make(P_permute(q, dims=(1, 0) + tuple(range(2, len(s) + 1))), lv.id)


@batching_rule("ctc_loss")
def _ctc_loss(lv, prim, inputs, params):
    lp, targets, in_len, tgt_len = inputs
    n = lp._data.shape[1]
    args = [_time_major_fold(lv, lp), _fold_any(lv, targets), _fold_any(lv, in_len), _fold_any(lv, tgt_len)]
    nll, alpha = run(lv, prim, args, params)
    return make(P_view(nll, shape=(lv.size, n)), lv.id), _time_major_unfold(lv, alpha, n)


@batching_rule("ctc_loss_backward")
def _ctc_loss_backward(lv, prim, inputs, params):
    g, lp, targets, in_len, tgt_len, nll, alpha = inputs
    n = lp._data.shape[1]
    args = [_fold_any(lv, g), _time_major_fold(lv, lp), _fold_any(lv, targets), _fold_any(lv, in_len),
            _fold_any(lv, tgt_len), _fold_any(lv, nll), _time_major_fold(lv, alpha)]
    return _time_major_unfold(lv, run(lv, prim, args, params), n)


def _fold_any(lv, t):
    """Fold the batch into dim 0 of a tensor whose dim 0 is the rows (1-d targets: concatenation)."""
    p = batched_like(t, lv)
    s = p._data.shape
    return p.reshape((s[0] * s[1],) + s[2:]) if len(s) > 1 else p



@batching_rule("sdpa", "sdpa_backward")
def _attention(lv, prim, inputs, params):
    # The fused attention broadcasts the leading (batch) dims of all its inputs: give every input the
    # vmap batch in front and the same rank, and the outputs come back with the batch in front.
    from ._batching_rules import pad_rank

    rank = max(t._data.ndim for t in inputs)
    phys = [pad_rank(batched_like(t, lv), t._data.ndim, rank) for t in inputs]
    out = run(lv, prim, phys, params)
    # Gradients the backward did not compute come back as 1-d empty placeholders: leave them unbatched.
    return tuple(make(o, lv.id) if o._data.ndim > 1 else o for o in out)
