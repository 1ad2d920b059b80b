"""Derivative rules of the product and linear-algebra primitives vs torch autograd (float64).

Each case is (loss, input makers): `loss(lib, *inputs)` is one scalar function written for both
fx.tensor and torch; its first derivatives, and the second ones along a fixed direction, must
match torch's. Decomposition losses are invariant under the sign choice of singular/eigen vectors.
"""

from __future__ import annotations

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft

torch = pytest.importorskip("torch")


def rand(*shape):
    return lambda rng: rng.standard_normal(shape)


def well_conditioned(*shape):
    """Random square matrices plus n * I."""
    def make(rng):
        n = shape[-1]
        return rng.standard_normal(shape) + n * np.eye(n)
    return make


def spd(*shape):
    def make(rng):
        x = rng.standard_normal(shape)
        return x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])
    return make


def symmetric(*shape):
    """Symmetric matrices with well-separated eigenvalues."""
    def make(rng):
        n = shape[-1]
        q, _ = np.linalg.qr(rng.standard_normal(shape))
        w = np.arange(1, n + 1) * 1.5 + rng.uniform(0, 0.3, shape[:-2] + (n,))
        return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)
    return make


def triangular(*shape, upper):
    def make(rng):
        a = rng.standard_normal(shape) + 3 * np.eye(shape[-1])
        return np.triu(a) if upper else np.tril(a)
    return make


def transposed(make):
    """A non-contiguous (transposed) input with the same values as make()."""
    return lambda rng: np.swapaxes(np.ascontiguousarray(np.swapaxes(make(rng), -1, -2)), -1, -2)


def wsum(x, w):
    """Weighted sum: a loss whose gradient is w (same code for fx and torch)."""
    return (x * w).sum()


def weights(shape, lib):
    w = np.cos(np.arange(int(np.prod(shape))).reshape(shape) * 0.7 + 0.3)
    return ft.tensor(w) if lib is ft else torch.tensor(w)


def weighted(fn):
    """Loss: the output weighted by fixed weights of its shape."""
    def loss(lib, *xs):
        y = fn(lib, *xs)
        return wsum(y, weights(tuple(y.shape), lib))
    return loss


def linalg(lib):
    return lib.linalg


def svd_loss(full_matrices=False):
    def loss(lib, a):
        u, s, vh = linalg(lib).svd(a, full_matrices=full_matrices)
        k = s.shape[-1]
        u, vh = u[..., :k], vh[..., :k, :]
        return (wsum(u * u, weights(tuple(u.shape), lib)) + wsum(s, weights(tuple(s.shape), lib))
                + wsum(vh * vh, weights(tuple(vh.shape), lib)) + wsum(u @ vh, weights(tuple(a.shape), lib)))
    return loss


def eigh_loss(uplo):
    def loss(lib, a):
        w, v = linalg(lib).eigh(a, UPLO=uplo)
        return wsum(w, weights(tuple(w.shape), lib)) + wsum(v * v, weights(tuple(v.shape), lib))
    return loss


def qr_loss(mode):
    def loss(lib, a):
        q, r = linalg(lib).qr(a, mode=mode)
        return wsum(q * q, weights(tuple(q.shape), lib)) + wsum(r * r, weights(tuple(r.shape), lib))
    return loss


def slogdet_loss(lib, a):
    sign, logabsdet = linalg(lib).slogdet(a)
    return wsum(logabsdet, weights(tuple(logabsdet.shape), lib)) + sign.sum()


MATMUL_SHAPES = [
    ((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 5)), ((4,), (2, 4, 5)),
    ((2, 3, 4), (4,)), ((2, 1, 3, 4), (5, 4, 2)), ((3, 4), (2, 4, 5)), ((1, 3, 4), (2, 4, 2)), ((0, 4), (4, 3)),
]

