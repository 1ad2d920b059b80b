"""The engine: accumulation, un-broadcasting, retain_graph, grad(), hooks, version checks, no cycles."""

import gc
import weakref

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft


def test_simple_chain_matches_closed_form():
    x = ft.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x.exp() * x - x / 2).sum().backward()
    xn = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(x.grad.numpy(), np.exp(xn) * (1 + xn) - 0.5, rtol=1e-6)


def test_grad_accumulates_and_broadcast_reduces():
    w = ft.ones(3, requires_grad=True)
    x = ft.ones(4, 3)
    (x * w).sum().backward()
    (x * w).sum().backward()
    assert w.grad.tolist() == [8.0, 8.0, 8.0]


def test_retain_graph_required_for_second_backward():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]
    z = (x.exp()).sum()
    z.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        z.backward()


def test_autograd_grad_returns_without_accumulating():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    (g,) = ag.grad((x * x).sum(), x)
    assert g.tolist() == [2.0, 4.0] and x.grad is None
    with pytest.raises(RuntimeError, match="not have been used"):
        ag.grad((x * 2).sum(), [x, ft.ones(1, requires_grad=True)])
    g = ag.grad((x * 2).sum(), [x, ft.ones(1, requires_grad=True)], allow_unused=True)
    assert g[1] is None


def test_double_backward():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    (g,) = ag.grad((x * x * x).sum(), x, create_graph=True)
    (gg,) = ag.grad(g.sum(), x)
    assert gg.tolist() == [6.0, 12.0]


def test_modified_saved_tensor_raises_with_versions():
    a = ft.tensor([1.0, 2.0], requires_grad=True)
    b = a * 1
    c = b.exp()
    c.mul_(2)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*ExpBackward0.*version 1; expected version 0"):
        c.sum().backward()


def test_inplace_on_leaf_requiring_grad_raises():
    x = ft.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)
    with ag.no_grad():
        x.add_(1)
    assert x.tolist() == [2.0, 2.0]


def test_inplace_on_nonleaf_flows():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.add_(x)
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_inplace_through_view_updates_base_history():
    x = ft.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = x * 1
    v = y[1:3]
    v.mul_(10)
    assert y.grad_fn.name() == "CopySlicesBackward0"
    (y * ft.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert x.grad.tolist() == [1.0, 20.0, 30.0, 4.0]


def test_setitem_with_grad_source():
    x = ft.zeros(4)
    w = ft.tensor([5.0, 6.0], requires_grad=True)
    x[1:3] = w
    assert x.requires_grad
    (x * ft.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert w.grad.tolist() == [2.0, 3.0]


def test_hooks_and_retain_grad():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()) or g * 2)
    y = x * 3
    y.retain_grad()
    y.sum().backward()
    assert seen == [[3.0, 3.0]] and x.grad.tolist() == [6.0, 6.0] and y.grad.tolist() == [1.0, 1.0]


def test_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        x = ft.randn(5, requires_grad=True)
        y = (x.exp() * x).tanh()
        loss = y.sum()
        node_ref = weakref.ref(y.grad_fn)
        out_ref = weakref.ref(y)
        loss.backward()
        del y, loss
        assert node_ref() is None and out_ref() is None
    finally:
        gc.enable()


def test_grad_modes():
    x = ft.ones(2, requires_grad=True)
    with ag.no_grad():
        assert not (x * 2).requires_grad
        with ag.enable_grad():
            assert (x * 2).requires_grad
    assert ag.is_grad_enabled()

    @ag.no_grad()
    def f():
        return x * 2

    assert not f().requires_grad
    with ag.set_grad_enabled(False):
        assert not ag.is_grad_enabled()
    with ag.inference_mode():
        assert not (x * 2).requires_grad and ag.is_inference_mode_enabled()
    assert ag.is_grad_enabled() and not ag.is_inference_mode_enabled()
