"""Rules: elementwise primitives of fx.tensor (_ops/unary.py, _ops/binary.py) and `where`.

Values at special points follow PyTorch's derivatives.yaml (relu'(0) = 0, abs'(0) = 0, clamp passes
the gradient on its bounds, maximum splits it on ties, rounding ops give zeros, ...). Where `where`
masks a branch that would be inf there, the branch is computed on a safe argument: its masked-out
inf would otherwise turn into a NaN in double backward (0 * inf).
"""

from __future__ import annotations

import math

import fx.tensor as ft
from fx.tensor._ops._common import scalar_tensor
from fx.tensor._ops.binary import PRIMS as _BINARY, P_where

from . import rule

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_ERF_SCALE = 2.0 / math.sqrt(math.pi)
_SQRT_2PI_INV = 1.0 / math.sqrt(2.0 * math.pi)
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _masked(cond, g):
    """g where cond, else 0."""
    return ft.where(cond, g, 0.0)


def _zeros(ctx, i, g):
    return ft.zeros(ctx.shapes[i], dtype=g.dtype, device=g.device)


# ---- arithmetic --------------------------------------------------------------------------------
@rule("add", save=None)
def _add(ctx, g):
    return g, g


@rule("sub", save=None)
def _sub(ctx, g):
    return g, -g


@rule("mul")
def _mul(ctx, g):
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    return (g * b if need_a else None), (g * a if need_b else None)


@rule("div")
def _div(ctx, g):
    a, b = ctx.inputs
    ga = g / b
    return ga, (-ga * a / b if ctx.needs_input_grad[1] else None)


@rule("neg", save=None)
def _neg(ctx, g):
    return -g


@rule("square")
def _square(ctx, g):
    return g * ctx.inputs[0] * 2


@rule("reciprocal", save="output")
def _reciprocal(ctx, g):
    y = ctx.out
    return -g * (y * y)


@rule("pow_scalar")
def _pow_scalar(ctx, g):
    (x,) = ctx.inputs
    e = ctx.params["exponent"]
    if e == 0:
        return ft.zeros_like(g)
    return g * e * x.pow(e - 1)


@rule("pow", save="both")
def _pow(ctx, g):
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    ga = gb = None
    if need_a:
        ga = _masked(b != 0, g * b * a.pow(b - 1))
    if need_b:
        # 0 ** b for b >= 0 takes no gradient through log(0) (PyTorch's convention).
        safe = ft.where((a == 0) & (b >= 0), 1.0, a)
        gb = g * (ctx.out * safe.log())
    return ga, gb


# ---- exponentials and logarithms -----------------------------------------------------------------
@rule("exp", save="output")
def _exp(ctx, g):
    return g * ctx.out


@rule("exp2", save="output")
def _exp2(ctx, g):
    return g * ctx.out * _LN2


@rule("expm1", save="output")
def _expm1(ctx, g):
    return g * (ctx.out + 1)


@rule("log")
def _log(ctx, g):
    return g / ctx.inputs[0]


@rule("log2")
def _log2(ctx, g):
    return g / (ctx.inputs[0] * _LN2)


@rule("log10")
def _log10(ctx, g):
    return g / (ctx.inputs[0] * _LN10)


@rule("log1p")
def _log1p(ctx, g):
    return g / (ctx.inputs[0] + 1)


@rule("sqrt", save="output")
def _sqrt(ctx, g):
    return g / (ctx.out * 2)


@rule("rsqrt", save="output")
def _rsqrt(ctx, g):
    return g * ctx.out.pow(3) * -0.5


@rule("xlogy")
def _xlogy(ctx, g):
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    ga = ft.where((a == 0) & (b <= 0), 0.0, ft.xlogy(g, b)) if need_a else None
    return ga, (g * a / b if need_b else None)


# ---- trigonometric and hyperbolic ------------------------------------------------------------------
@rule("sin")
def _sin(ctx, g):
    return g * ctx.inputs[0].cos()


@rule("cos")
def _cos(ctx, g):
    return -g * ctx.inputs[0].sin()


@rule("tan", save="output")
def _tan(ctx, g):
    y = ctx.out
    return g * (y * y + 1)


@rule("asin")
def _asin(ctx, g):
    x = ctx.inputs[0]
    return g * (1 - x * x).rsqrt()


@rule("acos")
def _acos(ctx, g):
    x = ctx.inputs[0]
    return -g * (1 - x * x).rsqrt()


@rule("atan")
def _atan(ctx, g):
    x = ctx.inputs[0]
    return g / (x * x + 1)


@rule("sinh")
def _sinh(ctx, g):
    return g * ctx.inputs[0].cosh()


@rule("cosh")
def _cosh(ctx, g):
    return g * ctx.inputs[0].sinh()


@rule("tanh", save="output")
def _tanh(ctx, g):
    y = ctx.out
    return g * (1 - y * y)


@rule("asinh")
def _asinh(ctx, g):
    x = ctx.inputs[0]
    return g * (x * x + 1).rsqrt()


@rule("acosh")
def _acosh(ctx, g):
    x = ctx.inputs[0]
    return g * (x * x - 1).rsqrt()


