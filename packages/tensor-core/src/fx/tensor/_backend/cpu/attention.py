"""CPU kernels of the attention primitives (fx/tensor/_ops/attention.py): the fused C kernels
(c_src/cpu/attention.c: one pass per query row, no L x S tensor, OpenMP) for float32/float64;
otherwise batched NumPy matmuls with an in-place softmax, float16/bfloat16 computing in float32.

The C kernels address every operand through per-batch-entry offsets and row strides, so the
head-split views multi-head attention passes (permuted slices of one projection) are read in place,
and the outputs take the layout of the matching input (out and gq like q, gk like k, gv like v):
attention's output permuted back to (N, L, H, E) is then contiguous, and its reshape is a view."""

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


# ---- the C kernels ------------------------------------------------------------------------------
_C_FLOATS = {np.dtype(np.float32): ("f32", "float *"), np.dtype(np.float64): ("f64", "double *")}


def _c_ready(q, k, v):
    """(suffix, pointer type, batch shape) when the C kernels take these operands, else None."""
    dt = q.dtype
    if not _c.AVAILABLE or dt not in _C_FLOATS or k.dtype != dt or v.dtype != dt:
        return None
    batch = q.shape[:-2] if q.shape[:-2] == k.shape[:-2] == v.shape[:-2] else \
        tuple(np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2]))
    if q.shape[-2] == 0 or k.shape[-2] == 0 or 0 in batch:
        return None
    return (*_C_FLOATS[dt], batch)


def _rows(a):
    """a with unit column stride and whole-element strides (copied when not)."""
    isz = a.itemsize
    if (a.shape[-1] > 1 and a.strides[-1] != isz) or any(st % isz for st in a.strides):
        return np.ascontiguousarray(a)
    return a


@lru_cache(maxsize=256)
def _grid(batch, strides):
    """Element offsets of the batch entries (in C order) of an array with these batch-dim strides."""
    grid = np.zeros(batch, np.int64)
    for d, (n, st) in enumerate(zip(batch, strides)):
        if st and n > 1:
            grid += (np.arange(n, dtype=np.int64) * st).reshape((n,) + (1,) * (len(batch) - d - 1))
    grid = grid.reshape(-1)
    grid.setflags(write=False)
    return grid


