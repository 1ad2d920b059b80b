"""Specs: the fused softmax and log_softmax."""

import numpy as np

import fx.tensor as ft
from opspec import FLOATS, LOWP, ErrorCase, OpSpec, Sample, add, make

INF, NAN = float("inf"), float("nan")


def _ref(log):
    def ref(x, dim, dtype=None):
        x = np.asarray(x, dtype=np.float64)
        m = np.max(x, axis=dim, keepdims=True) if x.size else 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            shifted = x - m
            s = np.sum(np.exp(shifted), axis=dim, keepdims=True)
            return shifted - np.log(s) if log else np.exp(shifted) / s

    return ref


def _samples(dt):
    m = lambda shape, **kw: make(shape, dt, -4.0, 4.0, **kw)  # noqa: E731
    x3 = m((2, 3, 4))
    out = [
        Sample((m((3, 5)), 1), name="2d-last"),
        Sample((m((3, 5)), 0), name="2d-first"),
        Sample((m((3, 5)),), {"dim": -1}, name="kw-neg-dim"),
        Sample((x3, 1), name="3d-middle"),
        Sample((x3, -3), name="3d-first"),
        Sample((m((4, 37)), 1), name="odd-row"),  # a SIMD body plus a ragged tail
        Sample((m((5, 6), noncontig=True), 1), name="noncontig"),
        Sample((m((5, 6), noncontig=True), 0), name="noncontig-dim0"),
        Sample((x3.transpose(0, 2), 0), name="transposed"),
        Sample((m(()), 0), name="0d"),
        Sample((m(()), -1), name="0d-neg"),
        Sample((make((0, 3), dt), 1), name="empty-rows"),
        Sample((make((2, 0), dt), 1), name="empty-dim"),
        Sample((ft.tensor([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.0]], dtype=dt), 1), name="large"),
        Sample((ft.tensor([[-INF, 0.0, 1.0], [-INF, -INF, 2.0]], dtype=dt), 1), name="minus-inf"),
        Sample((ft.tensor([[NAN, 0.0, 1.0], [INF, 0.0, 1.0], [-INF, -INF, -INF]], dtype=dt), 1), name="nan-inf"),
        Sample((m((2, 3)), 1), {"dtype": ft.float64}, name="dtype-f64"),
    ]
    if dt is ft.float32:
        out += [Sample((make((2, 3), ft.int64), 1), {"dtype": ft.float32}, name="int-dtype"),
                Sample((make((2, 1100), dt), 1), name="long-row"),  # several sum blocks
                Sample((make((2, 70, 3), dt), 1), name="long-strided")]
    return out


def _errors(name):
    return lambda: [
        ErrorCase((make((2, 3), ft.int64), 1), exc=NotImplementedError, match="not implemented for 'Long'"),
        ErrorCase((make((2, 3), ft.bool), 0), exc=NotImplementedError, match="not implemented for 'Bool'"),
        ErrorCase((make((2, 3), ft.float32), 1), {"dtype": ft.int32}, exc=NotImplementedError,
                  match="not implemented for 'Int'"),
        ErrorCase((make((2, 3), ft.float32), 2), exc=IndexError, match="Dimension out of range"),
        ErrorCase((make((), ft.float32), 1), exc=IndexError, match=r"range of \[-1, 0\]"),
        ErrorCase((make((2, 3), ft.float32), 1.0), exc=TypeError, match="'dim' must be int"),
        ErrorCase((make((2, 3), ft.float32), None), exc=TypeError, match="'dim' must be int"),
        ErrorCase(([1.0, 2.0], 0), exc=TypeError, match="must be Tensor"),
        ErrorCase((make((2, 3), ft.float32), 1), {"dtype": "float32"}, exc=TypeError, match="'dtype' must be"),
    ]


for _name, _log in (("softmax", False), ("log_softmax", True)):
    add(OpSpec(_name, ref=_ref(_log), samples=_samples, dtypes=FLOATS + LOWP, errors=_errors(_name),
               method=_name, grad_args=(0,)))
