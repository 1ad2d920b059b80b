"""Custom Functions: forward/backward, ctx API, error paths and double backward, checked against torch."""

import gc
import traceback
import weakref

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft
from fx.autograd import Function, once_differentiable

X = [0.5, -1.0, 2.0]


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _pair(torch, values=X, dtype="float64"):
    return (ft.tensor(values, dtype=getattr(ft, dtype), requires_grad=True),
            torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=True))


def _close(a, b):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)


def _exp_class(lib):
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.grad_on = lib.is_grad_enabled()
            ctx.needs = ctx.needs_input_grad
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    return Exp


class _TorchLike:
    """fx under torch's names, so one Function body serves both libraries."""

    autograd = ag
    is_grad_enabled = staticmethod(ag.is_grad_enabled)
    where = staticmethod(ft.where)
    arange = staticmethod(ft.arange)


FxExp = _exp_class(_TorchLike)


def test_custom_exp_matches_torch(torch):
    TExp = _exp_class(torch)
    x, tx = _pair(torch)
    y, ty = FxExp.apply(x), TExp.apply(tx)
    _close(y, ty)
    assert y.grad_fn.name() == ty.grad_fn.name() == "ExpBackward"
    assert isinstance(y.grad_fn, FxExp._backward_cls)
    assert y.grad_fn.next_functions[0][0] is x.grad_fn or y.grad_fn.next_functions[0][0].name() == "AccumulateGrad"
    assert y.grad_fn.grad_on is False and y.grad_fn.needs == (True,)  # forward runs under no_grad
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    _close(x.grad, tx.grad)


def test_new_style_setup_context_and_kwargs(torch):
    def make(lib):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(x, k=2.0):
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.k = inputs[1]

            @staticmethod
            def backward(ctx, g):
                return g * ctx.k, None

        return Scale

    x, tx = _pair(torch)
    for kwargs in ({}, {"k": 3.0}):
        y, ty = make(_TorchLike).apply(x, **kwargs), make(torch).apply(tx, **kwargs)
        _close(y, ty)
        (gx,), (gt,) = ag.grad(y.sum(), x), torch.autograd.grad(ty.sum(), tx)
        _close(gx, gt)
    with pytest.raises(TypeError, match="too many positional arguments"):
        make(_TorchLike).apply(x, 2.0, 3.0)


