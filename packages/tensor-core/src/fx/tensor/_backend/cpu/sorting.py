"""CPU kernels: sort, topk, kthvalue, mode, unique, bincount, histograms, searchsorted, isin."""

from __future__ import annotations

import ml_dtypes
import numpy as np

from ._util import register

_BF16 = np.dtype(ml_dtypes.bfloat16)
_I64 = np.dtype(np.int64)
_F32 = np.dtype(np.float32)


def _key(a):
    """`a` in a dtype NumPy orders correctly (its sort/partition of bfloat16 is broken)."""
    return a.astype(_F32) if a.dtype == _BF16 else a


def _argsort(key, dim, descending):
    """Stable argsort along `dim`; NaN counts as the largest value (PyTorch)."""
    if not descending:
        return np.argsort(key, axis=dim, kind="stable")
    # Stable-sorting the reversed array and reversing back keeps ties in their original order.
    n = key.shape[dim]
    idx = np.flip(np.argsort(np.flip(key, dim), axis=dim, kind="stable"), dim)
    return np.subtract(n - 1, idx, dtype=_I64)


def _gather(a, idx, dim):
    return a[idx] if a.ndim == 1 else np.take_along_axis(a, idx, dim)


@register("sort")
def sort(x, dim, descending, stable):
    if x.ndim == 0:
        return x.copy(), np.zeros((), _I64)
    idx = _argsort(_key(x), dim, descending)
    return _gather(x, idx, dim), idx


def _take(a, start, stop, dim):
    sl = [slice(None)] * a.ndim
    sl[dim] = slice(start, stop)
    return a[tuple(sl)]


@register("topk")
def topk(x, k, dim, largest, sorted):
    if x.ndim == 0:
        return x.copy(), np.zeros((), _I64)
    n = x.shape[dim]
    key = _key(x)
    if k == 0 or x.size == 0:
        shape = list(x.shape)
        shape[dim] = k
        return np.empty(shape, x.dtype), np.empty(shape, _I64)
    if k < n and n > 64:
        kth = n - k if largest else k - 1
        part = np.argpartition(key, kth, axis=dim)
        idx = _take(part, n - k, n, dim) if largest else _take(part, 0, k, dim)
        if sorted:
            idx = _gather(idx, _argsort(_gather(key, idx, dim), dim, largest), dim)
    else:  # short rows: one sort is cheaper than a partition and a sort
        idx = _take(_argsort(key, dim, largest), 0, k, dim)
    return _gather(x, idx, dim), idx.astype(_I64, order="C", copy=False)


@register("kthvalue")
def kthvalue(x, k, dim, keepdim):
    if x.ndim == 0:
        return x.copy(), np.zeros((), _I64)
    if x.size == 0:
        shape = list(x.shape)
        shape[dim] = 1
        idx = np.zeros(shape, _I64)
    else:
        idx = _take(np.argpartition(_key(x), k - 1, axis=dim), k - 1, k, dim)
    values = np.take_along_axis(x, idx, dim)
    if not keepdim:
        values, idx = values.squeeze(dim), idx.squeeze(dim)
    return values, idx.astype(_I64, order="C", copy=False)


@register("mode")
def mode(x, dim, keepdim):
    if x.ndim == 0:
        return x.copy(), np.zeros((), _I64)
    moved = np.moveaxis(_key(x), dim, -1)
    n = moved.shape[-1]
    rows = moved.reshape(-1, n)
    perm = np.argsort(rows, axis=1, kind="stable")
    srt = np.take_along_axis(rows, perm, 1)
    # Run lengths of equal values (NaN never equals NaN), stored at each run's last position.
    starts = np.ones(srt.shape, bool)
    starts[:, 1:] = srt[:, 1:] != srt[:, :-1]
    pos = np.arange(n)
    run_start = np.maximum.accumulate(np.where(starts, pos, 0), axis=1)
    ends = np.ones(srt.shape, bool)
    ends[:, :-1] = starts[:, 1:]
    lengths = np.where(ends, pos - run_start + 1, 0)
    # argmax takes the first longest run: the smallest value; its last element is the last occurrence.
    best = np.argmax(lengths, axis=1)[:, None]
    idx = np.take_along_axis(perm, best, 1).reshape(moved.shape[:-1] + (1,))
    idx = np.moveaxis(idx, -1, dim)
    values = np.take_along_axis(x, idx, dim)
    if not keepdim:
        values, idx = values.squeeze(dim), idx.squeeze(dim)
    return values, idx.astype(_I64, order="C", copy=False)


