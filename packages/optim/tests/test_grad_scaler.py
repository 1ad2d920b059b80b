"""GradScaler: scale, unscale, skip on inf/NaN, growth and backoff, like torch.amp.GradScaler on CPU."""

from __future__ import annotations

import math

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft
from fx import optim

from optim_problems import Problem, assert_close, loss

try:
    import torch
except ImportError:  # the oracle comparisons skip; the rest runs
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch (the test oracle) is not installed")

BAD_AT = {3: math.inf, 4: -math.inf, 9: math.nan, 15: math.inf}


def _iteration(lib, problem, opt, scaler, step, unscale_first=False):
    opt.zero_grad()
    value = loss(lib, problem.W, problem.b, problem.X, problem.Y)
    scaler.scale(value).backward()
    if step in BAD_AT:
        with (torch.no_grad() if lib is torch else ag.no_grad()):
            problem.W.grad[1, 2] = BAD_AT[step]
    if unscale_first:
        scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()


@needs_torch
@pytest.mark.parametrize("unscale_first", [False, True])
def test_matches_torch(unscale_first):
    mine, theirs = Problem(ft, np.float32), Problem(torch, np.float32)
    opt, ref = optim.Adam(mine.params(), lr=0.01), torch.optim.Adam(theirs.params(), lr=0.01)
    kw = dict(init_scale=2.0**10, growth_factor=4.0, backoff_factor=0.25, growth_interval=3)
    scaler, ref_scaler = optim.GradScaler("cpu", **kw), torch.amp.GradScaler("cpu", **kw)
    for step in range(25):
        before = mine.numpy()
        steps_before = opt.state[mine.W]["step"] if mine.W in opt.state else 0.0
        _iteration(ft, mine, opt, scaler, step, unscale_first)
        _iteration(torch, theirs, ref, ref_scaler, step, unscale_first)
        assert scaler.get_scale() == ref_scaler.get_scale(), step
        assert scaler._get_growth_tracker() == ref_scaler._get_growth_tracker(), step
        assert_close(mine.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6, what=f"step {step}")
        if step in BAD_AT:  # skipped: neither the parameters nor the optimizer state moved
            for a, b in zip(before, mine.numpy()):
                np.testing.assert_array_equal(a, b)
            assert opt.state[mine.W]["step"] == steps_before
    assert opt.state[mine.W]["step"] == ref.state[theirs.W]["step"].item() == 25 - len(BAD_AT)


def test_scale_nested_outputs_and_state_dict(tmp_path):
    scaler = optim.GradScaler("cpu", init_scale=8.0)
    a, b = ft.ones(2), ft.full((3,), 2.0)
    out = scaler.scale([a, (b, a)])
    assert out[0].tolist() == [8.0, 8.0] and out[1][0].tolist() == [16.0] * 3 and isinstance(out[1], tuple)
    ft.save(scaler.state_dict(), tmp_path / "s.safetensors")
    other = optim.GradScaler("cpu")
    other.load_state_dict(ft.load(tmp_path / "s.safetensors"))
    assert other.get_scale() == 8.0 and other.state_dict() == scaler.state_dict()
    assert set(scaler.state_dict()) == {"scale", "growth_factor", "backoff_factor", "growth_interval",
                                        "_growth_tracker"}


def test_update_with_explicit_scale():
    p = ft.ones(2, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    scaler = optim.GradScaler("cpu", init_scale=4.0)
    scaler.scale(p.sum()).backward()
    scaler.step(opt)
    scaler.update(16.0)
    assert scaler.get_scale() == 16.0
    scaler.scale(p.sum()).backward()
    scaler.step(opt)
    scaler.update(ft.tensor(2.0))
    assert scaler.get_scale() == 2.0


def test_misuse_errors():
    p = ft.ones(2, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    scaler = optim.GradScaler("cpu")
    with pytest.raises(AssertionError, match="_scale is None"):
        scaler.step(opt)
    scaler.scale(p.sum()).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        scaler.step(opt)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) is being called after step"):
        scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        scaler.step(opt, closure=lambda: None)
    scaler.update()
    with pytest.raises(AssertionError, match="growth factor must be > 1.0"):
        optim.GradScaler("cpu", growth_factor=0.5)
    with pytest.raises(AssertionError, match="backoff factor must be < 1.0"):
        optim.GradScaler("cpu", backoff_factor=2.0)
    half = ft.ones(2, dtype=ft.float16, requires_grad=True)
    half_opt = optim.SGD([half], lr=0.1)
    small = optim.GradScaler("cpu", init_scale=4.0)
    small.scale(half.float().sum()).backward()
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients"):
        small.unscale_(half_opt)
    with pytest.raises(RuntimeError, match="source state dict is empty"):
        optim.GradScaler("cpu").load_state_dict({})


def test_disabled_is_a_pass_through():
    p = ft.ones(2, requires_grad=True)
    opt = optim.SGD([p], lr=0.5)
    scaler = optim.GradScaler("cpu", enabled=False)
    value = p.sum()
    assert scaler.scale(value) is value
    value.backward()
    scaler.step(opt)
    scaler.update()
    assert p.detach().tolist() == [0.5, 0.5] and scaler.get_scale() == 1.0 and scaler.state_dict() == {}


def test_cuda_without_cuda_warns_and_disables():
    from fx.optim._grad_scaler import _cuda_available

    if _cuda_available():
        pytest.skip("CUDA is available here")
    with pytest.warns(UserWarning, match="CUDA is not available"):
        scaler = optim.GradScaler()
    assert not scaler.is_enabled()
