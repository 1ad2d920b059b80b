"""Tensor methods and in-place forms added for PyTorch programs: behaviour checked against NumPy, and
against torch where installed (pytest.importorskip)."""

from __future__ import annotations

import multiprocessing
import os
import warnings

import numpy as np
import pytest

import fx.tensor as ft


def _torch():
    return pytest.importorskip("torch")


# ---- in-place view changes ---------------------------------------------------------------------------
@pytest.mark.parametrize("name,args,shape", [
    ("squeeze_", (), (2, 3)), ("squeeze_", (1,), (2, 3)), ("unsqueeze_", (-1,), (2, 1, 3, 1)), ("t_", (), None),
    ("transpose_", (0, 2), (3, 1, 2)), ("swapdims_", (0, 1), (1, 2, 3)), ("swapaxes_", (1, 2), (2, 3, 1)),
])
def test_inplace_view_changes_shape_keeps_storage(name, args, shape):
    base = ft.arange(6.0).reshape(2, 1, 3) if name != "t_" else ft.arange(6.0).reshape(2, 3)
    ref = base.numpy().copy()
    x = base.view(base.shape)
    version = x._version
    out = getattr(x, name)(*args)
    assert out is x
    if name == "t_":
        shape = (3, 2)
        expected = ref.T
    elif name in ("squeeze_", "unsqueeze_"):
        expected = ref.reshape(shape)
    else:
        i, j = args
        expected = np.swapaxes(ref, i, j)
    assert tuple(x.shape) == shape
    np.testing.assert_array_equal(x.numpy(), expected)
    assert np.shares_memory(x.numpy(), base.numpy())
    assert x._version == version + 1  # PyTorch bumps the version of an in-place view change too


def test_inplace_view_errors():
    with pytest.raises(RuntimeError, match=r"t_\(\) expects a tensor with <= 2 dimensions"):
        ft.zeros(2, 3, 4).t_()
    with pytest.raises(IndexError, match="Dimension out of range"):
        ft.zeros(2, 3).unsqueeze_(5)
    with pytest.raises(IndexError, match="Dimension out of range"):
        ft.zeros(2, 3).transpose_(0, 2)


def test_as_strided_inplace():
    x = ft.arange(4.0)
    assert ft.as_strided_(x, (2, 2), (1, 2)) is x
    np.testing.assert_array_equal(x.numpy(), [[0, 2], [1, 3]])


# ---- top-level in-place functions and method aliases ----------------------------------------------------
def test_top_level_inplace_writes_and_returns_input():
    x = ft.tensor([-1.0, 2.0])
    assert ft.relu_(x) is x
    np.testing.assert_array_equal(x.numpy(), [0.0, 2.0])
    y = ft.tensor([0.5, 3.0])
    assert ft.clamp_(y, 1.0, 2.0) is y
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0])
    z = ft.tensor([-1.0, 0.5])
    assert ft.threshold_(z, 0.0, 9.0) is z
    np.testing.assert_array_equal(z.numpy(), [9.0, 0.5])
    with pytest.raises(TypeError, match=r"relu_\(\): argument 'input' must be Tensor"):
        ft.relu_([1.0])


@pytest.mark.parametrize("alias,fn", [("greater_", np.greater), ("greater_equal_", np.greater_equal), ("less_", np.less),
                                      ("less_equal_", np.less_equal), ("not_equal_", np.not_equal)])
def test_comparison_inplace_aliases(alias, fn):
    a = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    x = ft.tensor(a)
    assert getattr(x, alias)(2.0) is x
    np.testing.assert_array_equal(x.numpy(), fn(a, 2.0).astype(np.float32))