@rule("atanh")
def _atanh(ctx, g):
    x = ctx.inputs[0]
    return g / (1 - x * x)


@rule("atan2")
def _atan2(ctx, g):
    a, b = ctx.inputs
    d = a * a + b * b
    scale = g / ft.where(d == 0, 1.0, d)  # zero gradient at the origin (PyTorch)
    need_a, need_b = ctx.needs_input_grad
    return (scale * b if need_a else None), (-scale * a if need_b else None)


@rule("hypot", save="both")
def _hypot(ctx, g):
    a, b = ctx.inputs
    scale = g / ctx.out
    need_a, need_b = ctx.needs_input_grad
    return (scale * a if need_a else None), (scale * b if need_b else None)


# ---- special functions -----------------------------------------------------------------------------
@rule("erf")
def _erf(ctx, g):
    x = ctx.inputs[0]
    return g * (-x * x).exp() * _ERF_SCALE


@rule("erfc")
def _erfc(ctx, g):
    x = ctx.inputs[0]
    return g * (-x * x).exp() * -_ERF_SCALE


@rule("erfinv", save="output")
def _erfinv(ctx, g):
    y = ctx.out
    return g * (y * y).exp() * (0.5 * math.sqrt(math.pi))


@rule("lgamma")
def _lgamma(ctx, g):
    return g * ctx.inputs[0].digamma()


@rule("digamma")
def _digamma(ctx, g):
    return g * trigamma(ctx.inputs[0])


_SHIFT = 8  # psi1(x) = sum_{k<8} 1/(x+k)^2 + psi1(x+8); the series is exact to ~1e-16 past 8.5
# Asymptotic psi1(z) = 1/z + 1/(2z^2) + sum_k B_2k / z^(2k+1): |B_2k| for k = 1..8, signs alternate.
_BERNOULLI = (1 / 6, 1 / 30, 1 / 42, 1 / 30, 5 / 66, 691 / 2730, 7 / 6, 3617 / 510)


def trigamma(x):
    """polygamma(1, x) in fx ops (so it is itself differentiable): reflection below 1/2, a shift
    by the recurrence, then the asymptotic series."""
    refl = x < 0.5
    z = ft.where(refl, 1 - x, x)
    steps = ft.arange(_SHIFT, dtype=x.dtype, device=x.device)
    head = (z.unsqueeze(-1) + steps).reciprocal().square().sum(-1)
    r = (z + _SHIFT).reciprocal()
    w = r * r
    p = _BERNOULLI[-1] * w
    for c in reversed(_BERNOULLI[1:-1]):
        p = (c - p) * w
    tail = r + w * 0.5 + r * w * (_BERNOULLI[0] - p)
    psi1 = head + tail
    # psi1(x) + psi1(1 - x) = pi^2 / sin^2(pi x); sin is taken at a harmless point where unused.
    s = (ft.where(refl, x, 0.5) * math.pi).sin()
    return ft.where(refl, (math.pi * math.pi) / (s * s) - psi1, psi1)


@rule("logit")
def _logit(ctx, g):
    x = ctx.inputs[0]
    eps = ctx.params["eps"]
    if eps is None or eps < 0:
        # PyTorch: NaN outside [0, 1] (where logit itself is NaN).
        return ft.where((x < 0) | (x > 1), math.nan, g / (x * (1 - x)))
    lo, hi = eps, 1 - eps
    xc = x.clamp(lo, hi)  # keeps the masked-out branch finite at x = 0 or 1
    return _masked((x >= lo) & (x <= hi), g / (xc * (1 - xc)))


# ---- rounding and sign: zero gradient (PyTorch) ---------------------------------------------------
@rule("sign", "floor", "ceil", "trunc", "round", save=None)
def _zero_unary(ctx, g):
    return ft.zeros_like(g)


@rule("div_floor", "div_trunc", save=None)
def _zero_binary(ctx, g):
    return _zeros(ctx, 0, g), _zeros(ctx, 1, g)


@rule("abs")
def _abs(ctx, g):
    return g * ctx.inputs[0].sign()


@rule("copysign")
def _copysign(ctx, g):
    a, b = ctx.inputs
    # d/da copysign(a, b) = sign(a) * (+1 or -1 by b's sign bit), and 0 at a == 0 (PyTorch).
    ga = g * a.sign() * ft.copysign(1.0, b) if ctx.needs_input_grad[0] else None
    return ga, (_zeros(ctx, 1, g) if ctx.needs_input_grad[1] else None)


@rule("remainder")
def _remainder(ctx, g):
    a, b = ctx.inputs
    return g, (-g * a.div(b, rounding_mode="floor") if ctx.needs_input_grad[1] else None)


@rule("fmod")
def _fmod(ctx, g):
    a, b = ctx.inputs
    return g, (-g * a.div(b, rounding_mode="trunc") if ctx.needs_input_grad[1] else None)


# ---- selection -------------------------------------------------------------------------------------
@rule("where", save=(0,))
def _where(ctx, g):
    cond = ctx.inputs[0]
    _, need_a, need_b = ctx.needs_input_grad
    return None, (_masked(cond, g) if need_a else None), (ft.where(cond, 0.0, g) if need_b else None)


