"""Specs: linalg norms, pseudo-inverse, rank and condition number (and torch.pinverse)."""

import numpy as np

import fx.tensor as ft
import fx.tensor.linalg as LA
from opspec import FLOATS, LOWP, ErrorCase, OpSpec, Sample, add, make
from specs.linalg import _T, _arr, _lowrank, _pinv_ref, _pinv_samples, _rand, _rect, _rect_samples, _spd, _torch, _wc

f32, f64, i64 = ft.float32, ft.float64, ft.int64


_pinv_errors = lambda: [ErrorCase((_rect((3,), f32),), match="expected a tensor with 2 or more dimensions"),  # noqa: E731
                        ErrorCase((make((3, 3), i64),), match="of float, double"),
                        ErrorCase((_rect((3, 4), f32),), {"hermitian": True}, match="square"),
                        ErrorCase((None,), exc=TypeError, match="must be Tensor")]
def _rank_ref(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    """PyTorch's rule in NumPy: count of values > max(atol, rtol * largest), rtol 0 where atol > 0 by default."""
    if tol is not None:
        atol, rtol = tol, 0.0
    s = np.abs(np.linalg.eigvalsh(A)) if hermitian else np.linalg.svd(A, compute_uv=False)
    atol = np.asarray(0.0 if atol is None else atol, np.float64)
    if rtol is None:
        rtol = np.where(atol > 0, 0.0, np.finfo(A.dtype).eps * max(A.shape[-2:]))
    tol = np.maximum(atol[..., None], np.asarray(rtol, np.float64)[..., None] * s.max(-1, keepdims=True))
    return np.asarray((s > tol).sum(-1), np.int64)


def _with_spectrum(values, dt, hermitian=False, seed=0):
    """Square matrices Q1 diag(values) Q2^T (Q2 = Q1 if hermitian): singular values |values|, far from any tolerance."""
    values = np.asarray(values, np.float64)
    k = values.shape[-1]
    q1 = np.linalg.qr(_rand(values.shape[:-1] + (k, k), seed))[0]
    q2 = q1 if hermitian else np.linalg.qr(_rand(values.shape[:-1] + (k, k), seed + 1))[0]
    return _arr(q1 @ (values[..., :, None] * np.swapaxes(q2, -1, -2)), dt)


def _rank_samples(dt):
    a = _with_spectrum([1.0, 0.1, 1e-3], dt)
    batch = _with_spectrum([[1.0, 0.1, 1e-3], [2.0, 1e-2, 1e-4]], dt)
    return _rect_samples()(dt)[:-2] + [
        Sample((_lowrank((4, 5), 2, dt),), name="rank2"),
        Sample((_lowrank((2, 4, 4), 3, dt),), {"hermitian": False}, "batch"),
        Sample((_spd((3, 3), dt),), {"hermitian": True}, "hermitian"),
        Sample((a,), {"atol": 0.01}, "atol float"),
        Sample((a,), {"rtol": 0.05}, "rtol float"),
        Sample((a, 0.05), name="tol positional"),
        Sample((a,), {"atol": ft.tensor(0.05)}, "atol tensor"),
        Sample((a,), {"atol": 0.01, "rtol": ft.tensor(0.5)}, "atol float rtol tensor"),
        Sample((a,), {"atol": ft.tensor(0.0), "rtol": 0.05}, "atol tensor rtol float"),
        Sample((batch,), {"atol": ft.tensor([0.5, 0.005])}, "atol per batch"),
        Sample((batch,), {"rtol": ft.tensor([[0.01], [0.01]])}, "rtol broadcast"),
        # exactly diagonal, so 1e-9 is a singular value: below float32's default rtol, kept by atol=0 alone
        Sample((_arr(np.array([[1.0, 0.1, 1e-9], [2.0, 1e-2, 1e-4]])[..., None] * np.eye(3), dt),),
               {"atol": ft.tensor([0.0, 0.05])}, "atol 0 takes the default rtol"),
        Sample((_with_spectrum([-1.0, 0.1, -1e-3], dt, hermitian=True),), {"hermitian": True, "atol": 0.01}, "hermitian atol"),
    ]


add(
    OpSpec("linalg.pinv", op=LA.pinv, torch_ref=lambda A, **kw: _torch().linalg.pinv(A, **kw), ref=_pinv_ref,
           samples=_pinv_samples, errors=_pinv_errors, atol=1e-4, rtol=1e-4),
    OpSpec("pinverse", ref=lambda A, rcond=1e-15: _pinv_ref(A, rtol=rcond), method="pinverse", atol=1e-4, rtol=1e-4,
           samples=lambda dt: _rect_samples()(dt) + [Sample((_lowrank((4, 5), 2, dt),), {"rcond": 1e-4}, "rank2")],
           errors=lambda: _pinv_errors()[:2] + [ErrorCase(([[1.0]],), exc=TypeError, match="must be Tensor")]),
    OpSpec("linalg.matrix_rank", op=LA.matrix_rank, torch_ref=lambda A, *a, **kw: _torch().linalg.matrix_rank(A, *a, **kw),
           ref=_rank_ref, samples=_rank_samples,
           differentiable=False,
           errors=lambda: [ErrorCase((_rect((3,), f32),), match="must have at least 2 dimensions"),
                           ErrorCase((make((3, 3), i64),), match="floating point"),
                           ErrorCase((None,), exc=TypeError, match="must be Tensor")]),
)


# ---- norms -----------------------------------------------------------------------------------
def _vnorm_ref(x, ord=2, dim=None, keepdim=False, dtype=None):
    x = np.abs(x.astype(np.float64))
    axis = dim if dim is None or isinstance(dim, int) else tuple(dim)
    if ord == np.inf:
        r = x.max(axis=axis, keepdims=keepdim)
    elif ord == -np.inf:
        r = x.min(axis=axis, keepdims=keepdim)
    elif ord == 0:
        r = (x != 0).sum(axis=axis, keepdims=keepdim).astype(np.float64)
    else:
        r = (x ** ord).sum(axis=axis, keepdims=keepdim) ** (1 / ord)
    return r


def _vnorm_samples(dt):
    x = _rect((3, 4, 5), dt)
    out = [Sample((x,), {"ord": o}, f"ord={o}") for o in (2, 1, 3, 0.5, 0, np.inf, -np.inf, -1)]
    out += [Sample((x,), {"dim": 1}, "dim"), Sample((x,), {"dim": (0, 2), "keepdim": True}, "dims_keep"),
            Sample((x,), {"ord": np.inf, "dim": -1}, "inf_dim"), Sample((_T(_rect((4, 5), dt)),), {"dim": 0}, "noncontig"),
            Sample((ft.tensor(-3.0, dtype=dt),), name="0d"), Sample((_rect((0, 4), dt),), name="empty"),
            Sample((_rect((0, 4), dt),), {"ord": np.inf, "dim": 1}, "empty_inf_dim1"),
            Sample((ft.zeros(3, dtype=dt),), name="zeros")]
    if dt is f32:
        out.append(Sample((x,), {"dtype": f64}, "dtype"))
    return out


_norm_errors = lambda: [  # noqa: E731
    ErrorCase((make((3, 4), i64),), match="Expected a floating point or complex tensor as input. Got Long"),
    ErrorCase((_rect((0, 4), f32),), {"ord": np.inf}, match="cannot compute the inf norm on an empty tensor"),
    ErrorCase((_rect((0, 4), f32),), {"ord": -1, "dim": 0}, match="cannot compute the -1 norm on the dimension 0"),
    ErrorCase((_rect((3, 4), f32),), {"ord": "fro"}, exc=TypeError, match="must be Number"),
    ErrorCase((_rect((3, 4), f64),), {"dtype": f32}, match="without narrowing"),
    ErrorCase((_rect((3, 4), f32),), {"dim": 5}, exc=IndexError, match="out of range"),
]
add(
    OpSpec("linalg.vector_norm", op=LA.vector_norm, torch_ref=lambda x, *a, **kw: _torch().linalg.vector_norm(x, *a, **kw),
           ref=_vnorm_ref, dtypes=FLOATS + LOWP, samples=_vnorm_samples, errors=_norm_errors),
)


def _mnorm_ref(A, ord="fro", dim=(-2, -1), keepdim=False):
    A = A.astype(np.float64)
    r = np.linalg.norm(np.moveaxis(A, dim, (-2, -1)), ord, axis=(-2, -1)) if A.shape[dim[0]] and A.shape[dim[1]] else \
        np.zeros(tuple(s for i, s in enumerate(A.shape) if i not in [d % A.ndim for d in dim]))
    if keepdim:
        for d in sorted(d % A.ndim for d in dim):
            r = np.expand_dims(r, d)
    return r


_MORDS = ("fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf)
add(
    OpSpec("linalg.matrix_norm", op=LA.matrix_norm, torch_ref=lambda A, *a, **kw: _torch().linalg.matrix_norm(A, *a, **kw),
           ref=_mnorm_ref, samples=lambda dt: [Sample((_rect((3, 4), dt),), {"ord": o}, f"ord={o}") for o in _MORDS] + [
               Sample((_rect((2, 3, 4), dt),), {"ord": 1, "dim": (0, 2)}, "dims"),
               Sample((_rect((2, 3, 4), dt),), {"ord": "nuc", "dim": (2, 0), "keepdim": True}, "nuc_dims_keep"),
               Sample((_rect((2, 3, 4), dt),), {"ord": np.inf, "keepdim": True}, "inf_keep"),
               Sample((_T(_rect((3, 4), dt)),), {"ord": -2}, "noncontig"),
               Sample((_rect((0, 4), dt),), {"ord": 2}, "empty"), Sample((_rect((4, 0), dt),), {"ord": -np.inf}, "empty2")],
           errors=lambda: [ErrorCase((_rect((3,), f32),), match="The input tensor A must have at least 2 dimensions"),
                           ErrorCase((_rect((3, 4), f32),), {"ord": 3}, match="Order 3 not supported"),
                           ErrorCase((_rect((3, 4), f32),), {"dim": (0, 0)}, match="dims must be different"),
                           ErrorCase((_rect((3, 4), f32),), {"dim": (0,)}, match="dim must be a 2-tuple"),
                           ErrorCase((make((3, 4), i64),), match="floating point")]),
    OpSpec("linalg.matrix_norm", op=LA.matrix_norm, ref=_mnorm_ref, dtypes=LOWP,
           torch_ref=lambda A, *a, **kw: _torch().linalg.matrix_norm(A, *a, **kw),
           samples=lambda dt: [Sample((_rect((3, 4), dt),), {"ord": o}, f"ord={o}") for o in ("fro", 1, -np.inf)]),
)


def _norm_ref(A, ord=None, dim=None, keepdim=False):
    if isinstance(dim, int):
        dim = (dim,)
    if dim is None and (ord is None or A.ndim == 1) or (dim is not None and len(dim) == 1 and not isinstance(ord, str)):
        return _vnorm_ref(A, 2 if ord is None else ord, dim, keepdim)
    return _mnorm_ref(A, "fro" if ord is None else ord, dim or (-2, -1), keepdim)


add(
    OpSpec("linalg.norm", op=LA.norm, torch_ref=lambda A, *a, **kw: _torch().linalg.norm(A, *a, **kw), ref=_norm_ref,
           samples=lambda dt: [Sample((_rect((3, 4, 5), dt),), name="flat"), Sample((_rect((4,), dt),), {"ord": 1}, "vector"),
                               Sample((_rect((3, 4), dt),), {"ord": 2}, "matrix_2"),
                               Sample((_rect((3, 4), dt),), {"ord": "nuc"}, "matrix_nuc"),
                               Sample((_rect((3, 4, 5), dt),), {"dim": 1, "ord": np.inf}, "dim"),
                               Sample((_rect((3, 4, 5), dt),), {"dim": (0, 2), "keepdim": True}, "dims"),
                               Sample((_T(_rect((3, 4), dt)),), {"ord": -1}, "noncontig"), Sample((_rect((0, 3), dt),), name="empty")],
           errors=lambda: [ErrorCase((_rect((3, 4, 5), f32),), {"ord": 2}, match="the input must be 1D or 2D. Got 3D"),
                           ErrorCase((_rect((3, 4, 5), f32),), {"dim": (0, 1, 2)}, match="must be of length 1 or 2"),
                           ErrorCase((_rect((3, 4), f32),), {"ord": "fro", "dim": 1}, match="dim must be a 2-tuple"),
                           ErrorCase((make((3,), i64),), match="floating point")]),
    OpSpec("linalg.cond", op=LA.cond, torch_ref=lambda A, *a, **kw: _torch().linalg.cond(A, *a, **kw),
           ref=lambda A, p=None: np.linalg.cond(A, p), atol=1e-4, rtol=1e-4,
           samples=lambda dt: [Sample((_wc((3, 3), dt),), {"p": p}, f"p={p}") for p in (None, 2, -2, "fro", "nuc", 1, np.inf)] + [
               Sample((_rect((3, 5), dt),), name="rect"), Sample((_wc((2, 3, 3), dt),), {"p": 1}, "batched")],
           errors=lambda: [ErrorCase((_rect((3,), f32),), match="at least 2 dimensions"),
                           ErrorCase((_rect((3, 4), f32),), {"p": 1}, match="square"),
                           ErrorCase((make((3, 3), i64),), match="floating point")]),
)
