"""Specs: elementwise ops of two tensors (and tensor/number), comparisons, logical, bitwise."""

import numpy as np

import fx.tensor as ft
from opspec import FLOATS, INTS, LOWP, ErrorCase, OpSpec, Sample, add, binary_samples, make

FLOATISH = FLOATS + LOWP
_INF, _NAN = float("inf"), float("nan")


def _errors(name, out_err=True):
    def gen():
        a = make((2, 3), ft.float32, 1, 3)
        cases = [
            ErrorCase((a, make((4,), a.dtype, 1, 3)), exc=RuntimeError, match=r"broadcast|size of tensor"),
            ErrorCase(("x", a), exc=TypeError, match="expected Tensor or number"),
            ErrorCase((1, 2), exc=TypeError, match="at least one Tensor"),
        ]
        if out_err:
            cases.append(ErrorCase((a, a), {"out": make((2, 3), ft.bool)}, exc=RuntimeError, match="can't be cast"))
        return cases

    return gen


_SCALAR_FIRST = ("add", "sub", "mul", "div")  # torch accepts a Number first only for these


def _mixed(dtype, name="add", scalars=True):
    """Promotion: tensor with Python scalars and 0-d tensors of other categories."""
    x = make((3, 4), dtype, 1, 4)
    out = [Sample((x, make((), ft.float64, 1, 4)), name="0d f64"), Sample((x, make((), ft.int64, 1, 4)), name="0d i64")]
    if scalars:
        out += [Sample((x, 2), name="int scalar"), Sample((x, 2.5), name="float scalar")]
        if name != "sub" and dtype is not ft.bool:
            out.append(Sample((x, True), name="bool scalar"))
    if name in _SCALAR_FIRST:
        out.append(Sample((3, x), name="scalar first"))
    return out


def _samples(low=-3, high=3, low2=None, high2=None, mixed=True, name="add", scalars=True):
    base = binary_samples(low, high, low2, high2)
    return lambda dt: base(dt) + (_mixed(dt, name, scalars) if mixed else [])


_ARITH = {
    "add": (np.add, FLOATISH + INTS + (ft.bool,), {}), "sub": (np.subtract, FLOATISH + INTS, {}),
    "mul": (np.multiply, FLOATISH + INTS + (ft.bool,), {}),
    "maximum": (np.maximum, FLOATISH + INTS + (ft.bool,), {"mixed": False}),
    "minimum": (np.minimum, FLOATISH + INTS + (ft.bool,), {"mixed": False}),
    "fmax": (np.fmax, FLOATISH + INTS, {"mixed": False}), "fmin": (np.fmin, FLOATISH + INTS, {"mixed": False}),
    "atan2": (np.arctan2, FLOATISH + (ft.int64,), {"scalars": False}), "hypot": (np.hypot, FLOATS, {"scalars": False}),
    "copysign": (np.copysign, FLOATS + (ft.int64, ft.bool), {}),  # integer inputs: the default float dtype
    "remainder": (np.remainder, FLOATS + (ft.int32, ft.int64), {"low2": 1, "high2": 4}),
    "fmod": (np.fmod, FLOATS + (ft.int32, ft.int64), {"low2": 1, "high2": 4}),
    "div": (np.true_divide, FLOATISH + (ft.int64,), {"low2": 0.5, "high2": 3}),
    "xlogy": (lambda a, b: np.where(a == 0, 0, a * np.log(np.where(b > 0, b, 1))), FLOATS, {"low2": 0.5, "high2": 3}),
}


def _tensor_pair_errors(name):
    """maximum & co. take two tensors: a plain number is a TypeError, as in torch."""
    def gen():
        a = make((2, 3), ft.float32, 1, 3)
        return [ErrorCase((a, 3), exc=TypeError, match=rf"{name}\(\): argument 'other' \(position 2\) must be Tensor, not int"),
                ErrorCase((2.5, a), exc=TypeError, match=rf"{name}\(\): argument 'input' \(position 1\) must be Tensor, not float"),
                ErrorCase((a, make((4,), a.dtype, 1, 3)), exc=RuntimeError, match=r"broadcast|size of tensor"),
                ErrorCase((a, a), {"out": make((2, 3), ft.bool)}, exc=RuntimeError, match="can't be cast")]

    return gen


def _alpha_samples(dtype):
    x, y = make((3, 4), dtype, 1, 4), make((4,), dtype, 1, 4, seed=1)
    out = [Sample((x, y), {"alpha": 2}, name="int alpha"), Sample((x, 2), {"alpha": 3}, name="number other, alpha")]
    if dtype.is_floating_point:
        out.append(Sample((x, y), {"alpha": 0.5}, name="float alpha"))
    return out


def _alpha_errors(name):
    def gen():
        i = make((3,), ft.int64, 1, 4)
        return _errors(name)() + [
            ErrorCase((i, i), {"alpha": 0.5}, match="For integral input tensors, argument alpha must not be a floating point"),
            ErrorCase((i, 2), {"alpha": 2.0}, match="For integral input tensors, argument alpha must not be a floating point"),
            ErrorCase((make((3,), ft.float32), i), {"alpha": True}, match="Boolean alpha only supported for Boolean results"),
        ]

    return gen


