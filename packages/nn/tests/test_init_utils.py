"""nn.init distributions and fan computations; nn.utils clipping and parameter vectors vs PyTorch."""

import math

import numpy as np
import pytest

import fx.tensor as ft
import fx.nn as nn
from fx.nn import init
from fx.nn.utils import (clip_grad_norm_, clip_grad_value_, get_total_norm, parameters_to_vector,
                         vector_to_parameters)

torch = pytest.importorskip("torch")

SHAPES = [(30, 20), (16, 8, 3, 3), (8, 4, 5), (64, 32, 2, 2, 2)]


@pytest.mark.parametrize("shape", SHAPES)
def test_fans_match_torch(shape):
    assert init._calculate_fan_in_and_fan_out(ft.empty(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ft.empty(3))


@pytest.mark.parametrize("nl,param", [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                                      ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)])
def test_calculate_gain(nl, param):
    assert init.calculate_gain(nl, param) == pytest.approx(torch.nn.init.calculate_gain(nl, param))


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("foo")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "x")


def _stats(t):
    a = t.detach().numpy().astype(np.float64)
    return a.mean(), a.std(), a.min(), a.max()


def test_uniform_normal_constant():
    t = ft.empty(200, 200)
    mean, std, lo, hi = _stats(init.uniform_(t, -2, 3))
    assert lo >= -2 and hi < 3 and abs(mean - 0.5) < 0.05 and abs(std - 5 / math.sqrt(12)) < 0.03
    mean, std, _, _ = _stats(init.normal_(t, 1.0, 0.5))
    assert abs(mean - 1) < 0.01 and abs(std - 0.5) < 0.01
    assert (init.constant_(t, 0.3).numpy() == np.float32(0.3)).all()
    assert (init.ones_(t).numpy() == 1).all() and (init.zeros_(t).numpy() == 0).all()


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
def test_kaiming_and_xavier_std(shape, mode):
    t = ft.empty(*shape)
    tt = torch.empty(*shape)
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(t)
    fan = fan_in if mode == "fan_in" else fan_out
    n = t.numel()
    tol = 4 / math.sqrt(n)
    gain = math.sqrt(2.0)
    _, std, lo, hi = _stats(init.kaiming_uniform_(t, mode=mode, nonlinearity="relu"))
    bound = gain * math.sqrt(3.0 / fan)
    assert -bound <= lo and hi <= bound and abs(std / (gain / math.sqrt(fan)) - 1) < tol
    torch.nn.init.kaiming_uniform_(tt, mode=mode, nonlinearity="relu")
    assert abs(std / tt.std().item() - 1) < 2 * tol
    _, std, _, _ = _stats(init.kaiming_normal_(t, a=0.1, mode=mode))
    assert abs(std / (math.sqrt(2 / 1.01) / math.sqrt(fan)) - 1) < tol
    _, std, lo, hi = _stats(init.xavier_uniform_(t, gain=2.0))
    a = 2.0 * math.sqrt(6.0 / (fan_in + fan_out))
    assert -a <= lo and hi <= a and abs(std / (a / math.sqrt(3)) - 1) < tol
    _, std, _, _ = _stats(init.xavier_normal_(t))
    assert abs(std / math.sqrt(2.0 / (fan_in + fan_out)) - 1) < tol


def test_trunc_normal():
    t = init.trunc_normal_(ft.empty(300, 300), mean=0.5, std=1.0, a=-1.0, b=1.5)
    a = t.numpy()
    ref = torch.nn.init.trunc_normal_(torch.empty(300, 300), mean=0.5, std=1.0, a=-1.0, b=1.5).numpy()
    assert a.min() >= -1.0 and a.max() <= 1.5
    assert abs(a.mean() - ref.mean()) < 0.01 and abs(a.std() - ref.std()) < 0.01


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (8, 3, 2)])
def test_orthogonal(shape):
    t = init.orthogonal_(ft.empty(*shape), gain=2.0)
    flat = t.numpy().reshape(shape[0], -1)
    r, c = flat.shape
    gram = flat @ flat.T if r < c else flat.T @ flat
    np.testing.assert_allclose(gram, 4 * np.eye(min(r, c)), atol=1e-4)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(ft.empty(3))


