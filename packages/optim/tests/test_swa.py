"""swa_utils: AveragedModel (SWA and EMA) against torch's, on a hand-written model; update_bn."""

from __future__ import annotations

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft
from fx import optim
from fx.optim import swa_utils

try:
    import torch
except ImportError:  # the oracle comparisons skip; the rest runs
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch (the test oracle) is not installed")


class Tiny:
    """A linear model with a buffer: all AveragedModel needs is parameters() and buffers()."""

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        self.weight = ft.tensor(rng.standard_normal((3, 2)), requires_grad=True)
        self.bias = ft.tensor(rng.standard_normal(2), requires_grad=True)
        self.count = ft.zeros(2, dtype=ft.float64)
        self.name = "tiny"

    def parameters(self):
        return [self.weight, self.bias]

    def buffers(self):
        return [self.count]

    def __call__(self, x):
        return x @ self.weight + self.bias


def _torch_tiny(seed=0):
    """TorchTiny as a torch.nn.Module (torch's AveragedModel needs one)."""

    class TorchTiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            rng = np.random.default_rng(seed)
            self.weight = torch.nn.Parameter(torch.tensor(rng.standard_normal((3, 2))))
            self.bias = torch.nn.Parameter(torch.tensor(rng.standard_normal(2)))
            self.register_buffer("count", torch.zeros(2, dtype=torch.float64))

        def forward(self, x):
            return x @ self.weight + self.bias

    return TorchTiny()


def _avg_kwargs(mod, kind):
    return {"swa": {}, "ema-multi": {"multi_avg_fn": mod.get_ema_multi_avg_fn(0.9)},
            "ema": {"avg_fn": mod.get_ema_avg_fn(0.8)}, "swa-buffers": {"use_buffers": True},
            "swa-multi": {"multi_avg_fn": mod.get_swa_multi_avg_fn()}}[kind]


@needs_torch
@pytest.mark.parametrize("kind", ["swa", "ema-multi", "ema", "swa-buffers", "swa-multi"])
def test_averaged_model_matches_torch(kind):
    model, ref_model = Tiny(), _torch_tiny()
    avg = swa_utils.AveragedModel(model, **_avg_kwargs(swa_utils, kind))
    ref_avg = torch.optim.swa_utils.AveragedModel(ref_model, **_avg_kwargs(torch.optim.swa_utils, kind))
    assert avg.module is not model and avg.module.weight is not model.weight and avg.module.name == "tiny"
    assert avg.module.weight.requires_grad and avg.module.weight.is_leaf
    opt, ref_opt = optim.SGD(model.parameters(), lr=0.1), torch.optim.SGD(ref_model.parameters(), lr=0.1)
    x = np.random.default_rng(1).standard_normal((5, 3))
    for step in range(12):
        for m, o, lib in ((model, opt, ft), (ref_model, ref_opt, torch)):
            o.zero_grad()
            (m(lib.tensor(x)) ** 2).mean().backward()
            o.step()
        with ag.no_grad():
            model.count.add_(1.0)
        with torch.no_grad():
            ref_model.count.add_(1.0)
        avg.update_parameters(model)
        ref_avg.update_parameters(ref_model)
        for mine, theirs in zip([*avg.parameters(), *avg.module.buffers()],
                                [*ref_avg.parameters(), *ref_avg.module.buffers()]):
            np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
        assert avg.n_averaged.item() == ref_avg.n_averaged.item() == step + 1
    out = avg(ft.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), ref_avg(torch.tensor(x)).detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("ema", [False, True])
def test_averaged_model_against_numpy(ema):
    """SWA is the plain mean of the snapshots; EMA weights them by decay powers."""
    model = Tiny()
    avg = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.5) if ema else None)
    snapshots = []
    for k in range(5):
        with ag.no_grad():
            model.weight.mul_(0.5).add_(k)
        snapshots.append(model.weight.detach().numpy().copy())
        avg.update_parameters(model)
    if ema:
        expected = snapshots[0]
        for s in snapshots[1:]:
            expected = 0.5 * expected + 0.5 * s
    else:
        expected = np.mean(snapshots, axis=0)
    np.testing.assert_allclose(avg.module.weight.detach().numpy(), expected, rtol=1e-12)
    assert avg.n_averaged.item() == 5 and model.weight is not avg.module.weight


def test_averaged_model_errors():
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        swa_utils.AveragedModel(Tiny(), avg_fn=swa_utils.get_swa_avg_fn(),
                                multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    with pytest.raises(TypeError, match="must have a parameters\\(\\) method"):
        swa_utils.AveragedModel(object())
    with pytest.raises(ValueError, match="Invalid decay value 1.5"):
        swa_utils.get_ema_avg_fn(1.5)



def test_averaged_model_copies_every_tensor():
    class Extra(Tiny):
        def __init__(self):
            super().__init__()
            self.extra = ft.ones(2)  # neither a parameter nor a buffer: still deep-copied

    model = Extra()
    avg = swa_utils.AveragedModel(model)
    assert avg.module.extra is not model.extra and avg.module.extra.tolist() == [1.0, 1.0]


class _BN:
    """Just enough of a batch-norm layer for update_bn: cumulative running mean when momentum is None."""

    def __init__(self):
        self.running_mean = ft.full((2,), 5.0)
        self.momentum = 0.1
        self.seen = 0

    def reset_running_stats(self):
        self.running_mean.zero_()
        self.seen = 0

    def __call__(self, x):
        self.seen += 1
        m = x.mean(0)
        factor = 1.0 / self.seen if self.momentum is None else self.momentum
        self.running_mean.mul_(1 - factor).add_(m * factor)
        return x


class _Net:
    def __init__(self):
        self.bn = _BN()
        self.training = False

    def modules(self):
        return [self, self.bn]

    def train(self, mode=True):
        self.training = mode

    def __call__(self, x):
        return self.bn(x)


def test_update_bn():
    net = _Net()
    batches = [(ft.tensor([[1.0, 2.0], [3.0, 4.0]]), 0), (ft.tensor([[5.0, 6.0], [7.0, 8.0]]), 1)]
    swa_utils.update_bn(batches, net)
    assert net.bn.running_mean.tolist() == [4.0, 5.0]
    assert net.bn.momentum == 0.1 and net.training is False
