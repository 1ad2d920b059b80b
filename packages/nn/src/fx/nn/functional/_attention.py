"""Attention (torch.nn.functional): the fused scaled dot-product attention primitive and
multi-head attention built on it.

multi_head_attention_forward keeps PyTorch's semantics: bool masks are True where attention is
NOT allowed and become -inf float masks (added to float ones), a query that sees no key gets a 0
output row through the fused kernel (NaN weights on the need_weights path, as in PyTorch), and
is_causal is a hint that only replaces attn_mask when nothing else needs the explicit mask.
"""

from __future__ import annotations

import math

import fx.tensor as ft
from fx.autograd import Function
from fx.tensor._ops.attention import scaled_dot_product_attention
from fx.tensor._tensor import Tensor

from ._dropout import dropout as _dropout
from ._linear import linear

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

# fx.tensor defines the fused primitive; its public home (and full reference text) is here.
scaled_dot_product_attention.__doc__ = """softmax(query @ key^T * scale + mask) @ value over the last two dims, as one fused primitive.

    Args:
        query: (*, L, E) queries.
        key: (*, S, E) keys.
        value: (*, S, Ev) values; the batch dims (*) of query, key and value broadcast.
        attn_mask: bool (True takes part) or float (added to the scores), broadcastable to the
            scores (*, L, S) without adding dims to them (default None).
        dropout_p: probability of zeroing an attention weight; the kept ones scale by 1 / (1 - p) (default 0.0).
        is_causal: mask keys after each query position (top-left aligned); not with attn_mask (default False).
        scale: the factor of the scores (default None: 1 / sqrt(E)).
        enable_gqa: key/value may have fewer heads (dim -3) than query, dividing its head count (default False).

    Returns:
        (*, L, Ev): for each query, the attention-weighted average of the values.

    Example:
        >>> q, k = ft.ones(1, 2, 4), ft.ones(1, 3, 4)
        >>> F.scaled_dot_product_attention(q, k, ft.arange(6.0).reshape(1, 3, 2))
        tensor([[[2., 3.],
                 [2., 3.]]])
        >>> x = ft.ones(3, 2)
        >>> F.scaled_dot_product_attention(x, x, ft.tensor([[0.0], [1.0], [2.0]]), is_causal=True)
        tensor([[0.0000],
                [0.5000],
                [1.0000]])
    """

_OP = "multi_head_attention_forward"


class _Split(Function):
    """x.split(sizes, dim) as one graph node whose backward is one concatenation (a slice's own
    backward fills a zero tensor of x's size per piece)."""

    @staticmethod
    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        return tuple(x.split(list(sizes), dim))

    @staticmethod
    def backward(ctx, *grads):
        return ft.cat(grads, ctx.dim), None, None


def _split(x, sizes, dim=0):
    """The pieces of x along dim (views; shared with the recurrent layers)."""
    if len(sizes) == 1:
        return (x,)
    if x.requires_grad:
        return _Split.apply(x, tuple(sizes), dim)
    return x.split(list(sizes), dim)


