"""CPU kernels of the elementwise primitives (NumPy ufuncs; the C library overrides hot ones)."""

from __future__ import annotations

import math

import numpy as np

from . import _c
from ._util import opmath, register

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
# Smallest size at which the C kernel beats NumPy, per op and dtype (measured on 2 cores: the C
# kernels are SIMD + OpenMP from 32K elements; NumPy's own SIMD exp/log/tanh win below that, and
# for float64 its SVML functions beat libm). A missing dtype keeps NumPy.
_C_FROM = {
    "exp": {_F32: 32768}, "log": {_F32: 32768},
    "sigmoid": {_F32: 0}, "silu": {_F32: 0}, "gelu": {_F32: 0, _F64: 0}, "gelu_tanh": {_F32: 0},
    "erf": {_F32: 0, _F64: 0}, "erfc": {_F32: 0, _F64: 0}, "relu": {_F32: 4096, _F64: 4096},
}
_NEVER = 1 << 62


def _c_first(name, fallback):
    """Kernel of `name`: the C kernel where it is faster (see _C_FROM), else NumPy `fallback`."""
    sizes = _C_FROM.get(name, {})

    def kernel(x, *args):
        if x.size >= sizes.get(x.dtype, _NEVER):
            out = _c.unary_f(name, x, copy=True)
            if out is not None:
                return out
        return fallback(x, *args)

    kernel.__name__ = name
    return kernel


_SIMPLE_UNARY = {
    "exp": np.exp, "exp2": np.exp2, "expm1": np.expm1, "log": np.log, "log2": np.log2,
    "log1p": np.log1p, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin,
    "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "neg": np.negative, "abs": np.absolute,
    "floor": np.floor, "ceil": np.ceil, "trunc": np.trunc, "square": np.square,
}
for _name, _fn in _SIMPLE_UNARY.items():
    register(_name)(opmath(_c_first(_name, _fn) if _name in _C_FROM else _fn))

@register("log10")
@opmath
def log10(x):
    # NumPy's float32 log10 is 1 ulp off at powers of ten (log10(100) = 2.0000002): go through
    # float64, which rounds back to the correctly rounded float32 result.
    if x.dtype == _F32:
        return np.log10(x, dtype=_F64).astype(_F32)
    return np.log10(x)


_erf_scalar = np.frompyfunc(math.erf, 1, 1)
_erfc_scalar = np.frompyfunc(math.erfc, 1, 1)
_lgamma_scalar = np.frompyfunc(lambda v: math.inf if v <= 0 and v == math.floor(v) else math.lgamma(v), 1, 1)


def erf_np(x):
    """erf of a float array: the C kernel, or libm one element at a time."""
    out = _c.unary_f("erf", x, copy=True)
    return out if out is not None else np.asarray(_erf_scalar(x)).astype(x.dtype)


@register("erf")
@opmath
def erf(x):
    return erf_np(x)


@register("erfc")
@opmath
def erfc(x):
    out = _c.unary_f("erfc", x, copy=True)
    return out if out is not None else np.asarray(_erfc_scalar(x)).astype(x.dtype)


@register("lgamma")
@opmath
def lgamma(x):
    return np.asarray(_lgamma_scalar(x)).astype(x.dtype)


@register("digamma")
@opmath
def digamma(x):
    return _digamma64(x).astype(x.dtype)


def _digamma64(x):
    # psi(x) = ln(x) - 1/2x - sum B_2k / (2k x^2k), after shifting x >= 6 by recurrence;
    # the reflection formula handles negative arguments.
    x = x.astype(np.float64)
    out = np.zeros_like(x)
    neg = x < 0.5
    xr = np.where(neg, 1.0 - x, x)
    acc = np.zeros_like(x)
    while True:
        small = xr < 6.0
        if not small.any():
            break
        acc -= np.where(small, 1.0 / xr, 0.0)
        xr = np.where(small, xr + 1.0, xr)
    inv2 = 1.0 / (xr * xr)
    series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))))
    out = acc + np.log(xr) - 0.5 / xr - series
    out = np.where(neg, out - np.pi / np.tan(np.pi * x), out)
    out = np.where((x < 0) & (x == np.floor(x)), np.nan, out)
    out = np.where(x == 0, np.copysign(np.inf, -x), out)  # PyTorch: psi(+0) = -inf, psi(-0) = +inf
    return out


@register("erfinv")
@opmath
def erfinv(x):
    # Giles' single-precision initial guess, refined by two Newton steps on erf in float64.
    # Arguments outside (-1, 1) are set aside first (their result is +-inf or NaN) so that no
    # inf/NaN reaches NumPy's polyval, which would warn.
    x_in = x.astype(np.float64)
    inside = np.abs(x_in) < 1
    xd = np.where(inside, x_in, 0.0)
    w = -np.log((1.0 - xd) * (1.0 + xd))
    small = w < 5.0
    ws = w - 2.5
    wl = np.sqrt(np.where(small, 5.0, w)) - 3.0
    ps = np.polyval([2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                     -0.00125372503, -0.00417768164, 0.246640727, 1.50140941], ws)
    pl = np.polyval([-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                     -0.0076224613, 0.00943887047, 1.00167406, 2.83297682], wl)
    y = np.where(small, ps, pl) * xd
    for _ in range(2):
        err = np.asarray(_erf_scalar(y)).astype(np.float64) - xd
        y = y - err / (2.0 / math.sqrt(math.pi) * np.exp(-y * y))
    y = np.where(inside, y, np.where(np.abs(x_in) == 1, np.copysign(np.inf, x_in), np.nan))
    return y.astype(x.dtype)


