"""Specs: tensor factories (creation from data, filled, ranges, eye, *_like)."""

import numpy as np

import fx.tensor as ft
from opspec import ALL, ErrorCase, OpSpec, Sample, add, make

_NP_DEFAULT = {"float32": np.float32}


def _sized(fn_name, extra=()):
    def gen(dtype):
        return [Sample(((2, 3),) + extra, {"dtype": dtype}), Sample(((4,) if extra else 4,) + extra, {"dtype": dtype}),
                Sample(((),) + extra, {"dtype": dtype}), Sample(((0, 5),) + extra, {"dtype": dtype})]

    return gen


def _size_errors(fn):
    return lambda: [ErrorCase(((-1, 2),), match="negative dimension"),
                    ErrorCase(((2**62,),), match="cannot allocate"),
                    ErrorCase((("a",),), exc=(TypeError, ValueError), match="size|invalid literal"),
                    ErrorCase(((2,),), {"dtype": "complex"}, exc=TypeError, match="dtype")]


add(
    OpSpec("zeros", ref=lambda s, dtype: np.zeros(s, dtype), dtypes=ALL, samples=_sized("zeros"),
           differentiable=False, errors=_size_errors("zeros")),
    OpSpec("ones", ref=lambda s, dtype: np.ones(s, dtype), dtypes=ALL, samples=_sized("ones"),
           differentiable=False, errors=_size_errors("ones")),
    OpSpec("empty", dtypes=ALL, samples=_sized("empty"), nondeterministic=True, differentiable=False,
           errors=_size_errors("empty")),
    OpSpec("full", ref=lambda s, v, dtype: np.full(s, v, dtype), dtypes=ALL, samples=_sized("full", (1,)),
           differentiable=False,
           errors=lambda: [ErrorCase(((-1,), 1.0), match="negative dimension"),
                           ErrorCase(((2**62,), 1.0), match="cannot allocate"),
                           ErrorCase(((2,), "x"), exc=TypeError, match="number")]),
    OpSpec("empty_strided", op=lambda s, st, dtype=None: ft.empty_strided(s, st, dtype=dtype).zero_(),
           ref=lambda s, st, dtype: np.zeros(s, dtype), torch_ref=None, differentiable=False,
           samples=lambda dt: [Sample(((2, 3), (3, 1)), {"dtype": dt}), Sample(((2, 3), (1, 2)), {"dtype": dt}),
                               Sample(((0, 3), (3, 1)), {"dtype": dt})],
           errors=lambda: [ErrorCase(((2, 3), (1,)), match="mismatch in length"),
                           ErrorCase(((2, 3), (1, -2)), match="non-negative"),
                           ErrorCase(((2**40, 2**40), (2**40, 1)), match="cannot allocate")]),
    OpSpec("tensor", ref=lambda d, dtype=None: np.asarray(d, dtype), dtypes=(ft.float32,), differentiable=False,
           torch_ref="same",
           samples=lambda dt: [Sample(([[1, 2], [3, 4]],)), Sample(([1.5, 2],)), Sample(([True, False],)),
                               Sample((3.0,)), Sample(([],)), Sample(([[1, 2]],), {"dtype": ft.float64}),
                               Sample((np.arange(4, dtype=np.int16),)), Sample(([1, 2],), {"dtype": ft.bfloat16})],
           errors=lambda: [ErrorCase(([[1, 2], [3]],), exc=ValueError, match="rectangular|sequence"),
                           ErrorCase(("abc",), exc=TypeError, match="invalid data type"),
                           ErrorCase(([1, "a"],), exc=TypeError, match="numeric dtype")]),
    OpSpec("as_tensor", ref=lambda d, dtype=None: np.asarray(d, dtype), torch_ref="same", differentiable=False,
           samples=lambda dt: [Sample(([[1, 2], [3, 4]],)), Sample((np.ones(3, np.float64),)),
                               Sample((np.ones(3, np.float64),), {"dtype": ft.float32})],
           errors=lambda: [ErrorCase(("abc",), exc=TypeError, match="invalid data type")] * 3),
    OpSpec("asarray", ref=lambda d: np.asarray(d), torch_ref="same", differentiable=False,
           samples=lambda dt: [Sample(([[1, 2], [3, 4]],))],
           errors=lambda: [ErrorCase(("abc",), exc=TypeError, match="invalid data type")] * 3),
    OpSpec("scalar_tensor", ref=lambda v, dtype=None: np.asarray(v, dtype or np.float32), differentiable=False,
           samples=lambda dt: [Sample((3,)), Sample((2.5,), {"dtype": ft.float64})],
           errors=lambda: [ErrorCase((1,), {"dtype": 5}, exc=TypeError, match="dtype")] * 3),
    OpSpec("arange", ref=lambda *a, dtype=None: np.arange(*a).astype(dtype or (np.float32 if any(isinstance(v, float) for v in a) else np.int64)),
           differentiable=False, dtypes=(ft.float32,),
           samples=lambda dt: [Sample((5,)), Sample((1, 10, 3)), Sample((0.0, 1.0, 0.25)), Sample((5, 0, -1)),
                               Sample((0, 5), {"dtype": ft.float64}), Sample((0,)), Sample((2.5,))],
           errors=lambda: [ErrorCase((0, 5, 0), match="step must be nonzero"),
                           ErrorCase((0, 5, -1), match="inconsistent with step sign"),
                           ErrorCase((0, float("inf")), match="unsupported range")]),
    OpSpec("range", ref=lambda a, b, s=1: np.arange(a, b + s / 2, s).astype(np.float32), differentiable=False,
           samples=lambda dt: [Sample((1, 4)), Sample((0, 1, 0.25))], torch_ref=None,
           errors=lambda: [ErrorCase((0, 5, 0), exc=(RuntimeError, ZeroDivisionError), match="")] * 3),
    OpSpec("linspace", ref=lambda a, b, n, dtype=None: np.linspace(a, b, n).astype(dtype or np.float32), differentiable=False,
           samples=lambda dt: [Sample((0, 1, 5)), Sample((-2, 2, 1)), Sample((0, 1, 0)), Sample((0, 10, 4), {"dtype": ft.float64})],
           errors=lambda: [ErrorCase((0, 1, -1), match="non-negative"), ErrorCase((0, 1, 2.5), exc=TypeError, match="steps"),
                           ErrorCase((0, 1, "x"), exc=TypeError, match="steps")]),
    OpSpec("logspace", ref=lambda a, b, n, base=10.0: np.logspace(a, b, n, base=base).astype(np.float32), differentiable=False,
           samples=lambda dt: [Sample((0, 2, 5)), Sample((0, 3, 4), {"base": 2.0})],
           errors=lambda: [ErrorCase((0, 1, -1), match="non-negative")] * 3),
    OpSpec("eye", ref=lambda n, m=None, dtype=None: np.eye(n, m, dtype=dtype or np.float32), differentiable=False,
           samples=lambda dt: [Sample((3,)), Sample((2, 4)), Sample((0,)), Sample((3,), {"dtype": ft.int64})],
           errors=lambda: [ErrorCase((-1,), match="non-negative"), ErrorCase((2, -3), match="non-negative"),
                           ErrorCase((2**40,), match="cannot allocate")]),
)


