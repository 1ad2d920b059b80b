"""Pooling: functional and layers vs PyTorch (outputs, indices, input gradients), gradcheck, errors."""

from __future__ import annotations

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn as nn
import fx.nn.functional as F
import fx.tensor as ft

torch = pytest.importorskip("torch")
TF = torch.nn.functional

_rng = np.random.default_rng(0)


def _run(fx_fn, torch_fn, shape, dtype=np.float64, atol=1e-12, with_indices=False):
    """Compare outputs (and indices) and the gradient of <out, g> w.r.t. the input."""
    a = _rng.standard_normal(shape).astype(dtype)
    x, tx = ft.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = fx_fn(x), torch_fn(tx)
    if with_indices:
        np.testing.assert_array_equal(y[1].numpy(), ty[1].numpy())
        assert y[1].dtype == ft.int64
        y, ty = y[0], ty[0]
    assert tuple(y.shape) == tuple(ty.shape)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), atol=atol, rtol=1e-6)
    g = _rng.standard_normal(tuple(ty.shape)).astype(dtype)
    (y * ft.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=atol * 10, rtol=1e-6)


MAX2D = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(2, 1)),
    dict(kernel_size=3, stride=2, ceil_mode=True),
    dict(kernel_size=(2, 3), stride=2, padding=1, dilation=2, ceil_mode=True),
]


@pytest.mark.parametrize("kw", MAX2D)
@pytest.mark.parametrize("shape", [(2, 3, 9, 8), (3, 7, 10)])
def test_max_pool2d(kw, shape):
    _run(lambda x: F.max_pool2d(x, return_indices=True, **kw), lambda x: TF.max_pool2d(x, return_indices=True, **kw),
         shape, with_indices=True)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                dict(kernel_size=3, stride=1, dilation=2, ceil_mode=True),
                                dict(kernel_size=4, stride=3, padding=2, ceil_mode=True)])
@pytest.mark.parametrize("shape", [(2, 3, 11), (4, 13)])
def test_max_pool1d(kw, shape):
    _run(lambda x: F.max_pool1d(x, return_indices=True, **kw), lambda x: TF.max_pool1d(x, return_indices=True, **kw),
         shape, with_indices=True)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
                                dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
                                dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 1), ceil_mode=True),
                                dict(kernel_size=3, padding=1, divisor_override=4)])
def test_avg_pool2d(kw):
    _run(lambda x: F.avg_pool2d(x, **kw), lambda x: TF.avg_pool2d(x, **kw), (2, 3, 9, 8))


@pytest.mark.parametrize("kw", [dict(kernel_size=3), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                dict(kernel_size=4, stride=2, padding=2, count_include_pad=False)])
def test_avg_pool1d(kw):
    _run(lambda x: F.avg_pool1d(x, **kw), lambda x: TF.avg_pool1d(x, **kw), (2, 3, 11))


@pytest.mark.parametrize("size", [1, (3, 5), (4, None), (7, 9), (10, 3)])
def test_adaptive_pool2d(size):
    _run(lambda x: F.adaptive_avg_pool2d(x, size), lambda x: TF.adaptive_avg_pool2d(x, size), (2, 3, 7, 9))
    _run(lambda x: F.adaptive_max_pool2d(x, size, True), lambda x: TF.adaptive_max_pool2d(x, size, True),
         (2, 3, 7, 9), with_indices=True)


@pytest.mark.parametrize("size", [1, 3, 5, 8])
def test_adaptive_pool1d(size):
    _run(lambda x: F.adaptive_avg_pool1d(x, size), lambda x: TF.adaptive_avg_pool1d(x, size), (2, 3, 7))
    _run(lambda x: F.adaptive_max_pool1d(x, size, True), lambda x: TF.adaptive_max_pool1d(x, size, True), (3, 7),
         with_indices=True)


def test_lp_pool():
    a = np.abs(_rng.standard_normal((2, 3, 8, 8))) + 0.1
    for p in (1.0, 2.0, 3.0):
        y = F.lp_pool2d(ft.tensor(a), p, 3, 2)
        np.testing.assert_allclose(y.numpy(), TF.lp_pool2d(torch.tensor(a), p, 3, 2).numpy(), rtol=1e-10)
    y = F.lp_pool1d(ft.tensor(a[:, :, 0]), 2.0, 3)
    np.testing.assert_allclose(y.numpy(), TF.lp_pool1d(torch.tensor(a[:, :, 0]), 2.0, 3).numpy(), rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_and_float32(dtype):
    a = _rng.standard_normal((4, 8, 16, 16)).astype(dtype)
    for f, tf in ((lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2)),
                  (lambda x: F.avg_pool2d(x, 3, 2, 1), lambda x: TF.avg_pool2d(x, 3, 2, 1)),
                  (lambda x: F.adaptive_avg_pool2d(x, 5), lambda x: TF.adaptive_avg_pool2d(x, 5))):
        y = f(ft.tensor(a))
        assert y.dtype == ft.tensor(a).dtype
        np.testing.assert_allclose(y.numpy().astype(np.float32), tf(torch.tensor(a)).float().numpy(),
                                   atol=2e-3 if dtype == np.float16 else 1e-6)


def test_max_pool_nan_and_ties_and_int():
    a = np.array([[[[1.0, np.nan, 3.0, 3.0], [2.0, 0.0, 3.0, 1.0]]]])
    y, i = F.max_pool2d(ft.tensor(a), 2, return_indices=True)
    ty, ti = TF.max_pool2d(torch.tensor(a), 2, return_indices=True)
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    np.testing.assert_array_equal(np.isnan(y.numpy()), np.isnan(ty.numpy()))
    b = _rng.integers(-50, 50, (2, 3, 6, 6))
    y = F.max_pool2d(ft.tensor(b), 3, 2, 1)
    assert y.dtype == ft.int64
    np.testing.assert_array_equal(y.numpy(), TF.max_pool2d(torch.tensor(b), 3, 2, 1).numpy())


