"""Specs: logcumsumexp, diff, dist, cdist, cov, corrcoef, renorm, trapezoid/trapz, cumulative_trapezoid,
vander, unravel_index."""

import numpy as np

import fx.tensor as ft
from opspec import FLOATS, INTS, LOWP, ErrorCase, OpSpec, Sample, add, make

FLOATISH = FLOATS + LOWP
_INF = float("inf")


def _lcse_ref(x, dim):
    return np.logaddexp.accumulate(x.astype(np.float64), axis=dim) if x.ndim else x.astype(np.float64)


def _diff_ref(x, n=1, dim=-1, prepend=None, append=None):
    parts = [p for p in (prepend, x, append) if p is not None]
    x = np.concatenate(parts, axis=dim) if len(parts) > 1 else x
    for _ in range(n):
        if x.shape[dim] == 0:
            break
        x = np.logical_xor(np.delete(x, 0, dim), np.delete(x, -1, dim)) if x.dtype == np.bool_ else np.diff(x, axis=dim)
    return x


def _dist_ref(a, b, p=2):
    d = np.abs(a.astype(np.float64) - b.astype(np.float64)).reshape(-1)
    if p == 0:
        return np.count_nonzero(d)
    if p == _INF:
        return d.max(initial=0)
    return (d ** p).sum() ** (1 / p)


def _cdist_ref(x1, x2, p=2.0, compute_mode=None):
    d = np.abs(x1[..., :, None, :].astype(np.float64) - x2[..., None, :, :])
    if p == 0:
        return np.count_nonzero(d, axis=-1).astype(np.float64)
    if p == _INF:
        return d.max(axis=-1, initial=0)
    return (d ** p).sum(-1) ** (1 / p)


def _cov_ref(x, correction=1, fweights=None, aweights=None):
    return np.cov(x.astype(np.float64), ddof=correction, fweights=fweights, aweights=aweights)


def _renorm_ref(x, p, dim, maxnorm):
    axes = tuple(i for i in range(x.ndim) if i != dim % x.ndim)
    norms = (np.abs(x.astype(np.float64)) ** p).sum(axis=axes, keepdims=True) ** (1 / p)
    return x * np.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


def _trapz_ref(y, x=None, dx=None, dim=-1):
    y = y.astype(np.float64)
    if x is not None and x.ndim == 1:
        shape = [1] * y.ndim
        shape[dim] = -1
        x = x.reshape(shape)
    return np.trapezoid(y, x=x, dx=1.0 if dx is None else dx, axis=dim)


def _cumtrapz_ref(y, x=None, dx=None, dim=-1):
    y = np.moveaxis(y.astype(np.float64), dim, -1)
    if x is None:
        spacing = 1.0 if dx is None else dx
    else:
        spacing = np.diff(x.astype(np.float64) if x.ndim == 1 else np.moveaxis(x.astype(np.float64), dim, -1), axis=-1)
    return np.moveaxis(np.cumsum((y[..., 1:] + y[..., :-1]) / 2 * spacing, axis=-1), -1, dim)


def _vander_ref(x, N=None, increasing=False):
    out = np.vander(x, N=N, increasing=increasing)
    return out.astype(np.int64) if x.dtype.kind in "biu" else out


def _reduce_samples(dtype, low=-3, high=3):
    return [Sample((make((3, 4), dtype, low, high), 1), name="dim1"), Sample((make((3, 4), dtype, low, high), 0), name="dim0"),
            Sample((make((5, 6), dtype, low, high, noncontig=True), -1), name="noncontig"),
            Sample((make((), dtype, low, high), 0), name="0d"), Sample((make((0, 3), dtype, low, high), 1), name="empty")]