def _group_starts(sorted_rows):
    """Mask of rows that differ from the previous one (NaN never equals NaN, -0 equals 0)."""
    n = sorted_rows.shape[0]
    mask = np.empty(n, bool)
    if n:
        mask[0] = True
        diff = sorted_rows[1:] != sorted_rows[:-1]
        mask[1:] = diff if diff.ndim == 1 else diff.any(axis=1)
    return mask


def _counts(mask):
    starts = np.flatnonzero(mask)
    return np.diff(starts, append=mask.shape[0]).astype(_I64, copy=False)


def _rows(x, dim):
    """`x` as a (size(dim), rest) matrix of the slices along `dim`."""
    rest = x.shape[:dim] + x.shape[dim + 1:]
    return np.moveaxis(x, dim, 0).reshape(x.shape[dim], int(np.prod(rest)))


@register("unique")
def unique(x, return_inverse, return_counts, dim):
    empty = np.empty(0, _I64)
    if dim is None and not return_inverse:
        # Without inverse indices a plain (faster, unstable) sort will do.
        srt = np.sort(_key(x).reshape(-1))
        mask = _group_starts(srt)
        return srt[mask].astype(x.dtype, copy=False), empty, _counts(mask) if return_counts else empty
    if dim is None:
        rows = _key(x).reshape(-1)
        perm = np.argsort(rows, kind="stable")
    else:
        rows = _rows(_key(x), dim)
        # lexsort's last key is the primary one: sort the slices lexicographically.
        perm = np.lexsort(rows.T[::-1]) if rows.shape[1] else np.arange(rows.shape[0])
    mask = _group_starts(rows[perm])
    first = perm[mask]
    values = x.reshape(-1)[first] if dim is None else np.take(x, first, axis=dim)
    inverse = counts = empty
    if return_inverse:
        inverse = np.empty(perm.shape[0], _I64)
        inverse[perm] = np.cumsum(mask) - 1
        if dim is None:
            inverse = inverse.reshape(x.shape)
    if return_counts:
        counts = _counts(mask)
    return values, inverse, counts


@register("unique_consecutive")
def unique_consecutive(x, return_inverse, return_counts, dim):
    empty = np.empty(0, _I64)
    rows = _key(x).reshape(-1) if dim is None else _rows(_key(x), dim)
    mask = _group_starts(rows)
    values = x.reshape(-1)[mask] if dim is None else np.compress(mask, x, axis=dim)
    inverse = counts = empty
    if return_inverse:
        inverse = np.cumsum(mask, dtype=_I64) - 1
        if dim is None:
            inverse = inverse.reshape(x.shape)
    if return_counts:
        counts = _counts(mask)
    return values, inverse, counts


@register("bincount")
def bincount(x, *weights, minlength):
    if x.size and x.min() < 0:
        raise ValueError("only supports 1-d non-negative integral inputs (got a negative value)")
    if not weights:
        return np.bincount(x, minlength=minlength).astype(_I64, copy=False)
    w = weights[0]
    return np.bincount(x, w.astype(np.float64, copy=False), minlength=minlength).astype(w.dtype, copy=False)


@register("histc")
def histc(x, bins, min, max):
    lo, hi = min, max
    if lo == hi and x.size:
        lo, hi = float(_key(x).min()), float(_key(x).max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"range of [{lo:g}, {hi:g}] is not finite")
    # PyTorch's arithmetic in the input dtype, so values near bin edges land in the same bin.
    dt = x.dtype.type
    left, right = dt(lo), dt(hi)
    v = x.reshape(-1)
    with np.errstate(invalid="ignore"):
        v = v[(v >= left) & (v <= right)]
    pos = ((v - left) * dt(bins) / (right - left)).astype(np.int64)
    np.minimum(pos, bins - 1, out=pos)
    return np.bincount(pos, minlength=bins).astype(x.dtype)


