"""In-place view changes (squeeze_, unsqueeze_, t_, transpose_, swapdims_, as_strided_) under autograd:
recorded like PyTorch records them; gradients checked against torch (when installed) and gradcheck."""

from __future__ import annotations

import numpy as np
import pytest

import fx.tensor as ft
from fx.autograd import grad, gradcheck, no_grad


def _program(lib, x):
    y = x * 2
    y.t_()
    y.unsqueeze_(0)
    z = y * lib.tensor([[[1.0], [2.0], [3.0]]], dtype=x.dtype)
    w = z.squeeze_(0).transpose_(0, 1)
    return (w * w).sum()


def test_gradient_through_inplace_view_changes_matches_torch():
    a = np.arange(1.0, 7.0).reshape(2, 3)
    x = ft.tensor(a, requires_grad=True)
    (g,) = grad(_program(ft, x), [x])
    torch = pytest.importorskip("torch")
    tx = torch.tensor(a, requires_grad=True)
    _program(torch, tx).backward()
    np.testing.assert_allclose(g.numpy(), tx.grad.numpy())


def test_gradcheck_through_inplace_view_changes():
    x = ft.tensor(np.random.default_rng(0).uniform(-1, 1, (2, 3)), requires_grad=True)
    assert gradcheck(lambda t: _program(ft, t), (x,))


def test_view_of_non_leaf_changed_then_written():
    a = np.arange(6.0).reshape(2, 3)
    x = ft.tensor(a, requires_grad=True)
    d = x * 1
    v = d[0:2]
    v.transpose_(0, 1)
    v.mul_(ft.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    (g,) = grad((d * d).sum(), [x])
    scale = np.array([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])
    np.testing.assert_allclose(g.numpy(), 2 * a * scale * scale)


def test_leaf_requiring_grad_is_refused_but_allowed_without_grad():
    x = ft.zeros(3, 1, requires_grad=True)
    with pytest.raises(RuntimeError, match="squeeze_: a leaf Variable that requires grad"):
        x.squeeze_()
    with no_grad():
        x.squeeze_()
    assert tuple(x.shape) == (3,) and x.requires_grad and x.grad_fn is None


def test_hooks_registered_before_stay_with_the_old_version():
    x = ft.ones(2, 3, requires_grad=True)
    y = x * 1
    seen = []
    y.register_hook(lambda g: seen.append(tuple(g.shape)))
    y.t_()
    (y * 2).sum().backward()
    assert seen == [(2, 3)]
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 2.0))
