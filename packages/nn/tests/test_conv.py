"""Convolutions: F.conv1d/conv2d/conv_transpose1d/conv_transpose2d and the Conv layers vs PyTorch."""

import math
import warnings

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn as nn
import fx.nn.functional as F
import fx.tensor as ft

torch = pytest.importorskip("torch")
TF = torch.nn.functional

RNG = np.random.default_rng(0)
TOL = {np.float32: dict(rtol=2e-4, atol=2e-4), np.float64: dict(rtol=1e-10, atol=1e-10)}


def _arr(shape, dtype):
    return RNG.standard_normal(shape).astype(dtype)


def _check(fx_fn, torch_fn, arrays, dtype, noncontig=False, **kw):
    """Output and gradients of every input of fx_fn vs torch_fn (a weighted sum as the loss)."""
    fx_in, t_in = [], []
    for a in arrays:
        if a is None:
            fx_in.append(None), t_in.append(None)
            continue
        if noncontig and a.ndim >= 3:  # the same values through a transposed view
            base = np.ascontiguousarray(np.swapaxes(a, -1, -2))
            f = ft.tensor(base, requires_grad=True)
            fx_in.append((f, f.transpose(-1, -2)))
        else:
            f = ft.tensor(a, requires_grad=True)
            fx_in.append((f, f))
        t_in.append(torch.tensor(a, requires_grad=True))
    y = fx_fn(*[None if p is None else p[1] for p in fx_in], **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: 'same' with an even kernel copies the input
        yt = torch_fn(*t_in, **kw)
    assert tuple(y.shape) == tuple(yt.shape)
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), **TOL[dtype])
    g = _arr(tuple(yt.shape), dtype)
    (y * ft.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    for i, (p, t) in enumerate(zip(fx_in, t_in)):
        if p is None:
            continue
        grad = p[0].grad.numpy()
        if noncontig and t.dim() >= 3:
            grad = np.swapaxes(grad, -1, -2)
        np.testing.assert_allclose(grad, t.grad.numpy(), err_msg=f"grad of input {i}", **TOL[dtype])


CONV2D = [  # x shape, w shape, kwargs, bias
    ((2, 3, 7, 9), (4, 3, 3, 3), {}, True),
    ((2, 3, 7, 9), (4, 3, 3, 3), {"padding": 1}, False),
    ((1, 4, 10, 11), (6, 2, 3, 2), {"stride": 2, "padding": (1, 2), "groups": 2}, True),
    ((2, 3, 9, 8), (5, 3, 2, 3), {"stride": (3, 1), "dilation": (2, 1)}, True),
    ((2, 6, 8, 8), (6, 1, 3, 3), {"padding": 1, "groups": 6}, True),  # depthwise
    ((1, 4, 9, 9), (8, 1, 3, 3), {"padding": 2, "dilation": 2, "groups": 4}, False),  # depth multiplier 2
    ((2, 3, 6, 7), (4, 3, 4, 2), {"padding": "same"}, True),  # even kernel: asymmetric padding
    ((2, 3, 6, 7), (4, 3, 3, 3), {"padding": "same", "dilation": (2, 3)}, False),
    ((2, 3, 6, 7), (4, 3, 3, 3), {"padding": "valid"}, True),
    ((1, 1, 1, 1), (1, 1, 1, 1), {}, True),
    ((3, 5, 13, 29), (17, 5, 3, 5), {"padding": (2, 1)}, True),  # C kernel: row/channel/tap tails
    ((2, 16, 20, 40), (24, 16, 3, 3), {"padding": 1}, True),  # several tiles of every kind
    ((1, 2, 5, 5), (3, 2, 5, 5), {"padding": 6}, True),  # padding wider than the kernel reach
    ((4, 8, 12, 12), (2, 8, 3, 3), {"padding": 1}, True),  # few output channels: narrow tiles
    ((2, 3, 1, 30), (4, 3, 1, 4), {"stride": (1, 2)}, True),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs, ws, kw, bias", CONV2D)
def test_conv2d_vs_torch(xs, ws, kw, bias, dtype):
    arrays = [_arr(xs, dtype), _arr(ws, dtype), _arr(ws[0], dtype) if bias else None]
    _check(F.conv2d, TF.conv2d, arrays, dtype, **kw)


@pytest.mark.parametrize("xs, ws, kw, bias", [CONV2D[1], CONV2D[2], CONV2D[6], CONV2D[10]])
def test_conv2d_noncontiguous(xs, ws, kw, bias):
    arrays = [_arr(xs, np.float32), _arr(ws, np.float32), _arr(ws[0], np.float32) if bias else None]
    _check(F.conv2d, TF.conv2d, arrays, np.float32, noncontig=True, **kw)


CONV1D = [
    ((2, 3, 9), (4, 3, 3), {}, True),
    ((1, 4, 17), (6, 2, 4), {"stride": 3, "padding": 2, "groups": 2}, True),
    ((2, 3, 10), (5, 3, 2), {"padding": "same", "dilation": 3}, False),
    ((2, 4, 33), (4, 1, 5), {"padding": 2, "groups": 4}, True),
    ((3, 7), (2, 3, 3), {}, True),  # unbatched
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs, ws, kw, bias", CONV1D)
def test_conv1d_vs_torch(xs, ws, kw, bias, dtype):
    arrays = [_arr(xs, dtype), _arr(ws, dtype), _arr(ws[0], dtype) if bias else None]
    _check(F.conv1d, TF.conv1d, arrays, dtype, **kw)


CONV_T2D = [
    ((2, 4, 5, 6), (4, 3, 3, 3), {}, True),
    ((2, 4, 5, 6), (4, 3, 3, 3), {"padding": 1}, False),
    ((1, 4, 4, 5), (4, 2, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}, True),
    ((2, 3, 4, 4), (3, 2, 4, 4), {"stride": 2, "padding": 1}, True),
    ((1, 3, 4, 5), (3, 2, 3, 2), {"dilation": 2, "padding": (1, 0), "output_padding": 1}, True),
    ((2, 3, 5, 5), (3, 2, 2, 3), {"stride": (1, 3), "dilation": (2, 1), "output_padding": (1, 2)}, False),
    ((2, 6, 6, 6), (6, 1, 3, 3), {"padding": 1, "groups": 6}, True),
    ((2, 16, 9, 20), (16, 5, 3, 3), {"padding": 1}, True),  # the C path (stride 1)
    ((3, 4, 4), (3, 2, 3, 3), {}, True),  # unbatched
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs, ws, kw, bias", CONV_T2D)
def test_conv_transpose2d_vs_torch(xs, ws, kw, bias, dtype):
    arrays = [_arr(xs, dtype), _arr(ws, dtype), _arr(ws[1] * kw.get("groups", 1), dtype) if bias else None]
    _check(F.conv_transpose2d, TF.conv_transpose2d, arrays, dtype, **kw)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs, ws, kw", [
    ((2, 4, 7), (4, 3, 3), {}),
    ((2, 4, 7), (4, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    ((1, 4, 9), (4, 1, 5), {"groups": 2, "dilation": 2, "padding": 3}),
])
def test_conv_transpose1d_vs_torch(xs, ws, kw, dtype):
    bias = _arr(ws[1] * kw.get("groups", 1), dtype)
    _check(F.conv_transpose1d, TF.conv_transpose1d, [_arr(xs, dtype), _arr(ws, dtype), bias], dtype, **kw)


def test_batch_of_images_uses_every_path_alike():
    """Many images (per-image tasks, two images per weight-gradient task, an odd one last) and one
    at a time (whole-input padding, channel-split tasks) agree."""
    x, w = _arr((41, 8, 9, 9), np.float32), _arr((12, 8, 3, 3), np.float32)
    xf, wf = ft.tensor(x, requires_grad=True), ft.tensor(w, requires_grad=True)
    F.conv2d(xf, wf, padding=1).sum().backward()
    ys, gws = [], np.zeros_like(w)
    for i in range(41):
        xi, wi = ft.tensor(x[i:i + 1], requires_grad=True), ft.tensor(w, requires_grad=True)
        y = F.conv2d(xi, wi, padding=1)
        y.sum().backward()
        ys.append(xi.grad.numpy())
        gws += wi.grad.numpy()
    np.testing.assert_allclose(xf.grad.numpy(), np.concatenate(ys), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(wf.grad.numpy(), gws, rtol=1e-4, atol=1e-3)


def test_empty_batch_and_dtypes():
    y = F.conv2d(ft.zeros(0, 3, 5, 5), ft.randn(4, 3, 3, 3), ft.randn(4))
    assert tuple(y.shape) == (0, 4, 3, 3)
    xi, wi = ft.randint(-3, 4, (1, 2, 4, 4)), ft.randint(-3, 4, (3, 2, 2, 2))
    yi = F.conv2d(xi, wi)
    assert yi.dtype == ft.int64
    np.testing.assert_array_equal(yi.numpy(), TF.conv2d(torch.tensor(xi.numpy()), torch.tensor(wi.numpy())).numpy())
    xh = _arr((1, 3, 6, 6), np.float32)
    wh = _arr((2, 3, 3, 3), np.float32)
    for dt, tdt in ((ft.float16, torch.float16), (ft.bfloat16, torch.bfloat16)):
        y = F.conv2d(ft.tensor(xh).to(dt), ft.tensor(wh).to(dt), padding=1)
        assert y.dtype == dt
        ref = TF.conv2d(torch.tensor(xh).to(tdt).float(), torch.tensor(wh).to(tdt).float(), padding=1)
        np.testing.assert_allclose(y.float().numpy(), ref.numpy(), rtol=2e-2, atol=2e-2)


# ---- gradcheck (float64, tiny shapes): first and second derivatives -------------------------------
GRADCHECK = [
    (F.conv2d, (1, 2, 4, 4), (2, 1, 2, 3), 2, {"padding": (1, 0), "groups": 2}),
    (F.conv2d, (2, 2, 5, 4), (3, 2, 2, 2), 3, {"stride": 2, "dilation": (1, 2), "padding": 1}),
    (F.conv1d, (1, 2, 6), (2, 2, 3), 2, {"stride": 2, "padding": "valid"}),
    (F.conv1d, (2, 1, 5), (2, 1, 2), 2, {"padding": "same", "dilation": 2}),
    (F.conv_transpose2d, (1, 2, 3, 2), (2, 2, 2, 2), 2, {"stride": 2, "output_padding": 1, "padding": (1, 0)}),
    (F.conv_transpose2d, (1, 2, 2, 3), (2, 1, 3, 2), 2, {"dilation": 2, "output_padding": 1, "groups": 2}),
    (F.conv_transpose1d, (1, 2, 4), (2, 2, 3), 2, {"stride": 3, "padding": 1, "output_padding": 2}),
]


@pytest.mark.parametrize("fn, xs, ws, nb, kw", GRADCHECK)
def test_gradcheck(fn, xs, ws, nb, kw):
    args = tuple(ft.tensor(_arr(s, np.float64), requires_grad=True) for s in (xs, ws, (nb,)))
    f = lambda x, w, b: fn(x, w, b, **kw)  # noqa: E731
    assert ag.gradcheck(f, args)
    assert ag.gradgradcheck(f, args)


def test_float32_third_derivative_runs_through_the_c_kernels():
    """grad of grad of grad: every derivative is a conv primitive again (C kernels in float32)."""
    x = ft.tensor(_arr((2, 3, 6, 6), np.float64), requires_grad=True)
    w = ft.tensor(_arr((4, 3, 3, 3), np.float64), requires_grad=True)
    (gx,) = ag.grad(F.conv2d(x, w, padding=1).pow(2).sum(), (x,), create_graph=True)
    (gw,) = ag.grad(gx.pow(2).sum(), (w,), create_graph=True)
    (gx2,) = ag.grad(gw.sum(), (x,))
    xt, wt = (torch.tensor(a.detach().numpy(), requires_grad=True) for a in (x, w))
    (tx,) = torch.autograd.grad(TF.conv2d(xt, wt, padding=1).pow(2).sum(), (xt,), create_graph=True)
    (tw,) = torch.autograd.grad(tx.pow(2).sum(), (wt,), create_graph=True)
    (tx2,) = torch.autograd.grad(tw.sum(), (xt,))
    np.testing.assert_allclose(gx2.numpy(), tx2.numpy(), rtol=1e-9, atol=1e-9)


# ---- errors ------------------------------------------------------------------------------------
def _raises(exc, match, fn, *args, **kw):
    with pytest.raises(exc, match=match):
        fn(*args, **kw)


def test_errors_like_torch():
    x, w = ft.randn(32, 4, 32, 32), ft.randn(32, 3, 3, 3)
    _raises(RuntimeError, r"Given groups=1, weight of size \[32, 3, 3, 3\], expected input\[32, 4, 32, 32\] to have "
            r"3 channels, but got 4 channels instead", F.conv2d, x, w)
    _raises(RuntimeError, r"Calculated padded input size per channel: \(2 x 2\)\. Kernel size: \(3 x 3\)\. Kernel "
            r"size can't be greater than actual input size", F.conv2d, ft.randn(1, 3, 2, 2), w)
    _raises(RuntimeError, "padding='same' is not supported for strided convolutions", F.conv2d,
            ft.randn(1, 3, 5, 5), w, padding="same", stride=2)
    _raises(RuntimeError, "Invalid padding string: 'foo'", F.conv2d, ft.randn(1, 3, 5, 5), w, padding="foo")
    _raises(RuntimeError, r"expected input\[1, 3, 5, 5\] to have 6 channels", F.conv2d, ft.randn(1, 3, 5, 5),
            ft.randn(4, 3, 3, 3), groups=2)
    _raises(RuntimeError, "expected bias to be 1-dimensional with 32 elements", F.conv2d, ft.randn(1, 3, 5, 5), w,
            ft.randn(5))
    _raises(RuntimeError, r"Given transposed=1, weight of size \[4, 2, 3, 3\], expected input\[1, 3, 5, 5\] to "
            "have 4 channels, but got 3 channels instead", F.conv_transpose2d, ft.randn(1, 3, 5, 5),
            ft.randn(4, 2, 3, 3))
    _raises(RuntimeError, "output padding must be smaller than either stride or dilation", F.conv_transpose2d,
            ft.randn(1, 4, 5, 5), ft.randn(4, 2, 3, 3), output_padding=1)
    _raises(RuntimeError, r"Expected 2D \(unbatched\) or 3D \(batched\) input to conv1d", F.conv1d,
            ft.randn(1, 3, 5, 5), ft.randn(2, 3, 3))
    _raises(RuntimeError, "expected scalar type Float but found Double", F.conv2d, ft.randn(1, 3, 5, 5),
            ft.randn(2, 3, 3, 3, dtype=ft.float64))
    _raises(TypeError, "must be Tensor", F.conv2d, np.zeros((1, 3, 5, 5)), w)


# ---- layers ------------------------------------------------------------------------------------
def _load(fm, tm):
    fm.load_state_dict({k: ft.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def _compare_layer(fm, tm, shape, dtype=np.float64, call=None, tol=None):
    tol = tol or TOL[dtype]
    _load(fm, tm)
    a = _arr(shape, dtype)
    x, xt = ft.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    call = call or (lambda m, v: m(v))
    y, yt = call(fm, x), call(tm, xt)
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), **tol)
    g = _arr(tuple(yt.shape), dtype)
    (y * ft.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), **tol)
    for (n, p), (_, q) in zip(fm.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), err_msg=n, **tol)


LAYERS = [
    ("Conv1d", (4, 6, 3), {}, (2, 4, 11)),
    ("Conv1d", (4, 6, 4), {"stride": 2, "padding": 3, "groups": 2, "bias": False}, (2, 4, 11)),
    ("Conv1d", (3, 5, 4), {"padding": "same", "padding_mode": "reflect"}, (2, 3, 9)),
    ("Conv1d", (3, 5, 3), {"padding": 2, "padding_mode": "circular", "dilation": 2}, (2, 3, 9)),
    ("Conv2d", (3, 8, 3), {"padding": 1}, (2, 3, 7, 6)),
    ("Conv2d", (4, 8, (3, 2)), {"stride": (2, 1), "padding": (1, 0), "groups": 2}, (2, 4, 7, 6)),
    ("Conv2d", (3, 4, 4), {"padding": "same", "padding_mode": "replicate"}, (2, 3, 7, 6)),
    ("Conv2d", (3, 4, 3), {"padding": (2, 1), "padding_mode": "reflect", "dilation": (1, 2)}, (1, 3, 7, 8)),
    ("Conv2d", (3, 4, 3), {"padding": 1, "padding_mode": "circular", "stride": 2}, (2, 3, 7, 6)),
    ("Conv2d", (6, 6, 3), {"padding": "valid", "groups": 6}, (3, 6, 5, 5)),
    ("Conv2d", (3, 4, 3), {"padding": 1}, (3, 6, 5)),  # unbatched
    ("ConvTranspose1d", (4, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1}, (2, 4, 6)),
    ("ConvTranspose2d", (4, 6, 3), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}, (2, 4, 5, 4)),
    ("ConvTranspose2d", (3, 2, (2, 3)), {"dilation": 2, "bias": False}, (2, 3, 4, 5)),
]


@pytest.mark.parametrize("name, args, kw, shape", LAYERS)
def test_layer_vs_torch(name, args, kw, shape):
    tm = getattr(torch.nn, name)(*args, **kw).double()
    fm = getattr(nn, name)(*args, **kw, dtype=ft.float64)
    assert repr(fm) == repr(tm)
    assert [n for n, _ in fm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert fm.weight.shape == tuple(tm.weight.shape)
    _compare_layer(fm, tm, shape)


@pytest.mark.parametrize("name", ["Conv2d", "ConvTranspose2d"])
def test_layer_float32(name):
    tm, fm = getattr(torch.nn, name)(8, 16, 3, padding=1), getattr(nn, name)(8, 16, 3, padding=1)
    assert fm.weight.dtype == ft.float32
    _compare_layer(fm, tm, (4, 8, 12, 12), dtype=np.float32)


def test_conv_transpose_output_size():
    tm, fm = torch.nn.ConvTranspose2d(4, 3, 3, stride=2), nn.ConvTranspose2d(4, 3, 3, stride=2)
    for size in ((12, 12), [1, 3, 11, 12]):
        _compare_layer(fm, tm, (1, 4, 5, 5), dtype=np.float32, call=lambda m, v, s=size: m(v, output_size=s))
    with pytest.raises(ValueError, match="requested an output size of"):
        fm(ft.randn(1, 4, 5, 5), output_size=(14, 14))
    with pytest.raises(ValueError, match="output_size must have 2 or 4 elements"):
        fm(ft.randn(1, 4, 5, 5), output_size=(11,))


def test_reset_parameters_bounds():
    ft.manual_seed(0)
    m = nn.Conv2d(16, 32, 3)
    bound = 1 / math.sqrt(16 * 9)  # kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound and abs(w.mean()) < 0.1 * bound
    assert np.abs(b).max() <= bound
    t = nn.ConvTranspose2d(16, 8, 3, groups=2)
    assert t.weight.shape == (16, 4, 3, 3) and t.bias.shape == (8,)
    assert np.abs(t.bias.detach().numpy()).max() <= 1 / math.sqrt(4 * 9)
    assert nn.Conv1d(2, 3, 5, bias=False).bias is None


def test_layer_errors():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        nn.Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        nn.Conv2d(4, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="Invalid padding string 'full'"):
        nn.Conv1d(4, 4, 3, padding="full")
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(4, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for ConvTranspose2d'):
        nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect")
    model = nn.Sequential(nn.Conv2d(3, 32, 3), nn.ReLU())
    with pytest.raises(RuntimeError, match=r"0.*Conv2d.*expected input\[32, 4, 32, 32\] to have 3 channels"):
        model(ft.randn(32, 4, 32, 32))


def test_module_api():
    m = nn.Conv2d(2, 4, 3)
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad
    assert sorted(m.state_dict()) == ["bias", "weight"]
    kw = {"stride": 2, "padding": 1, "dilation": 2, "groups": 2, "bias": False}
    assert repr(nn.Conv2d(2, 4, (3, 1), **kw)) == repr(torch.nn.Conv2d(2, 4, (3, 1), **kw))
    assert repr(nn.Conv1d(2, 4, 3, padding="same")) == repr(torch.nn.Conv1d(2, 4, 3, padding="same"))
