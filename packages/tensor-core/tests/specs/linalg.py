"""Specs: fx.tensor.linalg.* and the linear-algebra functions at top level (det, inverse, svd, ...).

Inputs are well conditioned (random + n*I; SPD for Cholesky). Decompositions with sign freedom
(svd, qr, eigh) are checked through quantities that have none: the reconstruction, Q^T Q / U^T U,
singular values, |R|, eigenvalues.
"""

import numpy as np

import fx.tensor as ft
import fx.tensor.linalg as LA
from opspec import FLOATS, LOWP, ErrorCase, OpSpec, Sample, add, make

f32, f64, i64 = ft.float32, ft.float64, ft.int64


def _torch():
    import torch

    return torch


def _arr(a, dt):
    return ft.from_numpy(np.ascontiguousarray(a).astype(dt.np))


def _rand(shape, seed):
    return np.random.default_rng(seed).uniform(-1, 1, shape)


def _wc(shape, dt, seed=0):
    """Well-conditioned square matrices: uniform(-1, 1) + n * I."""
    return _arr(_rand(shape, seed) + shape[-1] * np.eye(shape[-1]), dt)


def _spd(shape, dt, seed=0):
    a = _rand(shape, seed)
    return _arr(a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1]), dt)


def _rect(shape, dt, seed=0):
    return _arr(_rand(shape, seed), dt)


def _T(x):
    """The transposed (non-contiguous) view."""
    return x.transpose(-2, -1)


SINGULAR = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]
NOT_PD = [[1.0, 2.0], [2.0, 1.0]]


def _square_samples(make_fn=_wc, extra=()):
    def gen(dt):
        return [Sample((make_fn((3, 3), dt),), name="3x3"), Sample((make_fn((2, 4, 4), dt, 1),), name="batched"),
                Sample((make_fn((2, 1, 2, 2), dt, 2),), name="batch2"), Sample((_T(make_fn((4, 4), dt, 3)),), name="noncontig"),
                Sample((make_fn((1, 1), dt, 4),), name="1x1"), Sample((make_fn((0, 0), dt),), name="empty"),
                Sample((make_fn((0, 3, 3), dt),), name="empty_batch")] + [Sample((make_fn(s, dt, 5),), kw, f"{s}{kw}")
                                                                            for s, kw in extra]

    return gen


def _square_errors(op, extra=()):
    """The errors every square-matrix function raises (op: the name in the message)."""
    return lambda: [
        ErrorCase((_rect((2, 3), f32),), match=f"{op}: A must be batches of square matrices, but they are 2 by 3 matrices"),
        ErrorCase((make((3, 3), i64),), match=f"{op}: Expected a floating point or complex tensor as input. Got Long"),
        ErrorCase((_wc((3, 3), ft.float16),), match="Low precision dtypes not supported. Got Half"),
        ErrorCase((_rect((3,), f32),), match="must have at least 2 dimensions"),
        ErrorCase(([[1.0]],), exc=TypeError, match="must be Tensor"),
    ] + list(extra)


def _np64(fn):
    return lambda *a, **k: fn(*[x.astype(np.float64) if isinstance(x, np.ndarray) else x for x in a], **k)


