"""Matrix products: matmul and `@`, mm, bmm, mv, dot, inner, outer, the add* family, tensordot,
kron and trace; einsum and cross are in einsum.py, linear algebra in linalg_impl.py.

Primitive "matmul" follows NumPy's matmul rules, which are PyTorch's: 1-d operands gain a dim that
is removed again, batch dims broadcast. Every other product here is a composite over it plus
views, add and mul (derivative: grad_a = g @ b^T, grad_b = a^T @ g with 1-d operands unsqueezed;
the engine sums broadcast batch dims).
"""

from __future__ import annotations

import functools
import math

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor, _wrap_dim, tensor_method
from ._common import binary_operands, cast, check_tensor, finish, inplace, inplace_source
from .binary import add, mul
from .views import broadcast_shapes, diagonal, permute, reshape, unsqueeze

P_matmul = define("matmul")
_LOWP = (_dtype.float16, _dtype.bfloat16)

__all__ = [
    "matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv", "addbmm",
    "baddbmm", "addr", "tensordot", "kron", "trace", "einsum", "cross",
    # linalg functions PyTorch also has at top level (defined in linalg_impl.py)
    "det", "logdet", "slogdet", "inverse", "pinverse", "matrix_power", "cholesky", "cholesky_solve",
    "cholesky_inverse", "svd", "qr",
]


def _shape_str(shape):
    return "x".join(str(s) for s in shape)


def _same_dtype(a, b, op):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{op}: expected m1 and m2 to have the same dtype, but got: {a.dtype.name} != "
                           f"{b.dtype.name}")
    if a._data.dtype.kind == "b":
        raise RuntimeError(f"\"{op}\" not implemented for 'Bool'")


def _check_matmul(a, b, op):
    """PyTorch's errors for matmul(a, b): dims, dtype, inner sizes, batch broadcasting."""
    check_tensor(a, op)
    check_tensor(b, op, "other")
    na, nb = a._data.ndim, b._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to {op} need to be at least 1D, but they are {na}D and {nb}D")
    if na == 1 and nb == 1:
        return _check_dot(a, b, op)
    _same_dtype(a, b, op)
    sa, sb = a._data.shape, b._data.shape
    if sa[-1] != (sb[0] if nb == 1 else sb[-2]):
        if nb == 1:
            raise RuntimeError(f"{op}: size mismatch, got input ({sa[-2]}), mat ({_shape_str(sa)}), vec ({sb[0]})")
        shown = _shape_str((1,) + sa if na == 1 else sa)
        raise RuntimeError(f"{op}: mat1 and mat2 shapes cannot be multiplied ({shown} and {_shape_str(sb)})")
    if na > 2 or nb > 2:
        broadcast_shapes(sa[:-2], sb[:-2])


def _check_dot(a, b, op):
    check_tensor(a, op)
    check_tensor(b, op, "tensor")
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(f"{op}: 1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{op}: expected both vectors to have same dtype, but found {a.dtype.name} and "
                           f"{b.dtype.name}")
    if a._data.dtype.kind == "b":
        raise RuntimeError(f"\"{op}\" not implemented for 'Bool'")
    if a._data.shape != b._data.shape:
        n, m = a._data.shape[0], b._data.shape[0]
        raise RuntimeError(f"{op}: inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
                           f"number of elements, but got {n} and {m} elements respectively")


def matmul(input, other, *, out=None):
    """Matrix product with broadcasting: 1-d x 1-d is a dot, 1-d operands gain and lose a dim,
    batch dims broadcast. `a @ b` calls it.

    Example:
        >>> ft.matmul(ft.ones(2, 3), ft.ones(3)).tolist()
        [3.0, 3.0]
    """
    if out is None and input.__class__ is Tensor and other.__class__ is Tensor:
        a, b = input._data, other._data
        if a.ndim == 2 and b.ndim == 2 and a.dtype is b.dtype and a.dtype.kind == "f" and a.shape[1] == b.shape[0]:
            return P_matmul(input, other)
    _check_matmul(input, other, "matmul")
    return finish(P_matmul(input, other), out, "matmul")


