"""Dropout (masks from fx's Philox generator, train/eval, channel masks) and embeddings
(Embedding, EmbeddingBag vs PyTorch: outputs, weight gradients, padding_idx, max_norm)."""

from __future__ import annotations

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn as nn
import fx.nn.functional as F
import fx.tensor as ft

torch = pytest.importorskip("torch")
TF = torch.nn.functional

_rng = np.random.default_rng(3)


# ---- dropout ------------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_mask_scale_and_gradient(p):
    ft.manual_seed(7)
    x = ft.ones(200, 100, requires_grad=True)
    y = F.dropout(x, p)
    kept = y.detach().numpy() != 0
    assert abs(kept.mean() - (1 - p)) < 0.02
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / (1 - p), rtol=1e-6)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())  # gradient = mask / (1 - p)


def test_dropout_uses_the_default_philox_generator():
    ft.manual_seed(123)
    a = F.dropout(ft.ones(1000), 0.3).numpy()
    ft.manual_seed(123)
    b = F.dropout(ft.ones(1000), 0.3).numpy()
    np.testing.assert_array_equal(a, b)
    ft.manual_seed(123)
    mask = ft.empty(1000).bernoulli_(0.7).numpy()
    np.testing.assert_array_equal(a != 0, mask != 0)
    assert not np.array_equal(a, F.dropout(ft.ones(1000), 0.3).numpy())  # the stream moves on


def test_dropout_identity_cases_and_extremes():
    x = ft.randn(4, 5)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert float(F.dropout(x, 1.0).abs().sum()) == 0.0
    y = x.clone()
    assert F.dropout(y, 0.5, inplace=True) is y


@pytest.mark.filterwarnings("ignore:dropout2d. Received a 3D input")
@pytest.mark.parametrize("fn, shape, kept_dims", [
    (F.dropout2d, (8, 16, 5, 5), 2), (F.dropout1d, (8, 16, 7), 2), (F.dropout1d, (16, 7), 1),
    (F.dropout3d, (4, 8, 2, 3, 3), 2), (F.dropout2d, (16, 5, 5), 2),  # 3-d: (N, C, L) like PyTorch
])
def test_channel_dropout(fn, shape, kept_dims):
    ft.manual_seed(0)
    y = fn(ft.ones(*shape), 0.5).numpy()
    flat = y.reshape(y.shape[:kept_dims] + (-1,))
    assert (flat == flat[..., :1]).all()  # whole channels are kept or dropped
    assert set(np.unique(flat)) <= {0.0, 2.0} and 0.3 < (flat[..., 0] != 0).mean() < 0.7


def test_alpha_dropout_keeps_statistics():
    ft.manual_seed(1)
    x = ft.randn(200000)
    y = F.alpha_dropout(x, 0.2, training=True)
    assert abs(float(y.mean())) < 0.02 and abs(float(y.std()) - 1.0) < 0.02
    assert F.alpha_dropout(x, 0.2) is x  # training defaults to False


def test_dropout_layers_train_eval():
    for cls, shape in ((nn.Dropout, (6, 10)), (nn.Dropout2d, (2, 6, 3, 3)), (nn.Dropout1d, (2, 6, 4)),
                       (nn.AlphaDropout, (6, 10)), (nn.FeatureAlphaDropout, (2, 6, 3, 3))):
        m, tm = cls(0.3), getattr(torch.nn, cls.__name__)(0.3)
        assert repr(m) == repr(tm)
        x = ft.randn(*shape)
        assert not np.array_equal(m(x).numpy(), x.numpy())
        m.eval()
        np.testing.assert_array_equal(m(x).numpy(), x.numpy())
    assert repr(nn.Dropout(0.2, inplace=True)) == repr(torch.nn.Dropout(0.2, inplace=True))


