"""Specs: elementwise ops of one tensor."""

import numpy as np

import fx.tensor as ft
from opspec import FLOATS, INTS, LOWP, ErrorCase, OpSpec, Sample, add, make, unary_samples

FLOATISH = FLOATS + LOWP


def _np(fn):
    def ref(x, **kw):
        return fn(x.astype(np.float64), **kw)

    return ref


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _erf(x):
    import math

    return np.vectorize(math.erf, otypes=[np.float64])(x)


_DOMAIN = {  # (low, high) keeping the reference finite
    "log": (0.1, 5), "log2": (0.1, 5), "log10": (0.1, 5), "log1p": (-0.9, 5), "sqrt": (0.1, 5),
    "rsqrt": (0.1, 5), "asin": (-0.95, 0.95), "acos": (-0.95, 0.95), "atanh": (-0.95, 0.95),
    "acosh": (1.1, 5), "reciprocal": (0.5, 3), "logit": (0.05, 0.95), "lgamma": (0.1, 5), "digamma": (0.2, 5),
    "erfinv": (-0.95, 0.95),
}
_REFS = {
    "exp": np.exp, "exp2": np.exp2, "expm1": np.expm1, "log": np.log, "log2": np.log2, "log10": np.log10,
    "log1p": np.log1p, "sqrt": np.sqrt, "rsqrt": lambda x: 1 / np.sqrt(x), "sin": np.sin, "cos": np.cos,
    "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh,
    "tanh": np.tanh, "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "sigmoid": _sigmoid,
    "erf": _erf, "erfc": lambda x: 1 - _erf(x), "reciprocal": np.reciprocal, "silu": lambda x: x * _sigmoid(x),
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    "lgamma": np.vectorize(lambda v: np.inf if v <= 0 and v == int(v) else __import__("math").lgamma(v), otypes=[np.float64]), "digamma": None, "erfinv": None,
}
_NOT_TORCH_TOP = {"mish", "selu", "silu"}  # torch has these in torch.nn.functional only

for _name, _ref in _REFS.items():
    lo, hi = _DOMAIN.get(_name, (-3, 3))
    torch_ref = "same"
    if _name in _NOT_TORCH_TOP:
        torch_ref = (lambda n: lambda x: getattr(__import__("torch").nn.functional, n)(x))(_name)
    add(OpSpec(_name, ref=_np(_ref) if _ref else None, torch_ref=torch_ref, samples=unary_samples(lo, hi),
               dtypes=FLOATISH + (ft.int64,) if _name not in _NOT_TORCH_TOP else FLOATISH, method=_name,
               errors=lambda n=_name: [ErrorCase((np.ones(3),), exc=TypeError, match="must be Tensor"),
                                        ErrorCase(([1.0],), exc=TypeError, match="must be Tensor"),
                                        ErrorCase((make((2,), ft.float32),), {"out": make((2,), ft.int64)},
                                                  exc=RuntimeError, match="can't be cast")]))

_SAME = {"neg": np.negative, "abs": np.abs, "sign": np.sign, "floor": np.floor, "ceil": np.ceil, "trunc": np.trunc,
         "relu": lambda x: np.maximum(x, 0), "square": np.square, "frac": lambda x: x - np.trunc(x),
         "positive": lambda x: x}
for _name, _ref in _SAME.items():
    dts = FLOATISH + INTS if _name not in ("frac",) else FLOATISH
    add(OpSpec(_name, ref=_ref, samples=unary_samples(), dtypes=dts, method=_name,
               errors=lambda n=_name: [ErrorCase((3.0,), exc=TypeError, match="must be Tensor"),
                                        ErrorCase((make((2,), ft.bool),), exc=RuntimeError, match="bool")]
               if n in ("neg", "sign", "relu", "positive") else
               [ErrorCase((3.0,), exc=TypeError, match="must be Tensor"),
                ErrorCase(("x",), exc=TypeError, match="must be Tensor"),
                ErrorCase((make((2,), ft.float32),), {"out": make((2,), ft.bool)}, exc=RuntimeError,
                          match="can't be cast")]))


def _special(dtype):
    return [Sample((ft.tensor([0.0, -0.0, float("inf"), -float("inf"), float("nan"), 1.5], dtype=dtype),), name="special")]


