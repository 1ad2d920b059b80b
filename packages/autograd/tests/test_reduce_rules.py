"""Derivative rules of the reduction, scan and sorting primitives vs torch autograd (float64).

Each case is (function of (lib, x), input maker, second-order check): `lib` is fx.tensor or torch,
whose APIs match. With a random cotangent v for the output (a leaf too), the first derivative
g = vjp(v) must match torch's, and the second derivatives of <g, w> with respect to x and v must
match torch's ("torch"), or finite differences of torch's exact first derivative ("fd": where
torch's own double backward is not the true one), or are skipped (None).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft

torch = pytest.importorskip("torch")

_rng = np.random.default_rng(0)
INF = math.inf


# ---- input makers ----------------------------------------------------------------------------
def rand(*shape):
    return lambda: _rng.standard_normal(shape)


def ties(*shape):
    """Small integers: many equal elements per row."""
    return lambda: _rng.integers(0, 3, shape).astype(np.float64)


def distinct(*shape):
    """A random permutation of well-separated values (no ties, no near-ties)."""
    return lambda: (_rng.permutation(math.prod(shape)).reshape(shape) * 0.5 - 1.3).astype(np.float64)


def with_zeros(*shape, at):
    """Random values with zeros at the flat positions `at`."""
    def make():
        x = _rng.uniform(0.5, 1.5, shape) * _rng.choice([-1.0, 1.0], shape)
        x.reshape(-1)[list(at)] = 0.0
        return x
    return make


def with_nans(*shape, at):
    def make():
        x = _rng.standard_normal(shape)
        x.reshape(-1)[list(at)] = math.nan
        return x
    return make


def scalar():
    return lambda: np.array(_rng.standard_normal() + 2.0)


def values(v):
    """The values of a (values, indices) result."""
    return v[0] if isinstance(v, tuple) else v


def vnorm(ord, dim=None, keepdim=False):
    return lambda lib, x: lib.linalg.vector_norm(x, ord, dim, keepdim)


# ---- the table -------------------------------------------------------------------------------
def C(fn, make, second, id, rtol=1e-7, marks=()):
    return pytest.param(fn, make, second, rtol, id=id, marks=marks)


CASES = [
    # sum / mean
    C(lambda lib, x: x.sum(), rand(3, 4), "torch", id="sum-all"),
    C(lambda lib, x: x.sum(1), rand(3, 4), "torch", id="sum-dim"),
    C(lambda lib, x: x.sum((0, 2), keepdim=True), rand(2, 3, 4), "torch", id="sum-tuple-keepdim"),
    C(lambda lib, x: x.sum(-1), rand(2, 3, 4), "torch", id="sum-negative"),
    C(lambda lib, x: x.sum(0), rand(0, 3), "torch", id="sum-empty"),
    C(lambda lib, x: x.sum(), scalar(), "torch", id="sum-0d"),
    C(lambda lib, x: x.transpose(0, 1).sum(1), rand(3, 4), "torch", id="sum-noncontig"),
    C(lambda lib, x: x.float().sum(0, dtype=lib.float64), rand(3, 4), "torch", id="sum-dtype"),
    C(lambda lib, x: x.mean(), rand(3, 4), "torch", id="mean-all"),
    C(lambda lib, x: x.mean((0, -1)), rand(2, 3, 4), "torch", id="mean-tuple"),
    C(lambda lib, x: x.mean(1, keepdim=True), rand(3, 4), "torch", id="mean-keepdim"),
    C(lambda lib, x: x.mean(0), rand(0, 3), "torch", id="mean-empty", marks=pytest.mark.filterwarnings("ignore")),
    # prod
    C(lambda lib, x: x.prod(), rand(3, 4), "torch", id="prod-all"),
    C(lambda lib, x: x.prod(1), rand(3, 4), "torch", id="prod-dim"),
    C(lambda lib, x: x.prod(-2, keepdim=True), rand(2, 3, 4), "torch", id="prod-keepdim"),
    C(lambda lib, x: x.prod(), scalar(), "torch", id="prod-0d"),
    C(lambda lib, x: x.prod(), with_zeros(3, 4, at=[5]), "torch", id="prod-all-one-zero"),
    C(lambda lib, x: x.prod(), with_zeros(3, 4, at=[1, 6]), "fd", id="prod-all-two-zeros"),
    C(lambda lib, x: x.prod(1), with_zeros(3, 4, at=[1, 5, 7, 11]), "torch", id="prod-dim-zeros"),
    C(lambda lib, x: x.prod(0), with_zeros(3, 4, at=[0, 4, 8, 1]), "torch", id="prod-dim-all-zeros"),
    C(lambda lib, x: x.prod(0), with_zeros(1, 4, at=[1]), "torch", id="prod-size1-zero"),
    # amax / amin / max / min
    C(lambda lib, x: x.amax(), rand(3, 4), "torch", id="amax-all"),
    C(lambda lib, x: x.amax(1), ties(3, 5), "torch", id="amax-ties"),
    C(lambda lib, x: x.amin((0, 2), keepdim=True), ties(3, 2, 4), "torch", id="amin-ties-tuple"),
    C(lambda lib, x: x.amin(-1), rand(3, 4), "torch", id="amin-negative"),
    C(lambda lib, x: x.max(), ties(3, 4), "torch", id="max-all-ties"),
    C(lambda lib, x: x.max(), with_nans(3, 4, at=[1, 6]), "torch", id="max-all-nan"),
    C(lambda lib, x: x.max(1)[0], with_nans(3, 4, at=[1, 6]), "torch", id="max-dim-nan"),
    C(lambda lib, x: x.amax(), scalar(), "torch", id="amax-0d"),
    C(lambda lib, x: x.max(1)[0], distinct(3, 4), "torch", id="max-dim"),
    C(lambda lib, x: x.max(1)[0], ties(3, 6), "torch", id="max-dim-ties"),
    C(lambda lib, x: x.min(0)[0], ties(6, 3), "torch", id="min-dim-ties"),
    C(lambda lib, x: x.median(1)[0], ties(3, 6), "torch", id="median-dim-ties"),
    C(lambda lib, x: x.max(0, keepdim=True)[0], distinct(3, 4), "torch", id="max-dim-keepdim"),
    C(lambda lib, x: x.min(-1)[0], distinct(2, 3, 4), "torch", id="min-dim"),
    C(lambda lib, x: x.max(0)[0], scalar(), "torch", id="max-dim-0d"),
    C(lambda lib, x: x.max(1)[0], rand(0, 3), "torch", id="max-dim-empty"),
    # var / std / logsumexp
    C(lambda lib, x: x.var(), rand(3, 4), "torch", id="var-all"),
    C(lambda lib, x: x.var(1, correction=0), rand(3, 4), "torch", id="var-correction0"),
    C(lambda lib, x: x.var((0, 2), correction=2, keepdim=True), rand(2, 3, 4), "torch", id="var-correction2"),
    C(lambda lib, x: x.std(-1), rand(3, 4), "torch", id="std"),
    C(lambda lib, x: x.var(0), rand(1, 3), None, id="var-no-dof", marks=pytest.mark.filterwarnings("ignore")),
    C(lambda lib, x: x.logsumexp(1), rand(3, 4), "torch", id="logsumexp"),
    C(lambda lib, x: x.logsumexp((0, 1), keepdim=True), rand(3, 4), "torch", id="logsumexp-tuple"),
    C(lambda lib, x: x.logsumexp(() if lib is ft else (0, 1)), rand(2, 3), "torch", id="logsumexp-all"),
    C(lambda lib, x: x.logsumexp(0), scalar(), "torch", id="logsumexp-0d"),
    # vector_norm
    C(vnorm(2), rand(3, 4), "torch", id="norm2-all"),
    C(vnorm(2, 1), rand(3, 4), "torch", id="norm2-dim"),
    C(vnorm(2, 1), with_zeros(2, 3, at=[0, 1, 2]), None, id="norm2-zero-row"),
    C(vnorm(1, (0, 1), True), rand(2, 3, 2), "torch", id="norm1"),
    C(vnorm(INF, 1), ties(3, 4), "torch", id="norm-inf-ties"),
    C(vnorm(-INF, -1), rand(3, 4), "torch", id="norm-neg-inf"),
    C(vnorm(0, 1), rand(3, 4), "torch", id="norm0"),
    C(vnorm(3, 1), rand(3, 4), "torch", id="norm3"),
    C(vnorm(1.5), rand(3, 4), "torch", id="norm1.5"),
    C(vnorm(0.5, 0), rand(3, 4), "torch", id="norm0.5"),
    C(vnorm(-2, 1), rand(3, 4), "torch", id="norm-neg2"),
    C(vnorm(3, 1), with_zeros(2, 3, at=[0, 1, 4]), "torch", id="norm3-zeros"),
    C(vnorm(3, 1), with_zeros(2, 3, at=[3, 4, 5]), None, id="norm3-zero-row"),  # torch: nan second derivative
    C(vnorm(1.5, 0), with_zeros(2, 3, at=[0, 3, 4]), None, id="norm1.5-zero-column"),
    C(vnorm(0.5, 1), with_zeros(2, 3, at=[1]), None, id="norm0.5-zero"),
    C(lambda lib, x: x.norm(dim=1), rand(3, 4), "torch", id="norm-method"),
    # scans
    C(lambda lib, x: x.cumsum(1), rand(3, 4), "torch", id="cumsum"),
    C(lambda lib, x: x.cumsum(-3), rand(2, 3, 4), "torch", id="cumsum-negative"),
    C(lambda lib, x: x.cumsum(0), scalar(), "torch", id="cumsum-0d"),
    C(lambda lib, x: x.float().cumsum(0, dtype=lib.float64), rand(3, 4), "torch", id="cumsum-dtype",
      rtol=1e-6),  # torch casts the gradient to float32 before the reverse cumsum
    C(lambda lib, x: x.transpose(0, 1).cumsum(1), rand(3, 4), "torch", id="cumsum-noncontig"),
    C(lambda lib, x: x.cumprod(1), rand(3, 4), "torch", id="cumprod"),
    C(lambda lib, x: x.cumprod(0), scalar(), "torch", id="cumprod-0d"),
    C(lambda lib, x: x.cumprod(0), rand(1, 3), "torch", id="cumprod-size1"),
    C(lambda lib, x: x.cumprod(1), with_zeros(3, 5, at=[2, 5, 8, 13]), "torch", id="cumprod-one-zero"),
    C(lambda lib, x: x.cumprod(1), with_zeros(3, 5, at=[1, 3, 5, 6, 11, 12, 14]), "torch", id="cumprod-zeros"),
    C(lambda lib, x: x.cumprod(0), with_zeros(3, 2, at=[0, 1, 2, 3, 4, 5]), "torch", id="cumprod-all-zeros"),
    C(lambda lib, x: x.cummax(1)[0], rand(3, 5), "torch", id="cummax"),
    C(lambda lib, x: x.cummax(0)[0], ties(5, 3), "torch", id="cummax-ties"),
    C(lambda lib, x: x.cummin(-1)[0], ties(3, 5), "torch", id="cummin-ties"),
    C(lambda lib, x: x.cummin(0)[0], scalar(), "torch", id="cummin-0d"),
    C(lambda lib, x: x.cummax(1)[0], with_nans(3, 4, at=[1, 11]), "torch", id="cummax-nan"),
    # median
    C(lambda lib, x: x.median(), rand(3, 4), "torch", id="median-all"),
    C(lambda lib, x: x.median(), ties(3, 4), "torch", id="median-all-ties"),
    C(lambda lib, x: x.median(), with_nans(3, 4, at=[2, 9]), "torch", id="median-all-nan"),
    C(lambda lib, x: x.nanmedian(), with_nans(3, 4, at=[2, 9]), "torch", id="nanmedian-all"),
    C(lambda lib, x: x.median(1)[0], distinct(3, 5), "torch", id="median-dim"),
    C(lambda lib, x: x.median(0, keepdim=True)[0], distinct(4, 3), "torch", id="median-keepdim"),
    C(lambda lib, x: x.nanmedian(-1)[0], distinct(2, 3, 4), "torch", id="nanmedian-dim"),
    C(lambda lib, x: x.median(0)[0], scalar(), "torch", id="median-0d"),
    # sorting
    C(lambda lib, x: x.sort(1)[0], rand(3, 5), "torch", id="sort"),
    C(lambda lib, x: x.sort(0, descending=True)[0], ties(4, 3), "torch", id="sort-desc-ties"),
    C(lambda lib, x: x.sort(-1)[0], scalar(), "torch", id="sort-0d"),
    C(lambda lib, x: x.sort(1)[0], with_nans(3, 4, at=[1, 6, 7]), "torch", id="sort-nan"),
    C(lambda lib, x: x.transpose(0, 1).sort(0)[0], rand(3, 4), "torch", id="sort-noncontig"),
    C(lambda lib, x: lib.msort(x), rand(4, 3), "torch", id="msort"),
    C(lambda lib, x: x.topk(2)[0], rand(3, 5), "torch", id="topk"),
    C(lambda lib, x: x.topk(3, 0, largest=False, sorted=False)[0].sort(0)[0], rand(4, 3), "torch",
      id="topk-smallest-unsorted"),
    C(lambda lib, x: x.topk(0, 1)[0], rand(3, 4), None, id="topk-k0"),
    C(lambda lib, x: x.topk(2, 1)[0], distinct(2, 100), "torch", id="topk-partition"),
    C(lambda lib, x: x.kthvalue(2, 1)[0], distinct(3, 4), "torch", id="kthvalue"),
    C(lambda lib, x: x.kthvalue(1, 0, keepdim=True)[0], distinct(3, 4), "torch", id="kthvalue-keepdim"),
    C(lambda lib, x: x.kthvalue(1)[0], scalar(), "torch", id="kthvalue-0d"),
    C(lambda lib, x: x.mode(1)[0], ties(3, 7), "torch", id="mode"),
    C(lambda lib, x: x.mode(0, keepdim=True)[0], ties(7, 3), "torch", id="mode-keepdim"),
    C(lambda lib, x: x.mode()[0], scalar(), "torch", id="mode-0d"),
    # reductions composed with others (quantile = sort + gather + lerp)
    C(lambda lib, x: lib.quantile(x, 0.3, dim=1), distinct(3, 5), "torch", id="quantile"),
]


# ---- the checks ------------------------------------------------------------------------------
def _first(lib, fn, x, v):
    """x, v leaves; g = vjp of fn at x along v (graph kept for a second derivative)."""
    if lib is ft:
        xt, vt = ft.tensor(x, requires_grad=True), ft.tensor(v, requires_grad=True)
        (g,) = ag.grad(values(fn(ft, xt)), xt, vt, create_graph=True, materialize_grads=True)
    else:
        xt, vt = torch.tensor(x, requires_grad=True), torch.tensor(v, requires_grad=True)
        (g,) = torch.autograd.grad(values(fn(torch, xt)), xt, vt, create_graph=True, materialize_grads=True)
    return xt, vt, g


def _second(lib, xt, vt, g, w):
    """Gradients of <g, w> with respect to x and v (zeros where it does not depend on them)."""
    if not g.requires_grad:
        return np.zeros(xt.shape), np.zeros(vt.shape)
    wt = ft.tensor(w) if lib is ft else torch.tensor(w)
    grad = ag.grad if lib is ft else torch.autograd.grad
    gx, gv = grad((g * wt).sum(), (xt, vt), materialize_grads=True)
    return _np(gx), _np(gv)


def _np(t):
    return t.detach().numpy(force=True)  # force: torch's zero-gradient tensors


def _fd_second(fn, x, v, w, eps=1e-6):
    """Finite differences of x -> <torch's first derivative at x, w> (torch's first derivative is exact)."""
    out = np.zeros(x.shape)
    flat = out.reshape(-1)
    for i in range(x.size):
        d = np.zeros(x.size)
        d[i] = eps
        d = d.reshape(x.shape)
        hi = _np(_first(torch, fn, x + d, v)[2])
        lo = _np(_first(torch, fn, x - d, v)[2])
        flat[i] = ((hi - lo) * w).sum() / (2 * eps)
    return out


@pytest.mark.parametrize("fn, make, second, rtol", CASES)
def test_rule_matches_torch(fn, make, second, rtol):
    x = make()
    y = values(fn(torch, torch.tensor(x)))
    v = _rng.standard_normal(tuple(y.shape))
    w = _rng.standard_normal(x.shape)
    fx_x, fx_v, fx_g = _first(ft, fn, x, v)
    t_x, t_v, t_g = _first(torch, fn, x, v)
    assert tuple(fx_g.shape) == x.shape and fx_g.dtype is ft.float64
    np.testing.assert_allclose(_np(fx_g), _np(t_g), rtol=rtol, atol=1e-9, equal_nan=True)
    if second is None:
        return
    gx, gv = _second(ft, fx_x, fx_v, fx_g, w)
    if second == "torch":
        tx, tv = _second(torch, t_x, t_v, t_g, w)
    else:
        tx, tv = _fd_second(fn, x, v, w), _second(torch, t_x, t_v, t_g, w)[1]
    np.testing.assert_allclose(gx, tx, rtol=1e-6, atol=1e-7, err_msg="d2/dx2")
    np.testing.assert_allclose(gv, tv, rtol=1e-7, atol=1e-9, err_msg="d2/dxdv")


def test_prod_two_zeros_second_derivative_is_the_product_of_the_others():
    # torch returns 0 here; the true mixed derivative d2/dx0 dx1 of x0 * x1 * x2 at x0 = x1 = 0 is x2.
    x = ft.tensor([0.0, 0.0, 3.0], requires_grad=True)
    (g,) = ag.grad(x.prod(), x, create_graph=True)
    (h,) = ag.grad(g[0], x)
    assert g.tolist() == [0.0, 0.0, 0.0] and h.tolist() == [0.0, 3.0, 0.0]


def test_amax_of_nan_sends_the_gradient_to_the_nans():
    # Like torch's max() (evenly among the NaNs); torch's amax gives NaN everywhere instead.
    x = ft.tensor([[1.0, math.nan, 3.0, math.nan], [2.0, 5.0, 5.0, 1.0]], requires_grad=True)
    x.amax(1).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.5, 0.0, 0.5], [0.0, 0.5, 0.5, 0.0]]


def test_cumprod_zero_grad_is_exact_and_finite():
    x = ft.tensor([2.0, 0.0, 3.0, 0.0, 5.0], requires_grad=True)
    (g,) = ag.grad(x.cumprod(0).sum(), x)
    # d/dx1 = x0 (1 + x2 + x2 x3 + x2 x3 x4) = 2 * 4; d/dx3 = x0 x1 x2 (1 + x4) = 0; x0: 1 (only i = 0 survives)
    assert g.tolist() == [1.0, 8.0, 0.0, 0.0, 0.0]


def test_indices_take_no_gradient():
    x = ft.tensor([[3.0, 1.0, 2.0]], requires_grad=True)
    vals, idx = x.sort(1)
    assert not idx.requires_grad and vals.requires_grad
    (vals * ft.tensor([[1.0, 2.0, 3.0]])).sum().backward()
    assert x.grad.tolist() == [[3.0, 1.0, 2.0]]


def test_rules_only_run_for_needed_outputs():
    # A (values, indices) op whose values are unused contributes no gradient.
    x = ft.tensor([1.0, 4.0, 2.0], requires_grad=True)
    _, idx = x.max(0)
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0] and idx.item() == 1