def test_math_inplace_methods_match_out_of_place():
    x = ft.tensor([0.5, 1.5, 2.5])
    for name, args in (("deg2rad_", ()), ("rad2deg_", ()), ("sinc_", ()), ("i0_", ()), ("polygamma_", (1,)),
                       ("mvlgamma_", (1,)), ("arctan2_", (ft.tensor([1.0, -1.0, 2.0]),)), ("arcsinh_", ()),
                       ("ldexp_", (ft.tensor([1, 2, 3]),)), ("nextafter_", (ft.tensor([0.0, 0.0, 0.0]),)),
                       ("heaviside_", (ft.tensor([0.5, 0.5, 0.5]),))):
        y = x.clone()
        base = name[:-1]
        expected = (ft.polygamma(1, x) if base == "polygamma" else getattr(x, {"arctan2": "atan2", "arcsinh": "asinh"}
                                                                                 .get(base, base))(*args))
        assert getattr(y, name)(*args) is y
        np.testing.assert_allclose(y.numpy(), expected.numpy(), rtol=1e-6, err_msg=name)
    i = ft.tensor([12, 18])
    assert i.gcd_(ft.tensor([8, 12])) is i and i.tolist() == [4, 6]
    assert i.lcm_(ft.tensor([6, 4])).tolist() == [12, 12]


def test_inplace_result_dtype_must_fit():
    with pytest.raises(RuntimeError, match="can't be cast"):
        ft.tensor([1, 2]).deg2rad_()
    with pytest.raises(RuntimeError, match="float_power_ has dtype Float but the operation's result requires dtype Double"):
        ft.tensor([1.0, 2.0]).float_power_(2)
    x = ft.tensor([2.0, 3.0], dtype=ft.float64)
    assert x.float_power_(2) is x and x.tolist() == [4.0, 9.0]


# ---- tensor utilities ---------------------------------------------------------------------------------
def test_type_as_get_device_pin_memory():
    x = ft.tensor([1.5, 2.5])
    assert x.type_as(ft.tensor([1])).dtype is ft.int64
    assert x.type_as(ft.tensor([1.0])) is x
    assert x.get_device() == -1
    assert x.pin_memory() is x and not x.is_pinned()


def test_share_memory_is_seen_by_a_forked_child():
    if not hasattr(os, "fork"):
        pytest.skip("needs fork")
    x = ft.zeros(4)
    view = x[1:]
    assert not x.is_shared()
    assert x.share_memory_() is x and x.is_shared()
    assert x.share_memory_() is x  # already shared: unchanged
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=_child_writes, args=(x,))
    p.start()
    p.join(30)
    assert p.exitcode == 0
    np.testing.assert_array_equal(x.numpy(), [0.0, 1.0, 2.0, 3.0])
    assert not view.is_shared()


def _child_writes(t):
    t.copy_(ft.arange(4.0))


def test_share_memory_keeps_view_geometry():
    base = ft.arange(12.0).reshape(3, 4)
    v = base[1:, ::2]
    v.share_memory_()
    assert v.is_shared() and tuple(v.shape) == (2, 2)
    np.testing.assert_array_equal(v.numpy(), [[4.0, 6.0], [8.0, 10.0]])


def test_new_sum_to_size():
    x = ft.tensor([1.0, 2.0])
    assert tuple(x.new(2, 3).shape) == (2, 3) and x.new(2, 3).dtype is ft.float32
    assert x.new().numel() == 0
    assert ft.tensor([1, 2]).new([1.5, 2.5]).tolist() == [1, 2]
    assert x.new((2.0, 3.0)).tolist() == [2.0, 3.0]
    with pytest.raises(TypeError, match="data must be a sequence"):
        x.new(2.5)
    with pytest.raises(TypeError, match="expected fx.tensor.FloatTensor"):
        x.new(ft.tensor([1, 2]))
    m = ft.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(m.sum_to_size(1, 3).numpy(), m.numpy().sum(0, keepdims=True))
    np.testing.assert_array_equal(m.sum_to_size((3,)).numpy(), m.numpy().sum(0))
    assert m.sum_to_size(2, 3) is m
    with pytest.raises(RuntimeError, match=r"size \{\[3, 2\]\} is not expandable to size \{\[2, 3\]\}"):
        m.sum_to_size(3, 2)


