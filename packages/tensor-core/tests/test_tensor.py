"""Core Tensor behaviour: metadata, views share storage and version counters, conversions."""

import numpy as np
import pytest

import fx.tensor as ft


def test_metadata():
    x = ft.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4) and x.size() == ft.Size([2, 3, 4]) and x.size(-1) == 4
    assert x.dim() == x.ndim == 3 and x.numel() == 24 and x.stride() == (12, 4, 1)
    assert x.dtype is ft.float32 and x.device == ft.device("cpu") and str(x.device) == "cpu"
    assert x.is_contiguous() and not x.transpose(0, 1).is_contiguous()
    assert x.element_size() == 4 and x.nbytes == 96
    assert repr(x.shape) == "fx.tensor.Size([2, 3, 4])"
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.size(3)


def test_views_share_storage_and_version():
    x = ft.zeros(4, 4)
    v = x.view(16)
    t = x.t()
    assert x._version == v._version == 0
    v.add_(1)
    assert x._version == 1 and t._version == 1 and v._version == 1
    assert float(x.sum()) == 16.0 if hasattr(x, "sum") else True
    assert t.data_ptr() == x.data_ptr() and v._base is x
    d = x.detach()
    d.mul_(2)
    assert x._version == 2 and float(x.numpy()[0, 0]) == 2.0


def test_storage_offset_and_strides_of_views():
    x = ft.arange(12).reshape(3, 4)
    n = x.narrow(1, 1, 2)
    assert n.storage_offset() == 1 and n.stride() == (4, 1)
    assert x.diagonal().stride() == (5,)


def test_conversions():
    x = ft.tensor([[1.5, 2.0]])
    assert x.tolist() == [[1.5, 2.0]] and isinstance(ft.tensor(3).item(), int)
    assert float(ft.tensor([2.5])) == 2.5 and int(ft.tensor(7)) == 7 and bool(ft.tensor([True]))
    assert np.asarray(x).dtype == np.float32
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        x.item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ft.ones(2))
    with pytest.raises(TypeError, match="0-d"):
        len(ft.tensor(1.0))
    assert ft.tensor([1.0, 2.0], dtype=ft.bfloat16).tolist() == [1.0, 2.0]


def test_numpy_zero_copy():
    a = np.arange(6, dtype=np.float32)
    t = ft.from_numpy(a)
    a[0] = 42
    assert t.tolist()[0] == 42.0
    t.numpy()[1] = 7
    assert a[1] == 7


def test_requires_grad_rules():
    x = ft.ones(2)
    assert not x.requires_grad and x.is_leaf and x.grad is None
    x.requires_grad_()
    assert x.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        ft.ones(2, dtype=ft.int64).requires_grad_()
    with pytest.raises(RuntimeError, match="detach"):
        x.numpy()


def test_backward_without_autograd_names_the_package():
    import fx.tensor._tensor as core

    if core.autograd_backward is not None:
        pytest.skip("fx.autograd is imported in this process")
    with pytest.raises(RuntimeError, match="pip install fx-autograd"):
        ft.ones(1).backward()


def test_to_and_casts():
    x = ft.tensor([1.7, -2.2])
    assert x.to(ft.int32).tolist() == [1, -2] and x.long().dtype is ft.int64
    assert x.to("cpu") is x and x.to(ft.float32) is x
    assert x.to(ft.float32, copy=True) is not x
    assert x.double().dtype is ft.float64 and x.half().dtype is ft.float16 and x.bool().tolist() == [True, True]
    assert x.type() == "fx.tensor.FloatTensor" and x.type(ft.float64).dtype is ft.float64
    with pytest.raises(RuntimeError, match="CUDA"):
        x.to("cuda")
    with pytest.raises(RuntimeError, match="Invalid device|Expected one of"):
        ft.device("tpu")


def test_inplace_semantics():
    x = ft.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast"):
        x.add_(1.5)
    assert x.tolist() == [1, 2, 3] and x._version == 0
    y = ft.zeros(3)
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        y.add_(ft.ones(2, 3))
    y += 1
    assert y.tolist() == [1.0, 1.0, 1.0] and y._version == 1


def test_out_argument():
    out = ft.empty(0)
    r = ft.add(ft.ones(2), ft.ones(2), out=out)
    assert r is out and out.tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="can't be cast"):
        ft.add(ft.ones(2), 1.5, out=ft.empty(2, dtype=ft.int64))


def test_not_picklable():
    import pickle

    with pytest.raises(TypeError, match="safetensors"):
        pickle.dumps(ft.ones(2))


def test_absurd_sizes_raise_before_allocating():
    with pytest.raises(RuntimeError, match="cannot allocate"):
        ft.empty(2**62)
    with pytest.raises(RuntimeError, match="negative dimension"):
        ft.zeros(-1)
    with pytest.raises(RuntimeError, match="cannot allocate"):
        ft.ones(2**31, 2**31)


def test_deepcopy_and_type_predicates():
    import copy

    x = ft.tensor([1.0, 2.0])
    x.requires_grad_()
    y = copy.deepcopy(x)
    assert y.requires_grad and y.tolist() == [1.0, 2.0] and y.data_ptr() != x.data_ptr()
    assert x.is_floating_point() and not ft.tensor([1]).is_floating_point() and not x.is_complex()
    assert ft.tensor([1], dtype=ft.int8).is_signed() and not ft.tensor([1], dtype=ft.uint8).is_signed()


def test_empty_strided_keeps_the_strides_asked_for():
    t = ft.empty_strided((2, 3), (1, 2))
    assert t.stride() == (1, 2) and not t.is_contiguous()
    t.copy_(ft.arange(6.0).reshape(2, 3))
    assert t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert ft.empty_strided((4,), (0,)).stride() == (0,)