def _int_kernel_errors(name):
    """An op PyTorch implements for floating point only, given integer or bool tensors."""
    def gen():
        i, b = make((3,), ft.int64, 1, 4), make((3,), ft.bool)
        return _errors(name)() + [ErrorCase((i, i), exc=NotImplementedError, match=rf'"{name}_cpu" not implemented for \'Long\''),
                                  ErrorCase((b, b), exc=NotImplementedError, match=rf'"{name}_cpu" not implemented for \'Bool\'')]

    return gen


_ERRORS = {"maximum": _tensor_pair_errors, "minimum": _tensor_pair_errors, "fmax": _tensor_pair_errors,
           "fmin": _tensor_pair_errors, "add": _alpha_errors, "sub": _alpha_errors, "hypot": _int_kernel_errors}
for _name, (_ref, _dts, _kw) in _ARITH.items():
    _samp = _samples(name=_name, **_kw)
    if _name in ("add", "sub"):
        _samp = (lambda base, r: lambda dt: base(dt) + (_alpha_samples(dt) if dt is not ft.bool else []))(_samp, _ref)
        _ref = (lambda f: lambda a, b, alpha=1: f(a, np.multiply(b, alpha)))(_ref)
    add(OpSpec(_name, ref=_ref, dtypes=_dts, samples=_samp, method=_name, errors=_ERRORS.get(_name, _errors)(_name)))

for _name, _ref, _alias in (("subtract", np.subtract, "sub"), ("multiply", np.multiply, "mul"),
                            ("divide", np.true_divide, "div"), ("true_divide", np.true_divide, "div"),
                            ("arctan2", np.arctan2, "atan2")):
    add(OpSpec(_name, ref=_ref, samples=binary_samples(0.5, 3), method=_name, errors=_errors(_alias)))

