"""gumbel_softmax: the formula on the drawn noise (vs PyTorch's), straight-through gradients, the sampling
distribution, seeding, warnings and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import fx.nn.functional as F
import fx.tensor as ft

_rng = np.random.default_rng(0)


def _noise(shape, seed):
    """The Gumbel noise gumbel_softmax draws after manual_seed(seed): -log of Exponential(1) draws."""
    ft.manual_seed(seed)
    return -ft.empty(shape, dtype=ft.float64).exponential_().log()


@pytest.mark.parametrize("tau,hard,dim", [(1.0, False, -1), (0.5, True, -1), (2.0, False, 0), (0.3, True, 1)])
def test_matches_torch_formula_on_the_same_noise(tau, hard, dim):
    """Gumbel-softmax on fx's noise, compared with PyTorch's own definition run on that noise."""
    torch = pytest.importorskip("torch")
    logits = _rng.standard_normal((4, 5))
    noise = _noise((4, 5), 7).numpy()
    ft.manual_seed(7)
    x = ft.tensor(logits, requires_grad=True)
    y = F.gumbel_softmax(x, tau=tau, hard=hard, dim=dim)
    t = torch.tensor(logits, requires_grad=True)
    soft = ((t + torch.tensor(noise)) / tau).softmax(dim)
    if hard:
        ref = torch.zeros_like(t).scatter_(dim, soft.argmax(dim, keepdim=True), 1.0) - soft.detach() + soft
    else:
        ref = soft
    np.testing.assert_allclose(y.detach().numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-15)
    w = _rng.standard_normal((4, 5))
    (y * ft.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_hard_is_one_hot_with_the_soft_gradient():
    logits = ft.tensor(_rng.standard_normal((6, 4)), requires_grad=True)
    ft.manual_seed(3)
    y = F.gumbel_softmax(logits, tau=0.7, hard=True)
    assert set(np.unique(y.detach().numpy())) <= {0.0, 1.0}
    np.testing.assert_array_equal(y.detach().sum(-1).numpy(), np.ones(6))
    w = ft.tensor(_rng.standard_normal((6, 4)))
    (y * w).sum().backward()
    hard_grad = logits.grad.clone()
    logits.grad = None
    ft.manual_seed(3)
    (F.gumbel_softmax(logits, tau=0.7) * w).sum().backward()  # same noise, soft sample
    np.testing.assert_allclose(hard_grad.numpy(), logits.grad.numpy(), rtol=1e-12)


def test_samples_follow_the_softmax_distribution():
    probs = np.array([0.1, 0.2, 0.3, 0.4])
    logits = ft.tensor(np.log(probs)).expand(20000, 4)
    ft.manual_seed(0)
    y = F.gumbel_softmax(logits, tau=0.1, hard=True)
    freq = y.sum(0).numpy() / 20000
    np.testing.assert_allclose(freq, probs, atol=0.015)  # ~4 standard errors


def test_seeded_draws_repeat_and_soft_rows_sum_to_one():
    logits = ft.tensor(_rng.standard_normal((3, 5)), dtype=ft.float32)
    ft.manual_seed(11)
    a = F.gumbel_softmax(logits)
    ft.manual_seed(11)
    b = F.gumbel_softmax(logits)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype == ft.float32
    np.testing.assert_allclose(a.sum(-1).numpy(), np.ones(3), rtol=1e-6)


def test_warnings_and_errors():
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated"):
        F.gumbel_softmax(ft.zeros(2, 3), eps=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.gumbel_softmax(ft.zeros(2, 3))
    with pytest.raises(RuntimeError, match="floating point"):
        F.gumbel_softmax(ft.arange(3))
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.gumbel_softmax(ft.zeros(3, 4), dim=3)
    with pytest.raises(TypeError, match="must be Tensor"):
        F.gumbel_softmax([1.0, 2.0])