# ---- inverses and determinants ---------------------------------------------------------------
_singular_errors = [
    ErrorCase((ft.tensor(SINGULAR),), exc=LA.LinAlgError,
              match=r"linalg.inv: The diagonal element 3 is zero, the inversion could not be completed because the input "
                    r"matrix is singular."),
    ErrorCase((ft.stack([ft.eye(3), ft.tensor(SINGULAR)]),), exc=RuntimeError, match=r"\(Batch element 1\): The diagonal"),
    ErrorCase((ft.zeros(2, 2, dtype=f64),), exc=LA.LinAlgError, match="The diagonal element 1 is zero"),
]
add(
    OpSpec("linalg.inv", op=LA.inv, torch_ref=lambda A: _torch().linalg.inv(A), ref=np.linalg.inv,
           samples=_square_samples(), errors=_square_errors("linalg.inv", _singular_errors)),
    OpSpec("inverse", ref=np.linalg.inv, samples=_square_samples(), method="inverse",
           errors=_square_errors("linalg.inv", _singular_errors)),
    OpSpec("linalg.inv_ex", op=LA.inv_ex, torch_ref=lambda A: _torch().linalg.inv_ex(A),
           ref=lambda A: (np.linalg.inv(A), np.zeros(A.shape[:-2], np.int32)), samples=_square_samples(),
           errors=_square_errors("linalg.inv_ex", [
               ErrorCase((ft.tensor(SINGULAR),), {"check_errors": True}, exc=LA.LinAlgError, match="element 3 is zero")])),
    OpSpec("linalg.det", op=LA.det, torch_ref=lambda A: _torch().linalg.det(A), ref=np.linalg.det,
           samples=_square_samples(extra=[((3, 3), {})]), errors=_square_errors("linalg.det")),
    OpSpec("det", ref=np.linalg.det, samples=_square_samples(), method="det", errors=_square_errors("linalg.det")),
    OpSpec("linalg.slogdet", op=LA.slogdet, torch_ref=lambda A: _torch().linalg.slogdet(A),
           ref=lambda A: tuple(np.linalg.slogdet(A)), samples=_square_samples(),
           errors=_square_errors("linalg.slogdet")),
    OpSpec("slogdet", ref=lambda A: tuple(np.linalg.slogdet(A)), samples=_square_samples(), method="slogdet",
           errors=_square_errors("linalg.slogdet")),
    OpSpec("logdet", method="logdet", ref=lambda A: np.where(np.linalg.slogdet(A)[0] < 0, np.nan, np.linalg.slogdet(A)[1]),
           samples=lambda dt: _square_samples()(dt) + [Sample((ft.tensor([[-2.0, 0.0], [0.0, 1.0]], dtype=dt),), name="negative"),
                                                       Sample((ft.zeros(2, 2, dtype=dt),), name="singular")],
           errors=_square_errors("logdet")),
)


# ---- solvers ---------------------------------------------------------------------------------
def _solve_ref(A, B, left=True):
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    if not left:
        A = np.swapaxes(A, -1, -2)
        B = B if vector else np.swapaxes(B, -1, -2)
    X = np.linalg.solve(A, B[..., None] if vector else B)
    return X[..., 0] if vector else (X if left else np.swapaxes(X, -1, -2))


def _solve_samples(dt):
    A, Ab = _wc((3, 3), dt), _wc((2, 3, 3), dt, 1)
    return [Sample((A, _rect((3,), dt, 2)), name="vector"), Sample((A, _rect((3, 2), dt, 2)), name="matrix"),
            Sample((Ab, _rect((3,), dt, 2)), name="batched_vector"),
            Sample((Ab, _rect((2, 3), dt, 2)), name="batch_of_vectors"),
            Sample((Ab, _rect((4, 1, 3, 2), dt, 2)), name="broadcast"),
            Sample((A, _rect((2, 3), dt, 2)), {"left": False}, "right"),
            Sample((_T(_wc((3, 3), dt, 3)), _T(_rect((2, 3), dt, 2))), name="noncontig"),
            Sample((_wc((0, 0), dt), _rect((0,), dt)), name="empty"),
            Sample((_wc((0, 3, 3), dt), _rect((3, 2), dt)), name="empty_batch")]


_solve_errors = lambda op: lambda: [  # noqa: E731
    ErrorCase((_wc((3, 3), f32), _rect((4,), f32)),
              match=rf"{op}: Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x1\)"),
    ErrorCase((_rect((2, 3), f32), _rect((2,), f32)), match="A must be batches of square matrices"),
    ErrorCase((_wc((3, 3), f32), _rect((3,), f64)), match="Expected A and B to have the same dtype"),
    ErrorCase((make((3, 3), i64), make((3,), i64)), match="Expected a floating point or complex tensor as input. Got Long"),
    ErrorCase((_wc((3, 3), f32), _rect((3, 2), f32)), {"left": False}, match=r"XA = B \(3x3 and 3x2\)"),
    ErrorCase((_wc((2, 3, 3), f32), _rect((3, 3, 2), f32)), match="broadcast"),
]
add(
    OpSpec("linalg.solve", op=LA.solve, torch_ref=lambda A, B, **k: _torch().linalg.solve(A, B, **k), ref=_solve_ref,
           samples=_solve_samples, errors=lambda: _solve_errors("linalg.solve")() + [
               ErrorCase((ft.tensor(SINGULAR), ft.ones(3)), exc=LA.LinAlgError,
                         match="The solver failed because the input matrix is singular"),
               ErrorCase((ft.stack([ft.eye(3), ft.tensor(SINGULAR)]), ft.ones(3)), exc=LA.LinAlgError,
                         match=r"\(Batch element 1\): The solver failed")]),
    OpSpec("linalg.solve_ex", op=LA.solve_ex, torch_ref=lambda A, B, **k: _torch().linalg.solve_ex(A, B, **k),
           ref=lambda A, B, **k: (_solve_ref(A, B, **k), np.zeros(np.broadcast_shapes(A.shape[:-2], B.shape[:-2] if B.ndim > 1 and not (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1]) else B.shape[:-1]), np.int32)),
           samples=lambda dt: _solve_samples(dt)[:3], errors=_solve_errors("linalg.solve_ex")),
)


