"""gradcheck / gradgradcheck themselves: pass on correct gradients, fail (or raise) on wrong ones."""

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft
from fx.autograd import GradcheckError, gradcheck, gradgradcheck


def _leaf(*shape, seed=0, dtype=ft.float64):
    arr = np.random.default_rng(seed).uniform(-2, 2, shape)
    return ft.from_numpy(arr).to(dtype).requires_grad_()


def _wrong(x):
    return x.detach() * 2 + x  # value 3x, but autograd only sees the "+ x": gradient 1 instead of 3


def test_public_names():
    assert issubclass(GradcheckError, RuntimeError)
    for name in ("gradcheck", "gradgradcheck", "GradcheckError"):
        assert name in ag.__all__


@pytest.mark.parametrize("fast_mode", [False, True])
def test_passes_on_correct_functions(fast_mode):
    x, y = _leaf(3, 4), _leaf(4, seed=1)
    assert gradcheck(lambda a: a.exp(), x, fast_mode=fast_mode)  # a bare tensor as inputs
    assert gradcheck(lambda a, b: (a * b).tanh() / (b * b + 1), (x, y), fast_mode=fast_mode)
    assert gradcheck(lambda a: (a * a).sum(), (x,), fast_mode=fast_mode)  # 0-d output
    assert gradcheck(lambda a: a[1:, ::2].exp(), (x,), fast_mode=fast_mode)  # views


@pytest.mark.parametrize("fast_mode", [False, True])
def test_wrong_gradient_raises_with_mismatch_message(fast_mode):
    x = _leaf(3)
    with pytest.raises(GradcheckError, match=r"Jacobian mismatch for output 0 with respect to input 0,\nnumerical:"):
        gradcheck(_wrong, (x,), fast_mode=fast_mode)
    with pytest.raises(RuntimeError, match="analytical:"):  # GradcheckError is a RuntimeError
        gradcheck(_wrong, (x,), fast_mode=fast_mode)
    assert gradcheck(_wrong, (x,), raise_exception=False, fast_mode=fast_mode) is False


def test_mismatch_message_shows_both_jacobians():
    x = _leaf(2)
    with pytest.raises(GradcheckError) as info:
        gradcheck(_wrong, (x,))
    msg = str(info.value)
    numerical, analytical = msg.split("analytical:")
    assert "3.0000" in numerical and "1." in analytical and "3.0000" not in analytical


def test_fast_mode_failure_reports_slow_mode_difference():
    with pytest.raises(GradcheckError, match=r"max per-element difference \(slow mode\) is: (1\.99|2\.0)"):
        gradcheck(_wrong, (_leaf(3),), fast_mode=True)


def test_mismatch_names_the_output_and_input():
    x, y = _leaf(3), _leaf(3, seed=1)

    def f(a, b):
        return a * b, a + _wrong(b)

    with pytest.raises(GradcheckError, match="output 1 with respect to input 1"):
        gradcheck(f, (x, y))
    # Indices count differentiable inputs/outputs only.
    with pytest.raises(GradcheckError, match="output 0 with respect to input 0"):
        gradcheck(lambda n, b: (ft.ones(2, dtype=ft.int64), _wrong(b)), (3, y))


def test_multiple_inputs_outputs_and_non_tensor_args():
    x, y = _leaf(2, 3), _leaf(3, seed=1)
    assert gradcheck(lambda a, k, b, scale: ((a * b) ** k * scale, a.sum(dim=1)), (x, 2, y, 0.5))
    assert gradcheck(lambda a, k, b, scale: ((a * b) ** k * scale, a.sum(dim=1)), (x, 2, y, 0.5), fast_mode=True)
    # Tensors inside lists are differentiated too.
    assert gradcheck(lambda xs: xs[0] * xs[1].exp(), ([_leaf(3), _leaf(3, seed=2)],))


def test_outputs_and_inputs_not_requiring_grad_are_skipped():
    x = _leaf(4)
    const = ft.from_numpy(np.arange(4.0))  # float64, not requiring grad: not differentiated
    idx = ft.tensor([0, 1], dtype=ft.int64)
    assert gradcheck(lambda a, c, i: (a * c, i * 2, (a * 3).detach()), (x, const, idx))


def test_no_differentiable_outputs():
    x = _leaf(3)
    with pytest.raises(GradcheckError, match="Numerical gradient for function expected to be zero"):
        gradcheck(lambda a: a.detach() * 2, (x,))
    assert gradcheck(lambda a: ft.ones(2, dtype=ft.float64), (x,))


def test_warns_on_float32_inputs():
    x = _leaf(3, dtype=ft.float32)
    with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double precision"):
        gradcheck(lambda a: a * 2, (x,), eps=1e-3, atol=1e-2, rtol=1e-2)


def test_bad_inputs():
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(lambda a: a * 2, (ft.ones(3, dtype=ft.float64),))
    expanded = ft.ones(1, dtype=ft.float64).requires_grad_().expand(3)
    with pytest.raises(RuntimeError, match="stride 0"):
        gradcheck(lambda a: a * 2, (expanded,))
    with pytest.raises(NotImplementedError, match="check_forward_ad"):
        gradcheck(lambda a: a * 2, (_leaf(2),), check_forward_ad=True)
    with pytest.raises(AssertionError, match="at least one of"):
        gradcheck(lambda a: a * 2, (_leaf(2),), check_backward_ad=False)


