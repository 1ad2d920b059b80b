"""Specs: random factories and samplers (nondeterministic: shapes/dtypes here, values in test_random.py)."""

import fx.tensor as ft
from opspec import FLOATS, LOWP, ErrorCase, OpSpec, Sample, add, make

FLOATISH = FLOATS + LOWP


def _probs(shape, dtype, noncontig=False):
    return make(shape, dtype, 0.0, 1.0, noncontig=noncontig)


def _size_samples(dtype):
    return [Sample((3, 4), {"dtype": dtype}, "varargs"), Sample(((2, 3),), {"dtype": dtype}, "tuple"),
            Sample(((),), {"dtype": dtype}, "0d"), Sample((0, 3), {"dtype": dtype}, "empty"),
            Sample((5,), {"dtype": dtype, "generator": ft.Generator().manual_seed(1)}, "generator"),
            Sample((2, 2), {"dtype": dtype, "requires_grad": True}, "requires_grad")]


def _like_samples(dtype):
    return [Sample((make((3, 4), dtype),), name="2d"), Sample((make((5, 6), dtype, noncontig=True),), name="noncontig"),
            Sample((make((), dtype),), name="0d"), Sample((make((0, 3), dtype),), name="empty"),
            Sample((make((2, 3), dtype),), {"dtype": ft.float64}, "dtype")]


def _size_errors(op):
    return lambda: [ErrorCase((-1, 3), exc=RuntimeError, match="negative dimension"),
                    ErrorCase((2.5,), exc=TypeError, match="size"),
                    ErrorCase((2,), {"dtype": ft.int64}, exc=NotImplementedError, match="Long"),
                    ErrorCase((2,), {"generator": "x"}, exc=TypeError, match="generator"),
                    ErrorCase((2,), {"dtype": ft.int32}, exc=RuntimeError, match=op)]


add(OpSpec("rand", samples=_size_samples, dtypes=FLOATISH, nondeterministic=True, differentiable=False,
           errors=_size_errors("rand")),
    OpSpec("randn", samples=_size_samples, dtypes=FLOATISH, nondeterministic=True, differentiable=False,
           errors=_size_errors("randn")))

_like_errors = lambda op: lambda: [  # noqa: E731
    ErrorCase(([1.0],), exc=TypeError, match="must be Tensor"),
    ErrorCase((make((2,), ft.int64),), exc=NotImplementedError, match="Long"),
    ErrorCase((make((2,), ft.float32),), {"dtype": ft.bool}, exc=RuntimeError, match="Bool"),
]
add(OpSpec("rand_like", samples=_like_samples, dtypes=FLOATISH, nondeterministic=True, differentiable=False,
           errors=_like_errors("rand_like")),
    OpSpec("randn_like", samples=_like_samples, dtypes=FLOATISH, nondeterministic=True, differentiable=False,
           errors=_like_errors("randn_like")))


def _randint_samples(dtype):
    return [Sample((10, (3, 4)), {"dtype": dtype}, "high"), Sample((-5, 5, (6,)), {"dtype": dtype}, "low_high"),
            Sample((0, 2, ()), {"dtype": dtype}, "0d"), Sample((3, (0, 2)), {"dtype": dtype}, "empty"),
            Sample((7,), {"size": (2, 2), "dtype": dtype}, "size_kw"),
            Sample((0, 100, (4,)), {"dtype": dtype, "generator": ft.Generator()}, "generator")]


add(OpSpec("randint", samples=_randint_samples, dtypes=(ft.int64, ft.int32, ft.int16, ft.float32, ft.float64),
           nondeterministic=True, differentiable=False,
           errors=lambda: [ErrorCase((5, 3, (2,)), match="from=5 >= to=3"),
                           ErrorCase((3, 2), exc=TypeError, match="size"),
                           ErrorCase((0.5, (2,)), exc=TypeError, match="high"),
                           ErrorCase((0, 300, (2,)), {"dtype": ft.uint8}, match="to - 1 is out of bounds"),
                           ErrorCase((-1, 3, (2,)), {"dtype": ft.uint8}, match="from is out of bounds"),
                           ErrorCase((3, (-1,)), match="negative dimension"),
                           ErrorCase((3, (2,)), {"requires_grad": True}, match="floating point")]))