def _tri_ref(A, B, upper, left=True, unitriangular=False):
    T = np.triu(A) if upper else np.tril(A)
    if unitriangular:
        T = T.copy()
        i = np.arange(T.shape[-1])
        T[..., i, i] = 1
    if left:
        return np.linalg.solve(T, B)
    return np.swapaxes(np.linalg.solve(np.swapaxes(T, -1, -2), np.swapaxes(B, -1, -2)), -1, -2)


add(
    OpSpec("linalg.solve_triangular", op=LA.solve_triangular, ref=_tri_ref,
           torch_ref=lambda A, B, **k: _torch().linalg.solve_triangular(A, B, **k),
           samples=lambda dt: [
               Sample((_wc((3, 3), dt), _rect((3, 2), dt, 1)), {"upper": True}, "upper"),
               Sample((_wc((3, 3), dt), _rect((3, 2), dt, 1)), {"upper": False}, "lower"),
               Sample((_wc((3, 3), dt), _rect((2, 3), dt, 1)), {"upper": True, "left": False}, "right"),
               Sample((_wc((3, 3), dt), _rect((3, 2), dt, 1)), {"upper": False, "unitriangular": True}, "unit"),
               Sample((_wc((2, 1, 3, 3), dt), _rect((4, 3, 2), dt, 1)), {"upper": False}, "broadcast"),
               Sample((_T(_wc((3, 3), dt)), _T(_rect((2, 3), dt, 1))), {"upper": True}, "noncontig"),
               Sample((_wc((0, 0), dt), _rect((0, 2), dt, 1)), {"upper": True}, "empty")],
           errors=lambda: [
               ErrorCase((_wc((3, 3), f32), _rect((3,), f32)), {"upper": True}, match="B must have at least 2 dimensions"),
               ErrorCase((_wc((3, 3), f32), _rect((4, 2), f32)), {"upper": True}, match=r"AX = B \(3x3 and 4x2\)"),
               ErrorCase((_rect((2, 3), f32), _rect((2, 2), f32)), {"upper": False}, match="square matrices"),
               ErrorCase((_wc((3, 3), f32), _rect((3, 2), f32)), exc=TypeError, match="upper")]),
)


# ---- Cholesky --------------------------------------------------------------------------------
def _chol_ref(A, upper=False):
    L = np.linalg.cholesky(A)
    return np.swapaxes(L, -1, -2) if upper else L


_pd_errors = lambda op: [  # noqa: E731
    ErrorCase((ft.tensor(NOT_PD),), exc=LA.LinAlgError,
              match=rf"{op}: The factorization could not be completed because the input is not positive-definite "
                    r"\(the leading minor of order 2 is not positive-definite\)."),
    ErrorCase((ft.stack([ft.eye(2), ft.tensor(NOT_PD)]),), exc=RuntimeError, match=r"\(Batch element 1\)"),
    ErrorCase((-ft.eye(3),), exc=RuntimeError, match="leading minor of order 1"),
]
_chol_samples = _square_samples(_spd, extra=[((3, 3), {"upper": True}), ((2, 3, 3), {"upper": True})])
add(
    OpSpec("linalg.cholesky", op=LA.cholesky, torch_ref=lambda A, **k: _torch().linalg.cholesky(A, **k), ref=_chol_ref,
           samples=_chol_samples, errors=_square_errors("linalg.cholesky", _pd_errors("linalg.cholesky"))),
    OpSpec("cholesky", ref=_chol_ref, samples=_chol_samples, method="cholesky",
           errors=_square_errors("cholesky", _pd_errors("cholesky"))),
    OpSpec("linalg.cholesky_ex", op=LA.cholesky_ex, torch_ref=lambda A, **k: _torch().linalg.cholesky_ex(A, **k),
           ref=lambda A, **k: (_chol_ref(A, **k), np.zeros(A.shape[:-2], np.int32)), samples=_chol_samples,
           errors=_square_errors("linalg.cholesky_ex", [
               ErrorCase((ft.tensor(NOT_PD),), {"check_errors": True}, exc=LA.LinAlgError, match="order 2")])),
)


