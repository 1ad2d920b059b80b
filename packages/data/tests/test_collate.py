"""default_collate / default_convert: type-by-type results, and the same structure as torch's."""

import collections

import numpy as np
import pytest

import fx.tensor as ft
from fx.data import collate, default_collate, default_collate_fn_map, default_convert

Point = collections.namedtuple("Point", ["x", "y"])


def test_numbers_and_strings():
    f = default_collate([1.5, 2.0])
    assert f.dtype == ft.float64 and f.tolist() == [1.5, 2.0]
    i = default_collate([1, 2, 3])
    assert i.dtype == ft.int64 and i.tolist() == [1, 2, 3]
    b = default_collate([True, False])
    assert b.dtype == ft.bool and b.tolist() == [True, False]
    assert default_collate(["a", "b"]) == ["a", "b"]
    assert default_collate([b"a", b"b"]) == [b"a", b"b"]


def test_numpy_arrays_and_scalars():
    out = default_collate([np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)])
    assert isinstance(out, ft.Tensor) and out.dtype == ft.float32 and tuple(out.shape) == (2, 2, 3)
    s = default_collate([np.float32(1), np.float32(2)])
    assert s.dtype == ft.float32 and s.tolist() == [1.0, 2.0]
    assert default_collate([np.int16(1), np.int16(2)]).dtype == ft.int16
    with pytest.raises(TypeError, match="found <U1|found .*str"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_tensors_stack():
    a, b = ft.arange(6).reshape(2, 3), ft.arange(6, 12).reshape(2, 3)
    out = default_collate([a, b])
    assert out.tolist() == [[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]]
    t = ft.arange(12.0).reshape(3, 4).t()  # non-contiguous
    np.testing.assert_array_equal(default_collate([t, t]).numpy(), np.stack([t.numpy(), t.numpy()]))
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([ft.zeros(2), ft.zeros(3)])
    mixed = default_collate([ft.zeros(2, dtype=ft.int32), ft.ones(2, dtype=ft.float32)])
    assert mixed.dtype == ft.stack([ft.zeros(2, dtype=ft.int32), ft.ones(2, dtype=ft.float32)]).dtype
    z = default_collate([ft.tensor(1.0), ft.tensor(2.0)])
    assert tuple(z.shape) == (2,)


def test_containers():
    out = default_collate([{"x": 1, "y": "a", "z": [1.0, 2]}, {"x": 2, "y": "b", "z": [3.0, 4]}])
    assert out["x"].tolist() == [1, 2] and out["y"] == ["a", "b"]
    assert out["z"][0].tolist() == [1.0, 3.0] and out["z"][1].tolist() == [2, 4]
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.tolist() == [1, 3] and p.y.dtype == ft.float64
    t = default_collate([(1, 2), (3, 4)])
    assert isinstance(t, list) and [c.tolist() for c in t] == [[1, 3], [2, 4]]
    od = default_collate([collections.OrderedDict(a=1), collections.OrderedDict(a=2)])
    assert isinstance(od, collections.OrderedDict)
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object(), object()])


def test_custom_collate_fn_map():
    def pad(batch, *, collate_fn_map=None):
        return "padded"

    assert collate([ft.zeros(1)], collate_fn_map={ft.Tensor: pad}) == "padded"
    assert ft.Tensor in default_collate_fn_map


def test_default_convert():
    a = np.arange(3)
    t = default_convert(a)
    assert isinstance(t, ft.Tensor) and t.tolist() == [0, 1, 2]
    a[0] = 9
    assert t.tolist()[0] == 9  # shares memory, like torch.as_tensor
    assert default_convert(5) == 5 and default_convert("s") == "s"
    out = default_convert({"a": np.zeros(2), "b": [np.ones(1), "x"], "c": Point(np.ones(1), 2)})
    assert isinstance(out["a"], ft.Tensor) and isinstance(out["b"][0], ft.Tensor) and out["b"][1] == "x"
    assert isinstance(out["c"], Point) and isinstance(out["c"].x, ft.Tensor)
    assert isinstance(default_convert((np.zeros(1),)), list)
    assert isinstance(default_convert(np.float64(1.5)), ft.Tensor)
    strs = np.array(["a"])
    assert default_convert(strs) is strs


def _describe(x, tensor_type):
    """A structure description comparable across fx and torch: types, dtypes, shapes and values."""
    if isinstance(x, tensor_type):
        return ("tensor", str(x.dtype).split(".")[-1], tuple(x.shape), np.asarray(x.tolist()).tolist())
    if isinstance(x, dict):
        return ("dict", type(x).__name__, {k: _describe(v, tensor_type) for k, v in x.items()})
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return ("namedtuple", [_describe(v, tensor_type) for v in x])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_describe(v, tensor_type) for v in x])
    return ("leaf", x)


CASES = [
    [1, 2, 3],
    [1.5, 2.5],
    [True, False],
    ["a", "b"],
    [(1, 2.0, "x"), (3, 4.0, "y")],
    [[1, 2], [3, 4]],
    [{"a": 1, "b": {"c": 2.0, "d": "s"}}, {"a": 3, "b": {"c": 4.0, "d": "t"}}],
    [Point(1, [2, 3]), Point(4, [5, 6])],
    [np.arange(3, dtype=np.float32), np.arange(3, 6, dtype=np.float32)],
    [np.int64(3), np.int64(4)],
    [np.float32(1.5), np.float32(2.5)],
    [{"img": np.zeros((2, 2), np.uint8), "label": 1}, {"img": np.ones((2, 2), np.uint8), "label": 0}],
]


@pytest.mark.parametrize("batch", CASES, ids=range(len(CASES)))
def test_collate_structure_matches_torch(batch):
    torch = pytest.importorskip("torch")
    ours = _describe(default_collate(batch), ft.Tensor)
    theirs = _describe(torch.utils.data.default_collate(batch), torch.Tensor)
    assert ours == theirs


@pytest.mark.parametrize("batch", CASES, ids=range(len(CASES)))
def test_convert_structure_matches_torch(batch):
    torch = pytest.importorskip("torch")
    ours = _describe(default_convert(batch), ft.Tensor)
    theirs = _describe(torch.utils.data.default_convert(batch), torch.Tensor)
    assert ours == theirs
