"""Derivative rules of the elementwise primitives, first and second order, against torch autograd.

Each case runs an fx function and its torch twin on the same float64 inputs (random points plus
the special points where the conventions matter: 0, ties, bounds, NaN/inf), backpropagates a random
gradient with create_graph=True, then differentiates <first-order grads, w> again, and compares
every gradient (NaN/inf positions included). A float32 run checks the rules keep the dtype.
"""

import math

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft

torch = pytest.importorskip("torch")
F = torch.nn.functional
RNG = np.random.default_rng(0)


class Case:
    def __init__(self, id, fx_fn, torch_fn, inputs, second=True):
        self.id, self.fx_fn, self.torch_fn = id, fx_fn, torch_fn
        self.inputs = inputs  # a list of float64 arrays (one per differentiable input)
        self.second = second  # False: compare first order only (an intentional, documented difference)


def u(lo, hi, special=(), n=10):
    """One input: n uniform points in [lo, hi] followed by the special points."""
    return [np.concatenate([RNG.uniform(lo, hi, n), np.asarray(special, dtype=np.float64)])]


def pair(lo, hi, special=(), n=10, lo_b=None, hi_b=None):
    """Two inputs of the same length: random pairs, then the (a, b) special pairs."""
    sp = np.asarray(special, dtype=np.float64).reshape(-1, 2)
    a = np.concatenate([RNG.uniform(lo, hi, n), sp[:, 0]])
    b = np.concatenate([RNG.uniform(lo if lo_b is None else lo_b, hi if hi_b is None else hi_b, n), sp[:, 1]])
    return [a, b]


def unary(name, lo=-3, hi=3, special=(0.0,), torch_fn=None, second=True, **kw):
    fx_fn = getattr(ft, name)
    t_fn = torch_fn or getattr(torch, name)
    return Case(name, lambda x: fx_fn(x, **kw), lambda x: t_fn(x, **kw), u(lo, hi, special), second)


INF, NAN = math.inf, math.nan