def _rmatmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _matmul_op(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


def mm(input, mat2, *, out=None):
    """Product of two matrices (no broadcasting)."""
    check_tensor(input, "mm")
    check_tensor(mat2, "mm", "mat2")
    if input._data.ndim != 2:
        raise RuntimeError(f"mm: self must be a matrix, got {input._data.ndim}-D")
    if mat2._data.ndim != 2:
        raise RuntimeError(f"mm: mat2 must be a matrix, got {mat2._data.ndim}-D")
    _check_matmul(input, mat2, "mm")
    return finish(P_matmul(input, mat2), out, "mm")


def bmm(input, mat2, *, out=None):
    """Batched product of (b, n, m) and (b, m, p) tensors (no broadcasting)."""
    check_tensor(input, "bmm")
    check_tensor(mat2, "bmm", "mat2")
    for name, t in (("batch1", input), ("batch2", mat2)):
        if t._data.ndim != 3:
            raise RuntimeError(f"bmm: {name} must be a 3D tensor, got {t._data.ndim}-D")
    sa, sb = input._data.shape, mat2._data.shape
    if sb[:2] != (sa[0], sa[2]):
        raise RuntimeError(f"bmm: Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] "
                           f"but got: [{sb[0]}, {sb[1]}].")
    _same_dtype(input, mat2, "bmm")
    return finish(P_matmul(input, mat2), out, "bmm")


def mv(input, vec, *, out=None):
    """Matrix-vector product."""
    check_tensor(input, "mv")
    check_tensor(vec, "mv", "vec")
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"mv: vector + matrix @ vector expected, got a {input._data.ndim}-D matrix and a "
                           f"{vec._data.ndim}-D vector")
    _check_matmul(input, vec, "mv")
    return finish(P_matmul(input, vec), out, "mv")


def dot(input, tensor, *, out=None):
    """Inner product of two 1-d tensors of one dtype (a 0-d tensor)."""
    _check_dot(input, tensor, "dot")
    return finish(P_matmul(input, tensor), out, "dot")


def vdot(input, other, *, out=None):
    """conj(input) . other; fx has no complex dtypes, so this is `dot`."""
    _check_dot(input, other, "vdot")
    return finish(P_matmul(input, other), out, "vdot")


def inner(input, other, *, out=None):
    """Sum over the last dims: result shape input.shape[:-1] + other.shape[:-1] (a 0-d operand scales)."""
    check_tensor(input, "inner")
    check_tensor(other, "inner", "other")
    if input._data.ndim == 0 or other._data.ndim == 0:
        return finish(mul(input, other), out, "inner")
    sa, sb = input._data.shape, other._data.shape
    if sa[-1] != sb[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes {list(sa)} "
                           f"and {list(sb)}")
    return finish(tensordot(input, other, ([-1], [-1])), out, "inner")


def outer(input, vec2, *, out=None):
    """Outer product of two 1-d tensors (promoting dtypes like mul)."""
    for name, t in (("self", input), ("vec2", vec2)):
        check_tensor(t, "outer", name)
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return finish(mul(unsqueeze(input, 1), vec2), out, "outer")


ger = outer


def _scaled_sum(input, prod, beta, alpha, op):
    """beta * input + alpha * prod, input broadcast to prod's shape; beta == 0 ignores input (nan too)."""
    shape = prod._data.shape
    try:
        if broadcast_shapes(input._data.shape, shape) != shape:
            raise RuntimeError
    except RuntimeError:
        raise RuntimeError(f"{op}: the size of input {list(input._data.shape)} can't be broadcast to the "
                           f"result shape {list(shape)}") from None
    if prod._data.dtype.kind in "iu":  # integer products take integer scalars (PyTorch truncates)
        beta, alpha = int(beta), int(alpha)
    if alpha != 1:
        prod = mul(prod, alpha)
    if beta == 0:
        return prod
    return add(input if beta == 1 else mul(input, beta), prod)