add(
    OpSpec("logcumsumexp", ref=_lcse_ref, dtypes=FLOATISH, method="logcumsumexp",
           samples=lambda dt: _reduce_samples(dt, -20, 20)
           + [Sample((ft.tensor([-1000.0, 0.0, 1000.0, -_INF, _INF], dtype=dt), 0), name="extremes")]
           if dt is ft.float64 else _reduce_samples(dt, -20, 20),
           errors=lambda: [ErrorCase((make((3,), ft.int64), 0), exc=NotImplementedError, match="not implemented for 'Long'"),
                           ErrorCase((make((3,), ft.float32), 1), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((1.0, 0), exc=TypeError, match="must be Tensor")]),
    OpSpec("diff", ref=_diff_ref, dtypes=FLOATS + (ft.int64, ft.bool), method="diff",
           samples=lambda dt: [Sample((make((3, 5), dt),), name="default"), Sample((make((3, 5), dt),), {"n": 2, "dim": 0}, "n2 dim0"),
                               Sample((make((5, 6), dt, noncontig=True),), {"n": 3}, "noncontig"),
                               Sample((make((3, 4), dt), 1, -1, make((3, 1), dt, seed=1), make((3, 2), dt, seed=2)),
                                      name="prepend append"),
                               Sample((make((4,), dt),), {"n": 6}, "n past length"), Sample((make((0, 3), dt),), name="empty")],
           errors=lambda: [ErrorCase((make((), ft.float32),), match="at least one-dimensional"),
                           ErrorCase((make((3,), ft.float32),), {"n": -1}, match="order must be non-negative"),
                           ErrorCase((make((3,), ft.float32),), {"prepend": make((2, 2), ft.float32)},
                                     match="same dimension as input")]),
    OpSpec("dist", ref=_dist_ref, dtypes=FLOATS, method="dist",
           samples=lambda dt: [Sample((make((3, 4), dt), make((4,), dt, seed=1)), name="broadcast"),
                               Sample((make((3, 4), dt), make((3, 4), dt, seed=1)), {"p": 1}, "p=1"),
                               Sample((make((3, 4), dt), make((3, 4), dt, seed=1)), {"p": 3.5}, "p=3.5"),
                               Sample((make((3, 4), dt), make((3, 4), dt, seed=1)), {"p": _INF}, "p=inf"),
                               Sample((make((5, 6), dt, noncontig=True), make((), dt)), {"p": 0}, "p=0 noncontig 0d")],
           errors=lambda: [ErrorCase((make((3,), ft.int64), make((3,), ft.int64)), match="floating point or complex"),
                           ErrorCase((make((3,), ft.float32), 3.0), exc=TypeError, match="must be Tensor"),
                           ErrorCase((make((3,), ft.float32), make((4,), ft.float32)), match="broadcast|size of tensor")]),
    OpSpec("cdist", ref=_cdist_ref, dtypes=FLOATS,
           samples=lambda dt: [Sample((make((3, 2), dt), make((4, 2), dt, seed=1)), name="2d"),
                               Sample((make((2, 3, 2), dt), make((4, 2), dt, seed=1)), {"p": 1.0}, "batch broadcast p=1"),
                               Sample((make((3, 4), dt, noncontig=True), make((2, 4), dt, seed=1)), {"p": 0.0}, "p=0"),
                               Sample((make((3, 2), dt), make((2, 2), dt, seed=1)), {"p": _INF}, "p=inf"),
                               Sample((make((30, 3), dt), make((26, 3), dt, seed=1)), name="matmul path"),
                               Sample((make((3, 3), dt), make((2, 3), dt, seed=1)), {"compute_mode": "use_mm_for_euclid_dist"},
                                      "forced matmul"),
                               Sample((make((0, 3), dt), make((2, 3), dt, seed=1)), name="empty")],
           errors=lambda: [ErrorCase((make((3,), ft.float32), make((2, 3), ft.float32)), match="at least 2D tensors"),
                           ErrorCase((make((2, 3), ft.float32), make((2, 4), ft.float32)), match="same number of columns"),
                           ErrorCase((make((2, 3), ft.int64), make((2, 3), ft.int64)), match="floating-point dtypes"),
                           ErrorCase((make((2, 3), ft.float32), make((2, 3), ft.float32)), {"p": -1.0}, match="non-negative p"),
                           ErrorCase((make((2, 3), ft.float32), make((2, 3), ft.float32)), {"compute_mode": "x"},
                                     exc=ValueError, match="not a valid value for compute_mode")]),
    OpSpec("cov", ref=_cov_ref, dtypes=FLOATS + (ft.int64,), method="cov",
           samples=lambda dt: [Sample((make((3, 5), dt),), name="2d"), Sample((make((6,), dt),), name="1d"),
                               Sample((make((2, 8), dt, noncontig=True),), {"correction": 0}, "noncontig correction=0"),
                               Sample((make((2, 4), dt),), {"fweights": ft.tensor([1, 2, 0, 3]),
                                                            "aweights": ft.tensor([0.5, 1.0, 2.0, 1.5])}, "weights"),
                               Sample((make((2, 4), dt),), {"aweights": ft.tensor([0.5, 1.0, 2.0, 1.5], dtype=ft.float64),
                                                            "correction": 2}, "aweights correction=2")],
           errors=lambda: [ErrorCase((make((2, 2, 2), ft.float32),), match="two or fewer dimensions"),
                           ErrorCase((make((1, 3), ft.float32),), {"fweights": ft.tensor([1.0, 1.0, 1.0])}, match="integral dtype"),
                           ErrorCase((make((1, 3), ft.float32),), {"fweights": ft.tensor([1, -1, 1])}, match="cannot be negative"),
                           ErrorCase((make((1, 3), ft.float32),), {"aweights": ft.tensor([1, 1, 1])}, match="floating point dtype"),
                           ErrorCase((make((1, 3), ft.float32),), {"correction": 0.5}, exc=TypeError, match="must be int")]),
    OpSpec("corrcoef", ref=lambda x: np.corrcoef(x.astype(np.float64)), dtypes=FLOATS + (ft.int64,), method="corrcoef",
           samples=lambda dt: [Sample((make((3, 5), dt),), name="2d"), Sample((make((6,), dt),), name="1d"),
                               Sample((make((2, 8), dt, noncontig=True),), name="noncontig")],
           errors=lambda: [ErrorCase((make((2, 2, 2), ft.float32),), match="two or fewer dimensions"),
                           ErrorCase((1.0,), exc=TypeError, match="must be Tensor"),
                           ErrorCase(([1.0, 2.0],), exc=TypeError, match="must be Tensor")]),
    OpSpec("renorm", ref=_renorm_ref, dtypes=FLOATS, method="renorm",
           samples=lambda dt: [Sample((make((3, 4), dt), 2, 0, 2.0), name="p2 dim0"), Sample((make((3, 4), dt), 1, 1, 1.5), name="p1 dim1"),
                               Sample((make((2, 3, 4), dt), 3.0, -1, 1.0), name="3d"),
                               Sample((make((5, 6), dt, noncontig=True), 2, 0, 100.0), name="noncontig no-op"),
                               Sample((make((0, 3), dt), 2, 1, 1.0), name="empty")],
           errors=lambda: [ErrorCase((make((2, 2), ft.float32), -1, 0, 1.0), match="non-positive-norm"),
                           ErrorCase((make((2, 2), ft.float32), 2, 0, -1.0), match="maxnorm to be >= 0"),
                           ErrorCase((make((3,), ft.float32), 2, 0, 1.0), match="at least 2 dimensions"),
                           ErrorCase((make((2, 2), ft.float32), 2, 3, 1.0), exc=IndexError, match="Dimension out of range")]),
)

for _name in ("trapezoid", "trapz"):
    add(OpSpec(_name, ref=_trapz_ref, dtypes=FLOATS + (ft.int64,),
               samples=lambda dt: [Sample((make((3, 5), dt),), name="default"), Sample((make((3, 5), dt),), {"dim": 0}, "dim0"),
                                   Sample((make((3, 4), dt), ft.tensor([0.0, 0.5, 1.5, 3.0], dtype=ft.float64 if dt is ft.float64
                                                                       else ft.float32)), name="1d x"),
                                   Sample((make((3, 4), dt), make((3, 4), ft.float64 if dt is ft.float64 else ft.float32, seed=1)),
                                          name="nd x"),
                                   Sample((make((5, 6), dt, noncontig=True),), {"dx": 0.5}, "dx noncontig"),
                                   Sample((make((2, 1), dt),), name="one point"), Sample((make((2, 0), dt),), name="empty")],
               grad_args=(0,),
               errors=lambda n=_name: [ErrorCase((make((2,), ft.bool),), match="bool is not supported"),
                                       ErrorCase((make((), ft.float32),), exc=IndexError, match="no dimensions"),
                                       ErrorCase((make((3,), ft.float32), make((2,), ft.float32)), match="one `x` value for each")]))
add(OpSpec("cumulative_trapezoid", ref=_cumtrapz_ref, dtypes=FLOATS + (ft.int64,), grad_args=(0,),
           samples=lambda dt: [Sample((make((3, 5), dt),), name="default"), Sample((make((3, 5), dt),), {"dim": 0, "dx": 2.0}, "dim0 dx"),
                               Sample((make((3, 4), dt), ft.tensor([0.0, 0.5, 1.5, 3.0], dtype=ft.float64)), name="1d x"),
                               Sample((make((5, 6), dt, noncontig=True),), name="noncontig")],
           errors=lambda: [ErrorCase((make((2,), ft.bool),), match="bool is not supported"),
                           ErrorCase((make((), ft.float32),), exc=IndexError, match="no dimensions"),
                           ErrorCase((make((3,), ft.float32), make((2,), ft.float32)), match="one `x` value for each")]))
add(
    OpSpec("vander", ref=_vander_ref, dtypes=FLOATS + INTS + (ft.bool,),
           samples=lambda dt: [Sample((make((4,), dt),), name="default"), Sample((make((3,), dt),), {"N": 5}, "N=5"),
                               Sample((make((3,), dt),), {"N": 4, "increasing": True}, "increasing"),
                               Sample((make((6,), dt, noncontig=True),), {"N": 1}, "N=1 noncontig"),
                               Sample((make((3,), dt),), {"N": 0}, "N=0"), Sample((make((0,), dt),), name="empty")],
           errors=lambda: [ErrorCase((make((2, 2), ft.float32),), match="one-dimensional"),
                           ErrorCase((make((2,), ft.float32),), {"N": -1}, match="N must be non-negative"),
                           ErrorCase((1.0,), exc=TypeError, match="must be Tensor")]),
    OpSpec("unravel_index", ref=lambda i, shape: tuple(np.unravel_index(np.mod(i, int(np.prod(shape))), shape)),
           dtypes=(ft.int64, ft.int32), differentiable=False,
           samples=lambda dt: [Sample((make((7,), dt, 0, 59), (3, 4, 5)), name="3d"), Sample((make((), dt, 0, 5), (2, 3)), name="0d"),
                               Sample((make((2, 3), dt, -20, 20), (4, 5)), name="negative wraps"),
                               Sample((make((4,), dt, 0, 9), 10), name="int shape"), Sample((make((0,), dt), (2, 2)), name="empty")],
           errors=lambda: [ErrorCase((make((2,), ft.float32), (2, 2)), exc=TypeError, match="integer dtype"),
                           ErrorCase((make((2,), ft.int64), (2, -2)), exc=ValueError, match="cannot have negative values"),
                           ErrorCase((3, (2, 2)), exc=TypeError, match="must be Tensor")]),
)
