"""CPU kernels of the pooling primitives (c_src/cpu/pooling.c); see fx/tensor/_ops/pooling.py."""

from __future__ import annotations

import numpy as np

from ..._ops import pooling as _prims  # noqa: F401  (defines the primitives)
from ._nnc import I64, floats, fn, ptr
from ._util import register


def _planes(x):
    n, c, h, w = x.shape
    return n * c, h, w


@register("max_pool2d")
def max_pool2d(x, kernel_size, stride, padding, dilation, output_size):
    def body(x):
        planes, h, w = _planes(x)
        oh, ow = output_size
        y = np.empty(x.shape[:2] + (oh, ow), x.dtype)
        idx = np.empty(y.shape, I64)
        fn("fx_max_pool2d", x.dtype)(ptr(x), ptr(y), ptr(idx), planes, h, w, oh, ow, *kernel_size, *stride,
                                     *padding, *dilation)
        return y, idx

    y, idx = floats(body, x.dtype, x, ints=True)
    return (y if y.dtype == x.dtype else y.astype(x.dtype)), idx


@register("max_pool2d_backward")
def max_pool2d_backward(g, idx, input_size):
    def body(g, idx):
        n, c, oh, ow = g.shape
        gx = np.empty((n, c) + tuple(input_size), g.dtype)
        fn("fx_max_pool_backward", g.dtype)(ptr(g), ptr(idx), ptr(gx), n * c, input_size[0] * input_size[1], oh * ow)
        return gx

    return floats(body, g.dtype, g, idx)


@register("avg_pool2d")
def avg_pool2d(x, kernel_size, stride, padding, output_size, count_include_pad, divisor):
    def body(x):
        planes, h, w = _planes(x)
        y = np.empty(x.shape[:2] + tuple(output_size), x.dtype)
        fn("fx_avg_pool2d", x.dtype)(ptr(x), ptr(y), planes, h, w, *output_size, *kernel_size, *stride, *padding,
                                     int(count_include_pad), divisor)
        return y

    return floats(body, x.dtype, x)


@register("avg_pool2d_backward")
def avg_pool2d_backward(g, kernel_size, stride, padding, output_size, count_include_pad, divisor, input_size):
    def body(g):
        n, c = g.shape[:2]
        gx = np.empty((n, c) + tuple(input_size), g.dtype)
        fn("fx_avg_pool2d_backward", g.dtype)(ptr(g), ptr(gx), n * c, *input_size, *output_size, *kernel_size,
                                              *stride, *padding, int(count_include_pad), divisor)
        return gx

    return floats(body, g.dtype, g)


@register("adaptive_avg_pool2d")
def adaptive_avg_pool2d(x, output_size):
    def body(x):
        planes, h, w = _planes(x)
        y = np.empty(x.shape[:2] + tuple(output_size), x.dtype)
        fn("fx_adaptive_avg_pool2d", x.dtype)(ptr(x), ptr(y), planes, h, w, *output_size)
        return y

    return floats(body, x.dtype, x)


@register("adaptive_avg_pool2d_backward")
def adaptive_avg_pool2d_backward(g, input_size):
    def body(g):
        n, c, oh, ow = g.shape
        gx = np.empty((n, c) + tuple(input_size), g.dtype)
        fn("fx_adaptive_avg_pool2d_backward", g.dtype)(ptr(g), ptr(gx), n * c, *input_size, oh, ow)
        return gx

    return floats(body, g.dtype, g)


@register("adaptive_max_pool2d")
def adaptive_max_pool2d(x, output_size):
    def body(x):
        planes, h, w = _planes(x)
        y = np.empty(x.shape[:2] + tuple(output_size), x.dtype)
        idx = np.empty(y.shape, I64)
        fn("fx_adaptive_max_pool2d", x.dtype)(ptr(x), ptr(y), ptr(idx), planes, h, w, *output_size)
        return y, idx

    y, idx = floats(body, x.dtype, x, ints=True)
    return (y if y.dtype == x.dtype else y.astype(x.dtype)), idx