CASES = [
    unary("exp"), unary("exp2"), unary("expm1"),
    unary("log", 0.1, 5, (1.0, 0.0)), unary("log2", 0.1, 5, (1.0, 0.0)), unary("log10", 0.1, 5, (1.0, 0.0)),
    unary("log1p", -0.9, 5, (0.0, -1.0)),
    unary("sqrt", 0.1, 5, (0.0, 1.0)), unary("rsqrt", 0.1, 5, (1.0, 0.0)),
    unary("sin", special=(0.0, math.pi / 2)), unary("cos", special=(0.0, math.pi)), unary("tan", -1.4, 1.4),
    unary("asin", -0.95, 0.95, (0.0, 1.0, -1.0)), unary("acos", -0.95, 0.95, (0.0, 1.0, -1.0)),
    unary("atan"), unary("sinh"), unary("cosh"), unary("tanh", special=(0.0, 30.0)),
    unary("asinh"), unary("acosh", 1.1, 5, (1.0,)), unary("atanh", -0.95, 0.95, (0.0, 1.0)),
    unary("sigmoid", special=(0.0, 40.0, -40.0)), unary("erf"), unary("erfc"),
    unary("erfinv", -0.95, 0.95, (0.0,)), unary("reciprocal", 0.5, 3, (-1.0, 0.0)),
    unary("silu", special=(0.0, 50.0, -50.0), torch_fn=F.silu),
    unary("mish", special=(0.0, 30.0, -30.0), torch_fn=F.mish),
    unary("selu", special=(0.0, 50.0, -50.0), torch_fn=F.selu),
    unary("lgamma", 0.1, 5, (1.0, 2.0, -0.5, -2.5)),
    unary("digamma", 0.2, 5, (1.0, -0.5, -2.5, 0.7, 30.0, 1e4)),
    unary("neg"), unary("square"),
    unary("abs", special=(0.0, -0.0)), unary("sign"), unary("floor"), unary("ceil"), unary("trunc"),
    unary("round", special=(0.5, 1.5, -0.5)),
    Case("round_decimals", lambda x: ft.round(x, decimals=1), lambda x: torch.round(x, decimals=1), u(-3, 3)),
    unary("relu", special=(0.0, -0.0, NAN), torch_fn=torch.relu),
    unary("gelu", special=(0.0, 10.0, -10.0), torch_fn=F.gelu),
    unary("gelu", special=(0.0, 10.0, -10.0), torch_fn=F.gelu, approximate="tanh"),
    unary("softplus", special=(0.0, 25.0, 20.0), torch_fn=F.softplus),
    unary("softplus", special=(0.0, 5.0, -5.0, 2.5), torch_fn=F.softplus, beta=2.0, threshold=5.0),
    unary("logit", 0.05, 0.95, (0.5, 0.0, 1.0, -0.5, 1.5), second=False),
    unary("logit", 0.05, 0.95, (0.5,), eps=None),
    unary("logit", -0.2, 1.2, (0.1, 0.9, 0.05, 0.95), eps=0.1),
    unary("logit", 0.2, 0.8, (0.0, 1.0), eps=0.1, second=False),  # torch's second order is NaN there
    unary("clamp", special=(-1.0, 1.0, 0.0), min=-1.0, max=1.0),
    unary("clamp", special=(-1.0, 0.0), min=-1.0),
    unary("clamp", special=(1.0, 0.0), max=1.0),
    unary("clamp", special=(1.0, 0.0), min=2.0, max=1.0),
    unary("nan_to_num", special=(NAN, INF, -INF, 0.0)),
    unary("nan_to_num", special=(NAN, INF, -INF), nan=1.0, posinf=5.0, neginf=-5.0),
    Case("pow_scalar2", lambda x: x ** 2, lambda x: x ** 2, u(-3, 3, (0.0,))),
    Case("pow_scalar3", lambda x: x.pow(3), lambda x: x.pow(3), u(-3, 3, (0.0,))),
    Case("pow_scalar_half", lambda x: x ** 0.5, lambda x: x ** 0.5, u(0.1, 3, (0.0,))),
    Case("pow_scalar_neg", lambda x: x ** -1.5, lambda x: x ** -1.5, u(0.1, 3, (1.0,))),
    Case("pow_scalar1", lambda x: x ** 1, lambda x: x ** 1, u(-3, 3, (0.0,))),
    Case("pow_scalar0", lambda x: x ** 0, lambda x: x ** 0, u(-3, 3, (0.0,))),
    unary("elu", special=(0.0, 50.0, -50.0), torch_fn=F.elu),
    unary("elu", special=(0.0, 50.0, -50.0), torch_fn=F.elu, alpha=0.5),
    Case("elu_scaled", lambda x: ft.elu(x, 0.7, 1.3, 0.6),
         lambda x: torch.ops.aten.elu(x, 0.7, 1.3, 0.6), u(-3, 3, (0.0, 800.0))),
    unary("celu", special=(0.0, 50.0, -50.0), torch_fn=F.celu, alpha=0.5),
    unary("leaky_relu", special=(0.0, NAN), torch_fn=F.leaky_relu),
    unary("leaky_relu", special=(0.0,), torch_fn=F.leaky_relu, negative_slope=0.2),
    unary("hardtanh", special=(-1.0, 1.0, 0.0, NAN), torch_fn=F.hardtanh),
    unary("hardtanh", special=(-0.5, 2.0), torch_fn=F.hardtanh, min_val=-0.5, max_val=2.0),
    Case("threshold", lambda x: ft.threshold(x, 0.5, -2.0), lambda x: F.threshold(x, 0.5, -2.0),
         u(-3, 3, (0.5, 0.0))),
    # binary
    Case("add", ft.add, torch.add, pair(-3, 3)), Case("sub", ft.sub, torch.sub, pair(-3, 3)),
    Case("mul", ft.mul, torch.mul, pair(-3, 3, (0.0, 0.0))),
    Case("div", ft.div, torch.div, pair(-3, 3, (0.0, 1.0))),
    Case("div_by_zero", ft.div, torch.div, pair(-3, 3, (1.0, 0.0)), second=False),  # torch: NaN, fx: -inf
    Case("pow", ft.pow, torch.pow, pair(0.2, 3, (2.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.5, 0.0, -1.0, -2.0, 3.0,
                                                 -2.0, 0.0, 1.0, 1.0), lo_b=-2, hi_b=2), second=False),
    Case("pow_generic", ft.pow, torch.pow, pair(0.2, 3, (2.0, 1.0, 1.0, 2.0), lo_b=-2, hi_b=2)),
    Case("maximum", ft.maximum, torch.maximum, pair(-3, 3, (1.0, 1.0, 0.0, 0.0, NAN, 1.0, 1.0, NAN))),
    Case("minimum", ft.minimum, torch.minimum, pair(-3, 3, (1.0, 1.0, 0.0, 0.0, NAN, 1.0, 1.0, NAN))),
    Case("fmax", ft.fmax, torch.fmax, pair(-3, 3, (1.0, 1.0, NAN, 1.0, 1.0, NAN, NAN, NAN))),
    Case("fmin", ft.fmin, torch.fmin, pair(-3, 3, (1.0, 1.0, NAN, 1.0, 1.0, NAN, NAN, NAN))),
    Case("atan2", ft.atan2, torch.atan2, pair(-3, 3, (0.0, 1.0, 1.0, 0.0, 0.0, -1.0))),
    Case("atan2_origin", ft.atan2, torch.atan2, pair(-3, 3, (0.0, 0.0, -0.0, 0.0)), second=False),
    Case("hypot", ft.hypot, torch.hypot, pair(-3, 3, (0.0, 1.0, 3.0, 4.0, 0.0, 0.0))),
    Case("copysign", ft.copysign, torch.copysign, pair(-3, 3, (2.0, -0.0, 2.0, 0.0, -2.0, -1.0))),
    # torch's second order is NaN at a = 0 (0/0 inside its rule); fx's is 0.
    Case("copysign_zero", ft.copysign, torch.copysign, pair(-3, 3, (0.0, 1.0, -0.0, -1.0)), second=False),
    Case("remainder", ft.remainder, torch.remainder, pair(-5, 5, (3.0, 1.5, -3.0, 1.5), lo_b=0.5, hi_b=2)),
    Case("fmod", ft.fmod, torch.fmod, pair(-5, 5, (3.0, 1.5, -3.0, 1.5), lo_b=0.5, hi_b=2)),
    Case("div_floor", lambda a, b: ft.div(a, b, rounding_mode="floor"),
         lambda a, b: torch.div(a, b, rounding_mode="floor"), pair(-5, 5, lo_b=0.5, hi_b=2)),
    Case("div_trunc", lambda a, b: ft.div(a, b, rounding_mode="trunc"),
         lambda a, b: torch.div(a, b, rounding_mode="trunc"), pair(-5, 5, lo_b=0.5, hi_b=2)),
    Case("xlogy", ft.xlogy, torch.xlogy, pair(-3, 3, (0.0, 0.0, 0.0, -1.0, 0.0, 2.0, 1.0, 0.0, 2.0, -1.0),
                                             lo_b=0.1, hi_b=3)),
    Case("where", lambda a, b: ft.where(a > b, a, b), lambda a, b: torch.where(a > b, a, b),
         pair(-3, 3, (1.0, 1.0))),
    Case("broadcast_mul", lambda a, b: a.reshape(2, 5) * b.reshape(2, 5)[0],
         lambda a, b: a.reshape(2, 5) * b.reshape(2, 5)[0], pair(-3, 3)),
    Case("broadcast_maximum", lambda a, b: ft.maximum(a.reshape(2, 5), b.reshape(2, 5)[:, :1]),
         lambda a, b: torch.maximum(a.reshape(2, 5), b.reshape(2, 5)[:, :1]), pair(-3, 3)),
]