def test_inputs_are_left_unchanged():
    x = _leaf(3, 2).transpose(0, 1).detach().requires_grad_()  # a non-contiguous leaf
    before, version = x.detach().clone(), x._version
    assert gradcheck(lambda a: a.exp(), (x,))
    assert np.array_equal(x.detach().numpy(), before.numpy())
    assert x._version == version and x.grad is None


def test_empty_and_zero_dim_inputs():
    assert gradcheck(lambda a: a * 2, (ft.zeros(0, 3, dtype=ft.float64).requires_grad_(),))
    assert gradcheck(lambda a: a.exp(), (ft.tensor(0.5, dtype=ft.float64).requires_grad_(),))


def test_nondeterministic_backward():
    x = _leaf(3)
    rng = np.random.default_rng(1)

    def noisy(a):
        y = a * 2
        # Scales the gradient by 1 + O(1e-9) noise: correct to atol, zero stays zero, not reentrant.
        y.register_hook(lambda g: g * (1 + 1e-9 * float(rng.random())))
        return y

    with pytest.raises(GradcheckError, match="not reentrant"):
        gradcheck(noisy, (x,))
    assert gradcheck(noisy, (x,), raise_exception=False) is False
    assert gradcheck(noisy, (x,), nondet_tol=1e-6)
    assert gradcheck(noisy, (x,), nondet_tol=1e-6, fast_mode=True)


def test_backward_not_multiplied_by_grad_output():
    def adds_one(a):
        y = a * 2
        y.register_hook(lambda g: g + 1e-12)  # matches numerically, but zero grad_output gives nonzero
        return y

    with pytest.raises(GradcheckError, match="backward not multiplied by grad_output"):
        gradcheck(adds_one, (_leaf(3),))


def test_wrong_gradient_size_and_dtype(monkeypatch):
    import fx.autograd._gradcheck as gc

    real = gc._grad

    def shrink(*a, **k):
        return tuple(g.reshape(-1)[:-1] if g is not None else None for g in real(*a, **k))

    monkeypatch.setattr(gc, "_grad", shrink)
    with pytest.raises(GradcheckError, match="Analytical gradient has incorrect size"):
        gradcheck(lambda a: a * 2, (_leaf(3),))

    def to_float32(*a, **k):
        return tuple(g.to(ft.float32) if g is not None else None for g in real(*a, **k))

    monkeypatch.setattr(gc, "_grad", to_float32)
    with pytest.raises(GradcheckError, match="Gradient has dtype mismatch"):
        gradcheck(lambda a: a * 2, (_leaf(3),), check_grad_dtypes=True)
    with pytest.raises(GradcheckError, match="grad is incorrect type"):
        gradcheck(lambda a: a * 2, (_leaf(3),))


def test_undefined_grad_check(monkeypatch):
    import fx.autograd._gradcheck as gc

    x = _leaf(3)
    assert gradcheck(lambda a: (a * 2, a.exp()), (x,))  # each output left out in turn: no crash
    real = gc._grad

    def fails_on_partial(outputs, *a, **k):
        if isinstance(outputs, list) and len(outputs) == 1:
            raise RuntimeError("rule crashed on a missing output gradient")
        return real(outputs, *a, **k)

    monkeypatch.setattr(gc, "_grad", fails_on_partial)
    with pytest.raises(GradcheckError, match="handle undefined output grads"):
        gradcheck(lambda a: (a * 2, a.exp()), (x,))
    assert gradcheck(lambda a: (a * 2, a.exp()), (x,), check_undefined_grad=False)


@pytest.mark.parametrize("fast_mode", [False, True])
def test_fast_mode_agrees_with_slow_mode(fast_mode):
    x, y = _leaf(2, 3), _leaf(3, seed=3)
    cases = [(lambda a, b: (a * b).exp(), True), (lambda a, b: a * _wrong(b), False),
             (lambda a, b: (a.tanh(), b / 3), True)]
    for fn, ok in cases:
        assert gradcheck(fn, (x, y), raise_exception=False, fast_mode=fast_mode) is ok


@pytest.mark.parametrize("fast_mode", [False, True])
def test_gradgradcheck(fast_mode):
    x, y = _leaf(2, 3), _leaf(3, seed=1)
    assert gradgradcheck(lambda a: a.exp() * a, (x,), fast_mode=fast_mode)
    assert gradgradcheck(lambda a, b: (a * b).tanh(), (x, y), fast_mode=fast_mode)
    assert gradgradcheck(lambda a, b: (a * b, a.sum()), (x, y), fast_mode=fast_mode)
    g = ft.from_numpy(np.full((2, 3), 0.5)).requires_grad_()
    assert gradgradcheck(lambda a: a.exp(), (x,), (g,), fast_mode=fast_mode)
    assert gradgradcheck(lambda a: a.exp(), (x,), gen_non_contig_grad_outputs=True, fast_mode=fast_mode)


def test_gradgradcheck_detects_a_wrong_double_backward():
    def cut(a):
        y = a.exp()
        # First derivative right, but the grad_output is detached: d(grad)/d(grad_output) is lost.
        y.register_hook(lambda g: g.detach())
        return y

    x = _leaf(3)
    assert gradcheck(cut, (x,))
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 1"):
        gradgradcheck(cut, (x,))
    assert gradgradcheck(cut, (x,), raise_exception=False) is False
