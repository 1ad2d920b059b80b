"""A leaf's first `.grad` takes the engine's gradient buffer when nothing else holds it (PyTorch's
AccumulateGrad steals it too), and a copy whenever the gradient is shared: with another leaf, a
retained intermediate gradient, a hook, or the caller's own root gradient. Either way `.grad` owns
its memory: writing into it changes no other tensor."""

from __future__ import annotations

import numpy as np
import pytest

import fx.tensor as ft
from fx.autograd import _engine, grad

nn = pytest.importorskip("fx.nn")  # models built from fx.nn layers (installed in the full-stack sessions)


def _shares(a, b):
    return np.shares_memory(a.numpy(), b.numpy())


@pytest.fixture
def steals(monkeypatch):
    """The leaves (by shape) whose gradient buffer was taken as it is."""
    taken = []
    real = _engine._accumulate

    def spy(acc, g, create_graph, stealable=False):
        first = acc.variable.grad is None
        real(acc, g, create_graph, stealable)
        if first and _shares(acc.variable.grad, g):
            taken.append(tuple(acc.variable.shape))

    monkeypatch.setattr(_engine, "_accumulate", spy)
    return taken


@pytest.mark.skipif(not _engine._SOLE, reason="buffers are only taken on CPython")
def test_unshared_gradients_are_taken_including_a_linear_layers_weight(steals):
    layer = nn.Linear(5, 3)
    x = ft.randn(4, 5)
    layer(x).sum().backward()
    assert sorted(steals) == [(3,), (3, 5)]
    w = layer.weight.grad
    assert w._base is None and w._data.flags.c_contiguous
    np.testing.assert_allclose(w.numpy(), np.ones((4, 3)).T @ x.numpy(), rtol=1e-5)
    np.testing.assert_allclose(layer.bias.grad.numpy(), [4.0, 4.0, 4.0])


def test_a_gradient_two_leaves_share_is_copied(steals):
    p = ft.ones(3, requires_grad=True)
    q = ft.ones(3, requires_grad=True)
    (p + q).sum().backward()  # add's rule hands the same tensor to both
    assert not _shares(p.grad, q.grad)
    p.grad.add_(10)
    assert q.grad.tolist() == [1.0, 1.0, 1.0]


def test_a_retained_intermediate_gradient_is_not_taken():
    x = ft.ones(3, requires_grad=True)
    z = ft.ones(3, requires_grad=True)
    y = x + z
    y.retain_grad()
    y.backward(ft.tensor([1.0, 2.0, 3.0]))
    assert not _shares(x.grad, y.grad) and not _shares(z.grad, y.grad)
    x.grad.mul_(0)
    assert y.grad.tolist() == [1.0, 2.0, 3.0] and z.grad.tolist() == [1.0, 2.0, 3.0]


def test_the_callers_root_gradient_is_not_taken():
    x = ft.ones(3, requires_grad=True)
    g = ft.tensor([1.0, 2.0, 3.0])
    (x + 0).backward(g)
    assert not _shares(x.grad, g)
    x.grad.zero_()
    assert g.tolist() == [1.0, 2.0, 3.0]


def test_a_gradient_a_hook_keeps_is_not_taken(steals):
    p = ft.ones(3, requires_grad=True)
    kept = []
    p.register_hook(lambda g: kept.append(g))
    (p * 2).sum().backward()
    assert steals == [] and not _shares(p.grad, kept[0])


def test_an_intermediate_gradient_a_hook_keeps_is_not_taken_through_a_view(steals):
    w = ft.randn(3, 5, requires_grad=True)
    wt = w.t()
    kept = []
    wt.register_hook(lambda g: kept.append(g))
    (ft.randn(4, 5) @ wt).sum().backward()
    assert steals == [] and not _shares(w.grad, kept[0])


def test_taken_gradients_accumulate_without_touching_their_sources():
    p = ft.ones(2, requires_grad=True)
    (p * 3).sum().backward()
    first = p.grad
    (p * 3).sum().backward()
    assert p.grad.tolist() == [6.0, 6.0] and first.tolist() == [3.0, 3.0]


def test_create_graph_keeps_the_graph_of_the_gradient():
    x = ft.tensor([2.0], requires_grad=True)
    (x * x * x).sum().backward(create_graph=True)
    assert x.grad.requires_grad and x.grad.grad_fn is not None
    (g2,) = grad(x.grad.sum(), x)
    assert g2.tolist() == [12.0]
