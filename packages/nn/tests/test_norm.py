"""Normalization: functional and layers vs PyTorch (outputs, gradients w.r.t. inputs and
parameters, running statistics, train/eval), gradcheck / gradgradcheck, errors."""

from __future__ import annotations

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn as nn
import fx.nn.functional as F
import fx.tensor as ft

torch = pytest.importorskip("torch")
TF = torch.nn.functional

_rng = np.random.default_rng(1)


def _pair(a, grad=True):
    return ft.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def _run(fx_fn, torch_fn, arrays, atol=1e-10, rtol=1e-7, const=0):
    """Outputs and the gradients of <out, g> w.r.t. the arrays (the last `const` take none)."""
    pairs = [_pair(a, i < len(arrays) - const) for i, a in enumerate(arrays)]
    y, ty = fx_fn(*[p[0] for p in pairs]), torch_fn(*[p[1] for p in pairs])
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), atol=atol, rtol=rtol)
    g = _rng.standard_normal(tuple(ty.shape)).astype(arrays[0].dtype)
    (y * ft.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    for x, tx in pairs[:len(pairs) - const]:
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=atol * 10, rtol=rtol * 10)


def _rand(*shape, dtype=np.float64):
    return _rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("shape, norm", [((4, 5), (5,)), ((2, 3, 4, 5), (4, 5)), ((3, 7), (3, 7)), ((6, 1), (1,))])
def test_layer_norm(shape, norm):
    _run(lambda x, w, b: F.layer_norm(x, norm, w, b, 1e-5), lambda x, w, b: TF.layer_norm(x, norm, w, b, 1e-5),
         [_rand(*shape), _rand(*norm), _rand(*norm)])
    _run(lambda x: F.layer_norm(x, norm), lambda x: TF.layer_norm(x, norm), [_rand(*shape)])
    _run(lambda x, w: F.layer_norm(x, norm, w, None, 0.1), lambda x, w: TF.layer_norm(x, norm, w, None, 0.1),
         [_rand(*shape), _rand(*norm)])
    _run(lambda x, b: F.layer_norm(x, norm, None, b), lambda x, b: TF.layer_norm(x, norm, None, b),
         [_rand(*shape), _rand(*norm)])


def test_layer_norm_float32_wide_and_offset():
    x = _rand(64, 1024, dtype=np.float32) * 3 + 100  # large mean: the two-pass variance stays exact
    w, b = _rand(1024, dtype=np.float32), _rand(1024, dtype=np.float32)
    _run(lambda x, w, b: F.layer_norm(x, (1024,), w, b), lambda x, w, b: TF.layer_norm(x, (1024,), w, b), [x, w, b],
         atol=2e-4, rtol=1e-4)


@pytest.mark.parametrize("eps", [None, 1e-3])
def test_rms_norm(eps):
    _run(lambda x, w: F.rms_norm(x, (3, 5), w, eps), lambda x, w: TF.rms_norm(x, (3, 5), w, eps),
         [_rand(2, 3, 5), _rand(3, 5)])
    _run(lambda x: F.rms_norm(x, 5, eps=eps), lambda x: TF.rms_norm(x, (5,), eps=eps), [_rand(4, 5)])


@pytest.mark.parametrize("shape, groups", [((3, 4, 5), 2), ((2, 6, 3, 4), 3), ((2, 6, 3, 4), 6), ((4, 4), 1),
                                           ((2, 8, 2, 2, 2), 4)])