@rule("maximum", "minimum")
def _maximum(ctx, g):
    # Ties split the gradient in half; a NaN passes it to both inputs (PyTorch).
    a, b = ctx.inputs
    half = ft.where(a == b, g * 0.5, g)
    a_loses, b_loses = (a < b, a > b) if ctx.prim.name == "maximum" else (a > b, a < b)
    need_a, need_b = ctx.needs_input_grad
    return (ft.where(a_loses, 0.0, half) if need_a else None), (ft.where(b_loses, 0.0, half) if need_b else None)


@rule("fmax", "fmin")
def _fmax(ctx, g):
    # Ties go to the first input; a NaN operand gives its gradient to the other one.
    a, b = ctx.inputs
    a_wins = ((a >= b) if ctx.prim.name == "fmax" else (a <= b)) | b.isnan()
    need_a, need_b = ctx.needs_input_grad
    return (_masked(a_wins, g) if need_a else None), (ft.where(a_wins, 0.0, g) if need_b else None)


@rule("clamp")
def _clamp(ctx, g):
    x = ctx.inputs[0]
    lo, hi = ctx.params["min"], ctx.params["max"]
    keep = None if lo is None else x >= lo
    if hi is not None:
        keep = x <= hi if keep is None else keep & (x <= hi)
    return g if keep is None else _masked(keep, g)


@rule("nan_to_num")
def _nan_to_num(ctx, g):
    return _masked(ctx.inputs[0].isfinite(), g)


# ---- activations -----------------------------------------------------------------------------------
_P_le = _BINARY["le"]


@rule("relu", save="output")
def _relu(ctx, g):
    # written so that a NaN passes its gradient, like PyTorch; primitives, not the frontends: the
    # backward of every ReLU runs this
    zero = scalar_tensor(0, g.dtype, g)
    return P_where(_P_le(ctx.out, zero), zero, g)


@rule("threshold")
def _threshold(ctx, g):
    return ft.where(ctx.inputs[0] <= ctx.params["threshold"], 0.0, g)


@rule("leaky_relu")
def _leaky_relu(ctx, g):
    return ft.where(ctx.inputs[0] > 0, g, g * ctx.params["negative_slope"])


@rule("hardtanh")
def _hardtanh(ctx, g):
    x, p = ctx.inputs[0], ctx.params
    return ft.where((x <= p["min_val"]) | (x >= p["max_val"]), 0.0, g)


def _elu_grad(x, g, alpha, scale, input_scale):
    # x <= 0 takes the exponential branch (elu'(0) = alpha * scale * input_scale) but, as in PyTorch,
    # its second derivative only for x < 0; the where also keeps the unused exp finite for large x.
    neg = g * (alpha * scale * input_scale) * (ft.where(x < 0, x, 0.0) * input_scale).exp()
    return ft.where(x <= 0, neg, g * scale)


@rule("elu")
def _elu(ctx, g):
    p = ctx.params
    return _elu_grad(ctx.inputs[0], g, p["alpha"], p["scale"], p["input_scale"])


@rule("selu")
def _selu(ctx, g):
    return _elu_grad(ctx.inputs[0], g, _SELU_ALPHA, _SELU_SCALE, 1.0)


@rule("celu")
def _celu(ctx, g):
    alpha = ctx.params["alpha"]
    return _elu_grad(ctx.inputs[0], g, alpha, 1.0, 1.0 / alpha)


@rule("sigmoid", save="output")
def _sigmoid(ctx, g):
    y = ctx.out
    return g * y * (1 - y)


@rule("silu")
def _silu(ctx, g):
    x = ctx.inputs[0]
    s = x.sigmoid()
    return g * s * (x * (1 - s) + 1)


@rule("mish")
def _mish(ctx, g):
    x = ctx.inputs[0]
    t = ft.softplus(x).tanh()
    return g * (t + x * x.sigmoid() * (1 - t * t))


@rule("softplus")
def _softplus(ctx, g):
    x, p = ctx.inputs[0], ctx.params
    bx, th = x * p["beta"], p["threshold"]
    # Linear above the threshold; like PyTorch, no second derivative at the threshold itself.
    return ft.where(bx > th, g, g * ft.where(bx < th, bx, th).sigmoid())


@rule("gelu")
def _gelu(ctx, g):
    x = ctx.inputs[0]
    if ctx.params["approximate"] == "tanh":
        k_beta, k_kappa = math.sqrt(2.0 / math.pi), 0.044715
        x2 = x * x
        t = ((x + x2 * x * k_kappa) * k_beta).tanh()
        inner_grad = (x2 * (3 * k_kappa) + 1) * k_beta
        return g * ((t + 1) * 0.5 + x * 0.5 * (1 - t * t) * inner_grad)
    cdf = ((x * (1.0 / math.sqrt(2.0))).erf() + 1) * 0.5
    pdf = (x * x * -0.5).exp() * _SQRT_2PI_INV
    return g * (cdf + x * pdf)
