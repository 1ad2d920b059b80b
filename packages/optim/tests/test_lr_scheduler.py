"""Learning-rate schedulers: the lr (and momentum) sequences equal PyTorch's over 120 steps."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import fx.tensor as ft
from fx import optim
from fx.optim import lr_scheduler as fx_sched
from fx.optim import swa_utils

try:
    import torch
except ImportError:  # the oracle comparisons skip; the rest runs
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch (the test oracle) is not installed")

STEPS = 120


def _factory(name, *args, **kwargs):
    def make(sched_module, opt):
        return getattr(sched_module, name)(opt, *args, **kwargs)

    make.label = f"{name}-{args}-{kwargs}" if args or kwargs else name
    return make


def _seq(sched_module, opt):
    return sched_module.SequentialLR(opt, [sched_module.ConstantLR(opt, factor=0.3, total_iters=10),
                                           sched_module.ExponentialLR(opt, gamma=0.97),
                                           sched_module.CosineAnnealingLR(opt, T_max=20)], milestones=[20, 60])


def _seq_warmup(sched_module, opt):
    return sched_module.SequentialLR(opt, [sched_module.LinearLR(opt, start_factor=0.1, total_iters=5),
                                           sched_module.CosineAnnealingLR(opt, T_max=100, eta_min=1e-4)],
                                     milestones=[5])


def _chained(sched_module, opt):
    return sched_module.ChainedScheduler([sched_module.ConstantLR(opt, factor=0.1, total_iters=5),
                                          sched_module.ExponentialLR(opt, gamma=0.95),
                                          sched_module.MultiStepLR(opt, milestones=[40, 80], gamma=0.5)])


def _swalr(strategy, epochs):
    def make(sched_module, opt):
        module = swa_utils if sched_module is fx_sched else torch.optim.swa_utils
        return module.SWALR(opt, swa_lr=0.02, anneal_epochs=epochs, anneal_strategy=strategy)

    return make


SCHEDULERS = [
    _factory("LambdaLR", lambda e: 0.95**e),
    _factory("LambdaLR", [lambda e: 0.95**e, lambda e: 1.0 / (1 + e)]),
    _factory("MultiplicativeLR", lambda e: 0.97),
    _factory("StepLR", step_size=7, gamma=0.5),
    _factory("MultiStepLR", milestones=[10, 30, 30, 60], gamma=0.5),
    _factory("ConstantLR", factor=0.5, total_iters=10),
    _factory("LinearLR", start_factor=0.2, end_factor=0.9, total_iters=25),
    _factory("ExponentialLR", gamma=0.97),
    _factory("PolynomialLR", total_iters=60, power=2.0),
    _factory("CosineAnnealingLR", T_max=30, eta_min=0.001),
    _factory("CosineAnnealingWarmRestarts", T_0=10, T_mult=2, eta_min=1e-4),
    _factory("CosineAnnealingWarmRestarts", T_0=7),
    _factory("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=10),
    _factory("CyclicLR", base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=5, step_size_down=15, mode="triangular2"),
    _factory("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=8, mode="exp_range", gamma=0.99),
    _factory("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=8, scale_fn=lambda x: 0.5 ** x,
             scale_mode="iterations", cycle_momentum=False),
    _factory("OneCycleLR", max_lr=0.1, total_steps=STEPS),
    _factory("OneCycleLR", max_lr=[0.1, 0.3], epochs=10, steps_per_epoch=12, three_phase=True,
             anneal_strategy="linear", pct_start=0.25),
    _seq, _seq_warmup, _chained,
    _swalr("cos", 5), _swalr("linear", 10), _swalr("cos", 0),
]
# Position-numbered ids: labels holding lambdas print addresses, which differ between xdist workers.
IDS = [f"{i}-{getattr(f, 'label', f.__name__).split('-')[0]}" for i, f in enumerate(SCHEDULERS)]


def _optimizers(kind):
    """The same two-group optimizer in fx and torch (SGD with momentum, or Adam for beta1 cycling)."""
    fx_p = [ft.zeros(2, requires_grad=True), ft.zeros(3, requires_grad=True)]
    if kind == "sgd":
        make = lambda m, p: m.SGD([{"params": [p[0]]}, {"params": [p[1]], "lr": 0.05}], lr=0.1, momentum=0.9)  # noqa
    else:
        make = lambda m, p: m.Adam([{"params": [p[0]]}, {"params": [p[1]], "lr": 0.05}], lr=0.1)  # noqa
    if torch is None:
        return make(optim, fx_p), None
    return make(optim, fx_p), make(torch.optim, [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)])


def _hyper(opt):
    return [x for g in opt.param_groups for x in (g["lr"], g.get("momentum", 0.0), *g.get("betas", (0.0, 0.0)))]


@needs_torch
@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("factory", SCHEDULERS, ids=IDS)
def test_lr_sequence_matches_torch(factory, kind):
    opt, ref = _optimizers(kind)
    mine, theirs = factory(fx_sched, opt), factory(torch.optim.lr_scheduler, ref)
    assert _hyper(opt) == _hyper(ref)
    for step in range(STEPS):
        opt.step()
        ref.step()
        mine.step()
        theirs.step()
        assert mine.get_last_lr() == theirs.get_last_lr(), step
        assert _hyper(opt) == _hyper(ref), step


METRICS = [1.0 / (1 + i) if i < 30 else 0.03 + 0.001 * math.sin(i) for i in range(STEPS)]
PLATEAU = [dict(), dict(patience=3, factor=0.5), dict(patience=2, cooldown=3, min_lr=[0.01, 0.02]),
           dict(mode="max", patience=4, threshold_mode="abs", threshold=0.01),
           dict(threshold_mode="abs", patience=1, eps=1e-3, min_lr=0.004)]


@needs_torch
@pytest.mark.parametrize("kwargs", PLATEAU, ids=[str(k) for k in PLATEAU])
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    opt, ref = _optimizers("sgd")
    mine = fx_sched.ReduceLROnPlateau(opt, **kwargs)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(ref, **kwargs)
    metrics = METRICS if kwargs.get("mode") != "max" else [-m for m in METRICS]
    for step, metric in enumerate(metrics):
        mine.step(ft.tensor(metric, dtype=ft.float64))
        theirs.step(metric)
        assert mine.get_last_lr() == theirs.get_last_lr(), step
        assert (mine.best, mine.num_bad_epochs, mine.cooldown_counter) == (
            theirs.best, theirs.num_bad_epochs, theirs.cooldown_counter), step


@pytest.mark.parametrize("factory", [SCHEDULERS[0], SCHEDULERS[4], SCHEDULERS[10], SCHEDULERS[13], SCHEDULERS[16],
                                     _seq, _chained], ids=["lambda", "multistep", "warm-restarts", "cyclic",
                                                           "onecycle", "sequential", "chained"])
def test_scheduler_state_dict_round_trip(factory, tmp_path):
    opt, _ = _optimizers("sgd")
    sched = factory(fx_sched, opt)
    for _ in range(25):
        opt.step()
        sched.step()
    ft.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "s.safetensors")
    expected = []
    for _ in range(40):
        opt.step()
        sched.step()
        expected.append(sched.get_last_lr())
    saved = ft.load(tmp_path / "s.safetensors")
    opt2, _ = _optimizers("sgd")
    sched2 = factory(fx_sched, opt2)
    opt2.load_state_dict(saved["opt"])
    sched2.load_state_dict(saved["sched"])
    got = []
    for _ in range(40):
        opt2.step()
        sched2.step()
        got.append(sched2.get_last_lr())
    assert got == expected


def test_plateau_state_dict_round_trip(tmp_path):
    opt, _ = _optimizers("sgd")
    sched = fx_sched.ReduceLROnPlateau(opt, patience=2)
    for m in METRICS[:40]:
        sched.step(m)
    ft.save(sched.state_dict(), tmp_path / "p.safetensors")
    opt2, _ = _optimizers("sgd")
    sched2 = fx_sched.ReduceLROnPlateau(opt2, patience=2)
    sched2.load_state_dict(ft.load(tmp_path / "p.safetensors"))
    assert sched2.best == sched.best and sched2.num_bad_epochs == sched.num_bad_epochs


@needs_torch
def test_closed_form_with_epoch_argument():
    opt, ref = _optimizers("sgd")
    mine, theirs = fx_sched.StepLR(opt, 5, 0.5), torch.optim.lr_scheduler.StepLR(ref, 5, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in (3, 12, 7, 30):
            mine.step(epoch)
            theirs.step(epoch)
            assert mine.get_last_lr() == theirs.get_last_lr()


def test_warnings():
    opt, _ = _optimizers("sgd")
    sched = fx_sched.StepLR(opt, 5)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


def test_scheduler_errors():
    opt, _ = _optimizers("sgd")
    with pytest.raises(TypeError, match="is not an Optimizer"):
        fx_sched.StepLR(object(), 3)
    with pytest.raises(KeyError, match="initial_lr"):
        fx_sched.StepLR(opt, 3, last_epoch=5)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        fx_sched.LambdaLR(opt, [lambda e: 1.0])
    with pytest.raises(ValueError, match="between 0 and 1"):
        fx_sched.ConstantLR(opt, factor=2.0)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        fx_sched.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="Expected positive integer T_0"):
        fx_sched.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        fx_sched.ReduceLROnPlateau(opt, factor=1.5)
    with pytest.raises(ValueError, match="mode foo is unknown"):
        fx_sched.ReduceLROnPlateau(opt, mode="foo")
    with pytest.raises(ValueError, match="total_steps OR"):
        fx_sched.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="Tried to step 3 times"):
        s = fx_sched.OneCycleLR(opt, max_lr=0.1, total_steps=2)
        for _ in range(3):
            opt.step()
            s.step()
    with pytest.raises(ValueError, match="max_lr must have the same length"):
        fx_sched.CyclicLR(opt, base_lr=0.1, max_lr=[1.0, 2.0, 3.0])
    plain = optim.Adagrad([ft.zeros(2, requires_grad=True)])
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        fx_sched.CyclicLR(plain, base_lr=0.01, max_lr=0.1)
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        fx_sched.SequentialLR(opt, [fx_sched.ReduceLROnPlateau(opt), fx_sched.StepLR(opt, 2)], milestones=[3])
    with pytest.raises(ValueError, match="one more than the number of milestone"):
        fx_sched.SequentialLR(opt, [fx_sched.StepLR(opt, 2)], milestones=[3])
    with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0"):
        swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=-1)
    np.testing.assert_equal(len(opt.param_groups), 2)
