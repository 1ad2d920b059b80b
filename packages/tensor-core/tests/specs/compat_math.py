"""Specs: elementwise math added for PyTorch programs (angles, log-add-exp, gcd/lcm, heaviside, sinc, ldexp,
nextafter, frexp) and the special functions i0, polygamma, mvlgamma."""

import math

import numpy as np

import fx.tensor as ft
from opspec import FLOATS, INTS, LOWP, ErrorCase, OpSpec, Sample, add, binary_samples, make, unary_samples

FLOATISH = FLOATS + LOWP
_INF, _NAN = float("inf"), float("nan")


def _f64(fn):
    return lambda *a, **k: fn(*[x.astype(np.float64) if isinstance(x, np.ndarray) else x for x in a], **k)


def _tensor_errors(name, nargs=1, kernel=None, int_ok=False):
    """Non-tensor arguments (TypeError) and, for float-only kernels, integer inputs (NotImplementedError)."""
    def gen():
        x = make((3,), ft.float32)
        cases = [ErrorCase((1.0,) + (x,) * (nargs - 1), exc=TypeError, match="must be Tensor"),
                 ErrorCase(([1.0],) + (x,) * (nargs - 1), exc=TypeError, match="must be Tensor")]
        if nargs == 2:
            cases.append(ErrorCase((x, 2.0), exc=TypeError, match=r"argument '\w+' \(position 2\) must be Tensor, not float"))
        if kernel is not None and not int_ok:
            i = make((3,), ft.int64)
            cases.append(ErrorCase((i,) * nargs, exc=NotImplementedError, match=rf'"{kernel}_cpu" not implemented for \'Long\''))
        if nargs == 1:
            cases.append(ErrorCase((x,), {"out": make((3,), ft.int64)}, match="can't be cast"))
        return cases

    return gen


def _edge_pairs(dtype):
    a = [0.0, -1.0, 2.0, _INF, -_INF, _INF, _NAN, -0.0]
    b = [0.5, 0.5, 0.5, _INF, -_INF, -_INF, 1.0, 0.0]
    return [Sample((ft.tensor(a, dtype=dtype), ft.tensor(b, dtype=dtype)), name="edges")]


def _np_heaviside(x, v):
    x, v = np.broadcast_arrays(x, v)
    return np.where(x == 0, v, (x > 0).astype(x.dtype))


def _np_nextafter(a, b):
    if a.dtype.kind == "f":
        return np.nextafter(a, b)
    return None


add(
    OpSpec("deg2rad", ref=_f64(np.deg2rad), samples=unary_samples(-360, 360), dtypes=FLOATISH + (ft.int64, ft.bool),
           method="deg2rad", errors=_tensor_errors("deg2rad")),
    OpSpec("rad2deg", ref=_f64(np.rad2deg), samples=unary_samples(), dtypes=FLOATISH + (ft.int64, ft.bool),
           method="rad2deg", errors=_tensor_errors("rad2deg")),
    OpSpec("logaddexp", ref=_f64(np.logaddexp), samples=lambda dt: binary_samples(-30, 30)(dt) + _edge_pairs(dt)[:1],
           dtypes=FLOATISH, method="logaddexp", errors=_tensor_errors("logaddexp", 2, "logaddexp")),
    OpSpec("logaddexp2", ref=_f64(np.logaddexp2), samples=lambda dt: binary_samples(-30, 30)(dt) + _edge_pairs(dt)[:1],
           dtypes=FLOATISH, method="logaddexp2", errors=_tensor_errors("logaddexp2", 2, "logaddexp2")),
    OpSpec("gcd", ref=np.gcd, samples=binary_samples(-40, 40), dtypes=INTS, differentiable=False, method="gcd",
           errors=lambda: _tensor_errors("gcd", 2)() + [
               ErrorCase((make((3,), ft.float32), make((3,), ft.float32)), exc=NotImplementedError,
                         match="\"gcd_cpu\" not implemented for 'Float'"),
               ErrorCase((make((3,), ft.bool), make((3,), ft.bool)), exc=NotImplementedError,
                         match="\"gcd_cpu\" not implemented for 'Bool'")]),
    OpSpec("lcm", ref=np.lcm, samples=binary_samples(-12, 12), dtypes=(ft.int16, ft.int32, ft.int64), differentiable=False,
           method="lcm", errors=lambda: _tensor_errors("lcm", 2)() + [
               ErrorCase((make((3,), ft.float64), make((3,), ft.int64)), exc=NotImplementedError,
                         match="\"lcm_cpu\" not implemented for 'Double'")]),
    OpSpec("heaviside", ref=_np_heaviside, dtypes=FLOATS + (ft.int64, ft.bool), differentiable=False, method="heaviside",
           samples=lambda dt: binary_samples(-2, 2)(dt)
           + ([Sample((ft.tensor([0.0, -0.0, _NAN, -_INF, _INF, 3.0], dtype=dt), ft.tensor([0.5], dtype=dt)), name="edges")]
              if dt.is_floating_point else []),
           errors=lambda: _tensor_errors("heaviside", 2)() + [
               ErrorCase((make((3,), ft.float32), make((3,), ft.float64)), match="tensors with different dtypes")]),
    OpSpec("sinc", ref=_f64(lambda x: np.sinc(x)), dtypes=FLOATISH + (ft.int64,), method="sinc",
           samples=lambda dt: unary_samples()(dt) + ([Sample((ft.tensor([0.0, -0.0, 1.0, -2.5, 1e-9, _INF, _NAN], dtype=dt),),
                                                             name="edges")] if dt.is_floating_point else []),
           errors=_tensor_errors("sinc")),
    OpSpec("ldexp", ref=lambda a, b: a * np.power(2.0, b.astype(np.float64)), method="ldexp",
           dtypes=FLOATS + (ft.int64,),
           samples=lambda dt: [Sample((make((3, 4), dt), make((3, 4), ft.int64, -4, 4, seed=2)), name="int exponent"),
                               Sample((make((3, 4), dt), make((4,), dt, -2, 2, seed=3)), name="broadcast"),
                               Sample((make((5, 6), dt, noncontig=True), make((), ft.int32, -3, 3)), name="noncontig 0d"),
                               Sample((make((0, 2), dt), make((2,), ft.int64, 0, 2)), name="empty")],
           grad_args=(0,), errors=lambda: _tensor_errors("ldexp", 2)() + [
               ErrorCase((make((3,), ft.float32), make((4,), ft.int64)), match="broadcast|size of tensor")]),
    OpSpec("nextafter", ref=_np_nextafter, dtypes=FLOATS + (ft.float16,), differentiable=False, method="nextafter",
           samples=lambda dt: binary_samples()(dt) + _edge_pairs(dt), errors=_tensor_errors("nextafter", 2, "nextafter")),
    OpSpec("nextafter", dtypes=(ft.bfloat16,), differentiable=False, ref=None,
           samples=lambda dt: binary_samples()(dt) + _edge_pairs(dt)),
    OpSpec("frexp", ref=lambda x: tuple(np.frexp(x.astype(np.float32) if x.dtype.kind == "V" else x)),
           dtypes=FLOATISH, method="frexp", grad_args=(0,),
           samples=lambda dt: unary_samples(-100, 100)(dt)
           + [Sample((ft.tensor([0.0, -0.0, 1.0, -8.0, 0.75, _INF, -_INF, _NAN], dtype=dt),), name="edges")],
           errors=lambda: [ErrorCase((make((3,), ft.int64),), match=r"frexp\(\) only supports floating-point"),
                           ErrorCase((make((3,), ft.bool),), match=r"frexp\(\) only supports floating-point"),
                           ErrorCase((1.5,), exc=TypeError, match="must be Tensor")]),
)