def _randint_like_samples(dtype):
    return [Sample((make((3, 4), dtype), 5), name="high"), Sample((make((5, 6), dtype, noncontig=True), 1, 4), name="low_high"),
            Sample((make((), dtype), 2), name="0d"), Sample((make((0, 3), dtype), 4), name="empty"),
            Sample((make((2,), dtype),), {"high": 9}, "high_kw")]


add(OpSpec("randint_like", samples=_randint_like_samples, dtypes=(ft.int64, ft.uint8, ft.float32), nondeterministic=True,
           differentiable=False,
           errors=lambda: [ErrorCase((make((2,), ft.float32), 5, 2), match="from=5 >= to=2"),
                           ErrorCase(([1.0], 3), exc=TypeError, match="must be Tensor"),
                           ErrorCase((make((2,), ft.int8), 0, 1000), match="out of bounds for signed char"),
                           ErrorCase((make((2,), ft.int64), 1.5), exc=TypeError, match="high")]))

add(OpSpec("randperm", samples=lambda dt: [Sample((10,), {"dtype": dt}, "n"), Sample((0,), {"dtype": dt}, "empty"),
                                           Sample((1,), {"dtype": dt}, "one"),
                                           Sample((7,), {"dtype": dt, "generator": ft.Generator()}, "generator")],
           dtypes=(ft.int64, ft.int32, ft.uint8, ft.float32), nondeterministic=True, differentiable=False,
           errors=lambda: [ErrorCase((-1,), match="negative dimension"),
                           ErrorCase((3.5,), exc=TypeError, match="must be int"),
                           ErrorCase((300,), {"dtype": ft.uint8}, match="without overflow"),
                           ErrorCase((3,), {"dtype": ft.bool}, match="without overflow")]))


def _normal_samples(dtype):
    return [Sample((make((3, 4), dtype), make((3, 4), dtype, 0.1, 2.0)), name="tensor_tensor"),
            Sample((make((2, 1, 4), dtype), make((3, 1), dtype, 0.1, 2.0)), name="broadcast"),
            Sample((make((5, 6), dtype, noncontig=True), 0.5), name="tensor_float"),
            Sample((1.0, make((5, 6), dtype, 0.1, 2.0, noncontig=True)), name="float_tensor"),
            Sample((make((), dtype), make((), dtype, 0.1, 2.0)), name="0d"),
            Sample((make((0, 3), dtype), 1.0), name="empty"),
            Sample((0.0, 2.0, (2, 3)), {"dtype": dtype}, "float_float"),
            Sample((0.0, 1.0, ()), {"dtype": dtype, "generator": ft.Generator()}, "float_float_0d")]


add(OpSpec("normal", samples=_normal_samples, dtypes=FLOATISH, nondeterministic=True, differentiable=False,
           errors=lambda: [ErrorCase((make((2,), ft.float32), -1.0), match="std >= 0.0"),
                           ErrorCase((make((2,), ft.float32), make((2,), ft.float32, -2.0, -1.0)),
                                     match="all elements of std >= 0.0"),
                           ErrorCase((0.0, -1.0, (2,)), match="std >= 0.0"),
                           ErrorCase((1.0, 2.0), exc=TypeError, match="size"),
                           ErrorCase((make((2,), ft.int64), 1.0), exc=NotImplementedError, match="Long"),
                           ErrorCase((make((2,), ft.float32), make((3,), ft.float32, 0.1, 1.0)), match="broadcast")]))


def _bernoulli_samples(dtype):
    return [Sample((_probs((3, 4), dtype),), name="probs"), Sample((_probs((5, 6), dtype, noncontig=True),), name="noncontig"),
            Sample((_probs((), dtype),), name="0d"), Sample((_probs((0, 3), dtype),), name="empty"),
            Sample((make((3,), dtype), 0.3), name="p_float"), Sample((make((2, 2), dtype),), {"p": 1.0}, "p_kw"),
            Sample((_probs((4,), dtype),), {"generator": ft.Generator()}, "generator")]


