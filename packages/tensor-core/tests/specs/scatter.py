"""Specs: indexing along one dim (gather, scatter*, take_along_dim, index_select/add/copy/fill/reduce)."""

import numpy as np

import fx.tensor as ft
from opspec import ErrorCase, OpSpec, Sample, add, make
from specs.index import DTS, NUM, _f, _i, _perm_index, _ri

_I32 = np.int32


def _along(x, dim, index):
    """Yield (index position, target position in x) pairs of a gather/scatter along `dim`."""
    for pos in np.ndindex(index.shape):
        tgt = list(pos)
        if x.ndim:
            tgt[dim] = int(index[pos])
        yield pos, tuple(tgt) if x.ndim else ()


# ---- gather / take_along_dim ---------------------------------------------------------------------
def _gather_ref(x, dim, index):
    out = np.empty(index.shape, x.dtype)
    for pos, tgt in _along(x, dim, index):
        out[pos] = x[tgt]
    return out


def _gather_samples(dtype):
    return [Sample((make((3, 4), dtype), 1, _ri((3, 2), 4))), Sample((make((3, 4), dtype), 0, _ri((2, 3), 3, 1)), name="smaller"),
            Sample((make((4, 5), dtype, noncontig=True), -1, _ri((5, 4), 5, 2).transpose(0, 1)), name="noncontig"),
            Sample((make((2, 3, 4), dtype), 2, _ri((2, 3, 6), 4, 3).to(ft.int32)), name="int32-3d"),
            Sample((make((), dtype), 0, _i(0)), name="0d"),
            Sample((make((3, 4), dtype), 0, _i(np.zeros((0, 4)))), name="empty")]


def _scatter_index_errors(op, *src):
    x = _f((3, 4))
    return [ErrorCase((x, 1, _i([[0, 4]])) + src, match="out of bounds for dimension 1 with size 4"),
            ErrorCase((x, 1, _i([[0, -1]])) + src, match="index -1 is out of bounds"),
            ErrorCase((x, 1, _f((1, 2))) + src, match="Expected dtype int32/int64 for index"),
            ErrorCase((x, 1, _i([0, 1])) + src, match="same number of dimensions"),
            ErrorCase((x, 2, _i([[0, 1]])) + src, exc=IndexError, match="Dimension out of range"),
            ErrorCase((x, 1, _i(np.zeros((4, 1)))) + src, match="no larger than self")]


add(OpSpec("gather", ref=_gather_ref, samples=_gather_samples, dtypes=DTS, method="gather", grad_args=(0,),
           errors=lambda: _scatter_index_errors("gather")))


def _tad_ref(x, indices, dim=None):
    if dim is None:
        return np.take_along_axis(np.asarray(x).reshape(-1), np.asarray(indices).reshape(-1), 0)
    xs, ix = list(x.shape), list(indices.shape)
    xs[dim] = ix[dim] = 1
    b = np.broadcast_shapes(tuple(xs), tuple(ix))
    x = np.broadcast_to(x, b[:dim] + (x.shape[dim],) + b[dim + 1:])
    indices = np.broadcast_to(indices, b[:dim] + (indices.shape[dim],) + b[dim + 1:])
    return np.take_along_axis(x, indices, dim)


def _tad_samples(dtype):
    return [Sample((make((3, 4), dtype), _ri((3, 2), 4)), {"dim": 1}), Sample((make((3, 4), dtype), _ri((5,), 12))),
            Sample((make((3, 4), dtype), _ri((1, 2), 4, low=-4)), {"dim": 1}, "broadcast-negative"),
            Sample((make((4, 5), dtype, noncontig=True), _ri((2, 1), 4)), {"dim": 0}, "noncontig"),
            Sample((make((), dtype), _i([0, 0])), name="0d"),
            Sample((make((3, 4), dtype), _i(np.zeros((3, 0)))), {"dim": 1}, "empty")]


add(OpSpec("take_along_dim", ref=_tad_ref, samples=_tad_samples, dtypes=DTS, method="take_along_dim", grad_args=(0,),
           errors=lambda: [ErrorCase((_f((3, 4)), _i([[0, 5]]), 1), match="index 5 is out of bounds"),
                           ErrorCase((_f((3, 4)), _i([[0, 1]], _I32), 1), match="should be Long but got Int"),
                           ErrorCase((_f((3, 4)), _i([0, 1]), 1), match="same number of dimensions"),
                           ErrorCase((_f((3, 4)), _i([[0, 1], [0, 1]]), 1), match="must match the size")]))