def _float_mask(mask, name, dtype):
    """A bool mask (True: not allowed) as an additive float mask of `dtype`; float masks pass."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        raise TypeError(f"{_OP}(): argument '{name}' must be Tensor, not {type(mask).__name__}")
    if mask.dtype is ft.bool:
        return ft.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill_(mask, float("-inf"))
    if not mask.dtype.is_floating_point:
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads):
    """PyTorch's _mha_shape_check: whether the inputs are batched (3-d) or not (2-d)."""
    qd, kd, vd = query.dim(), key.dim(), value.dim()
    if qd == 3:
        if kd != 3 or vd != 3:
            raise AssertionError(f"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found {kd}-D "
                                 f"and {vd}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
    elif qd == 2:
        if kd != 2 or vd != 2:
            raise AssertionError(f"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found {kd}-D "
                                 f"and {vd}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() == 3:
            expected = (num_heads, query.shape[0], key.shape[0])
            if tuple(attn_mask.shape) != expected:
                raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {tuple(attn_mask.shape)}")
    else:
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {qd}-D query tensor")
    if attn_mask is not None and attn_mask.dim() not in (2, 3):
        raise AssertionError(f"For {'batched (3-D)' if qd == 3 else 'unbatched (2-D)'} `query`, expected `attn_mask` "
                             f"to be `None`, 2-D or 3-D but found {attn_mask.dim()}-D tensor instead")
    return qd == 3


def _linear_heads(x, weight, bias, heads, head_dim):
    """linear(x) of x (A, B, E_in) as (A, B, k * heads, head_dim), k = out_features / E: one 2-d
    matmul (its weight gradient is one matmul too, not one per batch entry)."""
    a, b = x.shape[0], x.shape[1]
    return linear(x.reshape(a * b, x.shape[2]), weight, bias).reshape(a, b, -1, head_dim)


def _project(query, key, value, heads, head_dim, in_proj_weight, in_proj_bias, separate, weights):
    """q, k, v after the input projections, each (A, B, heads, head_dim); packed weights take one
    matmul for the inputs that coincide."""
    e = heads * head_dim
    if separate:
        for w, name in zip(weights, ("q_proj_weight", "k_proj_weight", "v_proj_weight")):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name} is None")
        bq = bk = bv = None
        if in_proj_bias is not None:
            bq, bk, bv = in_proj_bias.chunk(3)
        return tuple(_linear_heads(x, w, b, heads, head_dim) for x, w, b in zip((query, key, value), weights,
                                                                                (bq, bk, bv)))
    if in_proj_weight is None:
        raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
    b = in_proj_bias
    if query is key and key is value:
        return _split(_linear_heads(query, in_proj_weight, b, heads, head_dim), (heads,) * 3, 2)
    wq, wkv = in_proj_weight.split([e, 2 * e])
    bq, bkv = (None, None) if b is None else b.split([e, 2 * e])
    q = _linear_heads(query, wq, bq, heads, head_dim)
    if key is value:
        return (q, *_split(_linear_heads(key, wkv, bkv, heads, head_dim), (heads, heads), 2))
    wk, wv = wkv.split(e)
    bk, bv = (None, None) if bkv is None else bkv.split(e)
    return q, _linear_heads(key, wk, bk, heads, head_dim), _linear_heads(value, wv, bv, heads, head_dim)


def _pad_key(mask):
    """One more key position (bias_k or the zero attention), visible to every query."""
    return None if mask is None else ft.cat([mask, mask.new_zeros((*mask.shape[:-1], 1))], -1)


def _heads(x, batch_first):
    """(N, L, H, D) or (L, N, H, D) -> (N, H, L, D) (a view)."""
    return x.permute(0, 2, 1, 3) if batch_first else x.permute(1, 2, 0, 3)


def _static(t, n, h, d, name):
    if t.shape[0] != n * h:
        raise AssertionError(f"expecting {name}.size(0) of {n * h}, but got {t.shape[0]}")
    if t.shape[2] != d:
        raise AssertionError(f"expecting {name}.size(2) of {d}, but got {t.shape[2]}")
    return t.reshape(n, h, -1, d)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False, *, batch_first=False):
    """The math of nn.MultiheadAttention, with its parameters passed in.

    query (L, N, E) attends over key (S, N, kdim) / value (S, N, vdim).

    Unbatched inputs are (L, E) / (S, kdim) / (S, vdim); `batch_first=True` (an fx extension, used by
    MultiheadAttention) takes and returns (N, L, E) without transposing.

    Args:
        query, key, value: the inputs, shaped as above.
        embed_dim_to_check: E, checked against query.
        num_heads: the number of heads h; it divides E.
        in_proj_weight, in_proj_bias: the packed (3E, E) / (3E,) q, k, v projections (None when separate).
        bias_k, bias_v: (1, 1, E) extra key / value positions, or None.
        add_zero_attn: append a zero key / value position.
        dropout_p: dropout probability on the attention weights (training only).
        out_proj_weight, out_proj_bias: the (E, E) / (E,) output projection.
        training: apply dropout.
        key_padding_mask: (N, S), bool True = ignore that key, or float added (default None).
        need_weights: also return the attention weights (default True); False runs the fused kernel.
        attn_mask: (L, S) or (N * h, L, S), bool True = not allowed, or float added (default None).
        use_separate_proj_weight: use q_proj_weight, k_proj_weight, v_proj_weight instead of in_proj_weight.
        q_proj_weight, k_proj_weight, v_proj_weight: (E, E), (E, kdim), (E, vdim).
        static_k, static_v: (N * h, S, E / h) keys / values used instead of the projected ones.
        average_attn_weights: average the returned weights over heads (default True).
        is_causal: a hint that attn_mask is the causal mask (default False).
        batch_first: inputs and output are (N, L, E) (keyword only, default False).

    Returns:
        (attn_output (L, N, E), attn_weights or None); weights are (N, L, S) averaged over heads, or
        (N, num_heads, L, S) with average_attn_weights=False.

    Example:
        >>> E, h = 8, 2
        >>> q = ft.randn(5, 3, E)
        >>> out, w = F.multi_head_attention_forward(q, q, q, E, h, ft.randn(3 * E, E), ft.zeros(3 * E), None, None,
        ...                                         False, 0.0, ft.randn(E, E), ft.zeros(E))
        >>> out.shape, w.shape
        (fx.tensor.Size([5, 3, 8]), fx.tensor.Size([3, 5, 5]))
    """
    for t, name in ((query, "query"), (key, "key"), (value, "value")):
        if not isinstance(t, Tensor):
            raise TypeError(f"{_OP}(): argument '{name}' must be Tensor, not {type(t).__name__}")
    batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
        batch_first = True
    n, tgt_len, embed_dim = (query.shape[0], query.shape[1], query.shape[2]) if batch_first else \
        (query.shape[1], query.shape[0], query.shape[2])
    src_len = key.shape[1] if batch_first else key.shape[0]
    key_padding_mask = _float_mask(key_padding_mask, "key_padding_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
                           "`generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the fused kernel's causal mask replaces the explicit one
    else:
        attn_mask = _float_mask(attn_mask, "attn_mask", query.dtype)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    kv_lead = 2 if use_separate_proj_weight else key.dim()
    if tuple(key.shape[:kv_lead]) != tuple(value.shape[:kv_lead]):
        what = "sequence and batch dims" if use_separate_proj_weight else "shape"
        raise AssertionError(f"key's {what} {tuple(key.shape[:kv_lead])} does not match value's "
                             f"{tuple(value.shape[:kv_lead])}")
    q, k, v = _project(query, key, value, num_heads, head_dim, in_proj_weight, in_proj_bias,
                       use_separate_proj_weight, (q_proj_weight, k_proj_weight, v_proj_weight))
    if attn_mask is not None:
        want = (tgt_len, src_len) if attn_mask.dim() == 2 else (n * num_heads, tgt_len, src_len)
        if tuple(attn_mask.shape) != want:
            raise RuntimeError(f"The shape of the {attn_mask.dim()}D attn_mask is {list(attn_mask.shape)}, but should "
                               f"be {want}.")
        if attn_mask.dim() == 3:
            attn_mask = attn_mask.reshape(n, num_heads, tgt_len, src_len)
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError(f"bias cannot be added to static {'key' if static_k is not None else 'value'}.")
        seq = 1 if batch_first else 0
        shape = (n, 1, num_heads, head_dim) if batch_first else (1, n, num_heads, head_dim)
        k = ft.cat([k, bias_k.reshape(1, 1, num_heads, head_dim).expand(*shape)], seq)
        v = ft.cat([v, bias_v.reshape(1, 1, num_heads, head_dim).expand(*shape)], seq)
        attn_mask, key_padding_mask = _pad_key(attn_mask), _pad_key(key_padding_mask)
    elif bias_k is not None or bias_v is not None:
        raise AssertionError(f"bias_{'k' if bias_k is not None else 'v'} is set but "
                             f"bias_{'v' if bias_k is not None else 'k'} is None")
    q = _heads(q, batch_first)
    k = _heads(k, batch_first) if static_k is None else _static(static_k, n, num_heads, head_dim, "static_k")
    v = _heads(v, batch_first) if static_v is None else _static(static_v, n, num_heads, head_dim, "static_v")
    if add_zero_attn:
        k = ft.cat([k, k.new_zeros((n, num_heads, 1, head_dim))], 2)
        v = ft.cat([v, v.new_zeros((n, num_heads, 1, head_dim))], 2)
        attn_mask, key_padding_mask = _pad_key(attn_mask), _pad_key(key_padding_mask)
    src_len = k.shape[2]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (n, src_len):
            raise AssertionError(f"Expected key_padding_mask of shape {(n, src_len)}, but got "
                                 f"{tuple(key_padding_mask.shape)}")
        kpm = key_padding_mask.reshape(n, 1, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    weights = None
    if need_weights:
        scores = (q * (1.0 / math.sqrt(head_dim))).matmul(k.transpose(-2, -1))
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = ft.softmax(scores, -1)
        out = (_dropout(weights, dropout_p) if dropout_p > 0.0 else weights).matmul(v)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            weights = weights.squeeze(0)
    else:
        out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, bool(is_causal))
    out = out.permute(0, 2, 1, 3) if batch_first else out.permute(2, 0, 1, 3)
    a, b = out.shape[0], out.shape[1]
    out = linear(out.reshape(a * b, embed_dim), out_proj_weight, out_proj_bias).reshape(a, b, -1)
    return (out if batched else out.squeeze(0)), weights
