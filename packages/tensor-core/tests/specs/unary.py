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
_INF, _NAN = float("inf"), float("nan")


def _int_kernel_errors(name):
    """torch implements silu/mish/selu for floating point only (selu's kernel is elu's)."""
    kernel = {"silu": "silu", "mish": "mish", "selu": "elu"}.get(name)
    if kernel is None:
        return []
    return [ErrorCase((make((3,), ft.int64),), exc=NotImplementedError, match=rf'"{kernel}_cpu" not implemented for \'Long\''),
            ErrorCase((make((3,), ft.bool),), exc=NotImplementedError, match=rf'"{kernel}_cpu" not implemented for \'Bool\'')]


def _warning_free(fn):
    """The op, failing on any warning it prints (e.g. NumPy's RuntimeWarning from inside a kernel)."""
    def op(*args, **kwargs):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return fn(*args, **kwargs)

    return op


def _exact_f32(fn):
    """A float32 reference computed in float64 and rounded once: the correctly rounded result."""
    return lambda x: fn(x.astype(np.float64)).astype(np.float32)

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
                                                  exc=RuntimeError, match="can't be cast")] + _int_kernel_errors(n)))

def _np_sign(x):
    if x.dtype == np.bool_:
        return x.copy()
    x = x.astype(np.float64) if x.dtype.kind not in "iu" else x
    return np.where(np.isnan(x), 0, np.sign(x)) if x.dtype.kind == "f" else np.sign(x)


_SAME = {"neg": np.negative, "abs": np.abs, "sign": np.sign, "floor": np.floor, "ceil": np.ceil, "trunc": np.trunc,
         "relu": lambda x: np.maximum(x, 0), "square": np.square, "frac": lambda x: x - np.trunc(x),
         "positive": lambda x: x}


def _sign_samples(dtype):
    """sign/sgn: NaN gives 0 (torch), and a bool tensor comes back unchanged."""
    base = unary_samples()(dtype)
    if dtype.is_floating_point:
        base.append(Sample((ft.tensor([_NAN, -0.0, 0.0, -2.5, _INF, -_INF], dtype=dtype),), name="nan and signed zeros"))
    return base


_SAME_ERRORS = {
    "abs": lambda: [ErrorCase((3.0,), exc=TypeError, match="must be Tensor"),
                    ErrorCase((make((2,), ft.bool),), exc=NotImplementedError, match="\"abs_cpu\" not implemented for 'Bool'"),
                    ErrorCase((make((2,), ft.float32),), {"out": make((2,), ft.bool)}, exc=RuntimeError, match="can't be cast")],
}
for _name, _ref in _SAME.items():
    dts = FLOATISH + INTS if _name not in ("frac",) else FLOATISH
    if _name == "sign":
        dts = dts + (ft.bool,)
    add(OpSpec(_name, ref=_ref if _name != "sign" else _np_sign, samples=_sign_samples if _name == "sign" else unary_samples(),
               dtypes=dts, method=_name,
               errors=_SAME_ERRORS.get(_name, lambda n=_name: [ErrorCase((3.0,), exc=TypeError, match="must be Tensor"),
                                                              ErrorCase((make((2,), ft.bool),), exc=RuntimeError, match="bool")]
                                       if n in ("neg", "relu", "positive") else
                                       [ErrorCase((3.0,), exc=TypeError, match="must be Tensor"),
                                        ErrorCase(("x",), exc=TypeError, match="must be Tensor"),
                                        ErrorCase((make((2,), ft.float32),), {"out": make((2,), ft.bool)}, exc=RuntimeError,
                                                  match="can't be cast")])))


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


