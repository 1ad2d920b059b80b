"""pixel_shuffle / pixel_unshuffle and their layers vs PyTorch (values, gradients), round trips, errors."""

from __future__ import annotations

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn as nn
import fx.nn.functional as F
import fx.tensor as ft

_rng = np.random.default_rng(0)
SHUFFLE = [((1, 8, 3, 3), 2), ((2, 18, 2, 4), 3), ((9, 2, 3), 3), ((2, 3, 4, 5, 6), 1), ((2, 2, 12, 1, 2), 2)]
UNSHUFFLE = [((1, 2, 6, 4), 2), ((2, 1, 6, 9), 3), ((3, 4, 4), 2), ((2, 3, 2, 4, 6), 2)]


def _compare(fx_fn, torch_fn, shape, factor):
    torch = pytest.importorskip("torch")
    a = _rng.standard_normal(shape)
    x, tx = ft.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = fx_fn(x, factor), torch_fn(tx, factor)
    assert tuple(y.shape) == tuple(ty.shape)
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    w = _rng.standard_normal(tuple(ty.shape))
    (y * ft.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("shape,r", SHUFFLE)
def test_pixel_shuffle_matches_torch(shape, r):
    torch = pytest.importorskip("torch")
    _compare(F.pixel_shuffle, torch.nn.functional.pixel_shuffle, shape, r)
    _compare(lambda x, f: nn.PixelShuffle(f)(x), lambda x, f: torch.nn.PixelShuffle(f)(x), shape, r)


@pytest.mark.parametrize("shape,r", UNSHUFFLE)
def test_pixel_unshuffle_matches_torch(shape, r):
    torch = pytest.importorskip("torch")
    _compare(F.pixel_unshuffle, torch.nn.functional.pixel_unshuffle, shape, r)
    _compare(lambda x, f: nn.PixelUnshuffle(f)(x), lambda x, f: torch.nn.PixelUnshuffle(f)(x), shape, r)


def test_pixel_shuffle_places_channels_as_documented():
    # output (c, h * r + i, w * r + j) is input (c * r^2 + i * r + j, h, w)
    r, c, h, w = 2, 3, 2, 3
    x = ft.tensor(_rng.standard_normal((c * r * r, h, w)))
    y = F.pixel_shuffle(x, r).numpy()
    a = x.numpy()
    for ci, hi, wi, i, j in np.ndindex(c, h, w, r, r):
        assert y[ci, hi * r + i, wi * r + j] == a[ci * r * r + i * r + j, hi, wi]


@pytest.mark.parametrize("shape,r", [((2, 12, 3, 4), 2), ((5, 9, 2, 2), 3)])
def test_round_trip_and_gradcheck(shape, r):
    x = ft.tensor(_rng.standard_normal(shape), requires_grad=True)
    np.testing.assert_array_equal(F.pixel_unshuffle(F.pixel_shuffle(x, r), r).detach().numpy(), x.detach().numpy())
    small = ft.tensor(_rng.standard_normal((1, r * r, 2, 1)), requires_grad=True)
    assert ag.gradcheck(lambda t: F.pixel_shuffle(t, r), (small,))
    assert ag.gradcheck(lambda t: F.pixel_unshuffle(t, r), (ft.tensor(_rng.standard_normal((1, 1, r, 2 * r)),
                                                                      requires_grad=True),))


def test_empty_inputs_keep_the_documented_shape():
    # PyTorch 2.x returns an empty input of pixel_unshuffle unchanged and fails the backward of an empty
    # pixel_shuffle; fx follows the documented shapes
    x = ft.zeros(0, 4, 2, 2, requires_grad=True)
    y = F.pixel_shuffle(x, 2)
    assert y.shape == (0, 1, 4, 4)
    y.sum().backward()
    assert x.grad.shape == (0, 4, 2, 2)
    assert F.pixel_unshuffle(ft.zeros(0, 1, 2, 2), 2).shape == (0, 4, 1, 1)
    assert F.pixel_shuffle(ft.zeros(1, 0, 2, 3), 2).shape == (1, 0, 4, 6)


def test_layers_repr_and_integer_input():
    assert repr(nn.PixelShuffle(3)) == "PixelShuffle(upscale_factor=3)"
    assert repr(nn.PixelUnshuffle(2)) == "PixelUnshuffle(downscale_factor=2)"
    y = F.pixel_shuffle(ft.arange(8).reshape(1, 8, 1, 1), 2)
    assert y.dtype == ft.int64 and y.shape == (1, 2, 2, 2)


ERRORS = [
    (F.pixel_shuffle, (ft.zeros(8, 3), 2), RuntimeError, "at least 3 dimensions, but got input with 2 dimension"),
    (F.pixel_shuffle, (ft.zeros(1, 8, 3, 3), 0), RuntimeError, "expects a positive upscale_factor, but got 0"),
    (F.pixel_shuffle, (ft.zeros(1, 6, 3, 3), 2), RuntimeError, r"input.size\(-3\)=6 is not divisible by 4"),
    (F.pixel_shuffle, (ft.zeros(1, 8, 3, 3), 2.0), TypeError, "argument 'upscale_factor' .* must be int, not float"),
    (F.pixel_unshuffle, (ft.zeros(8), 2), RuntimeError, "at least 3 dimensions, but got input with 1 dimension"),
    (F.pixel_unshuffle, (ft.zeros(1, 8, 4, 4), -1), RuntimeError, "expects a positive downscale_factor, but got -1"),
    (F.pixel_unshuffle, (ft.zeros(1, 2, 3, 4), 2), RuntimeError, r"height .* input.size\(-2\)=3 is not divisible by 2"),
    (F.pixel_unshuffle, (ft.zeros(1, 2, 4, 3), 2), RuntimeError, r"width .* input.size\(-1\)=3 is not divisible by 2"),
]


@pytest.mark.parametrize("fn,args,exc,match", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_match_torch(fn, args, exc, match):
    with pytest.raises(exc, match=match):
        fn(*args)
    try:
        import torch
    except ImportError:
        return
    with pytest.raises(exc, match=match):
        getattr(torch.nn.functional, fn.__name__)(torch.from_numpy(args[0].numpy()), args[1])
