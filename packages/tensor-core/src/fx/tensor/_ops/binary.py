"""Elementwise functions of two tensors (or a tensor and a number), with PyTorch promotion."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor
from ._common import binary_operands, cast, check_tensor, finish, inplace, inplace_source, to_float
from .unary import not_implemented_for

ARITH = ("add", "sub", "mul", "div", "pow", "maximum", "minimum", "fmax", "fmin", "atan2", "hypot",
         "copysign", "remainder", "fmod", "div_floor", "div_trunc", "xlogy")
COMPARE = ("eq", "ne", "lt", "le", "gt", "ge")
LOGICAL = ("logical_and", "logical_or", "logical_xor")
BITWISE = ("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift")

PRIMS = {n: define(n) for n in ARITH}
PRIMS.update({n: define(n, differentiable=False) for n in COMPARE + LOGICAL + BITWISE})
P_where = define("where")  # (cond, a, b)

__all__ = [
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
    "remainder", "fmod", "pow", "maximum", "minimum", "fmax", "fmin", "atan2", "arctan2", "hypot",
    "copysign", "xlogy", "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less",
    "less_equal", "not_equal", "equal", "allclose", "isclose", "logical_and", "logical_or",
    "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
    "bitwise_right_shift", "where", "lerp", "addcmul", "addcdiv", "rsub",
]


def _arith(name):
    prim = PRIMS[name]

    def op(input, other, *, out=None):
        if out is None and input.__class__ is Tensor and other.__class__ is Tensor and input._data.dtype is other._data.dtype:
            return prim(input, other)
        a, b, dt = binary_operands(input, other, name)
        return finish(prim(a, b), out, name)

    op.__name__ = name
    return op


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other, with PyTorch type promotion and broadcasting."""
    if alpha == 1 and out is None and input.__class__ is Tensor and other.__class__ is Tensor and input._data.dtype is other._data.dtype:
        return _P_add(input, other)
    a, b, dt = binary_operands(input, other, "add")
    if alpha.__class__ is not int or alpha != 1:
        b = _scaled(b, alpha, dt)
    return finish(_P_add(a, b), out, "add")


def _scaled(b, alpha, dt):
    """alpha * b for add/sub, with PyTorch's checks of alpha against the result dtype."""
    if isinstance(alpha, (bool, np.bool_)):
        if dt is not _dtype.bool:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, (float, np.floating)) and not dt.is_floating_point:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if alpha == 1:
        return b
    return cast(mul(b, alpha), dt)


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other."""
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError("sub: Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    a, b, dt = binary_operands(input, other, "sub")
    if alpha.__class__ is not int or alpha != 1:
        b = _scaled(b, alpha, dt)
    return finish(PRIMS["sub"](a, b), out, "sub")


def _is_bool(x):
    return x.__class__ is bool or (isinstance(x, Tensor) and x._data.dtype.kind == "b")


def mul(input, other, *, out=None):
    """Elementwise product."""
    if out is None and input.__class__ is Tensor and other.__class__ is Tensor and input._data.dtype is other._data.dtype:
        return _P_mul(input, other)
    a, b, _ = binary_operands(input, other, "mul")
    return finish(_P_mul(a, b), out, "mul")


_P_add, _P_mul = PRIMS["add"], PRIMS["mul"]


def _check_int_zero(b, op):
    if b._data.dtype.kind in "biu" and not b._data.all():
        raise RuntimeError(f"{op}: ZeroDivisionError (integer division by zero)")


def div(input, other, *, rounding_mode=None, out=None):
    """True division; `rounding_mode='trunc'` or `'floor'` rounds (and keeps integer dtypes)."""
    a, b, dt = binary_operands(input, other, "div")
    if rounding_mode is None:
        if dt.category != _dtype.FLOAT:
            a, b = to_float(a), to_float(b)
        return finish(PRIMS["div"](a, b), out, "div")
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    _check_int_zero(b, "div")
    return finish(PRIMS["div_" + rounding_mode](a, b), out, "div")


def floor_divide(input, other, *, out=None):
    return div(input, other, rounding_mode="floor", out=out)


def true_divide(input, other, *, out=None):
    return div(input, other, out=out)


def remainder(input, other, *, out=None):
    """Python-style modulus: the result has the sign of the divisor."""
    a, b, _ = binary_operands(input, other, "remainder")
    _check_int_zero(b, "remainder")
    return finish(PRIMS["remainder"](a, b), out, "remainder")


def fmod(input, other, *, out=None):
    """C-style modulus: the result has the sign of the dividend."""
    a, b, _ = binary_operands(input, other, "fmod")
    _check_int_zero(b, "fmod")
    return finish(PRIMS["fmod"](a, b), out, "fmod")


def pow(input, exponent, *, out=None):
    """input ** exponent; a number exponent uses a scalar kernel (and a simpler derivative)."""
    from .unary import PRIMS as UNARY

    if isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        if not isinstance(exponent, (int, float, bool, np.number)):
            raise TypeError(f"pow(): exponent must be a Tensor or a number, got {type(exponent).__name__}")
        dt = _dtype.result_type(input, exponent)
        x = input.to(dt)
        if dt.category != _dtype.FLOAT and exponent < 0:
            raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
        return finish(UNARY["pow_scalar"](x, exponent=exponent), out, "pow")
    a, b, dt = binary_operands(input, exponent, "pow")
    if dt.category == _dtype.INT and (b._data < 0).any():
        raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
    return finish(PRIMS["pow"](a, b), out, "pow")


def _float_binary(name):
    prim = PRIMS[name]

    def op(input, other, *, out=None):
        a, b, dt = binary_operands(input, other, name)
        if name == "hypot" and not dt.is_floating_point:
            raise not_implemented_for(a, "hypot")
        return finish(prim(to_float(a), to_float(b)), out, name)

    op.__name__ = name
    return op


def _tensors_only(fn):
    """PyTorch's signature check for ops whose overloads take two tensors (maximum(t, 3) is a TypeError)."""
    name = fn.__name__

    def op(input, other, *, out=None):
        for arg, what, pos in ((input, "input", 1), (other, "other", 2)):
            if not isinstance(arg, Tensor):
                raise TypeError(f"{name}(): argument '{what}' (position {pos}) must be Tensor, not {type(arg).__name__}")
        return fn(input, other, out=out)

    op.__name__ = name
    return op