def _address(a, batch):
    """(element offsets of a's batch entries, a broadcast to `batch` + its last two dims (flattened),
    row stride, column stride); broadcast dims step by 0."""
    isz, pad = a.itemsize, len(batch) + 2 - a.ndim
    st = [0] * pad + [s // isz if n > 1 else 0 for n, s in zip(a.shape, a.strides)]
    return _grid(batch, tuple(st[:-2])), st[-2], st[-1]


def _like(a, shape, dt):
    """A fresh array of `shape` whose leading dims are laid out in the order of a's strides (the last
    dim contiguous)."""
    lead = len(shape) - 1
    if a.ndim != len(shape):
        return np.empty(shape, dt)
    order = sorted(range(lead), key=lambda d: -abs(a.strides[d]) if a.shape[d] > 1 else 0)
    if order == list(range(lead)):
        return np.empty(shape, dt)
    buf = np.empty([shape[d] for d in order] + [shape[-1]], dt)
    return buf.transpose([order.index(d) for d in range(lead)] + [lead])


def _ptr(ctype, a):
    return _c.ffi.NULL if a is None else _c.ffi.cast(ctype, a.ctypes.data)


def _masks(m, d, mask, batch, ctype):
    """C arguments for the masks: (bool mask, float mask, drop) pointers, their offsets and row
    strides, and their column strides; then the arrays, to be kept alive through the call."""
    bm = fm = None
    none = _grid(batch, (0,) * len(batch))
    offs, rows, cols = [none, none], [0, 0], [0, 0]
    if m is not None:
        m = m.view(np.uint8) if mask == "bool" else _rows(m)
        offs[0], rows[0], cols[0] = _address(m, batch)
        bm, fm = (m, None) if mask == "bool" else (None, m)
    if d is not None:
        offs[1], rows[1], cols[1] = _address(d, batch)
    ptrs = (_c.ffi.NULL if bm is None else _c.ffi.cast("unsigned char *", bm.ctypes.data), _ptr(ctype, fm),
            _ptr(ctype, d))
    return ptrs, offs, rows, cols, (bm, fm, d)


def _keep_inv(d, dropout):
    return 1.0 / (1.0 - dropout) if d is not None else 1.0


def _sdpa_c(sfx, ctype, batch, q, k, v, m, d, scale, causal, mask, dropout):
    L, E, S, Ev = q.shape[-2], q.shape[-1], k.shape[-2], v.shape[-1]
    q, k, v = _rows(q), _rows(k), _rows(v)
    (qo, qr, _), (ko, kr, _), (vo, vr, _) = _address(q, batch), _address(k, batch), _address(v, batch)
    (bm, fm, dr), moffs, mrows, mcols, keep = _masks(m, d, mask, batch, ctype)
    out = _like(q, batch + (L, Ev), q.dtype)
    oo, orow, _ = _address(out, batch)
    lse = np.empty(batch + (L,), q.dtype)
    off = np.concatenate([qo, ko, vo, moffs[0], moffs[1], oo])
    rs = np.array([qr, kr, vr, mrows[0], mrows[1], orow], np.int64)
    fn = getattr(_c.lib, "fx_sdpa_" + sfx)
    status = fn(_ptr(ctype, q), _ptr(ctype, k), _ptr(ctype, v), bm, fm, dr, _ptr(ctype, out), _ptr(ctype, lse),
                _ptr("int64_t *", off), _ptr("int64_t *", rs), mcols[0], mcols[1], qo.size, L, S, E, Ev, scale,
                bool(causal), _keep_inv(d, dropout))
    del keep
    if status:
        raise MemoryError
    return out, lse


def _sdpa_backward_c(sfx, ctype, batch, g, q, k, v, out, lse, m, d, scale, causal, mask, dropout, need):
    L, E, S, Ev = q.shape[-2], q.shape[-1], k.shape[-2], v.shape[-1]
    args = [_rows(a) for a in (g, q, k, v, out)]
    addr = [_address(a, batch) for a in args]
    (bm, fm, dr), moffs, mrows, mcols, keep = _masks(m, d, mask, batch, ctype)
    grads = [_like(args[1], batch + (L, E), q.dtype) if need[0] else None,
             _like(args[2], batch + (S, E), q.dtype) if need[1] else None,
             _like(args[3], batch + (S, Ev), q.dtype) if need[2] else None,
             np.empty(batch + (L, S), q.dtype) if need[3] else None]
    gaddr = [(addr[0][0], 0, 0) if t is None else _address(t, batch) for t in grads]
    off = np.concatenate([a[0] for a in addr] + moffs + [a[0] for a in gaddr])
    rs = np.array([a[1] for a in addr] + mrows + [a[1] for a in gaddr], np.int64)
    lse = np.ascontiguousarray(lse)
    fn = getattr(_c.lib, "fx_sdpa_backward_" + sfx)
    status = fn(*(_ptr(ctype, a) for a in args), _ptr(ctype, lse), bm, fm, dr, *(_ptr(ctype, t) for t in grads),
                _ptr("int64_t *", off), _ptr("int64_t *", rs), mcols[0], mcols[1], addr[0][0].size, L, S, E, Ev,
                scale, bool(causal), _keep_inv(d, dropout))
    del keep
    if status:
        raise MemoryError
    return tuple(_zero_size(q) if t is None else t for t in grads)


# ---- NumPy -----------------------------------------------------------------------------------------
@register("sdpa")
def sdpa(q, k, v, *extra, scale, causal, mask, dropout):
    c = _c_ready(q, k, v)
    if c is not None:
        return _sdpa_c(*c, q, k, v, *_split(extra, mask, dropout), scale, causal, mask, dropout)
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
    c = _c_ready(q, k, v)
    if c is not None and g.dtype == q.dtype:
        return _sdpa_backward_c(*c, g, q, k, v, out, lse, *_split(extra, mask, dropout), scale, causal, mask, dropout,
                                need)
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