add(
    OpSpec("floor_divide", ref=np.floor_divide, dtypes=FLOATS + (ft.int32, ft.int64),
           samples=binary_samples(-9, 9, 1, 4), method="floor_divide",
           errors=lambda: [ErrorCase((make((3,), ft.int64), ft.zeros(3, dtype=ft.int64)), match="ZeroDivisionError"),
                           ErrorCase(("a", make((3,), ft.int64)), exc=TypeError, match="expected Tensor"),
                           ErrorCase((make((2,), ft.int64), make((3,), ft.int64, 1, 4)), match="broadcast")]),
    OpSpec("pow", ref=np.power, dtypes=FLOATISH, samples=lambda dt: binary_samples(0.5, 2, -2, 2)(dt) + [
        Sample((make((3, 4), dt, 0.5, 2), 2)), Sample((make((3, 4), dt, 0.5, 2), 0.5)),
        Sample((make((3, 4), dt, 0.5, 2), -1.5)), Sample((2.0, make((3, 4), dt, -2, 2)))], method="pow",
           errors=lambda: [ErrorCase((make((3,), ft.int64), -1), match="negative integer powers"),
                           ErrorCase((make((3,), ft.int64), ft.tensor([1, -1, 2])), match="negative integer powers"),
                           ErrorCase((make((3,), ft.float32), "x"), exc=TypeError, match="exponent")]),
    OpSpec("rsub", ref=lambda a, b, alpha=1: b - alpha * a, samples=binary_samples()),
    OpSpec("lerp", ref=lambda a, b, w: a + w * (b - a), samples=lambda dt: [
        Sample((make((3, 4), dt), make((3, 4), dt, seed=1), 0.3)),
        Sample((make((3, 4), dt), make((4,), dt, seed=1), make((3, 1), dt, 0, 1, seed=2)))], method="lerp",
           errors=lambda: [ErrorCase((make((3,), ft.int64), make((3,), ft.int64), 0.5), match="floating point"),
                           ErrorCase((1.0, make((3,), ft.float32), 0.5), exc=TypeError, match="must be Tensor"),
                           ErrorCase((make((3,), ft.float32), make((4,), ft.float32), 0.5), match="broadcast")]),
    OpSpec("addcmul", ref=lambda a, b, c, value=1: a + value * b * c, samples=lambda dt: [
        Sample((make((3, 4), dt), make((3, 4), dt, seed=1), make((4,), dt, seed=2)), {"value": 0.5})], method="addcmul"),
    OpSpec("addcdiv", ref=lambda a, b, c, value=1: a + value * b / c, samples=lambda dt: [
        Sample((make((3, 4), dt), make((3, 4), dt, seed=1), make((4,), dt, 1, 2, seed=2)), {"value": 0.5}),
        Sample((make((3, 4), dt), make((3, 4), dt, seed=1), make((4,), ft.int64, 1, 3, seed=2)), name="int tensor2")],
           method="addcdiv",
           errors=lambda: [ErrorCase((make((3,), ft.int64), make((3,), ft.int64), make((3,), ft.int64, 1, 3)),
                                     match="Integer division with addcdiv is no longer supported"),
                           ErrorCase((make((3,), ft.float32), make((3,), ft.int32), make((3,), ft.int64, 1, 3)),
                                     match="Integer division with addcdiv is no longer supported"),
                           ErrorCase((make((3,), ft.float32), make((3,), ft.float32), make((4,), ft.float32, 1, 3)),
                                     match="broadcast|size of tensor")]),
    OpSpec("where", ref=np.where, dtypes=FLOATS + (ft.int64, ft.bool), samples=lambda dt: [
        Sample((make((3, 4), ft.bool), make((3, 4), dt), make((3, 4), dt, seed=1))),
        Sample((make((3, 1), ft.bool), make((4,), dt), make((3, 4), dt, seed=1)), name="broadcast"),
        Sample((make((3, 4), ft.bool), make((3, 4), dt), 0), name="scalar other"),
        Sample((make((0,), ft.bool), make((0,), dt), make((0,), dt)), name="empty")],
           errors=lambda: [ErrorCase((make((3,), ft.float32), make((3,), ft.float32), make((3,), ft.float32)),
                                     match="boolean"),
                           ErrorCase((make((3,), ft.bool), make((4,), ft.float32), make((3,), ft.float32)),
                                     match="broadcast"),
                           ErrorCase(([True], make((3,), ft.float32), 0.0), exc=TypeError, match="must be Tensor")]),
    OpSpec("isclose", ref=np.isclose, differentiable=False, samples=lambda dt: [
        Sample((make((3, 4), dt), make((3, 4), dt) + 1e-7)), Sample((make((3, 4), dt), make((3, 4), dt, seed=3))),
        Sample((ft.tensor([_INF, 1.0, -_INF, _INF, _NAN, 0.0], dtype=dt), ft.tensor([1.0, _INF, _INF, _INF, _NAN, -0.0], dtype=dt)),
               name="inf and nan"),
        Sample((ft.tensor([_INF, _NAN, 1.0], dtype=dt), ft.tensor([_INF, _NAN, 1.0 + 1e-9], dtype=dt)), {"equal_nan": True},
               name="equal_nan")]),
    OpSpec("allclose", ref=lambda a, b: bool(np.allclose(a, b)), torch_ref="same", differentiable=False,
           samples=lambda dt: [Sample((make((3, 4), dt), make((3, 4), dt))),
                               Sample((make((3, 4), dt), make((3, 4), dt, seed=3))),
                               Sample((ft.tensor([-_INF], dtype=dt), ft.tensor([_INF], dtype=dt)), name="-inf vs inf"),
                               Sample((ft.tensor([_INF, 2.0], dtype=dt), ft.tensor([_INF, 2.0], dtype=dt)), name="inf vs inf")]),
    OpSpec("equal", ref=lambda a, b: a.shape == b.shape and bool((a == b).all()), differentiable=False,
           samples=lambda dt: [Sample((make((3, 4), dt), make((3, 4), dt))), Sample((make((3, 4), dt), make((3,), dt)))],
           errors=lambda: [ErrorCase((1, make((3,), ft.float32)), exc=TypeError, match="must be Tensor")] * 3),
)

_CMP = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
        "ge": np.greater_equal, "greater": np.greater, "greater_equal": np.greater_equal, "less": np.less,
        "less_equal": np.less_equal, "not_equal": np.not_equal}
for _name, _ref in _CMP.items():
    # Low-precision comparisons happen at the promoted (bfloat16/float16) precision, as in torch; the
    # float64 NumPy reference would compare unrounded values, so torch is their oracle.
    add(OpSpec(_name, ref=_ref, dtypes=FLOATISH + INTS + (ft.bool,), differentiable=False, method=_name, skip_ref_dtypes=LOWP,
               samples=lambda dt: [Sample((make((3, 4), dt, -2, 2), make((3, 4), dt, -2, 2, seed=5)))]
               + binary_samples(-2, 2)(dt) + _mixed(dt, _name), errors=_errors(_name, out_err=False)))

for _name, _ref in {"logical_and": np.logical_and, "logical_or": np.logical_or, "logical_xor": np.logical_xor}.items():
    add(OpSpec(_name, ref=_ref, dtypes=(ft.bool, ft.float32, ft.int64), differentiable=False, method=_name,
               samples=binary_samples(-1, 1), errors=_errors(_name, out_err=False)))

for _name, _ref in {"bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor,
                    "bitwise_left_shift": np.left_shift, "bitwise_right_shift": np.right_shift}.items():
    add(OpSpec(_name, ref=_ref, dtypes=INTS + ((ft.bool,) if "shift" not in _name else ()), differentiable=False,
               method=_name, samples=binary_samples(0, 5),
               errors=lambda n=_name: [ErrorCase((make((3,), ft.float32), make((3,), ft.float32)), match="floating point"),
                                       ErrorCase((make((3,), ft.int32), 1.5), match="floating point"),
                                       ErrorCase((make((3,), ft.int32), make((4,), ft.int32)), match="broadcast")]))
