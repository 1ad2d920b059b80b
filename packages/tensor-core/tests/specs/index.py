"""Specs: indexing ops (getitem/setitem, index_put, take/put, masked ops, nonzero, gather/scatter, index_*)."""

import numpy as np

import fx.tensor as ft
from opspec import FLOATS, ErrorCase, OpSpec, Sample, add, make

DTS = FLOATS + (ft.float16, ft.bfloat16, ft.int64, ft.int32, ft.uint8, ft.bool)
NUM = FLOATS + (ft.float16, ft.int64)  # dtypes with arithmetic reductions


def _i(values, dtype=np.int64):
    return ft.from_numpy(np.array(values, dtype=dtype))


def _ri(shape, high, seed=0, low=0):
    return ft.from_numpy(np.random.default_rng(seed).integers(low, high, shape))


def _perm_index(shape, dim, size, seed=0):
    """An index with distinct values along `dim` (deterministic scatter even in torch)."""
    rng = np.random.default_rng(seed)
    arr = np.moveaxis(np.zeros(shape, np.int64), dim, -1)
    for pos in np.ndindex(arr.shape[:-1]):
        arr[pos] = rng.permutation(size)[:arr.shape[-1]]
    return ft.from_numpy(np.ascontiguousarray(np.moveaxis(arr, -1, dim)))


def _mask(shape, seed=0):
    return ft.from_numpy(np.asarray(np.random.default_rng(seed).random(shape) > 0.5))


def _f(shape=(3,)):
    return make(shape, ft.float32)


# ---- getitem / setitem (exhaustively in test_indexing.py; here for the table and gradcheck) ------
def _keys():
    return [(0,), (slice(1, None),), (Ellipsis, 1), (None, slice(None, None, 2)), (_i([2, 0, 2]),),
            (slice(None), _i([[1], [0]])), (_mask((4,), 1), slice(1, 3)), (1, _i([0, 2]))]


def _getitem_samples(dtype):
    out = [Sample((make((4, 3), dtype), k), name=f"key{j}") for j, k in enumerate(_keys())]
    out += [Sample((make((4, 3), dtype, noncontig=True), (_i([3, 1]), slice(None, 2))), name="noncontig"),
            Sample((make((), dtype), (None,)), name="0d"),
            Sample((make((0, 3), dtype), (slice(None), 1)), name="empty"),
            Sample((make((4, 3), dtype), (_i([], np.int64),)), name="empty-index")]
    return out


def _setitem(x, key, value):
    y = x.clone()
    y[key] = value
    return y


def _setitem_ref(x, key, value):
    y = np.array(x, copy=True)
    y[key] = value
    return y


def _torch_setitem(x, key, value):
    y = x.clone()
    y[key] = value
    return y


def _setitem_samples(dtype):
    m = lambda s, **k: make(s, dtype, seed=5, **k)  # noqa: E731
    return [Sample((make((4, 3), dtype), (1,), m((3,))), name="row"),
            Sample((make((4, 3), dtype), (slice(None), _i([2, 0])), m((4, 1))), name="adv-broadcast"),
            Sample((make((4, 3), dtype, noncontig=True), (_mask((4, 3), 2),), m(())), name="mask"),
            Sample((make((), dtype), (Ellipsis,), m(())), name="0d"),
            Sample((make((0, 3), dtype), (slice(None),), m((3,))), name="empty")]


add(OpSpec("getitem", op=lambda x, key: x[key], ref=lambda x, key: x[key], torch_ref=lambda x, key: x[key],
           samples=_getitem_samples, dtypes=DTS, grad_args=(0,),
           errors=lambda: [ErrorCase((_f((3,)), (3,)), exc=IndexError, match="index 3 is out of bounds"),
                           ErrorCase((_f((3,)), (_i([0, -4]),)), exc=IndexError, match="out of bounds for dimension 0"),
                           ErrorCase((_f((3,)), (slice(None, None, -1),)), exc=ValueError, match="step must be greater"),
                           ErrorCase((_f((3,)), (_f((2,)),)), exc=IndexError, match="long, int, byte or bool"),
                           ErrorCase((_f((3,)), (_mask((2,)),)), exc=IndexError, match="shape of the mask"),
                           ErrorCase((_f((3,)), (0, 0)), exc=IndexError, match="too many indices"),
                           ErrorCase((_f(()), (0,)), exc=IndexError, match="invalid index of a 0-dim"),
                           ErrorCase((_f((3, 3)), (_i([0, 1]), _i([0, 1, 2]))), exc=IndexError, match="broadcast")]))
add(OpSpec("setitem", op=_setitem, ref=_setitem_ref, torch_ref=_torch_setitem, samples=_setitem_samples, dtypes=DTS,
           errors=lambda: [ErrorCase((_f((3,)), (5,), 1.0), exc=IndexError, match="out of bounds"),
                           ErrorCase((_f((3,)), (_i([0, 1]),), _f((3,))), match="shape mismatch"),
                           ErrorCase((_f((2, 3)), (0,), _f((2,))), match="expanded size"),
                           ErrorCase((_f((3,)), (0,), "a"), exc=TypeError, match="can't assign a str")]))


