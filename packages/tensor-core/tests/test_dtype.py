"""dtypes and PyTorch's type promotion: the lattice, scalars, 0-d tensors, default dtype."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fx.tensor as ft

DTYPES = [ft.bool, ft.uint8, ft.int8, ft.int16, ft.int32, ft.int64, ft.float16, ft.bfloat16, ft.float32, ft.float64]


def test_names_and_aliases():
    assert str(ft.float32) == "fx.tensor.float32" and repr(ft.int64) == "fx.tensor.int64"
    assert ft.float is ft.float32 and ft.double is ft.float64 and ft.half is ft.float16
    assert ft.long is ft.int64 and ft.int is ft.int32 and ft.short is ft.int16
    assert ft.float32.is_floating_point and not ft.int8.is_floating_point
    assert ft.float32.itemsize == 4 and ft.bfloat16.itemsize == 2
    assert ft.uint8.is_signed is False and ft.int8.is_signed


def test_known_promotions():
    p = ft.promote_types
    assert p(ft.uint8, ft.int8) is ft.int16
    assert p(ft.uint8, ft.int32) is ft.int32
    assert p(ft.float16, ft.bfloat16) is ft.float32
    assert p(ft.int64, ft.float16) is ft.float16
    assert p(ft.bool, ft.bool) is ft.bool and p(ft.bool, ft.uint8) is ft.uint8


def test_result_type_with_scalars_and_zero_dim():
    i32 = ft.zeros(3, dtype=ft.int32)
    u8 = ft.zeros(3, dtype=ft.uint8)
    assert ft.result_type(i32, 2.5) is ft.float32
    assert ft.result_type(u8, 1000) is ft.uint8
    assert ft.result_type(i32, ft.tensor(5, dtype=ft.int64)) is ft.int32
    assert ft.result_type(i32, ft.tensor(5.0, dtype=ft.float64)) is ft.float64  # torch: a 0-d float of a higher category keeps its width
    assert ft.result_type(ft.zeros(3, dtype=ft.bool), 1) is ft.int64
    assert ft.result_type(ft.tensor(1, dtype=ft.int8), ft.tensor(1, dtype=ft.int16)) is ft.int16


def test_default_dtype():
    try:
        ft.set_default_dtype(ft.float64)
        assert ft.get_default_dtype() is ft.float64
        assert ft.tensor([1.5]).dtype is ft.float64 and ft.zeros(2).dtype is ft.float64
        assert (ft.tensor([1, 2]) * 0.5).dtype is ft.float64
    finally:
        ft.set_default_dtype(ft.float32)
    with pytest.raises(TypeError, match="only floating-point"):
        ft.set_default_dtype(ft.int64)
    assert ft.get_default_dtype() is ft.float32


def test_finfo_iinfo():
    assert ft.finfo(ft.float32).eps == float(np.finfo(np.float32).eps)
    assert ft.finfo(ft.bfloat16).bits == 16
    assert ft.iinfo(ft.int8).min == -128 and ft.iinfo(ft.uint8).max == 255
    with pytest.raises(TypeError):
        ft.finfo(ft.int32)
    with pytest.raises(TypeError):
        ft.iinfo(ft.float32)


def test_can_cast():
    assert ft.can_cast(ft.int32, ft.float32) and not ft.can_cast(ft.float32, ft.int32)
    assert not ft.can_cast(ft.int64, ft.bool)


def test_bad_dtype_argument():
    with pytest.raises(TypeError, match="dtype"):
        ft.zeros(2, dtype="complex64")
    with pytest.raises(TypeError, match="dtype"):
        ft.zeros(2, dtype=3)
    with pytest.raises(TypeError, match="can't convert np.ndarray"):
        ft.from_numpy(np.zeros(2, np.complex64))



def _torch():
    return pytest.importorskip("torch")


def test_promotion_table_matches_torch():
    torch = _torch()
    for a, b in itertools.product(DTYPES, DTYPES):
        assert ft.promote_types(a, b).name == str(torch.promote_types(getattr(torch, a.name), getattr(torch, b.name))).split(".")[1], (a, b)


_operand = st.one_of(
    st.tuples(st.just("t"), st.sampled_from(DTYPES), st.integers(0, 2)),
    st.tuples(st.just("s"), st.sampled_from([True, 3, -2, 2.5]), st.just(0)),
)


@settings(max_examples=300, deadline=None)
@given(a=_operand, b=_operand)
def test_binary_promotion_matches_torch(a, b):
    torch = _torch()
    if a[0] == "s" and b[0] == "s":
        return

    def build(op, lib):
        kind, v, ndim = op
        if kind == "s":
            return v
        shape = (2,) * ndim
        if lib == "fx":
            return ft.ones(shape, dtype=v)
        return torch.ones(shape, dtype=getattr(torch, v.name))

    fa, fb = build(a, "fx"), build(b, "fx")
    ta, tb = build(a, "torch"), build(b, "torch")
    expected = torch.result_type(ta, tb)
    assert ft.result_type(fa, fb).name == str(expected).split(".")[1]
    if isinstance(fa, ft.Tensor):
        got = (fa * fb).dtype
        assert got.name == str((ta * tb).dtype).split(".")[1]


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64", "int8", "uint8", "int16", "int32", "int64"])
def test_finfo_iinfo_print_and_resolution_as_torch(name):
    torch = _torch()
    info = ft.finfo if name.startswith(("float", "bfloat")) else ft.iinfo
    ref = (torch.finfo if info is ft.finfo else torch.iinfo)(getattr(torch, name))
    assert repr(info(getattr(ft, name))) == repr(ref)
    if info is ft.finfo:
        assert info(getattr(ft, name)).resolution == ref.resolution
