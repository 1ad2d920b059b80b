"""Hypothesis: broadcasting of elementwise ops matches NumPy's shapes and PyTorch's results/errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fx.tensor as ft

shapes = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)


def _compatible(a, b):
    return all(x == y or x == 1 or y == 1 for x, y in zip(a[::-1], b[::-1]))


def _make(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


@settings(max_examples=200, deadline=None)
@given(a=shapes, b=shapes, seed=st.integers(0, 1000))
def test_binary_broadcast_matches_numpy(a, b, seed):
    x, y = _make(a, seed), _make(b, seed + 1)
    fa, fb = ft.from_numpy(x), ft.from_numpy(y)
    if _compatible(a, b):
        for op, ref in ((ft.add, np.add), (ft.mul, np.multiply), (ft.maximum, np.maximum), (ft.lt, np.less)):
            out = op(fa, fb)
            expected = ref(x, y)
            assert out.shape == expected.shape
            np.testing.assert_allclose(out.numpy().astype(np.float64), expected.astype(np.float64), rtol=1e-6)
        assert ft.broadcast_shapes(a, b) == np.broadcast_shapes(a, b)
        assert isinstance(ft.broadcast_shapes(a, b), ft.Size)
    else:
        with pytest.raises(RuntimeError):
            ft.add(fa, fb)
        with pytest.raises(RuntimeError, match="must match"):
            ft.broadcast_shapes(a, b)


@settings(max_examples=100, deadline=None)
@given(a=shapes, b=shapes, seed=st.integers(0, 1000))
def test_broadcast_matches_torch(a, b, seed):
    torch = pytest.importorskip("torch")
    x, y = _make(a, seed), _make(b, seed + 1)
    try:
        expected = (torch.from_numpy(x) * torch.from_numpy(y) + 1).numpy()
    except RuntimeError:
        with pytest.raises(RuntimeError):
            ft.from_numpy(x) * ft.from_numpy(y)
        return
    got = (ft.from_numpy(x) * ft.from_numpy(y) + 1).numpy()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@settings(max_examples=100, deadline=None)
@given(target=shapes, seed=st.integers(0, 1000), data=st.data())
def test_expand_is_a_view_with_broadcast_shape(target, seed, data):
    src_shape = tuple(data.draw(st.sampled_from([1, s])) for s in target[len(target) - data.draw(st.integers(0, len(target))):])
    x = ft.from_numpy(_make(src_shape, seed))
    e = x.expand(target)
    assert e.shape == target
    np.testing.assert_array_equal(e.numpy(), np.broadcast_to(x.numpy(), target))
    assert e._base is x


def test_inplace_broadcast_rules():
    x = ft.zeros(2, 3)
    x.add_(ft.ones(3))
    assert x.tolist() == [[1.0] * 3] * 2
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        ft.zeros(3).add_(ft.ones(2, 3))