EINSUM_CASES = [
    ("ij,jk->ik", (3, 4), (4, 5)), ("ii->i", (3, 3)), ("ii->", (3, 3)), ("iij->j", (3, 3, 2)), ("ij->", (2, 3)),
    ("ij->ji", (2, 3)), ("ij,ij->ij", (2, 3), (2, 3)), ("i,j->ij", (2,), (3,)), ("bij,bjk->bik", (2, 3, 4), (2, 4, 5)),
    ("ij,jk->i", (3, 4), (4, 5)), ("ij,j->i", (3, 4), (1,)), ("ij,j->i", (3, 1), (4,)), ("ii,i->i", (3, 3), (3,)),
    ("ij,jk,kl->il", (2, 3), (3, 4), (4, 2)), ("i,i->", (4,), (4,)), ("...ij,...jk", (2, 3, 4), (4, 2)),
    ("iji->j", (3, 2, 3)), ("ij,ik->jk", (1, 3), (4, 2)),
]


def _einsum_case(eq, *shapes):
    return (lambda lib, *xs: lib.einsum(eq, *xs)), [rand(*s) for s in shapes]


CASES = {}
for _sa, _sb in MATMUL_SHAPES:
    CASES[f"matmul-{_sa}-{_sb}"] = (weighted(lambda lib, a, b: lib.matmul(a, b)), [rand(*_sa), rand(*_sb)])
CASES["matmul-noncontiguous"] = (weighted(lambda lib, a, b: a @ b), [transposed(rand(3, 4)), rand(4, 2)])
for _eq, *_shapes in EINSUM_CASES:
    _fn, _makers = _einsum_case(_eq, *_shapes)
    CASES[f"einsum-{_eq}-{_shapes}"] = (weighted(_fn), _makers)

CASES.update({
    "inv": (weighted(lambda lib, a: linalg(lib).inv(a)), [well_conditioned(2, 3, 3)]),
    "inv-noncontiguous": (weighted(lambda lib, a: linalg(lib).inv(a)), [transposed(well_conditioned(3, 3))]),
    "solve-matrix": (weighted(lambda lib, a, b: linalg(lib).solve(a, b)), [well_conditioned(3, 3), rand(3, 2)]),
    "solve-vector": (weighted(lambda lib, a, b: linalg(lib).solve(a, b)), [well_conditioned(2, 3, 3), rand(3)]),
    "solve-broadcast": (weighted(lambda lib, a, b: linalg(lib).solve(a, b)),
                        [well_conditioned(3, 3), rand(2, 3, 2)]),
    "solve-left-false": (weighted(lambda lib, a, b: linalg(lib).solve(a, b, left=False)),
                         [well_conditioned(3, 3), rand(2, 3)]),
    "solve_triangular-upper": (weighted(lambda lib, a, b: linalg(lib).solve_triangular(a, b, upper=True)),
                               [triangular(2, 3, 3, upper=True), rand(3, 2)]),
    "solve_triangular-lower-unit": (
        weighted(lambda lib, a, b: linalg(lib).solve_triangular(a, b, upper=False, unitriangular=True)),
        [triangular(3, 3, upper=False), rand(2, 3, 4)]),
    "solve_triangular-right": (weighted(lambda lib, a, b: linalg(lib).solve_triangular(a, b, upper=True, left=False)),
                               [triangular(3, 3, upper=True), rand(2, 3)]),
    "solve_triangular-full-input": (weighted(lambda lib, a, b: linalg(lib).solve_triangular(a, b, upper=False)),
                                    [well_conditioned(3, 3), rand(3, 2)]),
    "det": (weighted(lambda lib, a: linalg(lib).det(a)), [well_conditioned(2, 3, 3)]),
    "det-2d": (lambda lib, a: linalg(lib).det(a), [well_conditioned(4, 4)]),
    "slogdet": (slogdet_loss, [well_conditioned(2, 3, 3)]),
    "logdet": (weighted(lambda lib, a: lib.logdet(a)), [spd(2, 3, 3)]),
    "cholesky": (weighted(lambda lib, a: linalg(lib).cholesky(a)), [spd(2, 3, 3)]),
    "cholesky-upper": (weighted(lambda lib, a: linalg(lib).cholesky(a, upper=True)), [spd(4, 4)]),
    "svd-square": (svd_loss(), [rand(2, 3, 3)]),
    "svd-tall": (svd_loss(), [rand(5, 3)]),
    "svd-wide": (svd_loss(), [rand(2, 3, 5)]),
    "svd-full-matrices": (svd_loss(True), [rand(4, 3)]),
    "svdvals": (weighted(lambda lib, a: linalg(lib).svdvals(a)), [rand(2, 4, 3)]),
    "eigh": (eigh_loss("L"), [symmetric(2, 3, 3)]),
    "eigh-upper": (eigh_loss("U"), [symmetric(4, 4)]),
    "eigvalsh": (weighted(lambda lib, a: linalg(lib).eigvalsh(a)), [symmetric(2, 3, 3)]),
    "qr-tall": (qr_loss("reduced"), [rand(2, 5, 3)]),
    "qr-square": (qr_loss("reduced"), [rand(3, 3)]),
    "qr-wide": (qr_loss("reduced"), [rand(2, 3, 5)]),
    "qr-complete-wide": (qr_loss("complete"), [rand(3, 4)]),
    "lstsq-tall": (weighted(lambda lib, a, b: linalg(lib).lstsq(a, b).solution), [rand(5, 3), rand(5, 2)]),
    "lstsq-wide": (weighted(lambda lib, a, b: linalg(lib).lstsq(a, b).solution), [rand(2, 3, 5), rand(1, 3, 2)]),
    "lstsq-vector": (weighted(lambda lib, a, b: linalg(lib).lstsq(a, b).solution), [rand(4, 3), rand(4)]),
    "pinv": (weighted(lambda lib, a: linalg(lib).pinv(a)), [rand(4, 3)]),
    "matrix_norm-nuc": (lambda lib, a: linalg(lib).matrix_norm(a, "nuc").sum(), [rand(2, 4, 3)]),
    "matrix_norm-2": (lambda lib, a: linalg(lib).matrix_norm(a, 2).sum(), [rand(2, 3, 4)]),
    "cond": (lambda lib, a: linalg(lib).cond(a), [well_conditioned(3, 3)]),
    "matrix_power-neg": (weighted(lambda lib, a: linalg(lib).matrix_power(a, -2)), [well_conditioned(3, 3)]),
})