@register("rsqrt")
@opmath
def rsqrt(x):
    return np.reciprocal(np.sqrt(x))


@register("reciprocal")
@opmath
def reciprocal(x):
    return np.reciprocal(x)


def _sigmoid_np(x):
    # exp of a negative number only: never overflows.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


sigmoid = register("sigmoid")(opmath(_c_first("sigmoid", _sigmoid_np)))
silu = register("silu")(opmath(_c_first("silu", lambda x: x * _sigmoid_np(x))))


@register("mish")
@opmath
def mish(x):
    return x * np.tanh(softplus(x, 1.0, 20.0))


@register("selu")
@opmath
def selu(x):
    return elu(x, 1.6732632423543772, 1.0507009873554805, 1.0)


@register("sign")
def sign(x):
    if x.dtype == np.bool_:
        return x.copy()
    out = np.sign(x)
    if x.dtype.kind in "fV":
        out = np.where(np.isnan(out), out.dtype.type(0), out)  # PyTorch: sign(NaN) = 0
    return out


def _relu_np(x):
    return np.maximum(x, 0).astype(x.dtype, copy=False)


relu = register("relu")(_c_first("relu", _relu_np))


@register("isnan")
def isnan(x):
    return np.isnan(x) if x.dtype.kind not in "biu" else np.zeros(x.shape, np.bool_)


@register("isinf")
def isinf(x):
    return np.isinf(x) if x.dtype.kind not in "biu" else np.zeros(x.shape, np.bool_)


@register("isposinf")
def isposinf(x):
    return np.isposinf(x) if x.dtype.kind not in "biu" else np.zeros(x.shape, np.bool_)


@register("isneginf")
def isneginf(x):
    return np.isneginf(x) if x.dtype.kind not in "biu" else np.zeros(x.shape, np.bool_)


@register("isfinite")
def isfinite(x):
    return np.isfinite(x) if x.dtype.kind not in "biu" else np.ones(x.shape, np.bool_)


@register("signbit")
def signbit(x):
    return np.signbit(x) if x.dtype != np.bool_ else np.zeros(x.shape, np.bool_)


@register("logical_not")
def logical_not(x):
    return np.logical_not(x)


@register("bitwise_not")
def bitwise_not(x):
    return np.invert(x)


def _gelu_tanh_np(x):
    k = math.sqrt(2.0 / math.pi)
    return (0.5 * x * (1.0 + np.tanh(k * (x + 0.044715 * x * x * x)))).astype(x.dtype, copy=False)


def _gelu_erf_np(x):
    return (0.5 * x * (1.0 + erf_np(x * (1.0 / math.sqrt(2.0))))).astype(x.dtype, copy=False)


_gelu_tanh = _c_first("gelu_tanh", _gelu_tanh_np)
_gelu_erf = _c_first("gelu", _gelu_erf_np)


@register("gelu")
@opmath
def gelu(x, approximate):
    return _gelu_tanh(x) if approximate == "tanh" else _gelu_erf(x)


@register("softplus")
@opmath
def softplus(x, beta, threshold):
    bx = x * beta
    soft = np.log1p(np.exp(np.minimum(bx, threshold))) / beta
    return np.where(bx > threshold, x, soft).astype(x.dtype, copy=False)


@register("elu")
@opmath
def elu(x, alpha, scale, input_scale):
    neg = alpha * np.expm1(np.minimum(x, 0) * input_scale)
    return (scale * np.where(x > 0, x, neg)).astype(x.dtype, copy=False)


@register("celu")
@opmath
def celu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha)).astype(x.dtype, copy=False)


@register("leaky_relu")
@opmath
def leaky_relu(x, negative_slope):
    return np.where(x > 0, x, x * x.dtype.type(negative_slope))


@register("hardtanh")
@opmath
def hardtanh(x, min_val, max_val):
    return np.clip(x, x.dtype.type(min_val), x.dtype.type(max_val))


@register("threshold")
def threshold(x, threshold, value):
    # PyTorch's test is x <= threshold: a NaN input, or a NaN threshold, keeps x.
    return np.where(x <= threshold, np.asarray(value, x.dtype), x)


@register("logit")
@opmath
def logit(x, eps):
    if eps is not None:
        x = np.clip(x, eps, 1 - eps)
    return np.log(x / (1 - x))


@register("round")
def round_(x, decimals):
    if x.dtype.kind in "biu" and decimals >= 0:
        return x.copy()
    return opmath(lambda a: np.round(a, decimals))(x)


