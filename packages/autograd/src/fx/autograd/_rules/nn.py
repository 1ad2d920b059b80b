"""Rules: the fused softmax / log_softmax primitives (fx.tensor _ops/nn.py) and their backward
primitives, whose own rules make double backward (and higher) work."""

from __future__ import annotations

from fx.tensor._dispatch import PRIMITIVES

from . import rule


@rule("softmax", save="output")
def _softmax(ctx, g):
    return PRIMITIVES["softmax_backward"](g, ctx.out, **ctx.params)


@rule("log_softmax", save="output")
def _log_softmax(ctx, g):
    return PRIMITIVES["log_softmax_backward"](g, ctx.out, **ctx.params)


@rule("softmax_backward")
def _softmax_backward(ctx, h):
    # gx = y * (gy - sum(gy * y)): the same linear map in gy, bilinear in (gy, y).
    gy, y = ctx.inputs
    dim = ctx.params["dim"]
    need_gy, need_y = ctx.needs_input_grad
    d_gy = PRIMITIVES["softmax_backward"](h, y, **ctx.params) if need_gy else None
    d_y = None
    if need_y:
        d_y = h * (gy - (gy * y).sum(dim, keepdim=True)) - gy * (h * y).sum(dim, keepdim=True)
    return d_gy, d_y


@rule("log_softmax_backward")
def _log_softmax_backward(ctx, h):
    # gx = gy - exp(y) * sum(gy), with y = log_softmax(x) (so exp(y) <= 1).
    gy, y = ctx.inputs
    dim = ctx.params["dim"]
    need_gy, need_y = ctx.needs_input_grad
    p = y.exp()
    d_gy = h - (h * p).sum(dim, keepdim=True) if need_gy else None
    d_y = -h * p * gy.sum(dim, keepdim=True) if need_y else None
    return d_gy, d_y