def _opmath(fn):
    """Run an add* composite in float32 when all operands are float16/bfloat16, rounding once at
    the end (PyTorch's opmath: the product and the sum are not rounded separately)."""

    @functools.wraps(fn)
    def op(input, a, b, *, beta=1, alpha=1, out=None):
        dt = getattr(a, "dtype", None)
        if dt in _LOWP and getattr(b, "dtype", None) is dt and getattr(input, "dtype", None) is dt:
            f32 = _dtype.float32
            r = fn(cast(input, f32), cast(a, f32), cast(b, f32), beta=beta, alpha=alpha)
            return finish(cast(r, dt), out, fn.__name__)
        return fn(input, a, b, beta=beta, alpha=alpha, out=out)

    return op


def _check_input_dtype(input, mat, op):
    check_tensor(input, op)
    if input._data.dtype != mat._data.dtype:
        raise RuntimeError(f"{op}: self and mat2 must have the same dtype, but got {input.dtype.name} and "
                           f"{mat.dtype.name}")


@_opmath
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2)."""
    prod = mm(mat1, mat2)
    _check_input_dtype(input, mat2, "addmm")
    return finish(_scaled_sum(input, prod, beta, alpha, "addmm"), out, "addmm")


@_opmath
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec)."""
    prod = mv(mat, vec)
    _check_input_dtype(input, mat, "addmv")
    return finish(_scaled_sum(input, prod, beta, alpha, "addmv"), out, "addmv")


@_opmath
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * sum_b(batch1[b] @ batch2[b])."""
    for name, t in (("batch1", batch1), ("batch2", batch2)):
        check_tensor(t, "addbmm", name)
        if t._data.ndim != 3:
            raise RuntimeError(f"addbmm: {name} must be a 3D tensor, got {t._data.ndim}-D")
    nb, n, m = batch1._data.shape
    if batch2._data.shape[0] != nb:
        raise RuntimeError(f"addbmm: batch1 and batch2 must have same number of batches, got {nb} and "
                           f"{batch2._data.shape[0]}")
    if batch2._data.shape[1] != m:
        raise RuntimeError(f"addbmm: incompatible matrix sizes for bmm ({n}x{m} and "
                           f"{_shape_str(batch2._data.shape[1:])})")
    _same_dtype(batch1, batch2, "addbmm")
    _check_input_dtype(input, batch2, "addbmm")
    # The sum of the batch of products is one (n, b*m) @ (b*m, p) product.
    left = reshape(permute(batch1, (1, 0, 2)), (n, nb * m))
    prod = P_matmul(left, reshape(batch2, (nb * m, batch2._data.shape[2])))
    return finish(_scaled_sum(input, prod, beta, alpha, "addbmm"), out, "addbmm")


@_opmath
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * bmm(batch1, batch2)."""
    prod = bmm(batch1, batch2)
    check_tensor(input, "baddbmm")
    if input._data.dtype != prod._data.dtype:
        raise RuntimeError(f"baddbmm: Input dtypes must be the same, got: input {input.dtype.name}, batch1: "
                           f"{batch1.dtype.name}, batch2: {batch2.dtype.name}")
    return finish(_scaled_sum(input, prod, beta, alpha, "baddbmm"), out, "baddbmm")


@_opmath
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2) (dtypes promote like add)."""
    check_tensor(input, "addr")
    for name, t in (("vec1", vec1), ("vec2", vec2)):
        check_tensor(t, "addr", name)
        if t._data.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    prod = outer(vec1, vec2)
    if prod.dtype is _dtype.bool and input.dtype is _dtype.bool:
        return finish(_bool_addr(input, prod, beta, alpha), out, "addr")
    return finish(_scaled_sum(input, prod, beta, alpha, "addr"), out, "addr")


def _bool_addr(input, prod, beta, alpha):
    """PyTorch's bool addr: (beta and input) or (alpha and outer)."""
    from .binary import logical_and, logical_or

    _scaled_sum(input, prod, 1, 1, "addr")  # shape check only
    if not alpha:
        prod = logical_and(prod, False)
    return logical_or(input, prod) if beta else prod


