"""Rules: elementwise primitives of fx.tensor (_ops/unary.py, _ops/binary.py)."""

from __future__ import annotations

from . import rule


@rule("add", save=None)
def _add(ctx, g):
    return g, g


@rule("sub", save=None)
def _sub(ctx, g):
    return g, -g


@rule("mul")
def _mul(ctx, g):
    a, b = ctx.inputs
    return g * b, g * a


@rule("div")
def _div(ctx, g):
    a, b = ctx.inputs
    ga = g / b
    return ga, -ga * a / b


@rule("neg", save=None)
def _neg(ctx, g):
    return -g


@rule("exp", save="output")
def _exp(ctx, g):
    return g * ctx.out


@rule("log")
def _log(ctx, g):
    return g / ctx.inputs[0]


@rule("tanh", save="output")
def _tanh(ctx, g):
    y = ctx.out
    return g * (1 - y * y)


@rule("pow_scalar")
def _pow_scalar(ctx, g):
    (x,) = ctx.inputs
    e = ctx.params["exponent"]
    if e == 0:
        return g * 0
    return g * e * x.pow(e - 1)