add(OpSpec("bernoulli", samples=_bernoulli_samples, dtypes=FLOATISH, nondeterministic=True, differentiable=False,
           errors=lambda: [ErrorCase((ft.tensor([1.5]),), match="p_in >= 0 && p_in <= 1"),
                           ErrorCase((ft.tensor([-0.5, 0.5]),), match="p_in >= 0 && p_in <= 1"),
                           ErrorCase((ft.ones(2), 1.5), match=r"p to be in \[0, 1\], but got p=1.5"),
                           ErrorCase((ft.ones(2, dtype=ft.int64),), exc=NotImplementedError, match="Long"),
                           ErrorCase((0.5,), exc=TypeError, match="must be Tensor")]))


def _multinomial_samples(dtype):
    return [Sample((_probs((6,), dtype), 3), name="1d"), Sample((_probs((6,), dtype), 10, True), name="1d_replacement"),
            Sample((_probs((3, 5), dtype), 2), name="2d"), Sample((_probs((3, 5), dtype), 7, True), name="2d_replacement"),
            Sample((_probs((4, 10), dtype, noncontig=True), 5), name="noncontig"),
            Sample((ft.tensor([0.0, 1.0, 0.0], dtype=dtype), 3), name="zeros"),
            Sample((ft.ones(0, 3, dtype=dtype), 2), name="empty_rows"),
            Sample((_probs((5,), dtype), 5), {"replacement": False, "generator": ft.Generator()}, "all")]


add(OpSpec("multinomial", samples=_multinomial_samples, dtypes=FLOATISH, nondeterministic=True, differentiable=False,
           errors=lambda: [ErrorCase((ft.tensor([1.0, -1.0]), 1), match="inf.*nan.*element < 0"),
                           ErrorCase((ft.tensor([1.0, float("nan")]), 1), match="inf.*nan.*element < 0"),
                           ErrorCase((ft.tensor([1.0, float("inf")]), 1, True), match="inf.*nan.*element < 0"),
                           ErrorCase((ft.ones(2), 3), match="n_sample > prob_dist.size"),
                           ErrorCase((ft.ones(2), 0), match="n_sample <= 0"),
                           ErrorCase((ft.zeros(2, 2), 1), match="sum of probabilities <= 0"),
                           ErrorCase((ft.ones(2, 2, 2), 1), match="1 or 2 dim"),
                           ErrorCase((ft.ones(2, dtype=ft.int64), 1), match="floating-point dtypes"),
                           ErrorCase((ft.ones(2), 1.5), exc=TypeError, match="num_samples")]))

add(OpSpec("poisson", samples=lambda dt: [Sample((make((3, 4), dt, 0.0, 30.0),), name="2d"),
                                          Sample((make((5, 6), dt, 0.0, 5.0, noncontig=True),), name="noncontig"),
                                          Sample((make((), dt, 0.0, 5.0),), name="0d"),
                                          Sample((make((0, 3), dt, 0.0, 5.0),), name="empty"),
                                          Sample((ft.tensor([0.0, 1e4], dtype=dt), ft.Generator()), name="generator")],
           dtypes=FLOATISH, nondeterministic=True, differentiable=False,
           errors=lambda: [ErrorCase((ft.tensor([-1.0]),), match="non-negative"),
                           ErrorCase((ft.tensor([float("nan")]),), match="non-negative"),
                           ErrorCase((ft.tensor([1]),), exc=NotImplementedError, match="Long"),
                           ErrorCase(([1.0],), exc=TypeError, match="must be Tensor")]))


# ---- in-place samplers, as functions of a fresh copy of the input ----------------------------
def _method(name):
    def op(x, *args, **kwargs):
        return getattr(x.clone(), name)(*args, **kwargs)

    return op