if hasattr(ft, "softmax"):  # the fused primitives (fx.tensor _ops/nn.py) and their backward primitives
    _BIG = [1000.0, -1000.0]
    CASES += [
        Case("softmax_dim1", lambda x: ft.softmax(x.reshape(3, 4), 1), lambda x: torch.softmax(x.reshape(3, 4), 1),
             u(-3, 3, _BIG)),
        Case("softmax_dim0", lambda x: ft.softmax(x.reshape(3, 4), dim=0),
             lambda x: torch.softmax(x.reshape(3, 4), 0), u(-3, 3, n=12)),
        Case("softmax_3d", lambda x: ft.softmax(x.reshape(2, 3, 2), dim=-2),
             lambda x: torch.softmax(x.reshape(2, 3, 2), -2), u(-3, 3, n=12)),
        Case("softmax_0d", lambda x: ft.softmax(x[0], 0), lambda x: torch.softmax(x[0], 0), u(-3, 3, n=1)),
        Case("log_softmax_dim1", lambda x: ft.log_softmax(x.reshape(3, 4), 1),
             lambda x: torch.log_softmax(x.reshape(3, 4), 1), u(-3, 3, _BIG)),
        Case("log_softmax_dim0", lambda x: ft.log_softmax(x.reshape(3, 4), dim=0),
             lambda x: torch.log_softmax(x.reshape(3, 4), 0), u(-3, 3, n=12)),
        Case("log_softmax_3d", lambda x: ft.log_softmax(x.reshape(2, 3, 2), dim=-2),
             lambda x: torch.log_softmax(x.reshape(2, 3, 2), -2), u(-3, 3, n=12)),
        Case("softmax_neg_inf", lambda x: ft.softmax(x.reshape(3, 4), 1), lambda x: torch.softmax(x.reshape(3, 4), 1),
             u(-3, 3, (-INF, -INF))),
        Case("log_softmax_neg_inf", lambda x: ft.log_softmax(x.reshape(3, 4), 1),
             lambda x: torch.log_softmax(x.reshape(3, 4), 1), u(-3, 3, (-INF, -INF))),
    ]