for _name, _ref in {"isnan": np.isnan, "isinf": np.isinf, "isfinite": np.isfinite, "isposinf": np.isposinf,
                    "isneginf": np.isneginf, "signbit": np.signbit, "logical_not": np.logical_not}.items():
    add(OpSpec(_name, ref=_ref, dtypes=FLOATS + (ft.int32, ft.bool), differentiable=False, method=_name,
               samples=lambda dt, f=unary_samples(): f(dt) + (_special(dt) if dt.is_floating_point else []),
               errors=lambda: [ErrorCase((1.0,), exc=TypeError, match="must be Tensor"),
                               ErrorCase((None,), exc=TypeError, match="must be Tensor"),
                               ErrorCase(([True],), exc=TypeError, match="must be Tensor")]))

add(OpSpec("bitwise_not", ref=np.invert, dtypes=INTS + (ft.bool,), differentiable=False, samples=unary_samples(),
           method="bitwise_not",
           errors=lambda: [ErrorCase((make((2,), ft.float32),), match="floating point"),
                           ErrorCase((1,), exc=TypeError, match="must be Tensor"),
                           ErrorCase((make((2,), ft.float64),), match="not implemented")]))


def _param_samples(kwargs_list, low=-3, high=3):
    def gen(dtype):
        base = unary_samples(low, high)(dtype)
        return [Sample(s.args, kw, f"{s.name}{kw}") for s in base for kw in kwargs_list]

    return gen


def _gelu_ref(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + _erf(x / np.sqrt(2)))


def _softplus_ref(x, beta=1.0, threshold=20.0):
    return np.where(x * beta > threshold, x, np.log1p(np.exp(x * beta)) / beta)


def _float_errors(name, **kw):
    return lambda: [ErrorCase((make((3,), ft.int64),), kw, match="floating point"),
                    ErrorCase((1.0,), kw, exc=TypeError, match="must be Tensor"),
                    ErrorCase((make((3,), ft.bool),), kw, match="floating point")]


def _torch_f(name):
    return lambda *a, **k: getattr(__import__("torch").nn.functional, name)(*a, **k)