@pytest.mark.parametrize("call, exc, match", [
    (lambda: F.dropout(ft.ones(3), 1.5), ValueError, "dropout probability has to be between 0 and 1, but got 1.5"),
    (lambda: nn.Dropout(-0.1), ValueError, "between 0 and 1"),
    (lambda: F.dropout2d(ft.ones(3, 3, 3, 3, 3, 3), 0.5), RuntimeError, "Expected 3D or 4D input"),
    (lambda: F.dropout([1.0], 0.5), TypeError, "must be Tensor"),
])
def test_dropout_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---- embedding ----------------------------------------------------------------------------------
def _compare_embedding(fx_call, torch_call, weight, atol=1e-12):
    w, tw = ft.tensor(weight.copy(), requires_grad=True), torch.tensor(weight.copy(), requires_grad=True)
    y, ty = fx_call(w), torch_call(tw)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), atol=atol)
    g = _rng.standard_normal(tuple(ty.shape))
    (y * ft.tensor(g, dtype=y.dtype)).sum().backward()
    (ty * torch.tensor(g, dtype=ty.dtype)).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), atol=atol)
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), atol=atol)  # max_norm renorms in place


@pytest.mark.parametrize("kw", [{}, dict(padding_idx=2), dict(padding_idx=-3), dict(max_norm=1.0),
                                dict(max_norm=0.5, norm_type=1.0), dict(scale_grad_by_freq=True),
                                dict(scale_grad_by_freq=True, padding_idx=0)])
@pytest.mark.parametrize("shape", [(3, 5), (7,), (2, 2, 3)])
def test_embedding(kw, shape):
    idx = _rng.integers(0, 10, shape)
    idx.reshape(-1)[:2] = 2
    weight = _rng.standard_normal((10, 4))
    _compare_embedding(lambda w: F.embedding(ft.tensor(idx), w, **kw),
                       lambda w: TF.embedding(torch.tensor(idx), w, **kw), weight)


def test_embedding_large_float32_backward():
    idx = _rng.integers(0, 5000, (64, 128))
    weight = _rng.standard_normal((5000, 64)).astype(np.float32)
    _compare_embedding(lambda w: F.embedding(ft.tensor(idx), w, padding_idx=17),
                       lambda w: TF.embedding(torch.tensor(idx), w, padding_idx=17), weight, atol=1e-5)


def test_embedding_gradcheck_and_double_backward():
    idx = ft.tensor([[0, 2, 2], [4, 1, 0]])
    w = ft.tensor(_rng.standard_normal((5, 3)), requires_grad=True)
    assert ag.gradcheck(lambda w: F.embedding(idx, w), [w])
    # padding_idx and scale_grad_by_freq change the gradient by design: only its own derivative is checked
    for kw in ({}, dict(padding_idx=2), dict(scale_grad_by_freq=True)):
        assert ag.gradgradcheck(lambda w: F.embedding(idx, w, **kw), [w])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag(mode):
    weight = _rng.standard_normal((10, 4))
    flat = _rng.integers(0, 10, 12)
    flat[1] = 3
    offsets = np.array([0, 3, 3, 7, 10])
    cases = [
        (dict(), flat, offsets),
        (dict(include_last_offset=True), flat, np.append(offsets, 12)),
        (dict(padding_idx=3), flat, offsets),
        (dict(), _rng.integers(0, 10, (4, 3)), None),
        (dict(max_norm=1.0), flat, offsets),
    ]
    for kw, idx, off in cases:
        fx_off = None if off is None else ft.tensor(off)
        t_off = None if off is None else torch.tensor(off)
        _compare_embedding(lambda w: F.embedding_bag(ft.tensor(idx), w, fx_off, mode=mode, **kw),
                           lambda w: TF.embedding_bag(torch.tensor(idx), w, t_off, mode=mode, **kw), weight)


def test_embedding_bag_per_sample_weights():
    weight, flat, psw = _rng.standard_normal((10, 4)), _rng.integers(0, 10, 8), _rng.standard_normal(8)
    off = np.array([0, 2, 5])
    p, tp = ft.tensor(psw, requires_grad=True), torch.tensor(psw, requires_grad=True)
    _compare_embedding(lambda w: F.embedding_bag(ft.tensor(flat), w, ft.tensor(off), mode="sum", per_sample_weights=p),
                       lambda w: TF.embedding_bag(torch.tensor(flat), w, torch.tensor(off), mode="sum",
                                                  per_sample_weights=tp), weight)
    np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), atol=1e-12)
    assert ag.gradcheck(lambda w, p: F.embedding_bag(ft.tensor(flat), w, ft.tensor(off), mode="sum",
                                                     per_sample_weights=p),
                        [ft.tensor(weight, requires_grad=True), ft.tensor(psw, requires_grad=True)])