def test_empty_batch():
    y = F.max_pool2d(ft.zeros(0, 3, 4, 4), 2)
    assert tuple(y.shape) == (0, 3, 2, 2)
    assert tuple(F.avg_pool1d(ft.zeros(0, 3, 4), 2).shape) == (0, 3, 2)


@pytest.mark.parametrize("fn", [
    lambda x: F.max_pool2d(x, 3, 2, 1, dilation=2, ceil_mode=True),
    lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    lambda x: F.avg_pool2d(x, 2, divisor_override=3),
    lambda x: F.adaptive_avg_pool2d(x, (2, 3)),
    lambda x: F.adaptive_max_pool2d(x, (3, 2)),
    lambda x: F.lp_pool2d(x.abs() + 0.5, 2.0, 2),
])
def test_gradcheck(fn):
    x = ft.tensor(_rng.standard_normal((2, 2, 5, 6)), requires_grad=True)
    assert ag.gradcheck(fn, [x])
    assert ag.gradgradcheck(fn, [x])


def test_gradcheck_1d():
    x = ft.tensor(_rng.standard_normal((2, 3, 7)), requires_grad=True)
    for fn in (lambda x: F.max_pool1d(x, 3, 2, 1), lambda x: F.avg_pool1d(x, 3, 2, 1),
               lambda x: F.adaptive_avg_pool1d(x, 4), lambda x: F.adaptive_max_pool1d(x, 3)):
        assert ag.gradcheck(fn, [x])


@pytest.mark.parametrize("call, exc, match", [
    (lambda: F.max_pool2d(ft.randn(1, 2, 5, 5), 3, padding=2), RuntimeError, "pad should be at most half"),
    (lambda: F.avg_pool2d(ft.randn(1, 2, 5, 5), 3, padding=2), RuntimeError, "pad should be at most half"),
    (lambda: F.max_pool2d(ft.randn(1, 2, 5, 5), 0), RuntimeError, "stride should not be zero"),
    (lambda: F.max_pool2d(ft.randn(1, 2, 5, 5), 2, dilation=0), RuntimeError, "dilation should be greater than zero"),
    (lambda: F.max_pool2d(ft.randn(1, 2, 5, 5), 7), RuntimeError, r"Output size is too small"),
    (lambda: F.max_pool2d(ft.randn(5, 5), 2), RuntimeError, r"Expected 3D or 4D"),
    (lambda: F.max_pool2d(ft.randn(2, 3, 0, 4), 1), RuntimeError, r"Expected 3D or 4D .*\[2, 3, 0, 4\]"),
    (lambda: F.max_pool2d(ft.randn(1, 2, 5, 5), (2, 2, 2)), RuntimeError, "tuple of two ints"),
    (lambda: F.avg_pool2d(ft.randn(1, 2, 5, 5), 2, divisor_override=0), RuntimeError, "divisor must be not zero"),
    (lambda: F.avg_pool2d(ft.ones(1, 2, 4, 4, dtype=ft.int64), 2), RuntimeError, "avg_pool2d.*not implemented"),
    (lambda: F.adaptive_avg_pool2d(ft.randn(1, 2, 5, 5), (2, 2, 2)), RuntimeError, "output_size must be 2"),
    (lambda: F.adaptive_max_pool2d(ft.randn(2, 0, 3), (2, 2)), RuntimeError, "non-zero size"),
    (lambda: F.max_pool1d([1.0, 2.0], 2), TypeError, "must be Tensor"),
    (lambda: F.max_pool2d(ft.randn(1, 1, 4, 4), 2.5), TypeError, "kernel_size"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---- layers ---------------------------------------------------------------------------------------
LAYERS = [
    ("MaxPool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), (2, 3, 9, 8)),
    ("MaxPool1d", dict(kernel_size=2), (2, 3, 9)),
    ("AvgPool2d", dict(kernel_size=2, stride=1, padding=1, count_include_pad=False), (2, 3, 6, 5)),
    ("AvgPool1d", dict(kernel_size=3, stride=2), (2, 3, 9)),
    ("AdaptiveAvgPool2d", dict(output_size=(2, 3)), (2, 3, 6, 5)),
    ("AdaptiveAvgPool1d", dict(output_size=4), (2, 3, 9)),
    ("AdaptiveMaxPool2d", dict(output_size=3), (2, 3, 6, 5)),
    ("AdaptiveMaxPool1d", dict(output_size=2), (2, 3, 9)),
    ("LPPool2d", dict(norm_type=2, kernel_size=2), (2, 3, 6, 6)),
    ("LPPool1d", dict(norm_type=3, kernel_size=3, stride=2), (2, 3, 9)),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # LPPool of negative inputs: nan in both
@pytest.mark.parametrize("name, kw, shape", LAYERS)
def test_layers(name, kw, shape):
    m, tm = getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(m) == repr(tm)
    assert list(m.state_dict()) == []
    _run(m, tm, shape, atol=1e-10)


def test_layer_return_indices():
    m, tm = nn.MaxPool2d(2, return_indices=True), torch.nn.MaxPool2d(2, return_indices=True)
    _run(m, tm, (1, 2, 6, 6), with_indices=True)
    m, tm = nn.AdaptiveMaxPool2d((2, 2), return_indices=True), torch.nn.AdaptiveMaxPool2d((2, 2), return_indices=True)
    _run(m, tm, (1, 2, 5, 6), with_indices=True)
