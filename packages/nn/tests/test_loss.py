"""Losses: functional and layers vs PyTorch (values and input gradients for every reduction),
ignore_index, weights, label smoothing, gradcheck / gradgradcheck, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn as nn
import fx.nn.functional as F
import fx.tensor as ft

torch = pytest.importorskip("torch")
TF = torch.nn.functional

_rng = np.random.default_rng(2)
REDUCTIONS = ["mean", "sum", "none"]


def _run(fx_fn, torch_fn, arrays, consts=(), atol=1e-10):
    """Compare the loss and the gradients of <loss, g> w.r.t. `arrays`; `consts` (arrays) take none."""
    xs = [ft.tensor(a, requires_grad=True) for a in arrays]
    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    cs, tcs = [ft.tensor(c) for c in consts], [torch.tensor(c) for c in consts]
    y, ty = fx_fn(*xs, *cs), torch_fn(*txs, *tcs)
    assert tuple(y.shape) == tuple(ty.shape)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), atol=atol, rtol=1e-7)
    g = _rng.standard_normal(tuple(ty.shape))
    (y * ft.tensor(g, dtype=y.dtype)).sum().backward()
    (ty * torch.tensor(g, dtype=ty.dtype)).sum().backward()
    for x, tx in zip(xs, txs):
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=atol, rtol=1e-6)


def _targets(n, c, ignore=()):
    t = _rng.integers(0, c, n)
    for i in ignore:
        t[i] = -100
    return t


# ---- cross entropy / nll ------------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_indices(reduction, smoothing, weighted):
    x, t = _rng.standard_normal((7, 5)), _targets(7, 5, ignore=(2, 5))
    w = _rng.uniform(0.2, 2.0, 5) if weighted else None
    kw = dict(reduction=reduction, label_smoothing=smoothing)
    _run(lambda x, t, *w: F.cross_entropy(x, t, *w, **kw), lambda x, t, *w: TF.cross_entropy(x, t, *w, **kw), [x],
         [t] + ([w] if weighted else []))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_nd_and_unbatched(reduction):
    x, t = _rng.standard_normal((2, 4, 3, 5)), _rng.integers(0, 4, (2, 3, 5))
    t[0, 1, 2] = 1
    kw = dict(reduction=reduction, ignore_index=1, label_smoothing=0.1)
    _run(lambda x, t: F.cross_entropy(x, t, **kw), lambda x, t: TF.cross_entropy(x, t, **kw), [x], [t])
    _run(lambda x, t: F.cross_entropy(x, t, reduction=reduction), lambda x, t: TF.cross_entropy(x, t,
                                                                                                 reduction=reduction),
         [_rng.standard_normal(6)], [np.array(3)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probabilities(reduction):
    x = _rng.standard_normal((5, 4, 3))
    p = _rng.uniform(0, 1, (5, 4, 3))
    p /= p.sum(1, keepdims=True)
    w = _rng.uniform(0.5, 2, 4)
    for kw in (dict(reduction=reduction), dict(reduction=reduction, label_smoothing=0.2)):
        _run(lambda x, p: F.cross_entropy(x, p, **kw), lambda x, p: TF.cross_entropy(x, p, **kw), [x, p])
        _run(lambda x, p, w: F.cross_entropy(x, p, w, **kw), lambda x, p, w: TF.cross_entropy(x, p, w, **kw), [x],
             [p, w])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction):
    x, t, w = _rng.standard_normal((6, 4)), _targets(6, 4, ignore=(1,)), _rng.uniform(0.5, 2, 4)
    _run(lambda x, t, w: F.nll_loss(x, t, w, reduction=reduction), lambda x, t, w: TF.nll_loss(x, t, w,
                                                                                                reduction=reduction),
         [x], [t, w])
    x4, t4 = _rng.standard_normal((2, 3, 4, 2)), _rng.integers(0, 3, (2, 4, 2))
    _run(lambda x, t: F.nll_loss(x, t, reduction=reduction, ignore_index=0),
         lambda x, t: TF.nll_loss(x, t, reduction=reduction, ignore_index=0), [x4], [t4])


def test_cross_entropy_float32_large():
    x, t = _rng.standard_normal((64, 1000)).astype(np.float32) * 5, _targets(64, 1000, ignore=(3,))
    w = _rng.uniform(0.5, 2, 1000).astype(np.float32)
    _run(lambda x, t, w: F.cross_entropy(x, t, w, label_smoothing=0.1),
         lambda x, t, w: TF.cross_entropy(x, t, w, label_smoothing=0.1), [x], [t, w], atol=1e-5)


def test_cross_entropy_all_ignored_and_uint8_target():
    y = F.cross_entropy(ft.randn(3, 4), ft.tensor([-100, -100, -100]))
    assert np.isnan(y.item())
    t = np.array([1, 0, 3], np.uint8)
    x = _rng.standard_normal((3, 4))
    np.testing.assert_allclose(F.cross_entropy(ft.tensor(x), ft.tensor(t)).item(),
                               TF.cross_entropy(torch.tensor(x), torch.tensor(t)).item())


def test_cross_entropy_double_backward_matches_torch():
    x, t = _rng.standard_normal((4, 5)), _targets(4, 5, ignore=(0,))
    fx_x, tx = ft.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (g,) = ag.grad(F.cross_entropy(fx_x, ft.tensor(t), label_smoothing=0.3), [fx_x], create_graph=True)
    (tg,) = torch.autograd.grad(TF.cross_entropy(tx, torch.tensor(t), label_smoothing=0.3), [tx], create_graph=True)
    (g * g).sum().backward()
    (tg * tg).sum().backward()
    np.testing.assert_allclose(fx_x.grad.numpy(), tx.grad.numpy(), atol=1e-12)


# ---- elementwise losses ------------------------------------------------------------------------------
def _pair_losses():
    return [
        ("mse_loss", {}), ("l1_loss", {}), ("smooth_l1_loss", dict(beta=0.5)), ("smooth_l1_loss", dict(beta=0.0)),
        ("huber_loss", dict(delta=0.7)), ("poisson_nll_loss", {}), ("poisson_nll_loss", dict(log_input=False)),
    ]


@pytest.mark.parametrize("name, kw", _pair_losses())
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses(name, kw, reduction):
    a, b = _rng.standard_normal((4, 3)), _rng.standard_normal((4, 3))
    if name == "poisson_nll_loss" and not kw.get("log_input", True):
        a, b = np.abs(a) + 0.1, np.abs(b)
    _run(lambda x, y: getattr(F, name)(x, y, reduction=reduction, **kw),
         lambda x, y: getattr(TF, name)(x, y, reduction=reduction, **kw), [a, b])


def test_weighted_and_legacy_reductions():
    a, b, w = (_rng.standard_normal((4, 3)) for _ in range(3))
    _run(lambda x, y, w: F.mse_loss(x, y, weight=w), lambda x, y, w: TF.mse_loss(x, y, weight=w), [a, b], [w])
    _run(lambda x, y, w: F.l1_loss(x, y, weight=w), lambda x, y, w: TF.l1_loss(x, y, weight=w), [a, b], [w])
    _run(lambda x, y, w: F.huber_loss(x, y, weight=w), lambda x, y, w: TF.huber_loss(x, y, weight=w), [a, b], [w])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(lambda x, y: F.l1_loss(x, y, size_average=False), lambda x, y: TF.l1_loss(x, y, size_average=False),
             [a, b])
        _run(lambda x, y: F.mse_loss(x, y, reduce=False), lambda x, y: TF.mse_loss(x, y, reduce=False), [a, b])


def test_gaussian_nll():
    a, b, v = _rng.standard_normal((4, 3)), _rng.standard_normal((4, 3)), np.abs(_rng.standard_normal((4, 1)))
    for kw in ({}, dict(full=True, reduction="sum")):
        _run(lambda x, y, v: F.gaussian_nll_loss(x, y, v, **kw), lambda x, y, v: TF.gaussian_nll_loss(x, y, v, **kw),
             [a, b, v])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce(reduction):
    p, t, w = _rng.uniform(0.05, 0.95, (4, 3)), _rng.uniform(0, 1, (4, 3)), _rng.uniform(0.5, 2, 3)
    _run(lambda p, t: F.binary_cross_entropy(p, t, reduction=reduction),
         lambda p, t: TF.binary_cross_entropy(p, t, reduction=reduction), [p, t])
    _run(lambda p, t, w: F.binary_cross_entropy(p, t, w, reduction=reduction),
         lambda p, t, w: TF.binary_cross_entropy(p, t, w, reduction=reduction), [p, t], [w])
    x = _rng.standard_normal((4, 3)) * 30  # large logits: the stable form
    x[0, 0] = 0.0
    for kw in ({}, dict(pos_weight=w), dict(weight=w, pos_weight=w)):
        kw_fx = {k: ft.tensor(v) for k, v in kw.items()}
        kw_t = {k: torch.tensor(v) for k, v in kw.items()}
        _run(lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction=reduction, **kw_fx),
             lambda x, t: TF.binary_cross_entropy_with_logits(x, t, reduction=reduction, **kw_t), [x, t])


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    x = np.log(_rng.dirichlet(np.ones(4), 3))
    t = _rng.dirichlet(np.ones(4), 3)
    t[0, 1] = 0.0
    t = np.log(t + 1e-3) if log_target else t
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(lambda x, t: F.kl_div(x, t, reduction=reduction, log_target=log_target),
             lambda x, t: TF.kl_div(x, t, reduction=reduction, log_target=log_target), [x, t])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_and_embedding_losses(reduction):
    a, b, c = (_rng.standard_normal((5, 3)) for _ in range(3))
    y = np.array([1.0, -1.0, 1.0, -1.0, -1.0])
    _run(lambda a, b, y: F.cosine_embedding_loss(a, b, y, 0.2, reduction=reduction),
         lambda a, b, y: TF.cosine_embedding_loss(a, b, y, 0.2, reduction=reduction), [a, b], [y])
    _run(lambda a, b, y: F.margin_ranking_loss(a, b, y, 0.1, reduction=reduction),
         lambda a, b, y: TF.margin_ranking_loss(a, b, y, 0.1, reduction=reduction), [a[:, 0], b[:, 0]], [y])
    for kw in (dict(), dict(p=1, swap=True, margin=0.5)):
        _run(lambda a, b, c: F.triplet_margin_loss(a, b, c, reduction=reduction, **kw),
             lambda a, b, c: TF.triplet_margin_loss(a, b, c, reduction=reduction, **kw), [a, b, c])
    yy = np.sign(_rng.standard_normal((5, 3)))
    _run(lambda a, y: F.hinge_embedding_loss(a, y, reduction=reduction),
         lambda a, y: TF.hinge_embedding_loss(a, y, reduction=reduction), [a], [yy])
    _run(lambda a, y: F.soft_margin_loss(a, y, reduction=reduction),
         lambda a, y: TF.soft_margin_loss(a, y, reduction=reduction), [a], [yy])
    _run(lambda a, y: F.multilabel_soft_margin_loss(a, y, reduction=reduction),
         lambda a, y: TF.multilabel_soft_margin_loss(a, y, reduction=reduction), [a], [(yy > 0) * 1.0])


# ---- CTC ---------------------------------------------------------------------------------------------
def _ctc_case(t_max=12, n=3, c=5, s=4):
    lp = _rng.standard_normal((t_max, n, c))
    targets = _rng.integers(1, c, (n, s))
    targets[0, 1] = targets[0, 0]  # a repeated label needs a blank in between
    il = np.array([t_max, t_max - 2, t_max - 3])[:n]
    tl = np.array([s, 2, 0])[:n]
    return lp, targets, il, tl


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss(reduction):
    lp, targets, il, tl = _ctc_case()
    _run(lambda x, tg, il, tl: F.ctc_loss(ft.log_softmax(x, 2), tg, il, tl, reduction=reduction),
         lambda x, tg, il, tl: TF.ctc_loss(torch.log_softmax(x, 2), tg, il, tl, reduction=reduction), [lp],
         [targets, il, tl])
    flat = np.concatenate([targets[i, :tl[i]] for i in range(3)])
    _run(lambda x, tg: F.ctc_loss(ft.log_softmax(x, 2), tg, tuple(il), tuple(tl), blank=0, reduction=reduction),
         lambda x, tg: TF.ctc_loss(torch.log_softmax(x, 2), tg, tuple(il), tuple(tl), reduction=reduction), [lp],
         [flat])


def test_ctc_impossible_and_zero_infinity():
    lp = _rng.standard_normal((3, 1, 4))
    tg = np.array([[1, 1, 2]])  # needs 4 frames
    for zero_inf in (False, True):
        y = F.ctc_loss(ft.log_softmax(ft.tensor(lp), 2), ft.tensor(tg), (3,), (3,), reduction="none",
                       zero_infinity=zero_inf)
        ty = TF.ctc_loss(torch.log_softmax(torch.tensor(lp), 2), torch.tensor(tg), (3,), (3,), reduction="none",
                         zero_infinity=zero_inf)
        np.testing.assert_array_equal(y.numpy(), ty.numpy())
    x = ft.tensor(lp, requires_grad=True)
    F.ctc_loss(ft.log_softmax(x, 2), ft.tensor(tg), (3,), (3,), zero_infinity=True).backward()
    assert float(x.grad.abs().sum()) == 0.0


def test_ctc_gradcheck():
    lp, targets, il, tl = _ctc_case(t_max=6, n=2, c=4, s=2)
    assert ag.gradcheck(lambda x: F.ctc_loss(x, ft.tensor(targets), ft.tensor(il), ft.tensor(tl)),
                        [ft.tensor(lp, requires_grad=True)])


# ---- gradcheck ----------------------------------------------------------------------------------------
_P = ft.softmax(ft.tensor(_rng.standard_normal((4, 4))), 1)
_U = ft.tensor(_rng.uniform(0, 1, (4, 4)))
_D = ft.tensor(_rng.dirichlet(np.ones(4), 4))
GRAD_CASES = [
    lambda x: F.cross_entropy(x, ft.tensor([1, -100, 3, 0]), ft.tensor([1.0, 2.0, 0.5, 1.5], dtype=ft.float64),
                              label_smoothing=0.2),
    lambda x: F.cross_entropy(x, ft.tensor([1, 2, 3, 0]), reduction="none"),
    lambda x: F.nll_loss(x, ft.tensor([1, 2, -100, 0]), reduction="sum"),
    lambda x: F.cross_entropy(x, _P),
    lambda x: F.binary_cross_entropy_with_logits(x, _U,
                                                 pos_weight=ft.tensor([1.0, 2.0, 3.0, 0.5], dtype=ft.float64)),
    lambda x: F.kl_div(x, _D, reduction="batchmean"),
    lambda x: F.mse_loss(x, _U, weight=_D),
    lambda x: F.l1_loss(x, _U, weight=_D, reduction="sum"),
    lambda x: F.smooth_l1_loss(x, ft.zeros(4, 4, dtype=ft.float64), beta=0.5),
    lambda x: F.cosine_embedding_loss(x, x.flip(0), ft.tensor([1.0, -1.0, 1.0, -1.0], dtype=ft.float64)),
    lambda x: F.triplet_margin_loss(x, x * 0.5, x.flip(1)),
]


@pytest.mark.parametrize("fn", GRAD_CASES)
def test_gradcheck(fn):
    x = ft.tensor(_rng.standard_normal((4, 4)), requires_grad=True)
    assert ag.gradcheck(fn, [x])
    assert ag.gradgradcheck(fn, [x])


@pytest.mark.parametrize("call, exc, match", [
    (lambda: F.cross_entropy(ft.randn(3, 5), ft.tensor([1, 2, 7])), IndexError, "Target 7 is out of bounds"),
    (lambda: F.nll_loss(ft.randn(3, 5), ft.tensor([1, 2, -3])), IndexError, "Target -3 is out of bounds"),
    (lambda: F.cross_entropy(ft.randn(3, 5), ft.tensor([1, 2])), ValueError, r"batch_size \(3\).*\(2\)"),
    (lambda: F.cross_entropy(ft.randn(3, 5), ft.tensor([1, 2, 3], dtype=ft.int32)), RuntimeError, "Long or Byte"),
    (lambda: F.cross_entropy(ft.randn(3, 5), ft.tensor([1, 2, 3]), ft.ones(4)), RuntimeError, "all 5 classes"),
    (lambda: F.cross_entropy(ft.randn(3, 5), ft.tensor([1, 2, 3]), reduction="foo"), ValueError,
     "foo is not a valid value for reduction"),
    (lambda: F.cross_entropy(ft.randn(3, 5), ft.tensor([1, 2, 3]), label_smoothing=1.5), RuntimeError,
     "label_smoothing must be between 0.0 and 1.0"),
    (lambda: F.cross_entropy(ft.randn(3, 5), ft.rand(3, 5), ignore_index=1), RuntimeError,
     "ignore_index is not supported for floating point target"),
    (lambda: F.nll_loss(ft.randn(3, 5, 2), ft.tensor([1, 2, 3])), RuntimeError, r"Expected target size \[3, 2\]"),
    (lambda: F.binary_cross_entropy(ft.tensor([0.5, 1.5]), ft.tensor([1.0, 0.0])), RuntimeError,
     "between 0 and 1"),
    (lambda: F.binary_cross_entropy(ft.rand(3, 1), ft.rand(3)), ValueError, "different to the input size"),
    (lambda: F.binary_cross_entropy_with_logits(ft.rand(3, 1), ft.rand(3)), ValueError, "must be the same"),
    (lambda: F.smooth_l1_loss(ft.rand(3), ft.rand(3), beta=-1.0), RuntimeError, "negative values for beta"),
    (lambda: F.triplet_margin_loss(ft.rand(3, 2), ft.rand(3, 2), ft.rand(3)), RuntimeError, "same number"),
    (lambda: F.ctc_loss(ft.randn(5, 2, 4).log_softmax(2), ft.ones(2, 3, dtype=ft.int64), (6, 5), (3, 3)),
     RuntimeError, "input_lengths to have value at most 5"),
    (lambda: F.ctc_loss(ft.randn(5, 2, 4).log_softmax(2), ft.ones(2, 3, dtype=ft.int64), (5, 5), (3,)),
     RuntimeError, "target_lengths must be of size batch_size"),
    (lambda: F.mse_loss(ft.rand(3), [1.0, 2.0, 3.0]), TypeError, "must be Tensor"),
    (lambda: nn.TripletMarginLoss(margin=0.0), ValueError, "greater than 0"),
    (lambda: F.mse_loss(ft.rand(3), ft.rand(3), weight=ft.rand(2)), ValueError, "Weights and input must have"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---- layers -------------------------------------------------------------------------------------------
def test_loss_layers():
    x, t = _rng.standard_normal((6, 4)), _targets(6, 4, ignore=(2,))
    w = _rng.uniform(0.5, 2, 4)
    cases = [
        (nn.CrossEntropyLoss(ft.tensor(w), ignore_index=-100, label_smoothing=0.1),
         torch.nn.CrossEntropyLoss(torch.tensor(w), label_smoothing=0.1), [x], [t]),
        (nn.NLLLoss(reduction="sum"), torch.nn.NLLLoss(reduction="sum"), [x], [t]),
        (nn.MSELoss(), torch.nn.MSELoss(), [x, x[::-1].copy()], []),
        (nn.L1Loss(reduction="none"), torch.nn.L1Loss(reduction="none"), [x, x * 2], []),
        (nn.SmoothL1Loss(beta=0.3), torch.nn.SmoothL1Loss(beta=0.3), [x, x * 2], []),
        (nn.HuberLoss(delta=0.3), torch.nn.HuberLoss(delta=0.3), [x, x * 2], []),
        (nn.BCEWithLogitsLoss(pos_weight=ft.tensor(w)), torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(w)),
         [x], [np.abs(np.sin(x))]),
        (nn.BCELoss(ft.tensor(w)), torch.nn.BCELoss(torch.tensor(w)), [1 / (1 + np.exp(-x))], [np.abs(np.sin(x))]),
        (nn.KLDivLoss(reduction="batchmean", log_target=True), torch.nn.KLDivLoss(reduction="batchmean",
                                                                                  log_target=True), [x], [x * 0.5]),
        (nn.CosineEmbeddingLoss(0.1), torch.nn.CosineEmbeddingLoss(0.1), [x, x * x], [np.sign(x[:, 0])]),
        (nn.MarginRankingLoss(0.2), torch.nn.MarginRankingLoss(0.2), [x, x * x], [np.sign(x)]),
        (nn.TripletMarginLoss(swap=True), torch.nn.TripletMarginLoss(swap=True), [x, x * x, np.cos(x)], []),
        (nn.HingeEmbeddingLoss(0.5), torch.nn.HingeEmbeddingLoss(0.5), [x], [np.sign(x)]),
        (nn.SoftMarginLoss(), torch.nn.SoftMarginLoss(), [x], [np.sign(x)]),
        (nn.MultiLabelSoftMarginLoss(), torch.nn.MultiLabelSoftMarginLoss(), [x], [(x > 0) * 1.0]),
        (nn.PoissonNLLLoss(), torch.nn.PoissonNLLLoss(), [x, np.abs(x)], []),
        (nn.GaussianNLLLoss(), torch.nn.GaussianNLLLoss(), [x, x * 2, np.abs(x) + 0.1], []),
    ]
    for m, tm, arrays, consts in cases:
        assert repr(m) == repr(tm)
        assert list(m.state_dict()) == list(tm.state_dict()), type(m).__name__
        _run(m, tm, arrays, consts)
    lp, targets, il, tl = _ctc_case()
    _run(lambda x, tg, a, b: nn.CTCLoss(zero_infinity=True)(ft.log_softmax(x, 2), tg, a, b),
         lambda x, tg, a, b: torch.nn.CTCLoss(zero_infinity=True)(torch.log_softmax(x, 2), tg, a, b), [lp],
         [targets, il, tl])
