"""affine_grid and grid_sample vs PyTorch (outputs, gradients w.r.t. input, grid and theta) over every mode,
padding mode and align_corners, at random and at exact border points; gradcheck; errors."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn.functional as F
import fx.tensor as ft

_rng = np.random.default_rng(0)
CONFIGS = [(dims, mode, pad, ac) for dims, mode, pad, ac in itertools.product(
    (2, 3), ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection"), (True, False))
    if not (dims == 3 and mode == "bicubic")]
_SHAPES = {2: ((2, 3, 4, 5), (2, 6, 7, 2)), 3: ((2, 3, 3, 4, 5), (2, 3, 4, 2, 3))}


def _ids(c):
    return f"{c[0]}d-{c[1]}-{c[2]}-{'ac' if c[3] else 'noac'}"


def _compare(x, g, mode, pad, ac, rtol, atol):
    """grid_sample of fx and torch on the same arrays: output and the gradients of <out, w>."""
    torch = pytest.importorskip("torch")
    fx_x, fx_g = ft.tensor(x, requires_grad=True), ft.tensor(g, requires_grad=True)
    t_x, t_g = torch.tensor(x, requires_grad=True), torch.tensor(g, requires_grad=True)
    out = F.grid_sample(fx_x, fx_g, mode=mode, padding_mode=pad, align_corners=ac)
    ref = torch.nn.functional.grid_sample(t_x, t_g, mode=mode, padding_mode=pad, align_corners=ac)
    assert tuple(out.shape) == tuple(ref.shape) and out.dtype == fx_x.dtype
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=rtol, atol=atol)
    w = _rng.standard_normal(tuple(ref.shape)).astype(x.dtype)
    (out * ft.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(fx_x.grad.numpy(), t_x.grad.numpy(), rtol=rtol, atol=atol)
    assert fx_g.grad is not None  # a zero gradient (nearest), not a missing one, as in PyTorch
    np.testing.assert_allclose(fx_g.grad.numpy(), t_g.grad.numpy(), rtol=rtol, atol=atol * 20)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
def test_grid_sample_matches_torch_at_random_points(config, dtype):
    dims, mode, pad, ac = config
    shape, gshape = _SHAPES[dims]
    x = _rng.standard_normal(shape).astype(dtype)
    g = _rng.uniform(-1.6, 1.6, gshape).astype(dtype)  # some points fall outside the input
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=2e-6)
    _compare(x, g, mode, pad, ac, **tol)


@pytest.mark.parametrize("hw", [(4, 5), (1, 3), (1, 1)], ids=["4x5", "1x3", "1x1"])
@pytest.mark.parametrize("config", [c for c in CONFIGS if c[0] == 2], ids=_ids)
def test_grid_sample_matches_torch_on_borders_and_pixel_centres(config, hw):
    """Exact coordinates: corners, borders, pixel centres and half-way points, where padding's gradient
    conventions (a clipped border passes none) and nearest's rounding ties show."""
    _, mode, pad, ac = config
    vals = np.array([-3, -2, -1.5, -1.25, -1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3])
    gx, gy = np.meshgrid(vals, vals)
    g = np.stack([gx, gy], -1)[None]
    x = _rng.standard_normal((1, 2) + hw)
    _compare(x, g, mode, pad, ac, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode,pad,ac", [("bilinear", "zeros", False), ("bilinear", "reflection", True),
                                         ("bicubic", "border", False), ("nearest", "zeros", True)])
