"""Rules: the convolution primitives of fx.tensor (_ops/conv.py).

Each primitive is bilinear in its two tensor inputs, so each derivative is another of the three
(and double backward works to any order). A conv of a gradient can have more positions than the
gradient it pairs with (stride 1 with output_padding): it is cropped to that gradient's size.
"""

from __future__ import annotations

from fx.tensor._ops.conv import P_conv2d, P_conv2d_grad_input, P_conv2d_grad_weight

from . import rule


def _conv_params(ctx):
    p = ctx.params
    return {"stride": p["stride"], "padding": p["padding"], "dilation": p["dilation"], "groups": p["groups"]}


def _conv_cropped(x, w, size, params):
    """conv2d(x, w) limited to the top-left `size` positions."""
    y = P_conv2d(x, w, **params)
    oh, ow = y._data.shape[2:]
    return y if (oh, ow) == tuple(size) else y[:, :, :size[0], :size[1]]


@rule("conv2d")
def _conv2d(ctx, g):
    x, w = ctx.inputs[0], ctx.inputs[1]
    need, p = ctx.needs_input_grad, _conv_params(ctx)
    gx = P_conv2d_grad_input(g, w, input_size=ctx.shapes[0][2:], **p) if need[0] else None
    gw = P_conv2d_grad_weight(x, g, weight_size=ctx.shapes[1][2:], **p) if need[1] else None
    if len(need) == 2:
        return gx, gw
    # summing the contiguous positions first runs the fast last-dim kernel (2x sum((0, 2, 3)))
    return gx, gw, (g.flatten(2).sum(2).sum(0) if need[2] else None)


@rule("conv2d_grad_input")
def _conv2d_grad_input(ctx, gy):
    g, w = ctx.inputs
    need, p = ctx.needs_input_grad, _conv_params(ctx)
    gg = _conv_cropped(gy, w, ctx.shapes[0][2:], p) if need[0] else None
    gw = P_conv2d_grad_weight(gy, g, weight_size=ctx.shapes[1][2:], **p) if need[1] else None
    return gg, gw


@rule("conv2d_grad_weight")
def _conv2d_grad_weight(ctx, gw):
    x, g = ctx.inputs
    need, p = ctx.needs_input_grad, _conv_params(ctx)
    gx = P_conv2d_grad_input(g, gw, input_size=ctx.shapes[0][2:], **p) if need[0] else None
    gg = _conv_cropped(x, gw, ctx.shapes[1][2:], p) if need[1] else None
    return gx, gg