# ---- index_put / take / put ----------------------------------------------------------------------
def _index_put_ref(x, indices, values, accumulate=False):
    y = np.array(x, copy=True)
    if accumulate:
        np.add.at(y, tuple(indices), values)
    else:
        y[tuple(indices)] = values
    return y


def _index_put_samples(dtype):
    m = lambda s: make(s, dtype, seed=3)  # noqa: E731
    return [Sample((make((4, 3), dtype), (_i([3, 0]),), m((2, 3))), name="rows"),
            Sample((make((4, 3), dtype), (_i([1, 1, 2]), _i([0, 0, 2])), m((3,))), {"accumulate": True}, "acc-dup"),
            Sample((make((4, 3), dtype, noncontig=True), (_mask((4, 3), 4),), m(())), name="mask"),
            Sample((make((4, 3), dtype), (_i([0, 2]), _i([[1], [2]])), m((2, 2))), {"accumulate": True}, "broadcast"),
            Sample((make((3,), dtype), (_i(1),), m(())), name="0d-index"),
            Sample((make((4, 3), dtype), (_i([], np.int64),), m((0, 3))), name="empty")]


def _index_put_errors():
    return [ErrorCase((_f((3,)), (_i([5]),), _f((1,))), exc=IndexError, match="index 5 is out of bounds"),
            ErrorCase((_f((3,)), (_f((1,)),), _f((1,))), exc=IndexError, match="long, int, byte or bool"),
            ErrorCase((_f((3,)), (_i([0]),), make((1,), ft.float64)), match="dtypes match"),
            ErrorCase((_f((3, 2)), (_i([0, 1]),), _f((3,))), match="shape mismatch"),
            ErrorCase((_f((3,)), _i([0]), _f((1,))), exc=TypeError, match="tuple of Tensors"),
            ErrorCase((_f((3,)), (_i([0]),) * 2, _f((1,))), exc=IndexError, match="too many indices")]


def _index_put_inplace(x, *a, **k):
    return ft.index_put_(x.clone(), *a, **k)


add(OpSpec("index_put", ref=_index_put_ref, samples=_index_put_samples, dtypes=DTS, method="index_put",
           errors=_index_put_errors),
    OpSpec("index_put_", op=_index_put_inplace, ref=_index_put_ref,
           torch_ref=lambda x, *a, **k: x.clone().index_put_(*a, **k), samples=_index_put_samples, dtypes=DTS,
           errors=_index_put_errors))


def _take_samples(dtype):
    return [Sample((make((3, 4), dtype), _i([[0, 11], [-1, 5]])), name="2d"),
            Sample((make((3, 4), dtype, noncontig=True), _i([0, 11, 7])), name="noncontig"),
            Sample((make((), dtype), _i(0)), name="0d"),
            Sample((make((3, 4), dtype), _i([], np.int64)), name="empty-index"),
            Sample((make((0,), dtype), _i([], np.int64)), name="empty")]


def _take_errors():
    return [ErrorCase((_f((2, 3)), _i([6])), exc=IndexError, match="tried to access index 6 on a tensor of 6"),
            ErrorCase((_f((2, 3)), _i([-7])), exc=IndexError, match="out of range"),
            ErrorCase((_f((2, 3)), _i([1], np.int32)), match="Expected a long tensor"),
            ErrorCase((_f((0,)), _i([0])), exc=IndexError, match="empty tensor"),
            ErrorCase((_f((3,)), [0]), exc=TypeError, match="must be Tensor")]


def _put_ref(x, index, source, accumulate=False):
    y = np.array(x, copy=True).reshape(-1)
    idx = np.asarray(index).reshape(-1) % max(y.size, 1)
    if accumulate:
        np.add.at(y, idx, np.asarray(source).reshape(-1))
    else:
        y[idx] = np.asarray(source).reshape(-1)
    return y.reshape(np.shape(x))


def _put_samples(dtype):
    m = lambda s: make(s, dtype, seed=4)  # noqa: E731
    return [Sample((make((3, 4), dtype), _i([[0, 11], [-2, 5]]), m((2, 2))), name="2d"),
            Sample((make((3, 4), dtype, noncontig=True), _i([0, 0, 7]), m((3,))), {"accumulate": True}, "noncontig-acc"),
            Sample((make((), dtype), _i(0), m(())), name="0d"),
            Sample((make((3, 4), dtype), _i([], np.int64), m((0,))), name="empty")]


add(OpSpec("take", ref=lambda x, i: np.asarray(x).reshape(-1)[i], samples=_take_samples, dtypes=DTS, method="take",
           errors=_take_errors),
    OpSpec("put", ref=_put_ref, samples=_put_samples, dtypes=DTS, method="put",
           errors=lambda: [ErrorCase((_f((2, 3)), _i([6]), _f((1,))), exc=IndexError, match="out of range"),
                           ErrorCase((_f((2, 3)), _i([0, 1]), _f((3,))), exc=IndexError, match="same number of elements"),
                           ErrorCase((_f((2, 3)), _i([0]), make((1,), ft.float64)), match="same dtype"),
                           ErrorCase((_f((2, 3)), _f((1,)), _f((1,))), match="Expected a long tensor")]))


