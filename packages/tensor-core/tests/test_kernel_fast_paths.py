"""Fast paths of the CPU kernels that must give exactly what the general code gives: `where` by the C
kernel (array and single-element branches, NaN, float32/float64) and 2x2 stride-2 max pooling
(values and indices, NaN and -inf, against the generic loop and PyTorch's rules)."""

from __future__ import annotations

import numpy as np
import pytest

import fx.tensor as ft
from fx.tensor._backend.cpu import _c
from fx.tensor._backend.cpu.elementwise import where as where_kernel

F = pytest.importorskip("fx.nn.functional")  # the fast paths are reached through fx.nn in these tests

pytestmark = pytest.mark.skipif(not _c.AVAILABLE, reason="the C library is not built")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [300, 40000])
def test_where_matches_numpy(dtype, n):
    rng = np.random.default_rng(0)
    c = rng.random(n) < 0.5
    a, b = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
    a[::7] = np.nan
    b[::5] = -np.inf
    for x, y in ((a, b), (a, np.zeros((), dtype)), (np.ones((1,), dtype), b), (np.zeros((), dtype), np.ones((), dtype))):
        out = where_kernel(c, x, y)
        ref = np.where(c, x, y)
        assert out.dtype == ref.dtype and out.shape == ref.shape
        np.testing.assert_array_equal(out, ref)


def test_where_keeps_numpy_for_broadcasting_and_layouts():
    rng = np.random.default_rng(1)
    c = rng.random((300, 4)) < 0.5
    a = rng.standard_normal((300, 1)).astype(np.float32)  # broadcast along a dim
    b = rng.standard_normal((4, 300)).astype(np.float32).T  # not C-contiguous
    np.testing.assert_array_equal(where_kernel(c, a, b), np.where(c, a, b))


def _max_pool_reference(x, k, s):
    """Windows scanned row by row; a larger value or any NaN takes over (PyTorch's CPU rule)."""
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    y = np.empty((n, c, oh, ow), x.dtype)
    idx = np.empty((n, c, oh, ow), np.int64)
    for p in np.ndindex(n, c):
        for i in range(oh):
            for j in range(ow):
                best, m = i * s * w + j * s, -np.inf
                for dh in range(k):
                    for dw in range(k):
                        v = x[p][i * s + dh, j * s + dw]
                        if v > m or np.isnan(v):
                            m, best = v, (i * s + dh) * w + j * s + dw
                y[p][i, j], idx[p][i, j] = m, best
    return y, idx


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(2, 3, 8, 8), (1, 2, 7, 9), (3, 1, 2, 2)])
def test_max_pool_2x2_matches_the_window_scan(dtype, shape):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape).astype(dtype)
    x.flat[::11] = np.nan
    x.flat[3::13] = -np.inf
    x.flat[5::17] = x.flat[4::17][: len(x.flat[5::17])]  # ties: the first one wins
    y, idx = F.max_pool2d(ft.tensor(x), 2, return_indices=True)
    ry, ridx = _max_pool_reference(x, 2, 2)
    np.testing.assert_array_equal(y.numpy(), ry)
    np.testing.assert_array_equal(idx.numpy(), ridx)
