"""Legacy typed constructors (FloatTensor, ...) against torch, fx.tensor.__version__ and compile's forms."""

from __future__ import annotations

import importlib.metadata
import pathlib
import re

import numpy as np
import pytest

import fx.tensor as ft

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor", "IntTensor", "ShortTensor",
         "CharTensor", "ByteTensor", "BoolTensor"]
DATA = [[1, 0, 2], [[1.5, -2.0], [3.0, 0.0]], (2, 3), np.array([1.7, 2.2]), np.arange(3, dtype=np.int32), [True, False]]


def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("name", NAMES)
def test_constructor_from_data_matches_torch(name):
    torch = _torch()
    for data in DATA:
        if name == "BoolTensor" and isinstance(data, np.ndarray) and data.dtype.kind == "f":
            continue
        try:
            expected = getattr(torch, name)(data)
        except RuntimeError:  # negative values for ByteTensor
            with pytest.raises(RuntimeError, match="without overflow"):
                getattr(ft, name)(data)
            continue
        got = getattr(ft, name)(data)
        assert str(got.dtype) == str(expected.dtype).replace("torch.", "fx.tensor."), (name, data)
        np.testing.assert_array_equal(got.to(ft.float64).numpy(), expected.double().numpy())


@pytest.mark.parametrize("name", NAMES)
def test_constructor_from_sizes_and_nothing(name):
    torch = _torch()
    for args in [(2, 3), (4,), (ft.Size([2, 1, 3]),), (np.int64(3),), (), (0,)]:
        targs = tuple(torch.Size(a) if isinstance(a, ft.Size) else a for a in args)
        got, expected = getattr(ft, name)(*args), getattr(torch, name)(*targs)
        assert tuple(got.shape) == tuple(expected.shape) and got.dtype is getattr(ft, name).dtype


def test_constructor_from_a_tensor_returns_a_view():
    t = ft.ones(3)
    v = ft.FloatTensor(t)
    assert v is not t and v.data_ptr() == t.data_ptr()
    v[0] = 5.0
    assert t.tolist() == [5.0, 1.0, 1.0]
    with pytest.raises(TypeError, match="expected fx.tensor.float32"):
        ft.FloatTensor(ft.ones(2, dtype=ft.int64))


@pytest.mark.parametrize("args, kwargs, exc, match", [
    ((2.5,), {}, TypeError, "new\\(\\): data must be a sequence \\(got float\\)"),
    (("abc",), {}, TypeError, "new\\(\\): invalid data type 'str'"),
    (([1], [2]), {}, TypeError, "new\\(\\) received an invalid combination of arguments - got \\(list, list\\)"),
    ((-1,), {}, RuntimeError, "Trying to create tensor with negative dimension -1: \\[-1\\]"),
    ((2,), {"device": "cuda"}, RuntimeError, "legacy constructor expects device type: cpu but device type: cuda"),
    ((2,), {"dtype": ft.float64}, TypeError, "dtype"),
])
def test_constructor_errors_match_torch(args, kwargs, exc, match):
    torch = _torch()
    with pytest.raises(exc, match=match):
        ft.FloatTensor(*args, **kwargs)
    targs = {k: (torch.float64 if v is ft.float64 else v) for k, v in kwargs.items()}
    with pytest.raises(exc):
        torch.FloatTensor(*args, **targs)


def test_overflowing_data_raises_like_torch():
    with pytest.raises(RuntimeError, match="overflow"):
        ft.ByteTensor([300])


def test_isinstance_and_class_behaviour_match_torch():
    torch = _torch()
    tensors = {n: ft.zeros(2, dtype=getattr(ft, n).dtype) for n in NAMES}
    ttensors = {n: torch.zeros(2, dtype=getattr(torch, n).dtype) for n in NAMES}
    for a in NAMES:
        for b in NAMES:
            assert isinstance(tensors[a], getattr(ft, b)) == isinstance(ttensors[a], getattr(torch, b)), (a, b)
    assert isinstance(ft.ones(2, requires_grad=True), ft.FloatTensor)
    assert not isinstance(3.0, ft.FloatTensor) and not isinstance(np.ones(2, np.float32), ft.FloatTensor)
    assert issubclass(ft.FloatTensor, ft.Tensor) == issubclass(torch.FloatTensor, torch.Tensor)
    assert type(ft.FloatTensor([1.0])) is ft.Tensor
    assert repr(ft.FloatTensor) == "<class 'fx.tensor.FloatTensor'>" and ft.FloatTensor.__name__ == "FloatTensor"
    assert ft.DoubleTensor.dtype is ft.float64


def test_type_accepts_legacy_types():
    x = ft.ones(2)
    assert x.type(ft.DoubleTensor).dtype is ft.float64
    assert x.type(ft.LongTensor).dtype is ft.int64
    assert x.type("fx.tensor.IntTensor").dtype is ft.int32
    assert x.type() == "fx.tensor.FloatTensor"


def test_version_is_the_distributions():
    try:
        expected = importlib.metadata.version("fx-tensor")
    except importlib.metadata.PackageNotFoundError:
        pyproject = pathlib.Path(ft.__file__).resolve().parents[3] / "pyproject.toml"
        expected = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text(), re.MULTILINE).group(1)
    assert ft.__version__ == expected
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", ft.__version__)


def test_compile_forms():
    def f(x):
        return x + 1

    assert ft.compile(f) is f
    assert ft.compile(mode="reduce-overhead")(f) is f
    assert ft.compile(f, backend=lambda gm, example_inputs: gm, fullgraph=True, dynamic=False) is f
    decorated = ft.compile(fullgraph=True)(f)
    assert decorated(ft.tensor([1.0])).tolist() == [2.0]
    nn = pytest.importorskip("fx.nn")
    model = nn.Linear(2, 2)
    assert ft.compile(model) is model
    with pytest.raises(AssertionError, match="A callable function is expected"):
        ft.compile(mode="default")(3)
    with pytest.raises(TypeError, match="backend must be"):
        ft.compile(f, backend=3)
