"""vmap over the fused neural-network primitives (pooling, normalization, embedding, losses):
results and per-example gradients equal a loop over the examples."""

from __future__ import annotations

import numpy as np
import pytest

import fx.tensor as ft
from fx.autograd.func import grad, vmap
from fx.tensor._ops import conv, loss, norm, pooling
from fx.tensor._ops.embedding import P_embedding
from fx.tensor._ops.loss import P_ctc_loss

rng = np.random.default_rng(3)
B = 3


def T(*shape):
    return ft.tensor(rng.standard_normal(shape))


def _flat(out):
    return out if isinstance(out, tuple) else (out,)


def check(f, args, in_dims):
    """vmap(f) == stack([f(example b) for b]) for every output."""
    got = _flat(vmap(f, in_dims=in_dims)(*args))
    loop = [_flat(f(*[a if d is None else a.select(d, b) for a, d in zip(args, in_dims)])) for b in range(B)]
    assert len(got) == len(loop[0])
    for k, g in enumerate(got):
        exp = np.stack([o[k].numpy() for o in loop])
        assert tuple(g.shape) == exp.shape
        np.testing.assert_allclose(g.numpy(), exp, atol=1e-6, rtol=1e-5)


X4 = T(B, 2, 3, 6, 5)
POOLS = {
    "max": lambda x: pooling.max_pool2d(x, (2, 2), (2, 2), (0, 0), (1, 1), False),
    "max-pad-dilated": lambda x: pooling.max_pool2d(x, (2, 3), (1, 2), (1, 1), (2, 1), True),
    "avg": lambda x: pooling.avg_pool2d(x, (3, 2), (1, 2), (1, 0), False, True, None),
    "adaptive-avg": lambda x: pooling.adaptive_avg_pool2d(x, (2, 3)),
    "adaptive-max": lambda x: pooling.adaptive_max_pool2d(x, (4, 2)),
}


@pytest.mark.parametrize("name", POOLS)
def test_pooling(name):
    f = POOLS[name]
    check(f, [X4], (0,))
    check(grad(lambda x: _flat(f(x))[0].pow(2).sum()), [X4], (0,))
    check(lambda x: _flat(f(x))[0], [X4.movedim(0, 3)], (3,))


@pytest.mark.parametrize("batched", ["x", "weight", "both"])
def test_layer_and_rms_norm(batched):
    x = T(B, 4, 5) if batched != "weight" else T(4, 5)
    w = T(B, 5) if batched != "x" else T(5)
    b = T(5)
    dims = (0 if batched != "weight" else None, 0 if batched != "x" else None, None)
    check(lambda x, w, b: norm.layer_norm(x, (5,), w, b), [x, w, b], dims)
    check(grad(lambda x, w, b: norm.layer_norm(x, (5,), w, b)[0].sin().sum(), argnums=(0, 1, 2)), [x, w, b], dims)
    check(grad(lambda x, w, b: norm.rms_norm(x, (5,), w)[0].sin().sum(), argnums=(0, 1)), [x, w, b], dims)
    check(grad(lambda x, w, b: norm.layer_norm(x, (4, 5), None, None)[0].sin().sum()), [x, w, b], dims)


@pytest.mark.parametrize("batched", ["x", "weight"])
def test_group_and_batch_norm(batched):
    x = T(B, 2, 4, 3) if batched == "x" else T(2, 4, 3)
    w = T(4) if batched == "x" else T(B, 4)
    b = T(4)
    dims = (0, None, None) if batched == "x" else (None, 0, None)
    for f in (lambda x, w, b: norm.group_norm(x, 2, w, b), lambda x, w, b: norm.batch_norm_train(x, w, b)):
        check(f, [x, w, b], dims)
        check(grad(lambda x, w, b: f(x, w, b)[0].sin().sum(), argnums=(0, 1, 2)), [x, w, b], dims)


def test_embedding():
    w, idx = T(7, 3), ft.tensor(rng.integers(0, 7, (B, 2, 4)))
    for pad in (-1, 2):
        check(lambda i, w: P_embedding(w, i, padding_idx=pad), [idx, w], (0, None))
        check(lambda i, w: P_embedding(w, i, padding_idx=pad), [idx, T(B, 7, 3)], (0, 0))
        check(grad(lambda w, i: P_embedding(w, i, padding_idx=pad).sin().sum()), [w, idx], (None, 0))
        check(grad(lambda w, i: P_embedding(w, i, padding_idx=pad).sin().sum()), [T(B, 7, 3), idx], (0, 0))


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_cross_entropy_and_nll(reduction):
    x, target, cw = T(B, 4, 5), ft.tensor(rng.integers(0, 5, (B, 4))), ft.tensor(rng.random(5))
    target[0, 1] = -100
    for kw in ({}, {"weight": cw, "label_smoothing": 0.2}):
        check(lambda x, t: loss.cross_entropy_indices(x, t, reduction=reduction, **kw), [x, target], (0, 0))
        check(grad(lambda x, t: loss.cross_entropy_indices(x, t, reduction=reduction, **kw).sum()), [x, target],
              (0, 0))
    check(lambda x, t: loss.nll_loss_2d(x, t, weight=cw, reduction=reduction), [x, target[1]], (0, None))
    check(grad(lambda x, t: loss.nll_loss_2d(x, t, reduction=reduction).sum()), [x, target], (0, 0))


@pytest.mark.parametrize("concat", [False, True])
def test_ctc_loss(concat):
    lp = T(B, 6, 2, 4).log_softmax(-1)
    il = ft.tensor([[6, 5]] * B)
    if concat:  # same total target length per example
        tl, targets = ft.tensor([[3, 2], [2, 3], [4, 1]]), ft.tensor(rng.integers(1, 4, (B, 5)))
    else:
        tl, targets = ft.tensor([[3, 2], [1, 3], [2, 2]]), ft.tensor(rng.integers(1, 4, (B, 2, 3)))

    def f(lp, t, i, n):
        return P_ctc_loss(lp, t, i, n, blank=0, zero_infinity=False, concat=concat)[0]

    check(f, [lp, targets, il, tl], (0, 0, 0, 0))
    check(grad(lambda lp, t, i, n: f(lp, t, i, n).sum()), [lp, targets, il, tl], (0, 0, 0, 0))


@pytest.mark.parametrize("batched", ["x", "weight", "both", "bias"])
def test_conv(batched):
    x = T(B, 2, 4, 6, 5) if batched in ("x", "both", "bias") else T(2, 4, 6, 5)
    w = T(B, 6, 2, 3, 2) if batched in ("weight", "both") else T(6, 2, 3, 2)
    b = T(B, 6) if batched == "bias" else T(6)
    dims = tuple(0 if t.ndim == n + 1 else None for t, n in ((x, 4), (w, 4), (b, 1)))

    def f(x, w, b):
        return conv.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2)

    def f1d(x, w, b):
        return conv.conv1d(x[:, :, 0], w[:, :, 0], b, padding=1, groups=2)

    def ft2d(x, w, b):  # weight (in=4, out/groups=3, kh, kw)
        return conv.conv_transpose2d(x, w[:, :, :2, :2].reshape(4, 3, 2, 2), b[:3], stride=2)

    for fn in (f, f1d, ft2d):
        check(fn, [x, w, b], dims)
        check(grad(lambda x, w, b: fn(x, w, b).sin().sum(), argnums=(0, 1, 2)), [x, w, b], dims)
