"""Rules: the primitives added for PyTorch programs (fx.tensor's _ops/compat_math.py, compat_reduce.py,
special.py). Like the other rules, written in fx ops so that they differentiate again.

The same primitives' vmap batching rules are registered at the end: each reuses the rule of its
family in func/_batching_rules.py (fx.autograd.func is imported before the rule modules load).
"""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._ops.special import i1

from . import rule


@rule("logaddexp", save="both")
def _logaddexp(ctx, g):
    a, b = ctx.inputs
    out = ctx.out
    need_a, need_b = ctx.needs_input_grad
    # d/da log(e^a + e^b) = e^(a - out); with base 2, 2^(a - out).
    weight = ft.exp2 if ctx.params["base2"] else ft.exp
    return (g * weight(a - out) if need_a else None), (g * weight(b - out) if need_b else None)


def _reverse_logcumsumexp(t, d):
    return t.flip(d).logcumsumexp(d).flip(d)


@rule("logcumsumexp", save="both")
def _logcumsumexp(ctx, g):
    # d out_i / d x_j = exp(x_j - out_i) for i >= j: the sum over i runs as a reversed log-cum-sum-exp of
    # log|g| - out, split by the sign of g (PyTorch's formula, stable where exp(x) would overflow).
    (x,) = ctx.inputs
    if x.ndim == 0:
        return g
    d = ctx.params["dim"]
    out = ctx.out
    lowest = ft.finfo(g.dtype).min
    # A safe log argument where g == 0: the masked log(0) would turn double backward into NaN.
    log_abs = ft.where(g == 0, 1.0, g.abs()).log()
    pos = ft.where(g > 0, log_abs, lowest)
    neg = ft.where(g < 0, log_abs, lowest)
    return (_reverse_logcumsumexp(pos - out, d) + x).exp() - (_reverse_logcumsumexp(neg - out, d) + x).exp()


@rule("frexp", save="output", outputs=(1,))
def _frexp(ctx, g, _):
    # mantissa = x / 2^exponent with the exponent piecewise constant.
    exponent = ctx.outputs[1]
    return g / ft.exp2(exponent.to(g.dtype))


@rule("i0")
def _i0(ctx, g):
    return g * i1(ctx.inputs[0])


@rule("i1")
def _i1(ctx, g):
    # I1'(x) = I0(x) - I1(x) / x, which tends to 1/2 at 0 (computed on a safe argument there).
    (x,) = ctx.inputs
    zero = x == 0
    safe = ft.where(zero, 1.0, x)
    return g * ft.where(zero, 0.5, ft.i0(x) - i1(safe) / safe)


@rule("polygamma")
def _polygamma(ctx, g):
    return g * ft.polygamma(ctx.params["n"] + 1, ctx.inputs[0])


# ---- vmap: batching rules by family --------------------------------------------------------------
def _register_batching():
    from ..func._batching_rules import RULES as BATCHING, batching_rule, unsupported

    batching_rule("logaddexp", "gcd", "lcm", "heaviside", "nextafter")(BATCHING["add"])  # broadcasting binary ops
    batching_rule("i0", "i1", "polygamma", "frexp")(BATCHING["exp"])  # elementwise on one tensor
    batching_rule("logcumsumexp")(BATCHING["cumsum"])  # a scan along params["dim"]
    unsupported("an in-place view change of a batched tensor; use the out-of-place view (squeeze, t, ...)",
                "squeeze_", "unsqueeze_", "t_", "transpose_", "swapdims_", "swapaxes_", "as_strided_", "resize_")


_register_batching()