def test_resize():
    x = ft.arange(6.0).reshape(2, 3)
    assert x.resize_(2, 2) is x
    np.testing.assert_array_equal(x.numpy(), [[0, 1], [2, 3]])
    x.resize_(8)
    np.testing.assert_array_equal(x.numpy()[:6], np.arange(6.0))
    y = ft.zeros(1)
    assert y.resize_as_(ft.zeros(3, 2)).shape == (3, 2)
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        ft.zeros(2, requires_grad=True).resize_(3)


def test_fill_diagonal():
    for shape, wrap in (((3, 3), False), ((2, 4), False), ((7, 3), True), ((7, 3), False), ((3, 3, 3), False)):
        a = np.zeros(shape, dtype=np.float32)
        np.fill_diagonal(a, 5, wrap=wrap)
        x = ft.zeros(*shape)
        assert x.fill_diagonal_(5, wrap=wrap) is x
        np.testing.assert_array_equal(x.numpy(), a, err_msg=f"{shape} wrap={wrap}")
    with pytest.raises(RuntimeError, match="dimensions must larger than 1"):
        ft.zeros(3).fill_diagonal_(1)
    with pytest.raises(RuntimeError, match="all dimensions of input must be of equal length"):
        ft.zeros(2, 3, 4).fill_diagonal_(1)


def test_apply_and_map():
    x = ft.tensor([1, 2, 3])
    assert x.apply_(lambda v: v * 2.7) is x
    assert x.tolist() == [2, 5, 8]  # results are cast to self's dtype, like PyTorch
    y = ft.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert y.map_(ft.tensor([10.0, 20.0]), lambda a, b: a + b) is y
    np.testing.assert_array_equal(y.numpy(), [[11, 22], [13, 24]])
    with pytest.raises(RuntimeError, match=r"Can't call apply_\(\) on Variable that requires grad"):
        ft.zeros(2, requires_grad=True).apply_(lambda v: v)


def test_frombuffer_shares_the_buffer():
    buf = bytearray(np.arange(4, dtype=np.int32).tobytes())
    t = ft.frombuffer(buf, dtype=ft.int32, count=2, offset=4)
    assert t.tolist() == [1, 2]
    t.fill_(7)
    assert np.frombuffer(buf, dtype=np.int32).tolist() == [0, 7, 7, 3]
    with pytest.warns(UserWarning, match="not writable"):
        ft.frombuffer(b"\x01\x00", dtype=ft.int16)


def test_global_switches():
    with pytest.warns(UserWarning, match="not one of 'highest', 'high', or 'medium'"):
        ft.set_float32_matmul_precision("fast")
    assert ft.get_float32_matmul_precision() == "highest"
    ft.use_deterministic_algorithms(True, warn_only=True)
    try:
        assert ft.are_deterministic_algorithms_enabled() and ft.is_deterministic_algorithms_warn_only_enabled()
    finally:
        ft.use_deterministic_algorithms(False)
    assert not ft.are_deterministic_algorithms_enabled()
    ft.set_default_device(None)
    assert ft.get_default_device() == ft.device("cpu")


def test_methods_match_torch():
    torch = _torch()
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    for name, args in (("diff", ()), ("logcumsumexp", (1,)), ("renorm", (2, 0, 3.0)), ("cov", ()), ("corrcoef", ()),
                       ("dist", (ft.ones(3),)), ("logaddexp", (ft.ones(3),)), ("i0", ()), ("sinc", ())):
        got = getattr(ft.from_numpy(x.copy()), name)(*args)
        targs = tuple(torch.from_numpy(a.numpy().copy()) if isinstance(a, ft.Tensor) else a for a in args)
        exp = getattr(torch.from_numpy(x.copy()), name)(*targs)
        np.testing.assert_allclose(got.numpy(), exp.numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.zeros(7, 3).fill_diagonal_(5, wrap=True)
    np.testing.assert_array_equal(ft.zeros(7, 3).fill_diagonal_(5, wrap=True).numpy(), t.numpy())
