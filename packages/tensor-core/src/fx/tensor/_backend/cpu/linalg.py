"""CPU kernels of the linear-algebra primitives (NumPy's LAPACK).

Inputs are float32/float64 batches of matrices (the frontend rejects other dtypes and shapes).
Factorizations that can fail (inv, solve, cholesky) return an int32 `info` array of the batch
shape next to the result, 0 where the matrix was fine and LAPACK's 1-based failing pivot/minor
elsewhere (PyTorch's `*_ex` design): the frontend words the error, the kernel never raises.
"""

from __future__ import annotations

import numpy as np

from ._util import register

_LinAlgError = np.linalg.LinAlgError
_I32 = np.int32


def _batch(*arrays):
    return np.broadcast_shapes(*(x.shape[:-2] for x in arrays))


@register("inv")
def inv(a):
    try:
        return np.linalg.inv(a), np.zeros(a.shape[:-2], _I32)
    except _LinAlgError:
        return _failure_path(np.linalg.inv, _lu_info, a.shape, a)


@register("solve")
def solve(a, b):
    """AX = B for a batch of matrices B (..., n, k); batch dims broadcast."""
    batch = _batch(a, b)
    try:
        return np.linalg.solve(a, b), np.zeros(batch, _I32)
    except _LinAlgError:
        return _failure_path(np.linalg.solve, _lu_info, batch + b.shape[-2:], a, b)


@register("cholesky")
def cholesky(a):
    """Lower Cholesky factor, reading only the lower triangle of `a` (LAPACK potrf 'L')."""
    try:
        return np.linalg.cholesky(a), np.zeros(a.shape[:-2], _I32)
    except _LinAlgError:
        return _failure_path(np.linalg.cholesky, _cholesky_info, a.shape, a)


def _failure_path(fn, info_of, out_shape, *arrays):
    """The batched LAPACK call failed: find the failing matrices, compute the others, NaN the rest."""
    batch = _batch(*arrays)
    arrays = [np.broadcast_to(x, batch + x.shape[-2:]) for x in arrays]
    info = info_of(arrays[0])
    out = np.full(out_shape, np.nan, arrays[0].dtype)
    ok = info == 0
    try:
        if ok.any():
            out[ok] = fn(*[x[ok] for x in arrays])
    except _LinAlgError:
        # Our elimination disagrees with LAPACK's on a borderline matrix: go one matrix at a time.
        n = arrays[0].shape[-1]
        for idx in zip(*np.nonzero(ok)) if info.ndim else [()]:
            try:
                out[idx] = fn(*[x[idx] for x in arrays])
            except _LinAlgError:
                info[idx] = n
    return out, info


def _lu_info(a):
    """getrf's info per matrix: 1-based index of the first exactly-zero pivot of U, else 0."""
    n = a.shape[-1]
    u = np.array(a.reshape(-1, n, n), copy=True)
    rows = np.arange(u.shape[0])
    info = np.zeros(u.shape[0], _I32)
    for k in range(n):
        p = k + np.argmax(np.abs(u[:, k:, k]), axis=1)
        top = u[rows, k].copy()
        u[rows, k] = u[rows, p]
        u[rows, p] = top
        piv = u[:, k, k]
        info[(piv == 0) & (info == 0)] = k + 1
        lower = u[:, k + 1:, k] / np.where(piv == 0, 1, piv)[:, None]
        u[:, k + 1:, k:] -= lower[:, :, None] * u[:, None, k, k:]
    return info.reshape(a.shape[:-2])


def _cholesky_info(a):
    """potrf's info per matrix: order of the first leading minor that is not positive-definite."""
    n = a.shape[-1]
    x = a.reshape(-1, n, n)
    low = np.zeros_like(x)
    info = np.zeros(x.shape[0], _I32)
    for j in range(n):
        d = x[:, j, j] - np.einsum("bk,bk->b", low[:, j, :j], low[:, j, :j])
        good = d > 0  # False for NaN too, like potrf
        info[~good & (info == 0)] = j + 1
        ljj = np.sqrt(np.where(good, d, 1))
        low[:, j, j] = ljj
        rest = x[:, j + 1:, j] - np.einsum("bik,bk->bi", low[:, j + 1:, :j], low[:, j, :j])
        low[:, j + 1:, j] = rest / ljj[:, None]
    return info.reshape(a.shape[:-2])


@register("det")
def det(a):
    return np.asarray(np.linalg.det(a))


@register("slogdet")
def slogdet(a):
    sign, logabsdet = np.linalg.slogdet(a)
    return np.asarray(sign), np.asarray(logabsdet)


@register("svd")
def svd(a, full_matrices):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return u, s, vh


@register("svdvals")
def svdvals(a):
    return np.linalg.svd(a, compute_uv=False)


@register("qr")
def qr(a, mode):
    """(Q, R); mode 'r' returns an empty Q like PyTorch."""
    if mode == "r":
        return np.empty((0,), a.dtype), np.linalg.qr(a, mode="r")
    q, r = np.linalg.qr(a, mode=mode)
    return q, r


@register("eigh")
def eigh(a, UPLO):
    w, v = np.linalg.eigh(a, UPLO=UPLO)
    return w, v


@register("eigvalsh")
def eigvalsh(a, UPLO):
    return np.linalg.eigvalsh(a, UPLO=UPLO)


@register("lstsq")
def lstsq(a, b, rcond):
    """Minimum-norm least-squares solution of AX = B via the SVD; singular values <= rcond * max dropped."""
    m, n = a.shape[-2:]
    batch = _batch(a, b)
    if m == 0 or n == 0:
        return np.zeros(batch + (n, b.shape[-1]), a.dtype)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    keep = s > rcond * s[..., :1]
    s_inv = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(a.dtype)
    return np.matmul(np.swapaxes(vh, -1, -2), s_inv[..., None] * np.matmul(np.swapaxes(u, -1, -2), b))


@register("solve_triangular")
def solve_triangular(a, b, upper, unitriangular):
    """AX = B reading only the upper (or lower) triangle of A; a zero diagonal gives inf/nan, no error."""
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        i = np.arange(t.shape[-1])
        t[..., i, i] = 1
    try:
        return np.linalg.solve(t, b)
    except _LinAlgError:
        return _substitute(t, b, upper)


def _substitute(t, b, upper):
    """Row-by-row substitution (vectorised over batch and columns) for singular triangles."""
    batch = _batch(t, b)
    n = t.shape[-1]
    t = np.broadcast_to(t, batch + t.shape[-2:])
    x = np.zeros(batch + b.shape[-2:], t.dtype)
    b = np.broadcast_to(b, x.shape)
    for i in range(n - 1, -1, -1) if upper else range(n):
        acc = np.matmul(t[..., i:i + 1, :], x)[..., 0, :]
        x[..., i, :] = (b[..., i, :] - acc) / t[..., i, i, None]
    return x
