"""fx.tensor.autocast regions without an oracle: nesting, disabling, the decorator form, the weight-cast
cache, threads, the state functions, calls autocast leaves alone, and errors (test_autocast.py compares
the casts themselves with torch)."""

from __future__ import annotations

import threading

import pytest

import fx.tensor as ft
from fx.tensor import _autocast, _autocast_state
from fx.tensor._ops.loss import cross_entropy_indices


def test_integer_and_out_and_inplace_calls_are_not_cast():
    a = ft.arange(6).reshape(2, 3)
    x, w, c = ft.ones(2, 3), ft.ones(3, 2), ft.zeros(2, 2)
    with ft.autocast("cpu"):
        assert (a @ a.t()).dtype is ft.int64
        out = ft.empty(2, 2)
        assert ft.mm(x, w, out=out) is out and out.dtype is ft.float32
        assert c.addmm_(x, w).dtype is ft.float32
    assert c.tolist() == [[3.0, 3.0], [3.0, 3.0]]


# ---- regions: nesting, disabling, decorator, cache, threads -------------------------------------------
def test_nested_regions_and_state_functions():
    a = ft.ones(2, 2)
    assert not ft.is_autocast_enabled("cpu")
    with ft.autocast("cpu") as region:
        assert region.fast_dtype is ft.bfloat16 and ft.is_autocast_enabled("cpu")
        assert (a @ a).dtype is ft.bfloat16
        with ft.autocast("cpu", enabled=False):
            assert not ft.is_autocast_enabled("cpu")
            assert (a @ a).dtype is ft.float32
        with ft.autocast("cpu", dtype=ft.float16):
            assert ft.get_autocast_dtype("cpu") is ft.float16
            assert (a @ a).dtype is ft.float16
        assert ft.get_autocast_dtype("cpu") is ft.bfloat16 and (a @ a).dtype is ft.bfloat16
    assert not ft.is_autocast_enabled("cpu") and (a @ a).dtype is ft.float32
    assert _autocast_state.enabled_count == 0 and _autocast._interpose not in ft._dispatch._interposers


def test_decorator_form_and_its_errors():
    @ft.autocast("cpu")
    def product(x, depth=0):
        return x @ x if depth == 0 else product(x @ x, depth - 1)

    assert product(ft.ones(2, 2), depth=2).dtype is ft.bfloat16
    assert product.__name__ == "product"
    assert not ft.is_autocast_enabled("cpu")
    with pytest.raises(TypeError, match="requires a callable, but got int"):
        ft.autocast("cpu")(3)


def test_region_restores_state_after_an_exception():
    with pytest.raises(ValueError, match="boom"), ft.autocast("cpu"):
        raise ValueError("boom")
    assert not ft.is_autocast_enabled("cpu") and _autocast_state.state.nesting == 0 and not _autocast_state.state.cache


def test_weight_casts_are_cached_per_region_and_follow_in_place_updates():
    autograd = pytest.importorskip("fx.autograd")
    w = ft.ones(3, 3, requires_grad=True)
    x = ft.ones(2, 3)
    with ft.autocast("cpu"):
        y1 = x @ w
        y2 = x @ w
        assert len(_autocast_state.state.cache) == 1
        with autograd.no_grad():
            w.mul_(2)
        y3 = x @ w
        with ft.autocast("cpu", cache_enabled=False):
            assert not ft.is_autocast_cache_enabled()
        assert ft.is_autocast_cache_enabled()
    assert not _autocast_state.state.cache
    assert y1.tolist() == y2.tolist() == [[3.0] * 3] * 2 and y3.tolist() == [[6.0] * 3] * 2
    with ft.autocast("cpu", cache_enabled=False):
        x @ w
        assert not _autocast_state.state.cache


def test_autocast_state_is_per_thread():
    seen = {}

    def other():
        seen["enabled"] = ft.is_autocast_enabled("cpu")
        seen["dtype"] = (ft.ones(2, 2) @ ft.ones(2, 2)).dtype

    with ft.autocast("cpu"):
        worker = threading.Thread(target=other)
        worker.start()
        worker.join()
        assert (ft.ones(2, 2) @ ft.ones(2, 2)).dtype is ft.bfloat16
    assert seen == {"enabled": False, "dtype": ft.float32}