def _ids(cases):
    seen = {}
    out = []
    for c in cases:
        seen[c.id] = seen.get(c.id, 0) + 1
        out.append(c.id if seen[c.id] == 1 else f"{c.id}-{seen[c.id]}")
    return out


def _numpy(g):
    if isinstance(g, torch.Tensor):
        return g.detach().numpy(force=True)  # torch may return a lazy ZeroTensor
    return g.detach().numpy()


def _zeros_if_none(grads, inputs):
    return [np.zeros(np.shape(x)) if g is None else np.asarray(_numpy(g), dtype=np.float64)
            for g, x in zip(grads, inputs)]


def _fx_grads(case, arrays, dtype=ft.float64):
    xs = [ft.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    out = case.fx_fn(*xs)
    v = ft.tensor(RNG.uniform(-1, 1, tuple(out.shape)), dtype=out.dtype, requires_grad=True)
    g1 = ag.grad(out, xs, grad_outputs=v, create_graph=True, allow_unused=True)
    live = [(g, x) for g, x in zip(g1, xs) if g is not None and g.requires_grad]
    gg = [None] * (len(xs) + 1)
    if live:
        w = [ft.tensor(RNG.uniform(-1, 1, tuple(x.shape)), dtype=dtype) for _, x in live]
        s = sum(((g * wi).sum() for (g, _), wi in zip(live, w)), ft.tensor(0.0, dtype=dtype))
        gg = list(ag.grad(s, xs + [v], allow_unused=True))
    else:
        w = []
    return out, v, g1, w, gg, xs


def _torch_grads(case, arrays, v, w):
    xs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = case.torch_fn(*xs)
    tv = torch.tensor(v, requires_grad=True)
    g1 = torch.autograd.grad(out, xs, grad_outputs=tv, create_graph=True, allow_unused=True)
    live = [(g, x) for g, x in zip(g1, xs) if g is not None and g.requires_grad]
    gg = [None] * (len(xs) + 1)
    if live:
        s = sum((g * torch.tensor(wi)).sum() for (g, _), wi in zip(live, w))
        gg = list(torch.autograd.grad(s, xs + [tv], allow_unused=True))
    return out, g1, gg


def _close(actual, expected, what):
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=what)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_first_and_second_order_match_torch(case):
    fout, v, g1, w, gg, xs = _fx_grads(case, case.inputs)
    w_np = [wi.numpy() for wi in w]
    tout, tg1, tgg = _torch_grads(case, case.inputs, v.detach().numpy(), w_np)
    _close(fout.detach().numpy(), tout.detach().numpy(), "forward")
    for i, (a, e) in enumerate(zip(_zeros_if_none(g1, case.inputs), _zeros_if_none(tg1, case.inputs))):
        _close(a, e, f"first-order gradient of input {i}")
    if not case.second:
        return
    fx_live = [g is not None and g.requires_grad for g in g1]
    t_live = [g is not None and g.requires_grad for g in tg1]
    if fx_live != t_live:
        # One side's first-order gradient is a constant: the other's second order must be zero.
        ref = [np.zeros(np.shape(x)) for x in case.inputs] + [np.zeros(v.shape)]
        got = _zeros_if_none(gg if any(fx_live) else tgg, case.inputs + [v.detach().numpy()])
        for a, e in zip(got, ref):
            _close(a, e, "second order of a constant gradient")
        return
    shapes = case.inputs + [v.detach().numpy()]
    for i, (a, e) in enumerate(zip(_zeros_if_none(gg, shapes), _zeros_if_none(tgg, shapes))):
        _close(a, e, f"second-order gradient of input {i}" if i < len(xs) else "second order wrt grad_output")


_LOW = {"float32": 2e-4, "float16": 2e-2, "bfloat16": 1e-1}


