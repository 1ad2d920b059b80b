"""fx.tensor.linalg solvers and decompositions (torch.linalg's names, semantics and errors).

Primitives (float32/float64 batches of matrices; the leading dims are batch dims):
  "inv" A -> (A^-1, info)          "solve" (A, B) -> (X, info), B a batch of matrices
  "cholesky" A -> (L, info)        info: int32 over the batch, LAPACK's failing index or 0;
                                   not differentiable, the frontend raises from it
  "det", "slogdet" -> (sign, logabsdet), "svd" (full_matrices) -> (U, S, Vh), "svdvals",
  "qr" (mode) -> (Q, R), "eigh" (UPLO) -> (w, V), "eigvalsh" (UPLO), "lstsq" (A, B; rcond) -> X,
  "solve_triangular" (A, B; upper, unitriangular) -> X.
Everything else composes these with matmul and views. Derivatives (fx ops; info gets none):
inv -X^T g X^T; solve gB = solve(A^T, g), gA = -gB X^T; det g det A^-T; slogdet g_logabsdet A^-T;
cholesky, svd, qr, eigh: the standard formulas (svdvals / eigvalsh: U diag(g) Vh / V diag(g) V^T via
svd / eigh); lstsq through pinv; solve_triangular gB = solve_triangular(A^T, g, not upper),
gA = -(gB X^T) restricted to A's triangle (strictly, if unitriangular).
"""

from __future__ import annotations

from .. import _dtype
from .._dispatch import define
from .._tensor import tensor_method
from ._common import _tname, cast, check_tensor, finish
from .binary import lt, where
from .matmul import P_matmul
from .reduce import _return_type
from .views import broadcast_shapes, squeeze, transpose, unsqueeze

P_inv = define("inv", nout=2)
P_solve = define("solve", nout=2)
P_cholesky = define("cholesky", nout=2)
P_det = define("det")
P_slogdet = define("slogdet", nout=2)
P_svd = define("svd", nout=3)
P_svdvals = define("svdvals")
P_qr = define("qr", nout=2)
P_eigh = define("eigh", nout=2)
P_eigvalsh = define("eigvalsh")
P_lstsq = define("lstsq")
P_solve_triangular = define("solve_triangular")


class LinAlgError(RuntimeError):
    """A matrix is singular or not positive-definite (torch.linalg.LinAlgError)."""


InvExResult = _return_type("linalg_inv_ex", "inverse info")
SolveExResult = _return_type("linalg_solve_ex", "result info")
CholeskyExResult = _return_type("linalg_cholesky_ex", "L info")
SlogdetResult = _return_type("linalg_slogdet", "sign logabsdet")
SVDResult = _return_type("linalg_svd", "U S Vh")
TorchSVDResult = _return_type("svd", "U S V")
QRResult = _return_type("linalg_qr", "Q R")
EighResult = _return_type("linalg_eigh", "eigenvalues eigenvectors")
LstsqResult = _return_type("linalg_lstsq", "solution residuals rank singular_values")

_SINGULAR_INV = ("The diagonal element {} is zero, the inversion could not be completed because the input matrix "
                 "is singular.")
_SINGULAR_SOLVE = "The solver failed because the input matrix is singular."
_NOT_PD = ("The factorization could not be completed because the input is not positive-definite "
           "(the leading minor of order {} is not positive-definite).")


def mT(x):
    return transpose(x, -2, -1)


def check_float(A, op):
    """float32/float64 only, with PyTorch's messages for integer and low-precision inputs."""
    dt = A.dtype
    if not dt.is_floating_point:
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_tname(dt)}")
    if dt.itemsize < 4:
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got {_tname(dt)}")


def check_matrix(A, op, name="A", square=True):
    """A float tensor of >= 2 dims (square matrices unless square=False)."""
    check_tensor(A, op, name)
    shape = A._data.shape
    if len(shape) < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions.")
    if square and shape[-1] != shape[-2]:
        raise RuntimeError(f"{op}: {name} must be batches of square matrices, but they are {shape[-2]} by "
                           f"{shape[-1]} matrices")
    check_float(A, op)