# maximum_any/minimum_any also take a number (clamp with mixed tensor/number bounds needs them).
maximum_any, minimum_any, fmax_any, fmin_any = (_arith(n) for n in ("maximum", "minimum", "fmax", "fmin"))
maximum, minimum, fmax, fmin = (_tensors_only(f) for f in (maximum_any, minimum_any, fmax_any, fmin_any))
atan2, hypot, xlogy, copysign = (_float_binary(n) for n in ("atan2", "hypot", "xlogy", "copysign"))


def _compare(name):
    prim = PRIMS[name]

    def op(input, other, *, out=None):
        if out is None and input.__class__ is Tensor and other.__class__ is Tensor and input._data.dtype is other._data.dtype:
            return prim(input, other)
        a, b, _ = binary_operands(input, other, name)
        return finish(prim(a, b), out, name)

    op.__name__ = name
    op.__doc__ = f"Elementwise comparison `{name}`: a bool tensor."
    return op


eq, ne, lt, le, gt, ge = (_compare(n) for n in COMPARE)


def _logical(name):
    prim = PRIMS[name]

    def op(input, other, *, out=None):
        a, b, _ = binary_operands(input, other, name)
        return finish(prim(a, b), out, name)

    op.__name__ = name
    return op


logical_and, logical_or, logical_xor = (_logical(n) for n in LOGICAL)


def _bitwise(name):
    prim = PRIMS[name]

    def op(input, other, *, out=None):
        a, b, dt = binary_operands(input, other, name)
        if dt.category == _dtype.FLOAT:
            raise RuntimeError(f"{name}: not implemented for floating point dtype {dt}")
        return finish(prim(a, b), out, name)

    op.__name__ = name
    return op


bitwise_and, bitwise_or, bitwise_xor, bitwise_left_shift, bitwise_right_shift = (_bitwise(n) for n in BITWISE)


def where(condition, input=None, other=None, *, out=None):
    """Elements of `input` where `condition`, else of `other`; `where(cond)` is `nonzero(as_tuple=True)`."""
    check_tensor(condition, "where", "condition")
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if condition.dtype is not _dtype.bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype}")
    a, b, _ = binary_operands(input, other, "where")
    if condition.device != a.device:
        raise RuntimeError(f"where: expected condition, x and y to be on the same device, got {condition.device} and {a.device}")
    return finish(P_where(condition, a, b), out, "where")