def _grads(lib, fn, arrays):
    """(loss grads, grads of sum(grads * directions)) for fx or torch."""
    if lib is ft:
        xs = [ft.tensor(a, requires_grad=True) for a in arrays]
        grad = ag.grad
    else:
        xs = [torch.tensor(a, requires_grad=True) for a in arrays]
        grad = torch.autograd.grad
    loss = fn(lib, *xs)
    g1 = grad(loss, xs, create_graph=True)
    dirs = [weights(tuple(x.shape), lib) for x in xs]
    s = sum((g * d).sum() for g, d in zip(g1, dirs))
    if not s.requires_grad:  # a linear function: its gradient is constant
        return [g.detach().numpy() for g in g1], [None] * len(xs)
    g2 = grad(s, xs, allow_unused=True)
    return [g.detach().numpy() for g in g1], [None if g is None else g.detach().numpy() for g in g2]


@pytest.mark.parametrize("name", list(CASES))
def test_grad_matches_torch(name):
    fn, makers = CASES[name]
    rng = np.random.default_rng(0)
    arrays = [m(rng) for m in makers]
    fx1, fx2 = _grads(ft, fn, arrays)
    t1, t2 = _grads(torch, fn, arrays)
    for a, b in zip(fx1, t1):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
    for a, b in zip(fx2, t2):
        if b is None or a is None:
            assert a is None or not a.any(), name
            continue
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


def _sym(a):
    return (a + a.mT) * 0.5


def _complement_projector(q, k):
    """Q[:, k:] Q[:, k:]^T: depends on the last columns of Q only through the space they span."""
    qp = q[..., k:]
    return qp @ qp.mT