def _chol_solve_ref(B, L, upper=False):
    A = np.swapaxes(L, -1, -2) @ L if upper else L @ np.swapaxes(L, -1, -2)
    return np.linalg.solve(A, B)


def _factor(shape, dt, seed=0, upper=False):
    L = np.linalg.cholesky(_spd(shape, f64, seed).numpy())
    return _arr(np.swapaxes(L, -1, -2) if upper else L, dt)


add(
    OpSpec("cholesky_solve", ref=_chol_solve_ref, method="cholesky_solve",
           samples=lambda dt: [Sample((_rect((3, 2), dt), _factor((3, 3), dt)), name="lower"),
                               Sample((_rect((3, 2), dt), _factor((3, 3), dt, upper=True), True), name="upper"),
                               Sample((_rect((2, 3, 2), dt), _factor((3, 3), dt, 1)), name="broadcast"),
                               Sample((_T(_rect((2, 3), dt)), _T(_factor((3, 3), dt, 2, upper=True))), name="noncontig"),
                               Sample((_rect((0, 2), dt), _factor((0, 0), dt)), name="empty")],
           errors=lambda: [ErrorCase((_rect((3,), f32), _factor((3, 3), f32)), match="b should have at least 2 dimensions"),
                           ErrorCase((_rect((4, 2), f32), _factor((3, 3), f32)), match="Incompatible matrix sizes"),
                           ErrorCase((_rect((3, 2), f64), _factor((3, 3), f32)), match="same dtype")]),
    OpSpec("cholesky_inverse", ref=lambda L, upper=False: _chol_solve_ref(np.eye(L.shape[-1]), L, upper),
           method="cholesky_inverse",
           samples=lambda dt: [Sample((_factor((3, 3), dt),), name="lower"),
                               Sample((_factor((3, 3), dt, upper=True), True), name="upper"),
                               Sample((_factor((2, 3, 3), dt, 1),), name="batched"),
                               Sample((_T(_factor((3, 3), dt, 2, upper=True)),), name="noncontig")],
           errors=lambda: [ErrorCase((_rect((3,), f32),), match="at least 2 dimensions"),
                           ErrorCase((_rect((2, 3), f32),), match="square"),
                           ErrorCase((make((3, 3), i64),), match="floating point")]),
)


# ---- decompositions: sign-free checks --------------------------------------------------------
def _svd_check(U, S, Vh):
    """(U diag(S) Vh, U^T U, Vh Vh^T, S): works on fx and torch tensors alike."""
    k = S.shape[-1]
    recon = (U.narrow(-1, 0, k) * S.unsqueeze(-2)) @ Vh.narrow(-2, 0, k)
    return recon, U.mT @ U, Vh @ Vh.mT, S


def _svd_expected(A, full_matrices=True):
    m, n = A.shape[-2:]
    k = min(m, n)
    eye = lambda d: np.broadcast_to(np.eye(d), A.shape[:-2] + (d, d))  # noqa: E731
    return A, eye(m if full_matrices else k), eye(n if full_matrices else k), np.linalg.svd(A, compute_uv=False)


def _rect_samples(kwargs_list=({},), shapes=((3, 5), (5, 3), (2, 4, 3), (4, 4))):
    def gen(dt):
        out = [Sample((_rect(s, dt, i),), kw, f"{s}{kw}") for i, s in enumerate(shapes) for kw in kwargs_list]
        return out + [Sample((_T(_rect((5, 3), dt, 9)),), kwargs_list[-1], "noncontig"),
                      Sample((_rect((0, 3), dt),), kwargs_list[-1], "empty"),
                      Sample((_rect((0, 3, 2), dt),), kwargs_list[-1], "empty_batch")]

    return gen


