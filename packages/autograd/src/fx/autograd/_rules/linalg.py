"""Rules: solvers and decompositions of fx.tensor.linalg (_ops/linalg_impl.py; the norms compose them).

The `info` outputs of inv/solve/cholesky are int32 and take no gradient. As in PyTorch, rules of
the primitives that read one triangle of a symmetric input (cholesky, eigh, eigvalsh) return the
symmetric gradient, and the decompositions assume distinct singular values / eigenvalues.
"""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._ops.linalg_impl import (
    P_eigh, P_inv, P_lstsq, P_qr, P_solve, P_solve_triangular, P_svd,
)
from fx.tensor._ops.matmul import P_matmul

from . import rule
from .matmul import mT


def _eye(n, like):
    return ft.eye(n, dtype=like.dtype, device=like.device)


def _sym(x):
    return x + mT(x)


def _skew(x):
    return x - mT(x)


def _col(x):
    """(...,) -> (..., 1, 1), to scale a batch of matrices."""
    return x.unsqueeze(-1).unsqueeze(-1)


def _spectral_gaps(w):
    """E[..., i, j] = w[j] - w[i] off the diagonal and 1 on it (safe to divide a zero-diagonal matrix by)."""
    return w.unsqueeze(-2) - w.unsqueeze(-1) + _eye(w._data.shape[-1], w)


def _is_zero(g):
    """True for a gradient that is all zeros, as the engine passes for outputs nothing flowed into."""
    return not bool(g.any())


def _solve_upper_right(W, R):
    """W R^-T for upper-triangular R: (R^-1 W^T)^T."""
    return mT(P_solve_triangular(R, mT(W), upper=True, unitriangular=False))


# ---- inverses and solvers ----------------------------------------------------------------------
@rule("inv", save="output")
def _inv(ctx, g, _ginfo):
    X = ctx.out
    Xt = mT(X)
    return -P_matmul(P_matmul(Xt, g), Xt)


@rule("solve", save="both")
def _solve(ctx, g, _ginfo):
    A, _ = ctx.inputs
    X = ctx.out
    gB = P_solve(mT(A), g)[0]
    gA = -P_matmul(gB, mT(X)) if ctx.needs_input_grad[0] else None
    return gA, gB


@rule("solve_triangular", save="both")
def _solve_triangular(ctx, g):
    A, _ = ctx.inputs
    X = ctx.out
    upper, unit = ctx.params["upper"], ctx.params["unitriangular"]
    gB = P_solve_triangular(mT(A), g, upper=not upper, unitriangular=unit)
    if not ctx.needs_input_grad[0]:
        return None, gB
    gA = -P_matmul(gB, mT(X))
    gA = gA.triu(1 if unit else 0) if upper else gA.tril(-1 if unit else 0)
    return gA, gB


@rule("lstsq", save="both")
def _lstsq(ctx, g):
    # X = pinv(A) B with pinv(A) from the same kernel (so the same rcond cut-off); the derivative of
    # the pseudo-inverse (Golub & Pereyra) written in terms of X and the residual B - A X.
    A, B = ctx.inputs
    X = ctx.out
    P = P_lstsq(A, _eye(A._data.shape[-2], A), rcond=ctx.params["rcond"])
    Pt = mT(P)
    gB = P_matmul(Pt, g)
    if not ctx.needs_input_grad[0]:
        return None, gB
    gt = mT(g)
    H = P_matmul(gt, P)
    gA = (P_matmul(P_matmul(B - P_matmul(A, X), H), Pt) + P_matmul(P_matmul(Pt, X), gt - P_matmul(H, A))
          - P_matmul(gB, mT(X)))
    return gA, gB


# ---- determinants --------------------------------------------------------------------------------
@rule("det", save="both")
def _det(ctx, g):
    (A,) = ctx.inputs
    return _col(g * ctx.out) * mT(P_inv(A)[0])


@rule("slogdet")
def _slogdet(ctx, _gsign, glogabsdet):
    (A,) = ctx.inputs
    return _col(glogabsdet) * mT(P_inv(A)[0])


# ---- decompositions ------------------------------------------------------------------------------
@rule("cholesky", save="output")
def _cholesky(ctx, gL, _ginfo):
    # A = L L^T: gA = L^-T Phi(L^T gL) L^-1 symmetrized, Phi = lower triangle with a halved diagonal.
    L = ctx.out
    phi = P_matmul(mT(L), gL).tril()
    M = (phi + mT(phi.tril(-1))) * 0.5
    Lt = mT(L)
    Y = P_solve_triangular(Lt, M, upper=True, unitriangular=False)
    return mT(P_solve_triangular(Lt, mT(Y), upper=True, unitriangular=False))


