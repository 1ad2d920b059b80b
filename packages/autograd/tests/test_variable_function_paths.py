"""fx.autograd.Variable (the deprecated wrapper) and the torch.autograd.function / .variable import paths."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft


def test_variable_returns_a_leaf_tensor_sharing_storage():
    t = ft.tensor([1.0, 2.0, 3.0])
    v = ag.Variable(t, requires_grad=True)
    assert type(v) is ft.Tensor and v.requires_grad and v.is_leaf and v.grad_fn is None
    assert v.data_ptr() == t.data_ptr()
    (v * v).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [2.0, 4.0, 6.0])
    assert t.grad is None and not t.requires_grad


def test_variable_detaches_from_the_graph():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    v = ag.Variable(y)
    assert not v.requires_grad and v.grad_fn is None and v.is_leaf
    assert ag.Variable(y, True).requires_grad  # requires_grad is the second positional argument


def test_variable_is_every_tensor():
    assert isinstance(ft.zeros(1), ag.Variable)
    assert isinstance(ag.Variable(ft.zeros(1)), ag.Variable)
    assert not isinstance(1.0, ag.Variable) and not isinstance(np.zeros(1), ag.Variable)


def test_variable_without_data_is_empty():
    v = ag.Variable()
    assert v.shape == (0,) and v.dtype == ft.get_default_dtype() and not v.requires_grad


def test_variable_errors_and_volatile():
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
        ag.Variable([1.0, 2.0])
    with pytest.warns(UserWarning, match="volatile was removed"):
        v = ag.Variable(ft.ones(2), volatile=True)
    assert not v.requires_grad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="can't be volatile and require_grad"):
            ag.Variable(ft.ones(2), requires_grad=True, volatile=True)
    with pytest.raises(RuntimeError, match="floating point"):
        ag.Variable(ft.ones(2, dtype=ft.int64), requires_grad=True)
    with pytest.raises(RuntimeError, match="_grad_fn argument"):
        ag.Variable(ft.ones(2), _grad_fn=object())


def test_variable_matches_torch():
    torch = pytest.importorskip("torch")
    from torch.autograd import Variable as TorchVariable

    data = np.array([[1.0, -2.0], [0.5, 3.0]])
    fv, tv = ag.Variable(ft.tensor(data), requires_grad=True), TorchVariable(torch.tensor(data), requires_grad=True)
    (fv.exp() * fv).sum().backward()
    (tv.exp() * tv).sum().backward()
    np.testing.assert_allclose(fv.grad.numpy(), tv.grad.numpy(), rtol=1e-12)
    for bad in ([1.0], None):
        try:
            TorchVariable(bad) if bad is not None else TorchVariable()
            torch_error = None
        except Exception as e:  # noqa: BLE001
            torch_error = type(e)
        try:
            ag.Variable(bad)
            fx_error = None
        except Exception as e:  # noqa: BLE001
            fx_error = type(e)
        assert fx_error is torch_error


def test_function_module_path():
    from fx.autograd.function import Function, FunctionCtx, once_differentiable
    from fx.autograd.variable import Variable

    assert Function is ag.Function and FunctionCtx is ag.FunctionCtx and once_differentiable is ag.once_differentiable
    assert Variable is ag.Variable and ag.function.Function is ag.Function

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x * x * g

    x = ft.tensor([1.0, 2.0], requires_grad=True)
    Cube.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 12.0])
    y = ft.tensor([2.0], requires_grad=True)
    (g,) = ag.grad(Cube.apply(y).sum(), y, create_graph=True)
    assert not g.requires_grad  # the incoming gradient does not require grad: nothing to differentiate twice
    (g,) = ag.grad(Cube.apply(y), y, ft.ones(1, requires_grad=True), create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.sum().backward()
