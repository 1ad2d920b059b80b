"""one_hot, pad, normalize, cosine_similarity, pairwise_distance, interpolate, unfold/fold vs PyTorch."""

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft
import fx.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(0)


def _check(ffn, tfn, shapes, rtol=1e-6, atol=1e-8, **kw):
    arrays = [RNG.standard_normal(s) for s in shapes]
    fi = [ft.tensor(a, requires_grad=True) for a in arrays]
    ti = [torch.tensor(a, requires_grad=True) for a in arrays]
    fo, to = ffn(*fi, **kw), tfn(*ti, **kw)
    assert tuple(fo.shape) == tuple(to.shape)
    np.testing.assert_allclose(fo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
    w = RNG.standard_normal(tuple(to.shape))
    (fo * ft.tensor(w)).sum().backward()
    (to * torch.tensor(w)).sum().backward()
    for a, b in zip(fi, ti):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol)


def test_one_hot():
    x = ft.tensor([[0, 2], [1, 3]])
    np.testing.assert_array_equal(F.one_hot(x).numpy(), TF.one_hot(torch.tensor(x.numpy())).numpy())
    assert F.one_hot(x, 6).shape == (2, 2, 6) and F.one_hot(x).dtype == ft.int64
    assert F.one_hot(ft.tensor([], dtype=ft.int64), 3).shape == (0, 3)
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(ft.tensor([1.0]))
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(ft.tensor([3]), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(ft.tensor([-1]), 3)
    with pytest.raises(RuntimeError, match="empty tensor"):
        F.one_hot(ft.tensor([], dtype=ft.int64))


@pytest.mark.parametrize("p,dim", [(2.0, 1), (1.0, 0), (3.0, -1)])
def test_normalize(p, dim):
    _check(F.normalize, TF.normalize, [(3, 4, 2)], p=p, dim=dim)


@pytest.mark.parametrize("s1,s2,dim", [((4, 5), (4, 5), 1), ((3, 1, 6), (4, 6), -1), ((2, 3), (2, 3), 0)])
def test_cosine_similarity(s1, s2, dim):
    _check(F.cosine_similarity, TF.cosine_similarity, [s1, s2], dim=dim)


@pytest.mark.parametrize("s1,s2,p,keepdim", [((4, 5), (4, 5), 2.0, False), ((4, 5), (5,), 1.0, True),
                                              ((3, 2, 4), (3, 2, 4), 3.0, False)])
def test_pairwise_distance(s1, s2, p, keepdim):
    _check(F.pairwise_distance, TF.pairwise_distance, [s1, s2], p=p, keepdim=keepdim)


def test_pad_is_tensor_pad():
    _check(lambda x: F.pad(x, (1, 2, 0, 1), value=0.5), lambda x: TF.pad(x, (1, 2, 0, 1), value=0.5), [(2, 3, 4)])
    _check(lambda x: F.pad(x, (2, 1), mode="reflect"), lambda x: TF.pad(x, (2, 1), mode="reflect"), [(2, 3, 4)])


INTERP = [
    ((1, 2, 5), dict(size=9, mode="nearest")),
    ((1, 2, 5), dict(scale_factor=2.5, mode="nearest")),
    ((2, 3, 4, 5), dict(size=(7, 3), mode="nearest")),
    ((2, 3, 4, 5), dict(scale_factor=2, mode="nearest")),
    ((2, 3, 7, 5), dict(size=(3, 4), mode="nearest-exact")),
    ((2, 3, 4, 5), dict(size=(7, 8), mode="bilinear", align_corners=False)),
    ((2, 3, 4, 5), dict(size=(7, 8), mode="bilinear", align_corners=True)),
    ((2, 3, 8, 6), dict(size=(3, 4), mode="bilinear", align_corners=False)),
    ((2, 3, 4, 5), dict(scale_factor=(1.5, 2.3), mode="bilinear")),
    ((2, 3, 4, 5), dict(scale_factor=1.7, mode="bilinear", recompute_scale_factor=True)),
    ((1, 2, 6), dict(size=11, mode="linear", align_corners=True)),
    ((1, 2, 3, 4, 5), dict(size=(2, 6, 3), mode="trilinear")),
    ((1, 1, 4, 4), dict(size=(1, 1), mode="bilinear", align_corners=True)),
]


@pytest.mark.parametrize("shape,kw", INTERP)
def test_interpolate_vs_torch(shape, kw):
    _check(F.interpolate, TF.interpolate, [shape], rtol=1e-6, atol=1e-10, **kw)


def test_interpolate_float32_digits_upsample():
    a = RNG.standard_normal((4, 1, 8, 8)).astype(np.float32)
    f = F.interpolate(ft.tensor(a), size=(32, 32), mode="bilinear", align_corners=False)
    t = TF.interpolate(torch.tensor(a), size=(32, 32), mode="bilinear", align_corners=False)
    np.testing.assert_allclose(f.numpy(), t.numpy(), rtol=1e-5, atol=1e-6)


def test_interpolate_errors():
    x = ft.randn(1, 2, 4, 4)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=3, scale_factor=2)
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x, size=3, align_corners=True)
    with pytest.raises(NotImplementedError, match="bilinear mode needs 4D input"):
        F.interpolate(ft.randn(1, 2, 4), size=3, mode="bilinear")
    with pytest.raises(ValueError, match="same number of spatial dimensions"):
        F.interpolate(x, size=(2, 3, 4))


def test_interpolate_gradcheck():
    x = ft.randn(1, 2, 3, 3, dtype=ft.float64, requires_grad=True)
    assert ag.gradcheck(lambda t: F.interpolate(t, size=(5, 4), mode="bilinear"), (x,))
    assert ag.gradcheck(lambda t: F.interpolate(t, scale_factor=2, mode="nearest"), (x,))


UNFOLD = [
    ((2, 3, 5, 6), dict(kernel_size=2)),
    ((2, 3, 5, 6), dict(kernel_size=(2, 3), stride=2, padding=1)),
    ((1, 2, 7, 7), dict(kernel_size=3, dilation=2, padding=(1, 0), stride=(1, 2))),
    ((2, 5, 5), dict(kernel_size=3)),
]


@pytest.mark.parametrize("shape,kw", UNFOLD)
def test_unfold_vs_torch(shape, kw):
    _check(F.unfold, TF.unfold, [shape], **kw)


@pytest.mark.parametrize("shape,kw", UNFOLD)
def test_fold_vs_torch(shape, kw):
    cols = TF.unfold(torch.zeros(shape), **kw).shape
    _check(F.fold, TF.fold, [tuple(cols)], output_size=shape[-2:], **kw)


def test_fold_unfold_errors():
    with pytest.raises(RuntimeError, match="divisible by the product of kernel_size"):
        F.fold(ft.randn(1, 5, 9), (4, 4), 2)
    with pytest.raises(RuntimeError, match="calculated number of sliding blocks"):
        F.fold(ft.randn(1, 4, 8), (4, 4), 2)
    with pytest.raises(RuntimeError, match="components must be at least one"):
        F.unfold(ft.randn(1, 1, 2, 2), 3)
    with pytest.raises(NotImplementedError, match="Only 3D or 4D"):
        F.unfold(ft.randn(2, 2), 1)
    with pytest.raises(RuntimeError, match="kernel size should be greater than zero"):
        F.unfold(ft.randn(1, 1, 3, 3), 0)