_rect_errors = lambda op: lambda: [  # noqa: E731
    ErrorCase((_rect((3,), f32),), match=f"{op}: The input tensor A must have at least 2 dimensions"),
    ErrorCase((make((3, 3), i64),), match="Expected a floating point or complex tensor as input. Got Long"),
    ErrorCase((_rect((3, 3), ft.float16),), match="Low precision dtypes not supported"),
    ErrorCase(([[1.0]],), exc=TypeError, match="must be Tensor"),
]
add(
    OpSpec("linalg.svd", op=lambda A, **kw: _svd_check(*LA.svd(A, **kw)), ref=_svd_expected,
           torch_ref=lambda A, **kw: _svd_check(*_torch().linalg.svd(A, **kw)),
           samples=_rect_samples(({"full_matrices": True}, {"full_matrices": False})), errors=_rect_errors("linalg.svd")),
    OpSpec("svd", op=lambda A, some=True: _svd_check(*[x.mT if i == 2 else x for i, x in enumerate(ft.svd(A, some))]),
           torch_ref=lambda A, some=True: _svd_check(*[x.mT if i == 2 else x for i, x in enumerate(_torch().svd(A, some))]),
           ref=lambda A, some=True: _svd_expected(A, not some), samples=_rect_samples(({"some": True}, {"some": False})),
           errors=lambda: [ErrorCase((_rect((3,), f32),), match="at least 2 dimensions"),
                           ErrorCase((make((3, 3), i64),), match="floating point"),
                           ErrorCase((None,), exc=TypeError, match="must be Tensor")]),
    OpSpec("linalg.svdvals", op=LA.svdvals, torch_ref=lambda A: _torch().linalg.svdvals(A),
           ref=lambda A: np.linalg.svd(A, compute_uv=False), samples=_rect_samples(), errors=_rect_errors("linalg.svd")),
)


def _qr_check(Q, R):
    if Q.shape[-1] == 0 and R.shape[-1] and Q.ndim == 1:  # mode='r': no Q
        return R.abs()
    return Q @ R, Q.mT @ Q, R.abs()


def _qr_expected(A, mode="reduced"):
    R = np.abs(np.linalg.qr(A, mode="r" if mode == "r" else mode)[1] if mode != "r" else np.linalg.qr(A, mode="r"))
    if mode == "r":
        return R
    m, n = A.shape[-2:]
    d = m if mode == "complete" else min(m, n)
    return A, np.broadcast_to(np.eye(d), A.shape[:-2] + (d, d)), R


_qr_modes = ({"mode": "reduced"}, {"mode": "complete"}, {"mode": "r"})
add(
    OpSpec("linalg.qr", op=lambda A, **kw: _qr_check(*LA.qr(A, **kw)), ref=_qr_expected,
           torch_ref=lambda A, **kw: _qr_check(*_torch().linalg.qr(A, **kw)), samples=_rect_samples(_qr_modes),
           errors=lambda: _rect_errors("linalg.qr")()[:2] + [
               ErrorCase((_rect((3, 2), f32),), {"mode": "x"}, match="qr received unrecognized mode 'x'")]),
    OpSpec("qr", op=lambda A, some=True: _qr_check(*ft.qr(A, some)), ref=lambda A, some=True: _qr_expected(A, "reduced" if some else "complete"),
           torch_ref=lambda A, some=True: _qr_check(*_torch().linalg.qr(A, "reduced" if some else "complete")),
           samples=_rect_samples(({"some": True}, {"some": False})),
           errors=lambda: [ErrorCase((_rect((3,), f32),), match="at least 2 dimensions"),
                           ErrorCase((make((3, 3), i64),), match="floating point"),
                           ErrorCase((None,), exc=TypeError, match="must be Tensor")]),
)


def _eigh_check(w, V):
    return w, (V * w.unsqueeze(-2)) @ V.mT, V.mT @ V


def _eigh_expected(A, UPLO="L"):
    n = A.shape[-1]
    return np.linalg.eigvalsh(A, UPLO), A, np.broadcast_to(np.eye(n), A.shape)


_uplo_errors = lambda op: lambda: [ErrorCase((_spd((3, 3), f32),), {"UPLO": "X"}, match="Expected UPLO argument to be 'L' or 'U'")] + [  # noqa: E731
    e for e in _square_errors(op)() if "Low precision" not in e.match]
