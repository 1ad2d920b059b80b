"""Specs: conv1d, conv2d, conv_transpose1d, conv_transpose2d (fx/tensor/_ops/conv.py).

The NumPy references sum one kernel tap at a time (a different order from both kernel paths)."""

import numpy as np

import fx.tensor as ft
from fx.tensor._ops import conv as C
from opspec import FLOATS, LOWP, ErrorCase, OpSpec, Sample, add, make


def _pairs(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v) * (n // len(v))


def _ref_conv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    nd = w.ndim - 2
    if x.ndim == nd + 1:
        return _ref_conv(x[None], w, b, stride, padding, dilation, groups)[0]
    s, d, k = _pairs(stride, nd), _pairs(dilation, nd), w.shape[2:]
    if padding == "valid":
        padding = 0
    if padding == "same":
        pads = [(dd * (kk - 1) // 2, dd * (kk - 1) - dd * (kk - 1) // 2) for kk, dd in zip(k, d)]
    else:
        pads = [(p, p) for p in _pairs(padding, nd)]
    xp = np.pad(x, [(0, 0), (0, 0)] + pads)
    out = [(xp.shape[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(nd)]
    n, cg, og = x.shape[0], w.shape[1], w.shape[0] // groups
    y = np.zeros((n, w.shape[0], *out))
    for tap in np.ndindex(*k):
        idx = tuple(slice(t * dd, t * dd + ss * (o - 1) + 1, ss) for t, dd, ss, o in zip(tap, d, s, out))
        patch = xp[(slice(None), slice(None)) + idx]
        for g in range(groups):
            wg = w[(slice(g * og, (g + 1) * og), slice(None)) + tap]
            y[:, g * og:(g + 1) * og] += np.einsum("nc...,oc->no...", patch[:, g * cg:(g + 1) * cg], wg)
    if b is not None:
        y += np.asarray(b, np.float64).reshape((-1,) + (1,) * nd)
    return y


def _ref_conv_t(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    nd = w.ndim - 2
    if x.ndim == nd + 1:
        return _ref_conv_t(x[None], w, b, stride, padding, output_padding, groups, dilation)[0]
    s, p, op, d = _pairs(stride, nd), _pairs(padding, nd), _pairs(output_padding, nd), _pairs(dilation, nd)
    k, size = w.shape[2:], x.shape[2:]
    full = [(i - 1) * ss + dd * (kk - 1) + 1 + o for i, ss, dd, kk, o in zip(size, s, d, k, op)]
    n, cg, og = x.shape[0], w.shape[0] // groups, w.shape[1]
    y = np.zeros((n, og * groups, *full))
    for tap in np.ndindex(*k):
        idx = tuple(slice(t * dd, t * dd + ss * (i - 1) + 1, ss) for t, dd, ss, i in zip(tap, d, s, size))
        for g in range(groups):
            wg = w[(slice(g * cg, (g + 1) * cg), slice(None)) + tap]
            y[(slice(None), slice(g * og, (g + 1) * og)) + idx] += np.einsum(
                "nc...,co->no...", x[:, g * cg:(g + 1) * cg], wg)
    y = y[(slice(None), slice(None)) + tuple(slice(pp, f - pp) for pp, f in zip(p, full))]
    if b is not None:
        y = y + np.asarray(b, np.float64).reshape((-1,) + (1,) * nd)
    return y


def _conv2d_samples(dt):
    m = lambda shape, **kw: make(shape, dt, -2.0, 2.0, **kw)  # noqa: E731
    return [
        Sample((m((1, 2, 4, 3)), m((2, 2, 2, 2))), name="tiny"),
        Sample((m((1, 2, 3, 3)), m((2, 1, 2, 2)), m((2,))), {"padding": 1, "groups": 2}, name="tiny-groups-bias"),
        Sample((m((2, 3, 7, 9)), m((4, 3, 3, 3)), m((4,))), {"padding": 1}, name="pad1-bias"),
        Sample((m((2, 4, 9, 8)), m((6, 2, 3, 2))), {"stride": (2, 1), "padding": (1, 0), "groups": 2}, name="strided"),
        Sample((m((1, 3, 8, 8)), m((3, 1, 3, 3))), {"padding": "same", "dilation": 2, "groups": 3},
               name="depthwise-same"),
        Sample((m((1, 2, 5, 6)), m((3, 2, 2, 4))), {"padding": "same"}, name="same-even-kernel"),
        Sample((m((2, 3, 6, 20), noncontig=True), m((5, 3, 3, 1))), {"padding": "valid"}, name="noncontig"),
        Sample((m((2, 3, 9, 9)).transpose(2, 3), m((2, 3, 2, 3))), {"stride": 3, "dilation": (2, 1)},
               name="transposed-input"),
        Sample((m((6, 5, 4)), m((4, 3, 3, 3))), {"padding": 1, "groups": 2}, name="unbatched"),
        Sample((make((0, 3, 5, 5), dt), m((4, 3, 3, 3))), name="empty-batch"),
        Sample((m((2, 16, 10, 21)), m((24, 16, 3, 3)), m((24,))), {"padding": 1}, name="c-kernel-tails"),
    ]


def _conv1d_samples(dt):
    m = lambda shape, **kw: make(shape, dt, -2.0, 2.0, **kw)  # noqa: E731
    return [
        Sample((m((1, 2, 5)), m((3, 2, 2))), name="tiny"),
        Sample((m((2, 4, 11)), m((6, 2, 3)), m((6,))), {"stride": 2, "padding": 2, "groups": 2}, name="strided"),
        Sample((m((2, 3, 12)), m((3, 3, 4))), {"padding": "same", "dilation": 3}, name="same-dilated"),
        Sample((m((2, 3, 40), noncontig=True), m((5, 3, 5))), {"padding": (1,)}, name="noncontig"),
        Sample((m((3, 9)), m((2, 3, 3))), name="unbatched"),
    ]


def _conv_t2d_samples(dt):
    m = lambda shape, **kw: make(shape, dt, -2.0, 2.0, **kw)  # noqa: E731
    return [
        Sample((m((1, 2, 3, 2)), m((2, 2, 2, 2))), name="tiny"),
        Sample((m((1, 2, 2, 2)), m((2, 1, 3, 2)), m((2,))), {"stride": 2, "output_padding": 1, "groups": 2},
               name="tiny-strided"),
        Sample((m((2, 4, 5, 6)), m((4, 3, 3, 3)), m((3,))), {"padding": 1}, name="pad1"),
        Sample((m((2, 4, 5, 6)), m((4, 2, 3, 3))), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2},
               name="upsample"),
        Sample((m((1, 3, 4, 5)), m((3, 2, 3, 2))), {"dilation": 2, "padding": (1, 0), "output_padding": 1},
               name="dilated-out-pad"),
        Sample((m((2, 3, 5, 10), noncontig=True), m((3, 4, 2, 2))), {"stride": (1, 3)}, name="noncontig"),
        Sample((m((3, 4, 4)), m((3, 2, 3, 3))), name="unbatched"),
    ]


def _conv_t1d_samples(dt):
    m = lambda shape, **kw: make(shape, dt, -2.0, 2.0, **kw)  # noqa: E731
    return [
        Sample((m((1, 2, 3)), m((2, 2, 2))), name="tiny"),
        Sample((m((2, 4, 7)), m((4, 3, 3)), m((6,))), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2},
               name="strided"),
        Sample((m((2, 3, 9)), m((3, 2, 4))), {"dilation": 2, "padding": 3}, name="dilated"),
    ]


def _conv2d_errors():
    x, w = make((32, 4, 32, 32), ft.float32), make((32, 3, 3, 3), ft.float32)
    small, w3 = make((1, 3, 2, 2), ft.float32), make((2, 3, 3, 3), ft.float32)
    return [
        ErrorCase((x, w), exc=RuntimeError, match=r"Given groups=1, weight of size \[32, 3, 3, 3\], expected "
                  r"input\[32, 4, 32, 32\] to have 3 channels, but got 4 channels instead"),
        ErrorCase((small, w3), exc=RuntimeError, match=r"Calculated padded input size per channel: \(2 x 2\)\. "
                  r"Kernel size: \(3 x 3\)\. Kernel size can't be greater than actual input size"),
        ErrorCase((small, w3), {"padding": "same", "stride": 2}, exc=RuntimeError,
                  match="padding='same' is not supported for strided convolutions"),
        ErrorCase((small, w3), {"padding": "full"}, exc=RuntimeError, match="Invalid padding string: 'full'"),
        ErrorCase((make((2, 1, 3, 5, 5), ft.float32), w3), exc=RuntimeError,
                  match=r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size"),
        ErrorCase((small, w3, make((3,), ft.float32)), {"padding": 1}, exc=RuntimeError,
                  match="expected bias to be 1-dimensional with 2 elements, but got bias of size \\[3\\]"),
        ErrorCase((make((1, 4, 5, 5), ft.float32), make((3, 2, 3, 3), ft.float32)), {"groups": 2},
                  exc=RuntimeError, match="expected weight to be divisible by 2 at dimension 0"),
        ErrorCase((small, w3), {"stride": 0}, exc=RuntimeError, match="non-positive stride is not supported"),
        ErrorCase((small, w3), {"padding": -1}, exc=RuntimeError, match="negative padding is not supported"),
        ErrorCase((small, w3), {"stride": (1, 1, 1)}, exc=RuntimeError,
                  match="expected stride to be a single integer value or a list of 2 values"),
        ErrorCase((small, make((2, 3, 3, 3), ft.float64)), exc=RuntimeError,
                  match="expected scalar type Float but found Double"),
        ErrorCase((make((1, 3, 5, 5), ft.bool), make((2, 3, 3, 3), ft.bool)), exc=NotImplementedError,
                  match="not implemented for 'Bool'"),
        ErrorCase(([1.0], w3), exc=TypeError, match="must be Tensor"),
        ErrorCase((small, w3), {"padding": 1.5}, exc=TypeError, match="'padding' must be tuple of ints"),
    ]


def _conv_t2d_errors():
    x, w = make((1, 4, 5, 5), ft.float32), make((4, 2, 3, 3), ft.float32)
    return [
        ErrorCase((make((1, 3, 5, 5), ft.float32), w), exc=RuntimeError, match=r"Given transposed=1, weight of size "
                  r"\[4, 2, 3, 3\], expected input\[1, 3, 5, 5\] to have 4 channels, but got 3 channels instead"),
        ErrorCase((x, w), {"output_padding": 1}, exc=RuntimeError,
                  match="output padding must be smaller than either stride or dilation"),
        ErrorCase((make((1, 4, 1, 1), ft.float32), w), {"padding": 3}, exc=RuntimeError,
                  match=r"Calculated output size per channel: \(-3 x -3\)\. Output size is too small"),
        ErrorCase((x, w, make((4,), ft.float32)), exc=RuntimeError,
                  match="expected bias to be 1-dimensional with 2 elements"),
        ErrorCase((x, w), {"padding": "same"}, exc=TypeError, match="'padding' must be tuple of ints, not str"),
    ]


def _conv1d_errors():
    return [
        ErrorCase((make((1, 3, 5, 5), ft.float32), make((2, 3, 3), ft.float32)), exc=RuntimeError,
                  match=r"Expected 2D \(unbatched\) or 3D \(batched\) input to conv1d"),
        ErrorCase((make((1, 3, 5), ft.float32), make((2, 3, 7), ft.float32)), exc=RuntimeError,
                  match=r"Calculated padded input size per channel: \(5\)\. Kernel size: \(7\)"),
        ErrorCase((make((1, 3, 5), ft.float32), make((2, 3, 3), ft.float32)), {"stride": (1, 1)}, exc=RuntimeError,
                  match="a list of 1 values"),
    ]


_TOL = {"atol": 2e-5, "rtol": 2e-5}
_LOWP_TOL = {"atol": 1e-2, "rtol": 1e-2, "differentiable": False, "torch_ref": None}  # torch rounds in between
add(
    OpSpec("conv2d", op=C.conv2d, ref=_ref_conv, samples=_conv2d_samples, dtypes=FLOATS,
           errors=_conv2d_errors, **_TOL),
    OpSpec("conv1d", op=C.conv1d, ref=_ref_conv, samples=_conv1d_samples, dtypes=FLOATS,
           errors=_conv1d_errors, **_TOL),
    OpSpec("conv_transpose2d", op=C.conv_transpose2d, ref=_ref_conv_t, samples=_conv_t2d_samples,
           dtypes=FLOATS, errors=_conv_t2d_errors, **_TOL),
    OpSpec("conv_transpose1d", op=C.conv_transpose1d, ref=_ref_conv_t, samples=_conv_t1d_samples, dtypes=FLOATS,
           errors=lambda: [ErrorCase((make((1, 3, 5), ft.float32), make((4, 2, 3), ft.float32)),
                                     exc=RuntimeError, match="expected input\\[1, 3, 5\\] to have 4 channels"),
                           ErrorCase((make((1, 4, 5), ft.float32), make((4, 2, 3), ft.float32)),
                                     {"output_padding": 2, "stride": 2}, exc=RuntimeError,
                                     match="output padding must be smaller"),
                           ErrorCase((make((1, 4, 5), ft.float32), make((4, 2, 3), ft.float32)), {"groups": 0},
                                     exc=RuntimeError, match="non-positive groups is not supported")], **_TOL),
    # float16/bfloat16 compute in float32 and round once
    OpSpec("conv2d", op=C.conv2d, ref=_ref_conv, samples=_conv2d_samples, dtypes=LOWP, **_LOWP_TOL),
    OpSpec("conv_transpose2d", op=C.conv_transpose2d, ref=_ref_conv_t, samples=_conv_t2d_samples, dtypes=LOWP,
           **_LOWP_TOL),
)
