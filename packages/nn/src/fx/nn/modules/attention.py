"""MultiheadAttention (torch.nn.MultiheadAttention: same parameters, names and state_dict)."""

from __future__ import annotations

import fx.tensor as ft

from .. import functional as F
from .. import init
from ..parameter import Parameter
from .linear import NonDynamicallyQuantizableLinear
from .module import Module

__all__ = ["MultiheadAttention"]


class MultiheadAttention(Module):
    """Multi-head attention: h heads of scaled dot-product attention over learned projections.

    concat(head_1..head_h) W_o^T + b_o, head_i = softmax(Q_i K_i^T / sqrt(E / h) + mask) V_i, where
    Q_i, K_i, V_i are the i-th slices of the projections query W_q^T + b_q, key W_k^T + b_k, value W_v^T + b_v.

    Args:
        embed_dim: the model dimension E.
        num_heads: the number of heads h; it divides E.
        dropout: dropout probability on the attention weights, training only (default 0.0).
        bias: whether the input and output projections have biases (default True).
        add_bias_kv: learn one extra key and value position (bias_k, bias_v) appended to key and value (default False).
        add_zero_attn: append a zero key and value position (default False).
        kdim, vdim: feature sizes of key and value (default E).
        batch_first: inputs and output are (N, L, E) instead of (L, N, E) (default False).
        device, dtype: where and of what dtype the parameters are created.
    forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False) -> (attn_output, attn_weights or None). Masks: bool
    True = not allowed, float = added to the scores; is_causal is a hint that attn_mask is the causal
    mask. need_weights=False runs the fused attention kernel.
    Shape: query (L, N, E), key (S, N, kdim), value (S, N, vdim) ((N, *, *) with batch_first; (L, E)
        unbatched); key_padding_mask (N, S); attn_mask (L, S) or (N * h, L, S) -> attn_output (L, N, E),
        attn_weights (N, L, S) averaged over heads, or (N, h, L, S) with average_attn_weights=False.

    Attributes:
        in_proj_weight: (3E, E), xavier_uniform_ (when kdim = vdim = E; else q_proj_weight (E, E),
            k_proj_weight (E, kdim), v_proj_weight (E, vdim), each xavier_uniform_).
        in_proj_bias: (3E,), zeros. out_proj: Linear(E, E) with a zero bias.
        bias_k, bias_v: (1, 1, E), xavier_normal_ (with add_bias_kv).

    Example:
        >>> mha = nn.MultiheadAttention(16, 4, batch_first=True)
        >>> x = ft.randn(2, 5, 16)
        >>> out, weights = mha(x, x, x)
        >>> out.shape, weights.shape
        (fx.tensor.Size([2, 5, 16]), fx.tensor.Size([2, 5, 5]))
    """

    __constants__ = ["batch_first"]

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(ft.empty((embed_dim, embed_dim), **kw))
            self.k_proj_weight = Parameter(ft.empty((embed_dim, self.kdim), **kw))
            self.v_proj_weight = Parameter(ft.empty((embed_dim, self.vdim), **kw))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(ft.empty((3 * embed_dim, embed_dim), **kw))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(ft.empty(3 * embed_dim, **kw))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        if add_bias_kv:
            self.bias_k = Parameter(ft.empty((1, 1, embed_dim), **kw))
            self.bias_v = Parameter(ft.empty((1, 1, embed_dim), **kw))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        """xavier_uniform_ projections, zero biases, xavier_normal_ bias_k/bias_v (PyTorch's)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        separate = not self._qkv_same_embed_dim
        return F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias, self.bias_k,
            self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=separate, q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal,
            batch_first=self.batch_first and query.dim() == 3)