@pytest.mark.parametrize("dtype", list(_LOW))
@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_low_precision_gradients_keep_dtype(case, dtype):
    dt = getattr(ft, dtype)
    # The random points only (repeated to the full length), rounded to the dtype first so both
    # sides see the same inputs.
    arrays = [ft.tensor(np.resize(a[:10], a.shape), dtype=dt).double().numpy() for a in case.inputs]
    fout, v, g1, w, gg, xs = _fx_grads(case, arrays, dtype=dt)
    for g in g1:
        if g is None:
            continue
        assert g.dtype is dt
        # A rule that computed in another dtype would end in the engine's cast back.
        assert g.grad_fn is None or g.grad_fn.name() != "CastBackward0", case.id
    tout, tg1, _ = _torch_grads(case, arrays, v.detach().double().numpy(), [wi.double().numpy() for wi in w])
    tol = _LOW[dtype]
    for a, e in zip(_zeros_if_none(g1, arrays), _zeros_if_none(tg1, arrays)):
        np.testing.assert_allclose(a, e, rtol=tol, atol=tol * (1 + np.abs(e).max(initial=0)))


def test_every_elementwise_primitive_has_a_rule():
    from fx.autograd._rules import RULES
    from fx.tensor._ops import binary, unary

    names = [n for n, p in {**unary.PRIMS, **binary.PRIMS}.items() if p.differentiable] + ["where"]
    assert [n for n in names if n not in RULES] == []


def test_trigamma_matches_polygamma():
    from fx.autograd._rules.elementwise import trigamma

    x = np.concatenate([RNG.uniform(-6, 12, 200), [0.5, 1.0, 1e-3, 7.9, 8.1, 100.0, 1e6, -0.3, -3.7]])
    got = trigamma(ft.tensor(x)).numpy()
    np.testing.assert_allclose(got, torch.polygamma(1, torch.tensor(x)).numpy(), rtol=1e-8)  # torch's: ~5e-10
    special = pytest.importorskip("scipy.special")
    np.testing.assert_allclose(got, special.polygamma(1, x), rtol=1e-10)


def test_special_point_conventions():
    x = ft.tensor([0.0, -1.0, 1.0, 2.0], requires_grad=True)
    assert ag.grad(x.relu().sum(), x)[0].tolist() == [0.0, 0.0, 1.0, 1.0]
    assert ag.grad(x.abs().sum(), x)[0].tolist() == [0.0, -1.0, 1.0, 1.0]
    assert ag.grad(x.clamp(-1.0, 1.0).sum(), x)[0].tolist() == [1.0, 1.0, 1.0, 0.0]
    assert ag.grad(ft.hardtanh(x).sum(), x)[0].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert ag.grad(x.sqrt().sum(), x)[0].tolist()[0] == math.inf
    y = ft.tensor([0.0, 2.0, 1.0, 2.0], requires_grad=True)
    ga, gb = ag.grad(ft.maximum(x, y).sum(), [x, y])
    assert ga.tolist() == [0.5, 0.0, 0.5, 0.5] and gb.tolist() == [0.5, 1.0, 0.5, 0.5]


@pytest.mark.skipif(not hasattr(ft, "softmax"), reason="fx.tensor has no fused softmax")
@pytest.mark.parametrize("log", [False, True])
def test_softmax_third_order_matches_torch(log):
    # Third order runs the rules of softmax_backward / log_softmax_backward on their own output.
    fx_fn, t_fn = (ft.log_softmax, torch.log_softmax) if log else (ft.softmax, torch.softmax)
    x, v, w, z = (RNG.normal(size=(2, 3, 4)) for _ in range(4))
    fx_x, fx_v = ft.tensor(x, requires_grad=True), ft.tensor(v, requires_grad=True)
    (g,) = ag.grad(fx_fn(fx_x, 1), fx_x, fx_v, create_graph=True)
    gx, gv = ag.grad((g * ft.tensor(w)).sum(), [fx_x, fx_v], create_graph=True)
    (g3,) = ag.grad((gx * ft.tensor(z)).sum() + (gv * ft.tensor(z)).sum(), fx_x)
    t_x, t_v = torch.tensor(x, requires_grad=True), torch.tensor(v, requires_grad=True)
    (tg,) = torch.autograd.grad(t_fn(t_x, 1), t_x, t_v, create_graph=True)
    tgx, tgv = torch.autograd.grad((tg * torch.tensor(w)).sum(), [t_x, t_v], create_graph=True)
    (tg3,) = torch.autograd.grad((tgx * torch.tensor(z)).sum() + (tgv * torch.tensor(z)).sum(), t_x)
    for a, e in ((g, tg), (gx, tgx), (gv, tgv), (g3, tg3)):
        _close(_numpy(a), _numpy(e), "softmax derivatives")
