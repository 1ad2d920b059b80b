"""CPU kernels of the convolution primitives (fx/tensor/_ops/conv.py).

float32 runs c_src/cpu/conv.c (implicit GEMMs over a padded copy of the input, OpenMP): forward and
weight gradient at any stride; the input gradient is the flipped-weight forward at stride 1, and
at stride s one such conv per output phase (s x s of them, each with the taps that reach it).
Other dtypes build im2col columns (a strided view, copied once), use NumPy's matmul (OpenBLAS), and
scatter input gradients back with one strided add per kernel tap.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..._ops import conv as _prims  # noqa: F401  (defines the primitives)
from . import _c
from ._util import opmath, register

_F32 = np.dtype(np.float32)
_ONE = (1, 1)
_HAVE_C = _c.AVAILABLE and hasattr(_c.lib, "fx_conv2d_f32")  # False with a library built before conv.c


def _out(size, before, after, k, s, d):
    return (size + before + after - d * (k - 1) - 1) // s + 1


def _trim(size, before, after, k, s, d, out):
    """(size, after) without the far-end padding, then input, that a conv producing `out` positions never reads."""
    excess = before + size + after - ((out - 1) * s + d * (k - 1) + 1)
    cut = min(after, excess)
    return size - (excess - cut), after - cut


def _ptr(a):
    return _c.ffi.from_buffer("float[]", a)


def _c_conv(x, w, b, pads, stride, dilation, groups, transposed, cout):
    """fx_conv2d_f32 on contiguous float32 arrays (pads: top, bottom, left, right; all >= 0)."""
    n, c, h, wd = x.shape
    kh, kw = w.shape[2:]
    pt, pb, pl, pr = pads
    y = np.empty((n, cout, _out(h, pt, pb, kh, stride[0], dilation[0]), _out(wd, pl, pr, kw, stride[1], dilation[1])),
                 _F32)
    if _c.lib.fx_conv2d_f32(_ptr(x), _ptr(w), _c.ffi.NULL if b is None else _ptr(b), _ptr(y), n, c, h, wd, cout, kh,
                            kw, pt, pb, pl, pr, stride[0], stride[1], dilation[0], dilation[1], groups, transposed):
        raise MemoryError
    return y


def _use_c(*arrays):
    return _HAVE_C and arrays[0].dtype == _F32 and all(a.size for a in arrays)


def _contig(a):
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def _columns(x, ksize, stride, padding, dilation, out):
    """im2col view (N, C, kh, kw, oh, ow) of the zero-padded input."""
    pt, pb, pl, pr = padding
    if pt or pb or pl or pr:
        x = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    sn, sc, sh, sw = x.strides
    return as_strided(x, x.shape[:2] + tuple(ksize) + tuple(out),
                      (sn, sc, sh * dilation[0], sw * dilation[1], sh * stride[0], sw * stride[1]), writeable=False)


@register("conv2d")
@opmath
def conv2d(x, w, b=None, *, stride, padding, dilation, groups):
    n, _, h, wd = x.shape
    cout, cg, kh, kw = w.shape
    if _use_c(x, w):
        return _c_conv(_contig(x), _contig(w), None if b is None else _contig(b), padding, stride, dilation, groups, 0,
                       cout)
    out = (_out(h, padding[0], padding[1], kh, stride[0], dilation[0]),
           _out(wd, padding[2], padding[3], kw, stride[1], dilation[1]))
    k = cg * kh * kw
    cols = _columns(x, (kh, kw), stride, padding, dilation, out).reshape(n, groups, k, out[0] * out[1])
    y = np.matmul(w.reshape(groups, cout // groups, k), cols).reshape(n, cout, *out)
    if b is not None:
        y += b.reshape(-1, 1, 1)
    return y


def _phases(size, before, k, s, d, out):
    """The stride-1 transposed convs that give an input gradient's positions i = i0, i0 + s, ... (1-d).

    For each phase with taps: (i0, first tap, tap step, taps, their dilation, g padding before and
    after); a negative padding crops g instead.
    """
    step, dd = s // math.gcd(s, d), d // math.gcd(s, d)
    res = []
    for a in range(s):  # positions Y = s Y' + a of the padded input
        i0 = (a - before) % s
        count = (size - i0 + s - 1) // s
        taps = [t for t in range(k) if t * d % s == a]
        if count <= 0 or not taps:
            continue
        m, base = len(taps), (i0 + before - a) // s
        pad0 = (m - 1) * dd - base + (taps[0] * d - a) // s
        res.append((i0, taps[0], step, m, dd, pad0, count - out - pad0 + dd * (m - 1)))
    return res


def _grad_input_strided(g, w, size, stride, padding, dilation, groups):
    """conv2d_grad_input at stride > 1 from s_h x s_w stride-1 transposed convs (C kernels)."""
    n, _, oh, ow = g.shape
    cin = w.shape[1] * groups
    gx = np.zeros((n, cin) + tuple(size), _F32)
    rows = _phases(size[0], padding[0], w.shape[2], stride[0], dilation[0], oh)
    cols = _phases(size[1], padding[2], w.shape[3], stride[1], dilation[1], ow)
    for r0, kr, sr, mr, dr, pt, pb in rows:
        for c0, kc, sc, mc, dc, pl, pr in cols:
            sub = _contig(w[:, :, kr:kr + sr * (mr - 1) + 1:sr, kc:kc + sc * (mc - 1) + 1:sc])
            gg = g[:, :, max(-pt, 0):oh - max(-pb, 0), max(-pl, 0):ow - max(-pr, 0)]
            if gg.size == 0:
                continue
            pads = (max(pt, 0), max(pb, 0), max(pl, 0), max(pr, 0))
            gx[:, :, r0::stride[0], c0::stride[1]] = _c_conv(_contig(gg), sub, None, pads, _ONE, (dr, dc), groups,
                                                            1, cin)
    return gx


@register("conv2d_grad_input")
@opmath
def conv2d_grad_input(g, w, *, input_size, stride, padding, dilation, groups):
    n, cout, oh, ow = g.shape
    cin, (kh, kw) = w.shape[1] * groups, w.shape[2:]
    h, wd = input_size
    pt, pb, pl, pr = padding
    if _use_c(g, w) and h and wd:
        if stride != _ONE:
            return _grad_input_strided(_contig(g), w, input_size, stride, padding, dilation, groups)
        dh, dw = dilation
        (h2, pb), (w2, pr) = _trim(h, pt, pb, kh, 1, dh, oh), _trim(wd, pl, pr, kw, 1, dw, ow)
        pads = (dh * (kh - 1) - pt, dh * (kh - 1) - pb, dw * (kw - 1) - pl, dw * (kw - 1) - pr)
        if min(pads) >= 0 and h2 > 0 and w2 > 0:
            gx = _c_conv(_contig(g), _contig(w), None, pads, _ONE, dilation, groups, 1, cin)
            if (h2, w2) != (h, wd):
                gx = np.pad(gx, ((0, 0), (0, 0), (0, h - h2), (0, wd - w2)))
            return gx
    og, k = cout // groups, w.shape[1] * kh * kw
    wt = w.reshape(groups, og, k).transpose(0, 2, 1)
    cols = np.matmul(wt, g.reshape(n, groups, og, oh * ow)).reshape(n, cin, kh, kw, oh, ow)
    hp = max(h + pt + pb, (oh - 1) * stride[0] + dilation[0] * (kh - 1) + 1)
    wp = max(wd + pl + pr, (ow - 1) * stride[1] + dilation[1] * (kw - 1) + 1)
    gx = np.zeros((n, cin, hp, wp), g.dtype)
    for i in range(kh):
        r = i * dilation[0]
        for j in range(kw):
            c = j * dilation[1]
            gx[:, :, r:r + (oh - 1) * stride[0] + 1:stride[0], c:c + (ow - 1) * stride[1] + 1:stride[1]] += cols[:, :, i, j]
    return np.ascontiguousarray(gx[:, :, pt:pt + h, pl:pl + wd])


@register("conv2d_grad_weight")
@opmath
def conv2d_grad_weight(x, g, *, weight_size, stride, padding, dilation, groups):
    n, cin, h, wd = x.shape
    cout, oh, ow = g.shape[1:]
    kh, kw = weight_size
    cg, og = cin // groups, cout // groups
    pt, pb, pl, pr = padding
    if _use_c(x, g):
        (h2, pb), (w2, pr) = (_trim(h, pt, pb, kh, stride[0], dilation[0], oh),
                              _trim(wd, pl, pr, kw, stride[1], dilation[1], ow))
        if h2 > 0 and w2 > 0:
            xs = _contig(x[:, :, :h2, :w2])
            gw = np.empty((cout, cg, kh, kw), _F32)
            if _c.lib.fx_conv2d_grad_weight_f32(_ptr(xs), _ptr(_contig(g)), _ptr(gw), n, cin, h2, w2, cout, kh, kw,
                                                pt, pb, pl, pr, stride[0], stride[1], dilation[0], dilation[1],
                                                groups):
                raise MemoryError
            return gw
    k, p = cg * kh * kw, oh * ow
    cols = _columns(x, (kh, kw), stride, padding, dilation, (oh, ow))
    if groups == 1:
        return np.tensordot(g.reshape(n, cout, p), cols.reshape(n, k, p), axes=((0, 2), (0, 2))).reshape(cout, cg, kh, kw)
    cols = cols.reshape(n, groups, k, p)
    gw = np.matmul(g.reshape(n, groups, og, p), cols.transpose(0, 1, 3, 2)).sum(0)
    return gw.reshape(cout, cg, kh, kw)