def check_info(info, op, message):
    """Raise LinAlgError for the first matrix whose LAPACK info is nonzero."""
    if not info._data.any():
        return
    flat = info.reshape(-1).tolist()
    i = next(k for k, v in enumerate(flat) if v)
    prefix = f"(Batch element {i}): " if info._data.ndim else ""
    raise LinAlgError(f"{op}: {prefix}{message.format(flat[i])}")


def _check_batch(A, B, op):
    try:
        broadcast_shapes(A._data.shape[:-2], B._data.shape[:-2])
    except RuntimeError as e:
        raise RuntimeError(f"{op}: batch dimensions of A {list(A._data.shape)} and B {list(B._data.shape)} do not "
                           f"broadcast: {e}") from None


# ---- inverses and solvers ----------------------------------------------------------------------
def inv_ex(A, *, check_errors=False, out=None):
    """(inverse, info): like inv, but singular matrices give info > 0 instead of an error."""
    check_matrix(A, "linalg.inv_ex")
    X, info = P_inv(A)
    if check_errors:
        check_info(info, "linalg.inv_ex", _SINGULAR_INV)
    return InvExResult((X, info))


def inv(A, *, out=None):
    """Inverse of a (batch of) square matrices; LinAlgError if one is singular.

    Example:
        >>> ft.linalg.inv(ft.tensor([[2.0, 0.0], [0.0, 4.0]])).tolist()
        [[0.5, 0.0], [0.0, 0.25]]
    """
    check_matrix(A, "linalg.inv")
    X, info = P_inv(A)
    check_info(info, "linalg.inv", _SINGULAR_INV)
    return finish(X, out, "linalg.inv")


def inverse(input, *, out=None):
    """`linalg.inv`."""
    return inv(input, out=out)


def _solve(A, B, left, op):
    check_matrix(A, op)
    check_tensor(B, op, "B")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"{op}: Expected A and B to have the same dtype, but found A of type {_tname(A.dtype)} and "
                           f"B of type {_tname(B.dtype)} instead")
    nb = B._data.ndim
    if nb == 0:
        raise RuntimeError(f"{op}: The input tensor B must have at least 1 dimension.")
    n = A._data.shape[-1]
    vector = nb == 1 or (nb == A._data.ndim - 1 and B._data.shape == A._data.shape[:-1])
    Bm = unsqueeze(B, -1) if vector else B  # a column, also for left=False (as in PyTorch)
    if Bm._data.shape[-2 if left else -1] != n:
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'} "
                           f"({n}x{n} and {_shape_str(Bm._data.shape[-2:])})")
    _check_batch(A, Bm, op)
    if left:
        X, info = P_solve(A, Bm)
    else:
        Xt, info = P_solve(mT(A), mT(Bm))
        X = mT(Xt)
    X = squeeze(X, -1) if vector else X
    return X, info


def _shape_str(shape):
    return "x".join(str(s) for s in shape)


def solve(A, B, *, left=True, out=None):
    """X with AX = B (left=True) or XA = B; B is a vector when it is 1-d or A.shape[:-1]."""
    X, info = _solve(A, B, left, "linalg.solve")
    check_info(info, "linalg.solve", _SINGULAR_SOLVE)
    return finish(X, out, "linalg.solve")


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """(result, info): like solve, but singular matrices give info > 0 instead of an error."""
    X, info = _solve(A, B, left, "linalg.solve_ex")
    if check_errors:
        check_info(info, "linalg.solve_ex", _SINGULAR_SOLVE)
    return SolveExResult((X, info))


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """X with AX = B (or XA = B), reading only the upper or lower triangle of A."""
    op = "linalg.solve_triangular"
    check_matrix(A, op)
    check_tensor(B, op, "B")
    if B._data.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
    B = cast(B, A.dtype)
    n = A._data.shape[-1]
    if B._data.shape[-2 if left else -1] != n:
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'} "
                           f"({n}x{n} and {_shape_str(B._data.shape[-2:])})")
    _check_batch(A, B, op)
    if left:
        X = P_solve_triangular(A, B, upper=bool(upper), unitriangular=bool(unitriangular))
    else:
        X = mT(P_solve_triangular(mT(A), mT(B), upper=not upper, unitriangular=bool(unitriangular)))
    return finish(X, out, op)