add(
    OpSpec("gelu", ref=_np(_gelu_ref), torch_ref=_torch_f("gelu"), dtypes=FLOATISH,
           samples=_param_samples([{}, {"approximate": "tanh"}]),
           errors=lambda: _float_errors("gelu")() + [ErrorCase((make((3,), ft.float32),), {"approximate": "x"},
                                                               match="approximate")]),
    OpSpec("softplus", ref=_np(_softplus_ref), torch_ref=_torch_f("softplus"), dtypes=FLOATISH,
           samples=_param_samples([{}, {"beta": 2.0, "threshold": 1.0}], -30, 30), errors=_float_errors("softplus")),
    OpSpec("elu", op=ft.elu if hasattr(ft, "elu") else None, ref=_np(lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x))),
           torch_ref=_torch_f("elu"), dtypes=FLOATISH, samples=_param_samples([{}, {"alpha": 0.5}]),
           errors=_float_errors("elu")),
    OpSpec("celu", ref=_np(lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x / alpha))),
           torch_ref=_torch_f("celu"), dtypes=FLOATISH, samples=_param_samples([{}, {"alpha": 0.5}]),
           errors=_float_errors("celu")),
    OpSpec("leaky_relu", ref=_np(lambda x, negative_slope=0.01: np.where(x > 0, x, x * negative_slope)),
           torch_ref=_torch_f("leaky_relu"), dtypes=FLOATISH, samples=_param_samples([{}, {"negative_slope": 0.2}]),
           errors=_float_errors("leaky_relu")),
    OpSpec("hardtanh", ref=_np(lambda x, min_val=-1.0, max_val=1.0: np.clip(x, min_val, max_val)),
           torch_ref=_torch_f("hardtanh"), dtypes=FLOATISH, samples=_param_samples([{}, {"min_val": -0.5, "max_val": 2.0}]),
           errors=lambda: _float_errors("hardtanh")() + [ErrorCase((make((3,), ft.float32),), {"min_val": 2.0, "max_val": 1.0},
                                                                   exc=ValueError, match="min_val")]),
    OpSpec("threshold", ref=lambda x, threshold, value: np.where(x > threshold, x, value), torch_ref=_torch_f("threshold"),
           dtypes=FLOATS, samples=_param_samples([{"threshold": 0.5, "value": -1.0}]),
           errors=lambda: [ErrorCase((1.0, 0.5, 1.0), exc=TypeError, match="must be Tensor"),
                           ErrorCase(([1.0], 0.5, 1.0), exc=TypeError, match="must be Tensor"),
                           ErrorCase((None, 0.5, 1.0), exc=TypeError, match="must be Tensor")]),
    OpSpec("logit", ref=_np(lambda x, eps=None: np.log(np.clip(x, eps or 0, 1 - (eps or 0)) / (1 - np.clip(x, eps or 0, 1 - (eps or 0))))),
           dtypes=FLOATISH, samples=_param_samples([{}, {"eps": 0.2}], 0.05, 0.95), method="logit",
           errors=lambda: [ErrorCase((1.0,), exc=TypeError, match="must be Tensor")] * 3),
    OpSpec("round", ref=lambda x, decimals=0: np.round(x, decimals), dtypes=FLOATISH, skip_ref_dtypes=LOWP,
           samples=_param_samples([{}, {"decimals": 2}]), method="round",
           errors=lambda: [ErrorCase((1.5,), exc=TypeError, match="must be Tensor")] * 3),
    OpSpec("nan_to_num", ref=lambda x, **kw: np.nan_to_num(x, **kw), dtypes=FLOATS + (ft.int32,),
           samples=lambda dt: [Sample(s.args, kw) for s in _special(dt) for kw in ({}, {"nan": 1.0, "posinf": 9.0, "neginf": -9.0})]
           + unary_samples()(dt) if dt.is_floating_point else unary_samples()(dt), method="nan_to_num",
           errors=lambda: [ErrorCase((1.5,), exc=TypeError, match="must be Tensor")] * 3),
    OpSpec("clamp", ref=lambda x, min=None, max=None: np.clip(x, min, max), dtypes=FLOATISH + (ft.int32, ft.int64),
           samples=_param_samples([{"min": -1, "max": 1}, {"min": 0}, {"max": 0.5}]), method="clamp",
           errors=lambda: [ErrorCase((make((3,), ft.float32),), match="At least one"),
                           ErrorCase((1.0,), {"min": 0}, exc=TypeError, match="must be Tensor"),
                           ErrorCase((make((3,), ft.float32), make((4,), ft.float32)), match="broadcast")]),
)
for _alias in ("clip", "negative", "absolute", "fix", "sgn", "arcsin", "arccos", "arctan", "arcsinh", "arccosh",
               "arctanh", "clamp_min", "clamp_max", "float_power"):
    pass
add(
    OpSpec("clip", ref=lambda x, min=None, max=None: np.clip(x, min, max), samples=_param_samples([{"min": -1, "max": 1}])),
    OpSpec("clamp_min", ref=lambda x, min: np.maximum(x, min), samples=lambda dt: [Sample((make((3, 4), dt), 0.5))]),
    OpSpec("clamp_max", ref=lambda x, max: np.minimum(x, max), samples=lambda dt: [Sample((make((3, 4), dt), 0.5))]),
    OpSpec("negative", ref=np.negative, samples=unary_samples()),
    OpSpec("absolute", ref=np.abs, samples=unary_samples()),
    OpSpec("fix", ref=np.trunc, samples=unary_samples()),
    OpSpec("sgn", ref=np.sign, samples=unary_samples()),
    OpSpec("arcsin", ref=np.arcsin, samples=unary_samples(-0.9, 0.9)),
    OpSpec("arccos", ref=np.arccos, samples=unary_samples(-0.9, 0.9)),
    OpSpec("arctan", ref=np.arctan, samples=unary_samples()),
    OpSpec("arcsinh", ref=np.arcsinh, samples=unary_samples()),
    OpSpec("arccosh", ref=np.arccosh, samples=unary_samples(1.1, 4)),
    OpSpec("arctanh", ref=np.arctanh, samples=unary_samples(-0.9, 0.9)),
    OpSpec("float_power", ref=lambda x, e: np.power(x.astype(np.float64), e),
           samples=lambda dt: [Sample((make((3, 4), dt, 0.5, 2), 2.5))]),
)
