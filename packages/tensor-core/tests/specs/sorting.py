"""Specs: sort, argsort, msort, topk, kthvalue, mode, unique, unique_consecutive, bincount, histc, histogram,
searchsorted, bucketize, isin.

Where PyTorch leaves the order of tied indices open (unstable sort, topk, kthvalue) the spec's op
checks the indices against the input (gathering them must give the values) and compares the values.
"""

import itertools

import numpy as np

import fx.tensor as ft
from opspec import ALL, FLOATS, INTS, LOWP, ErrorCase, OpSpec, Sample, add, make

NUMERIC = INTS + LOWP + FLOATS
NAN = float("nan")


def _t(shape, dtype, low=-3, high=3, noncontig=False, seed=None):
    return make(shape, dtype, low, high, noncontig=noncontig, seed=seed)


def _transposed(shape, dtype, low=-3, high=3):
    """A transposed (non-contiguous) view, built in NumPy so it needs no fx view op."""
    return ft.from_numpy(np.array(_t(shape, dtype, low, high).numpy()).T)


def _ties(shape, dtype):
    """Integer-valued data of any dtype: many equal elements."""
    vals = np.random.default_rng(3).integers(0, 3, shape)
    return ft.from_numpy(vals.astype(dtype.np))


def _special(dtype):
    return ft.tensor([3.0, NAN, 1.0, -0.0, float("inf"), 0.0, NAN, -float("inf"), 3.0], dtype=dtype)


def _f64(a):
    return np.asarray(a).astype(np.float64)


