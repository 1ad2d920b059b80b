"""pdist, CosineSimilarity, PairwiseDistance, Fold and Unfold vs PyTorch (values, gradients), reprs, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn as nn
import fx.nn.functional as F
import fx.tensor as ft

_rng = np.random.default_rng(0)


def _compare(fx_fn, torch_fn, arrays, rtol=1e-10, atol=1e-12):
    torch = pytest.importorskip("torch")
    fi = [ft.tensor(a, requires_grad=True) for a in arrays]
    ti = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = fx_fn(*fi), torch_fn(*ti)
    assert tuple(y.shape) == tuple(ty.shape)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=rtol, atol=atol)
    w = _rng.standard_normal(tuple(ty.shape))
    (y * ft.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    for a, b in zip(fi, ti):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("p", [0, 0.5, 1, 2, 3, math.inf])
@pytest.mark.parametrize("shape", [(5, 3), (1, 4), (3, 0), (6, 1)])  # (0, M): PyTorch 2.x crashes in backward
def test_pdist_matches_torch(shape, p):
    torch = pytest.importorskip("torch")
    _compare(lambda x: F.pdist(x, p), lambda x: torch.nn.functional.pdist(x, p), [_rng.standard_normal(shape)])


def test_pdist_repeated_rows_and_layout():
    torch = pytest.importorskip("torch")
    a = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.0, 5.0, 1.0]])  # a zero distance: gradient 0, not NaN
    for p in (0.5, 1, 2, 3):
        _compare(lambda x: F.pdist(x, p), lambda x: torch.nn.functional.pdist(x, p), [a])
    _compare(lambda x: F.pdist(x.t()), lambda x: torch.nn.functional.pdist(x.t()), [_rng.standard_normal((3, 5))])


def test_pdist_of_no_rows():
    x = ft.zeros(0, 4, requires_grad=True)
    y = F.pdist(x)
    assert y.shape == (0,)
    y.sum().backward()
    assert x.grad.shape == (0, 4)


def test_pdist_is_the_condensed_distance_matrix():
    a = _rng.standard_normal((6, 4))
    full = np.linalg.norm(a[:, None] - a[None], axis=-1)
    np.testing.assert_allclose(F.pdist(ft.tensor(a)).numpy(), full[np.triu_indices(6, 1)], rtol=1e-12)
    x = ft.tensor(_rng.standard_normal((4, 3)), requires_grad=True)
    assert ag.gradcheck(F.pdist, (x,)) and ag.gradgradcheck(F.pdist, (x,))


@pytest.mark.parametrize("args,exc,match", [
    ((ft.zeros(3),), RuntimeError, "pdist only supports 2D tensors, got: 1D"),
    ((ft.zeros(2, 3, 4),), RuntimeError, "pdist only supports 2D tensors, got: 3D"),
    ((ft.zeros(3, 4), -1), RuntimeError, "pdist only supports non-negative p values"),
    ((ft.zeros(3, 4, dtype=ft.int64),), RuntimeError, "pdist only supports floating-point dtypes"),
])
def test_pdist_errors(args, exc, match):
    with pytest.raises(exc, match=match):
        F.pdist(*args)


@pytest.mark.parametrize("kw,s1,s2", [(dict(), (4, 5), (4, 5)), (dict(dim=-1, eps=1e-3), (3, 1, 6), (4, 6)),
                                      (dict(dim=0), (5,), (5,))])
def test_cosine_similarity_layer(kw, s1, s2):
    torch = pytest.importorskip("torch")
    layer, ref = nn.CosineSimilarity(**kw), torch.nn.CosineSimilarity(**kw)
    assert repr(layer) == repr(ref) and layer.dim == ref.dim and layer.eps == ref.eps
    _compare(layer, ref, [_rng.standard_normal(s1), _rng.standard_normal(s2)])


@pytest.mark.parametrize("kw,s1,s2", [(dict(), (4, 5), (4, 5)), (dict(p=1.0, keepdim=True), (4, 5), (5,)),
                                      (dict(p=3.0, eps=0.0), (6,), (6,))])
def test_pairwise_distance_layer(kw, s1, s2):
    torch = pytest.importorskip("torch")
    layer, ref = nn.PairwiseDistance(**kw), torch.nn.PairwiseDistance(**kw)
    assert repr(layer) == repr(ref) and (layer.norm, layer.eps, layer.keepdim) == (ref.norm, ref.eps, ref.keepdim)
    _compare(layer, ref, [_rng.standard_normal(s1), _rng.standard_normal(s2)])


def test_distance_layers_without_torch():
    x1, x2 = ft.tensor([[3.0, 4.0], [1.0, 0.0]]), ft.tensor([[0.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(nn.PairwiseDistance(eps=0.0)(x1, x2).numpy(), [5.0, math.sqrt(2)])
    np.testing.assert_allclose(nn.CosineSimilarity()(x1, ft.tensor([[6.0, 8.0], [0.0, 2.0]])).numpy(), [1.0, 0.0])


@pytest.mark.parametrize("kw,shape", [(dict(kernel_size=2), (2, 3, 4, 5)),
                                      (dict(kernel_size=(2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), (1, 2, 5, 6)),
                                      (dict(kernel_size=3, padding=1), (2, 4, 4))])
def test_unfold_layer(kw, shape):
    torch = pytest.importorskip("torch")
    layer, ref = nn.Unfold(**kw), torch.nn.Unfold(**kw)
    assert repr(layer) == repr(ref)
    _compare(layer, ref, [_rng.standard_normal(shape)])


@pytest.mark.parametrize("kw,shape", [(dict(output_size=(4, 5), kernel_size=2), (2, 12, 12)),
                                      (dict(output_size=5, kernel_size=(2, 3), padding=1, stride=(2, 1)), (1, 12, 15)),
                                      (dict(output_size=(3, 3), kernel_size=2, dilation=2, padding=1), (8, 9))])
def test_fold_layer(kw, shape):
    torch = pytest.importorskip("torch")
    layer, ref = nn.Fold(**kw), torch.nn.Fold(**kw)
    assert repr(layer) == repr(ref)
    _compare(layer, ref, [_rng.standard_normal(shape)])


def test_fold_of_unfold_counts_coverage_and_errors():
    x = ft.tensor(_rng.standard_normal((1, 2, 4, 4)))
    unfold, fold = nn.Unfold(2, stride=1), nn.Fold((4, 4), 2, stride=1)
    cover = fold(unfold(ft.ones(1, 2, 4, 4)))
    np.testing.assert_allclose(fold(unfold(x)).numpy(), (x * cover).numpy(), rtol=1e-12)
    with pytest.raises(RuntimeError, match="divisible by the product of kernel_size"):
        nn.Fold((4, 4), 2)(ft.zeros(1, 5, 9))
    with pytest.raises(NotImplementedError, match="Only 3D or 4D input"):
        nn.Unfold(2)(ft.zeros(2, 2))
