"""CPU kernels of the attention primitives (fx/tensor/_ops/attention.py): batched NumPy matmuls
(OpenBLAS), an in-place softmax with the row max/sum from the C reductions (NumPy without the C
library); float16/bfloat16 compute in float32."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..._ops import attention as _prims  # noqa: F401  (defines the primitives)
from . import _c
from ._util import LOW_PRECISION, f32, register

_INF = np.inf


@lru_cache(maxsize=32)
def _above_diagonal(L, S):
    """The causal mask's hidden positions: key j > query i (top-left aligned)."""
    tri = np.triu(np.ones((L, S), bool), 1)
    tri.setflags(write=False)
    return tri


def _row_max(s):
    m = _c.amax_lastdim(s)
    return s.max(-1) if m is None else m


def _row_sum(s):
    t = _c.sum_lastdim(s)
    return s.sum(-1) if t is None else t.astype(s.dtype, copy=False)


def _split(extra, mask, dropout):
    return (extra[0] if mask else None), (extra[-1] if dropout else None)


def _upcast(arrays):
    return [a.astype(f32) if a is not None and a.dtype in LOW_PRECISION else a for a in arrays]


def _scores(q, k, m, scale, causal, mask):
    """q k^T * scale with the mask applied (a fresh array the callers overwrite)."""
    s = np.matmul(q * q.dtype.type(scale), np.swapaxes(k, -1, -2))
    if m is not None:
        if mask == "float":
            s += m
        else:
            np.copyto(s, -_INF, where=np.logical_not(m))
    if causal:
        np.copyto(s, -_INF, where=_above_diagonal(*s.shape[-2:]))
    return s


@register("sdpa")
def sdpa(q, k, v, *extra, scale, causal, mask, dropout):
    dt = q.dtype
    q, k, v, m, d = _upcast([q, k, v, *_split(extra, mask, dropout)])
    s = _scores(q, k, m, scale, causal, mask)
    if s.shape[-1] == 0:  # no keys: the output is 0 and every query sees nothing
        out = np.zeros(np.broadcast_shapes(s.shape[:-1] + (1,), v.shape[:-2] + (1, v.shape[-1])), q.dtype)
        lse = np.full(s.shape[:-1], _INF, q.dtype)
    else:
        mx = _row_max(s)
        np.copyto(mx, 0.0, where=np.isneginf(mx))  # a query that sees no key: exp(-inf - 0) = 0
        s -= mx[..., None]
        np.exp(s, out=s)
        total = _row_sum(s)
        with np.errstate(divide="ignore"):
            lse = np.log(total)
            inv = 1.0 / total  # a query that sees no key: inf, its row of s is 0 and stays 0
        lse += mx
        np.copyto(lse, _INF, where=total == 0)  # backward's exp(scores - lse) is then 0 on that row
        np.copyto(inv, 0.0, where=total == 0)
        if d is not None:
            inv *= 1.0 / (1.0 - dropout)
            s *= d
        s *= inv[..., None]
        out = np.matmul(s, v)
    return (out.astype(dt) if out.dtype != dt else out), lse


def _zero_size(a):
    return np.empty(0, a.dtype)


@register("sdpa_backward")
def sdpa_backward(g, q, k, v, out, lse, *extra, scale, causal, mask, dropout, need):
    dts = [a.dtype for a in (q, k, v)]
    g, q, k, v, out, m, d = _upcast([g, q, k, v, out, *_split(extra, mask, dropout)])
    p = _scores(q, k, m, scale, causal, mask)
    p -= lse[..., None]
    np.exp(p, out=p)
    gv = gq = gk = gm = None
    keep = 1.0 / (1.0 - dropout)  # folded into the small results: ds = keep * p * (dp_kept - D / keep)
    if need[2]:
        gv = np.matmul(np.swapaxes(p if d is None else p * d, -1, -2), g)
        if d is not None:
            gv *= gv.dtype.type(keep)
    if need[0] or need[1] or need[3]:
        ds = np.matmul(g, np.swapaxes(v, -1, -2))
        if d is not None:
            ds *= d
        ds -= np.einsum("...i,...i->...", g, out)[..., None] / keep  # D = rowsum(g * out) = rowsum(dp * p)
        ds *= p
        if need[0]:
            gq = np.matmul(ds, k)
            gq *= gq.dtype.type(scale * keep)
        if need[1]:
            gk = np.matmul(np.swapaxes(ds, -1, -2), q)
            gk *= gk.dtype.type(scale * keep)
        if need[3]:
            gm = ds
            if d is not None:
                gm *= gm.dtype.type(keep)
    res = []
    for grad, dt in zip((gq, gk, gv, gm), dts + [dts[0]]):
        res.append(_zero_size(q) if grad is None else grad.astype(dt) if grad.dtype != dt else grad)
    return tuple(res)
