"""x[key] and x[key] = v against PyTorch over random shapes and keys, plus view and version semantics."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fx.tensor as ft

torch = pytest.importorskip("torch")

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])


# ---- random keys ---------------------------------------------------------------------------------
@st.composite
def shapes(draw):
    return tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=4)))


def _part(draw, shape):
    """Key items consuming exactly the dims of `shape` (with Nones and bools sprinkled in)."""
    items, dim = [], 0
    while dim < len(shape) or draw(st.integers(0, 4)) == 4:
        kinds = (["slice", "int", "array", "list", "mask"] if dim < len(shape) else []) + ["none", "bool"]
        kind = draw(st.sampled_from(kinds))
        if kind == "none":
            items.append(None)
            continue
        if kind == "bool":
            items.append(draw(st.booleans()))
            continue
        n = shape[dim]
        if kind == "int":  # one past either end now and then: both libraries must raise
            items.append(draw(st.integers(-n - 1, n)))
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-n - 2, n + 2))
            items.append(slice(draw(bound), draw(bound), draw(st.one_of(st.none(), st.integers(1, 3)))))
        elif kind in ("array", "list"):
            ishape = tuple(draw(st.lists(st.integers(0, 3), max_size=2))) if n else (0,)
            size = int(np.prod(ishape))
            values = np.asarray(draw(st.lists(st.integers(-n, max(n - 1, 0)), min_size=size, max_size=size)),
                                dtype=np.int64).reshape(ishape)
            items.append(("idx", values) if kind == "array" or values.ndim != 1 or not size else ("list", values.tolist()))
        else:
            k = draw(st.integers(1, len(shape) - dim))
            mshape = shape[dim:dim + k]
            flat = draw(st.lists(st.booleans(), min_size=int(np.prod(mshape)), max_size=int(np.prod(mshape))))
            items.append(("mask", np.asarray(flat, dtype=bool).reshape(mshape)))
            dim += k
            continue
        dim += 1
    return items


@st.composite
def key_items(draw, shape):
    """A key: items for the leading dims, or leading items, an Ellipsis and items for the trailing dims."""
    a = draw(st.integers(0, len(shape)))
    if not draw(st.booleans()):
        return _part(draw, shape[:a])
    b = draw(st.integers(a, len(shape)))
    return _part(draw, shape[:a]) + [Ellipsis] + _part(draw, shape[b:])


def _conv(item, make):
    if isinstance(item, tuple) and item[0] in ("idx", "mask"):
        return make(item[1].copy())
    if isinstance(item, tuple) and item[0] == "list":
        return list(item[1])
    return item


def keys(items, lib):
    make = ft.from_numpy if lib == "fx" else torch.from_numpy
    return tuple(_conv(k, make) for k in items)


def _arr(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _outcome(fn):
    try:
        return fn(), None
    except (IndexError, ValueError, RuntimeError, TypeError) as e:
        return None, type(e)


def _np(t):
    return t.numpy() if isinstance(t, ft.Tensor) else t.detach().numpy()


@st.composite
def cases(draw):
    shape = draw(shapes())
    return shape, draw(key_items(shape))


# ---- getitem -------------------------------------------------------------------------------------
@SETTINGS
@given(cases())
def test_getitem_matches_torch(case):
    shape, items = case
    arr = _arr(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exp, exp_err = _outcome(lambda: torch.from_numpy(arr)[keys(items, "torch")])
        got, got_err = _outcome(lambda: ft.from_numpy(arr)[keys(items, "fx")])
    assert got_err == exp_err, f"{shape} {items}: fx raised {got_err}, torch raised {exp_err}"
    if exp_err is None:
        assert tuple(got.shape) == tuple(exp.shape), f"{shape} {items}"
        np.testing.assert_array_equal(_np(got), _np(exp))


@SETTINGS
@given(cases())
def test_basic_keys_give_views(case):
    shape, items = case
    items = [k for k in items if not isinstance(k, (tuple, bool))]  # basic part only
    x = ft.from_numpy(_arr(shape))
    try:
        v = x[tuple(items)]
    except (IndexError, ValueError):
        return
    assert np.shares_memory(v.numpy(), x.numpy()) or v.numel() == 0
    before = x._version
    if v.numel():
        v[...] = 7.0
        assert x._version == before + 1 and v._version == x._version
        assert (x.numpy() == 7.0).sum() >= v.numel()


# ---- setitem -------------------------------------------------------------------------------------
@SETTINGS
@given(cases(), st.sampled_from(["tensor", "number", "broadcast", "leading1"]))
def test_setitem_matches_torch(case, value_kind):
    shape, items = case
    arr = _arr(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pos = torch.arange(int(np.prod(shape))).reshape(shape)[keys(items, "torch")]
        except (IndexError, ValueError, RuntimeError):
            return
        rshape = tuple(pos.shape)
        if value_kind == "number" or pos.unique().numel() != pos.numel():  # repeated targets: torch picks any
            value_np = 3.5
        elif value_kind == "broadcast":
            value_np = _arr(tuple(1 if i % 2 else s for i, s in enumerate(rshape))[1:], seed=1)
        elif value_kind == "leading1":
            value_np = _arr((1, 1) + rshape, seed=2)
        else:
            value_np = _arr(rshape, seed=3)
        xt, xf = torch.from_numpy(arr.copy()), ft.from_numpy(arr.copy())
        vt = value_np if isinstance(value_np, float) else torch.from_numpy(value_np)
        vf = value_np if isinstance(value_np, float) else ft.from_numpy(value_np)
        _, exp_err = _outcome(lambda: xt.__setitem__(keys(items, "torch"), vt))
        before = xf._version
        _, got_err = _outcome(lambda: xf.__setitem__(keys(items, "fx"), vf))
    assert got_err == exp_err, f"{shape} {items} {value_kind}: fx raised {got_err}, torch raised {exp_err}"
    np.testing.assert_array_equal(xf.numpy(), xt.numpy())
    if exp_err is None:
        assert xf._version == before + 1


# ---- fixed cases ---------------------------------------------------------------------------------
def test_torch_placement_rules():
    x = ft.arange(24.0).reshape(2, 3, 4)
    t = torch.arange(24.0).reshape(2, 3, 4)
    for key in [(0, slice(None), [0, 1]), (slice(None), 0, [1, 2]), ([[0], [1]], slice(None), [0, 3]),
                (Ellipsis, True, [0, 1]), (slice(None), [0, 1], None, [0, 1]), (1, [True, False, True])]:
        tk = tuple(torch.tensor(k) if isinstance(k, list) else k for k in key)
        fk = tuple(ft.tensor(k) if isinstance(k, list) else k for k in key)
        np.testing.assert_array_equal(x[fk].numpy(), t[tk].numpy(), err_msg=str(key))


def test_index_forms():
    x = ft.arange(12.0).reshape(3, 4)
    assert x[np.int64(1)].tolist() == x[1].tolist()
    assert x[ft.tensor(1)]._base is not None  # 0-d int tensor selects (a view)
    assert x[np.array([2, 0])].tolist() == [x[2].tolist(), x[0].tolist()]
    assert x[ft.tensor([2, 0], dtype=ft.int32)].shape == (2, 4)
    assert x[ft.tensor([1, 0, 1], dtype=ft.uint8)].tolist() == [x[0].tolist(), x[2].tolist()]
    assert x[[]].shape == (0, 4)
    assert x[None, ..., None].shape == (1, 3, 4, 1)
    assert x[False].shape == (0, 3, 4)
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        assert x[[[0, 1], [1, 2]]].tolist() == [1.0, 6.0]
    adv = x[ft.tensor([0])]
    assert not np.shares_memory(adv.numpy(), x.numpy())


@pytest.mark.parametrize("key, exc, match", [
    ((slice(None, None, -1),), ValueError, "step must be greater than zero"),
    ((slice(None, None, 0),), ValueError, "cannot be zero"),
    ((3,), IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
    ((0, -5), IndexError, "index -5 is out of bounds for dimension 1 with size 4"),
    ((ft.tensor([0, 3]),), IndexError, "index 3 is out of bounds"),
    ((ft.tensor([1.0]),), IndexError, "long, int, byte or bool"),
    ((ft.tensor([1], dtype=ft.int16),), IndexError, "long, int, byte or bool"),
    ((ft.ones(4, dtype=ft.bool),), IndexError, r"shape of the mask \[4\] at index 0"),
    ((0, 0, 0), IndexError, "too many indices for tensor of dimension 2"),
    ((Ellipsis, Ellipsis, 0), IndexError, "single ellipsis"),
    ((1.5,), IndexError, "valid indices"),
    ((ft.tensor([0, 1]), ft.tensor([0, 1, 2])), IndexError, "could not be broadcast"),
])
def test_getitem_errors(key, exc, match):
    with pytest.raises(exc, match=match):
        ft.zeros(3, 4)[key]


def test_setitem_casts_and_bumps_versions():
    x = ft.zeros(4, dtype=ft.int64)
    v = x[1:]
    x[0] = 2.7
    x[ft.tensor([1])] = ft.tensor([3.9])
    x[ft.tensor([False, False, True, False])] = True
    assert x.tolist() == [2, 3, 1, 0]
    assert x._version == 3 and v._version == 3
    v[ft.tensor([2])] = 9  # an advanced write through a view reaches the base
    assert x.tolist() == [2, 3, 1, 9] and x._version == 4
    with pytest.raises(TypeError, match="can't assign a list"):
        x[0] = [1]
    with pytest.raises(RuntimeError, match="shape mismatch"):
        x[ft.tensor([0, 1])] = ft.ones(3, dtype=ft.int64)


def test_in_place_ops_bump_and_return_self():
    x = ft.zeros(3, 2)
    for op in (lambda: x.index_add_(0, ft.tensor([0, 0]), ft.ones(2, 2)),
               lambda: x.index_fill_(1, ft.tensor([1]), 5.0),
               lambda: x.masked_fill_(ft.tensor([True, False]), -1.0),
               lambda: x.index_put_((ft.tensor([2]),), ft.tensor(4.0), accumulate=True),
               lambda: x.scatter_(0, ft.tensor([[1, 1]]), 8.0)):
        before = x._version
        assert op() is x and x._version == before + 1
    assert x.tolist() == [[-1.0, 5.0], [8.0, 8.0], [3.0, 9.0]]


@pytest.mark.parametrize("dtype", [ft.float32, ft.float64, ft.float16, ft.bfloat16, ft.int64])
@pytest.mark.parametrize("n_src", [5, 400])  # few updates: ufunc.at; many: dense bincount
def test_accumulate_paths_agree(dtype, n_src):
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 30, n_src)
    src = rng.integers(-3, 4, (n_src, 2)).astype(np.float64)
    exp = np.zeros((30, 2))
    np.add.at(exp, idx, src)
    got = ft.zeros(30, 2, dtype=dtype).index_add(0, ft.tensor(idx), ft.tensor(src, dtype=dtype))
    np.testing.assert_allclose(got.to(ft.float64).numpy(), exp, rtol=1e-2)
    got = ft.zeros(30, 2, dtype=dtype).index_put((ft.tensor(idx),), ft.tensor(src, dtype=dtype), accumulate=True)
    np.testing.assert_allclose(got.to(ft.float64).numpy(), exp, rtol=1e-2)
    sa = ft.zeros(30, dtype=dtype).scatter_add(0, ft.tensor(idx), ft.tensor(src[:, 0], dtype=dtype))
    np.testing.assert_allclose(sa.to(ft.float64).numpy(), exp[:, 0], rtol=1e-2)


def test_primitives_for_autograd():
    """getitem_basic / setitem_basic and index / index_put(accumulate) are each other's gradients."""
    from fx.tensor._dispatch import PRIMITIVES

    x = ft.arange(12.0).reshape(3, 4)
    key = ((0, 3, 2), 1)  # x[0:3:2, 1]
    g = PRIMITIVES["getitem_basic"](x, key=key)
    assert g.tolist() == [1.0, 9.0] and g._base is not None
    back = PRIMITIVES["setitem_basic"](ft.zeros(3, 4), ft.tensor([5.0, 6.0]), key=key)
    assert back.tolist() == [[0, 5, 0, 0], [0, 0, 0, 0], [0, 6, 0, 0]]
    idx = ft.tensor([2, 0, 2])
    picked = PRIMITIVES["index"](x, idx, dims=(0,))
    grad = PRIMITIVES["index_put"](ft.zeros(3, 4), ft.ones_like(picked), idx, dims=(0,), accumulate=True)
    assert grad[:, 0].tolist() == [1.0, 0.0, 2.0] and x[0, 0].item() == 0.0