# ---- masked ops ----------------------------------------------------------------------------------
def _masked_samples(extra):
    def gen(dtype):
        return [Sample((make((3, 4), dtype), _mask((3, 4))) + extra(dtype, 12), name="same"),
                Sample((make((3, 4), dtype), _mask((4,), 1)) + extra(dtype, 12), name="broadcast-mask"),
                Sample((make((4,), dtype), _mask((3, 4), 2)) + extra(dtype, 12), name="broadcast-input"),
                Sample((make((3, 4), dtype, noncontig=True), _mask((3, 4), 3)) + extra(dtype, 12), name="noncontig"),
                Sample((make((), dtype), _mask((), 4)) + extra(dtype, 1), name="0d"),
                Sample((make((0, 4), dtype), _mask((0, 4))) + extra(dtype, 0), name="empty")]

    return gen


def _masked_fill_ref(x, mask, value):
    return np.where(mask, np.asarray(value).astype(x.dtype), x)


def _masked_scatter_ref(x, mask, source):
    x, mask = np.broadcast_arrays(x, mask)
    y = np.array(x, copy=True)
    y[mask] = np.asarray(source).reshape(-1)[:int(mask.sum())]
    return y


def _mask_errors(op, *extra):
    return lambda: [ErrorCase((_f((3,)), _f((3,))) + extra, match="boolean masks|BoolTensor"),
                    ErrorCase((_f((3,)), _mask((2,))) + extra, match="must match the size"),
                    ErrorCase((_f((3,)), [True, False, True]) + extra, exc=TypeError, match="must be Tensor")]


add(OpSpec("masked_fill", ref=_masked_fill_ref, samples=_masked_samples(lambda dt, n: (-1.5 if dt.is_floating_point else 2,)),
           dtypes=DTS, method="masked_fill", grad_args=(0,),
           errors=lambda: _mask_errors("masked_fill", 1.0)() + [
               ErrorCase((_f((3,)), _mask((3,)), _f((1,))), match="0-dimensional value tensor"),
               ErrorCase((_f((3,)), _mask((3,)), "x"), exc=TypeError, match="Number or Tensor")]),
    OpSpec("masked_fill_tensor_value", op=ft.masked_fill, torch_ref=lambda *a: __import__("torch").masked_fill(*a),
           ref=_masked_fill_ref, samples=_masked_samples(lambda dt, n: (make((), dt, seed=9),)), dtypes=DTS),
    OpSpec("masked_scatter", ref=_masked_scatter_ref, method="masked_scatter", dtypes=DTS,
           samples=_masked_samples(lambda dt, n: (make((n + 2,), dt, seed=8),)),
           errors=lambda: _mask_errors("masked_scatter", _f((3,)))() + [
               ErrorCase((_f((3,)), ft.ones(3, dtype=ft.bool), _f((2,))), match="Number of elements of source"),
               ErrorCase((_f((3,)), _mask((3,)), make((3,), ft.float64)), match="same dtypes")]),
    OpSpec("masked_select", ref=lambda x, m: np.broadcast_arrays(x, m)[0][np.broadcast_arrays(x, m)[1]],
           method="masked_select", dtypes=DTS, samples=_masked_samples(lambda dt, n: ()), errors=_mask_errors("masked_select")))


# ---- nonzero / argwhere --------------------------------------------------------------------------
def _nz_samples(dtype):
    sparse = lambda s, **k: make(s, dtype, low=-1, high=1, **k)  # noqa: E731  (integer dtypes get zeros)
    out = [Sample((sparse((3, 4)),), name="2d"), Sample((sparse((3, 8), noncontig=True),), name="noncontig"),
           Sample((sparse(()),), name="0d"), Sample((ft.zeros((), dtype=dtype),), name="0d-zero"),
           Sample((sparse((0, 3)),), name="empty"), Sample((sparse((2, 3, 4)).transpose(0, 2),), name="transposed")]
    return out + [Sample(s.args, {"as_tuple": True}, s.name + "-tuple") for s in out]


def _nz_ref(x, as_tuple=False):
    if as_tuple:
        return tuple(np.nonzero(np.atleast_1d(x)))
    return np.argwhere(x)


_NZ_ERRORS = lambda: [ErrorCase((1.0,), exc=TypeError, match="must be Tensor"),  # noqa: E731
                      ErrorCase(([1, 0],), exc=TypeError, match="must be Tensor"),
                      ErrorCase((np.ones(2),), exc=TypeError, match="must be Tensor")]
add(OpSpec("nonzero", ref=_nz_ref, samples=_nz_samples, dtypes=DTS, method="nonzero", differentiable=False,
           errors=_NZ_ERRORS),
    OpSpec("argwhere", ref=np.argwhere, method="argwhere", differentiable=False, dtypes=DTS,
           samples=lambda dt: [s for s in _nz_samples(dt) if not s.kwargs], errors=_NZ_ERRORS))