# Checked against finite differences: inputs of symmetric-matrix ops are symmetrized first (their
# rules return PyTorch's symmetric gradient), and the extra columns of full/complete factors go
# through a loss that does not depend on the basis chosen for them (PyTorch ignores them).
FD_CASES = {
    "cholesky": (lambda a: ft.linalg.cholesky(_sym(a) @ _sym(a) + 3 * ft.eye(3, dtype=a.dtype)), (2, 3, 3)),
    "eigh": (lambda a: (lambda w, v: (w, v * v))(*ft.linalg.eigh(_sym(a) + ft.diag(ft.arange(3.0, dtype=a.dtype)))),
             (3, 3)),
    "eigh-upper": (lambda a: ft.linalg.eigh(_sym(a), UPLO="U")[1].abs(), (2, 3, 3)),
    "eigvalsh": (lambda a: ft.linalg.eigvalsh(_sym(a)), (2, 3, 3)),
    "svd-full-tall": (lambda a: (lambda u, s, vh: (_complement_projector(u, 2), s, u[..., :2] @ vh))(
        *ft.linalg.svd(a)), (4, 2)),
    "svd-full-wide": (lambda a: (lambda u, s, vh: (_complement_projector(vh.mT, 2), u @ vh[..., :2, :]))(
        *ft.linalg.svd(a)), (2, 2, 4)),
    "qr-complete-tall": (lambda a: (lambda q, r: (_complement_projector(q, 2), q @ r, r * r))(
        *ft.linalg.qr(a, mode="complete")), (2, 4, 2)),
    "qr-r": (lambda a: ft.linalg.qr(a, mode="r").R, (4, 3)),
}


@pytest.mark.parametrize("name", list(FD_CASES))
def test_gradcheck_finite_differences(name):
    fn, shape = FD_CASES[name]
    a = ft.tensor(np.random.default_rng(1).standard_normal(shape), requires_grad=True)
    assert ag.gradcheck(fn, (a,))
    assert ag.gradgradcheck(fn, (a,))


def test_qr_mode_r_gradient():
    arr = np.random.default_rng(0).standard_normal((4, 3))
    a = ft.tensor(arr, requires_grad=True)
    r = ft.linalg.qr(a, mode="r").R
    wsum(r * r, weights((3, 3), ft)).backward()
    t = torch.tensor(arr, requires_grad=True)
    wsum(torch.linalg.qr(t).R ** 2, weights((3, 3), torch)).backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-7, atol=1e-9)


def test_info_outputs_take_no_gradient():
    arr = well_conditioned(3, 3)(np.random.default_rng(0))
    a = ft.tensor(arr, requires_grad=True)
    x, info = ft.linalg.inv_ex(a)
    assert not info.requires_grad
    x.sum().backward()
    t = torch.tensor(arr, requires_grad=True)
    torch.linalg.inv(t).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-7)


def test_matmul_grad_of_one_operand_only():
    rng = np.random.default_rng(0)
    a = ft.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = ft.tensor(rng.standard_normal((4, 2)))
    (ga,) = ag.grad((a @ b).sum(), [a])
    np.testing.assert_allclose(ga.numpy(), np.ones((3, 2)) @ b.numpy().T)


@pytest.mark.parametrize("lib_fn", [
    lambda lib, a: lib.linalg.svd(a, full_matrices=False)[1],  # rank-deficient: zero singular values
    lambda lib, a: lib.linalg.eigh(a[:3] @ a[:3].mT)[0],  # repeated eigenvalues
], ids=["svd-values-only", "eigh-values-only"])
def test_values_only_with_degenerate_spectrum(lib_fn):
    # Only S / the eigenvalues are used: the gradient must not divide by the (zero) spectral gaps.
    arr = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    a = ft.tensor(arr, requires_grad=True)
    wsum(lib_fn(ft, a), weights((3,), ft)).backward()
    t = torch.tensor(arr, requires_grad=True)
    wsum(lib_fn(torch, t), weights((3,), torch)).backward()
    assert np.isfinite(a.grad.numpy()).all()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), atol=1e-12)
