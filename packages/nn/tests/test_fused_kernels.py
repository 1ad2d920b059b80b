"""The fused kernels behind the transformer layers, against their references:

* dropout (its mask from the "dropout_mask_" primitive, one C pass) gives bit for bit what
  `input * empty_like(input).bernoulli_(1 - p).div_(1 - p)` gives from the same generator state,
  in every float dtype, and its gradient is the same mask applied to the upstream gradient;
* the C scaled-dot-product attention (forward and backward) matches the NumPy kernels it replaced
  for float32/float64, over masks, causal shapes, dropout, broadcast batches and strided inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn.functional as F
import fx.tensor as ft
from fx.tensor._backend.cpu import _c
from fx.tensor._backend.cpu import attention as sdpa_kernels
from fx.tensor._ops.nn import dropout_mask_

_rng = np.random.default_rng(11)
needs_c = pytest.mark.skipif(not _c.AVAILABLE, reason="the C kernels are not built")


def _reference_dropout(x, p):
    keep = 1.0 - p
    mask = ft.empty(tuple(x.shape), dtype=x.dtype).bernoulli_(keep).div_(keep)
    return x * mask, mask


def _input(shape, dtype):
    return ft.tensor(_rng.standard_normal(shape)).to(dtype)


# ---- dropout ------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [ft.float32, ft.float64, ft.float16, ft.bfloat16])
@pytest.mark.parametrize("p", [0.1, 1 / 3, 0.9])
@pytest.mark.parametrize("shape", [(1000,), (7, 33, 5), (0, 3), ()])
def test_dropout_matches_bernoulli_mask(dtype, p, shape):
    x = _input(shape, dtype)
    ft.manual_seed(5)
    want, mask = _reference_dropout(x, p)
    state = ft.get_rng_state()
    ft.manual_seed(5)
    got = F.dropout(x, p)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert np.array_equal(ft.get_rng_state().numpy(), state.numpy())  # the generator moved alike
    ft.manual_seed(5)
    np.testing.assert_array_equal(dropout_mask_(ft.empty(tuple(x.shape), dtype=dtype), p).numpy(), mask.numpy())


@pytest.mark.parametrize("dtype", [ft.float32, ft.float64])
def test_dropout_of_strided_input_and_unscaled_mask(dtype):
    x = _input((6, 40, 9), dtype).transpose(0, 2)
    ft.manual_seed(9)
    want, _ = _reference_dropout(x, 0.25)
    ft.manual_seed(9)
    np.testing.assert_array_equal(F.dropout(x, 0.25).numpy(), want.numpy())
    ft.manual_seed(4)
    want = ft.empty(300, dtype=dtype).bernoulli_(0.75)
    ft.manual_seed(4)
    np.testing.assert_array_equal(dropout_mask_(ft.empty(300, dtype=dtype), 0.25, scaled=False).numpy(), want.numpy())


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scaled", [True, False])
def test_dropout_mask_c_kernel_matches_numpy(dtype, scaled, monkeypatch):
    from fx.tensor._backend.cpu import nn as nn_kernels

    n = 100_003  # long enough for the parallel path
    got = nn_kernels.dropout_mask_(np.empty(n, dtype), p=0.3, seed=17, offset=2**64 - 5, scaled=scaled)
    monkeypatch.setattr(_c, "AVAILABLE", False)
    want = nn_kernels.dropout_mask_(np.empty(n, dtype), p=0.3, seed=17, offset=2**64 - 5, scaled=scaled)
    np.testing.assert_array_equal(got, want)
    strided = nn_kernels.dropout_mask_(np.empty((n, 2), dtype)[:, 0], p=0.3, seed=17, offset=2**64 - 5,
                                       scaled=scaled)
    np.testing.assert_array_equal(strided, want)


@pytest.mark.parametrize("dtype", [ft.float32, ft.float64])
def test_dropout_gradient_is_the_same_mask(dtype):
    x = _input((20, 30), dtype).requires_grad_()
    g = _input((20, 30), dtype)
    ft.manual_seed(2)
    y = F.dropout(x, 0.4)
    (gx,) = ag.grad(y, x, g, create_graph=True)
    ft.manual_seed(2)
    _, mask = _reference_dropout(x.detach(), 0.4)
    np.testing.assert_array_equal(gx.detach().numpy(), (g * mask).numpy())
    assert not gx.requires_grad  # the gradient depends on g alone, not on x
    h = _input((20, 30), dtype).requires_grad_()
    ft.manual_seed(2)
    (gh,) = ag.grad(F.dropout(x, 0.4), x, h, create_graph=True)
    (hh,) = ag.grad(gh.sum(), h)  # d(h * mask) / dh = mask
    np.testing.assert_array_equal(hh.numpy(), mask.numpy())


# ---- scaled dot-product attention --------------------------------------------------------------
def _numpy_path(monkeypatch):
    monkeypatch.setattr(sdpa_kernels, "_c_ready", lambda *a: None)


_CASES = {
    "plain": dict(q=(2, 3, 5, 4), k=(2, 3, 7, 4), v=(2, 3, 7, 6)),
    "causal": dict(q=(2, 3, 9, 4), k=(2, 3, 7, 4), v=(2, 3, 7, 6), causal=True),
    "broadcast": dict(q=(2, 3, 5, 4), k=(1, 3, 7, 4), v=(2, 1, 7, 6)),
    "unbatched": dict(q=(6, 8), k=(9, 8), v=(9, 3)),
    "bool-mask": dict(q=(2, 3, 5, 4), k=(2, 3, 7, 4), v=(2, 3, 7, 6), mask="bool", mshape=(5, 7)),
    "float-mask": dict(q=(2, 3, 5, 4), k=(2, 3, 7, 4), v=(2, 3, 7, 6), mask="float", mshape=(3, 1, 7)),
    "dropout": dict(q=(2, 3, 20, 4), k=(2, 3, 20, 4), v=(2, 3, 20, 4), causal=True, dropout=0.3),
    "dropout-mask": dict(q=(2, 3, 5, 4), k=(2, 3, 7, 4), v=(2, 3, 7, 6), mask="float", mshape=(2, 3, 5, 7),
                         dropout=0.5),
    "long": dict(q=(2, 2, 70, 16), k=(2, 2, 70, 16), v=(2, 2, 70, 24), causal=True),
}


def _operands(case, dtype):
    q, k, v = (_rng.standard_normal(case[n]).astype(dtype) for n in "qkv")
    k = np.ascontiguousarray(np.swapaxes(k, -1, -2)).swapaxes(-1, -2) if k.ndim > 2 else k  # strided rows
    extra, m = [], None
    if case.get("mask") == "bool":
        m = _rng.random(case["mshape"]) > 0.3
        m[1] = False  # a query that sees no key
    elif case.get("mask") == "float":
        m = _rng.standard_normal(case["mshape"]).astype(dtype)
        m[..., 0] = -np.inf
    if m is not None:
        extra.append(m)
    p = case.get("dropout", 0.0)
    if p:
        full = np.broadcast_shapes(q.shape[:-1] + (k.shape[-2],), k.shape[:-2] + (1, 1))
        extra.append((_rng.random(full) > p).astype(dtype))
    params = dict(scale=0.37, causal=case.get("causal", False), mask=case.get("mask"), dropout=p)
    return (q, k, v), extra, params


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(_CASES))
def test_sdpa_c_kernel_matches_numpy(name, dtype, monkeypatch):
    (q, k, v), extra, params = _operands(_CASES[name], dtype)
    need = (True, True, True, params["mask"] == "float")
    out, lse = sdpa_kernels.sdpa(q, k, v, *extra, **params)
    g = _rng.standard_normal(out.shape).astype(dtype)
    grads = sdpa_kernels.sdpa_backward(g, q, k, v, out, lse, *extra, need=need, **params)
    _numpy_path(monkeypatch)
    out_np, lse_np = sdpa_kernels.sdpa(q, k, v, *extra, **params)
    grads_np = sdpa_kernels.sdpa_backward(g, q, k, v, out_np, lse_np, *extra, need=need, **params)
    tol = 1e-12 if dtype == np.float64 else 2e-5
    assert out.dtype == out_np.dtype and lse.dtype == lse_np.dtype
    np.testing.assert_allclose(out, out_np, rtol=tol, atol=tol)
    np.testing.assert_array_equal(np.isinf(lse), np.isinf(lse_np))
    np.testing.assert_allclose(lse, lse_np, rtol=tol, atol=tol)
    for got, want in zip(grads, grads_np):
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=10 * tol, atol=10 * tol)


@needs_c
def test_sdpa_gradients_only_where_needed_and_head_layout():
    # q/k/v as multi-head attention passes them: (N, H, L, E) views of one (N, L, 3H, E) projection.
    proj = _rng.standard_normal((3, 10, 6, 8)).astype(np.float32)
    q, k, v = (proj[:, :, i:i + 2].transpose(0, 2, 1, 3) for i in (0, 2, 4))
    params = dict(scale=0.5, causal=True, mask=None, dropout=0.0)
    out, lse = sdpa_kernels.sdpa(q, k, v, **params)
    assert out.transpose(0, 2, 1, 3).flags.c_contiguous  # permuting back to (N, L, H, E) needs no copy
    g = _rng.standard_normal(out.shape).astype(np.float32)
    gq, gk, gv, gm = sdpa_kernels.sdpa_backward(g, q, k, v, out, lse, need=(False, True, False, False), **params)
    assert gq.size == 0 and gv.size == 0 and gm.size == 0 and gk.shape == k.shape
    full = sdpa_kernels.sdpa_backward(g, q, k, v, out, lse, need=(True, True, True, False), **params)
    np.testing.assert_array_equal(gk, full[1])


@needs_c
def test_sdpa_thread_count_does_not_change_values():
    lib = _c.lib
    before = lib.fx_num_threads()
    (q, k, v), extra, params = _operands(_CASES["long"], np.float32)
    q, k, v = (np.repeat(a, 8, axis=0) for a in (q, k, v))  # enough work for the parallel path
    runs = []
    try:
        for n in (1, max(2, before)):
            lib.fx_set_num_threads(n)
            out, lse = sdpa_kernels.sdpa(q, k, v, **params)
            runs.append((out, *sdpa_kernels.sdpa_backward(out, q, k, v, out, lse, need=(True, True, True, False),
                                                          **params)[:3]))
    finally:
        lib.fx_set_num_threads(before)
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


@needs_c
@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_nan_scores_like_torch(causal):
    torch = pytest.importorskip("torch")
    q, k, v = (_rng.random((1, 2, 4, 3)).astype(np.float32) for _ in range(3))
    q[0, 0, 1] = np.nan  # a row of NaN scores: PyTorch's fused kernel gives it 0
    k[0, 1, 2, 0] = np.nan  # one NaN score in each row that sees key 2: NaN rows
    got = F.scaled_dot_product_attention(*(ft.tensor(a) for a in (q, k, v)), is_causal=causal).numpy()
    want = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)),
                                                            is_causal=causal).numpy()
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(np.nan_to_num(got), np.nan_to_num(want), rtol=1e-5, atol=1e-6)