@register("clamp")
def clamp(x, min, max):
    if x.dtype.kind == "f" or x.dtype.kind == "V":
        lo = -np.inf if min is None else min
        hi = np.inf if max is None else max
        # NaN bounds propagate like PyTorch: any comparison with NaN yields NaN.
        out = np.minimum(np.maximum(x, x.dtype.type(lo)), x.dtype.type(hi))
        return out
    info = np.iinfo(x.dtype) if x.dtype.kind != "b" else None
    lo = min if min is not None else (info.min if info else 0)
    hi = max if max is not None else (info.max if info else 1)
    return np.clip(x, lo, hi).astype(x.dtype, copy=False)


@register("nan_to_num")
def nan_to_num(x, nan, posinf, neginf):
    return np.nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf)


@register("pow_scalar")
@opmath
def pow_scalar(x, exponent):
    if exponent == 2:
        return x * x
    if exponent == 0.5:
        return np.sqrt(x)
    if x.dtype.kind in "biu":
        return np.power(x, int(exponent)).astype(x.dtype, copy=False)
    return np.power(x, x.dtype.type(exponent))


_SIMPLE_BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "maximum": np.maximum, "minimum": np.minimum,
    "fmax": np.fmax, "fmin": np.fmin, "atan2": np.arctan2, "hypot": np.hypot, "copysign": np.copysign,
    "eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
    "ge": np.greater_equal, "logical_and": np.logical_and, "logical_or": np.logical_or,
    "logical_xor": np.logical_xor, "bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or,
    "bitwise_xor": np.bitwise_xor, "bitwise_left_shift": np.left_shift, "bitwise_right_shift": np.right_shift,
}
# NumPy's float16 and ml_dtypes' bfloat16 loops already compute these in float32 and round once.
for _name in ("add", "sub", "mul", "maximum", "minimum", "fmax", "fmin"):
    register(_name)(_SIMPLE_BINARY[_name])
for _name in ("atan2", "hypot", "copysign"):
    register(_name)(opmath(_SIMPLE_BINARY[_name]))
for _name in ("eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "bitwise_and",
              "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"):
    register(_name)(_SIMPLE_BINARY[_name])


@register("div")
@opmath
def div(a, b):
    # The C kernel wins from ~128K same-shape elements (2 threads). add/sub/mul stay bare ufuncs:
    # the size check alone would cost 8% of a small `a + b`.
    if a.size >= 131072:
        out = _c.binary_f("div", a, b)
        if out is not None:
            return out
    return np.true_divide(a, b)


@register("div_floor")
@opmath
def div_floor(a, b):
    if a.dtype.kind in "biu":
        return np.floor_divide(a, b)
    return np.floor(np.true_divide(a, b))


@register("div_trunc")
@opmath
def div_trunc(a, b):
    if a.dtype.kind in "biu":
        q = np.floor_divide(a, b)
        fix = (q < 0) & (q * b != a)
        return q + fix.astype(q.dtype)
    return np.trunc(np.true_divide(a, b))


@register("remainder")
@opmath
def remainder(a, b):
    return np.remainder(a, b)


@register("fmod")
@opmath
def fmod(a, b):
    return np.fmod(a, b)


@register("pow")
@opmath
def pow_(a, b):
    return np.power(a, b)


@register("xlogy")
@opmath
def xlogy(a, b):
    out = a * np.log(b)
    return np.where(a == 0, np.where(np.isnan(b), np.nan, 0), out).astype(out.dtype, copy=False)


_WHERE = {_F32: ("fx_where_f32", "float[]"), _F64: ("fx_where_f64", "double[]")} if _c.AVAILABLE else {}
_WHERE = {dt: (getattr(_c.lib, fn), ct) for dt, (fn, ct) in _WHERE.items() if hasattr(_c.lib, fn)}  # (an older build)
_BOOL = np.dtype(np.bool_)


def _where_c(cond, a, b):
    """np.where by the C kernel (NumPy's branches on every element: 40x slower on random masks) for
    a C-contiguous bool cond of the result's shape and float a, b of cond's shape or single
    elements; None otherwise."""
    k = _WHERE.get(a.dtype)
    if k is None or b.dtype != a.dtype or cond.dtype != _BOOL or not cond.flags.c_contiguous:
        return None
    shape, nd = cond.shape, cond.ndim
    incs = []
    for x in (a, b):
        if x.shape == shape and x.flags.c_contiguous:
            incs.append(1)
        elif x.size == 1 and x.ndim <= nd:
            incs.append(0)
        else:
            return None
    y = np.empty(shape, a.dtype)
    if y.size:
        fn, ct = k
        buf = _c.ffi.from_buffer
        fn(buf("uint8_t[]", cond), buf(ct, a), incs[0], buf(ct, b), incs[1], buf(ct, y), y.size)
    return y


@register("where")
def where(cond, a, b):
    if cond.size >= 256:
        out = _where_c(cond, a, b)
        if out is not None:
            return out
    return np.where(cond, a, b)
