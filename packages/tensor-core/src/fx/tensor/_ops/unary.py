"""Elementwise functions of one tensor: math, activations, rounding, classification."""

from __future__ import annotations

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor, tensor_method
from ._common import _tname, check_tensor, finish, inplace, inplace_source, to_float

# Ops whose result is floating point: integer and bool inputs compute in the default float dtype.
FLOAT_OPS = (
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan",
    "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf",
    "erfc", "erfinv", "reciprocal", "silu", "mish", "selu", "lgamma", "digamma",
)
# Ops that keep the input dtype.
SAME_OPS = ("neg", "abs", "sign", "floor", "ceil", "trunc", "relu", "square")
# Ops returning bool.
BOOL_OPS = ("isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit", "logical_not")
# Ops with keyword parameters; each has a primitive of the same name.
PARAM_OPS = ("gelu", "softplus", "logit", "round", "clamp", "nan_to_num", "pow_scalar", "elu",
             "leaky_relu", "hardtanh", "celu", "threshold")

PRIMS = {name: define(name) for name in FLOAT_OPS + SAME_OPS + PARAM_OPS}
PRIMS.update({name: define(name, differentiable=False) for name in BOOL_OPS + ("bitwise_not",)})

__all__ = list(FLOAT_OPS + SAME_OPS + BOOL_OPS) + [
    "gelu", "softplus", "logit", "round", "clamp", "clip", "nan_to_num", "frac", "negative",
    "absolute", "positive", "bitwise_not", "fix", "arcsin", "arccos", "arctan", "arcsinh", "arccosh",
    "arctanh", "sgn", "clamp_min", "clamp_max", "float_power", "elu", "celu", "leaky_relu", "hardtanh",
    "threshold",
]


# Activations PyTorch implements for floating point only (the name its error message gives).
_FLOAT_ONLY_KERNELS = {"silu": "silu", "mish": "mish", "selu": "elu"}


def not_implemented_for(input, kernel):
    """PyTorch's error for a dtype a kernel has no implementation for."""
    return NotImplementedError(f'"{kernel}_{input.device.type}" not implemented for \'{_tname(input.dtype)}\'')


def _float_op(name):
    prim = PRIMS[name]
    float_only = _FLOAT_ONLY_KERNELS.get(name)

    def op(input, *, out=None):
        check_tensor(input, name)
        if float_only is not None and not input.dtype.is_floating_point:
            raise not_implemented_for(input, float_only)
        return finish(prim(to_float(input)), out, name)

    op.__name__ = name
    op.__doc__ = f"Elementwise `{name}`; integer inputs give the default float dtype."
    return op


def _same_op(name):
    prim = PRIMS[name]

    def op(input, *, out=None):
        check_tensor(input, name)
        if input._data.dtype.kind == "b":
            if name in ("neg", "relu"):
                raise RuntimeError(f"{name}: not supported for bool tensors (use logical_not or ~ for negation)")
            if name == "abs":
                raise not_implemented_for(input, "abs")
            if name == "square":  # like PyTorch: bool squares to int64
                input = input.long()
        return finish(prim(input), out, name)

    op.__name__ = name
    op.__doc__ = f"Elementwise `{name}`; the result keeps the input dtype."
    return op


def _bool_op(name):
    prim = PRIMS[name]

    def op(input, *, out=None):
        check_tensor(input, name)
        return finish(prim(input), out, name)

    op.__name__ = name
    op.__doc__ = f"Elementwise `{name}`: a bool tensor."
    return op


def _inplace_of(fn, name):
    def op_(self, *args, **kwargs):
        return inplace(self, fn(inplace_source(self), *args, **kwargs), name + "_")

    op_.__name__ = name + "_"
    return op_


(
    exp, exp2, expm1, log, log2, log10, log1p, sqrt, rsqrt, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh,
    asinh, acosh, atanh, sigmoid, erf, erfc, erfinv, reciprocal, silu, mish, selu, lgamma, digamma
) = (_float_op(n) for n in FLOAT_OPS)
(
    neg, abs, sign, floor, ceil, trunc, relu, square
) = (_same_op(n) for n in SAME_OPS)
(
    isnan, isinf, isfinite, isposinf, isneginf, signbit, logical_not
) = (_bool_op(n) for n in BOOL_OPS)
_g = globals()


def bitwise_not(input, *, out=None):
    """Bitwise NOT of an integer or bool tensor (logical NOT for bool)."""
    check_tensor(input, "bitwise_not")
    if input.dtype.is_floating_point:
        raise RuntimeError(f"bitwise_not: not implemented for floating point dtype {input.dtype}")
    return finish(PRIMS["bitwise_not"](input), out, "bitwise_not")


def _float_only(input, name):
    check_tensor(input, name)
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{name}: expected a floating point tensor, got {input.dtype}")
    return input


def gelu(input, approximate="none"):
    """Gaussian error linear unit; `approximate='tanh'` uses the tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"gelu: approximate argument must be either 'none' or 'tanh', got {approximate!r}")
    return PRIMS["gelu"](_float_only(input, "gelu"), approximate=approximate)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta*x)) / beta, linear where beta*x > threshold."""
    return PRIMS["softplus"](_float_only(input, "softplus"), beta=float(beta), threshold=float(threshold))


