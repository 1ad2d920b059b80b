"""repr(tensor): PyTorch's layout with fx names; set_printoptions."""

from __future__ import annotations

import re

import ml_dtypes
import numpy as np
import pytest

import fx.tensor as ft
from fx.tensor._repr import get_printoptions, printoptions, set_printoptions


def T(a, dtype=None):
    a = np.array(a, dtype=dtype, copy=True)
    return ft.from_numpy(a)


@pytest.fixture(autouse=True)
def _default_options():
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")


# ---- fixed expectations (what PyTorch prints, with fx names) --------------------------------------

FIXED = [
    (T([1.0, 2.0, 3.0], np.float32), "tensor([1., 2., 3.])"),
    (T([[1, 2], [3, 4]]), "tensor([[1, 2],\n        [3, 4]])"),
    (T([1.5, 2.25], np.float32), "tensor([1.5000, 2.2500])"),
    (T([1.5, 2.25]), "tensor([1.5000, 2.2500], dtype=fx.tensor.float64)"),
    (T(3.0, np.float32), "tensor(3.)"),
    (T(3), "tensor(3)"),
    (T(-0.0, np.float32), "tensor(-0.)"),
    (T(np.zeros((0, 3), np.float32)), "tensor([], size=(0, 3))"),
    (T(np.zeros(0, np.float32)), "tensor([])"),
    (T(np.zeros(0, np.int64)), "tensor([], dtype=fx.tensor.int64)"),
    (T([True, False]), "tensor([ True, False])"),
    (T([1e-5, 1.0], np.float32), "tensor([1.0000e-05, 1.0000e+00])"),
    (T([1e10, 1.0], np.float32), "tensor([1.0000e+10, 1.0000e+00])"),
    (T([np.nan, np.inf, -np.inf, 1.0], np.float32), "tensor([nan, inf, -inf, 1.])"),
    (T([np.nan, 0.5], np.float32), "tensor([   nan, 0.5000])"),
    (T([-0.0, 1.5], np.float32), "tensor([-0.0000, 1.5000])"),
    (T([100, -5], np.int8), "tensor([100,  -5], dtype=fx.tensor.int8)"),
    (T([1, 2], np.uint8), "tensor([1, 2], dtype=fx.tensor.uint8)"),
    (T([0.1, 2.0], np.float16), "tensor([0.1000, 2.0000], dtype=fx.tensor.float16)"),
    (T([0.1, 2.0], ml_dtypes.bfloat16), "tensor([0.1001, 2.0000], dtype=fx.tensor.bfloat16)"),
    (T(np.arange(2000)), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
    (T(np.arange(12, dtype=np.float32).reshape(2, 3, 2)),
     "tensor([[[ 0.,  1.],\n         [ 2.,  3.],\n         [ 4.,  5.]],\n\n"
     "        [[ 6.,  7.],\n         [ 8.,  9.],\n         [10., 11.]]])"),
    (T(np.arange(30)), "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n"
                       "        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])"),
]


@pytest.mark.parametrize("t,expected", FIXED, ids=range(len(FIXED)))
def test_fixed(t, expected):
    assert repr(t) == expected
    assert str(t) == expected


def test_summarized_matrix():
    t = T(np.arange(40 * 50, dtype=np.float32).reshape(40, 50))
    assert repr(t) == (
        "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n"
        "         4.9000e+01],\n"
        "        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n"
        "         9.9000e+01],\n"
        "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n"
        "         1.4900e+02],\n"
        "        ...,\n"
        "        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n"
        "         1.8990e+03],\n"
        "        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n"
        "         1.9490e+03],\n"
        "        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n"
        "         1.9990e+03]])")


def test_autograd_suffixes():
    t = T([1.0, 2.0], np.float32).requires_grad_()
    assert repr(t) == "tensor([1., 2.], requires_grad=True)"

    class MulBackward0:
        pass

    class Node:
        def name(self):
            return "AddBackward0"

    u = T([1.0, 2.0], np.float64)
    u.grad_fn = MulBackward0()
    assert repr(u) == "tensor([1., 2.], dtype=fx.tensor.float64, grad_fn=<MulBackward0>)"
    u.grad_fn = Node()
    assert repr(u) == "tensor([1., 2.], dtype=fx.tensor.float64, grad_fn=<AddBackward0>)"


def test_long_suffix_wraps():
    t = T(np.arange(17, dtype=np.float64) * 1.5)
    assert repr(t) == ("tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
                       "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
                       "        24.0000], dtype=fx.tensor.float64)")
    t = T(np.arange(7, dtype=np.float64) * 1.5 + 10)
    assert repr(t) == ("tensor([10.0000, 11.5000, 13.0000, 14.5000, 16.0000, 17.5000, 19.0000],\n"
                       "       dtype=fx.tensor.float64)")


def test_default_dtype_changes_suffix():
    prev = ft.get_default_dtype()
    try:
        ft.set_default_dtype(ft.float64)
        assert repr(T([1.5])) == "tensor([1.5000])"
        assert repr(T([1.5], np.float32)) == "tensor([1.5000], dtype=fx.tensor.float32)"
        assert repr(T(np.zeros(0))) == "tensor([])"
    finally:
        ft.set_default_dtype(prev)


def test_subclass_prefix():
    class Buffer(ft.Tensor):
        __slots__ = ()

    class Parameter(ft.Tensor):
        __slots__ = ()

    b = Buffer(T([1.0, 2.0], np.float32))
    assert repr(b) == "Buffer([1., 2.])"
    assert repr(Parameter(T([1.0], np.float32))) == "tensor([1.])"


def test_printoptions():
    t = T([1.12345, 2.0], np.float32)
    set_printoptions(precision=2)
    assert repr(t) == "tensor([1.12, 2.00])"
    set_printoptions(profile="default")
    set_printoptions(threshold=5)
    assert repr(T(np.arange(10))) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    set_printoptions(profile="default")
    assert repr(T(np.arange(10))) == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"
    set_printoptions(sci_mode=True)
    assert repr(T([1.0, 2.0], np.float32)) == "tensor([1.0000e+00, 2.0000e+00])"
    set_printoptions(precision=1)  # leaving sci_mode out resets it, as in PyTorch
    assert repr(T([1.0, 2.5], np.float32)) == "tensor([1.0, 2.5])"
    with printoptions(edgeitems=1, threshold=2):
        assert repr(T(np.arange(5))) == "tensor([0,  ..., 4])"
    assert get_printoptions()["precision"] == 1
    set_printoptions(profile="full")
    assert "..." not in repr(T(np.arange(5000)))
    with pytest.raises(ValueError, match="unknown profile 'tiny'"):
        set_printoptions(profile="tiny")


def test_large_tensor_repr_is_cheap():
    t = T(np.zeros((3000, 3000), np.float32))
    text = repr(t)
    assert text.count("\n") == 6 and text.startswith("tensor([[0., 0., 0.,  ..., 0., 0., 0.],")


# ---- against PyTorch --------------------------------------------------------------------------------

RNG = np.random.default_rng(0)
CASES = {
    "ints": np.array([[1, 2], [3, 4]]), "floats": np.array([1.0, 2.0, 3.0]), "frac": np.array([1.5, 2.25]),
    "scalar": np.array(3.25), "iscalar": np.array(-7), "nanscalar": np.array(np.nan), "empty": np.zeros((0, 3)),
    "empty1d": np.zeros(0), "small": np.array([1e-5, 1.0]), "large": np.array([1e10, 1.0]), "huge": np.array([1e200, -1e-200]),
    "nonfinite": np.array([np.nan, np.inf, -np.inf, 1.0]), "allnan": np.array([np.nan, np.nan]),
    "negzero": np.array([-0.0, 0.0]), "negzero_frac": np.array([-0.0, 1.5]), "zeros": np.zeros((2, 2)),
    "bools": np.array([True, False, True]), "bool1": np.array([True]), "randn2000": RNG.standard_normal(2000),
    "randn50x50": RNG.standard_normal((50, 50)), "randn3d": RNG.standard_normal((3, 4, 5)),
    "arange20x100": np.arange(2000).reshape(20, 100), "wide_mag": RNG.standard_normal((10, 10, 20)) * 1e5,
    "rows": RNG.standard_normal((3, 200)), "big_int_float": np.array([123456789.0, 1.0]),
    "tiny_neg": np.array([-1e-20, 5.0]), "int_range": RNG.integers(-100000, 100000, (4, 30)),
    "ratio": np.array([100.0, -1000.0]), "rounding": np.array([9.99996, 1.0]), "4d": RNG.standard_normal((2, 3, 4, 5)),
    "negzero0d": np.array(-0.0), "tiny0d": np.array(1e-9), "ones3d": np.ones((1, 1, 1)), "1001": RNG.standard_normal(1001),
    "mixed": np.array([[0.001, 123.4], [-56.7, 8e3]]), "int_floats": np.array([[1.0, -20.0], [300.0, 4000.0]]),
}
DTYPES = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "bfloat16": ml_dtypes.bfloat16,
          "int64": np.int64, "int32": np.int32, "int16": np.int16, "int8": np.int8, "uint8": np.uint8, "bool": np.bool_}
