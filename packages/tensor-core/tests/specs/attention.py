"""Specs: the fused scaled dot-product attention primitive (fx/tensor/_ops/attention.py), public as
fx.nn.functional.scaled_dot_product_attention."""

import numpy as np

import fx.tensor as ft
from fx.tensor._ops.attention import scaled_dot_product_attention
from opspec import FLOATS, LOWP, ErrorCase, OpSpec, Sample, add, make


def _torch_sdpa(*args, **kwargs):
    import torch

    return torch.nn.functional.scaled_dot_product_attention(*args, **kwargs)


def _ref(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    q, k, v = (np.asarray(a, np.float64) for a in (q, k, v))
    if enable_gqa:
        k = np.repeat(k, q.shape[-3] // k.shape[-3], axis=-3)
        v = np.repeat(v, q.shape[-3] // v.shape[-3], axis=-3)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale
    L, S = s.shape[-2:]
    if is_causal:
        s = np.where(np.tril(np.ones((L, S), bool)), s, -np.inf)
    if attn_mask is not None:
        s = np.where(attn_mask, s, -np.inf) if attn_mask.dtype == bool else s + attn_mask
    mx = np.max(s, -1, keepdims=True) if S else np.zeros(s.shape[:-1] + (1,))
    mx = np.where(np.isfinite(mx), mx, 0.0)
    e = np.exp(s - mx)
    total = e.sum(-1, keepdims=True)
    w = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return w @ v


def _samples(dt):
    m = lambda shape, **kw: make(shape, dt, -2.0, 2.0, **kw)  # noqa: E731
    bool_mask = ft.tensor([[True, False, True, True], [False, False, False, False], [True, True, False, True]])
    return [
        Sample((m((2, 3)), m((4, 3)), m((4, 2))), name="2d"),
        Sample((m((2, 3, 4)), m((2, 5, 4)), m((2, 5, 3))), name="3d"),
        Sample((m((2, 2, 3, 4)), m((2, 2, 5, 4)), m((2, 2, 5, 6))), {"scale": 0.7}, name="4d-scale"),
        Sample((m((3, 2)), m((4, 2)), m((4, 2))), {"is_causal": True}, name="causal-rect"),
        Sample((m((1, 4, 3)), m((4, 3)), m((2, 4, 2))), {"is_causal": True}, name="broadcast-batch-causal"),
        Sample((m((3, 2)), m((4, 2)), m((4, 3))), {"attn_mask": bool_mask}, name="bool-mask-empty-row"),
        Sample((m((2, 3, 2)), m((2, 4, 2)), m((2, 4, 2))), {"attn_mask": m((3, 4))}, name="float-mask"),
        Sample((m((2, 3, 2)), m((4, 2)), m((4, 2))), {"attn_mask": m((2, 1, 4))}, name="mask-broadcast"),
        Sample((m((2, 4, 3, 2)), m((2, 2, 5, 2)), m((2, 2, 5, 3))), {"enable_gqa": True}, name="gqa"),
        Sample((m((2, 3, 8), noncontig=True), m((2, 5, 8), noncontig=True), m((2, 5, 6), noncontig=True)),
               name="noncontig"),
        Sample((m((2, 4, 3)).transpose(0, 1), m((4, 2, 3)), m((4, 2, 3))), name="transposed"),
        Sample((m((2, 0, 4)), m((2, 3, 4)), m((2, 3, 5))), name="no-queries"),
        Sample((m((2, 3, 4)), m((2, 0, 4)), m((2, 0, 5))), name="no-keys"),
        Sample((m((0, 3, 4)), m((0, 3, 4)), m((0, 3, 4))), name="empty-batch"),
    ]


def _errors():
    m = lambda *shape: make(shape, ft.float32)  # noqa: E731
    return [
        ErrorCase((m(3), m(3), m(3)), match="at least 2 dimensional"),
        ErrorCase((m(2, 3), m(4, 3).double(), m(4, 3)), match="same dtype"),
        ErrorCase((make((2, 3), ft.int64), make((4, 3), ft.int64), make((4, 3), ft.int64)), match="floating point"),
        ErrorCase((m(2, 3), m(4, 2), m(4, 3)), match="same embedding size"),
        ErrorCase((m(2, 3), m(4, 3), m(5, 3)), match="same sequence length"),
        ErrorCase((m(2, 3), m(4, 3), m(4, 3)), {"dropout_p": 1.5}, match="between 0 and 1"),
        ErrorCase((m(2, 3), m(4, 3), m(4, 3)), {"attn_mask": m(2, 4), "is_causal": True},
                  match="attn_mask should not be set when is_causal"),
        ErrorCase((m(2, 3), m(4, 3), m(4, 3)), {"attn_mask": make((2, 4), ft.int64)}, match="bool or float"),
        ErrorCase((m(2, 3), m(4, 3), m(4, 3)), {"attn_mask": m(3, 4)}, match="does not broadcast"),
        ErrorCase((m(2, 3), m(4, 3), m(4, 3)), {"attn_mask": m(2, 2, 4)}, match="does not broadcast"),
        ErrorCase((m(2, 3, 3), m(4, 3, 3), m(4, 3, 3)), match="batch dims .* do not broadcast"),
        ErrorCase((m(1, 3, 2, 3), m(1, 2, 4, 3), m(1, 2, 4, 3)), {"enable_gqa": True}, match="must divide"),
        ErrorCase(("q", m(4, 3), m(4, 3)), exc=TypeError, match="argument 'query' must be Tensor"),
    ]


add(OpSpec("scaled_dot_product_attention", op=scaled_dot_product_attention, ref=_ref, torch_ref=_torch_sdpa,
           samples=_samples, dtypes=FLOATS + LOWP, errors=_errors))