def _cholesky(A, upper, op):
    check_matrix(A, op)
    # The upper factor of A is the transposed lower factor of A^T: potrf('U') reads A's upper triangle.
    L, info = P_cholesky(mT(A) if upper else A)
    return (mT(L) if upper else L), info


def linalg_cholesky(A, *, upper=False, out=None):
    """Cholesky factor L (A = L L^T) of symmetric positive-definite matrices; `upper` gives L^T."""
    L, info = _cholesky(A, upper, "linalg.cholesky")
    check_info(info, "linalg.cholesky", _NOT_PD)
    return finish(L, out, "linalg.cholesky")


def cholesky(input, upper=False, *, out=None):
    """torch.cholesky: `linalg.cholesky` with `upper` as a positional argument."""
    L, info = _cholesky(input, upper, "cholesky")
    check_info(info, "cholesky", _NOT_PD)
    return finish(L, out, "cholesky")


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """(L, info): like linalg.cholesky, but failures give info > 0 instead of an error."""
    L, info = _cholesky(A, upper, "linalg.cholesky_ex")
    if check_errors:
        check_info(info, "linalg.cholesky_ex", _NOT_PD)
    return CholeskyExResult((L, info))


def cholesky_solve(input, input2, upper=False, *, out=None):
    """X with AX = B, given B (`input`) and the Cholesky factor of A (`input2`)."""
    B, L = input, input2
    check_tensor(B, "cholesky_solve")
    check_matrix(L, "cholesky_solve", "input2")
    if B._data.ndim < 2:
        raise RuntimeError(f"cholesky_solve: b should have at least 2 dimensions, but has {B._data.ndim} dimensions "
                           "instead")
    if B._data.dtype != L._data.dtype:
        raise RuntimeError(f"cholesky_solve: Expected b and A to have the same dtype, but found b of type "
                           f"{_tname(B.dtype)} and A of type {_tname(L.dtype)} instead.")
    n = L._data.shape[-1]
    if B._data.shape[-2] != n:
        raise RuntimeError(f"cholesky_solve: Incompatible matrix sizes for cholesky_solve: each A matrix is {n} by {n} "
                           f"but each b matrix is {B._data.shape[-2]} by {B._data.shape[-1]}")
    _check_batch(L, B, "cholesky_solve")
    # A = L L^T (or U^T U): two triangular solves.
    y = P_solve_triangular(mT(L) if upper else L, B, upper=False, unitriangular=False)
    x = P_solve_triangular(L if upper else mT(L), y, upper=True, unitriangular=False)
    return finish(x, out, "cholesky_solve")


