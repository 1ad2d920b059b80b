"""PyTorch's remaining elementwise math: angle conversion, log-add-exp, gcd/lcm, heaviside, sinc, ldexp,
nextafter and frexp.

Primitives: "logaddexp" (base2), "frexp" (mantissa, exponent), and the non-differentiable "gcd",
"lcm", "heaviside" and "nextafter". deg2rad, rad2deg, sinc and ldexp compose existing primitives.
"""

from __future__ import annotations

import math

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor
from ._common import _tname, binary_operands, check_tensor, finish, to_float
from .binary import mul, pow, where
from .reduce import _return_type
from .unary import not_implemented_for, sin

P_logaddexp = define("logaddexp")  # params: base2 (False: natural log, True: log2)
P_frexp = define("frexp", nout=2)  # -> (mantissa in input's dtype, int32 exponent)
P_gcd = define("gcd", differentiable=False)
P_lcm = define("lcm", differentiable=False)
P_heaviside = define("heaviside", differentiable=False)
P_nextafter = define("nextafter", differentiable=False)

__all__ = ["deg2rad", "rad2deg", "logaddexp", "logaddexp2", "gcd", "lcm", "heaviside", "sinc", "ldexp", "nextafter",
           "frexp"]

frexp_ret = _return_type("frexp", "mantissa exponent")


def require_tensors(op, *args):
    """PyTorch's argument check for ops whose every operand is a Tensor: ((value, name), ...)."""
    for pos, (value, name) in enumerate(args, 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be Tensor, not {type(value).__name__}")


def deg2rad(input, *, out=None):
    check_tensor(input, "deg2rad")
    return finish(mul(to_float(input), math.pi / 180.0), out, "deg2rad")


def rad2deg(input, *, out=None):
    check_tensor(input, "rad2deg")
    return finish(mul(to_float(input), 180.0 / math.pi), out, "rad2deg")


def _float_pair(op, kernel, input, other):
    require_tensors(op, (input, "input"), (other, "other"))
    a, b, dt = binary_operands(input, other, op)
    if not dt.is_floating_point:
        raise not_implemented_for(a, kernel)
    return a, b


def logaddexp(input, other, *, out=None):
    a, b = _float_pair("logaddexp", "logaddexp", input, other)
    return finish(P_logaddexp(a, b, base2=False), out, "logaddexp")


def logaddexp2(input, other, *, out=None):
    a, b = _float_pair("logaddexp2", "logaddexp2", input, other)
    return finish(P_logaddexp(a, b, base2=True), out, "logaddexp2")


def _integer_pair(op, prim, input, other, out):
    require_tensors(op, (input, "input"), (other, "other"))
    a, b, dt = binary_operands(input, other, op)
    if dt.category != _dtype.INT:
        raise not_implemented_for(a, op)
    return finish(prim(a, b), out, op)


def gcd(input, other, *, out=None):
    return _integer_pair("gcd", P_gcd, input, other, out)


def lcm(input, other, *, out=None):
    return _integer_pair("lcm", P_lcm, input, other, out)


def heaviside(input, values, *, out=None):
    require_tensors("heaviside", (input, "input"), (values, "values"))
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return finish(P_heaviside(input, values), out, "heaviside")


def sinc(input, *, out=None):
    check_tensor(input, "sinc")
    x = to_float(input)
    zero = x == 0
    # sin(pi x) / (pi x) on a safe argument where x == 0: the masked 0/0 would turn gradients into NaN.
    px = where(zero, 1.0, x * math.pi)
    return finish(where(zero, 1.0, sin(px) / px), out, "sinc")


def ldexp(input, other, *, out=None):
    """input * 2 ** other (PyTorch's own composition: integer operands give the default float dtype)."""
    require_tensors("ldexp", (input, "input"), (other, "other"))
    return finish(mul(input, pow(2.0, other)), out, "ldexp")


def nextafter(input, other, *, out=None):
    a, b = _float_pair("nextafter", "nextafter", input, other)
    return finish(P_nextafter(a, b), out, "nextafter")


def frexp(input, *, out=None):
    check_tensor(input, "frexp")
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = P_frexp(input)
    if out is not None:
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError("frexp(): argument 'out' must be a tuple of 2 Tensors")
        if out[1].dtype is not _dtype.int32:
            raise RuntimeError(f"frexp: expected exponent to have int dtype, but got {_tname(out[1].dtype)}")
        mantissa, exponent = finish(mantissa, out[0], "frexp"), finish(exponent, out[1], "frexp")
    return frexp_ret((mantissa, exponent))


for _name in ("deg2rad", "rad2deg", "logaddexp", "logaddexp2", "gcd", "lcm", "heaviside", "sinc", "ldexp", "nextafter",
              "frexp"):
    setattr(Tensor, _name, globals()[_name])
