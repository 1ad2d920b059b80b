"""NumPy and DLPack interop: from_numpy / numpy() / __array__ share memory; DLPack both ways."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import fx.tensor as ft
from fx.tensor._interop import from_dlpack

NP_TYPES = [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16, ml_dtypes.bfloat16,
            np.float32, np.float64]


def sample(npt, shape=(3, 4)):
    a = np.arange(int(np.prod(shape))).reshape(shape) % 7
    return (a % 2).astype(npt) if npt is np.bool_ else a.astype(npt)


def one(npt):
    return np.ones((), npt) if npt is not np.bool_ else np.array(True)


# ---- NumPy ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("npt", NP_TYPES, ids=lambda t: np.dtype(t).name)
def test_from_numpy_shares_memory_both_ways(npt):
    a = sample(npt)
    t = ft.from_numpy(a)
    assert t.dtype.np == a.dtype and t.shape == a.shape
    a[0, 0] = one(npt)
    assert t.numpy()[0, 0] == one(npt)
    t.numpy()[2, 3] = one(npt)
    assert a[2, 3] == one(npt)
    assert np.shares_memory(t.numpy(), a) and t.data_ptr() == a.ctypes.data


def test_from_numpy_non_contiguous_and_0d():
    a = np.arange(24.0).reshape(4, 6)
    t = ft.from_numpy(a[:, 1::2].T)
    assert t.shape == (3, 4) and not t.is_contiguous() and t.stride() == (2, 6)
    a[0, 1] = -1
    assert t.tolist()[0][0] == -1
    z = ft.from_numpy(np.array(5, np.int32))
    assert z.shape == () and z.item() == 5 and z.dtype is ft.int32


def test_from_numpy_errors():
    with pytest.raises(TypeError, match=r"expected np.ndarray \(got list\)"):
        ft.from_numpy([1, 2])
    with pytest.raises(TypeError, match="can't convert np.ndarray of type complex64"):
        ft.from_numpy(np.zeros(2, np.complex64))
    with pytest.raises(TypeError, match="type uint16"):
        ft.from_numpy(np.zeros(2, np.uint16))
    with pytest.raises(ValueError, match="negative"):
        ft.from_numpy(np.arange(3)[::-1])


@pytest.mark.parametrize("npt", NP_TYPES, ids=lambda t: np.dtype(t).name)
def test_array_protocol(npt):
    a = sample(npt)
    t = ft.from_numpy(a)
    b = np.asarray(t)
    assert b.dtype == a.dtype and np.shares_memory(a, b)
    c = np.array(t, copy=True)
    assert not np.shares_memory(a, c) and np.array_equal(c.astype(np.float64), a.astype(np.float64))
    d = np.asarray(t, dtype=np.float64)
    assert d.dtype == np.float64 and np.array_equal(d, a.astype(np.float64))


def test_numpy_method():
    a = np.arange(3.0, dtype=np.float32)
    t = ft.from_numpy(a)
    assert t.numpy() is a
    t.requires_grad_()
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        t.numpy()
    assert np.shares_memory(t.numpy(force=True), a)


# ---- DLPack with NumPy ----------------------------------------------------------------------------

@pytest.mark.parametrize("npt", [t for t in NP_TYPES if t is not ml_dtypes.bfloat16], ids=lambda t: np.dtype(t).name)
def test_dlpack_numpy_round_trip(npt):
    a = sample(npt)
    t = from_dlpack(a)
    assert t.dtype.np == a.dtype and np.shares_memory(t.numpy(), a)
    b = np.from_dlpack(t)
    assert b.dtype == a.dtype and np.shares_memory(a, b)
    b[1, 1] = one(npt)
    assert t.numpy()[1, 1] == one(npt) and a[1, 1] == one(npt)


def test_dlpack_device_and_capsules():
    t = ft.from_numpy(np.arange(6.0).reshape(2, 3))
    assert t.__dlpack_device__() == (1, 0)
    for cap in (t.__dlpack__(), t.__dlpack__(max_version=(1, 0)), t.__dlpack__(stream=None)):
        u = from_dlpack(cap)
        assert np.shares_memory(u.numpy(), t.numpy()) and u.tolist() == t.tolist()


@pytest.mark.parametrize("make", [lambda a: a, lambda a: a[:, ::2], lambda a: a.T, lambda a: a[1], lambda a: a[:0]],
                         ids=["contig", "strided", "transposed", "row", "empty"])
def test_dlpack_bfloat16_and_layouts(make):
    a = make((sample(np.float32, (4, 6)) * 1.5).astype(ml_dtypes.bfloat16))
    t = ft.from_numpy(a)
    u = from_dlpack(t.__dlpack__())  # through a capsule tagged kDLBfloat
    assert u.dtype is ft.bfloat16 and u.shape == t.shape
    assert u.stride() == t.stride() or not a.size
    assert np.array_equal(u.numpy().view(np.uint16), a.view(np.uint16))
    if a.size:
        assert np.shares_memory(u.numpy(), a)


def test_dlpack_zero_d():
    t = ft.from_numpy(np.array(2.5, ml_dtypes.bfloat16))
    u = from_dlpack(t.__dlpack__())
    assert u.shape == () and u.dtype is ft.bfloat16 and u.item() == 2.5


def test_from_dlpack_copy_and_device():
    a = np.arange(4.0)
    t = from_dlpack(a, copy=True)
    a[0] = 9
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert from_dlpack(a, device="cpu").device == ft.device("cpu")
    f = ft.from_numpy(a)
    g = from_dlpack(f)
    assert np.shares_memory(g.numpy(), a)


def test_dlpack_errors():
    with pytest.raises(TypeError, match="from_dlpack: expected an object with __dlpack__"):
        from_dlpack([1, 2])
    cap = np.arange(3.0).__dlpack__()
    from_dlpack(cap)
    with pytest.raises(RuntimeError, match="was it already consumed"):
        from_dlpack(cap)
    with pytest.raises(RuntimeError, match="from_dlpack: unsupported dtype complex64"):
        from_dlpack(np.zeros(2, np.complex64))
    with pytest.raises(RuntimeError, match="from_dlpack: unsupported dtype uint32"):
        from_dlpack(np.zeros(2, np.uint32))
    with pytest.raises(RuntimeError, match="negative strides"):
        from_dlpack(np.arange(4.0)[::-1])
    t = ft.from_numpy(np.arange(3.0)).requires_grad_()
    with pytest.raises(RuntimeError, match="Can't export tensors that require gradient"):
        t.__dlpack__()


def test_negative_stride_export_is_a_copy_not_a_crash():
    from fx.tensor._tensor import wrap

    a = np.arange(4.0)
    t = wrap(a[::-1])  # internal ops may produce these; DLPack consumers get a contiguous copy
    b = np.from_dlpack(t)
    assert b.tolist() == [3.0, 2.0, 1.0, 0.0] and b.strides == (8,)


# ---- DLPack with PyTorch --------------------------------------------------------------------------

TORCH_NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_dlpack_torch_round_trip(name):
    torch = pytest.importorskip("torch")
    tt = (torch.arange(12).reshape(3, 4) % 2).to(getattr(torch, name))
    f = from_dlpack(tt)
    assert f.dtype.name == name and f.shape == tuple(tt.shape)
    assert f.data_ptr() == tt.data_ptr()
    back = torch.from_dlpack(f)
    assert back.dtype == tt.dtype and back.data_ptr() == tt.data_ptr()
    back[2, 3] = 1
    tt[0, 0] = 1
    assert f.numpy()[2, 3] and f.numpy()[0, 0]
    assert f.tolist() == tt.tolist()


def test_dlpack_torch_layouts():
    torch = pytest.importorskip("torch")
    base = torch.arange(24.0).reshape(4, 6)
    for tt in (base.t(), base[:, 1::2], base[2], base[:0], torch.tensor(3.5, dtype=torch.bfloat16)):
        f = from_dlpack(tt)
        assert f.shape == tuple(tt.shape) and f.tolist() == tt.tolist()
        back = torch.from_dlpack(f)
        assert torch.equal(back, tt) and back.dtype == tt.dtype
        if tt.numel():  # strides of empty tensors carry no meaning
            assert f.stride() == tt.stride() and back.stride() == tt.stride() and back.data_ptr() == tt.data_ptr()
    f = ft.from_numpy(np.arange(6.0, dtype=np.float32))
    t = torch.from_dlpack(f.__dlpack__(max_version=(1, 0)))
    t[0] = 7
    assert f.tolist()[0] == 7.0


def test_dlpack_torch_unsupported_dtype():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match="from_dlpack: unsupported dtype"):
        from_dlpack(torch.zeros(2, dtype=torch.complex64))
    with pytest.raises(RuntimeError, match="from_dlpack: unsupported dtype uint16"):
        from_dlpack(torch.zeros(2, dtype=torch.uint16))