def _logit_ref(x, eps=None):
    if eps is not None and eps >= 0:  # torch: a negative eps clamps nothing
        x = np.clip(x, eps, 1 - eps)
    return np.log(x / (1 - x))


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
    OpSpec("threshold", ref=lambda x, threshold, value: np.where(x <= threshold, value, x), torch_ref=_torch_f("threshold"),
           dtypes=FLOATS, samples=lambda dt: _param_samples([{"threshold": 0.5, "value": -1.0}])(dt) + [
               Sample((ft.tensor([1.0, _NAN, -1.0, 0.5], dtype=dt),), {"threshold": 0.5, "value": 9.0}, "nan input"),
               Sample((ft.tensor([1.0, _NAN, -1.0], dtype=dt),), {"threshold": _NAN, "value": 9.0}, "nan threshold")],
           errors=lambda: [ErrorCase((1.0, 0.5, 1.0), exc=TypeError, match="must be Tensor"),
                           ErrorCase(([1.0], 0.5, 1.0), exc=TypeError, match="must be Tensor"),
                           ErrorCase((None, 0.5, 1.0), exc=TypeError, match="must be Tensor")]),
    OpSpec("logit", ref=_np(_logit_ref),
           dtypes=FLOATISH, samples=lambda dt: _param_samples([{}, {"eps": 0.2}], 0.05, 0.95)(dt) + [
               Sample((ft.tensor([-0.5, 0.0, 0.3, 1.0, 1.5], dtype=dt),), {"eps": -0.1}, "negative eps: no clamping")],
           method="logit",
           errors=lambda: [ErrorCase((1.0,), exc=TypeError, match="must be Tensor")] * 3),
    OpSpec("round", ref=lambda x, decimals=0: np.round(x, decimals), dtypes=FLOATISH, skip_ref_dtypes=LOWP,
           samples=_param_samples([{}, {"decimals": 2}]), method="round",
           errors=lambda: [ErrorCase((1.5,), exc=TypeError, match="must be Tensor"),
                           ErrorCase((make((3,), ft.int64),), {"decimals": 1}, exc=NotImplementedError,
                                     match="\"round_cpu\" not implemented for 'Long'"),
                           ErrorCase((make((3,), ft.int32),), {"decimals": -1}, exc=NotImplementedError,
                                     match="\"round_cpu\" not implemented for 'Int'")]),
    OpSpec("round", ref=np.round, dtypes=INTS, samples=unary_samples(-100, 100), differentiable=False),  # integers: unchanged
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
    OpSpec("sgn", ref=_np_sign, samples=_sign_samples, dtypes=FLOATS + (ft.bool,)),
    OpSpec("arcsin", ref=np.arcsin, samples=unary_samples(-0.9, 0.9)),
    OpSpec("arccos", ref=np.arccos, samples=unary_samples(-0.9, 0.9)),
    OpSpec("arctan", ref=np.arctan, samples=unary_samples()),
    OpSpec("arcsinh", ref=np.arcsinh, samples=unary_samples()),
    OpSpec("arccosh", ref=np.arccosh, samples=unary_samples(1.1, 4)),
    OpSpec("arctanh", ref=np.arctanh, samples=unary_samples(-0.9, 0.9)),
    OpSpec("float_power", ref=lambda x, e, out=None: np.power(np.asarray(x, dtype=np.float64), e), dtypes=FLOATS + (ft.int64,),
           samples=lambda dt: [Sample((make((3, 4), dt, 0.5, 2), 2.5)), Sample((make((3, 4), dt, 1, 3), 2), name="int exponent"),
                               Sample((2, make((3, 4), dt, -2, 2)), name="number base"),
                               Sample((make((3, 4), dt, 0.5, 2), make((4,), ft.int64, -2, 2)), name="tensor exponent"),
                               Sample((make((2,), dt, 1, 2), 2), {"out": ft.zeros(2, dtype=ft.float64)}, name="out")],
           method="float_power",
           errors=lambda: [ErrorCase((make((2,), ft.float32), 2), {"out": ft.zeros(2)},
                                     match="the output given to float_power has dtype Float but the operation's result requires dtype Double"),
                           ErrorCase((2, 3), exc=TypeError, match="Tensor"),
                           ErrorCase((make((2,), ft.float32), make((3,), ft.float32)), match="broadcast|size of tensor")]),
)

# Results exact where torch's are: log10 at powers of ten (NumPy's float32 log10 is 1 ulp off there),
# digamma at signed zeros (psi(-0) = +inf), erfinv at +-1 (and no NumPy warning outside (-1, 1)).
add(
    OpSpec("log10", ref=_exact_f32(np.log10), dtypes=(ft.float32,), atol=0, rtol=0, differentiable=False,
           samples=lambda dt: [Sample((ft.tensor([10.0 ** k for k in range(11)] + [0.1, 0.001], dtype=dt),), name="powers of ten")]),
    OpSpec("digamma", dtypes=FLOATS, differentiable=False,
           samples=lambda dt: [Sample((ft.tensor([-0.0, 0.0, -1.0, -2.5, 1.0, _INF], dtype=dt),), name="zeros and poles")]),
    OpSpec("erfinv", op=_warning_free(ft.erfinv), dtypes=FLOATS, differentiable=False,
           samples=lambda dt: [Sample((ft.tensor([1.0, -1.0, 1.5, -2.0, _NAN, 0.0, 0.5], dtype=dt),), name="edges")]),
)