def test_group_norm(shape, groups):
    c = shape[1]
    _run(lambda x, w, b: F.group_norm(x, groups, w, b), lambda x, w, b: TF.group_norm(x, groups, w, b),
         [_rand(*shape), _rand(c), _rand(c)])
    _run(lambda x: F.group_norm(x, groups), lambda x: TF.group_norm(x, groups), [_rand(*shape)])


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 6), (2, 3, 4, 5), (3, 300), (64, 3, 2)])
def test_batch_norm_train_and_eval(shape):
    c = shape[1]
    _run(lambda x, w, b: F.batch_norm(x, None, None, w, b, True), lambda x, w, b: TF.batch_norm(x, None, None, w, b,
                                                                                                  True),
         [_rand(*shape), _rand(c), _rand(c)])
    _run(lambda x: F.batch_norm(x, None, None, training=True, eps=0.1),
         lambda x: TF.batch_norm(x, None, None, training=True, eps=0.1), [_rand(*shape)])
    rm, rv = _rand(c), np.abs(_rand(c)) + 0.5
    _run(lambda x, w, b, m, v: F.batch_norm(x, m, v, w, b, False), lambda x, w, b, m, v: TF.batch_norm(x, m, v, w, b),
         [_rand(*shape), _rand(c), _rand(c), rm, rv], const=2)


@pytest.mark.parametrize("momentum", [0.1, 0.5])
def test_batch_norm_running_stats(momentum):
    rm, rv = ft.zeros(3), ft.ones(3)
    trm, trv = torch.zeros(3), torch.ones(3)
    for _ in range(4):
        a = _rand(6, 3, 4, dtype=np.float32) * 2 + 1
        F.batch_norm(ft.tensor(a), rm, rv, training=True, momentum=momentum)
        TF.batch_norm(torch.tensor(a), trm, trv, training=True, momentum=momentum)
    np.testing.assert_allclose(rm.numpy(), trm.numpy(), rtol=1e-6)
    np.testing.assert_allclose(rv.numpy(), trv.numpy(), rtol=1e-6)


def test_instance_norm():
    _run(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), lambda x, w, b: TF.instance_norm(x, weight=w, bias=b),
         [_rand(3, 4, 5, 2), _rand(4), _rand(4)])
    _run(lambda x: F.instance_norm(x), lambda x: TF.instance_norm(x), [_rand(2, 3, 7)])
    rm, rv, trm, trv = ft.zeros(3), ft.ones(3), torch.zeros(3), torch.ones(3)
    a = _rand(4, 3, 5)
    F.instance_norm(ft.tensor(a), rm, rv, momentum=0.3)
    TF.instance_norm(torch.tensor(a), trm, trv, momentum=0.3)
    np.testing.assert_allclose(rm.numpy(), trm.numpy(), rtol=1e-6)
    np.testing.assert_allclose(rv.numpy(), trv.numpy(), rtol=1e-6)


def test_local_response_norm():
    _run(lambda x: F.local_response_norm(x, 3), lambda x: TF.local_response_norm(x, 3), [_rand(2, 5, 4, 3)])
    _run(lambda x: F.local_response_norm(x, 2, 1e-2, 0.5, 2.0), lambda x: TF.local_response_norm(x, 2, 1e-2, 0.5, 2.0),
         [_rand(2, 5, 6)])


@pytest.mark.parametrize("dtype", [np.float16, "bfloat16"])
def test_low_precision(dtype):
    a = _rand(8, 16)
    x = ft.tensor(a).to(ft.float16 if dtype == np.float16 else ft.bfloat16)
    tx = torch.tensor(a).to(torch.float16 if dtype == np.float16 else torch.bfloat16)
    for f, tf in ((lambda x: F.layer_norm(x, (16,)), lambda x: TF.layer_norm(x, (16,))),
                  (lambda x: F.batch_norm(x, None, None, training=True), lambda x: TF.batch_norm(x, None, None,
                                                                                                  training=True)),
                  (lambda x: F.group_norm(x, 4), lambda x: TF.group_norm(x, 4))):
        y = f(x)
        assert y.dtype == x.dtype
        np.testing.assert_allclose(y.float().numpy(), tf(tx).float().numpy(), atol=3e-2)