def _i0_ref(x):
    return np.i0(x.astype(np.float64))


def _polygamma_ref(n, x):
    """(-1)^(n+1) n! sum_k (x + k)^-(n+1): 20000 terms summed directly, the rest by its integral (a
    different method from the kernel's Euler-Maclaurin shift); poles at 0, -1, ... are inf."""
    x = x.astype(np.float64)
    if n == 0:
        from fx.tensor._backend.cpu.elementwise import _digamma64

        return _digamma64(x)
    k = np.arange(20000.0).reshape((-1,) + (1,) * x.ndim)
    with np.errstate(divide="ignore", invalid="ignore"):
        total = (1.0 / (x + k) ** (n + 1)).sum(0)
        end = x + 20000.0
        total += 1.0 / (n * end ** n) + 0.5 / end ** (n + 1)
    pole = (x <= 0) & (x == np.floor(x))
    return np.where(pole, np.inf, (-1.0) ** (n + 1) * math.factorial(n) * total)


def _mvlgamma_ref(x, p):
    one = lambda v: sum(math.lgamma(v - i / 2) for i in range(p)) + p * (p - 1) / 4 * math.log(math.pi)  # noqa: E731
    return np.vectorize(one, otypes=[np.float64])(x.astype(np.float64))


def _polygamma_samples(dtype):
    out = []
    for n in (1, 2, 3):
        base = unary_samples(0.2, 6)(dtype)
        out += [Sample((n,) + s.args, name=f"n={n} {s.name}") for s in base]
    out.append(Sample((2, ft.tensor([-1.5, -2.75, 0.5, 1e6], dtype=dtype)), name="negative and large"))
    out.append(Sample((1, ft.tensor([0.0], dtype=dtype)), name="pole at 0"))  # torch is inexact at -1, -2, ...
    out.append(Sample((0, make((3, 4), dtype, 0.2, 5)), name="n=0 is digamma"))
    return out


add(
    OpSpec("i0", ref=_i0_ref, dtypes=FLOATISH + (ft.int64,), method="i0",
           samples=lambda dt: unary_samples(-8, 8)(dt) + ([Sample((ft.tensor([0.0, 30.0, -50.0, _INF, _NAN], dtype=dt),),
                                                                  name="edges")] if dt is ft.float64 else []),
           errors=_tensor_errors("i0")),
    OpSpec("polygamma", ref=_polygamma_ref, dtypes=FLOATS, samples=_polygamma_samples, grad_args=(1,),
           errors=lambda: [ErrorCase((-1, make((3,), ft.float32)), match="does not support negative n"),
                           ErrorCase((1.5, make((3,), ft.float32)), exc=TypeError, match="argument 'n'.*must be int"),
                           ErrorCase((1, [1.0]), exc=TypeError, match="must be Tensor")]),
    OpSpec("mvlgamma", ref=_mvlgamma_ref, dtypes=FLOATS + (ft.int64,), method="mvlgamma",
           samples=lambda dt: [Sample((make((3, 4), dt, 2, 6), p), name=f"p={p}") for p in (1, 2, 3)]
           + [Sample((make((5, 6), dt, 2, 6, noncontig=True), 2), name="noncontig"), Sample((make((), dt, 2, 6), 4), name="0d"),
              Sample((make((0, 3), dt, 2, 6), 2), name="empty")],
           errors=lambda: [ErrorCase((make((3,), ft.float32, 2, 4), 0), match="p has to be greater than or equal to 1"),
                           ErrorCase((make((3,), ft.float32, 2, 4), 1.5), exc=TypeError, match="argument 'p'"),
                           ErrorCase((2.5, 2), exc=TypeError, match="must be Tensor")]),
)