def elu(input, alpha=1.0, scale=1.0, input_scale=1.0):
    return PRIMS["elu"](_float_only(input, "elu"), alpha=float(alpha), scale=float(scale), input_scale=float(input_scale))


def celu(input, alpha=1.0):
    if alpha == 0:
        raise RuntimeError("celu: ZeroDivisionError: alpha must not be 0")
    return PRIMS["celu"](_float_only(input, "celu"), alpha=float(alpha))


def leaky_relu(input, negative_slope=0.01):
    return PRIMS["leaky_relu"](_float_only(input, "leaky_relu"), negative_slope=float(negative_slope))


def hardtanh(input, min_val=-1.0, max_val=1.0):
    if min_val > max_val:
        raise ValueError("hardtanh: min_val cannot be greater than max_val")
    return PRIMS["hardtanh"](_float_only(input, "hardtanh"), min_val=float(min_val), max_val=float(max_val))


def threshold(input, threshold, value):
    """`value` where input <= threshold, else input."""
    check_tensor(input, "threshold")
    return PRIMS["threshold"](input, threshold=threshold, value=value)


def logit(input, eps=None, *, out=None):
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given (a negative eps: no clamping)."""
    check_tensor(input, "logit")
    eps = None if eps is None or eps < 0 else float(eps)
    return finish(PRIMS["logit"](to_float(input), eps=eps), out, "logit")


def round(input, *, decimals=0, out=None):
    """Round half to even (like PyTorch), optionally to `decimals` decimal places."""
    check_tensor(input, "round")
    kind = input._data.dtype.kind
    if kind == "b" or (kind in "iu" and decimals != 0):
        raise not_implemented_for(input, "round")
    return finish(PRIMS["round"](input, decimals=int(decimals)), out, "round")


def _scalar_bound(v, name):
    if isinstance(v, Tensor):
        if v._data.ndim:
            return None
        return v.item()
    return v


def clamp(input, min=None, max=None, *, out=None):
    """Clamp every element into [min, max]; bounds may be numbers or (broadcastable) tensors."""
    from .binary import maximum_any as maximum, minimum_any as minimum

    check_tensor(input, "clamp")
    if min is None and max is None:
        raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
    lo, hi = _scalar_bound(min, "min"), _scalar_bound(max, "max")
    if (min is None or lo is not None) and (max is None or hi is not None):
        x = input
        dt = _dtype.result_type(*(v for v in (input, lo, hi) if v is not None))
        if dt is not input.dtype:
            x = input.to(dt)
        return finish(PRIMS["clamp"](x, min=lo, max=hi), out, "clamp")
    r = input
    if min is not None:
        r = maximum(r, min)
    if max is not None:
        r = minimum(r, max)
    return finish(r, out, "clamp")


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN by `nan` and +-inf by `posinf`/`neginf` (default: the dtype's extremes)."""
    check_tensor(input, "nan_to_num")
    if not input.dtype.is_floating_point:
        return finish(input.clone(), out, "nan_to_num")
    return finish(PRIMS["nan_to_num"](input, nan=nan, posinf=posinf, neginf=neginf), out, "nan_to_num")


def frac(input, *, out=None):
    """x - trunc(x)."""
    return finish(_float_only(input, "frac") - trunc(input), out, "frac")


def positive(input):
    check_tensor(input, "positive")
    if input.dtype is _dtype.bool:
        raise RuntimeError("positive: not supported for bool tensors")
    return input


def float_power(input, exponent, *, out=None):
    """pow computed in float64."""
    from .binary import pow

    if out is not None and isinstance(out, Tensor) and out.dtype is not _dtype.float64:
        raise RuntimeError(f"the output given to float_power has dtype {_tname(out.dtype)} but the operation's result "
                           "requires dtype Double")
    a = input.double() if isinstance(input, Tensor) else float(input)
    b = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return finish(pow(a, b), out, "float_power")


negative, absolute, fix, sgn = neg, abs, trunc, sign
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

for _n in FLOAT_OPS + SAME_OPS + BOOL_OPS + ("bitwise_not", "round", "clamp", "clip", "nan_to_num", "frac",
                                             "logit", "clamp_min", "clamp_max", "positive", "negative",
                                             "absolute", "fix", "arcsin", "arccos", "arctan", "sgn",
                                             "float_power"):
    setattr(Tensor, _n, _g[_n])
for _n in FLOAT_OPS + SAME_OPS + ("bitwise_not", "round", "clamp", "clip", "nan_to_num", "frac", "logit",
                                  "clamp_min", "clamp_max", "negative", "absolute", "fix", "sgn",
                                  "arcsin", "arccos", "arctan", "logical_not"):
    if _n in ("selu", "mish", "silu"):
        continue
    setattr(Tensor, _n + "_", _inplace_of(_g[_n], _n))


@tensor_method("__neg__")
def _neg(self):
    return neg(self)


@tensor_method("__abs__")
def _abs(self):
    return abs(self)


@tensor_method("__invert__")
def _invert(self):
    return bitwise_not(self)


@tensor_method("__pos__")
def _pos(self):
    return positive(self)