add(
    OpSpec("linalg.eigh", op=lambda A, **kw: _eigh_check(*LA.eigh(A, **kw)), ref=_eigh_expected,
           torch_ref=lambda A, **kw: _eigh_check(*_torch().linalg.eigh(A, **kw)),
           samples=_square_samples(_spd, extra=[((3, 3), {"UPLO": "U"})]), errors=_uplo_errors("linalg.eigh")),
    OpSpec("linalg.eigvalsh", op=LA.eigvalsh, torch_ref=lambda A, **kw: _torch().linalg.eigvalsh(A, **kw),
           ref=lambda A, UPLO="L": np.linalg.eigvalsh(A, UPLO), samples=_square_samples(_spd, extra=[((3, 3), {"UPLO": "U"})]),
           errors=_uplo_errors("linalg.eigh")),
)


# ---- pseudo-inverse, rank, least squares -----------------------------------------------------
def _lowrank(shape, rank, dt, seed=0):
    a = _rand(shape[:-1] + (rank,), seed) @ _rand(shape[:-2] + (rank, shape[-1]), seed + 1)
    return _arr(a, dt)


def _pinv_samples(dt):
    return _rect_samples()(dt) + [Sample((_lowrank((4, 5), 2, dt),), name="rank2"),
                                  Sample((_spd((3, 3), dt),), {"hermitian": True}, "hermitian"),
                                  Sample((_rect((3, 4), dt),), {"rtol": 0.5}, "rtol"),
                                  Sample((_rect((3, 4), dt),), {"atol": 0.5}, "atol")]


def _pinv_ref(A, hermitian=False, rtol=None, atol=None):
    U, S, Vh = np.linalg.svd(A, full_matrices=False)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else np.finfo(A.dtype).eps * max(A.shape[-2:])
    tol = np.maximum(atol or 0.0, rtol * (S[..., :1] if S.shape[-1] else 0))
    keep = np.greater(S, tol)
    s_inv = np.where(keep, 1 / np.where(keep, S, 1), 0)
    return np.swapaxes(Vh, -1, -2) @ (s_inv[..., None] * np.swapaxes(U, -1, -2))


def _lstsq_ref(A, B, rcond=None, driver=None):
    vector = B.ndim == A.ndim - 1
    Bm = B[..., None] if vector else B
    m, n = A.shape[-2:]
    X = _pinv_ref(A, rtol=rcond) @ Bm
    S = np.linalg.svd(A, compute_uv=False)
    tol = (np.finfo(A.dtype).eps * max(m, n) if rcond is None else rcond) * S[..., :1]
    rank = np.greater(S, tol).sum(-1).astype(np.int64)
    empty = np.zeros((0,), A.dtype)
    res = empty
    if driver in ("gelsd", "gelss", "gels") and m > n and (rank == min(m, n)).all():
        res = ((A @ X - Bm) ** 2).sum(-2)
        res = res[..., 0] if vector else res
    return (X[..., 0] if vector else X, res, rank if driver != "gels" else np.zeros((0,), np.int64),
            S if driver in ("gelsd", "gelss") else empty)


add(
    OpSpec("linalg.lstsq", op=LA.lstsq, torch_ref=lambda A, B, *a, **kw: _torch().linalg.lstsq(A, B, *a, **kw),
           ref=_lstsq_ref, atol=1e-4, rtol=1e-4,
           samples=lambda dt: [Sample((_rect((5, 3), dt), _rect((5, 2), dt, 1)), name="tall"),
                               Sample((_rect((5, 3), dt), _rect((5,), dt, 1)), name="vector"),
                               Sample((_rect((5, 3), dt), _rect((5, 2), dt, 1)), {"driver": "gelsd"}, "gelsd"),
                               Sample((_rect((5, 3), dt), _rect((5, 2), dt, 1)), {"driver": "gels"}, "gels"),
                               Sample((_rect((2, 5, 3), dt), _rect((1, 5, 2), dt, 1)), {"driver": "gelss"}, "batched"),
                               Sample((_T(_rect((3, 5), dt)), _rect((5, 2), dt, 1)), name="noncontig"),
                               Sample((_rect((3, 3), dt), _rect((3, 2), dt, 1)), name="square")],
           errors=lambda: [ErrorCase((_rect((4, 3), f32), _rect((5, 2), f32)), match=r"input.size\(-2\) should match"),
                           ErrorCase((_rect((3,), f32), _rect((3,), f32)), match="input must have at least 2 dimensions"),
                           ErrorCase((_rect((4, 3), f32), _rect((4, 2), f32)), {"driver": "xx"}, match="driver"),
                           ErrorCase((_rect((4, 3), f32), _rect((4, 2), f64)), match="same dtype")]),
)