def cholesky_inverse(input, upper=False, *, out=None):
    """A^-1 from the Cholesky factor of A."""
    check_matrix(input, "cholesky_inverse")
    from .._factory import eye

    n = input._data.shape[-1]
    return finish(cholesky_solve(eye(n, dtype=input.dtype, device=input.device), input, upper), out, "cholesky_inverse")


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of AX = B: (solution, residuals, rank, singular_values).

    Which extras are filled depends on `driver` as in PyTorch: rank for gelsy (default), gelsd,
    gelss; singular_values for gelsd, gelss; residuals (squared, per column) for gels, gelsd, gelss
    when m > n and every matrix has full rank. The solution is the minimum-norm one in all cases.
    """
    op = "torch.linalg.lstsq"
    check_tensor(A, op)
    check_tensor(B, op, "other")
    if A._data.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    if B._data.ndim < 1:
        raise RuntimeError(f"{op}: other must have at least 1 dimension.")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"{op}: Expected input and other to have the same dtype, but got input's dtype "
                           f"{_tname(A.dtype)} and other's dtype {_tname(B.dtype)}")
    check_float(A, op)
    driver = "gelsy" if driver is None else driver
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"{op}: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    vector = B._data.ndim == A._data.ndim - 1
    Bm = unsqueeze(B, -1) if vector else B
    m, n = A._data.shape[-2:]
    if Bm._data.shape[-2] != m:
        raise RuntimeError(f"{op}: input.size(-2) should match other.size(-2)")
    _check_batch(A, Bm, op)
    if rcond is None:
        rcond = _dtype.finfo(A.dtype).eps * max(m, n)
    X = P_lstsq(A, Bm, rcond=float(rcond))
    empty = A.new_empty((0,))
    rank = sv = None
    if driver != "gels" or m > n:
        sv = P_svdvals(A)
        rank = _rank_from(sv, rcond)
    residuals = empty
    if driver != "gelsy" and m > n and bool((rank == min(m, n)).all()):
        from .linalg_norms import vector_norm

        r = vector_norm(P_matmul(A, X) - Bm, 2, dim=-2)
        residuals = r * r
        if vector:
            residuals = squeeze(residuals, -1)
    return LstsqResult((squeeze(X, -1) if vector else X, residuals,
                        rank if driver != "gels" else A.new_empty((0,), dtype=_dtype.int64),
                        sv if driver in ("gelsd", "gelss") else empty))


def _rank_from(sv, rtol):
    """Number of singular values above rtol * the largest (svdvals sorts them descending)."""
    if sv._data.shape[-1] == 0:
        return sv.new_zeros(sv._data.shape[:-1], dtype=_dtype.int64)
    return (sv > sv.narrow(-1, 0, 1) * rtol).sum(-1)


# ---- determinants ----------------------------------------------------------------------------
def det(A, *, out=None):
    """Determinant of (a batch of) square matrices."""
    check_matrix(A, "linalg.det")
    return finish(P_det(A), out, "linalg.det")


def slogdet(A, *, out=None):
    """(sign, log|det|): the determinant without overflow; sign 0 and -inf for singular matrices."""
    check_matrix(A, "linalg.slogdet")
    return SlogdetResult(P_slogdet(A))


def logdet(input):
    """log(det(input)): nan for a negative determinant, -inf for zero."""
    check_matrix(input, "logdet")
    sign, logabsdet = P_slogdet(input)
    return where(lt(sign, 0), float("nan"), logabsdet)


# ---- decompositions --------------------------------------------------------------------------
def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """A = U diag(S) Vh with S descending; `full_matrices=False` gives the reduced factors."""
    check_matrix(A, "linalg.svd", square=False)
    return SVDResult(P_svd(A, full_matrices=bool(full_matrices)))


def svdvals(A, *, driver=None, out=None):
    """Singular values of A, descending."""
    check_matrix(A, "linalg.svd", square=False)
    return finish(P_svdvals(A), out, "linalg.svdvals")


def svd(input, some=True, compute_uv=True, *, out=None):
    """torch.svd: (U, S, V) with V = Vh^T; without `compute_uv`, U and V are zero-filled."""
    check_matrix(input, "svd", "input", square=False)
    if compute_uv:
        U, S, Vh = P_svd(input, full_matrices=not some)
        return TorchSVDResult((U, S, mT(Vh)))
    m, n = input._data.shape[-2:]
    batch = input._data.shape[:-2]
    return TorchSVDResult((input.new_zeros(batch + (m, m)), P_svdvals(input), input.new_zeros(batch + (n, n))))


def linalg_qr(A, mode="reduced", *, out=None):
    """A = QR with orthonormal Q and upper-triangular R; mode 'reduced', 'complete' or 'r' (R only)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    check_matrix(A, "linalg.qr", square=False)
    return QRResult(P_qr(A, mode=mode))


def qr(input, some=True, *, out=None):
    """torch.qr: `linalg.qr` with mode 'reduced' (some=True) or 'complete'."""
    return linalg_qr(input, "reduced" if some else "complete")


