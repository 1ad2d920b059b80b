"""CPU kernels of the normalization primitives (c_src/cpu/norm.c); see fx/tensor/_ops/norm.py."""

from __future__ import annotations

import math

import numpy as np

from ..._ops import norm as _prims  # noqa: F401  (defines the primitives)
from ._nnc import floats, fn, ptr
from ._util import register

_NONE = np.empty(0, np.float32)


def _split(x, ndim):
    lead = x.shape[:x.ndim - ndim]
    return lead, math.prod(lead), math.prod(x.shape[x.ndim - ndim:])


def _wb(rest, weight, bias):
    rest = list(rest)
    w = rest.pop(0) if weight else None
    b = rest.pop(0) if bias else None
    return w, b


def _ln(x, rest, ndim, eps, weight, bias, rms):
    def body(x, w, b):
        lead, rows, cols = _split(x, ndim)
        y = np.empty_like(x)
        stat = lead + (1,) * ndim
        mean = None if rms else np.empty(stat, x.dtype)
        rstd = np.empty(stat, x.dtype)
        fn("fx_layer_norm", x.dtype)(ptr(x), ptr(w), ptr(b), ptr(y), ptr(mean), ptr(rstd), rows, cols, eps, int(rms))
        return (y, rstd) if rms else (y, mean, rstd)

    return floats(body, x.dtype, x, *_wb(rest, weight, bias), keep=(1, 2))


@register("layer_norm")
def layer_norm(x, *rest, ndim, eps, weight, bias):
    return _ln(x, rest, ndim, eps, weight, bias, False)


@register("rms_norm")
def rms_norm(x, *rest, ndim, eps, weight):
    return _ln(x, rest, ndim, eps, weight, False, True)


def _grads(x, w, need, wshape):
    """Output arrays (gx, gw, gb) for the wanted gradients (gw/gb only with a weight shape)."""
    gx = np.empty_like(x) if need[0] else None
    gw = np.empty(wshape, x.dtype) if need[1] and wshape is not None else None
    gb = np.empty(wshape, x.dtype) if need[2] and wshape is not None else None
    return gx, gw, gb


def _pack(*outs):
    return tuple(_NONE if o is None else o for o in outs)


def _ln_bwd(g, x, mean, rstd, w, ndim, need, rms):
    def body(g, x, mean, rstd, w):
        _, rows, cols = _split(x, ndim)
        gx, gw, gb = _grads(x, w, need, x.shape[x.ndim - ndim:])
        fn("fx_layer_norm_backward", x.dtype)(ptr(g), ptr(x), ptr(mean), ptr(rstd), ptr(w), ptr(gx), ptr(gw),
                                              ptr(gb), rows, cols, int(rms))
        return _pack(gx, gw, gb)

    return floats(body, x.dtype, g, x, mean, rstd, w)


@register("layer_norm_backward")
def layer_norm_backward(g, x, mean, rstd, *w, ndim, need):
    return _ln_bwd(g, x, mean, rstd, w[0] if w else None, ndim, need, False)


@register("rms_norm_backward")
def rms_norm_backward(g, x, rstd, *w, ndim, need):
    return _ln_bwd(g, x, None, rstd, w[0] if w else None, ndim, need, True)


def _ncs(x):
    n, c = x.shape[:2]
    return n, c, math.prod(x.shape[2:])


@register("group_norm")
def group_norm(x, *rest, groups, eps, weight, bias):
    def body(x, w, b):
        n, c, s = _ncs(x)
        y = np.empty_like(x)
        mean = np.empty((n, groups), x.dtype)
        rstd = np.empty((n, groups), x.dtype)
        fn("fx_group_norm", x.dtype)(ptr(x), ptr(w), ptr(b), ptr(y), ptr(mean), ptr(rstd), n, c, s, groups, eps)
        return y, mean, rstd

    return floats(body, x.dtype, x, *_wb(rest, weight, bias), keep=(1, 2))


@register("group_norm_backward")
def group_norm_backward(g, x, mean, rstd, *w, groups, need):
    def body(g, x, mean, rstd, w):
        n, c, s = _ncs(x)
        gx, gw, gb = _grads(x, w, need, (c,))
        fn("fx_group_norm_backward", x.dtype)(ptr(g), ptr(x), ptr(mean), ptr(rstd), ptr(w), ptr(gx), ptr(gw),
                                              ptr(gb), n, c, s, groups)
        return _pack(gx, gw, gb)

    return floats(body, x.dtype, g, x, mean, rstd, w[0] if w else None)


@register("batch_norm")
def batch_norm(x, *rest, eps, weight, bias):
    def body(x, w, b):
        n, c, s = _ncs(x)
        y = np.empty_like(x)
        mean = np.empty(c, x.dtype)
        var = np.empty(c, x.dtype)
        fn("fx_batch_norm", x.dtype)(ptr(x), ptr(w), ptr(b), ptr(y), ptr(mean), ptr(var), n, c, s, eps)
        return y, mean, var

    return floats(body, x.dtype, x, *_wb(rest, weight, bias), keep=(1, 2))


@register("batch_norm_backward")
def batch_norm_backward(g, x, mean, var, *w, eps, need):
    def body(g, x, mean, var, w):
        n, c, s = _ncs(x)
        gx, gw, gb = _grads(x, w, need, (c,))
        fn("fx_batch_norm_backward", x.dtype)(ptr(g), ptr(x), ptr(mean), ptr(var), ptr(w), ptr(gx), ptr(gw),
                                              ptr(gb), n, c, s, eps)
        return _pack(gx, gw, gb)

    return floats(body, x.dtype, g, x, mean, var, w[0] if w else None)
