"""Fused scaled dot-product attention (torch.nn.functional.scaled_dot_product_attention).

Primitives (batch dims of every input broadcast; L query and S key positions):
  "sdpa" (q, k, v[, mask][, drop]) -> (out, lse)
      params: scale (float), causal (bool: keys after the query's position are masked, top-left
      aligned), mask (None, "bool": True takes part, "float": added to the scores), dropout (the
      probability p; when > 0, `drop` holds 1 (kept) or 0 per score and kept weights scale by
      1 / (1 - p)). out = (softmax(q k^T * scale + mask) * drop / (1 - p)) v;
      lse = logsumexp of the masked scores per query (+inf for a query that sees no key, whose
      output row is 0, PyTorch's safe softmax).
  "sdpa_backward" (g, q, k, v, out, lse[, mask][, drop]) -> (gq, gk, gv, gmask)
      the same params plus need (4 bools): recomputes p = exp(scores - lse) (flash attention's
      trick: no L x S tensor is kept between forward and backward), then with D = rowsum(g * out)
      ds = p * (g v^T * drop / (1 - p) - D), gq = ds k * scale, gk = ds^T q * scale,
      gv = (p * drop / (1 - p))^T g,
      gmask = ds. Gradients not in `need` come back zero-size. Not differentiable: the "sdpa" rule
      composes the same gradient from fx ops when a graph of it is wanted (create_graph).
"""

from __future__ import annotations

import math

import numpy as np

from .._dispatch import define
from ._common import _tname, cast, check_tensor
from .nn import dropout_mask_

P_sdpa = define("sdpa", nout=2)
P_sdpa_backward = define("sdpa_backward", nout=4, differentiable=False)

__all__: list = []

_OP = "scaled_dot_product_attention"


def _bcast(shapes, what):
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise RuntimeError(f"{_OP}: {what} of shapes {', '.join(str(list(s)) for s in shapes)} do not broadcast") \
            from None


def _check_inputs(query, key, value):
    for t, name in ((query, "query"), (key, "key"), (value, "value")):
        check_tensor(t, _OP, name)
    q, k, v = query._data, key._data, value._data
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise RuntimeError(f"{_OP}: Expected query, key, and value to all be at least 2 dimensional, but got "
                           f"query.dim: {q.ndim} key.dim: {k.ndim} and value.dim: {v.ndim} instead.")
    if not (query.dtype is key.dtype is value.dtype):
        raise RuntimeError(f"{_OP}: Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.")
    if not query.dtype.is_floating_point:
        raise RuntimeError(f"{_OP}: expected a floating point query, key and value, but got {_tname(query.dtype)}")
    if q.shape[-1] != k.shape[-1]:
        raise RuntimeError(f"{_OP}: query and key must have the same embedding size, but got query of shape "
                           f"{list(q.shape)} and key of shape {list(k.shape)}")
    if k.shape[-2] != v.shape[-2]:
        raise RuntimeError(f"{_OP}: key and value must have the same sequence length, but got key of shape "
                           f"{list(k.shape)} and value of shape {list(v.shape)}")


def _group_heads(query, key, value):
    """Key/value heads (dim -3) repeated to the query's head count (grouped-query attention)."""
    q, k, v = query._data.shape, key._data.shape, value._data.shape
    if len(q) < 3 or len(k) < 3 or len(v) < 3:
        return key, value
    hq, hk, hv = q[-3], k[-3], v[-3]
    if hk == 0 or hv == 0 or hq % hk or hq % hv:
        raise RuntimeError(f"{_OP}: Number of heads in key and value must divide the number of heads in query, got "
                           f"query heads {hq}, key heads {hk} and value heads {hv}")

    def repeat(t, h):
        if h == hq:
            return t
        shape = tuple(t.shape)
        return t.unsqueeze(-3).expand(*shape[:-2], hq // h, *shape[-2:]).reshape(*shape[:-3], hq, *shape[-2:])

    return repeat(key, hk), repeat(value, hv)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(query @ key^T * scale + mask) @ value over the last two dims, as one fused primitive.

    Args:
        query (*, L, E), key (*, S, E), value (*, S, Ev): batch dims broadcast.
        attn_mask: bool (True takes part) or float (added to the scores), broadcastable to the
            scores (*, L, S) without adding dims to them.
        dropout_p: probability of zeroing an attention weight (the kept ones scale by 1 / (1 - p)).
        is_causal: mask keys after each query position (top-left aligned); not with attn_mask.
        scale: defaults to 1 / sqrt(E).
        enable_gqa: key/value may have fewer heads (dim -3) than query, dividing its head count.
    Returns: (*, L, Ev).
    """
    _check_inputs(query, key, value)
    if isinstance(dropout_p, bool) or not isinstance(dropout_p, (int, float)) or not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"{_OP}: dropout probability has to be between 0 and 1, but got {dropout_p}")
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, (int, float))):
        raise TypeError(f"{_OP}(): argument 'scale' must be float, not {type(scale).__name__}")
    if enable_gqa:
        key, value = _group_heads(query, key, value)
    q, k, v = query._data.shape, key._data.shape, value._data.shape
    L, S = q[-2], k[-2]
    batch = _bcast((q[:-2], k[:-2], v[:-2]), "the batch dims of query, key and value")
    full = batch + (L, S)
    extra, kind = [], None
    if attn_mask is not None:
        check_tensor(attn_mask, _OP, "attn_mask")
        if is_causal:
            raise RuntimeError(f"{_OP}: Explicit attn_mask should not be set when is_causal=True")
        mdt = attn_mask.dtype
        if mdt.name == "bool":
            kind = "bool"
        elif mdt.is_floating_point:
            kind = "float"
            attn_mask = cast(attn_mask, query.dtype)
        else:
            raise RuntimeError(f"{_OP}: Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                               f"attn_mask.dtype: {_tname(mdt)} and query.dtype: {_tname(query.dtype)} instead.")
        ms = attn_mask._data.shape
        if len(ms) > len(full) or any(a not in (1, b) for a, b in zip(ms[::-1], full[::-1])):
            raise RuntimeError(f"{_OP}: attn_mask of shape {list(ms)} does not broadcast to the attention scores of "
                               f"shape {list(full)} (*, L, S)")
        extra.append(attn_mask)
    p = float(dropout_p)
    if 0.0 < p < 1.0:
        extra.append(dropout_mask_(query.new_empty(full), p, scaled=False))  # bernoulli_(1 - p)'s draws
    s = (1.0 / math.sqrt(q[-1]) if q[-1] else 1.0) if scale is None else float(scale)
    out, _ = P_sdpa(query, key, value, *extra, scale=s, causal=bool(is_causal), mask=kind,
                    dropout=p if p < 1.0 else 0.0)
    return out * 0.0 if p == 1.0 else out  # every weight dropped: zeros, and zero gradients