def _like_samples(dtype):
    return [Sample((make((2, 3), dtype),)), Sample((make((), dtype),)), Sample((make((0, 2), dtype),)),
            Sample((make((2, 3), dtype),), {"dtype": ft.float64})]


def _like_errors():
    return [ErrorCase(([1, 2],), exc=TypeError, match="must be Tensor"), ErrorCase((None,), exc=TypeError, match="must be Tensor"),
            ErrorCase((3,), exc=TypeError, match="must be Tensor")]


add(
    OpSpec("zeros_like", ref=lambda x, dtype=None: np.zeros_like(x, dtype=dtype), dtypes=ALL, samples=_like_samples,
           differentiable=False, errors=_like_errors),
    OpSpec("ones_like", ref=lambda x, dtype=None: np.ones_like(x, dtype=dtype), dtypes=ALL, samples=_like_samples,
           differentiable=False, errors=_like_errors),
    OpSpec("empty_like", dtypes=ALL, samples=_like_samples, nondeterministic=True, differentiable=False, errors=_like_errors),
    OpSpec("full_like", ref=lambda x, v, dtype=None: np.full_like(x, v, dtype=dtype), dtypes=ALL, differentiable=False,
           samples=lambda dt: [Sample((make((2, 3), dt), 1)), Sample((make((), dt), 0))],
           errors=lambda: [ErrorCase(([1, 2], 1), exc=TypeError, match="must be Tensor")] * 3),
    OpSpec("clone", ref=lambda x: x.copy(), dtypes=ALL, method="clone",
           samples=lambda dt: [Sample((make((2, 3), dt),)), Sample((make((4, 6), dt, noncontig=True),)),
                               Sample((make((), dt),)), Sample((make((0, 2), dt),))],
           errors=lambda: [ErrorCase(([1, 2],), exc=TypeError, match="must be Tensor")] * 3),
)
