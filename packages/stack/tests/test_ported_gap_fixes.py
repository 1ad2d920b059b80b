"""The fx pieces that the ported programs needed and that this suite added, against PyTorch.

nn.utils.parametrize / parametrizations (weight_norm, spectral_norm), the legacy hook-based
nn.utils.weight_norm / spectral_norm, nn.Upsample, and Module._register_load_state_dict_pre_hook.
Behaviour that needs no oracle (errors, bookkeeping) runs without torch.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import fx.autograd  # noqa: F401  (installs the recorder)
import fx.tensor as ft
from fx import nn
from fx.nn.utils import parametrizations, parametrize


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def _copy_params(src_torch, dst_fx):
    """Give the fx module the torch module's parameters and buffers (matched by state_dict key)."""
    state = {k: ft.tensor(v.detach().numpy()) for k, v in src_torch.state_dict().items()}
    dst_fx.load_state_dict(state)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return fn(*args, **kwargs)


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


class Scale(nn.Module):
    def forward(self, X):
        return 2 * X


# ---- parametrize: bookkeeping ---------------------------------------------------------------------
def test_register_parametrization_swaps_class_and_moves_the_parameter():
    m = nn.Linear(3, 3)
    w0 = m.weight.detach().clone()
    original = m.weight
    parametrize.register_parametrization(m, "weight", Symmetric())
    assert type(m).__name__ == "ParametrizedLinear" and isinstance(m, nn.Linear)
    assert type(nn.Linear(3, 3)).__name__ == "Linear"  # other instances keep their class
    assert parametrize.type_before_parametrizations(m) is nn.Linear
    assert m.parametrizations.weight.original is original  # optimizers holding it keep working
    np.testing.assert_allclose(_np(m.parametrizations.weight.original), np.triu(_np(w0)))
    w = _np(m.weight)
    np.testing.assert_allclose(w, w.T)
    assert sorted(m.state_dict()) == ["bias", "parametrizations.weight.original"]
    assert [n for n, _ in m.named_parameters()] == ["bias", "parametrizations.weight.original"]


def test_gradient_flows_to_the_original_and_assignment_uses_right_inverse():
    m = parametrize.register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
    m(ft.ones(2, 3)).sum().backward()
    g = _np(m.parametrizations.weight.original.grad)
    # forward reads only triu(original): the gradient below the diagonal is exactly zero
    assert g.shape == (3, 3) and np.all(np.tril(g, -1) == 0)
    target = ft.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 5.0], [3.0, 5.0, 6.0]])
    m.weight = target
    np.testing.assert_allclose(_np(m.weight), _np(target))


def test_chained_parametrizations_cached_and_remove():
    m = nn.Linear(2, 2)
    w0 = _np(m.weight).copy()
    parametrize.register_parametrization(m, "weight", Scale())
    parametrize.register_parametrization(m, "weight", Scale())
    np.testing.assert_allclose(_np(m.weight), 4 * w0, rtol=1e-6)
    assert m.weight is not m.weight
    with parametrize.cached():
        assert m.weight is m.weight
    assert parametrize.is_parametrized(m) and parametrize.is_parametrized(m, "weight")
    assert not parametrize.is_parametrized(m, "bias")
    parametrize.remove_parametrizations(m, "weight", leave_parametrized=True)
    assert type(m) is nn.Linear and not hasattr(m, "parametrizations")
    assert isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(_np(m.weight), 4 * w0, rtol=1e-6)
    m2 = parametrize.register_parametrization(nn.Linear(2, 2), "weight", Scale())
    w2 = _np(m2.parametrizations.weight.original).copy()
    parametrize.remove_parametrizations(m2, "weight", leave_parametrized=False)
    np.testing.assert_allclose(_np(m2.weight), w2)