# ---- gradcheck (float64, tiny shapes): first and second derivatives -----------------------------
GRAD_CASES = [
    (lambda x, w, b: F.layer_norm(x, (4,), w, b), [(3, 4), (4,), (4,)]),
    (lambda x, w, b: F.layer_norm(x, (2, 3), w, b), [(2, 2, 3), (2, 3), (2, 3)]),
    (lambda x, w: F.rms_norm(x, (4,), w, 1e-6), [(3, 4), (4,)]),
    (lambda x, w, b: F.group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)]),
    (lambda x, w, b: F.batch_norm(x, None, None, w, b, True), [(4, 3, 2), (3,), (3,)]),
    (lambda x, w, b: F.batch_norm(x, None, None, w, b, True), [(5, 3), (3,), (3,)]),
    (lambda x, w, b: F.batch_norm(x, ft.zeros(3, dtype=ft.float64), ft.ones(3, dtype=ft.float64), w, b),
     [(4, 3, 2), (3,), (3,)]),
    (lambda x, w, b: F.instance_norm(x, weight=w, bias=b), [(2, 3, 4), (3,), (3,)]),
]


@pytest.mark.parametrize("fn, shapes", GRAD_CASES)
def test_gradcheck(fn, shapes):
    inputs = [ft.tensor(_rand(*s), requires_grad=True) for s in shapes]
    assert ag.gradcheck(fn, inputs)
    assert ag.gradgradcheck(fn, inputs)