def lerp(input, end, weight, *, out=None):
    """input + weight * (end - input)."""
    check_tensor(input, "lerp")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"lerp: expected a floating point tensor, got {input.dtype}")
    return finish(add(input, mul(weight, sub(end, input))), out, "lerp")


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2."""
    return finish(add(input, mul(tensor1, tensor2), alpha=value), out, "addcmul")


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2."""
    if isinstance(tensor1, Tensor) and isinstance(tensor2, Tensor) and not tensor1.dtype.is_floating_point \
            and not tensor2.dtype.is_floating_point:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true "
            "division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * "
            "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
            "for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
            "tensor2), for all dtypes.")
    return finish(add(input, div(tensor1, tensor2), alpha=value), out, "addcdiv")


def rsub(input, other, *, alpha=1):
    """other - alpha * input."""
    return sub(other, input, alpha=alpha)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, elementwise."""
    a, b, _ = binary_operands(input, other, "isclose")
    if a.dtype is _dtype.bool:
        return eq(a, b)
    # Infinities are close only to themselves (eq): the tolerance test runs on finite pairs only,
    # with the others zeroed first so that inf - inf never reaches the kernel.
    finite = a.isfinite() & b.isfinite()
    a64, b64 = where(finite, a, 0).double(), where(finite, b, 0).double()
    close = (le((a64 - b64).abs(), atol + rtol * b64.abs()) & finite) | eq(a, b)
    if equal_nan:
        close = close | (a.isnan() & b.isnan())
    return close


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input, other) -> bool:
    """True if both tensors have the same shape and elements."""
    check_tensor(input, "equal")
    check_tensor(other, "equal", "other")
    return input.shape == other.shape and bool(eq(input, other).all())


subtract, multiply, divide, arctan2 = sub, mul, div, atan2
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

_METHODS = ("add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
            "remainder", "fmod", "pow", "maximum", "minimum", "fmax", "fmin", "atan2", "arctan2", "hypot",
            "copysign", "xlogy", "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less",
            "less_equal", "not_equal", "equal", "allclose", "isclose", "logical_and", "logical_or",
            "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
            "bitwise_right_shift", "lerp", "addcmul", "addcdiv")
_g = globals()
for _n in _METHODS:
    setattr(Tensor, _n, _g[_n])
for _n in ("add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
           "remainder", "fmod", "pow", "atan2", "hypot", "copysign", "xlogy", "eq", "ne", "lt", "le", "gt",
           "ge", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor",
           "bitwise_left_shift", "bitwise_right_shift", "lerp", "addcmul", "addcdiv", "maximum",
           "minimum", "fmax", "fmin"):
    _fn = _g[_n]

    def _make(fn, name):
        def op_(self, *args, **kwargs):
            return inplace(self, fn(inplace_source(self), *args, **kwargs), name + "_")

        op_.__name__ = name + "_"
        return op_

    setattr(Tensor, _n + "_", _make(_fn, _n))
Tensor.where = lambda self, condition, other: where(condition, self, other)


def _swap(fn):
    return lambda self, other: fn(other, self)


def _operator_table():
    ops = {
        "__add__": add, "__sub__": sub, "__mul__": mul, "__truediv__": div, "__floordiv__": floor_divide,
        "__mod__": remainder, "__pow__": pow, "__and__": bitwise_and, "__or__": bitwise_or,
        "__xor__": bitwise_xor, "__lshift__": bitwise_left_shift, "__rshift__": bitwise_right_shift,
        "__eq__": eq, "__ne__": ne, "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge,
    }
    for name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "and", "or", "xor", "lshift", "rshift"):
        ops[f"__r{name}__"] = _swap(ops[f"__{name}__"])
        ops[f"__i{name}__"] = getattr(Tensor, {"truediv": "div", "floordiv": "floor_divide", "mod": "remainder",
                                               "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
                                               "lshift": "bitwise_left_shift",
                                               "rshift": "bitwise_right_shift"}.get(name, name) + "_")
    return ops


def _tensor_add(self, other):
    if other.__class__ is Tensor and self.__class__ is Tensor and self._data.dtype is other._data.dtype:
        return _P_add(self, other)
    return add(self, other)


def _tensor_mul(self, other):
    if other.__class__ is Tensor and self.__class__ is Tensor and self._data.dtype is other._data.dtype:
        return _P_mul(self, other)
    return mul(self, other)


for _k, _v in _operator_table().items():
    setattr(Tensor, _k, _v)
Tensor.__add__, Tensor.__mul__ = _tensor_add, _tensor_mul
Tensor.__hash__ = object.__hash__
Tensor.__radd__ = lambda self, other: add(other, self)