def test_parametrize_errors():
    m = nn.Linear(2, 3)
    with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
        parametrize.register_parametrization(m, "nope", Scale())

    class Shrink(nn.Module):
        def forward(self, X):
            return X[:1]

    with pytest.raises(ValueError, match="may not change the shape"):
        parametrize.register_parametrization(m, "weight", Shrink())
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        parametrize.remove_parametrizations(m, "weight")
    parametrize.register_parametrization(m, "weight", Scale())
    with pytest.raises(RuntimeError, match="does not implement right_inverse"):
        m.weight = ft.ones(3, 2)
    w = parametrizations.weight_norm(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="Cannot leave unparametrized"):
        parametrize.remove_parametrizations(w, "weight", leave_parametrized=False)
    with pytest.raises(ValueError, match="n_power_iterations"):
        parametrizations.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(ValueError, match="no parameter or buffer"):
        parametrizations.spectral_norm(nn.Linear(2, 2), name="nope")


def test_legacy_hooks_errors_and_warning():
    with pytest.warns(FutureWarning, match="parametrizations.weight_norm"):
        m = nn.utils.weight_norm(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
        _quiet(nn.utils.weight_norm, m)
    with pytest.raises(ValueError, match="weight_norm of 'bias' not found"):
        nn.utils.remove_weight_norm(m, "bias")
    s = nn.utils.spectral_norm(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        nn.utils.spectral_norm(s)
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
        nn.utils.remove_spectral_norm(nn.Linear(2, 2))


def test_private_load_state_dict_pre_hook_gets_no_module():
    seen = []
    m = nn.Linear(2, 2)
    m._register_load_state_dict_pre_hook(lambda state_dict, prefix, *rest: seen.append(("plain", prefix, len(rest))))
    m._register_load_state_dict_pre_hook(lambda module, state_dict, prefix, *rest: seen.append(("with", module is m)),
                                         with_module=True)
    m.load_state_dict(m.state_dict())
    assert seen == [("plain", "", 5), ("with", True)]


# ---- against torch ---------------------------------------------------------------------------------
@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("dim", [0, 1, None])
@pytest.mark.parametrize("legacy", [False, True])
def test_weight_norm_matches_torch(torch, dim, legacy):
    torch.manual_seed(0)
    tm = torch.nn.Conv2d(3, 4, 3)
    fm = nn.Conv2d(3, 4, 3)
    _copy_params(tm, fm)
    if legacy:
        _quiet(torch.nn.utils.weight_norm, tm, dim=dim)
        _quiet(nn.utils.weight_norm, fm, dim=dim)
    else:
        torch.nn.utils.parametrizations.weight_norm(tm, dim=dim)
        parametrizations.weight_norm(fm, dim=dim)
    assert sorted(fm.state_dict()) == sorted(tm.state_dict())
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(_np(fm.state_dict()[k]), v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    x = np.random.default_rng(0).normal(size=(2, 3, 5, 5)).astype(np.float32)
    ty, fy = tm(torch.tensor(x)), fm(ft.tensor(x))
    np.testing.assert_allclose(_np(fy), ty.detach().numpy(), rtol=1e-4, atol=1e-5)
    (ty ** 2).sum().backward()
    (fy ** 2).sum().backward()
    for (tn, tp), (fn, fp) in zip(tm.named_parameters(), fm.named_parameters()):
        assert tn == fn
        np.testing.assert_allclose(_np(fp.grad), tp.grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=tn)
    remove = nn.utils.remove_weight_norm if legacy else (lambda m: parametrize.remove_parametrizations(m, "weight"))
    remove_t = torch.nn.utils.remove_weight_norm if legacy else (lambda m: torch.nn.utils.parametrize.remove_parametrizations(m, "weight"))
    remove(fm)
    remove_t(tm)
    assert sorted(fm.state_dict()) == sorted(tm.state_dict()) == ["bias", "weight"]
    np.testing.assert_allclose(_np(fm.weight), tm.weight.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_legacy_weight_norm_checkpoint_loads_into_parametrization(torch):
    torch.manual_seed(0)
    legacy = _quiet(torch.nn.utils.weight_norm, torch.nn.Linear(4, 3))
    state = {k: ft.tensor(v.detach().numpy()) for k, v in legacy.state_dict().items()}
    fm = parametrizations.weight_norm(nn.Linear(4, 3))
    fm.load_state_dict(state)
    np.testing.assert_allclose(_np(fm.weight), legacy.weight.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["linear", "conv", "convT"])
@pytest.mark.parametrize("legacy", [False, True])
def test_spectral_norm_matches_torch(torch, kind, legacy):
    torch.manual_seed(0)
    make = {"linear": (lambda lib: lib.Linear(5, 4)), "conv": (lambda lib: lib.Conv2d(2, 3, 3)),
            "convT": (lambda lib: lib.ConvTranspose2d(2, 3, 3))}[kind]
    tm, fm = make(torch.nn), make(nn)
    _copy_params(tm, fm)
    apply_t = torch.nn.utils.spectral_norm if legacy else torch.nn.utils.parametrizations.spectral_norm
    apply_f = nn.utils.spectral_norm if legacy else parametrizations.spectral_norm
    apply_t(tm, n_power_iterations=2)
    apply_f(fm, n_power_iterations=2)
    assert sorted(fm.state_dict()) == sorted(tm.state_dict())
    _copy_params(tm, fm)  # the random power-iteration vectors u, v too
    shape = (3, 5) if kind == "linear" else (2, 2, 4, 4)
    x = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    for step in range(3):
        ty, fy = tm(torch.tensor(x)), fm(ft.tensor(x))
        np.testing.assert_allclose(_np(fy), ty.detach().numpy(), rtol=1e-4, atol=1e-5, err_msg=f"step {step}")
        ty.pow(2).sum().backward()
        fy.pow(2).sum().backward()
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(_np(fm.state_dict()[k]), v.numpy(), rtol=1e-4, atol=1e-5, err_msg=k)
    for (tn, tp), (fn, fp) in zip(tm.named_parameters(), fm.named_parameters()):
        assert tn == fn
        np.testing.assert_allclose(_np(fp.grad), tp.grad.numpy(), rtol=1e-3, atol=1e-4, err_msg=tn)
    tm.eval()
    fm.eval()
    u_before = {k: _np(v).copy() for k, v in fm.state_dict().items() if k.endswith("u")}
    np.testing.assert_allclose(_np(fm(ft.tensor(x))), tm(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)
    assert all(np.array_equal(_np(fm.state_dict()[k]), v) for k, v in u_before.items())  # eval: no power step


def test_spectral_norm_divides_by_the_largest_singular_value():
    ft.manual_seed(0)
    m = parametrizations.spectral_norm(nn.Linear(6, 4), n_power_iterations=30)
    for _ in range(5):
        m(ft.ones(1, 6))
    sigma = np.linalg.svd(_np(m.weight), compute_uv=False)[0]
    np.testing.assert_allclose(sigma, 1.0, rtol=1e-4)


@pytest.mark.parametrize("kwargs", [dict(scale_factor=2), dict(scale_factor=2, mode="bilinear"),
                                    dict(size=(7, 9), mode="bilinear", align_corners=True), dict(scale_factor=(1.5, 2.0))])
def test_upsample_matches_torch(torch, kwargs):
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype(np.float32)
    tm, fm = torch.nn.Upsample(**kwargs), nn.Upsample(**kwargs)
    assert repr(fm) == repr(tm)
    np.testing.assert_allclose(_np(fm(ft.tensor(x))), tm(torch.tensor(x)).numpy(), rtol=1e-5, atol=1e-6)
    for cls in ("UpsamplingNearest2d", "UpsamplingBilinear2d"):
        t2, f2 = getattr(torch.nn, cls)(scale_factor=2), getattr(nn, cls)(scale_factor=2)
        assert repr(f2) == repr(t2)
        np.testing.assert_allclose(_np(f2(ft.tensor(x))), t2(torch.tensor(x)).numpy(), rtol=1e-5, atol=1e-6)