# ---- products --------------------------------------------------------------------------------
def _power_samples(dt):
    out = [Sample((_wc((3, 3), dt),), {"n": n}, f"n={n}") for n in (0, 1, 2, 3, 5)]
    out += [Sample((_wc((2, 3, 3), dt, 1),), {"n": 2}, "batched"), Sample((_T(_wc((3, 3), dt, 2)),), {"n": 3}, "noncontig"),
            Sample((_wc((0, 0), dt),), {"n": 2}, "empty"), Sample((_wc((0, 2, 2), dt),), {"n": 0}, "empty_batch")]
    if dt.is_floating_point:
        out += [Sample((_wc((3, 3), dt),), {"n": -1}, "n=-1"), Sample((_wc((2, 3, 3), dt, 1),), {"n": -2}, "n=-2")]
    return out


_power_errors = lambda: [  # noqa: E731
    ErrorCase((_rect((3, 4), f32), 2), match="A must be batches of square matrices, but they are 3 by 4 matrices"),
    ErrorCase((_rect((3,), f32), 2), match="must have at least 2 dimensions"),
    ErrorCase((_wc((3, 3), f32), 2.5), exc=TypeError, match="must be int"),
    ErrorCase((make((3, 3), i64), -1), match="linalg.inv: Expected a floating point"),
]
_int_pow_dt = FLOATS + (i64,)
add(
    OpSpec("linalg.matrix_power", op=LA.matrix_power, torch_ref=lambda A, n: _torch().linalg.matrix_power(A, n),
           ref=lambda A, n: np.linalg.matrix_power(A.astype(np.float64) if n < 0 else A, n), dtypes=_int_pow_dt,
           samples=lambda dt: [Sample(s.args + (s.kwargs["n"],), {}, s.name) for s in _power_samples(dt)],
           errors=_power_errors, atol=1e-4, rtol=1e-5),
    OpSpec("matrix_power", ref=lambda A, n: np.linalg.matrix_power(A.astype(np.float64) if n < 0 else A, n),
           dtypes=_int_pow_dt, method="matrix_power", atol=1e-4, rtol=1e-5,
           samples=lambda dt: [Sample(s.args + (s.kwargs["n"],), {}, s.name) for s in _power_samples(dt)],
           errors=_power_errors),
)


def _chain(dt, shapes, seed=0):
    return [_rect(s, dt, seed + i) for i, s in enumerate(shapes)]


add(
    OpSpec("linalg.multi_dot", op=LA.multi_dot, torch_ref=lambda ts: _torch().linalg.multi_dot(ts),
           ref=lambda ts: np.linalg.multi_dot([t.astype(np.float64) for t in ts]), dtypes=FLOATS + LOWP,
           samples=lambda dt: [Sample((_chain(dt, [(2, 3), (3, 4)]),), name="two"),
                               Sample((_chain(dt, [(10, 3), (3, 12), (12, 2), (2, 7)]),), name="four"),
                               Sample((_chain(dt, [(3,), (3, 4), (4,)]),), name="vectors"),
                               Sample((_chain(dt, [(3,), (3,)]),), name="dot"),
                               Sample((_chain(dt, [(3,), (3, 4), (4, 2)]),), name="first_vector"),
                               Sample(([_T(_rect((3, 2), dt)), _rect((3, 4), dt, 1), _T(_rect((5, 4), dt, 2))],), name="noncontig"),
                               Sample((_chain(dt, [(0, 3), (3, 4), (4, 2)]),), name="empty")],
           errors=lambda: [ErrorCase(([_rect((2, 3), f32)],), match="expected at least 2 tensors but got 1"),
                           ErrorCase(([_rect((2, 3), f32), _rect((4, 4), f32)],), match=r"tensors 0 and 1 with shapes \[2, 3\] and \[4, 4\] cannot be multiplied"),
                           ErrorCase(([_rect((2, 3), f32), _rect((3, 4), f64)],), match="same dtype"),
                           ErrorCase(([_rect((2, 2, 3), f32), _rect((3, 4), f32)],), match="the first tensor must be 1D or 2D but got 3D"),
                           ErrorCase(([_rect((2, 3), f32), _rect((3, 3, 3), f32), _rect((3, 4), f32)],), match="tensor 1 must be 2D")]),
)