@pytest.mark.parametrize("call, exc, match", [
    (lambda: F.embedding(ft.tensor([0, 10]), ft.randn(10, 3)), IndexError, "out of range"),
    (lambda: F.embedding(ft.tensor([-1]), ft.randn(10, 3)), IndexError, "out of range"),
    (lambda: F.embedding(ft.tensor([0.0]), ft.randn(10, 3)), RuntimeError, "Long, Int"),
    (lambda: F.embedding(ft.tensor([0]), ft.randn(10, 3), padding_idx=10), AssertionError, "Padding_idx"),
    (lambda: F.embedding_bag(ft.tensor([0, 1]), ft.randn(10, 3)), ValueError, "offsets has to be a 1D Tensor"),
    (lambda: F.embedding_bag(ft.tensor([[0, 1]]), ft.randn(10, 3), ft.tensor([0])), ValueError,
     "offsets has to be None"),
    (lambda: F.embedding_bag(ft.tensor([0, 1]), ft.randn(10, 3), ft.tensor([0]), mode="mean",
                             per_sample_weights=ft.ones(2)), NotImplementedError, "only supported for mode='sum'"),
    (lambda: F.embedding_bag(ft.tensor([0, 1]), ft.randn(10, 3), ft.tensor([0]), mode="prod"), ValueError,
     "mode has to be one of"),
    (lambda: nn.Embedding(5, 2, padding_idx=-6), AssertionError, "Padding_idx must be within num_embeddings"),
])
def test_embedding_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_embedding_layers():
    ft.manual_seed(0)
    m, tm = nn.Embedding(1000, 8, padding_idx=3), torch.nn.Embedding(1000, 8, padding_idx=3)
    assert repr(m) == repr(tm)
    assert list(m.state_dict()) == ["weight"]
    w = m.weight.detach().numpy()
    assert (w[3] == 0).all() and abs(w.std() - 1) < 0.05 and abs(w.mean()) < 0.05  # N(0, 1), padding row 0
    m.load_state_dict({"weight": ft.tensor(tm.weight.detach().numpy())})
    idx = _rng.integers(0, 1000, (4, 6))
    idx[0, 0] = 3
    y, ty = m(ft.tensor(idx)), tm(torch.tensor(idx))
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy())
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(m.weight.grad.numpy(), tm.weight.grad.numpy())
    assert float(m.weight.grad[3].abs().sum()) == 0.0

    pre = ft.randn(5, 3)
    e = nn.Embedding.from_pretrained(pre)
    assert not e.weight.requires_grad and np.array_equal(e.weight.numpy(), pre.numpy())
    assert nn.Embedding.from_pretrained(pre, freeze=False).weight.requires_grad
    assert repr(nn.Embedding(5, 2, max_norm=1.0, scale_grad_by_freq=True)) == repr(
        torch.nn.Embedding(5, 2, max_norm=1.0, scale_grad_by_freq=True))

    bag, tbag = nn.EmbeddingBag(20, 4, mode="max"), torch.nn.EmbeddingBag(20, 4, mode="max")
    assert repr(bag) == repr(tbag)
    bag.load_state_dict({"weight": ft.tensor(tbag.weight.detach().numpy())})
    flat, off = _rng.integers(0, 20, 9), np.array([0, 4, 4, 6])
    y, ty = bag(ft.tensor(flat), ft.tensor(off)), tbag(torch.tensor(flat), torch.tensor(off))
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy())
    assert nn.EmbeddingBag.from_pretrained(pre, mode="sum")(ft.tensor([[0, 1]])).shape == (1, 3)
