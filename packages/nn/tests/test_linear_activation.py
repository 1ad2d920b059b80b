"""Linear, Bilinear, Identity, Flatten/Unflatten and every activation layer vs PyTorch."""

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft
import fx.nn as nn
import fx.nn.functional as F

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def _pair(shape, dtype=np.float64):
    a = RNG.standard_normal(shape).astype(dtype) * 2
    return ft.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _load(fm, tm):
    fm.load_state_dict({k: ft.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def _compare(fm, tm, *shapes, dtype=np.float64, rtol=1e-6, atol=1e-7):
    ins = [_pair(s, dtype) for s in shapes]
    fo = fm(*[a for a, _ in ins])
    to = tm(*[b for _, b in ins])
    np.testing.assert_allclose(fo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
    w = RNG.standard_normal(tuple(to.shape)).astype(dtype)
    (fo * ft.tensor(w)).sum().backward()
    (to * torch.tensor(w)).sum().backward()
    for (a, b) in ins:
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol)
    for (n, p), (_, q) in zip(fm.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=rtol, atol=atol, err_msg=n)


@pytest.mark.parametrize("cfg,shape", [((4, 3), (5, 4)), ((4, 3, False), (2, 5, 4)), ((1, 1), (1,)), ((6, 2), (0, 6))])
def test_linear_vs_torch(cfg, shape):
    tm = torch.nn.Linear(*cfg).double()
    fm = nn.Linear(*cfg, dtype=ft.float64)
    _load(fm, tm)
    _compare(fm, tm, shape)
    assert repr(fm) == repr(tm)


def test_linear_float32_and_defaults():
    tm, fm = torch.nn.Linear(8, 3), nn.Linear(8, 3)
    assert fm.weight.dtype == ft.float32 and fm.weight.shape == (3, 8) and fm.bias.shape == (3,)
    _load(fm, tm)
    _compare(fm, tm, (4, 8), dtype=np.float32, rtol=1e-5, atol=1e-6)


def test_linear_init_bounds():
    ft.manual_seed(0)
    m = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound
    assert np.abs(b).max() <= bound


def test_linear_errors():
    m = nn.Linear(512, 10)
    with pytest.raises(RuntimeError, match=r"Linear in_features=512: got input of shape \(32, 768\)"):
        m(ft.randn(32, 768))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(32x768 and 512x10\)"):
        F.linear(ft.randn(32, 768), m.weight)
    with pytest.raises(TypeError):
        F.linear([1.0], m.weight)


def test_linear_gradcheck():
    m = nn.Linear(3, 2, dtype=ft.float64)
    x = ft.randn(4, 3, dtype=ft.float64, requires_grad=True)
    assert ag.gradcheck(lambda x, w, b: F.linear(x, w, b), (x, m.weight, m.bias))
    b = nn.Bilinear(2, 3, 2, dtype=ft.float64)
    x1 = ft.randn(4, 2, dtype=ft.float64, requires_grad=True)
    x2 = ft.randn(4, 3, dtype=ft.float64, requires_grad=True)
    assert ag.gradcheck(F.bilinear, (x1, x2, b.weight, b.bias))


@pytest.mark.parametrize("cfg,s1,s2", [((3, 4, 5), (6, 3), (6, 4)), ((2, 2, 1, False), (2, 3, 2), (2, 3, 2)),
                                        ((3, 4, 5), (3,), (4,))])
def test_bilinear_vs_torch(cfg, s1, s2):
    tm = torch.nn.Bilinear(*cfg).double()
    fm = nn.Bilinear(*cfg, dtype=ft.float64)
    _load(fm, tm)
    _compare(fm, tm, s1, s2)
    assert repr(fm) == repr(tm)


def test_bilinear_errors():
    w = ft.randn(5, 3, 4)
    with pytest.raises(RuntimeError, match="input1 size does not match weight size: got 2 but expected 3"):
        F.bilinear(ft.randn(6, 2), ft.randn(6, 4), w)
    with pytest.raises(RuntimeError, match="input batch dimensions do not match"):
        F.bilinear(ft.randn(6, 3), ft.randn(5, 4), w)
    with pytest.raises(RuntimeError, match="bias size does not match"):
        F.bilinear(ft.randn(6, 3), ft.randn(6, 4), w, ft.randn(2))


ACTS = [
    ("ReLU", (), {}), ("ReLU", (), {"inplace": True}), ("ReLU6", (), {}), ("LeakyReLU", (0.2,), {}),
    ("LeakyReLU", (), {"inplace": True}), ("PReLU", (), {}), ("PReLU", (3,), {"init": 0.1}), ("ELU", (0.5,), {}),
    ("SELU", (), {}), ("CELU", (1.5,), {}), ("GELU", (), {}), ("GELU", (), {"approximate": "tanh"}), ("SiLU", (), {}),
    ("Mish", (), {}), ("Sigmoid", (), {}), ("Tanh", (), {}), ("Hardtanh", (-0.5, 2.0), {}), ("Hardsigmoid", (), {}),
    ("Hardswish", (), {}), ("Softplus", (2.0, 1.0), {}), ("Softplus", (), {}), ("Softsign", (), {}),
    ("Softmax", (1,), {}), ("Softmax", (-1,), {}), ("LogSoftmax", (1,), {}), ("Softmin", (0,), {}), ("GLU", (), {}),
    ("GLU", (0,), {}), ("Threshold", (0.1, 20.0), {}), ("LogSigmoid", (), {}), ("Tanhshrink", (), {}),
    ("Softshrink", (0.3,), {}), ("Hardshrink", (), {}), ("RReLU", (), {}), ("Softmax2d", (), {}),
]


@pytest.mark.parametrize("name,args,kwargs", ACTS, ids=[f"{a[0]}{i}" for i, a in enumerate(ACTS)])
def test_activation_vs_torch(name, args, kwargs):
    tm = getattr(torch.nn, name)(*args, **kwargs).double()
    fm = getattr(nn, name)(*args, **kwargs)
    if name == "RReLU":
        fm.eval(), tm.eval()
    if name == "PReLU":
        fm.double()
        _load(fm, tm)
    assert repr(fm) == repr(tm)
    shape = (4, 3, 2, 2) if name != "GLU" else (4, 6)
    if kwargs.get("inplace"):
        a = RNG.standard_normal(shape) * 2
        fx_, tx = ft.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        fi, ti = fx_ * 1, tx * 1
        fo, to = fm(fi), tm(ti)
        assert fo is fi
        np.testing.assert_allclose(fo.detach().numpy(), to.detach().numpy(), rtol=1e-6, atol=1e-7)
        fo.sum().backward(), to.sum().backward()
        np.testing.assert_allclose(fx_.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-7)
        return
    _compare(fm, tm, shape)


@pytest.mark.parametrize("name", ["relu", "elu", "selu", "celu", "gelu", "silu", "mish", "sigmoid", "tanh", "hardtanh",
                                  "hardsigmoid", "hardswish", "softplus", "softsign", "logsigmoid", "tanhshrink",
                                  "softshrink", "hardshrink", "leaky_relu", "relu6"])
def test_activation_functional_gradcheck(name):
    x = ft.tensor(RNG.uniform(-2.5, 2.5, (3, 4)) + 0.01, requires_grad=True)
    assert ag.gradcheck(getattr(F, name), (x,))


def test_softmax_family_gradcheck_and_dtype():
    x = ft.randn(3, 4, dtype=ft.float64, requires_grad=True)
    for fn in (F.softmax, F.log_softmax, F.softmin):
        assert ag.gradcheck(lambda t: fn(t, dim=1), (x,))
    w = ft.randn(3, dtype=ft.float64, requires_grad=True)
    assert ag.gradcheck(F.prelu, (ft.randn(2, 3, 2, dtype=ft.float64, requires_grad=True), w))
    y = F.softmax(ft.randn(2, 3), dim=1, dtype=ft.float64)
    assert y.dtype == ft.float64
    with pytest.warns(UserWarning, match="Implicit dimension"):
        F.softmax(ft.randn(2, 3))


def test_activation_errors():
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 1 is size 3"):
        F.glu(ft.randn(2, 3))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel size"):
        F.prelu(ft.randn(2, 3), ft.randn(4))
    with pytest.raises(TypeError, match="must be Tensor"):
        F.relu([1.0])
    with pytest.raises(TypeError, match="missing required"):
        nn.Threshold(0.1)
    with pytest.raises(TypeError, match="unexpected keyword"):
        nn.ReLU(foo=1)
    leaf = ft.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        F.relu(leaf, inplace=True)


def test_rrelu_training_slopes():
    m = nn.RReLU(0.1, 0.3)
    x = -ft.ones(1000)
    y = m(x).numpy()
    assert (y <= -0.1 + 1e-6).all() and (y >= -0.3 - 1e-6).all() and y.std() > 0.01
    m.eval()
    assert np.allclose(m(x).numpy(), -0.2)


def test_identity_flatten_unflatten():
    x = ft.randn(2, 3, 4, 5)
    assert nn.Identity(54, unused="x")(x) is x
    for args in [(), (0,), (1, 2), (2, -1)]:
        fm, tm = nn.Flatten(*args), torch.nn.Flatten(*args)
        assert fm(x).shape == tuple(tm(torch.zeros(2, 3, 4, 5)).shape)
        assert repr(fm) == repr(tm)
    fu, tu = nn.Unflatten(1, (2, 6)), torch.nn.Unflatten(1, (2, 6))
    assert fu(ft.zeros(3, 12, 2)).shape == tuple(tu(torch.zeros(3, 12, 2)).shape)
    assert repr(fu) == repr(tu)
    assert nn.Unflatten(-1, [2, -1])(ft.zeros(3, 8)).shape == (3, 2, 4)
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints"):
        nn.Unflatten(1, (2, 3.0))
    with pytest.raises(TypeError):
        nn.Unflatten(1, 5)
