"""Memory formats against torch: contiguous/to/clone/*_like/empty with memory_format, the strides they
give, is_contiguous(memory_format=...), the objects themselves, errors, and gradients through a
channels-last copy."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import fx.tensor as ft

try:
    import torch
except ImportError:  # the layout tests below that need no oracle still run
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="torch is the oracle")

FORMATS = ["contiguous_format", "channels_last", "channels_last_3d", "preserve_format"]


def _both(shape, transform=None):
    """The same values as an fx and a torch tensor, each passed through `transform(module, t)`."""
    arr = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    f, t = ft.tensor(arr), torch.tensor(arr)
    if transform is not None:
        f, t = transform(ft, f), transform(torch, t)
    return f, t


def _same_layout(f, t):
    assert tuple(f.shape) == tuple(t.shape)
    assert f.stride() == t.stride(), f"strides {f.stride()} vs torch {t.stride()}"
    np.testing.assert_array_equal(f.numpy(), t.numpy())


# tensors whose layouts cover the cases of PyTorch's stride rules
LAYOUTS = {
    "contiguous": ((2, 3, 4, 5), None),
    "channels_last": ((2, 3, 4, 5), lambda m, x: x.contiguous(memory_format=m.channels_last)),
    "permuted": ((2, 4, 5, 3), lambda m, x: x.permute(0, 3, 1, 2)),
    "one channel": ((2, 1, 4, 5), None),
    "1x1 spatial": ((2, 3, 1, 1), None),
    "sliced channels_last": ((2, 3, 4, 6), lambda m, x: x.contiguous(memory_format=m.channels_last)[..., ::2]),
    "transposed 2d": ((3, 4), lambda m, x: x.t()),
    "empty batch": ((0, 3, 4, 5), None),
    "5d channels_last_3d": ((2, 3, 2, 4, 5), lambda m, x: x.contiguous(memory_format=m.channels_last_3d)),
    "5d contiguous": ((2, 3, 2, 4, 5), None),
}
NONEMPTY = [k for k, v in LAYOUTS.items() if 0 not in v[0]]  # fx reports 0 strides for an empty tensor's dims


@needs_torch
def test_formats_print_compare_and_pickle_like_torch():
    for name in FORMATS:
        mf = getattr(ft, name)
        assert repr(mf) == str(mf) == f"fx.tensor.{name}" == str(getattr(torch, name)).replace("torch.", "fx.tensor.")
        assert pickle.loads(pickle.dumps(mf)) is mf
        assert isinstance(mf, ft.memory_format)
    assert ft.channels_last == ft.channels_last and ft.channels_last != ft.contiguous_format
    with pytest.raises(TypeError, match="cannot create"):
        ft.memory_format()


@needs_torch
@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_is_contiguous_matches_torch(layout, fmt):
    f, t = _both(*LAYOUTS[layout])
    assert f.is_contiguous(memory_format=getattr(ft, fmt)) == t.is_contiguous(memory_format=getattr(torch, fmt))
    assert f.is_contiguous() == t.is_contiguous()


@needs_torch
@pytest.mark.parametrize("layout", [k for k in NONEMPTY if len(LAYOUTS[k][0]) == 4], ids=lambda k: k)
@pytest.mark.parametrize("fmt", ["contiguous_format", "channels_last"])
def test_contiguous_gives_torch_strides(layout, fmt):
    f, t = _both(*LAYOUTS[layout])
    fy, ty = f.contiguous(memory_format=getattr(ft, fmt)), t.contiguous(memory_format=getattr(torch, fmt))
    _same_layout(fy, ty)
    assert (fy is f) == (ty is t)


@needs_torch
@pytest.mark.parametrize("layout", NONEMPTY, ids=NONEMPTY)
def test_like_factories_and_clone_preserve_like_torch(layout):
    shape, transform = LAYOUTS[layout]
    f, t = _both(shape, transform)
    for name in ("empty_like", "zeros_like", "ones_like", "rand_like", "randn_like", "full_like"):
        args = (2.0,) if name == "full_like" else ()
        fy, ty = getattr(ft, name)(f, *args), getattr(torch, name)(t, *args)
        # fx keeps row-major and channels-last layouts; PyTorch also keeps the exact strides of any dense input
        if any(ty.is_contiguous(memory_format=m) for m in (torch.contiguous_format, torch.channels_last,
                                                            torch.channels_last_3d)):
            assert fy.stride() == ty.stride(), (name, fy.stride(), ty.stride())
        else:
            assert fy.is_contiguous()
    fc, tc = f.clone(memory_format=ft.preserve_format), t.clone()
    np.testing.assert_array_equal(fc.numpy(), tc.numpy())
    assert fc.stride() == tc.stride() or (fc.is_contiguous() and not tc.is_contiguous(memory_format=torch.channels_last))
    assert f.clone().is_contiguous()


@needs_torch
@pytest.mark.parametrize("fmt", ["contiguous_format", "channels_last", "preserve_format"])
def test_explicit_formats_on_factories_clone_and_to(fmt):
    f, t = _both((2, 3, 4, 5), LAYOUTS["channels_last"][1])
    g, u = _both((2, 3, 4, 5))
    fm, tm = getattr(ft, fmt), getattr(torch, fmt)
    for name in ("empty_like", "zeros_like", "ones_like", "rand_like", "randn_like"):
        for a, b in ((f, t), (g, u)):
            assert getattr(ft, name)(a, memory_format=fm).stride() == getattr(torch, name)(b, memory_format=tm).stride()
    assert ft.randint_like(g, 5, memory_format=fm).stride() == torch.randint_like(u, 5, memory_format=tm).stride()
    for a, b in ((f, t), (g, u)):
        _same_layout(a.clone(memory_format=fm), b.clone(memory_format=tm))
        _same_layout(a.to(memory_format=fm), b.to(memory_format=tm))
        _same_layout(a.to(ft.float64, memory_format=fm).float(), b.to(torch.float64, memory_format=tm).float())
        _same_layout(a.to(copy=True, memory_format=fm), b.to(copy=True, memory_format=tm))
        assert (a.to(memory_format=fm) is a) == (b.to(memory_format=tm) is b)


@needs_torch
def test_empty_with_memory_format():
    assert ft.empty(2, 3, 4, 5, memory_format=ft.channels_last).stride() == \
        torch.empty(2, 3, 4, 5, memory_format=torch.channels_last).stride()
    assert ft.empty(2, 3, memory_format=ft.contiguous_format).stride() == (3, 1)
    with pytest.raises(RuntimeError, match="unsupported memory format Preserve"):
        ft.empty(2, 3, memory_format=ft.preserve_format)


@needs_torch
def test_casts_keep_the_layout():
    f, t = _both((2, 3, 4, 5), LAYOUTS["channels_last"][1])
    _same_layout(f.double(), t.double())
    _same_layout(f.to(ft.float16).float(), t.to(torch.float16).float())


@pytest.mark.parametrize("call, exc, match", [
    (lambda: ft.ones(2, 3).contiguous(memory_format=ft.channels_last), RuntimeError,
     "required rank 4 tensor to use channels_last format"),
    (lambda: ft.ones(2, 3, 4, 5).contiguous(memory_format=ft.channels_last_3d), RuntimeError,
     "required rank 5 tensor to use channels_last_3d format"),
    (lambda: ft.ones(2, 3, 4, 5).contiguous(memory_format=ft.preserve_format), RuntimeError,
     "preserve memory format is unsupported by the contiguous operator"),
    (lambda: ft.ones(2, 3).contiguous(memory_format=3), TypeError,
     "contiguous\\(\\): argument 'memory_format' must be fx.tensor.memory_format, not int"),
    (lambda: ft.ones(2, 3).is_contiguous(memory_format="cl"), TypeError, "must be fx.tensor.memory_format, not str"),
    (lambda: ft.empty_like(ft.ones(2), memory_format=1), TypeError, "empty_like\\(\\): argument 'memory_format'"),
    (lambda: ft.zeros_like(ft.ones(3, 4), memory_format=ft.channels_last), RuntimeError, "required rank 4"),
    (lambda: ft.ones(2, 3).to(memory_format="a"), TypeError, "to\\(\\): argument 'memory_format'"),
    (lambda: ft.ones(2, 3, 4, 5).clone(memory_format=ft.channels_last_3d), RuntimeError, "required rank 5"),
])
def test_errors_match_torch(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_ops_on_channels_last_tensors_compute_the_same_values():
    x = ft.randn(2, 3, 6, 6)
    w = ft.randn(4, 3, 3, 3)
    y = x.contiguous(memory_format=ft.channels_last)
    np.testing.assert_allclose(ft.conv2d(y, w).numpy(), ft.conv2d(x, w).numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal((y * 2 + 1).numpy(), (x * 2 + 1).numpy())
    np.testing.assert_array_equal(y.sum(1).numpy(), x.sum(1).numpy())
    np.testing.assert_array_equal(y.reshape(2, -1).numpy(), x.reshape(2, -1).numpy())


def test_gradient_flows_through_a_channels_last_copy():
    autograd = pytest.importorskip("fx.autograd")
    x = ft.randn(2, 3, 4, 5, requires_grad=True)
    w = ft.randn(2, 3, 4, 5)
    y = x.contiguous(memory_format=ft.channels_last)
    assert y.grad_fn is not None and y._base is None and not y.is_leaf
    (y * w).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), w.numpy())
    z = ft.randn(2, 3, 4, 5, requires_grad=True)
    autograd.grad(z.clone(memory_format=ft.channels_last).square().sum(), z)