# ---- NumPy references ------------------------------------------------------------------------
def np_sort(x, dim=-1, descending=False, stable=False, out=None):
    """Stable sort with NaN largest, by lexsort on (NaN flag, value, position)."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    k = np.moveaxis(_f64(x), dim, -1)
    nan = np.isnan(k)
    k = np.where(nan, 0, k)
    pos = np.broadcast_to(np.arange(k.shape[-1]), k.shape)
    idx = np.lexsort((pos, -k, ~nan) if descending else (pos, k, nan), axis=-1)
    idx = np.moveaxis(idx, -1, dim)
    return np.take_along_axis(x, idx, dim), idx.astype(np.int64)


def np_topk(x, k, dim=-1, largest=True, sorted=True, out=None):
    if x.ndim == 0:
        return x, np.zeros((), np.int64)
    v, i = np_sort(x, dim, descending=largest)
    return np.take(v, np.arange(k), axis=dim), np.take(i, np.arange(k), axis=dim)


def np_kthvalue(x, k, dim=-1, keepdim=False, out=None):
    if x.ndim == 0:
        return x, np.zeros((), np.int64)
    v, i = (np.take(a, [k - 1], axis=dim) for a in np_sort(x, dim))
    return (v, i) if keepdim else (v.squeeze(dim), i.squeeze(dim))


def np_unique(x, sorted=True, return_inverse=False, return_counts=False, dim=None):
    kw = {} if dim is None else {"axis": dim}
    key = x.astype(np.float32) if x.dtype.name == "bfloat16" else x
    res = np.unique(key, return_inverse=True, return_counts=True, equal_nan=False, **kw)
    values = res[0].astype(x.dtype)
    inverse = res[1].reshape(x.shape) if dim is None else res[1].reshape(-1)
    outs = [values] + ([inverse] if return_inverse else []) + ([res[2]] if return_counts else [])
    return tuple(outs) if len(outs) > 1 else values


def np_unique_consecutive(x, return_inverse=False, return_counts=False, dim=None):
    items = list(x.reshape(-1)) if dim is None else [tuple(s.reshape(-1).tolist()) for s in np.moveaxis(x, dim, 0)]
    groups = [len(list(g)) for _, g in itertools.groupby(items)]
    firsts = np.cumsum([0] + groups)[:-1].astype(np.int64)
    values = x.reshape(-1)[firsts] if dim is None else np.take(x, firsts, axis=dim)
    inverse = np.repeat(np.arange(len(groups)), groups).astype(np.int64)
    if dim is None:
        inverse = inverse.reshape(x.shape)
    outs = [values] + ([inverse] if return_inverse else []) + ([np.array(groups, np.int64)] if return_counts else [])
    return tuple(outs) if len(outs) > 1 else values


def np_bincount(x, weights=None, minlength=0):
    out = np.bincount(x, None if weights is None else _f64(weights), minlength=minlength)
    if weights is None:
        return out.astype(np.int64)
    return out.astype(np.float32 if weights.dtype == np.float32 else np.float64)


def np_histc(x, bins=100, min=0, max=0, out=None):
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(_f64(x).min()), float(_f64(x).max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    v = _f64(x).reshape(-1)
    return np.histogram(v[(v >= lo) & (v <= hi)], bins, (lo, hi))[0].astype(x.dtype)


def np_histogram(x, bins, range=None, weight=None, density=False):
    h, e = np.histogram(_f64(x).reshape(-1), bins if np.ndim(bins) == 0 else _f64(bins), range,
                        weights=None if weight is None else _f64(weight).reshape(-1), density=density)
    return h.astype(x.dtype), e.astype(x.dtype)


def np_searchsorted(seq, values, out_int32=False, right=False, side=None, sorter=None, out=None):
    side = side or ("right" if right else "left")
    seq, values = _f64(seq), _f64(values)
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter, -1)
    if seq.ndim == 1:
        out = np.searchsorted(seq, values, side=side)
    else:
        rows = int(np.prod(seq.shape[:-1]))
        s2, v2 = seq.reshape(rows, seq.shape[-1]), values.reshape(rows, values.shape[-1])
        out = np.stack([np.searchsorted(a, b, side=side) for a, b in zip(s2, v2)]).reshape(values.shape)
    return np.asarray(out).astype(np.int32 if out_int32 else np.int64)


# ---- index checks for ops whose tied indices are unspecified -----------------------------------
def _check_indices(x, values, indices, dim, distinct=False):
    xv, v, i = x.numpy(force=True), values.numpy(force=True), indices.numpy(force=True)
    assert i.dtype == np.int64, f"indices dtype {i.dtype}"
    assert i.shape == v.shape, f"indices shape {i.shape} != values shape {v.shape}"
    if xv.ndim == 0:
        assert i.shape == () and i == 0
        return
    if i.ndim < xv.ndim:
        i, v = np.expand_dims(i, dim), np.expand_dims(v, dim)
    np.testing.assert_array_equal(_f64(np.take_along_axis(xv, i, dim)), _f64(v), err_msg="gather(indices) != values")
    if distinct and i.shape[dim] > 1:
        assert (np.diff(np.sort(i, axis=dim), axis=dim) != 0).all(), "repeated indices"


def _checked(fn, distinct=False, sort_values=False):
    """`fn` returning (values, indices): check the indices, return the values only."""

    def op(x, *args, **kwargs):
        values, indices = fn(x, *args, **kwargs)
        dim = kwargs.get("dim", -1)
        _check_indices(x, values, indices, dim, distinct)
        return ft.sort(values, dim=dim).values if sort_values and values.ndim else values

    return op


def _values(name, sort_values=False):
    def ref(*args, **kwargs):
        import torch

        values = getattr(torch, name)(*args, **kwargs).values
        return torch.sort(values, dim=kwargs.get("dim", -1)).values if sort_values and values.ndim else values

    return ref


# ---- samples ---------------------------------------------------------------------------------
def _shapes(dtype, **kw):
    """(tensor, kwargs, name) triples over the standard layouts plus ties and special values."""
    out = [
        (_t((3, 4), dtype), {}, "2d"), (_t((3, 4), dtype), {"dim": 0}, "dim0"),
        (_t((5, 6), dtype, noncontig=True), {}, "noncontig"), (_transposed((3, 5), dtype), {"dim": 0}, "transposed"),
        (_t((2, 3, 4), dtype), {"dim": 1}, "3d"), (_t((), dtype), {}, "0d"), (_t((0, 3), dtype), {"dim": 1}, "empty"),
        (_ties((4, 6), dtype), {}, "ties"), (_ties((4, 6), dtype), {"dim": -2}, "ties dim"),
    ]
    if dtype.is_floating_point:
        out.append((_special(dtype), {}, "nan/inf"))
    return out


def _sort_samples(stable, with_out=True):
    def gen(dtype):
        out = []
        for x, kw, name in _shapes(dtype):
            for desc in (False, True):
                extra = {"stable": True} if stable else {}
                out.append(Sample((x,), {**kw, "descending": desc, **extra}, name=f"{name} desc={desc}"))
        out += [] if not with_out else [Sample((_t((3, 4), dtype),), {"stable": True, "out": (ft.empty(0, dtype=dtype), ft.empty(0, dtype=ft.int64))},
                                                  name="out")]
        return out

    return gen


def _sort_errors():
    x = _t((2, 3), ft.float32)
    return [ErrorCase((x,), {"dim": 2}, exc=IndexError, match="Dimension out of range"),
            ErrorCase(([3, 1],), exc=TypeError, match="must be Tensor"),
            ErrorCase((x,), {"dim": 0.5}, exc=TypeError, match="'dim' must be int"),
            ErrorCase((x,), {"descending": "yes"}, exc=TypeError, match="'descending' must be bool")]


add(OpSpec("sort", ref=np_sort, samples=_sort_samples(True), dtypes=ALL, errors=_sort_errors, method="sort"),
    OpSpec("sort", op=_checked(ft.sort), ref=lambda x, **kw: np_sort(x, **kw)[0], torch_ref=_values("sort"),
           samples=_sort_samples(False), dtypes=ALL))
def _argsort_checked(x, **kw):
    """argsort's indices must gather the sorted values; returns those values."""
    values = ft.sort(x, **kw).values
    _check_indices(x, values, ft.argsort(x, **kw), kw.get("dim", -1))
    return values


