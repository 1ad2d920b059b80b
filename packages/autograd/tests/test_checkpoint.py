"""Activation checkpointing: same gradients as without, RNG replay, lower peak memory, error paths."""

import gc
import tracemalloc
import warnings
import weakref

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft
from fx.autograd._checkpoint import CheckpointError


def _block(w):
    def f(t, scale=1.0):
        return ((t * w).sin() * scale).exp().tanh() + t * t
    return f


def _inputs(seed=0, n=6):
    ft.manual_seed(seed)
    return ft.randn(n, dtype=ft.float64, requires_grad=True), ft.randn(n, dtype=ft.float64, requires_grad=True)


def _grads(run):
    x, w = _inputs()
    out = run(x, w)
    (out * ft.arange(out.shape[0], dtype=ft.float64)).sum().backward()
    return out.detach().numpy(), x.grad.numpy(), w.grad.numpy()


@pytest.mark.parametrize("reentrant", [False, True])
def test_same_values_and_gradients(reentrant):
    plain = _grads(lambda x, w: _block(w)(_block(w)(x)))
    ck = _grads(lambda x, w: ag.checkpoint(_block(w), ag.checkpoint(_block(w), x, use_reentrant=reentrant),
                                           use_reentrant=reentrant))
    for a, b in zip(plain, ck):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_matches_torch_checkpoint():
    torch = pytest.importorskip("torch")
    import torch.utils.checkpoint as tcp

    x, w = _inputs()
    tx, tw = (torch.tensor(t.detach().numpy(), requires_grad=True) for t in (x, w))
    ag.checkpoint(_block(w), x, scale=0.5, use_reentrant=False).sum().backward()
    tcp.checkpoint(_block(tw), tx, scale=0.5, use_reentrant=False).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)


