"""matmul through fx's threads (fx/tensor/_backend/cpu/_blas.py, c_src/cpu/matmul.c): the same results
as NumPy's matmul for every operand layout the gemm takes (transposed, strided rows, batched,
broadcast, 1-d), one and two threads, and NumPy's own path for what it does not take."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import fx.tensor as ft
from fx.tensor._backend.cpu import _blas
from fx.tensor._backend.cpu.matmul import matmul as matmul_kernel

pytestmark = pytest.mark.skipif(not _blas.AVAILABLE, reason="no OpenBLAS found in this process")

SHAPES = [((64, 256), (256, 128)), ((300, 70), (70, 5)), ((5, 70), (70, 300)), ((4, 50, 60), (60, 40)),
          ((4, 50, 60), (4, 60, 40)), ((60, 70), (3, 70, 80)), ((70,), (70, 2000)), ((2000, 70), (70,)),
          ((3, 2, 50, 60), (3, 2, 60, 40)), ((100000,), (100000,)), ((7, 1, 300), (300, 300))]


def _layouts(x):
    """x as: itself, a transpose of a contiguous array, rows with a gap after them, Fortran order."""
    yield x
    if x.ndim >= 2:
        yield np.swapaxes(np.ascontiguousarray(np.swapaxes(x, -1, -2)), -1, -2)
        wide = np.zeros(x.shape[:-1] + (x.shape[-1] + 3,), x.dtype)
        wide[..., :x.shape[-1]] = x
        yield wide[..., :x.shape[-1]]
    if x.ndim >= 3:
        yield np.asfortranarray(x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sa,sb", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_same_as_numpy_for_every_layout(sa, sb, dtype):
    rng = np.random.default_rng(0)
    a0, b0 = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    for a, b in itertools.product(list(_layouts(a0)), list(_layouts(b0))):
        ref = np.matmul(a, b)
        out = matmul_kernel(a, b)
        assert out.shape == ref.shape and out.dtype == ref.dtype
        np.testing.assert_allclose(out, ref, rtol=tol, atol=tol * np.abs(ref).max())


def test_the_gemm_path_is_taken_and_owns_its_memory():
    a, b = np.ones((64, 256), np.float32), np.ones((256, 128), np.float32)
    out = _blas.matmul(a, b)
    assert out is not None and out.base is None and out.flags.c_contiguous
    np.testing.assert_array_equal(out, np.full((64, 128), 256, np.float32))


@pytest.mark.parametrize("a,b", [
    (np.ones((4, 4), np.float32), np.ones((4, 4), np.float32)),  # small: NumPy's call
    (np.ones((64, 64), np.int64), np.ones((64, 64), np.int64)),  # integers
    (np.ones((2, 64, 64), np.float32), np.ones((3, 1, 64, 64), np.float32)),  # broadcast batch
    (np.ones((64, 64), np.float32), np.ones((64, 64), np.float64)),  # mixed dtypes
    (np.broadcast_to(np.ones(256, np.float32), (256, 256)), np.ones((256, 256), np.float32)),  # stride-0 rows
])
def test_numpy_does_what_the_gemm_does_not_take(a, b):
    assert _blas.matmul(a, b) is None
    np.testing.assert_array_equal(matmul_kernel(a, b), np.matmul(a, b))


@pytest.mark.parametrize("threads", [1, 2])
def test_thread_counts_agree(threads):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((512, 300), dtype=np.float32), rng.standard_normal((300, 700), dtype=np.float32)
    old = ft.get_num_threads()
    try:
        ft.set_num_threads(threads)
        out = _blas.matmul(a, b)
    finally:
        ft.set_num_threads(old)
    np.testing.assert_allclose(out, a @ b, rtol=1e-4, atol=1e-3)


def test_blas_thread_count_is_restored():
    before = _blas._lib_threads()
    _blas.matmul(np.ones((256, 256), np.float32), np.ones((256, 256), np.float32))
    assert _blas._lib_threads() == before