@rule("svd", save="output")
def _svd(ctx, gU, gS, gVh):
    U, S, Vh = ctx.outputs
    if _is_zero(gU) and _is_zero(gVh):  # only S was used: no division by singular-value gaps
        k = S._data.shape[-1]
        return P_matmul(U.narrow(-1, 0, k) * gS.unsqueeze(-2), Vh.narrow(-2, 0, k))
    if ctx.params["full_matrices"]:
        k = S._data.shape[-1]
        U, gU = _drop_complement(U, gU, k)
        V, gV = _drop_complement(mT(Vh), mT(gVh), k)
        Vh, gVh = mT(V), mT(gV)
    return svd_backward(gU, gS, gVh, U, S, Vh)


def _drop_complement(Q, gQ, k):
    """(Q[:, :k], its gradient) from an orthogonal Q whose columns past k only span the orthogonal
    complement of the first k (any basis of it). The complement moves with Q[:, :k] as
    dQp = -Qk dQk^T Qp, which folds gQp into gQk; exact for losses that do not depend on the choice
    of basis (PyTorch ignores gQp instead)."""
    m = Q._data.shape[-1]
    if m == k:
        return Q, gQ
    Qk, Qp, gQp = Q.narrow(-1, 0, k), Q.narrow(-1, k, m - k), gQ.narrow(-1, k, m - k)
    return Qk, gQ.narrow(-1, 0, k) - P_matmul(Qp, P_matmul(mT(gQp), Qk))


def svd_backward(gU, gS, gVh, U, S, Vh):
    """Gradient of A = U diag(S) Vh (reduced, real) for distinct nonzero singular values."""
    m, n = U._data.shape[-2], Vh._data.shape[-1]
    Ut, V = mT(U), mT(Vh)
    E = _spectral_gaps(S * S)
    Sr, Sc = S.unsqueeze(-2), S.unsqueeze(-1)
    core = (_skew(P_matmul(Ut, gU)) * Sr + Sc * _skew(P_matmul(Vh, mT(gVh)))) / E + ft.diag_embed(gS)
    if m > n:  # U's columns span only part of R^m: the gradient's component outside it
        gUS = gU / Sr
        left = P_matmul(U, core) + gUS - P_matmul(U, P_matmul(Ut, gUS))
        return P_matmul(left, Vh)
    if m < n:
        SgVh = gVh / Sc
        right = P_matmul(core, Vh) + SgVh - P_matmul(P_matmul(SgVh, V), Vh)
        return P_matmul(U, right)
    return P_matmul(P_matmul(U, core), Vh)


@rule("svdvals")
def _svdvals(ctx, g):
    (A,) = ctx.inputs
    U, _, Vh = P_svd(A, full_matrices=False)
    return P_matmul(U * g.unsqueeze(-2), Vh)


@rule("eigh", save="output")
def _eigh(ctx, gw, gV):
    w, V = ctx.outputs
    Vt = mT(V)
    if _is_zero(gV):  # only the eigenvalues were used: no division by eigenvalue gaps
        return P_matmul(V * gw.unsqueeze(-2), Vt)
    inner = _skew(P_matmul(Vt, gV)) * 0.5 / _spectral_gaps(w) + ft.diag_embed(gw)
    return P_matmul(V, P_matmul(inner, Vt))


@rule("eigvalsh")
def _eigvalsh(ctx, g):
    (A,) = ctx.inputs
    _, V = P_eigh(A, UPLO=ctx.params["UPLO"])
    return P_matmul(V * g.unsqueeze(-2), mT(V))


@rule("qr", save="both")
def _qr(ctx, gQ, gR):
    m, n = ctx.shapes[0][-2:]
    Q, R = ctx.outputs
    if ctx.params["mode"] == "r":  # Q was not returned: recompute it (R's gradient needs it)
        Q, R = P_qr(ctx.inputs[0], mode="reduced")
        gQ = None
    elif m > n and Q._data.shape[-1] == m:  # mode 'complete': R's last m - n rows are zeros
        Q, gQ = _drop_complement(Q, gQ, n)
        R, gR = R.narrow(-2, 0, n), gR.narrow(-2, 0, n)
    if m >= n:
        return _qr_backward_tall(gQ, gR, Q, R)
    # A = Q [X | Y] with square X: [X | Y] is the QR of A's first m columns, Y = Q^T A[:, m:].
    X, Y = R.narrow(-1, 0, m), R.narrow(-1, m, n - m)
    gX, gY = gR.narrow(-1, 0, m), gR.narrow(-1, m, n - m)
    gQ2 = P_matmul(P_matmul(Q, Y), mT(gY))
    gQ2 = gQ2 if gQ is None else gQ + gQ2
    return ft.cat([_qr_backward_tall(gQ2, gX, Q, X), P_matmul(Q, gY)], -1)


def _qr_backward_tall(gQ, gR, Q, R):
    """Gradient of the reduced QR of a matrix with m >= n: (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q."""
    M = P_matmul(R, mT(gR))
    if gQ is not None:
        M = M - P_matmul(mT(gQ), Q)
    low = M.tril(-1)
    b = P_matmul(Q, low + mT(low) + ft.diag_embed(M.diagonal(0, -2, -1)))
    return _solve_upper_right(b if gQ is None else gQ + b, R)
