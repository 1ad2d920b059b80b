"""fx.tensor.testing against torch.testing: assert_close's verdicts, exception types and messages for the
same inputs, and make_tensor's ranges, layouts and errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import fx.tensor as ft
from fx.tensor.testing import assert_close, make_tensor

try:
    import torch
except ImportError:  # make_tensor's tests need no oracle
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="torch is the oracle")

FX_DTYPES = {"float16": ft.float16, "bfloat16": ft.bfloat16, "float32": ft.float32, "float64": ft.float64,
             "int64": ft.int64, "int32": ft.int32, "uint8": ft.uint8, "bool": ft.bool}


def _t(values, dtype="float32"):
    """A (fx, torch) pair of tensors with the same values."""
    return ("tensor", values, dtype)


def _build(spec, module):
    """Turn a nested spec into fx or torch objects (module is ft or torch)."""
    if isinstance(spec, tuple) and spec and spec[0] == "tensor":
        _, values, dtype = spec
        dt = FX_DTYPES[dtype] if module is ft else getattr(torch, dtype)
        return module.tensor(values, dtype=dt)
    if isinstance(spec, (list, tuple)):
        return type(spec)(_build(s, module) for s in spec)
    if isinstance(spec, dict):
        return {k: _build(v, module) for k, v in spec.items()}
    return spec


def _outcome(module, actual, expected, kwargs):
    fn = assert_close if module is ft else torch.testing.assert_close
    try:
        fn(_build(actual, module), _build(expected, module), **kwargs)
    except Exception as e:  # noqa: BLE001  (the type and message are what is compared)
        return type(e), str(e).replace("torch.", "fx.tensor.").replace("fx.tensor._tensor.Tensor", "fx.tensor.Tensor")
    return None


CASES = [
    ("equal", _t([1.0, 2.0]), _t([1.0, 2.0]), {}),
    ("within tolerance", _t([1.0, 2.0]), _t([1.0, 2.0 + 1e-6]), {}),
    ("not close", _t([1.0, 2.0, 3.0]), _t([1.0, 2.5, 3.0]), {}),
    ("2d index", _t([[1.0, 2.0], [3.0, 4.0]]), _t([[1.0, 2.0], [3.5, 4.0]]), {}),
    ("shape", _t([1.0, 2.0]), _t([1.0, 2.0, 3.0]), {}),
    ("dtype", _t([1.0, 2.0]), _t([1.0, 2.0], "float64"), {}),
    ("dtype unchecked", _t([1.0, 2.0]), _t([1.0, 2.0], "float64"), {"check_dtype": False}),
    ("mixed tolerances", _t([1.0], "float16"), _t([2.0], "float64"), {"check_dtype": False}),
    ("integers", _t([1, 2], "int64"), _t([1, 3], "int64"), {}),
    ("uint8", _t([1, 2], "uint8"), _t([3, 2], "uint8"), {}),
    ("bool", _t([True], "bool"), _t([False], "bool"), {}),
    ("ints, several", _t([1, 2, 3, 4, 5, 6], "int64"), _t([1, 0, 3, 0, 5, 0], "int64"), {}),
    ("0-d", _t(1.0), _t(1.5), {}),
    ("empty", _t([]), _t([]), {}),
    ("nan", _t([1.0, math.nan]), _t([1.0, math.nan]), {}),
    ("nan equal", _t([1.0, math.nan]), _t([1.0, math.nan]), {"equal_nan": True}),
    ("inf", _t([1.0, math.inf]), _t([1.0, -math.inf]), {}),
    ("atol only", _t([0.0, 0.0]), _t([1e-4, 0.0]), {}),
    ("exact tolerances", _t([1.0]), _t([2.0]), {"rtol": 0, "atol": 0}),
    ("explicit tolerances", _t([1.0]), _t([1.05]), {"rtol": 0.1, "atol": 0.0}),
    ("bfloat16", _t([1.0, 2.0], "bfloat16"), _t([1.01, 2.0], "bfloat16"), {}),
    ("bfloat16 far", _t([1.0, 2.0], "bfloat16"), _t([1.5, 2.0], "bfloat16"), {}),
    ("float16", _t([1.0, 2.0], "float16"), _t([1.0, 2.01], "float16"), {}),
    ("python floats", 1.0, 1.1, {}),
    ("python ints", 1, 2, {}),
    ("int vs float", 1, 1.0, {}),
    ("float vs int", 1.0, 1, {}),
    ("bools", True, False, {}),
    ("nan floats", math.nan, math.nan, {}),
    ("nan floats equal", math.nan, math.nan, {"equal_nan": True}),
    ("none", None, None, {}),
    ("none vs number", None, 1, {}),
    ("tensor vs float", _t([1.0]), 1.0, {}),
    ("strings", "a", "a", {}),
    ("list item", [_t(1.0), _t(2.0)], [_t(1.0), _t(3.0)], {}),
    ("nested mapping", {"a": [_t(1.0)]}, {"a": [_t(3.0)]}, {}),
    ("keys", {"a": _t(1.0)}, {"b": _t(3.0)}, {}),
    ("lengths", [1.0], [1.0, 2.0], {}),
    ("tuple vs list", (_t(1.0),), [_t(1.0)], {}),
    ("rtol without atol", _t([1.0]), _t([1.0]), {"rtol": 1e-3}),
    ("atol without rtol", _t([1.0]), _t([1.0]), {"atol": 1e-3}),
    ("custom message", _t([1.0]), _t([2.0]), {"msg": "custom"}),
    ("message callable", _t([1.0]), _t([2.0]), {"msg": lambda m: m + "!!"}),
    ("message callable in a list", [_t([1.0])], [_t([2.0])], {"msg": lambda m: "<" + m + ">"}),
    ("numpy arrays", np.ones(2), np.array([1.0, 1.5]), {}),
]


@needs_torch
@pytest.mark.parametrize("name, actual, expected, kwargs", CASES, ids=[c[0] for c in CASES])
def test_assert_close_matches_torch(name, actual, expected, kwargs):
    got = _outcome(ft, actual, expected, kwargs)
    want = _outcome(torch, actual, expected, kwargs)
    assert got == want


@needs_torch
def test_stride_and_device_checks():
    a, b = ft.ones(2, 3).t(), ft.ones(3, 2)
    assert_close(a, b)
    with pytest.raises(AssertionError) as fx_error:
        assert_close(a, b, check_stride=True)
    with pytest.raises(AssertionError) as torch_error:
        torch.testing.assert_close(torch.ones(2, 3).t(), torch.ones(3, 2), check_stride=True)
    assert str(fx_error.value) == str(torch_error.value) == \
        "The values for attribute 'stride()' do not match: (1, 3) != (2, 1)."
    assert_close(ft.ones(2), ft.ones(2), check_device=False, check_layout=False)


def test_mismatched_tensor_like_types():
    with pytest.raises(TypeError, match="No comparison pair was able to handle inputs of type <class 'numpy.ndarray'>"):
        assert_close(np.ones(2), ft.ones(2))
    nn = pytest.importorskip("fx.nn")
    p = nn.Parameter(ft.ones(2))
    assert_close(p, ft.ones(2))
    with pytest.raises(TypeError, match="No comparison pair"):
        assert_close(p, ft.ones(2), allow_subclasses=False)


# ---- make_tensor ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype, low, high", [
    (ft.float32, -9, 9), (ft.float64, -9, 9), (ft.float16, -9, 9), (ft.bfloat16, -9, 9), (ft.int64, -9, 9),
    (ft.int8, -9, 9), (ft.uint8, 0, 9), (ft.int32, -9, 9),
])
def test_make_tensor_default_ranges(dtype, low, high):
    t = make_tensor(2000, dtype=dtype, device="cpu")
    assert t.dtype is dtype and tuple(t.shape) == (2000,) and t.is_contiguous()
    values = t.to(ft.float64).numpy()
    assert values.min() >= low and values.max() <= high
    assert values.max() - values.min() > (high - low) / 2  # actually spread over the interval


def test_make_tensor_options():
    assert set(make_tensor(500, dtype=ft.bool, device="cpu").tolist()) == {True, False}
    t = make_tensor(3, 4, dtype=ft.int64, device="cpu", low=1.5, high=4.5)
    assert set(np.unique(t.numpy())) <= {2, 3, 4}
    t = make_tensor((3, 4), dtype=ft.float32, device="cpu", noncontiguous=True)
    assert tuple(t.shape) == (3, 4) and not t.is_contiguous() and t.stride() == (8, 2)
    t = make_tensor(2, 3, 4, 5, dtype=ft.float32, device="cpu", memory_format=ft.channels_last)
    assert t.stride() == (60, 1, 15, 3)
    t = make_tensor(1000, dtype=ft.int64, device="cpu", low=0, high=2, exclude_zero=True)
    assert set(t.tolist()) == {1}
    t = make_tensor(1000, dtype=ft.float32, device="cpu", low=0, high=1e-30, exclude_zero=True)
    assert (t.numpy() > 0).all()
    t = make_tensor(3, dtype=ft.float32, device="cpu", requires_grad=True)
    assert t.requires_grad and t.is_leaf
    t = make_tensor(3, dtype=ft.int8, device="cpu", low=-1000, high=1000)
    assert t.numpy().min() >= -128 and t.numpy().max() <= 127
    assert tuple(make_tensor(dtype=ft.float32, device="cpu").shape) == ()
    assert make_tensor(1, dtype=ft.float32, device="cpu", noncontiguous=True).is_contiguous()
    with pytest.warns(FutureWarning, match="low==high"):
        assert make_tensor(3, dtype=ft.float32, device="cpu", low=2, high=2).tolist() == [2.0, 2.0, 2.0]


def test_make_tensor_is_repeatable_under_manual_seed():
    ft.manual_seed(3)
    a = make_tensor(5, dtype=ft.float32, device="cpu")
    ft.manual_seed(3)
    assert make_tensor(5, dtype=ft.float32, device="cpu").tolist() == a.tolist()


@needs_torch
@pytest.mark.parametrize("kwargs, exc, match", [
    ({"low": 2, "high": 1}, ValueError, "`low` must be less than `high`, but got 2 >= 1"),
    ({"low": math.nan}, ValueError, "`low` and `high` cannot be NaN, but got low=nan and high=9"),
    ({"dtype": ft.int64, "requires_grad": True}, ValueError, "`requires_grad=True` is not supported for boolean and "
                                                            "integral dtypes"),
    ({"noncontiguous": True, "memory_format": ft.channels_last}, ValueError, "mutually exclusive"),
    ({"dtype": ft.uint8, "low": -5, "high": -1}, ValueError, "The value interval specified by `low` and `high` is"),
])
def test_make_tensor_errors_match_torch(kwargs, exc, match):
    args = dict({"dtype": ft.float32}, **kwargs)
    with pytest.raises(exc, match=match):
        make_tensor(2, 3, 4, 5, device="cpu", **args)
    targs = {k: (getattr(torch, v.name) if isinstance(v, ft.dtype) else
                 torch.channels_last if v is ft.channels_last else v) for k, v in args.items()}
    with warnings.catch_warnings(), pytest.raises(exc, match=match.replace("fx.tensor", "torch")):
        make_tensor_torch = torch.testing.make_tensor
        make_tensor_torch(2, 3, 4, 5, device="cpu", **targs)


def test_make_tensor_requires_dtype_and_device():
    with pytest.raises(TypeError, match="device"):
        make_tensor(3, dtype=ft.float32)
    with pytest.raises(TypeError, match="dtype"):
        make_tensor(3, device="cpu")
