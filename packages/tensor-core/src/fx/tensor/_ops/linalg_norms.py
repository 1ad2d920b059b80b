"""Norms, rank, pseudo-inverse and condition number (fx.tensor.linalg), and torch.pinverse.

No primitives of their own: vector norms run reduce.py's "vector_norm" primitive (which torch.norm
also uses), matrix norms compose it (Frobenius, induced 1/inf) or svdvals (2, -2, nuclear), and
rank / pinv threshold the singular values.
"""

from __future__ import annotations

import math

from .. import _dtype
from .._tensor import _wrap_dim, tensor_method
from ._common import _tname, cast, check_tensor, finish, scalar_tensor
from .binary import maximum, where
from .linalg_impl import P_eigvalsh, P_svd, P_svdvals, check_float, check_matrix, eigh, inv, mT
from .matmul import P_matmul
from .reduce import P_vector_norm, reduce_dims
from .views import movedim, squeeze, unsqueeze

_INF = math.inf
_MATRIX_ORDS = ("fro", "nuc", 2, -2, 1, -1, _INF, -_INF)


def _ord_str(ord):
    return str(int(ord)) if math.isfinite(ord) and ord == int(ord) else str(ord)


def _with_dtype(x, dtype, op):
    """`x` cast to `dtype` (which must be floating and no narrower than x's dtype)."""
    if dtype is None:
        return x
    dt = _dtype.to_dtype(dtype)
    if not dt.is_floating_point:
        raise RuntimeError(f"{op}: dtype should be floating point or complex, but got {_tname(dt)}")
    if _dtype.promote_types(x.dtype, dt) is not dt:
        raise RuntimeError(f"{op}: the dtype of the input ({_tname(x.dtype)}) should be convertible without narrowing "
                           f"to the specified dtype ({_tname(dt)})")
    return cast(x, dt)


def _check_floating(x, op):
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_tname(x.dtype)}")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """(sum |x|^ord)^(1/ord) over `dim` (all dims when None); ord inf/-inf is max/min |x|, 0 counts nonzeros.

    Example:
        >>> ft.linalg.vector_norm(ft.tensor([3.0, 4.0])).item()
        5.0
    """
    op = "linalg.vector_norm"
    check_tensor(x, op, "x")
    if isinstance(ord, bool) or not isinstance(ord, (int, float)):
        raise TypeError(f"linalg.vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    _check_floating(x, op)
    x = _with_dtype(x, dtype, op)
    dims = None if dim is None else reduce_dims(x, dim, op)
    ord = float(ord)
    if ord < 0 or ord == _INF:  # max/min and negative powers have no identity for an empty reduction
        shape = x._data.shape
        if dims is None and x._data.size == 0:
            raise RuntimeError(f"{op} cannot compute the {_ord_str(ord)} norm on an empty tensor because the operation "
                               "does not have an identity")
        for d in dims or ():
            if shape[d] == 0:
                raise RuntimeError(f"{op} cannot compute the {_ord_str(ord)} norm on the dimension {d} because this "
                                   "dimension is empty and the operation does not have an identity")
    return finish(P_vector_norm(x, ord=ord, dims=dims, keepdim=bool(keepdim)), out, op)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Matrix norm over the two dims `dim`: 'fro', 'nuc', 2/-2 (largest/smallest singular value),
    1/-1 (max/min column abs sum), inf/-inf (max/min row abs sum)."""
    op = "linalg.matrix_norm"
    check_tensor(A, op)
    nd = A._data.ndim
    if nd < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    _check_floating(A, op)
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"{op}: Order {ord} not supported.")
    if isinstance(dim, int) or len(dim) != 2:
        got = dim if isinstance(dim, int) else " ".join(map(str, dim))
        raise RuntimeError(f"{op}: dim must be a 2-tuple. Got {got}")
    d0, d1 = (_wrap_dim(d, nd, op) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{op}: dims must be different. Got ({dim[0]}, {dim[1]})")
    A = _with_dtype(A, dtype, op)
    spectral = ord in ("nuc", 2, -2)
    if spectral:
        check_float(A, op)
    lo, hi = sorted((d0, d1))
    shape = A._data.shape
    if shape[d0] == 0 or shape[d1] == 0:
        out_shape = tuple(1 if i in (lo, hi) else s for i, s in enumerate(shape) if keepdim or i not in (lo, hi))
        return finish(A.new_zeros(out_shape), out, op)
    if ord == "fro":
        return finish(vector_norm(A, 2, (d0, d1), keepdim), out, op)
    if spectral:
        sv = P_svdvals(movedim(A, (d0, d1), (-2, -1)))
        r = vector_norm(sv, {"nuc": 1, 2: _INF, -2: -_INF}[ord], -1)
        return finish(unsqueeze(unsqueeze(r, lo), hi) if keepdim else r, out, op)
    sum_dim, max_dim = (d0, d1) if abs(ord) == 1 else (d1, d0)
    r = vector_norm(vector_norm(A, 1, sum_dim, True), _INF if ord > 0 else -_INF, max_dim, True)
    return finish(r if keepdim else squeeze(r, (lo, hi)), out, op)


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """vector_norm or matrix_norm, chosen by `dim` (1 or 2 dims) and `ord` (a string is a matrix norm);
    with neither, the 2-norm of the flattened input."""
    if dim is not None:
        dim = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
        if len(dim) == 2 or isinstance(ord, str):
            return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype, out=out)
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)
    check_tensor(A, "linalg.norm")
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype, out=out)
    if A._data.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A._data.ndim}D.")
    if A._data.ndim == 2 or isinstance(ord, str):
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
    return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)