def test_cuda_region_warns_and_disables_without_cuda():
    with pytest.warns(UserWarning, match="CUDA is not available. Disabling autocast"):
        region = ft.autocast("cuda")
    with region:
        assert not ft.is_autocast_enabled("cuda")
        assert (ft.ones(2, 2) @ ft.ones(2, 2)).dtype is ft.float32


def test_unsupported_cpu_dtype_warns_and_disables():
    with pytest.warns(UserWarning, match="CPU Autocast only supports dtypes of fx.tensor.bfloat16, fx.tensor.float16"):
        region = ft.autocast("cpu", dtype=ft.float32)
    with region:
        assert not ft.is_autocast_enabled("cpu") and ft.get_autocast_dtype("cpu") is ft.float32
        assert (ft.ones(2, 2) @ ft.ones(2, 2)).dtype is ft.float32
    assert ft.get_autocast_dtype("cpu") is ft.bfloat16


@pytest.mark.parametrize("args, kwargs, exc, match", [
    ((3,), {}, ValueError, "Expected `device_type` of type `str`, got: `<class 'int'>`"),
    (("tpu",), {}, RuntimeError, "Expected one of cpu, cuda, .* device string: tpu"),
    (("mps",), {}, RuntimeError, "User specified an unsupported autocast device_type 'mps'"),
])
def test_construction_errors(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ft.autocast(*args, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"enabled": 1}, r"argument 'enabled' \(position 2\) must be bool, not int"),
    ({"cache_enabled": 1}, r"enabled must be a bool \(got int\)"),
])
def test_bad_switches_fail_on_entry_and_change_nothing(kwargs, match):
    region = ft.autocast("cpu", **kwargs)
    with pytest.raises(TypeError, match=match):
        region.__enter__()
    assert not ft.is_autocast_enabled("cpu") and ft.is_autocast_cache_enabled() and _autocast_state.state.nesting == 0
    try:
        import torch
    except ImportError:
        return
    if "enabled" in kwargs:  # torch raises before changing anything (for cache_enabled it changes state first)
        with pytest.raises(TypeError):
            torch.autocast("cpu", **kwargs).__enter__()
        assert not torch.is_autocast_enabled("cpu")


def test_deprecated_getters_warn():
    with pytest.warns(DeprecationWarning, match="is_autocast_enabled\\('cpu'\\)"):
        assert ft.is_autocast_cpu_enabled() is False
    with pytest.warns(DeprecationWarning):
        assert ft.get_autocast_cpu_dtype() is ft.bfloat16
    with pytest.warns(DeprecationWarning):
        assert ft.get_autocast_gpu_dtype() is ft.float16


def test_low_level_switch_outside_a_region():
    ft.set_autocast_enabled("cpu", True)
    try:
        assert (ft.ones(2, 2) @ ft.ones(2, 2)).dtype is ft.bfloat16
        # the loss frontend fx.nn's cross_entropy calls: float32, as PyTorch's cross_entropy under autocast
        assert cross_entropy_indices(ft.ones(2, 3, dtype=ft.bfloat16), ft.tensor([0, 1])).dtype is ft.float32
    finally:
        ft.set_autocast_enabled("cpu", False)
    assert (ft.ones(2, 2) @ ft.ones(2, 2)).dtype is ft.float32


def test_autocast_op_decorator_policies():
    calls = []

    @_autocast.autocast_op(cpu="fp32", cuda=None)
    def square_sum(x):
        calls.append(x.dtype)
        return (x @ x).sum()  # inner ops keep the dtype the policy chose (autocast is suspended)

    x = ft.ones(2, 2, dtype=ft.bfloat16)
    assert square_sum(x).dtype is ft.bfloat16
    with ft.autocast("cpu"):
        assert square_sum(x).dtype is ft.float32
    assert calls == [ft.bfloat16, ft.float32]