# ---- scatter family ------------------------------------------------------------------------------
def _scatter_ref(x, dim, index, src=None, value=None, reduce=None):
    out = np.array(x, copy=True)
    src = value if src is None else src
    for pos, tgt in _along(x, dim, index):
        v = src[pos] if isinstance(src, np.ndarray) else src
        if reduce == "add":
            out[tgt] += v
        elif reduce == "multiply":
            out[tgt] *= v
        else:
            out[tgt] = v
    return out


def _scatter_samples(dtype):
    src = lambda s: make(s, dtype, seed=11)  # noqa: E731
    out = [Sample((make((3, 4), dtype), 1, _perm_index((3, 2), 1, 4), src((3, 3)))),
           Sample((make((4, 3), dtype), 0, _perm_index((2, 3), 0, 4, 1), src((2, 3))), name="dim0"),
           Sample((make((3, 4), dtype, noncontig=True), -1, _perm_index((2, 4), 1, 4, 2), src((2, 8))[:, ::2]),
                  name="noncontig"),
           Sample((make((3, 4), dtype), 1, _perm_index((3, 2), 1, 4, 3), 2), name="value"),
           Sample((make((3, 4), dtype), 1, _perm_index((3, 2), 1, 4, 3)), {"value": 1}, "value-kw"),
           Sample((make((), dtype), 0, _i(0), src(())), name="0d"),
           Sample((make((3, 4), dtype), 1, _i(np.zeros((3, 0))), src((3, 0))), name="empty")]
    if dtype is not ft.bool:
        out += [Sample((make((3, 4), dtype), 1, _ri((3, 3), 4, 4), src((3, 3))), {"reduce": "add"}, "add"),
                Sample((make((3, 4), dtype), 1, _ri((3, 3), 4, 5), 2), {"reduce": "multiply"}, "multiply")]
    return out


add(OpSpec("scatter", ref=_scatter_ref, samples=_scatter_samples, dtypes=DTS, method="scatter",
           errors=lambda: _scatter_index_errors("scatter", _f((3, 4))) + [
               ErrorCase((_f((3, 4)), 1, _i([[0, 1]]), make((3, 4), ft.float64)), match="self.dtype to be equal"),
               ErrorCase((_f((3, 4)), 1, _i([[0, 1]]), _f((1, 4))), {"reduce": "sum"}, match="either add or multiply"),
               ErrorCase((_f((3, 4)), 1, _i([[0, 1]]), _f((1, 1))), match="no larger size than src"),
               ErrorCase((_f((3, 4)), 1, _i([[0, 1]]), "x"), exc=TypeError, match="must be Tensor")]))


def _reduce_ref(x, dim, index, src, reduce, include_self=True):
    out = np.array(x, copy=True)
    groups = {}
    for pos, tgt in _along(x, dim, index):
        groups.setdefault(tgt, [x[tgt]] if include_self else []).append(src[pos])
    for tgt, vals in groups.items():
        vals = np.array(vals, dtype=np.float64 if x.dtype.kind == "f" or x.dtype.kind == "V" else x.dtype)
        if reduce == "sum":
            r = vals.sum()
        elif reduce == "prod":
            r = vals.prod()
        elif reduce == "amax":
            r = vals.max()
        elif reduce == "amin":
            r = vals.min()
        else:
            r = vals.sum() // len(vals) if x.dtype.kind in "iu" else vals.mean()
        out[tgt] = r
    return out


def _reduce_samples(dtype):
    src = lambda s: make(s, dtype, low=-2, high=2, seed=12)  # noqa: E731
    out = []
    for red in ("sum", "prod", "mean", "amax", "amin"):
        out.append(Sample((make((3, 4), dtype), 1, _ri((3, 5), 4, 6), src((3, 5)), red), name=red))
        out.append(Sample((make((4, 3), dtype, noncontig=True), 0, _ri((5, 3), 4, 7), src((5, 3)), red),
                          {"include_self": False}, red + "-noself-noncontig"))
    return out + [Sample((make((), dtype), 0, _i(0), src(()), "sum"), name="0d"),
                  Sample((make((3, 4), dtype), 0, _i(np.zeros((0, 4))), src((0, 4)), "amax"), name="empty")]