add(
    OpSpec("linalg.matmul", op=LA.matmul, torch_ref=lambda a, b: _torch().linalg.matmul(a, b), ref=np.matmul,
           samples=lambda dt: [Sample((_rect((3, 4), dt), _rect((4, 2), dt, 1))), Sample((_rect((2, 3, 4), dt), _rect((4,), dt, 1)))],
           errors=lambda: [ErrorCase((_rect((2, 3), f32), _rect((4, 5), f32)), match="cannot be multiplied"),
                           ErrorCase((_rect((2, 3), f32), _rect((3, 5), f64)), match="same dtype"),
                           ErrorCase((ft.tensor(1.0), _rect((3,), f32)), match="at least 1D")]),
    OpSpec("linalg.diagonal", op=LA.diagonal, torch_ref=lambda A, **kw: _torch().linalg.diagonal(A, **kw),
           ref=lambda A, offset=0, dim1=-2, dim2=-1: np.diagonal(A, offset, dim1, dim2), dtypes=FLOATS + (i64, ft.bool),
           samples=lambda dt: [Sample((make((3, 4), dt),)), Sample((make((2, 3, 3), dt),), {"offset": 1}, "offset"),
                               Sample((make((2, 3, 4), dt),), {"dim1": 0, "dim2": 2}, "dims"),
                               Sample((_T(make((3, 4), dt)),), {"offset": -1}, "noncontig"), Sample((make((0, 3), dt),), name="empty")],
           errors=lambda: [ErrorCase((_rect((3,), f32),), exc=(IndexError, RuntimeError), match=""),
                           ErrorCase((_rect((3, 3), f32),), {"dim1": 0, "dim2": 0}, match="cannot be identical"),
                           ErrorCase((None,), exc=TypeError, match="must be Tensor")]),
    OpSpec("linalg.cross", op=LA.cross, torch_ref=lambda a, b, **kw: _torch().linalg.cross(a, b, **kw),
           ref=lambda a, b, dim=-1: np.cross(a.astype(np.float64), b.astype(np.float64), axis=dim), dtypes=FLOATS + LOWP + (i64,),
           samples=lambda dt: [Sample((_rect((4, 3), dt), _rect((4, 3), dt, 1))),
                               Sample((_rect((3, 4), dt), _rect((3, 4), dt, 1)), {"dim": 0}, "dim0"),
                               Sample((_rect((2, 1, 3), dt), _rect((1, 4, 3), dt, 1)), name="broadcast"),
                               Sample((_T(_rect((3, 4), dt)), _rect((4, 3), dt, 1)), name="noncontig"),
                               Sample((_rect((0, 3), dt), _rect((0, 3), dt, 1)), name="empty")],
           errors=lambda: [ErrorCase((_rect((4, 2), f32), _rect((4, 2), f32)), match="inputs dimension -1 must have length 3. Got 2 and 2"),
                           ErrorCase((_rect((4, 3), f32), _rect((3,), f32)), match="same number of dimensions"),
                           ErrorCase((_rect((4, 3), f32), _rect((4, 3), f64)), match="same dtype")]),
    OpSpec("linalg.vecdot", op=LA.vecdot, torch_ref=lambda x, y, **kw: _torch().linalg.vecdot(x, y, **kw),
           ref=lambda x, y, dim=-1: (x.astype(np.float64) * y).sum(dim), dtypes=FLOATS + LOWP,
           samples=lambda dt: [Sample((_rect((2, 3), dt), _rect((3,), dt, 1))),
                               Sample((_rect((2, 3), dt), _rect((2, 1), dt, 1)), {"dim": 0}, "dim0"),
                               Sample((_T(_rect((3, 4), dt)), _rect((4, 3), dt, 1)), name="noncontig"),
                               Sample((_rect((0, 3), dt), _rect((3,), dt, 1)), name="empty"),
                               Sample((ft.tensor(2.0, dtype=dt), ft.tensor(3.0, dtype=dt)), name="0d")],
           errors=lambda: [ErrorCase((_rect((2, 3), f32), _rect((4,), f32)), match="must match"),
                           ErrorCase((_rect((2, 3), f32), _rect((3,), f64)), match="same dtype"),
                           ErrorCase((make((2, 3), i64), make((3,), i64)), match="floating point"),
                           ErrorCase((_rect((2, 3), f32), _rect((3,), f32)), {"dim": 5}, exc=IndexError, match="out of range")]),
)
