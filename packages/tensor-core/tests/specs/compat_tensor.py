"""Specs: predicates (is_floating_point, ...), typename, window functions, split_with_sizes, frombuffer, and
the recorded global switches (matmul precision, deterministic algorithms, default device)."""

import math

import numpy as np

import fx.tensor as ft
from opspec import ALL, FLOATS, LOWP, ErrorCase, OpSpec, Sample, add, make

FLOATISH = FLOATS + LOWP


def _torch(name):
    return lambda *a, **k: getattr(__import__("torch"), name)(*a, **k)


def _one_tensor(dt):
    return [Sample((make((2, 3), dt),), name="2d"), Sample((make((), dt),), name="0d"), Sample((make((0,), dt),), name="empty")]


_PREDICATE_REFS = {"is_floating_point": lambda x: x.dtype.kind in "fV", "is_complex": lambda x: False,
                   "is_signed": lambda x: x.dtype.kind in "ifV"}
for _name, _ref in _PREDICATE_REFS.items():
    add(OpSpec(_name, ref=_ref, dtypes=ALL, differentiable=False, samples=_one_tensor, method=_name,
               errors=lambda n=_name: [ErrorCase((1.0,), exc=TypeError, match=rf"{n}\(\): argument 'input' \(position 1\) must be Tensor"),
                                       ErrorCase(([1.0],), exc=TypeError, match="must be Tensor"),
                                       ErrorCase((None,), exc=TypeError, match="must be Tensor")]))
add(
    OpSpec("is_nonzero", ref=lambda x: bool(x.reshape(-1)[0] != 0), dtypes=ALL, differentiable=False, method="is_nonzero",
           samples=lambda dt: [Sample((ft.zeros(1, dtype=dt),), name="zero"), Sample((ft.ones((), dtype=dt),), name="one 0d"),
                               Sample((make((1, 1), dt),), name="1x1")],
           errors=lambda: [ErrorCase((ft.zeros(0),), match="Tensor with no values is ambiguous"),
                           ErrorCase((ft.zeros(2),), match="Tensor with more than one value is ambiguous"),
                           ErrorCase((1,), exc=TypeError, match="must be Tensor")]),
    OpSpec("is_same_size", ref=lambda a, b: a.shape == b.shape, differentiable=False, method="is_same_size",
           samples=lambda dt: [Sample((make((2, 3), dt), make((2, 3), dt, seed=1)), name="same"),
                               Sample((make((2, 3), dt), make((3, 2), dt)), name="transposed"),
                               Sample((make((), dt), make((1,), dt)), name="0d vs 1d")],
           errors=lambda: [ErrorCase((make((2,), ft.float32), [1.0, 2.0]), exc=TypeError, match="argument 'other'"),
                           ErrorCase((1.0, make((2,), ft.float32)), exc=TypeError, match="argument 'input'"),
                           ErrorCase((None, None), exc=TypeError, match="must be Tensor")]),
    OpSpec("typename", ref=None, dtypes=ALL, differentiable=False,
           torch_ref=lambda x: __import__("torch").typename(x).replace("torch.", "fx.tensor.", 1),
           samples=lambda dt: [Sample((make((2,), dt),), name="tensor")]),
    # Anything else is named by its module and qualified name (builtins by the bare name).
    OpSpec("typename", ref=lambda obj: obj.__qualname__ if isinstance(obj, type) else type(obj).__qualname__,
           dtypes=(ft.float32,), differentiable=False,
           samples=lambda dt: [Sample((1,), name="int"), Sample(("s",), name="str"), Sample((int,), name="a class")]),
)


# ---- windows ---------------------------------------------------------------------------------------
def _window_ref(shape):
    def ref(n, periodic=True, *extra, dtype=None, **kw):
        if n == 0:
            return np.zeros(0)
        if n == 1:
            return np.ones(1)
        m = n + 1 if periodic else n
        w = shape(np.arange(m, dtype=np.float64), m, *extra, **kw)
        return w[:n]

    return ref


def _cos_sum(*coefs):
    def shape(i, m, *extra, **kw):
        alpha, beta = (extra + (kw.get("alpha"), kw.get("beta")))[:2] if (extra or kw) else (None, None)
        cs = coefs if alpha is None else (alpha, beta)
        return sum((-1) ** k * a * np.cos(2 * math.pi * k * i / (m - 1)) for k, a in enumerate(cs))

    return shape


def _kaiser_shape(i, m, beta=12.0):
    half = (m - 1) / 2
    return np.i0(beta * np.sqrt(np.clip(1 - ((i - half) / half) ** 2, 0, None))) / np.i0(beta)


_WINDOWS = {
    "hann_window": _cos_sum(0.5, 0.5), "hamming_window": _cos_sum(0.54, 0.46), "blackman_window": _cos_sum(0.42, 0.5, 0.08),
    "bartlett_window": lambda i, m: 1 - np.abs(2 * i / (m - 1) - 1), "kaiser_window": _kaiser_shape,
}
_WINDOW_EXTRA = {"hamming_window": ((0.5, 0.5), "alpha beta"), "kaiser_window": ((5.0,), "beta")}