def test_double_backward_through_checkpoint():
    x, w = _inputs()
    (g1,) = ag.grad(_block(w)(x).sum(), x, create_graph=True)
    (h1,) = ag.grad((g1 * g1).sum(), [x])
    (g2,) = ag.grad(ag.checkpoint(_block(w), x, use_reentrant=False).sum(), x, create_graph=True)
    (h2,) = ag.grad((g2 * g2).sum(), [x])
    np.testing.assert_allclose(g1.detach().numpy(), g2.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(h1.numpy(), h2.numpy(), rtol=1e-10)


def _dropout(t):
    return t * (ft.rand_like(t) > 0.5) * 2


@pytest.mark.parametrize("reentrant", [False, True])
def test_rng_state_is_replayed(reentrant):
    x = ft.ones(64, dtype=ft.float64, requires_grad=True)
    y = ag.checkpoint(lambda t: _dropout(t).exp(), x, use_reentrant=reentrant)
    ft.rand(10)  # advance the generator between forward and backward
    y.sum().backward()
    mask = y.detach().numpy() != 1.0  # exp(0) == 1 where dropped
    np.testing.assert_allclose(x.grad.numpy(), np.where(mask, 2 * np.exp(2.0), 0.0))


def test_without_preserved_rng_the_mask_changes():
    x = ft.ones(256, dtype=ft.float64, requires_grad=True)
    y = ag.checkpoint(lambda t: _dropout(t).exp(), x, use_reentrant=False, preserve_rng_state=False,
                      determinism_check="none")
    y.sum().backward()
    mask = y.detach().numpy() != 1.0
    assert not np.allclose(x.grad.numpy(), np.where(mask, 2 * np.exp(2.0), 0.0))


def test_peak_memory_is_lower():
    def segment(t):
        for _ in range(4):
            t = (t * 1.01).sin()
        return t

    def run(ckpt):
        ft.manual_seed(0)
        x = ft.randn(100_000, dtype=ft.float64, requires_grad=True)
        gc.collect()
        tracemalloc.start()
        try:
            h = x
            for _ in range(5):  # 20 elementwise ops, checkpointed as 5 segments
                h = ag.checkpoint(segment, h, use_reentrant=False) if ckpt else segment(h)
            held = tracemalloc.get_traced_memory()[0]
            h.sum().backward()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return held, peak, x.grad.numpy()

    held, peak, grad = run(False)
    held_ck, peak_ck, grad_ck = run(True)
    act = 800_000  # one float64 activation of 1e5 elements
    assert held > 15 * act and held_ck < 0.3 * held, (held, held_ck)  # kept between forward and backward
    assert peak_ck < 0.6 * peak, (peak, peak_ck)  # whole step, backward's recomputation included
    np.testing.assert_array_equal(grad, grad_ck)


def test_graph_is_freed_and_retain_graph_works():
    gc.collect()
    gc.disable()
    try:
        x, w = _inputs()
        y = ag.checkpoint(_block(w), x, use_reentrant=False).sum()
        node = weakref.ref(y.grad_fn)
        y.backward(retain_graph=True)
        first = x.grad.numpy().copy()
        y.backward()
        np.testing.assert_allclose(x.grad.numpy(), 2 * first, rtol=1e-12)
        del y
        assert node() is None
    finally:
        gc.enable()


def test_tuple_outputs_kwargs_and_custom_functions_inside():
    class Square(ag.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return t * t

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            return 2 * g * t

    def f(a, b, *, k):
        return Square.apply(a * b).sin() * k, a.exp()

    for early_stop in (True, False):
        x, w = _inputs()
        p, q = ag.checkpoint(f, x, w, k=3.0, use_reentrant=False, early_stop=early_stop)
        (p.sum() + q.sum()).backward()
        ck = (x.grad.numpy(), w.grad.numpy())
        x, w = _inputs()
        p, q = f(x, w, k=3.0)
        (p.sum() + q.sum()).backward()
        np.testing.assert_allclose(ck[0], x.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(ck[1], w.grad.numpy(), rtol=1e-12)


def test_default_use_reentrant_warns_and_reenters():
    x, w = _inputs()
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        y = ag.checkpoint(_block(w), x)
    assert y.grad_fn.name() == "CheckpointFunctionBackward"
    y.sum().backward()
    assert x.grad is not None and w.grad is not None
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        ag.checkpoint(lambda t: t * 2, ft.ones(2), use_reentrant=True)


def test_argument_errors():
    x = ft.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        ag.checkpoint(_block(x), x, scale=2.0, use_reentrant=True)
    with pytest.raises(ValueError, match="Passing `context_fn` or `debug` is only supported when use_reentrant=False"):
        ag.checkpoint(_block(x), x, use_reentrant=True, debug=True)
    with pytest.raises(ValueError, match=r"determinism_check should be one of \['default', 'none'\], but got strict"):
        ag.checkpoint(_block(x), x, use_reentrant=False, determinism_check="strict")


def test_recomputation_that_differs_raises():
    calls = []

    def shape_changes(t):
        calls.append(1)
        return (t[: 3 - len(calls)] * 2).exp()

    x = ft.ones(3, requires_grad=True)
    y = ag.checkpoint(shape_changes, x, use_reentrant=False)
    with pytest.raises(CheckpointError, match="(?s)Recomputed values for the following tensors have different "
                                              "metadata.*tensor at position 0"):
        y.sum().backward()

    calls.clear()

    def saves_less(t):
        calls.append(1)
        return t.exp().exp() if len(calls) == 1 else t.exp()

    y = ag.checkpoint(saves_less, x, use_reentrant=False)
    with pytest.raises(RuntimeError, match="A different number of tensors was saved during the original forward and "
                                           "recomputation.\nNumber of tensors saved during forward: 2\nNumber of "
                                           "tensors saved during recomputation: 1"):
        y.sum().backward()


def test_context_fn_wraps_forward_and_recomputation():
    events = []

    class Mark:
        def __init__(self, name):
            self.name = name

        def __enter__(self):
            events.append(self.name)

        def __exit__(self, *exc):
            return False

    x = ft.ones(2, requires_grad=True)
    y = ag.checkpoint(lambda t: t.exp(), x, use_reentrant=False, context_fn=lambda: (Mark("fwd"), Mark("recompute")))
    assert events == ["fwd"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y.sum().backward()
    assert events == ["fwd", "recompute"]