def _fill_samples(*kwargs_list):
    def gen(dtype):
        base = [("2d", make((3, 4), dtype)), ("noncontig", make((5, 6), dtype, noncontig=True)),
                ("0d", make((), dtype)), ("empty", make((0, 3), dtype))]
        return [Sample((x,), kw, f"{n}{kw}") for n, x in base for kw in kwargs_list]

    return gen


def _fill_errors(bad_kwargs, match):
    return lambda: [ErrorCase((make((2,), ft.float32),), bad_kwargs, match=match),
                    ErrorCase((make((2,), ft.float32),), {"generator": 3}, exc=TypeError, match="generator"),
                    ErrorCase((make((2,), ft.int64),), exc=RuntimeError, match="Long")]


INPLACE = {
    "uniform_": ([{}, {"from_": -2.0, "to": 5.0}], {"from_": 3.0, "to": 1.0}, "from=3 > to=1", FLOATISH),
    "normal_": ([{}, {"mean": 2.0, "std": 0.5}], {"std": -1.0}, "std >= 0.0", FLOATISH),
    "exponential_": ([{}, {"lambd": 3.0}], {"lambd": 0.0}, "lambda > 0.0", FLOATISH),
    "log_normal_": ([{}, {"mean": 0.0, "std": 0.5}], {"std": 0.0}, "std > 0.0", FLOATISH),
    "cauchy_": ([{}, {"median": 1.0, "sigma": 2.0}], {"sigma": -1.0}, "sigma > 0.0", FLOATISH),
}
for _name, (_kws, _bad, _match, _dts) in INPLACE.items():
    add(OpSpec(f"Tensor.{_name}", op=_method(_name), samples=_fill_samples(*_kws), dtypes=_dts, nondeterministic=True,
               differentiable=False, torch_ref=None, errors=_fill_errors(_bad, _match)))

add(OpSpec("Tensor.geometric_", op=_method("geometric_"), samples=_fill_samples({"p": 0.3}), dtypes=FLOATISH + (ft.int64,),
           nondeterministic=True, differentiable=False, torch_ref=None,
           errors=lambda: [ErrorCase((make((2,), ft.float32),), {"p": 0.0}, match=r"\(0, 1\), but got p=0"),
                           ErrorCase((make((2,), ft.float32),), {"p": 1.5}, match="p=1.5"),
                           ErrorCase((make((2,), ft.float32),), {"p": "x"}, exc=TypeError, match="number")]),
    OpSpec("Tensor.random_", op=_method("random_"),
           samples=lambda dt: _fill_samples({})(dt) + [Sample((make((3, 4), dt), 5), name="to"),
                                                       Sample((make((3, 4), dt), -3, 3), name="from_to")],
           dtypes=(ft.int64, ft.int32, ft.int8, ft.float32, ft.float64, ft.float16),
           nondeterministic=True, differentiable=False, torch_ref=None,
           errors=lambda: [ErrorCase((make((2,), ft.float32), 5, 3), match="from=5 >= to=3"),
                           ErrorCase((make((2,), ft.uint8), -1, 3), match="from is out of bounds for unsigned char"),
                           ErrorCase((make((2,), ft.uint8), 0, 300), match="to - 1 is out of bounds"),
                           ErrorCase((make((2,), ft.float32), 2.5), exc=TypeError, match="to")]),
    OpSpec("Tensor.bernoulli_", op=_method("bernoulli_"),
           samples=lambda dt: _fill_samples({}, {"p": 0.2})(dt) + [Sample((make((3, 4), dt), _probs((4,), ft.float32)), name="p_tensor")],
           dtypes=FLOATISH + (ft.int64, ft.bool), nondeterministic=True, differentiable=False, torch_ref=None,
           errors=lambda: [ErrorCase((make((2,), ft.float32), 1.5), match=r"\[0, 1\], but got p=1.5"),
                           ErrorCase((make((2,), ft.float32), ft.tensor([2.0, 0.0])), match="p_in >= 0"),
                           ErrorCase((make((3,), ft.float32), ft.full((2, 3), 0.5)), match="broadcast"),
                           ErrorCase((make((2,), ft.float32), "x"), exc=TypeError, match="number")]))
