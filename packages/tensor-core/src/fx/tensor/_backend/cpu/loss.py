"""CPU kernels of the loss primitives: cross entropy in C (c_src/cpu/loss.c), NLL and CTC in NumPy.

See fx/tensor/_ops/loss.py for the primitives' meaning.
"""

from __future__ import annotations

import numpy as np

from ..._ops import loss as _prims  # noqa: F401  (defines the primitives)
from ._nnc import floats, fn, ptr
from ._util import register


def _row_weights(t, w, ignore_index, dtype):
    """Weight of each row's target (0 for ignored rows) and the mask of counted rows."""
    valid = t != ignore_index
    if w is None:
        return valid.astype(dtype), valid
    return np.where(valid, w[np.where(valid, t, 0)], 0).astype(dtype), valid


def _total_weight(t, w, ignore_index):
    """The "mean" denominator: summed target weight of the rows not ignored."""
    valid = t != ignore_index
    if w is None:
        return float(np.count_nonzero(valid))
    return float(w[t[valid]].sum(dtype=np.float64))


def _reduce(rows, t, w, ignore_index, reduction):
    if reduction == "none":
        return rows
    total = np.add.reduce(rows, dtype=np.float64)
    if reduction == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):  # nothing counted: nan (or inf), like PyTorch
            total = total / np.float64(_total_weight(t, w, ignore_index))
    return np.asarray(total, rows.dtype)


def _scale(g, t, w, ignore_index, reduction, dtype):
    """Upstream gradient per row: g itself ("none"), g ("sum") or g / weight total ("mean")."""
    if reduction == "none":
        return np.ascontiguousarray(g, dtype)
    s = np.float64(g)
    if reduction == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):
            s = s / np.float64(_total_weight(t, w, ignore_index))
    return np.full(t.shape[0], s, dtype)


def _bad_target(t, i):
    raise IndexError(f"Target {int(t[i])} is out of bounds.")


@register("cross_entropy")
def cross_entropy(x, t, *w, ignore_index, label_smoothing, reduction, weight):
    def body(x, t, w):
        n, c = x.shape
        loss = np.empty(n, x.dtype)
        lse = np.empty(n, x.dtype)
        bad = fn("fx_cross_entropy", x.dtype)(ptr(x), ptr(t), ptr(w), ptr(loss), ptr(lse), n, c, ignore_index,
                                              label_smoothing)
        if bad >= 0:
            _bad_target(t, bad)
        return _reduce(loss, t, w, ignore_index, reduction), lse

    return floats(body, x.dtype, x, t, w[0] if w else None, keep=(1,))


@register("cross_entropy_backward")
def cross_entropy_backward(g, x, t, lse, *w, ignore_index, label_smoothing, reduction, weight):
    def body(g, x, t, lse, w):
        n, c = x.shape
        scale = _scale(g, t, w, ignore_index, reduction, x.dtype)
        gx = np.empty_like(x)
        fn("fx_cross_entropy_backward", x.dtype)(ptr(x), ptr(t), ptr(w), ptr(lse), ptr(scale), ptr(gx), n, c,
                                                 ignore_index, label_smoothing)
        return gx

    return floats(body, x.dtype, g, x, t, lse, w[0] if w else None)


def _nll_rows(t, w, ignore_index, c, dtype):
    """(row index, clamped target, row weight) after checking the targets' range."""
    wt, valid = _row_weights(t, None, ignore_index, dtype)
    tt = np.where(valid, t, 0)
    bad = np.flatnonzero(valid & ((t < 0) | (t >= c)))
    if bad.size:
        _bad_target(t, bad[0])
    if w is not None:
        wt = np.where(valid, w[tt], 0).astype(dtype)
    return np.arange(t.shape[0]), tt, wt


@register("nll_loss")
def nll_loss(x, t, *w, ignore_index, reduction, weight):
    w = w[0] if w else None
    rows, tt, wt = _nll_rows(t, w, ignore_index, x.shape[1], x.dtype)
    return _reduce(-(x[rows, tt] * wt), t, w, ignore_index, reduction)


@register("nll_loss_backward")
def nll_loss_backward(g, t, *w, ignore_index, reduction, weight, num_classes):
    w = w[0] if w else None
    rows, tt, wt = _nll_rows(t, w, ignore_index, num_classes, g.dtype)
    gx = np.zeros((t.shape[0], num_classes), g.dtype)
    gx[rows, tt] = -(_scale(g, t, w, ignore_index, reduction, g.dtype) * wt)
    return gx


# ---- CTC: alpha / beta recursions in log space, vectorized over the batch ------------------------
def _extended(targets, target_lengths, blank, concat):
    """Padded targets (n, S) and the blank-interleaved labels (n, 2S+1)."""
    if concat:
        n = target_lengths.shape[0]
        s = int(target_lengths.max()) if n else 0
        ends = np.cumsum(target_lengths)
        padded = np.full((n, s), blank, np.int64)
        for i in range(n):
            padded[i, :target_lengths[i]] = targets[ends[i] - target_lengths[i]:ends[i]]
        targets = padded
    n, s = targets.shape
    ext = np.full((n, 2 * s + 1), blank, np.int64)
    ext[:, 1::2] = targets
    # a skip from s-2 to s is allowed onto a label that differs from the label two back
    skip = np.zeros(ext.shape, bool)
    skip[:, 3::2] = targets[:, 1:] != targets[:, :-1]
    skip[:, 1] = False
    return ext, skip