@register("histogram_bin_edges")
def histogram_bin_edges(x, bins, range):
    if range is not None:
        lo, hi = range
    elif x.size:
        lo, hi = float(_key(x).min()), float(_key(x).max())
    else:
        lo, hi = 0.0, 1.0
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"range [{lo:g}, {hi:g}] is not finite")
    if lo > hi:
        raise ValueError(f"min should not exceed max, but got min {lo:g} max {hi:g}")
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    # torch.linspace: steps from the start for the first half, from the end for the second.
    dt = x.dtype.type
    start, end = dt(lo), dt(hi)
    step = (end - start) / dt(bins)
    i = np.arange(bins + 1).astype(x.dtype)
    half = (bins + 1) // 2
    edges = np.empty(bins + 1, x.dtype)
    edges[:half] = start + step * i[:half]
    edges[half:] = end - step * (dt(bins) - i[half:])
    return edges


@register("histogram")
def histogram(x, edges, *weights, density):
    v = _key(x).reshape(-1)
    e = _key(edges)
    with np.errstate(invalid="ignore"):
        inside = (v >= e[0]) & (v <= e[-1])
    nbins = e.shape[0] - 1
    pos = np.searchsorted(e, v[inside], side="right") - 1
    np.minimum(pos, nbins - 1, out=pos)
    w = weights[0].reshape(-1)[inside].astype(np.float64) if weights else None
    hist = np.bincount(pos, w, minlength=nbins).astype(np.float64)
    if density:
        hist = hist / hist.sum() / np.diff(e.astype(np.float64))
    return hist.astype(x.dtype)


def _check_sorter(sorter, n):
    if sorter.size and (sorter.min() < 0 or sorter.max() >= n):
        raise ValueError("sorter index out of range")


def _batched_search(seq, values, sorter, right):
    """Binary search of each row of `values` in the same row of `seq`, all rows at once.

    PyTorch's comparisons: the left bound is the first i with not seq[i] < v, the right bound the
    first with not seq[i] <= v (a NaN value lands past the end). Every lane takes the same
    power-of-two steps, so the loop runs log2(n) times over all values; none runs over rows.
    """
    rows, n = seq.shape
    flat = seq.reshape(-1)
    base = np.arange(rows, dtype=_I64)[:, None] * n
    pos = np.repeat(base, values.shape[1], axis=1)
    end = pos + n
    cand = np.empty_like(pos)
    ok = np.empty(pos.shape, bool)
    stop = np.empty(pos.shape, bool)
    step = 1 << (n.bit_length() - 1) if n else 0
    while step:
        np.add(pos, step, out=cand)
        np.less_equal(cand, end, out=ok)
        np.minimum(cand, end, out=cand)
        cand -= 1
        if sorter is not None:
            cand = sorter.reshape(-1)[cand] + base
        with np.errstate(invalid="ignore"):
            (np.greater if right else np.greater_equal)(flat[cand], values, out=stop)
        np.greater(ok, stop, out=ok)  # ok and not stop: step forward
        np.add(pos, step, out=pos, where=ok)
        step >>= 1
    return pos - base


@register("searchsorted")
def searchsorted(seq, values, *sorter, right, out_int32):
    out_dtype = np.int32 if out_int32 else _I64
    n = seq.shape[-1]
    sorter = sorter[0] if sorter else None
    if sorter is not None:
        _check_sorter(sorter, n)
    if seq.ndim == 1:
        res = np.searchsorted(_key(seq), _key(values), side="right" if right else "left", sorter=sorter)
        return np.asarray(res, dtype=out_dtype)
    rows = seq.size // n if n else int(np.prod(seq.shape[:-1]))
    res = _batched_search(_key(seq).reshape(rows, n), _key(values).reshape(rows, values.shape[-1]),
                          None if sorter is None else sorter.reshape(rows, n), right)
    return res.reshape(values.shape).astype(out_dtype, copy=False)


@register("isin")
def isin(elements, test_elements, invert):
    # Binary search in the sorted test set; NaN finds no equal element, -0.0 finds 0.0.
    e = _key(elements)
    t = np.sort(_key(test_elements).reshape(-1))
    if not t.size:
        return np.full(e.shape, invert)
    pos = np.minimum(np.searchsorted(t, e), t.size - 1)
    found = t[pos] == e
    return ~found if invert else found
