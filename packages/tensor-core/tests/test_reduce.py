"""Reduction behaviour the OpSpec table cannot express: return types, legacy arguments,
float16 accumulation, warnings, and the C-kernel hooks of the CPU backend."""

from __future__ import annotations

import numpy as np
import pytest

import fx.tensor as ft
from fx.tensor._backend.cpu import reduce as cpu_reduce


def _x(*shape, seed=0):
    return ft.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def test_max_with_dim_returns_named_pair():
    x = _x(3, 4)
    r = x.max(1)
    assert isinstance(r, tuple) and len(r) == 2
    assert r.values is r[0] and r.indices is r[1]
    assert r.indices.dtype is ft.int64
    values, indices = ft.min(x, dim=0, keepdim=True)
    assert values.shape == (1, 4) and indices.shape == (1, 4)
    assert type(r)((r.values, r.indices)) == r
    assert "values=" in repr(r) and "indices=" in repr(r)
    mm = ft.aminmax(x)
    assert mm.min.item() == x.min().item() and mm.max.item() == x.max().item()
    assert ft.cummax(x, 1).indices.dtype is ft.int64
    assert ft.median(x, 1).values.shape == (3,)


def test_max_of_two_tensors_is_maximum():
    a, b = _x(3, 4), _x(4, seed=1)
    np.testing.assert_array_equal(ft.max(a, b).numpy(), np.maximum(a.numpy(), b.numpy()))
    np.testing.assert_array_equal(a.min(b).numpy(), np.minimum(a.numpy(), b.numpy()))


def test_out_argument():
    x = _x(3, 4)
    out = ft.empty(0)
    assert ft.sum(x, 1, out=out) is out and out.shape == (3,)
    values, indices = ft.empty(0), ft.empty(0, dtype=ft.int64)
    r = ft.max(x, 1, out=(values, indices))
    assert r.values is values and r.indices is indices
    np.testing.assert_array_equal(indices.numpy(), x.numpy().argmax(1))


def test_legacy_var_arguments():
    x = _x(3, 4)
    a = x.numpy().astype(np.float64)
    np.testing.assert_allclose(x.var(True).item(), a.var(ddof=1), rtol=1e-5)
    np.testing.assert_allclose(x.var(False).item(), a.var(ddof=0), rtol=1e-5)
    np.testing.assert_allclose(x.std(1, False).numpy(), a.std(1), rtol=1e-5)
    np.testing.assert_allclose(ft.var(x, 0, correction=0.5).numpy(), a.var(0) * 3 / 2.5, rtol=1e-5)
    with pytest.raises(TypeError, match="both"):
        x.var(unbiased=True, correction=1)


def test_degrees_of_freedom_warning():
    with pytest.warns(UserWarning, match="degrees of freedom"):
        r = ft.tensor(2.0).var()
    assert np.isnan(r.item())


def test_empty_dim_tuple_means_all_dims():
    x = _x(3, 4)
    assert x.sum(dim=()).shape == () and x.amax(dim=[]).shape == () and x.mean(()).shape == ()


def test_half_accumulates_in_float32():
    x = ft.ones(4096, dtype=ft.float16)
    assert x.sum().item() == 4096.0  # float16 accumulation would stall at 2048
    assert x.mean().item() == 1.0
    assert ft.ones(4096, dtype=ft.bfloat16).cumsum(0)[-1].item() == 4096.0


def test_int_sums_do_not_overflow_small_dtypes():
    x = ft.full((300,), 100, dtype=ft.int8)
    assert x.sum().item() == 30000 and x.sum().dtype is ft.int64
    assert x.cumsum(0).dtype is ft.int64 and x.prod(dtype=ft.float64).dtype is ft.float64


def test_inplace_scans_bump_version():
    x = ft.tensor([1.0, 2.0, 3.0])
    v = x._version
    x.cumsum_(0)
    assert x.tolist() == [1.0, 3.0, 6.0] and x._version > v


@pytest.fixture
def fake_c_kernels(monkeypatch):
    """Stand-ins for the C last-dim kernels: record their calls, compute with NumPy."""
    calls = []

    def make(name, fn):
        def kernel(x):
            assert x.ndim == 2 and x.flags.c_contiguous
            calls.append((name, x.shape))
            return fn(x)

        return kernel

    fakes = {
        "sum_lastdim": make("sum", lambda x: x.sum(-1)),
        "amax_lastdim": make("amax", lambda x: x.max(-1)),
        "max_lastdim": make("max", lambda x: (x.max(-1), x.argmax(-1))),
    }
    monkeypatch.setattr(cpu_reduce, "_C_FNS", fakes)
    return calls


@pytest.mark.parametrize("shape,dim,keepdim", [((4, 8), -1, False), ((4, 8), 1, True), ((2, 3, 8), (1, 2), False),
                                               ((2, 3, 8), (1, 2), True), ((5,), 0, False), ((64, 1024), None, False),
                                               ((64, 1024), None, True), ((2, 3), None, False)])
def test_c_kernels_serve_trailing_reductions(fake_c_kernels, shape, dim, keepdim):
    x = _x(*shape)
    a = x.numpy()
    axis = dim if dim is None or isinstance(dim, tuple) else (dim,)
    got = ft.sum(x, dim, keepdim) if dim is not None else ft.sum(x, keepdim=keepdim) if keepdim else x.sum()
    np.testing.assert_allclose(got.numpy(), a.sum(axis=axis, keepdims=keepdim), rtol=1e-5, atol=1e-5)
    got = ft.amax(x, () if dim is None else dim, keepdim)
    np.testing.assert_array_equal(got.numpy(), a.max(axis=axis, keepdims=keepdim))
    assert {c[0] for c in fake_c_kernels} == {"sum", "amax"}


def test_c_max_kernel_and_fallbacks(fake_c_kernels):
    x = _x(4, 8)
    r = x.max(-1, keepdim=True)
    np.testing.assert_array_equal(r.indices.numpy(), x.numpy().argmax(-1)[:, None])
    assert fake_c_kernels == [("max", (4, 8))]
    fake_c_kernels.clear()
    x.t().sum(-1), x.sum(0), x.double().sum(-1), x.half().sum(-1), x[:, ::2].amax(-1)  # noqa: B018
    assert fake_c_kernels == [("sum", (4, 8))]  # only the float64 contiguous case; others use NumPy


def test_c_kernel_may_decline(monkeypatch):
    monkeypatch.setattr(cpu_reduce, "_C_FNS", {"sum_lastdim": lambda x: None, "max_lastdim": lambda x: None})
    x = _x(4, 8)
    np.testing.assert_allclose(x.sum(-1).numpy(), x.numpy().sum(-1), rtol=1e-5)
    np.testing.assert_array_equal(x.max(-1).indices.numpy(), x.numpy().argmax(-1))