def test_eye_dirac_match_torch():
    np.testing.assert_array_equal(init.eye_(ft.empty(3, 5)).numpy(), torch.nn.init.eye_(torch.empty(3, 5)).numpy())
    for shape, groups in [((4, 4, 3), 1), ((6, 2, 3, 3), 2), ((2, 3, 3, 3, 3), 1)]:
        np.testing.assert_array_equal(init.dirac_(ft.empty(*shape), groups).numpy(),
                                      torch.nn.init.dirac_(torch.empty(*shape), groups).numpy())
    with pytest.raises(ValueError):
        init.eye_(ft.empty(2, 2, 2))


def test_generator_reproducible_and_no_grad():
    g1, g2 = ft.Generator().manual_seed(3), ft.Generator().manual_seed(3)
    a = init.kaiming_uniform_(ft.empty(5, 5), generator=g1)
    b = init.kaiming_uniform_(ft.empty(5, 5), generator=g2)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    p = nn.Parameter(ft.empty(3, 3))
    init.normal_(p)
    assert p.is_leaf and p.grad_fn is None
    init.xavier_uniform_(p)
    assert p.grad_fn is None


def _grads_pair(norm_scale=1.0):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) * norm_scale for s in [(3, 4), (5,), (2, 2, 2)]]
    fps = [nn.Parameter(ft.tensor(a)) for a in arrays]
    tps = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
    for f, t, a in zip(fps, tps, arrays):
        f.grad = ft.tensor(a * 2)
        t.grad = torch.tensor(a * 2)
    return fps, tps


@pytest.mark.parametrize("max_norm,norm_type", [(1.0, 2.0), (100.0, 2), (0.5, 1.0), (0.3, "inf"), (2.0, 3.0)])
def test_clip_grad_norm_vs_torch(max_norm, norm_type):
    fps, tps = _grads_pair()
    nt = float(norm_type)
    fn = clip_grad_norm_(fps, max_norm, nt)
    tn = torch.nn.utils.clip_grad_norm_(tps, max_norm, nt)
    assert fn.item() == pytest.approx(tn.item(), rel=1e-10)
    for f, t in zip(fps, tps):
        np.testing.assert_allclose(f.grad.numpy(), t.grad.numpy(), rtol=1e-10)


def test_clip_grad_norm_edge_cases():
    assert clip_grad_norm_([nn.Parameter(ft.zeros(2))], 1.0).item() == 0.0
    p = nn.Parameter(ft.zeros(2))
    p.grad = ft.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    p.grad = ft.tensor([3.0, 4.0])
    assert clip_grad_norm_(p, 1.0, foreach=True).item() == pytest.approx(5.0)
    assert get_total_norm([ft.tensor([3.0, 4.0])]).item() == pytest.approx(5.0)


def test_clip_grad_value_vs_torch():
    fps, tps = _grads_pair()
    clip_grad_value_(fps, 0.7)
    torch.nn.utils.clip_grad_value_(tps, 0.7)
    for f, t in zip(fps, tps):
        np.testing.assert_array_equal(f.grad.numpy(), t.grad.numpy())


def test_parameters_vector_roundtrip():
    m = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    v = parameters_to_vector(m.parameters())
    assert v.shape == (3 * 4 + 4 + 4 * 2 + 2,)
    np.testing.assert_array_equal(v[:12].detach().numpy(), m[0].weight.detach().numpy().reshape(-1))
    vector_to_parameters(ft.arange(v.numel(), dtype=ft.float32), m.parameters())
    assert m[0].bias.tolist() == [12.0, 13.0, 14.0, 15.0] and m[0].weight.requires_grad
    with pytest.raises(TypeError, match="expected fx.tensor.Tensor"):
        vector_to_parameters([1.0], m.parameters())