def _mul2_inplace(lib):
    class Mul2(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    return Mul2


def test_mark_dirty_rebases_history(torch):
    x, tx = _pair(torch)
    a, ta = x * x, tx * tx
    b, tb = _mul2_inplace(_TorchLike).apply(a), _mul2_inplace(torch).apply(ta)
    assert b is a and a.grad_fn.name() == ta.grad_fn.name() == "Mul2Backward"
    assert a.grad_fn.next_functions[0][0].name() == "MulBackward0"
    _close(b, tb)
    b.sum().backward()
    tb.sum().backward()
    _close(x.grad, tx.grad)


def test_mark_dirty_errors():
    x = ft.tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place"):
        _mul2_inplace(_TorchLike).apply(x)

    class NotReturned(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x * 1

    with pytest.raises(RuntimeError, match="marked as dirty during the forward method were not returned"):
        NotReturned.apply(x * 1)
    with pytest.warns(UserWarning, match=r"ctx.mark_dirty\(\) received a tensor that was not an input"):
        _mark(ft.tensor([1.0], requires_grad=True), ft.ones(1))
    with pytest.raises(RuntimeError, match="mark_dirty can only accept variables, but argument 0 is of type int"):
        _mark(ft.tensor([1.0], requires_grad=True), 3)


def _mark(x, what):
    class M(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(what)
            return x * 1

    return M.apply(x)


def _argmax_class(lib, materialize):
    class MaxArg(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(materialize)
            i = x.argmax()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(x, i)
            return x.max(), i, x * 3

        @staticmethod
        def backward(ctx, gm, gi, g3):
            x, i = ctx.saved_tensors
            ctx.seen = (gm, gi, g3)
            out = x * 0
            if gm is not None:
                out = out + lib.where(lib.arange(x.shape[0]) == i, gm, 0.0)
            if g3 is not None:
                out = out + 3 * g3
            return out

    return MaxArg


@pytest.mark.parametrize("materialize", [True, False])
def test_non_differentiable_outputs_and_materialize(torch, materialize):
    x, tx = _pair(torch)
    fm, fi, f3 = _argmax_class(_TorchLike, materialize).apply(x)
    tm, ti, t3 = _argmax_class(torch, materialize).apply(tx)
    assert (fm.requires_grad, fi.requires_grad, f3.requires_grad) == (tm.requires_grad, ti.requires_grad,
                                                                        t3.requires_grad) == (True, False, True)
    assert fi.item() == ti.item() and fi.grad_fn is None
    node, tnode = fm.grad_fn, tm.grad_fn
    fm.backward()
    tm.backward()
    _close(x.grad, tx.grad)
    for f, t in zip(node.seen, tnode.seen):
        assert (f is None) == (t is None)
        if f is not None:
            assert f.tolist() == t.tolist() and f.dtype.is_floating_point == t.dtype.is_floating_point


def _bad(ret, n_in=2, x=None):
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, k=None):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return ret(g)

    x = ft.tensor([1.0, 2.0], requires_grad=True) if x is None else x
    return Bad.apply(x, 2) if n_in == 2 else Bad.apply(x)


@pytest.mark.parametrize("ret, n_in, exc, msg", [
    (lambda g: g, 2, RuntimeError, r"function BadBackward returned an incorrect number of gradients \(expected 2, got 1\)"),
    (lambda g: (g, g, g), 2, RuntimeError, r"incorrect number of gradients \(expected 2, got 3\)"),
    (lambda g: (g, g), 2, RuntimeError, "returned a gradient different than None at position 2, but the corresponding "
                                        "forward input was not a Variable"),
    (lambda g: 3, 1, RuntimeError, r"expected Variable or None \(got int\)"),
    (lambda g: ft.ones(3), 1, RuntimeError, r"Function BadBackward returned an invalid gradient at index 0 - got \[3\] "
                                            r"but expected shape compatible with \[2\]"),
])
def test_backward_result_errors_match_torch(torch, ret, n_in, exc, msg):
    with pytest.raises(exc, match=msg):
        _bad(ret, n_in).sum().backward()


def test_backward_result_is_unbroadcast_and_cast():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    _bad(lambda g: (ft.ones(3, 2, dtype=ft.float64), None, None), 2, x).sum().backward()  # extra Nones are fine
    assert x.grad.dtype == ft.float32 and x.grad.tolist() == [3.0, 3.0]


def test_error_in_backward_propagates_with_traceback():
    class Boom(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom from backward")

    y = Boom.apply(ft.ones(2, requires_grad=True))
    with pytest.raises(ValueError, match="boom from backward") as info:
        y.sum().backward()
    frames = traceback.extract_tb(info.value.__traceback__)
    assert frames[-1].name == "backward" and frames[-1].filename == __file__


def _cube_class(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * g * x * x

    return Cube


def test_double_backward(torch):
    x, tx = _pair(torch)
    y, ty = FxExp.apply(x) * _cube_class(_TorchLike).apply(x), _exp_class(torch).apply(tx) * _cube_class(torch).apply(tx)
    (g,) = ag.grad(y.sum(), x, create_graph=True)
    (tg,) = torch.autograd.grad(ty.sum(), tx, create_graph=True)
    _close(g, tg)
    (gg,) = ag.grad((g * g).sum(), x)
    (tgg,) = torch.autograd.grad((tg * tg).sum(), tx)
    _close(gg, tgg)


def test_gradcheck_on_custom_functions():
    x = ft.tensor(X, dtype=ft.float64, requires_grad=True)
    assert ag.gradcheck(FxExp.apply, (x,))
    assert ag.gradgradcheck(_cube_class(_TorchLike).apply, (x,))


def test_once_differentiable():
    class Sq(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            assert not ag.is_grad_enabled()
            return 2 * g * x

    x = ft.tensor(X, requires_grad=True)
    go = ft.ones(3, requires_grad=True)
    (g,) = ag.grad(Sq.apply(x), x, go, create_graph=True)
    assert g.tolist() == [1.0, -2.0, 4.0] and g.grad_fn.name() == "Error"
    with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was marked with "
                                           "@once_differentiable"):
        g.sum().backward()
    (g,) = ag.grad(Sq.apply(x).sum(), x)
    assert not g.requires_grad


def test_saved_tensor_version_check_and_freed_graph():
    x = ft.tensor(X, requires_grad=True)
    y = FxExp.apply(x)
    with ag.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation: \[fx.tensor.float32 \[3\]\], which is "
                                           r"output 0 of ExpBackward, is at version 1; expected version 0"):
        y.sum().backward()
    z = x * 1
    y = _cube_class(_TorchLike).apply(z)
    with ag.no_grad():
        z.add_(1)
    with pytest.raises(RuntimeError, match=r"which is input 0 of CubeBackward, is at version 1; expected version 0"):
        y.sum().backward()
    y = FxExp.apply(x)
    y.sum().backward(retain_graph=True)
    assert len(y.grad_fn.saved_tensors) == 1  # grad_fn reads through to ctx, like torch
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(X), rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        _ = y.grad_fn.saved_tensors


def test_input_returned_as_is_gets_an_alias():
    class Ident(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 5

    x = ft.tensor(X, requires_grad=True)
    y = Ident.apply(x)
    assert y is not x and x.is_leaf and y.grad_fn.name() == "IdentBackward"
    y.sum().backward()
    assert x.grad.tolist() == [5.0] * 3


def test_no_grad_integer_outputs_and_non_tensor_args():
    class Count(Function):
        @staticmethod
        def forward(ctx, x, scale, tag):
            ctx.tag = tag
            ctx.save_for_backward(None, x)
            return (x * scale).long(), x * scale, tag

        @staticmethod
        def backward(ctx, gi, gx, gt):
            assert gt is None and ctx.tag == "t" and ctx.saved_tensors[0] is None
            return gx * 4, None, None

    x = ft.tensor(X, requires_grad=True)
    with ag.no_grad():
        _, y, _ = Count.apply(x, 4.0, "t")
        assert not y.requires_grad and y.grad_fn is None
    i, y, tag = Count.apply(x, 4.0, "t")
    assert not i.requires_grad and y.requires_grad and tag == "t"
    assert not Count.apply(ft.tensor(X), 4.0, "t")[1].requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [4.0] * 3


def test_hooks_on_function_outputs():
    x = ft.tensor(X, requires_grad=True)
    y = FxExp.apply(x)
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert y.grad.tolist() == [1.0] * 3
    np.testing.assert_allclose(x.grad.numpy(), 10 * np.exp(X), rtol=1e-6)


def test_no_reference_cycle():
    gc.collect()
    gc.disable()
    try:
        x = ft.tensor(X, requires_grad=True)
        y = _argmax_class(_TorchLike, True).apply(x)[0] + FxExp.apply(x).sum()
        refs = [weakref.ref(y.grad_fn), weakref.ref(y.grad_fn.next_functions[1][0])]
        y.backward()
        del y
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


def test_misuse_errors():
    with pytest.warns(DeprecationWarning, match="should not be instantiated"):
        obj = FxExp()
    with pytest.raises(RuntimeError, match="Legacy autograd function"):
        obj(ft.ones(1))

    class NoForward(Function):
        pass

    with pytest.raises(NotImplementedError, match="You must implement the forward function"):
        NoForward.apply(ft.ones(1, requires_grad=True))

    class NoBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    with pytest.raises(NotImplementedError, match="You must implement either the backward or vjp method"):
        NoBackward.apply(ft.ones(1, requires_grad=True)).sum().backward()

    class SaveInt(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x

    with pytest.raises(TypeError, match="save_for_backward can only save variables, but argument 1 is of type int"):
        SaveInt.apply(ft.ones(1, requires_grad=True))