def _scatter_add_samples(dtype):
    src = lambda s: make(s, dtype, seed=13)  # noqa: E731
    return [Sample((make((3, 4), dtype), 1, _ri((3, 6), 4, 8), src((3, 6)))),
            Sample((make((4, 3), dtype, noncontig=True), 0, _ri((7, 3), 4, 9), src((7, 5))), name="noncontig-bigger-src"),
            Sample((make((50,), dtype), 0, _ri((300,), 50, 10), src((300,))), name="dense-path"),
            Sample((make((), dtype), 0, _i([0]), src((1,))), name="0d"),
            Sample((make((3, 4), dtype), 0, _i(np.zeros((0, 4))), src((0, 4))), name="empty")]


def _scatter_add_ref(x, dim, index, src):
    return _reduce_ref(x, dim, index, src, "sum")


add(OpSpec("scatter_add", ref=_scatter_add_ref, samples=_scatter_add_samples, dtypes=NUM, method="scatter_add",
           errors=lambda: _scatter_index_errors("scatter_add", _f((3, 4))) + [
               ErrorCase((_f((3, 4)), 1, _i([[0, 1]]), 2.0), exc=TypeError, match="must be Tensor"),
               ErrorCase((_f((3, 4)), 1, _i([[0, 1]]), make((3, 4), ft.float64)), match="self.dtype to be equal")]),
    OpSpec("scatter_reduce", ref=_reduce_ref, samples=_reduce_samples, dtypes=NUM, method="scatter_reduce",
           errors=lambda: _scatter_index_errors("scatter_reduce", _f((3, 4)), "sum") + [
               ErrorCase((_f((3, 4)), 1, _i([[0, 1]]), _f((3, 4)), "add"), match="sum, prod, mean, amax or amin"),
               ErrorCase((_f((3, 4)), 1, _i([[0, 1]]), make((3, 4), ft.int64), "sum"), match="self.dtype to be equal")]))


# ---- index_select / index_add / index_copy / index_fill / index_reduce ---------------------------
def _index_select_samples(dtype):
    return [Sample((make((4, 3), dtype), 0, _i([3, 0, 3]))), Sample((make((4, 3), dtype), -1, _i([2, 1], _I32)), name="int32"),
            Sample((make((4, 3), dtype, noncontig=True), 1, _i(1)), name="noncontig-0d-index"),
            Sample((make((), dtype), 0, _i([0])), name="0d"),
            Sample((make((4, 3), dtype), 1, _i([], np.int64)), name="empty")]


add(OpSpec("index_select", ref=lambda x, d, i: np.take(x, np.atleast_1d(i), axis=d) if np.ndim(x) else x,
           samples=_index_select_samples, dtypes=DTS, method="index_select", grad_args=(0,),
           errors=lambda: [ErrorCase((_f((3, 4)), 0, _i([3])), exc=IndexError, match="index out of range in self"),
                           ErrorCase((_f((3, 4)), 0, _i([-1])), exc=IndexError, match="index out of range in self"),
                           ErrorCase((_f((3, 4)), 0, _i([[1]])), exc=IndexError, match="supposed to be a vector"),
                           ErrorCase((_f((3, 4)), 0, _f((1,))), match="int32 or int64"),
                           ErrorCase((_f((3, 4)), 2, _i([1])), exc=IndexError, match="Dimension out of range")]))


def _slices(x, dim, i):
    return (slice(None),) * (dim % x.ndim) + (i,)


def _index_add_ref(x, dim, index, source, alpha=1):
    out = np.array(x, copy=True)
    x1, s1 = (out.reshape(1), np.reshape(source, (1,))) if out.ndim == 0 else (out, source)
    for k, i in enumerate(np.atleast_1d(index)):
        x1[_slices(x1, dim, i)] += (alpha * s1[_slices(s1, dim, k)]).astype(out.dtype)
    return out


def _index_copy_ref(x, dim, index, source):
    out = np.array(x, copy=True)
    x1, s1 = (out.reshape(1), np.reshape(source, (1,))) if out.ndim == 0 else (out, source)
    for k, i in enumerate(np.atleast_1d(index)):
        x1[_slices(x1, dim, i)] = s1[_slices(s1, dim, k)]
    return out


