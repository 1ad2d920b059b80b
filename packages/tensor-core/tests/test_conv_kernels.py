"""The convolution kernels (c_src/cpu/conv.c through fx/tensor/_backend/cpu/conv.py): the float32 C
paths against the float64 im2col path, over shapes around the register-tile sizes, both task
layouts (per image and whole input), one and two threads, Winograd and direct, every instruction set
(in subprocesses with FX_CONV_ISA / FX_CONV_ALGO), gradients smaller than the conv's natural output,
and non-finite inputs."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from fx.tensor._backend.cpu import _c
from fx.tensor._backend.cpu import conv as K

pytestmark = pytest.mark.skipif(not K._HAVE_C, reason="the C library (with conv.c) is not built")

RNG = np.random.default_rng(0)

# (n, c_in, h, w, c_out, kh, kw, padding (t, b, l, r), stride, dilation, groups)
CASES = [
    (2, 3, 7, 9, 5, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 1),
    (1, 4, 5, 20, 8, 3, 3, (0, 0, 0, 0), (1, 1), (1, 1), 2),
    (3, 6, 11, 11, 6, 3, 3, (2, 2, 2, 2), (1, 1), (2, 2), 3),
    (2, 3, 8, 33, 17, 5, 5, (2, 2, 2, 2), (1, 1), (1, 1), 1),  # 33 columns: two 16-lane tiles and a tail
    (1, 2, 1, 46, 3, 1, 4, (0, 0, 3, 1), (1, 1), (1, 3), 1),  # a 1-d conv, asymmetric padding
    (2, 16, 6, 17, 24, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 1),  # channel tiles of every ISA, 7-column tail
    (9, 5, 6, 6, 2, 2, 2, (0, 1, 1, 0), (1, 1), (1, 1), 1),  # few output channels, small rows
    (20, 3, 9, 40, 3, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 1),  # per-image tasks, narrow tiles (3 channels)
    (1, 8, 4, 4, 8, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 8),  # depthwise
    (2, 4, 3, 3, 4, 1, 1, (0, 0, 0, 0), (1, 1), (1, 1), 1),
    (2, 8, 16, 16, 16, 3, 3, (1, 1, 1, 1), (2, 2), (1, 1), 1),  # a ResNet downsampling conv
    (2, 4, 9, 11, 6, 4, 4, (1, 2, 1, 0), (2, 3), (1, 1), 2),  # stride above the kernel's step
    (1, 3, 13, 12, 5, 3, 2, (0, 0, 2, 2), (3, 2), (2, 3), 1),  # strides and dilations sharing factors
    (2, 3, 7, 7, 4, 1, 1, (0, 0, 0, 0), (3, 3), (1, 1), 1),  # taps reach one phase only
    (3, 6, 10, 9, 6, 5, 3, (2, 2, 1, 1), (2, 1), (1, 1), 6),  # depthwise, stride in one dim
    (33, 4, 6, 11, 8, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 1),  # two images per weight-gradient task, one left
    (70, 3, 3, 3, 5, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 1),  # tiny images: several per weight-gradient task
    (3, 32, 16, 16, 64, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 1),  # Winograd (and its input gradient)
    (2, 32, 9, 21, 40, 3, 3, (0, 2, 1, 0), (1, 1), (1, 1), 2),  # Winograd: odd sizes, groups, channel tail
    (1, 16, 1, 30, 16, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 1),  # Winograd with a single row
    (64, 16, 4, 4, 32, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 1),  # rows under a vector: im2col blocks
    (37, 8, 2, 2, 12, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 2),  # 2x2 maps: blocks of many images, groups
    (5, 4, 7, 7, 6, 3, 3, (1, 1, 1, 1), (2, 2), (1, 1), 1),  # 4x4 outputs of a strided conv
]


def _params(pad, stride, dil, groups):
    return {"stride": stride, "padding": pad, "dilation": dil, "groups": groups}


def _arrays(n, ci, h, w, co, kh, kw, pad, stride, dil, groups):
    rng = np.random.default_rng(n * 1000 + ci * 100 + co)
    x = rng.standard_normal((n, ci, h, w))
    wt = rng.standard_normal((co, ci // groups, kh, kw))
    b = rng.standard_normal(co)
    oh = (h + pad[0] + pad[1] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (w + pad[2] + pad[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    g = rng.standard_normal((n, co, oh, ow))
    return x, wt, b, g


def _close(a, b, scale):
    assert a.dtype == np.float32
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4 * scale)


def _all_three(case):
    """(float32 C results, float64 references) of forward, input gradient and weight gradient."""
    x, w, b, g = _arrays(*case)
    p = _params(*case[7:])
    f32 = [a.astype(np.float32) for a in (x, w, b, g)]
    got = [K.conv2d(f32[0], f32[1], f32[2], **p),
           K.conv2d_grad_input(f32[3], f32[1], input_size=x.shape[2:], **p),
           K.conv2d_grad_weight(f32[0], f32[3], weight_size=w.shape[2:], **p)]
    ref = [K.conv2d(x, w, b, **p), K.conv2d_grad_input(g, w, input_size=x.shape[2:], **p),
           K.conv2d_grad_weight(x, g, weight_size=w.shape[2:], **p)]
    return got, ref


@pytest.mark.parametrize("case", CASES, ids=[str(c[:7]) for c in CASES])
def test_c_kernels_match_float64(case):
    got, ref = _all_three(case)
    for a, r in zip(got, ref):
        _close(a, r, np.abs(r).max() + 1)


def test_one_and_two_threads_agree():
    before = _c.num_threads()
    try:
        results = []
        for nt in (1, 2):
            _c.set_num_threads(nt)
            results.append(_all_three((12, 8, 10, 19, 16, 3, 3, (1, 1, 1, 1), (1, 1), (1, 1), 1))[0])
        for a, b in zip(*results):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    finally:
        _c.set_num_threads(before)


@pytest.mark.parametrize("stride", [(1, 1), (2, 2), (3, 2)])
def test_gradients_smaller_than_the_natural_output(stride):
    """conv_transpose with output_padding pairs a grad with an input that has spare rows/columns."""
    x = RNG.standard_normal((2, 3, 13, 12)).astype(np.float32)
    g = RNG.standard_normal((2, 4, 3, 2)).astype(np.float32)  # fewer positions than the natural output
    w = RNG.standard_normal((4, 3, 3, 3)).astype(np.float32)
    p = _params((0, 0, 1, 1), stride, (1, 1), 1)
    gw = K.conv2d_grad_weight(x, g, weight_size=(3, 3), **p)
    ref = K.conv2d_grad_weight(x.astype(np.float64), g.astype(np.float64), weight_size=(3, 3), **p)
    _close(gw, ref, np.abs(ref).max())
    gx = K.conv2d_grad_input(g, w, input_size=(13, 12), **p)
    ref = K.conv2d_grad_input(g.astype(np.float64), w.astype(np.float64), input_size=(13, 12), **p)
    _close(gx, ref, np.abs(ref).max())
    assert not gx[:, :, 2 * stride[0] + 3:].any() and not gx[:, :, :, stride[1] + 2:].any()


def test_padding_past_the_kernel_reach_falls_back():
    x = RNG.standard_normal((1, 2, 4, 4)).astype(np.float32)
    w = RNG.standard_normal((3, 2, 3, 3)).astype(np.float32)
    p = _params((4, 4, 4, 4), (1, 1), (1, 1), 1)
    y = K.conv2d(x, w, **p)
    g = np.ones_like(y)
    gx = K.conv2d_grad_input(g, w, input_size=(4, 4), **p)
    ref = K.conv2d_grad_input(g.astype(np.float64), w.astype(np.float64), input_size=(4, 4), **p)
    _close(gx, ref, np.abs(ref).max())


def test_non_finite_values_stay_where_they_belong():
    """An inf next to a row's end must not leak into sums through lanes past the row (masked loads)."""
    x = np.zeros((1, 1, 3, 11), np.float32)
    x[0, 0, 1, 10] = np.inf  # only the last tap column reaches it
    g = np.ones((1, 1, 3, 9), np.float32)
    gw = K.conv2d_grad_weight(x, g, weight_size=(1, 3), **_params((0, 0, 0, 0), (1, 1), (1, 1), 1))
    assert np.isinf(gw[0, 0, 0, 2]) and np.isfinite(gw[0, 0, 0, :2]).all()
    y = K.conv2d(x, np.ones((1, 1, 1, 3), np.float32), **_params((0, 0, 0, 0), (1, 1), (1, 1), 1))
    assert np.isinf(y[0, 0, 1, 8]) and np.isfinite(y[0, 0, 1, :8]).all() and np.isfinite(y[0, 0, [0, 2]]).all()


_ISA_SCRIPT = """
import sys
sys.path[:0] = {paths!r}
import numpy as np
import test_conv_kernels as T
for case in T.CASES:
    got, ref = T._all_three(case)
    for a, r in zip(got, ref):
        T._close(a, r, np.abs(r).max() + 1)
print("ok")
"""


@pytest.mark.parametrize("env", [{"FX_CONV_ISA": "c"}, {"FX_CONV_ISA": "avx2"}, {"FX_CONV_ALGO": "direct"}],
                         ids=["portable", "avx2", "no-winograd"])
def test_every_instruction_set_and_algorithm(env):
    here = pathlib.Path(__file__).resolve().parent
    paths = [str(here)] + [p for p in sys.path if p]
    proc = subprocess.run([sys.executable, "-c", _ISA_SCRIPT.format(paths=paths)], env=dict(os.environ, **env),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr[-3000:]