def tensordot(a, b, dims=2, out=None):
    """Contract dims of `a` with dims of `b`: `dims` is a count (last of a, first of b) or two lists."""
    check_tensor(a, "tensordot", "a")
    check_tensor(b, "tensordot", "b")
    na, nb = a._data.ndim, b._data.ndim
    da, db = _tensordot_dims(dims, na, nb)
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"tensordot: both inputs should have same dtype, got {a.dtype.name} and {b.dtype.name}")
    if a._data.dtype.kind == "b":
        raise RuntimeError("\"tensordot\" not implemented for 'Bool'")
    sa, sb = a._data.shape, b._data.shape
    for i, j in zip(da, db):
        if sa[i] != sb[j]:
            raise RuntimeError(f"tensordot: contracted dimensions need to match, but first has size {sa[i]} in dim {i} "
                               f"and second has size {sb[j]} in dim {j}")
    free_a = [i for i in range(na) if i not in da]
    free_b = [j for j in range(nb) if j not in db]
    k = math.prod(sa[i] for i in da)
    left = reshape(permute(a, tuple(free_a) + da), (-1, k) if k else (math.prod(sa[i] for i in free_a), 0))
    right = reshape(permute(b, db + tuple(free_b)), (k, -1) if k else (0, math.prod(sb[j] for j in free_b)))
    result = reshape(P_matmul(left, right), tuple(sa[i] for i in free_a) + tuple(sb[j] for j in free_b))
    return finish(result, out, "tensordot")


def _tensordot_dims(dims, na, nb):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > na or dims > nb:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return tuple(range(na - dims, na)), tuple(range(dims))
    if not isinstance(dims, (list, tuple)) or len(dims) != 2:
        raise TypeError(f"tensordot(): dims must be an int or a pair of dim lists, got {dims!r}")
    da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(da) != len(db):
        raise RuntimeError("tensordot: both dimension lists should have same length")
    da = tuple(_wrap_dim(d, na, "tensordot") for d in da)
    db = tuple(_wrap_dim(d, nb, "tensordot") for d in db)
    if len(set(da)) != len(da) or len(set(db)) != len(db):
        raise RuntimeError(f"tensordot: a dim appears multiple times in the list of dims: {list(da)}, {list(db)}")
    return da, db


def kron(input, other, *, out=None):
    """Kronecker product: block (i, j, ...) is input[i, j, ...] * other (dtypes promote like mul)."""
    check_tensor(input, "kron")
    check_tensor(other, "kron", "other")
    a, b, _ = binary_operands(input, other, "kron")
    nd = max(a._data.ndim, b._data.ndim)
    sa = (1,) * (nd - a._data.ndim) + a._data.shape
    sb = (1,) * (nd - b._data.ndim) + b._data.shape
    # a as (a0, 1, a1, 1, ...) times b as (1, b0, 1, b1, ...), then merge each pair of dims.
    prod = mul(reshape(a, tuple(x for s in sa for x in (s, 1))), reshape(b, tuple(x for s in sb for x in (1, s))))
    return finish(reshape(prod, tuple(x * y for x, y in zip(sa, sb))), out, "kron")


def trace(input):
    """Sum of the main diagonal of a matrix (integers sum to int64, like `sum`)."""
    check_tensor(input, "trace")
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    if input._data.dtype.kind == "b":
        raise RuntimeError("\"trace\" not implemented for 'Bool'")
    return diagonal(input).sum()


_METHODS = ("matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv", "addbmm",
            "baddbmm", "addr", "kron", "trace")
_INPLACE = ("addmm", "addmv", "addbmm", "baddbmm", "addr")
for _n in _METHODS:
    tensor_method(_n)(globals()[_n])
for _n in _INPLACE:
    def _make(fn, name):
        def op_(self, *args, **kwargs):
            return inplace(self, fn(inplace_source(self), *args, **kwargs), name)

        op_.__name__ = name
        return op_

    setattr(Tensor, _n + "_", _make(globals()[_n], _n + "_"))
Tensor.__matmul__ = _matmul_op
Tensor.__rmatmul__ = _rmatmul

# Imported last: they build on the products above.
from .einsum import cross, einsum  # noqa: E402
from .linalg_impl import (  # noqa: E402
    cholesky, cholesky_inverse, cholesky_solve, det, inverse, logdet, matrix_power, qr, slogdet, svd,
)
from .linalg_norms import pinverse  # noqa: E402