def _window_samples(name):
    def gen(dt):
        out = [Sample((n,), {"dtype": dt}, f"N={n}") for n in (0, 1, 2, 7)]
        out += [Sample((8, False), {"dtype": dt}, "symmetric"), Sample((6, True), {"dtype": dt}, "periodic")]
        if name in _WINDOW_EXTRA:
            extra, what = _WINDOW_EXTRA[name]
            out.append(Sample((9, False) + extra, {"dtype": dt}, what))
        return out

    return gen


for _name, _shape in _WINDOWS.items():
    add(OpSpec(_name, ref=_window_ref(_shape), dtypes=FLOATISH, differentiable=False, samples=_window_samples(_name),
               errors=lambda n=_name: [ErrorCase((-1,), match=rf"{n} requires non-negative window_length"),
                                       ErrorCase((5,), {"dtype": ft.int64}, match="expects floating point dtypes"),
                                       ErrorCase((5.0,), exc=TypeError, match="must be int, not float")]))


# ---- splitting and buffers ----------------------------------------------------------------------------
def _split_ref(x, sizes, dim=0):
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=dim))


add(OpSpec("split_with_sizes", ref=_split_ref, dtypes=FLOATS + (ft.int64,), method="split_with_sizes",
           samples=lambda dt: [Sample((make((5, 3), dt), [2, 3]), name="dim0"), Sample((make((3, 4), dt), (1, 0, 3), 1), name="zero size"),
                               Sample((make((4, 6), dt, noncontig=True), [1, 2, 3], -1), name="noncontig")],
           errors=lambda: [ErrorCase((make((3,), ft.float32), [1, 1]), match="sum exactly to 3"),
                           ErrorCase((make((3,), ft.float32), [1, 2], 1), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((make((3,), ft.float32), 3), exc=TypeError, match="must be tuple of ints")]))


def _buffer_samples(dt):
    raw = np.arange(24, dtype=np.uint8).tobytes()
    size = dt.itemsize
    return [Sample((bytearray(raw),), {"dtype": dt}, "whole"),
            Sample((bytearray(raw),), {"dtype": dt, "count": 2, "offset": size}, "count offset")]


add(OpSpec("frombuffer", ref=lambda buf, dtype, count=-1, offset=0: np.frombuffer(buf, dtype=dtype, count=count, offset=offset),
           dtypes=(ft.uint8, ft.int16, ft.int32, ft.int64, ft.float32, ft.float64), differentiable=False, samples=_buffer_samples,
           errors=lambda: [ErrorCase((b"abc",), {"dtype": ft.int16}, exc=ValueError, match="must be a multiple of element size"),
                           ErrorCase((bytearray(8),), {"dtype": ft.float32, "count": 3}, exc=ValueError,
                                     match="must not be greater than actual buffer length"),
                           ErrorCase((bytearray(8),), {"dtype": ft.float32, "offset": 9}, exc=ValueError, match="offset \\(9 bytes\\)"),
                           ErrorCase((bytearray(0),), {"dtype": ft.float32}, exc=ValueError, match="must not be 0")]))


# ---- global switches: each spec's samples end in the default state ------------------------------------
def _returns(value):
    return lambda *a, **k: value


add(
    OpSpec("set_float32_matmul_precision", ref=_returns(None), dtypes=(ft.float32,), differentiable=False,
           samples=lambda dt: [Sample(("high",)), Sample(("medium",)), Sample(("highest",))]),
    OpSpec("get_float32_matmul_precision", ref=_returns("highest"), dtypes=(ft.float32,), differentiable=False,
           samples=lambda dt: [Sample(())]),
    OpSpec("use_deterministic_algorithms", ref=_returns(None), dtypes=(ft.float32,), differentiable=False,
           samples=lambda dt: [Sample((True,)), Sample((True,), {"warn_only": True}), Sample((False,))],
           errors=lambda: [ErrorCase((1,), exc=TypeError, match="argument 'mode'.*must be bool, not int"),
                           ErrorCase((True,), {"warn_only": "yes"}, exc=TypeError, match="argument 'warn_only'"),
                           ErrorCase((None,), exc=TypeError, match="must be bool")]),
    OpSpec("are_deterministic_algorithms_enabled", ref=_returns(False), dtypes=(ft.float32,), differentiable=False,
           samples=lambda dt: [Sample(())]),
    OpSpec("is_deterministic_algorithms_warn_only_enabled", ref=_returns(False), dtypes=(ft.float32,), differentiable=False,
           samples=lambda dt: [Sample(())]),
    OpSpec("set_default_device", ref=_returns(None), dtypes=(ft.float32,), differentiable=False, torch_ref=None,
           samples=lambda dt: [Sample(("cpu",)), Sample((ft.device("cpu"),)), Sample((None,))],
           errors=lambda: [ErrorCase(("cuda",), match="CUDA backend is not available"),
                           ErrorCase(("cuda:1",), match="CUDA backend is not available"),
                           ErrorCase(("tpu",), match="Expected one of cpu, cuda")]),
    OpSpec("get_default_device", op=lambda: str(ft.get_default_device()), ref=_returns("cpu"), dtypes=(ft.float32,),
           differentiable=False, torch_ref=lambda: str(__import__("torch").get_default_device()), samples=lambda dt: [Sample(())]),
)