def _check_uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A, UPLO="L", *, out=None):
    """(eigenvalues ascending, eigenvectors) of symmetric matrices, reading the UPLO triangle."""
    _check_uplo(UPLO)
    check_matrix(A, "linalg.eigh")
    return EighResult(P_eigh(A, UPLO=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) of symmetric matrices."""
    _check_uplo(UPLO)
    check_matrix(A, "linalg.eigh")
    return finish(P_eigvalsh(A, UPLO=UPLO), out, "linalg.eigvalsh")


for _name, _fn in (("inverse", inverse), ("det", det), ("slogdet", slogdet), ("logdet", logdet),
                   ("cholesky", cholesky), ("cholesky_solve", cholesky_solve), ("cholesky_inverse", cholesky_inverse),
                   ("svd", svd), ("qr", qr)):
    tensor_method(_name)(_fn)


# ---- products ------------------------------------------------------------------------------------
def matrix_power(A, n, *, out=None):
    """A @ A @ ... (n times) by repeated squaring; n = 0 gives the identity, n < 0 powers inv(A)."""
    op = "linalg.matrix_power"
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{op}(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    check_tensor(A, op)
    shape = A._data.shape
    if len(shape) < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if shape[-1] != shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {shape[-2]} by {shape[-1]} "
                           "matrices")
    if A._data.dtype.kind == "b":
        raise RuntimeError(f"\"{op}\" not implemented for 'Bool'")
    if n == 0:
        from .._factory import eye

        return finish(eye(shape[-1], dtype=A.dtype, device=A.device).expand(shape).clone(), out, op)
    if n < 0:
        A, n = inv(A), -n
    result = None
    while True:
        if n & 1:
            result = A if result is None else P_matmul(result, A)
        n >>= 1
        if not n:
            break
        A = P_matmul(A, A)
    return finish(result.clone() if result is A else result, out, op)


def multi_dot(tensors, *, out=None):
    """Product of a chain of matrices in the cheapest order; the first/last may be 1-d vectors."""
    op = "multi_dot()"
    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"{op}: expected at least 2 tensors but got {len(ts)}")
    for i, t in enumerate(ts):
        check_tensor(t, "multi_dot", f"tensors[{i}]")
        if t._data.dtype != ts[0]._data.dtype:
            raise RuntimeError(f"{op}: all tensors must have be the same dtype but tensor 0 is {ts[0].dtype.name} and "
                               f"tensor {i} {t.dtype.name}")
    for i, t in enumerate(ts):
        nd = t._data.ndim
        if (i in (0, len(ts) - 1) and nd not in (1, 2)) or (0 < i < len(ts) - 1 and nd != 2):
            which = "the first tensor" if i == 0 else "the last tensor" if i == len(ts) - 1 else f"tensor {i}"
            raise RuntimeError(f"{op}: {which} must be {'1D or 2D' if i in (0, len(ts) - 1) else '2D'} but got {nd}D")
    if ts[0]._data.dtype.kind == "b":
        raise RuntimeError("\"multi_dot\" not implemented for 'Bool'")
    first_vec, last_vec = ts[0]._data.ndim == 1, ts[-1]._data.ndim == 1
    mats = [unsqueeze(ts[0], 0) if first_vec else ts[0]] + ts[1:-1] + [unsqueeze(ts[-1], 1) if last_vec else ts[-1]]
    for i in range(len(mats) - 1):
        if mats[i]._data.shape[1] != mats[i + 1]._data.shape[0]:
            raise RuntimeError(f"{op}: tensors {i} and {i + 1} with shapes {list(ts[i]._data.shape)} and "
                               f"{list(ts[i + 1]._data.shape)} cannot be multiplied")
    result = _chain(mats, _chain_order(mats), 0, len(mats) - 1)
    if first_vec and last_vec:
        result = result.reshape(())
    elif first_vec or last_vec:
        result = squeeze(result, 0 if first_vec else 1)
    return finish(result, out, "multi_dot")


def _chain_order(mats):
    """split[i][j]: where to split mats[i..j] for the fewest multiplications (matrix-chain DP)."""
    p = [m._data.shape[0] for m in mats] + [mats[-1]._data.shape[1]]
    k = len(mats)
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            options = ((cost[i][s] + cost[s + 1][j] + p[i] * p[s + 1] * p[j + 1], s) for s in range(i, j))
            cost[i][j], split[i][j] = min(options)
    return split


def _chain(mats, split, i, j):
    if i == j:
        return mats[i]
    s = split[i][j]
    return P_matmul(_chain(mats, split, i, s), _chain(mats, split, s + 1, j))


def vecdot(x, y, *, dim=-1, out=None):
    """Dot products of the vectors along `dim` (other dims broadcast)."""
    op = "linalg.vecdot"
    check_tensor(x, op, "x")
    check_tensor(y, op, "y")
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_tname(x.dtype)}")
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(f"{op}: Expected x and y to have the same dtype, but found x of type {_tname(x.dtype)} and "
                           f"y of type {_tname(y.dtype)} instead")
    broadcast_shapes(x._data.shape, y._data.shape)
    return finish((x * y).sum(dim), out, op)


tensor_method("matrix_power")(matrix_power)