def test_grid_sample_gradcheck(mode, pad, ac):
    x = ft.tensor(_rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    g = ft.tensor(_rng.uniform(-1.3, 1.3, (1, 2, 3, 2)), requires_grad=True)
    fn = lambda a, b: F.grid_sample(a, b, mode=mode, padding_mode=pad, align_corners=ac)  # noqa: E731
    assert ag.gradcheck(fn, (x, g))
    assert ag.gradgradcheck(fn, (x, g))


@pytest.mark.parametrize("ac", [True, False])
def test_identity_grid_reproduces_the_input(ac):
    x = ft.tensor(_rng.standard_normal((2, 3, 5, 7)))
    theta = ft.tensor([[[1.0, 0, 0], [0, 1.0, 0]]] * 2, dtype=ft.float64)
    grid = F.affine_grid(theta, (2, 3, 5, 7), align_corners=ac)
    for mode in ("bilinear", "nearest", "bicubic"):
        np.testing.assert_allclose(F.grid_sample(x, grid, mode=mode, align_corners=ac).numpy(), x.numpy(), atol=1e-12)
    x3 = ft.tensor(_rng.standard_normal((1, 2, 3, 4, 5)))
    grid3 = F.affine_grid(ft.eye(3, 4, dtype=ft.float64)[None], (1, 2, 3, 4, 5), align_corners=ac)
    np.testing.assert_allclose(F.grid_sample(x3, grid3, align_corners=ac).numpy(), x3.numpy(), atol=1e-12)


def test_translation_by_one_pixel_shifts_the_image():
    x = ft.arange(12.0).reshape(1, 1, 3, 4)
    theta = ft.tensor([[[1.0, 0.0, 0.5], [0.0, 1.0, 0.0]]])  # x + 0.5 in normalised units: one pixel of 4
    out = F.grid_sample(x, F.affine_grid(theta, (1, 1, 3, 4), align_corners=False), align_corners=False)
    np.testing.assert_array_equal(out[0, 0, :, :3].numpy(), x[0, 0, :, 1:].numpy())
    np.testing.assert_array_equal(out[0, 0, :, 3].numpy(), [0.0, 0.0, 0.0])  # read beyond the border: zeros


def test_empty_batch_channels_and_output():
    x, g = ft.zeros(2, 3, 4, 5), ft.zeros(2, 6, 7, 2)
    assert F.grid_sample(x[:0], g[:0], align_corners=False).shape == (0, 3, 6, 7)
    assert F.grid_sample(x[:, :0], g, align_corners=False).shape == (2, 0, 6, 7)
    assert F.grid_sample(x, g[:, :0], align_corners=False).shape == (2, 3, 0, 7)


def test_low_precision_follows_float32():
    x = _rng.standard_normal((1, 2, 4, 5)).astype(np.float32)
    g = _rng.uniform(-1, 1, (1, 3, 3, 2)).astype(np.float32)
    ref = F.grid_sample(ft.tensor(x), ft.tensor(g), align_corners=False).numpy()
    for dt in (ft.float16, ft.bfloat16):
        out = F.grid_sample(ft.tensor(x).to(dt), ft.tensor(g).to(dt), align_corners=False)
        assert out.dtype == dt
        np.testing.assert_allclose(out.float().numpy(), ref, atol=0.05)


@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 3), (2, 1, 3, 4, 5), (2, 1, 1, 1, 2)])
@pytest.mark.parametrize("ac", [True, False])
def test_affine_grid_matches_torch(size, ac):
    torch = pytest.importorskip("torch")
    k = len(size) - 2
    th = _rng.standard_normal((2, k, k + 1))
    a, b = ft.tensor(th, requires_grad=True), torch.tensor(th, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # align_corners=True with a unit-size dim warns in both
        out, ref = F.affine_grid(a, size, align_corners=ac), torch.nn.functional.affine_grid(b, size, align_corners=ac)
        f32 = F.affine_grid(ft.tensor(th, dtype=ft.float32), size, ac)
        t32 = torch.nn.functional.affine_grid(torch.tensor(th, dtype=torch.float32), size, ac)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    w = _rng.standard_normal(tuple(ref.shape))
    (out * ft.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert f32.dtype == ft.float32
    np.testing.assert_allclose(f32.numpy(), t32.numpy(), atol=3e-7)


def test_affine_grid_gradcheck_through_grid_sample():
    x = ft.tensor(_rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    theta = ft.tensor([[[0.93, 0.21, 0.07], [-0.13, 1.07, 0.04]]], dtype=ft.float64, requires_grad=True)  # no point on a pixel line
    fn = lambda a, t: F.grid_sample(a, F.affine_grid(t, (1, 2, 3, 3), align_corners=False), align_corners=False)  # noqa: E731
    assert ag.gradcheck(fn, (x, theta))


def test_align_corners_default_warns():
    x, g = ft.zeros(1, 1, 2, 2), ft.zeros(1, 1, 1, 2)
    with pytest.warns(UserWarning, match="align_corners=False"):
        F.grid_sample(x, g)
    with pytest.warns(UserWarning, match="align_corners=False"):
        F.affine_grid(ft.zeros(1, 2, 3), (1, 1, 2, 2))
    with pytest.warns(UserWarning, match="unit-size"):
        F.affine_grid(ft.zeros(1, 2, 3), (1, 1, 1, 2), align_corners=True)


_X, _G = ft.zeros(2, 3, 4, 5), ft.zeros(2, 6, 7, 2)
SAMPLE_ERRORS = [
    (dict(input=_X, grid=_G, mode="linear"), ValueError, "expected mode to be 'bilinear', 'nearest' or 'bicubic'"),
    (dict(input=_X, grid=_G, padding_mode="wrap"), ValueError, "expected padding_mode to be 'zeros', 'border'"),
    (dict(input=_X[:1], grid=_G), RuntimeError, "same batch size"),
    (dict(input=_X, grid=_G[..., :1]), RuntimeError, "expected grid to have size 2 in last dimension"),
    (dict(input=_X, grid=_G[0]), RuntimeError, r"expected 4D or 5D input|same batch size"),
    (dict(input=ft.zeros(2, 3, 0, 5), grid=_G), RuntimeError, "non-empty spatial dimensions"),
    (dict(input=ft.zeros(2, 3, 2, 4, 5), grid=ft.zeros(2, 1, 1, 1, 3), mode="bicubic"), RuntimeError,
     "bicubic interpolation only supports 4D input"),
    (dict(input=_X, grid=_G.double()), RuntimeError, "same dtype|expected scalar type"),
    (dict(input=_X.long(), grid=_G.long()), NotImplementedError, "not implemented"),
    (dict(input=_X, grid=1.0), TypeError, "must be Tensor"),
]


@pytest.mark.parametrize("kwargs,exc,match", SAMPLE_ERRORS, ids=[str(i) for i in range(len(SAMPLE_ERRORS))])
def test_grid_sample_errors(kwargs, exc, match):
    kwargs = dict(kwargs, align_corners=False)
    with pytest.raises(exc, match=match):
        F.grid_sample(**kwargs)
    try:
        import torch
    except ImportError:
        return
    tk = {k: (torch.from_numpy(v.numpy()) if isinstance(v, ft.Tensor) else v) for k, v in kwargs.items()}
    with pytest.raises(exc):  # PyTorch raises the same type
        torch.nn.functional.grid_sample(**tk)


AFFINE_ERRORS = [
    ((ft.zeros(2, 2, 3, dtype=ft.int64), (2, 1, 4, 5)), ValueError, "floating point type"),
    ((ft.zeros(2, 3, 4), (2, 1, 4, 5)), ValueError, "2D affine matrices of shape Nx2x3"),
    ((ft.zeros(2, 2, 3), (2, 1, 4, 5, 6)), ValueError, "3D affine matrices of shape Nx3x4"),
    ((ft.zeros(2, 2, 3), (2, 1, 4)), NotImplementedError, "only supports 4D and 5D sizes"),
    ((ft.zeros(2, 2, 3), (2, 1, 0, 5)), ValueError, "non-zero, positive output size"),
    ((ft.zeros(2, 2, 3), (3, 1, 4, 5)), RuntimeError, "batch"),
]


@pytest.mark.parametrize("args,exc,match", AFFINE_ERRORS, ids=[str(i) for i in range(len(AFFINE_ERRORS))])
def test_affine_grid_errors(args, exc, match):
    with pytest.raises(exc, match=match):
        F.affine_grid(*args, align_corners=False)
    try:
        import torch
    except ImportError:
        return
    with pytest.raises(exc):
        torch.nn.functional.affine_grid(torch.from_numpy(args[0].numpy()), args[1], align_corners=False)