def test_partial_gradients():
    """Only some inputs require grad: the others get none, the wanted ones stay right."""
    a, w, b = _rand(3, 4), _rand(4), _rand(4)
    x = ft.tensor(a)
    wt = ft.tensor(w, requires_grad=True)
    F.layer_norm(x, (4,), wt, ft.tensor(b)).sum().backward()
    tw = torch.tensor(w, requires_grad=True)
    TF.layer_norm(torch.tensor(a), (4,), tw, torch.tensor(b)).sum().backward()
    np.testing.assert_allclose(wt.grad.numpy(), tw.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: F.layer_norm(ft.randn(2, 3), (4,)), RuntimeError, r"normalized_shape=\[4\].*\[\*, 4\]"),
    (lambda: F.layer_norm(ft.randn(2, 4), (4,), ft.ones(3)), RuntimeError, "weight"),
    (lambda: F.layer_norm(ft.ones(2, 4, dtype=ft.int64), (4,)), RuntimeError, "floating point"),
    (lambda: F.group_norm(ft.randn(2, 6, 4), 4), RuntimeError, "divisible by num_groups"),
    (lambda: F.group_norm(ft.randn(2, 6, 4), 3, ft.ones(4)), RuntimeError, "number of channels"),
    (lambda: F.batch_norm(ft.randn(1, 3), None, None, training=True), ValueError,
     "Expected more than 1 value per channel"),
    (lambda: F.batch_norm(ft.randn(4, 3), ft.zeros(4), ft.ones(4), training=True), RuntimeError,
     "running_mean should contain 3 elements not 4"),
    (lambda: F.batch_norm(ft.randn(4, 3), None, None), RuntimeError, "must be defined in evaluation mode"),
    (lambda: F.instance_norm(ft.randn(2, 3, 1)), ValueError, "more than 1 spatial element"),
    (lambda: nn.GroupNorm(4, 6), ValueError, "divisible"),
    (lambda: nn.BatchNorm2d(3)(ft.randn(2, 3, 4)), ValueError, r"expected 4D input \(got 3D input\)"),
    (lambda: nn.BatchNorm1d(3)(ft.randn(2, 3, 4, 5)), ValueError, "expected 2D or 3D input"),
    (lambda: nn.InstanceNorm2d(3, affine=True)(ft.randn(2, 4, 5, 5)), ValueError, "match num_features"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---- layers -----------------------------------------------------------------------------------------
def _copy_state(m, tm):
    m.load_state_dict({k: ft.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})


def _check_layer(m, tm, shape, steps=1, atol=1e-5):
    """Same outputs, input and parameter gradients; then equal state (running stats)."""
    _copy_state(m, tm)
    for _ in range(steps):
        a = _rand(*shape, dtype=np.float32) * 2 + 0.5
        x, tx = _pair(a)
        y, ty = m(x), tm(tx)
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), atol=atol, rtol=1e-5)
        g = _rand(*ty.shape, dtype=np.float32)
        (y * ft.tensor(g)).sum().backward()
        (ty * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=atol * 10, rtol=1e-4)
        for (name, p), (tname, tp) in zip(m.named_parameters(), tm.named_parameters()):
            assert name == tname
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), atol=atol * 10, rtol=1e-4)
    sd, tsd = m.state_dict(), tm.state_dict()
    assert list(sd) == list(tsd)
    for k in sd:
        np.testing.assert_allclose(sd[k].numpy(), tsd[k].numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


@pytest.mark.parametrize("name, args, kw, shape", [
    ("BatchNorm1d", (3,), {}, (8, 3)),
    ("BatchNorm1d", (3,), dict(momentum=None), (8, 3, 5)),
    ("BatchNorm2d", (4,), dict(momentum=0.3, eps=1e-3), (5, 4, 3, 3)),
    ("BatchNorm2d", (4,), dict(affine=False), (5, 4, 3, 3)),
    ("BatchNorm2d", (4,), dict(track_running_stats=False), (5, 4, 3, 3)),
    ("BatchNorm3d", (2,), {}, (3, 2, 2, 3, 2)),
    ("InstanceNorm1d", (3,), dict(affine=True), (4, 3, 6)),
    ("InstanceNorm2d", (3,), {}, (2, 3, 4, 4)),
    ("InstanceNorm2d", (3,), dict(affine=True, track_running_stats=True), (2, 3, 4, 4)),
    ("InstanceNorm2d", (3,), {}, (3, 4, 4)),
    ("LayerNorm", ((3, 4),), {}, (2, 5, 3, 4)),
    ("LayerNorm", (4,), dict(bias=False, eps=1e-3), (6, 4)),
    ("LayerNorm", (4,), dict(elementwise_affine=False), (6, 4)),
    ("BatchNorm1d", (3,), dict(bias=False), (8, 3)),
    ("GroupNorm", (2, 4), dict(bias=False), (3, 4, 2)),
    ("GroupNorm", (2, 6), {}, (3, 6, 5)),
    ("GroupNorm", (3, 6), dict(affine=False), (3, 6, 2, 2)),
    ("RMSNorm", (4,), {}, (3, 4)),
    ("RMSNorm", ((2, 4),), dict(eps=1e-4), (3, 2, 4)),
    ("LocalResponseNorm", (3,), {}, (2, 5, 4, 4)),
])
def test_layers_train_and_eval(name, args, kw, shape):
    m, tm = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(m) == repr(tm)
    with torch.no_grad():  # non-trivial affine parameters
        for p in tm.parameters():
            p.copy_(torch.randn(p.shape))
    _check_layer(m, tm, shape, steps=3)
    m.eval()
    tm.eval()
    _check_layer(m, tm, shape)


def test_batch_norm_state_dict_and_reset():
    m, tm = nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    assert list(m.state_dict()) == list(tm.state_dict())
    assert m.num_batches_tracked.dtype == ft.int64
    for _ in range(2):
        m(ft.randn(4, 3, 2, 2))
    assert m.num_batches_tracked.item() == 2
    m.reset_running_stats()
    assert m.num_batches_tracked.item() == 0 and m.running_var.tolist() == [1.0, 1.0, 1.0]
    # a converted state dict without num_batches_tracked (and no metadata) still loads strictly
    sd = {k: ft.tensor(v.numpy()) for k, v in tm.state_dict().items() if k != "num_batches_tracked"}
    m.load_state_dict(sd)
    assert m.num_batches_tracked.item() == 0


def test_eval_mode_uses_running_stats():
    m = nn.BatchNorm1d(2)
    x = ft.randn(16, 2) * 3 + 5
    m(x)
    m.eval()
    y = m(x)
    rm, rv = m.running_mean.numpy(), m.running_var.numpy()
    np.testing.assert_allclose(y.detach().numpy(), (x.numpy() - rm) / np.sqrt(rv + 1e-5), rtol=1e-5)
    before = m.running_mean.numpy().copy()
    m(x)
    np.testing.assert_array_equal(m.running_mean.numpy(), before)