OPTIONS = [{}, dict(precision=2), dict(threshold=5), dict(edgeitems=0), dict(profile="short"), dict(linewidth=30),
           dict(sci_mode=True), dict(sci_mode=False), dict(edgeitems=1, threshold=3), dict(precision=0)]


def _norm(text):
    # fx's dtype names are 4 characters longer than torch's, so a suffix may wrap where torch's does not.
    return re.sub(r",\n\s+(dtype=|device=|requires_grad=|grad_fn=|size=)", r", \1", text.replace("torch.", "fx.tensor."))


def _pair(torch, a, dtype_name):
    if a.dtype.kind == "f" and dtype_name not in ("float32", "float64", "float16", "bfloat16"):
        a = np.nan_to_num(a, posinf=0, neginf=0)
        a = np.clip(a, -100, 100) if dtype_name in ("int8", "uint8") else np.clip(a, -30000, 30000)
    with np.errstate(invalid="ignore", over="ignore"):
        b = np.array(a.astype(DTYPES[dtype_name]), copy=True)
    t = torch.from_numpy(b.view(np.int16)).view(torch.bfloat16) if dtype_name == "bfloat16" else torch.from_numpy(b)
    return ft.from_numpy(b), t


@pytest.mark.parametrize("dtype_name", list(DTYPES))
def test_matches_torch(dtype_name):
    torch = pytest.importorskip("torch")
    for name, a in CASES.items():
        f, t = _pair(torch, a, dtype_name)
        assert _norm(repr(f)) == _norm(repr(t)), f"{name} as {dtype_name}"


@pytest.mark.parametrize("opts", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_matches_torch_with_options(opts):
    torch = pytest.importorskip("torch")
    set_printoptions(**opts)
    torch.set_printoptions(**opts)
    try:
        for name, a in CASES.items():
            for dtype_name in ("float32", "int64", "bfloat16"):
                f, t = _pair(torch, a, dtype_name)
                assert _norm(repr(f)) == _norm(repr(t)), f"{name} as {dtype_name}"
    finally:
        torch.set_printoptions(profile="default")


def test_matches_torch_non_contiguous_and_grad():
    torch = pytest.importorskip("torch")
    a = RNG.standard_normal((6, 8)).astype(np.float32)
    for view in (lambda x: x.T, lambda x: x[::2, 1::3], lambda x: x[1:4, 2]):
        assert repr(ft.from_numpy(view(a))) == repr(view(torch.from_numpy(a)))
    t = torch.from_numpy(a.copy()).requires_grad_()
    f = ft.from_numpy(a.copy()).requires_grad_()
    assert repr(f) == repr(t)
    assert repr(f.detach()) == repr(t.detach())