def _source_samples(dup=True):
    def gen(dtype):
        s = lambda shape: make(shape, dtype, seed=14)  # noqa: E731
        idx = _i([2, 0, 2]) if dup else _i([2, 0, 3])
        return [Sample((make((4, 3), dtype), 0, idx, s((3, 3)))),
                Sample((make((4, 3), dtype, noncontig=True), 1, _i([1, 0]), s((4, 2))), name="noncontig"),
                Sample((make((4, 3), dtype), -1, _i(1), s((4, 1))), name="0d-index"),
                Sample((make((), dtype), 0, _i([0]), s(())), name="0d"),
                Sample((make((4, 3), dtype), 0, _i([], np.int64), s((0, 3))), name="empty")]

    return gen


def _source_errors(op, dtype_match, bounds_exc=RuntimeError, extra=()):
    x = _f((3, 4))
    return [ErrorCase((x, 0, _i([0, 5]), _f((2, 4))) + extra, exc=bounds_exc, match="out of bounds|out of range"),
            ErrorCase((x, 0, _i([0, 1]), make((2, 4), ft.float64)) + extra, match=dtype_match),
            ErrorCase((x, 0, _i([0, 1]), _f((2, 3))) + extra, match="shape"),
            ErrorCase((x, 0, _i([0, 1]), _f((3, 4))) + extra, match="Number of indices|shape"),
            ErrorCase((x, 0, _f((2,)), _f((2, 4))) + extra, match="long tensor|int32/int64")]


def _with_alpha(gen):
    return lambda dt: gen(dt) + [Sample(s.args, {"alpha": 2}, s.name + "-alpha") for s in gen(dt)[:2]]


def _index_reduce_ref(x, dim, index, source, reduce, include_self=True):
    idx = np.reshape(index, [-1 if d == dim else 1 for d in range(np.ndim(source))])
    return _reduce_ref(x, dim, np.broadcast_to(idx, np.shape(source)), source, reduce, include_self)


def _index_reduce_samples(dtype):
    base = _source_samples()(dtype)[:2]
    return [Sample(s.args + (r,), kw, f"{s.name}-{r}{kw}") for s in base for r in ("prod", "mean", "amax", "amin")
            for kw in ({}, {"include_self": False})]


add(OpSpec("index_add", ref=_index_add_ref, samples=_with_alpha(_source_samples()), dtypes=NUM, method="index_add",
           errors=lambda: _source_errors("index_add", "same scalar type")),
    OpSpec("index_copy", ref=_index_copy_ref, samples=_source_samples(dup=False), dtypes=DTS, method="index_copy",
           errors=lambda: _source_errors("index_copy", "same dtype", IndexError)),
    OpSpec("index_reduce", ref=_index_reduce_ref, samples=_index_reduce_samples, dtypes=NUM, method="index_reduce",
           errors=lambda: _source_errors("index_reduce", "same scalar type", IndexError, ("prod",)) + [
               ErrorCase((_f((3, 4)), 0, _i([0]), _f((1, 4)), "sum"), match="one of prod, mean, amax or amin")]))


def _index_fill_ref(x, dim, index, value):
    out = np.array(x, copy=True)
    x1 = out.reshape(1) if out.ndim == 0 else out
    x1[_slices(x1, dim, np.atleast_1d(index))] = value
    return out


def _index_fill_samples(dtype):
    v = -2.5 if dtype.is_floating_point else 3
    return [Sample((make((4, 3), dtype), 0, _i([2, -1]), v)), Sample((make((4, 3), dtype, noncontig=True), 1, _i(1), v), name="noncontig"),
            Sample((make((4, 3), dtype), 1, _i([0]), make((), dtype, seed=2)), name="tensor-value"),
            Sample((make((), dtype), 0, _i([0]), v), name="0d"),
            Sample((make((4, 3), dtype), 0, _i([], np.int64), v), name="empty")]


add(OpSpec("index_fill", ref=_index_fill_ref, samples=_index_fill_samples, dtypes=DTS, method="index_fill", grad_args=(0,),
           errors=lambda: [ErrorCase((_f((3, 4)), 0, _i([3]), 1.0), exc=IndexError, match="index 3 is out of bounds"),
                           ErrorCase((_f((3, 4)), 0, _i([0], _I32), 1.0), exc=IndexError, match="Expected dtype int64"),
                           ErrorCase((_f((3, 4)), 0, _i([[0]]), 1.0), match="vector/scalar"),
                           ErrorCase((_f((3, 4)), 0, _i([0]), _f((2,))), match="0-dimensional value tensor")]))