add(OpSpec("argsort", ref=lambda x, **kw: np_sort(x, **kw)[1], samples=_sort_samples(True, False), dtypes=ALL,
           differentiable=False, errors=_sort_errors, method="argsort"),
    OpSpec("argsort", op=_argsort_checked, ref=lambda x, **kw: np_sort(x, **kw)[0], torch_ref=lambda x, **kw: __import__("torch").sort(x, **kw).values,
           samples=_sort_samples(False, False), dtypes=ALL, differentiable=False))


def _msort_samples(dtype):
    return [Sample((x,), name=name) for x, kw, name in _shapes(dtype)] + [
        Sample((_t((3, 4), dtype),), {"out": ft.empty(0, dtype=dtype)}, name="out")]


add(OpSpec("msort", ref=lambda x, out=None: np_sort(x, 0)[0], samples=_msort_samples, dtypes=ALL, method="msort",
           errors=lambda: [ErrorCase(("x",), exc=TypeError, match="must be Tensor"),
                           ErrorCase(([1, 2],), exc=TypeError, match="must be Tensor"),
                           ErrorCase((_t((3,), ft.float32),), {"out": _t((3,), ft.int64)}, exc=RuntimeError,
                                     match="can't be cast")]))


def _topk_samples(dtype):
    out = []
    for x, kw, name in _shapes(dtype):
        n = x.shape[kw.get("dim", -1)] if x.ndim else 1
        for k in sorted({0, 1, n // 2, n}):
            for largest in (True, False):
                out.append(Sample((x, k), {**kw, "largest": largest}, name=f"{name} k={k} largest={largest}"))
        if n > 1:
            out.append(Sample((x, n - 1), {**kw, "sorted": False}, name=f"{name} unsorted"))
    out.append(Sample((_t((3, 4), dtype), 2), {"out": (ft.empty(0, dtype=dtype), ft.empty(0, dtype=ft.int64))},
                      name="out"))
    for x, name in ((_t((3, 100), dtype), "long rows"), (_ties((3, 100), dtype), "long rows ties")):
        for kw in ({}, {"largest": False}, {"sorted": False}, {"dim": 0}):
            out.append(Sample((x, 7 if "dim" not in kw else 2), kw, name=f"{name} {kw}"))
    out.append(Sample((_transposed((100, 3), dtype), 5), {"dim": 1}, name="long transposed"))
    return out


def _topk_errors():
    x = _t((2, 5), ft.float32)
    return [ErrorCase((x, 6), exc=RuntimeError, match="selected index k out of range"),
            ErrorCase((x, -1), exc=RuntimeError, match="selected index k out of range"),
            ErrorCase((x, 2), {"dim": 2}, exc=IndexError, match="Dimension out of range"),
            ErrorCase((x, 1.5), exc=TypeError, match="'k' must be int"),
            ErrorCase((_t((3,), ft.bool), 1), exc=RuntimeError, match="bool"),
            ErrorCase((x, 2), {"out": (_t((2, 2), ft.float32), _t((2, 2), ft.float32))}, exc=RuntimeError,
                      match="long")]


def _no_ties(dtype):
    return [s for s in _topk_samples(dtype) if "ties" not in s.name and "nan" not in s.name
            and s.kwargs.get("sorted", True)]


# Full (values, indices) comparison where indices are unique: float data without ties.
add(OpSpec("topk", ref=np_topk, samples=_no_ties, dtypes=FLOATS, errors=_topk_errors, method="topk"),
    OpSpec("topk", op=_checked(ft.topk, distinct=True, sort_values=True), torch_ref=_values("topk", True),
           ref=lambda x, k, **kw: np_sort(np_topk(x, k, **kw)[0], kw.get("dim", -1))[0], samples=_topk_samples,
           dtypes=NUMERIC))


def _kth_samples(dtype):
    out = []
    for x, kw, name in _shapes(dtype):
        n = x.shape[kw.get("dim", -1)] if x.ndim else 1
        if n == 0:
            continue
        for k in sorted({1, (n + 1) // 2, n}):
            out.append(Sample((x, k), {**kw, "keepdim": k == 1}, name=f"{name} k={k}"))
    out.append(Sample((_t((0, 3), dtype), 2), {"dim": 1}, name="empty rows"))
    out.append(Sample((_t((3, 4), dtype), 2), {"out": (ft.empty(0, dtype=dtype), ft.empty(0, dtype=ft.int64))},
                      name="out"))
    return out


add(OpSpec("kthvalue", samples=lambda dt: [s for s in _kth_samples(dt) if "ties" not in s.name and "nan" not in s.name],
           ref=np_kthvalue, dtypes=FLOATS, method="kthvalue",
           errors=lambda: [ErrorCase((_t((2, 5), ft.float32), 6), exc=RuntimeError, match="selected number k out of range"),
                           ErrorCase((_t((2, 5), ft.float32), 0), exc=RuntimeError, match="k out of range"),
                           ErrorCase((_t((0, 5), ft.float32), 1), {"dim": 0}, exc=IndexError, match="non-zero size"),
                           ErrorCase((_t((2, 5), ft.float32), 1), {"dim": -3}, exc=IndexError, match="out of range"),
                           ErrorCase((_t((2, 5), ft.float32), 1.0), exc=TypeError, match="'k' must be int"),
                           ErrorCase((_t((5,), ft.bool), 1), exc=NotImplementedError, match="Bool")]),
    OpSpec("kthvalue", op=_checked(ft.kthvalue), torch_ref=_values("kthvalue"),
           ref=lambda *a, **kw: np_kthvalue(*a, **kw)[0],
           samples=_kth_samples, dtypes=NUMERIC))


def np_mode(x, dim=-1, keepdim=False, out=None):
    """Most frequent value (smallest on ties), index of its last occurrence; NaNs all distinct."""
    if x.ndim == 0:
        return x, np.zeros((), np.int64)
    moved = np.moveaxis(x, dim, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    vals, idxs = [], []
    for row in flat:
        f = _f64(row)
        counts = [(-int(np.sum(f == v)), v) for v in f if not np.isnan(v)] or [(-1, np.nan)]
        best = min(counts)[1]
        pos = np.flatnonzero(np.isnan(f)) if np.isnan(best) else np.flatnonzero(f == best)
        idxs.append(pos[-1] if not np.isnan(best) else pos[0])
        vals.append(row[idxs[-1]])
    shape = moved.shape[:-1]
    v, i = np.array(vals, x.dtype).reshape(shape), np.array(idxs, np.int64).reshape(shape)
    return (np.expand_dims(v, dim), np.expand_dims(i, dim)) if keepdim else (v, i)


def _mode_samples(dtype):
    # PyTorch's mode sorts with a comparison that NaN breaks: no NaN samples.
    out = [Sample((x,), {**kw, "keepdim": i % 2 == 1}, name=name) for i, (x, kw, name) in enumerate(_shapes(dtype))
           if not (x.ndim and x.shape[kw.get("dim", -1)] == 0) and "nan" not in name]
    out.append(Sample((_t((0, 3), dtype),), {"dim": 1}, name="empty rows"))
    out.append(Sample((_ties((3, 4), dtype),), {"out": (ft.empty(0, dtype=dtype), ft.empty(0, dtype=ft.int64))},
                      name="out"))
    return out


add(OpSpec("mode", ref=np_mode, samples=_mode_samples, dtypes=ALL, method="mode",
           errors=lambda: [ErrorCase((_t((0, 5), ft.float32),), {"dim": 0}, exc=IndexError, match="non-zero size"),
                           ErrorCase((_t((2, 5), ft.float32),), {"dim": 2}, exc=IndexError, match="out of range"),
                           ErrorCase((_t((2, 5), ft.float32),), {"keepdim": 1.5}, exc=TypeError, match="must be bool"),
                           ErrorCase(([1, 2],), exc=TypeError, match="must be Tensor")]))


def _unique_samples(dtype):
    out = []
    for x, kw, name in _shapes(dtype):
        dim = kw.get("dim")
        for inv, cnt in ((False, False), (True, False), (False, True), (True, True)):
            out.append(Sample((x,), {"return_inverse": inv, "return_counts": cnt}, name=f"{name} {inv} {cnt}"))
        # PyTorch's slice comparison is not a strict order with NaN: no NaN with dim.
        if x.ndim and not (x.numel() == 0 and x.shape[dim or 0]) and "nan" not in name:
            out.append(Sample((x,), {"return_inverse": True, "return_counts": True, "dim": dim or 0},
                              name=f"{name} dim"))
    ties = _ties((5, 3), dtype)
    out += [Sample((ties,), {"dim": 0, "return_inverse": True, "return_counts": True}, name="ties rows"),
            Sample((ties,), {"dim": 1, "return_counts": True}, name="ties cols"),
            Sample((_t((2, 0), dtype),), {"dim": 1, "return_inverse": True}, name="empty dim")]
    return out


def _unique_errors(name):
    def gen():
        return [ErrorCase((_t((2, 3), ft.float32),), {"dim": 2}, exc=IndexError, match="out of range"),
                ErrorCase((_t((), ft.float32),), {"dim": 0}, exc=IndexError, match="no dimensions"),
                ErrorCase((_t((2, 0), ft.float32),), {"dim": 0}, exc=RuntimeError, match="0 sized dimensions"),
                ErrorCase(([1, 2],), exc=TypeError, match="must be Tensor"),
                ErrorCase((_t((2,), ft.float32),), {"return_counts": "yes"}, exc=TypeError, match="must be bool")]

    return gen


add(OpSpec("unique", ref=np_unique, samples=_unique_samples, dtypes=ALL, differentiable=False,
           errors=_unique_errors("unique"), method="unique"))


def _consecutive_samples(dtype):
    out = _unique_samples(dtype)
    ones = ft.from_numpy(np.array([[1, 1], [1, 1], [2, 2], [1, 1]]).astype(dtype.np))
    return out + [Sample((ones,), {"dim": 0, "return_inverse": True, "return_counts": True}, name="runs")]


add(OpSpec("unique_consecutive", ref=np_unique_consecutive, samples=_consecutive_samples, dtypes=ALL,
           differentiable=False, errors=_unique_errors("unique_consecutive"), method="unique_consecutive"))


def _bincount_samples(dtype):
    x = _t((20,), dtype, 0, 6)
    w32, w64 = _t((20,), ft.float32), _t((20,), ft.float64)
    return [Sample((x,), name="plain"), Sample((x,), {"minlength": 10}, name="minlength"),
            Sample((_t((20,), dtype, 0, 6, noncontig=True),), name="noncontig"),
            Sample((x, w32), name="w f32"), Sample((x, w64), {"minlength": 3}, name="w f64"),
            Sample((x, _t((20,), ft.int64)), name="w int"), Sample((_t((0,), dtype),), name="empty"),
            Sample((_t((0,), dtype),), {"minlength": 4}, name="empty minlength")]


add(OpSpec("bincount", ref=np_bincount, samples=_bincount_samples, dtypes=INTS, differentiable=False,
           method="bincount",
           errors=lambda: [ErrorCase((ft.tensor([-1, 2]),), exc=RuntimeError, match="non-negative"),
                           ErrorCase((_t((2, 2), ft.int64, 0, 3),), exc=RuntimeError, match="1-d"),
                           ErrorCase((_t((3,), ft.float32, 0, 3),), exc=RuntimeError, match="integral"),
                           ErrorCase((ft.tensor([1, 2]),), {"minlength": -1}, exc=RuntimeError, match="minlength"),
                           ErrorCase((ft.tensor([1, 2]), _t((3,), ft.float32)), exc=RuntimeError, match="same length"),
                           ErrorCase((ft.tensor([1, 2]), [1.0, 2.0]), exc=TypeError, match="must be Tensor")]))


def _histc_samples(dtype):
    x = _t((4, 25), dtype, -3, 3)
    return [Sample((x,), name="default"), Sample((x,), {"bins": 7}, name="bins"),
            Sample((x,), {"bins": 5, "min": -1, "max": 2}, name="range"),
            Sample((_t((5, 6), dtype, noncontig=True),), {"bins": 4, "min": 1.5, "max": 1.5}, name="min==max"),
            Sample((_t((), dtype),), {"bins": 3}, name="0d"), Sample((_t((0, 3), dtype),), {"bins": 4}, name="empty"),
            Sample((ft.tensor([2.0, 2.0, NAN], dtype=dtype),), {"bins": 4, "min": 0, "max": 4}, name="nan ignored"),
            Sample((ft.tensor([2.0, 2.0], dtype=dtype),), {"bins": 4}, name="constant"),
            Sample((x,), {"bins": 6, "out": ft.empty(0, dtype=dtype)}, name="out")]


# float16/bfloat16 bin positions are computed in their own precision (as PyTorch does): torch only.
add(OpSpec("histc", ref=np_histc, samples=_histc_samples, dtypes=FLOATS + LOWP, differentiable=False, method="histc",
           skip_ref_dtypes=LOWP,
           errors=lambda: [ErrorCase((_t((3,), ft.float32),), {"bins": 0}, exc=RuntimeError, match="bins must be > 0"),
                           ErrorCase((_t((3,), ft.float32),), {"min": 3, "max": 1}, exc=RuntimeError,
                                     match="max must be larger than min"),
                           ErrorCase((ft.tensor([1.0, NAN]),), exc=RuntimeError, match="not finite"),
                           ErrorCase((_t((3,), ft.int64),), exc=RuntimeError, match="not implemented"),
                           ErrorCase((_t((3,), ft.float32),), {"bins": 2.5}, exc=TypeError, match="must be int")]))


def _histogram_samples(dtype):
    x = _t((30,), dtype)
    edges = ft.tensor([-3.0, -1.0, 0.0, 0.5, 3.0], dtype=dtype)
    return [Sample((x, 5), name="int bins"), Sample((x, 4), {"range": (-1.0, 2.0)}, name="range"),
            Sample((x, edges), name="edges"), Sample((x, edges), {"density": True}, name="edges density"),
            Sample((x, 6), {"weight": _t((30,), dtype, 0, 2), "density": True}, name="weight density"),
            Sample((_t((5, 6), dtype, noncontig=True), 3), name="noncontig"),
            Sample((_t((0,), dtype), 3), name="empty"), Sample((ft.tensor([2.0, 2.0], dtype=dtype), 3), name="constant")]


add(OpSpec("histogram", ref=np_histogram, samples=_histogram_samples, dtypes=FLOATS, differentiable=False,
           method="histogram",
           errors=lambda: [ErrorCase((_t((3,), ft.float32), 0), exc=RuntimeError, match="bins must be > 0"),
                           ErrorCase((_t((3,), ft.float32), 3), {"range": (5.0, 1.0)}, exc=RuntimeError,
                                     match="min should not exceed max"),
                           ErrorCase((_t((3,), ft.float64), ft.tensor([0.0, 1.0])), exc=RuntimeError,
                                     match="same dtype"),
                           ErrorCase((_t((5,), ft.float32), 3), {"weight": _t((4,), ft.float32)}, exc=RuntimeError,
                                     match="weight"),
                           ErrorCase((ft.tensor([1.0, NAN]), 3), exc=RuntimeError, match="not finite"),
                           ErrorCase((_t((3,), ft.int64), 3), exc=RuntimeError, match="not implemented")]))


def _sorted_seq(shape, dtype, seed=5):
    vals = np.sort(np.random.default_rng(seed).integers(-6, 7, shape) * (0.5 if dtype.is_floating_point else 1), -1)
    vals = vals + 7 if dtype is ft.uint8 else vals
    return ft.from_numpy(vals.astype(dtype.np))


def _values_of(shape, dtype):
    vals = np.random.default_rng(9).integers(-14, 15, shape) * (0.5 if dtype.is_floating_point else 1) / 2
    vals = vals + 7 if dtype is ft.uint8 else vals
    return ft.from_numpy(np.asarray(vals if dtype.is_floating_point else np.round(vals)).astype(dtype.np))


def _strided(t):
    return ft.from_numpy(t.numpy()[:, ::2])


def _search_samples(dtype):
    seq1, seqn = _sorted_seq((8,), dtype), _sorted_seq((2, 3, 7), dtype)
    v = _values_of((3, 4), dtype)
    unsorted = ft.from_numpy(np.random.default_rng(2).permutation(seq1.numpy()))
    sorter = ft.from_numpy(np.argsort(unsorted.numpy().astype(np.float64), kind="stable"))
    unsorted_nd = np.random.default_rng(4).permuted(seqn.numpy(), axis=-1)
    sorter_nd = ft.from_numpy(np.argsort(unsorted_nd.astype(np.float64), axis=-1, kind="stable"))
    out = [Sample((seq1, v), name="1d"), Sample((seq1, v), {"right": True}, name="right"),
           Sample((ft.from_numpy(unsorted_nd), _values_of((2, 3, 5), dtype)), {"sorter": sorter_nd}, name="nd sorter"),
           Sample((seq1, v), {"out": ft.empty(0, dtype=ft.int64)}, name="out"),
           Sample((seq1, v), {"side": "right"}, name="side"), Sample((seq1, v), {"out_int32": True}, name="int32"),
           Sample((seqn, _values_of((2, 3, 5), dtype)), name="nd"),
           Sample((seqn, _values_of((2, 3, 5), dtype)), {"right": True}, name="nd right"),
           Sample((_sorted_seq((4, 6), dtype), _strided(_values_of((4, 10), dtype))), name="nd noncontig"),
           Sample((seq1, _values_of((), dtype)), name="0d"), Sample((seq1, 1), name="int scalar"),
           Sample((seq1, _values_of((0, 2), dtype)), name="empty values"),
           Sample((_sorted_seq((0,), dtype), v), name="empty seq"),
           Sample((unsorted, v), {"sorter": sorter}, name="sorter"),
           Sample((_sorted_seq((3, 0), dtype), _values_of((3, 2), dtype)), name="nd empty seq")]
    if dtype.is_floating_point:
        out.append(Sample((seq1, ft.tensor([NAN, -float("inf"), float("inf"), -0.0], dtype=dtype)), name="special"))
    return out


def _search_errors():
    s = ft.tensor([1.0, 2.0, 3.0])
    return [ErrorCase((ft.ones(2, 3), ft.ones(3, 3)), exc=RuntimeError, match="first N-1 dimensions"),
            ErrorCase((ft.ones(2, 3), 2.0), exc=RuntimeError, match="scalar only when boundaries"),
            ErrorCase((s, s), {"side": "rght"}, exc=RuntimeError, match="side can only be"),
            ErrorCase((s, s), {"side": "left", "right": True}, exc=RuntimeError, match="opposites"),
            ErrorCase((s, s), {"sorter": ft.tensor([1, 2, 5])}, exc=RuntimeError, match="sorter index out of range"),
            ErrorCase((s, s), {"sorter": ft.tensor([1, 2, 0], dtype=ft.int32)}, exc=RuntimeError, match="long"),
            ErrorCase((s, s), {"sorter": ft.tensor([1, 2])}, exc=RuntimeError, match="same size"),
            ErrorCase((s, [2.0]), exc=TypeError, match="Tensor or Number"),
            ErrorCase((ft.tensor(1.0), s), exc=RuntimeError, match="positive dimension"),
            ErrorCase((s, s), {"out": ft.zeros(3, dtype=ft.int32)}, exc=RuntimeError, match="dtype is wrong")]


add(OpSpec("searchsorted", ref=np_searchsorted, samples=_search_samples, dtypes=NUMERIC, differentiable=False,
           errors=_search_errors))


def _bucketize_samples(dtype):
    b = _sorted_seq((7,), dtype)
    return [Sample((_values_of((3, 4), dtype), b), name="2d"),
            Sample((_values_of((3, 4), dtype), b), {"right": True}, name="right"),
            Sample((_strided(_values_of((5, 8), dtype)), b), {"out_int32": True}, name="noncontig int32"),
            Sample((_values_of((), dtype), b), name="0d"), Sample((2, b), name="scalar"),
            Sample((_values_of((0,), dtype), b), name="empty")]


add(OpSpec("bucketize", samples=_bucketize_samples, dtypes=NUMERIC, differentiable=False,
           ref=lambda x, b, out_int32=False, right=False: np_searchsorted(b, x, out_int32, right),
           errors=lambda: [ErrorCase((ft.ones(3), ft.ones(2, 2)), exc=RuntimeError, match="must be 1 dimension"),
                           ErrorCase((ft.ones(3), ft.tensor(1.0)), exc=RuntimeError, match="must be 1 dimension"),
                           ErrorCase((ft.ones(3), [1.0, 2.0]), exc=TypeError, match="must be Tensor"),
                           ErrorCase(("x", ft.ones(3)), exc=TypeError, match="Tensor or Number")]))


def _isin_samples(dtype):
    x, t = _t((4, 5), dtype, -4, 4), _t((6,), dtype, -2, 2, seed=11)
    out = [Sample((x, t), name="2d"), Sample((x, t), {"invert": True}, name="invert"),
           Sample((_t((5, 6), dtype, noncontig=True), _t((2, 3), dtype, seed=4)), name="noncontig"),
           Sample((_t((), dtype), t), name="0d"), Sample((x, 2), name="scalar test"), Sample((1, t), name="scalar elem"),
           Sample((_t((0,), dtype), t), name="empty"), Sample((x, _t((0,), dtype)), name="empty test"),
           Sample((x, _t((3,), ft.float64 if dtype.is_floating_point else ft.int16)), name="promote")]
    if dtype.is_floating_point:
        out.append(Sample((_special(dtype), ft.tensor([NAN, 0.0, 3.0], dtype=dtype)), name="nan"))
    return out


add(OpSpec("isin", ref=lambda a, b, **kw: np.isin(_f64(a), _f64(b), **kw), samples=_isin_samples, dtypes=NUMERIC,
           differentiable=False,
           errors=lambda: [ErrorCase((ft.tensor([1, 2]), ft.tensor([True])), exc=RuntimeError, match="Bool"),
                           ErrorCase((ft.tensor([1, 2]), True), exc=RuntimeError, match="Bool"),
                           ErrorCase((2, 3), exc=TypeError, match="at least one Tensor"),
                           ErrorCase((ft.tensor([1, 2]), [2]), exc=TypeError, match="Tensor or Number")]))