# ---- rank, pseudo-inverse, condition number ----------------------------------------------------
def _tolerance(smax, atol, rtol, A):
    """max(atol, rtol * smax) in float64 as PyTorch computes it; atol and rtol are numbers or tensors
    (broadcast against the batch); rtol defaults to eps * max(m, n), or to 0 where atol > 0."""
    f64 = _dtype.float64

    def as_tensor(v):
        return cast(v, f64) if hasattr(v, "_data") else scalar_tensor(v, f64, A)

    atol = as_tensor(0.0 if atol is None else atol)
    if rtol is None:
        default = _dtype.finfo(A.dtype).eps * max(A._data.shape[-2:])
        rtol = where(atol > 0, as_tensor(0.0), as_tensor(default))
    return maximum(unsqueeze(atol, -1), unsqueeze(as_tensor(rtol), -1) * smax)


def _spectrum(A, hermitian):
    """(values whose magnitudes set the rank, their largest magnitude keeping the last dim)."""
    if hermitian:
        w = P_eigvalsh(A, UPLO="L").abs()
        n = w._data.shape[-1]
        return w, maximum(w.narrow(-1, 0, 1), w.narrow(-1, n - 1, 1))
    sv = P_svdvals(A)
    return sv, sv.narrow(-1, 0, 1)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """Number of singular values (|eigenvalues| if hermitian) above max(atol, rtol * largest)."""
    op = "torch.linalg.matrix_rank"
    check_matrix(A, op, "input", square=hermitian)
    if tol is not None:
        atol, rtol = tol, 0.0
    if min(A._data.shape[-2:]) == 0:
        return finish(A.new_zeros(A._data.shape[:-2], dtype=_dtype.int64), out, op)
    s, smax = _spectrum(A, hermitian)
    return finish((s > _tolerance(smax, atol, rtol, A)).sum(-1), out, op)


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """Moore-Penrose pseudo-inverse via the SVD (eigh if hermitian), dropping values <= the tolerance."""
    op = "linalg.pinv"
    check_tensor(A, op)
    if A._data.ndim < 2 or A.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(f"{op}({_tname(A.dtype)}{list(A._data.shape)}): expected a tensor with 2 or more dimensions "
                           "of float, double, cfloat or cdouble types")
    if rcond is not None:
        if rtol is not None:
            raise TypeError(f"{op}(): pass either rcond or rtol, not both")
        rtol = rcond
    m, n = A._data.shape[-2:]
    if m == 0 or n == 0:
        return finish(A.new_zeros(A._data.shape[:-2] + (n, m)), out, op)
    if hermitian:
        w, V = eigh(A)
        s = w.abs()
        smax = maximum(s.narrow(-1, 0, 1), s.narrow(-1, n - 1, 1))
        keep = s > _tolerance(smax, atol, rtol, A)
        w_inv = where(keep, 1 / where(keep, w, 1.0), 0.0)
        return finish(P_matmul(V * unsqueeze(w_inv, -2), mT(V)), out, op)
    u, s, vh = P_svd(A, full_matrices=False)
    keep = s > _tolerance(s.narrow(-1, 0, 1), atol, rtol, A)
    s_inv = where(keep, 1 / where(keep, s, 1.0), 0.0)
    return finish(P_matmul(mT(vh) * unsqueeze(s_inv, -2), mT(u)), out, op)


def pinverse(input, rcond=1e-15):
    """torch.pinverse: `linalg.pinv` with relative tolerance `rcond`."""
    return pinv(input, rtol=rcond)


def cond(A, p=None, *, out=None):
    """Condition number ||A|| ||A^-1|| in norm `p` (None/2: largest / smallest singular value)."""
    op = "linalg.cond"
    check_matrix(A, op, square=p not in (None, 2, -2))
    if p in (None, 2, -2):
        sv = P_svdvals(A)
        k = sv._data.shape[-1]
        big, small = sv.narrow(-1, 0, 1), sv.narrow(-1, k - 1, 1)
        return finish(squeeze(big / small if p != -2 else small / big, -1), out, op)
    return finish(matrix_norm(A, p) * matrix_norm(inv(A), p), out, op)


tensor_method("pinverse")(pinverse)