def _lse3(a, b, c):
    m = np.maximum(np.maximum(a, b), c)
    mf = np.where(np.isfinite(m), m, 0)
    return mf + np.log(np.exp(a - mf) + np.exp(b - mf) + np.exp(c - mf))


def _shift(a, k):
    out = np.full_like(a, -np.inf)
    out[:, k:] = a[:, :a.shape[1] - k]
    return out


def _emissions(lp, ext):
    """log_probs at each extended label: (T, n, L)."""
    return np.take_along_axis(lp, np.broadcast_to(ext, (lp.shape[0],) + ext.shape), axis=2)


def _nll(alpha, span, input_lengths, target_lengths):
    """-log p of each sequence from the alphas at its last frame (ending on the last label or blank)."""
    n = span.shape[0]
    end = alpha[np.clip(input_lengths - 1, 0, None), np.arange(n)]  # (n, L)
    tail = np.take_along_axis(end, (span - 1)[:, None], 1)[:, 0]
    prev = np.take_along_axis(end, np.clip(span - 2, 0, None)[:, None], 1)[:, 0]
    nll = -np.logaddexp(tail, np.where(span > 1, prev, -np.inf))
    return np.where(input_lengths > 0, nll, np.where(target_lengths == 0, 0.0, np.inf))


@register("ctc_loss")
@np.errstate(divide="ignore", invalid="ignore")  # log(0) = -inf is the recursions' "no path"
def ctc_loss(lp, targets, input_lengths, target_lengths, *, blank, zero_infinity, concat):
    dtype = lp.dtype
    lp = lp.astype(np.float64)
    t_max = lp.shape[0]
    ext, skip = _extended(targets, target_lengths, blank, concat)
    span = 2 * target_lengths + 1
    emit = _emissions(lp, ext)
    alpha = np.full(emit.shape, -np.inf)
    if t_max:
        alpha[0, :, 0] = emit[0, :, 0]
        if ext.shape[1] > 1:
            alpha[0, :, 1] = np.where(span > 1, emit[0, :, 1], -np.inf)
    for t in range(1, t_max):
        a = alpha[t - 1]
        alpha[t] = _lse3(a, _shift(a, 1), np.where(skip, _shift(a, 2), -np.inf)) + emit[t]
    alpha = np.where(np.arange(ext.shape[1]) < span[:, None], alpha, -np.inf)
    nll = _nll(alpha, span, input_lengths, target_lengths)
    if zero_infinity:
        nll = np.where(np.isinf(nll), 0.0, nll)
    return nll.astype(dtype), alpha


@register("ctc_loss_backward")
@np.errstate(divide="ignore", invalid="ignore")
def ctc_loss_backward(g, lp, targets, input_lengths, target_lengths, nll, alpha, *, blank, zero_infinity, concat):
    dtype = lp.dtype
    lp = lp.astype(np.float64)
    t_max, n, c = lp.shape
    ext, skip = _extended(targets, target_lengths, blank, concat)
    span = 2 * target_lengths + 1
    pos = np.arange(ext.shape[1])
    emit = _emissions(lp, ext)
    skip_back = np.zeros(skip.shape, bool)  # s may reach s + 2 iff the forward may skip onto s + 2
    skip_back[:, :-2] = skip[:, 2:]
    start = np.where((pos == (span - 1)[:, None]) | (pos == (span - 2)[:, None]), 0.0, -np.inf)
    beta = np.full(emit.shape, -np.inf)
    nxt = np.full(emit.shape[1:], -np.inf)
    for t in range(t_max - 1, -1, -1):
        if t + 1 < t_max:
            b = beta[t + 1]
            nxt = _lse3(b, _shift_left(b, 1), np.where(skip_back, _shift_left(b, 2), -np.inf))
        nxt = np.where((t == input_lengths - 1)[:, None], start, nxt)
        nxt = np.where((t >= input_lengths)[:, None], -np.inf, nxt)
        beta[t] = np.where(pos < span[:, None], nxt + emit[t], -np.inf)
    ab = alpha + beta  # log of the paths through (t, s), emit[t, s] counted twice
    m = ab.max(axis=2, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(ab - m)
    acc = np.zeros((t_max, n, c))
    rows = np.arange(n)
    for s in range(ext.shape[1]):
        acc[:, rows, ext[:, s]] += e[:, :, s]
    lcab = np.log(acc) + m
    raw = _nll(alpha, span, input_lengths, target_lengths)
    grad = -np.exp(lcab + raw[None, :, None] - lp)
    if zero_infinity:
        grad = np.where(np.isinf(raw)[None, :, None], 0.0, grad)
    grad = np.where(np.arange(t_max)[:, None, None] < input_lengths[None, :, None], grad, 0.0)
    return (grad * g.astype(np.float64)[None, :, None]).astype(dtype)


def _shift_left(a, k):
    out = np.full_like(a, -np.inf)
    out[:, :a.shape[1] - k] = a[:, k:]
    return out
