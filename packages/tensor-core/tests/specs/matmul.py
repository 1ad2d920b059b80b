"""Specs: matrix products (matmul, mm, bmm, mv, dot, ..., einsum, tensordot, kron, cross, trace)."""

import operator

import numpy as np

import fx.tensor as ft
from opspec import FLOATS, LOWP, ErrorCase, OpSpec, Sample, add, make

FLOATISH = FLOATS + LOWP
PRODUCT_DTYPES = FLOATISH + (ft.int64, ft.int32, ft.int8, ft.uint8)  # small values: no integer overflow


def _m(shape, dt, seed=0, noncontig=False):
    return make(shape, dt, -2, 2, noncontig=noncontig, seed=seed)


def _t(shape, dt, seed=0):
    """A transposed (non-contiguous) view with the given shape."""
    return _m(shape[:-2] + (shape[-1], shape[-2]), dt, seed).transpose(-2, -1)


def _f64(x):
    return x.astype(np.int64) if x.dtype.kind in "biu" else x.astype(np.float64)


def _ref(fn):
    """A NumPy reference computed in float64 (int64 for integers)."""
    return lambda *args, **kw: fn(*[_f64(a) if isinstance(a, np.ndarray) else a for a in args], **kw)


def _pairs(pairs):
    def gen(dt):
        return [Sample((_m(a, dt, 1) if isinstance(a, tuple) else a(dt), _m(b, dt, 2) if isinstance(b, tuple) else b(dt)),
                       name=name) for name, a, b in pairs]

    return gen


f32, f64, i64 = ft.float32, ft.float64, ft.int64
_matmul_pairs = [
    ("2d", (3, 4), (4, 5)), ("1d1d", (4,), (4,)), ("1d2d", (4,), (4, 3)), ("2d1d", (3, 4), (4,)),
    ("batched", (2, 3, 4), (2, 4, 5)), ("broadcast", (2, 1, 3, 4), (5, 4, 2)), ("broadcast2", (3, 4), (2, 4, 5)),
    ("1d3d", (4,), (2, 4, 3)), ("3d1d", (2, 3, 4), (4,)), ("empty", (0, 3), (3, 4)), ("k0", (2, 0), (0, 3)),
    ("empty_batch", (0, 2, 3), (3, 4)), ("blas", (33, 64), (64, 17)),
    ("noncontig", lambda dt: _m((3, 4), dt, 1, noncontig=True), lambda dt: _t((4, 5), dt, 2)),
    ("transposed_batch", lambda dt: _t((2, 3, 4), dt, 1), lambda dt: _t((2, 4, 2), dt, 2)),
]


def _mm_errors(fn_name):
    return lambda: [
        ErrorCase((_m((2, 3), f32), _m((4, 5), f32)), match=r"shapes cannot be multiplied \(2x3 and 4x5\)"),
        ErrorCase((_m((3, 3), f32), _m((3, 3), f64)), match="same dtype"),
        ErrorCase((_m((2, 2), ft.bool), _m((2, 2), ft.bool)), match="Bool"),
        ErrorCase(([[1.0]], _m((1, 1), f32)), exc=TypeError, match="must be Tensor"),
    ]


add(
    OpSpec("matmul", ref=_ref(np.matmul), samples=_pairs(_matmul_pairs), dtypes=PRODUCT_DTYPES, method="matmul",
           errors=lambda: _mm_errors("matmul")() + [
               ErrorCase((_m((), f32), _m((3,), f32)), match="at least 1D, but they are 0D and 1D"),
               ErrorCase((_m((3,), f32), _m((4,), f32)), match=r"inconsistent tensor size, expected tensor \[3\]"),
               ErrorCase((_m((2, 3), f32), _m((4,), f32)), match=r"size mismatch, got input \(2\), mat \(2x3\), vec \(4\)"),
               ErrorCase((_m((2, 2, 3), f32), _m((3, 3, 5), f32)), match="must match the size"),
               ErrorCase((_m((3,), f32), _m((4, 5), f32)), match=r"cannot be multiplied \(1x3 and 4x5\)")]),
    OpSpec("__matmul__", op=operator.matmul, torch_ref=operator.matmul, ref=_ref(np.matmul), dtypes=FLOATS + (i64,),
           samples=_pairs(_matmul_pairs[:8]),
           errors=lambda: [ErrorCase((_m((2, 3), f32), 2.0), exc=TypeError, match="unsupported operand"),
                           ErrorCase((_m((2, 3), f32), _m((4, 5), f32)), match="cannot be multiplied"),
                           ErrorCase((_m((2, 3), f32), _m((3, 5), i64)), match="same dtype")]),
    OpSpec("__rmatmul__", op=lambda a, b: b.__rmatmul__(a), torch_ref=lambda a, b: b.__rmatmul__(a),
           ref=_ref(np.matmul), samples=_pairs(_matmul_pairs[:4])),
    OpSpec("mm", ref=_ref(np.matmul), dtypes=PRODUCT_DTYPES, method="mm",
           samples=_pairs([("2d", (3, 4), (4, 5)), ("empty", (0, 3), (3, 4)), ("k0", (2, 0), (0, 3)),
                           ("noncontig", lambda dt: _m((3, 4), dt, 1, noncontig=True), lambda dt: _t((4, 5), dt, 2)),
                           ("blas", (40, 64), (64, 24))]),
           errors=lambda: _mm_errors("mm")() + [ErrorCase((_m((3,), f32), _m((3, 3), f32)), match="self must be a matrix")]),
    OpSpec("bmm", ref=_ref(np.matmul), dtypes=PRODUCT_DTYPES, method="bmm",
           samples=_pairs([("3d", (2, 3, 4), (2, 4, 5)), ("empty_batch", (0, 3, 4), (0, 4, 2)),
                           ("transposed", lambda dt: _t((2, 3, 4), dt, 1), lambda dt: _t((2, 4, 5), dt, 2))]),
           errors=lambda: [ErrorCase((_m((2, 3, 4), f32), _m((3, 4, 5), f32)),
                                     match=r"Expected size for first two dimensions of batch2 tensor to be: \[2, 4\]"),
                           ErrorCase((_m((3, 4), f32), _m((2, 4, 5), f32)), match="batch1 must be a 3D tensor"),
                           ErrorCase((_m((2, 3, 4), f32), _m((2, 4, 5), f64)), match="same dtype")]),
    OpSpec("mv", ref=_ref(np.matmul), dtypes=PRODUCT_DTYPES, method="mv",
           samples=_pairs([("2d1d", (3, 4), (4,)), ("empty", (0, 4), (4,)), ("k0", (3, 0), (0,)),
                           ("noncontig", lambda dt: _t((3, 4), dt, 1), lambda dt: _m((4,), dt, 2, noncontig=True))]),
           errors=lambda: [ErrorCase((_m((2, 3), f32), _m((4,), f32)), match=r"size mismatch, got input \(2\), mat \(2x3\)"),
                           ErrorCase((_m((2, 3), f32), _m((3, 1), f32)), match="vector"),
                           ErrorCase((_m((2, 3), f32), _m((3,), f64)), match="same dtype")]),
)

_dot_errors = lambda: [  # noqa: E731
    ErrorCase((_m((3,), f32), _m((4,), f32)), match="inconsistent tensor size"),
    ErrorCase((_m((3, 1), f32), _m((3,), f32)), match="1D tensors expected, but got 2D and 1D tensors"),
    ErrorCase((_m((3,), f32), _m((3,), f64)), match="same dtype"),
    ErrorCase((_m((3,), ft.bool), _m((3,), ft.bool)), match="Bool"),
]
_dot_samples = _pairs([("1d", (5,), (5,)), ("empty", (0,), (0,)),
                       ("noncontig", lambda dt: _m((4,), dt, 1, noncontig=True), lambda dt: _m((4,), dt, 2, noncontig=True))])
add(
    OpSpec("dot", ref=_ref(np.dot), dtypes=PRODUCT_DTYPES, method="dot", samples=_dot_samples, errors=_dot_errors),
    OpSpec("vdot", ref=_ref(np.vdot), dtypes=FLOATS + (i64,), method="vdot", samples=_dot_samples, errors=_dot_errors),
    OpSpec("inner", ref=_ref(np.inner), dtypes=FLOATS + LOWP + (i64,), method="inner",
           samples=_pairs([("1d", (4,), (4,)), ("2d", (2, 4), (3, 4)), ("nd", (2, 3, 4), (5, 4)), ("0d", (), (3, 4)),
                           ("empty", (0, 4), (2, 4)), ("noncontig", lambda dt: _t((4, 3), dt, 1), (2, 3))]),
           errors=lambda: [ErrorCase((_m((2, 3), f32), _m((4, 4), f32)), match="last dimension must match"),
                           ErrorCase((_m((2, 3), f32), _m((4, 3), f64)), match="same dtype"),
                           ErrorCase((1.0, _m((4, 3), f32)), exc=TypeError, match="must be Tensor")]),
)

_outer_errors = lambda: [  # noqa: E731
    ErrorCase((_m((3, 1), f32), _m((4,), f32)), match="Expected 1-D argument"),
    ErrorCase((_m((3,), f32), _m((4, 2), f32)), match="Expected 1-D argument"),
    ErrorCase(([1.0], _m((4,), f32)), exc=TypeError, match="must be Tensor"),
]
_outer_samples = lambda dt: _pairs([("1d", (3,), (4,)), ("empty", (0,), (4,)),  # noqa: E731
                                    ("noncontig", lambda d: _m((3,), d, 1, noncontig=True), (2,))])(dt) + [
    Sample((_m((3,), dt, 1), _m((2,), f64, 2)), name="promote")]
add(
    OpSpec("outer", ref=_ref(np.outer), dtypes=FLOATISH + (i64, ft.bool), method="outer", samples=_outer_samples,
           errors=_outer_errors),
    OpSpec("ger", ref=_ref(np.outer), dtypes=FLOATS + (i64,), method="ger", samples=_outer_samples, errors=_outer_errors),
)


def _addmm_ref(inp, a, b, beta=1, alpha=1):
    return beta * inp + alpha * (a @ b)


def _add_samples(shapes, kwargs_list=({}, {"beta": 0.5, "alpha": 2.0}, {"beta": 0})):
    def gen(dt):
        out = []
        for name, shp in shapes:
            args = tuple(_m(s, dt, i) if isinstance(s, tuple) else s(dt) for i, s in enumerate(shp))
            for kw in kwargs_list:
                if not dt.is_floating_point:
                    kw = {k: int(v) for k, v in kw.items()}
                out.append(Sample(args, kw, f"{name}{kw}"))
        return out

    return gen


_addbmm_ref = _ref(lambda inp, a, b, beta=1, alpha=1: beta * inp + alpha * (a @ b).sum(0))
_addbmm_samples = _add_samples([("3d", ((2, 5), (3, 2, 4), (3, 4, 5))), ("bcast", ((5,), (3, 2, 4), (3, 4, 5))),
                                ("empty_batch", ((2, 5), (0, 2, 4), (0, 4, 5))),
                                ("noncontig", ((2, 5), lambda dt: _t((3, 2, 4), dt, 1), lambda dt: _t((3, 4, 5), dt, 2)))])

add(
    OpSpec("addmm", ref=_ref(_addmm_ref), dtypes=FLOATISH + (i64,), method="addmm",
           samples=_add_samples([("2d", ((2, 5), (2, 3), (3, 5))), ("bcast", ((5,), (2, 3), (3, 5))),
                                 ("empty", ((0, 5), (0, 3), (3, 5))),
                                 ("noncontig", (lambda dt: _t((2, 5), dt), lambda dt: _t((2, 3), dt, 1), (3, 5)))]),
           errors=lambda: [ErrorCase((_m((2, 5), f32), _m((2, 3), f32), _m((4, 5), f32)), match="cannot be multiplied"),
                           ErrorCase((_m((3, 5), f32), _m((2, 3), f32), _m((3, 5), f32)), match="broadcast"),
                           ErrorCase((_m((5,), f64), _m((2, 3), f32), _m((3, 5), f32)), match="same dtype")]),
    OpSpec("addmv", ref=_ref(_addmm_ref), dtypes=FLOATISH + (i64,), method="addmv",
           samples=_add_samples([("2d", ((2,), (2, 3), (3,))), ("bcast", ((1,), (2, 3), (3,))),
                                 ("noncontig", ((4,), lambda dt: _t((4, 3), dt, 1), (3,)))]),
           errors=lambda: [ErrorCase((_m((2,), f32), _m((2, 3), f32), _m((4,), f32)), match="size mismatch"),
                           ErrorCase((_m((3,), f32), _m((2, 3), f32), _m((3,), f32)), match="broadcast"),
                           ErrorCase((_m((2,), f64), _m((2, 3), f32), _m((3,), f32)), match="same dtype")]),
    OpSpec("addbmm", ref=_addbmm_ref, dtypes=FLOATS + (i64,), method="addbmm", samples=_addbmm_samples,
           errors=lambda: [ErrorCase((_m((2, 5), f32), _m((3, 2, 4), f32), _m((2, 4, 5), f32)),
                                     match="same number of batches, got 3 and 2"),
                           ErrorCase((_m((2, 5), f32), _m((2, 4), f32), _m((2, 4, 5), f32)), match="3D tensor"),
                           ErrorCase((_m((2, 5), f64), _m((3, 2, 4), f32), _m((3, 4, 5), f32)), match="same dtype")]),
    # PyTorch rounds the summed products to float16/bfloat16 separately; fx rounds once (closer to exact).
    OpSpec("addbmm", ref=_addbmm_ref, dtypes=LOWP, samples=_addbmm_samples, atol=0.1, rtol=0.02),
)
add(
    OpSpec("baddbmm", ref=_ref(_addmm_ref), dtypes=FLOATISH + (i64,), method="baddbmm",
           samples=_add_samples([("3d", ((3, 2, 5), (3, 2, 4), (3, 4, 5))), ("bcast", ((2, 5), (3, 2, 4), (3, 4, 5))),
                                 ("noncontig", ((1, 5), lambda dt: _t((3, 2, 4), dt, 1), (3, 4, 5)))]),
           errors=lambda: [ErrorCase((_m((3, 2, 5), f32), _m((3, 2, 4), f32), _m((3, 3, 5), f32)),
                                     match="Expected size for first two dimensions"),
                           ErrorCase((_m((3, 2, 5), f64), _m((3, 2, 4), f32), _m((3, 4, 5), f32)), match="dtypes must be"),
                           ErrorCase((_m((4, 2, 5), f32), _m((3, 2, 4), f32), _m((3, 4, 5), f32)), match="broadcast")]),
    OpSpec("addr", ref=_ref(lambda inp, a, b, beta=1, alpha=1: beta * inp + alpha * np.outer(a, b)),
           dtypes=FLOATISH + (i64,), method="addr",
           samples=_add_samples([("2d", ((2, 3), (2,), (3,))), ("bcast", ((3,), (2,), (3,))),
                                 ("noncontig", (lambda dt: _t((2, 3), dt), (2,), lambda dt: _m((3,), dt, 2, noncontig=True)))]),
           errors=lambda: [ErrorCase((_m((2, 3), f32), _m((2,), f32), _m((4,), f32)), match="broadcast"),
                           ErrorCase((_m((2, 3), f32), _m((2, 1), f32), _m((3,), f32)), match="Expected 1-D argument vec1"),
                           ErrorCase((1.0, _m((2,), f32), _m((3,), f32)), exc=TypeError, match="must be Tensor")]),
)


def _tensordot_ref(a, b, dims=2):
    return np.tensordot(a, b, dims)


add(
    OpSpec("tensordot", ref=_ref(_tensordot_ref), dtypes=FLOATISH + (i64,),
           samples=lambda dt: [
               Sample((_m((2, 3, 4), dt, 1), _m((3, 4, 5), dt, 2)), name="default"),
               Sample((_m((2, 3), dt, 1), _m((3, 4), dt, 2)), {"dims": 1}, "int1"),
               Sample((_m((2, 3), dt, 1), _m((3, 4), dt, 2)), {"dims": 0}, "outer"),
               Sample((_m((4, 3, 2), dt, 1), _m((2, 5, 4), dt, 2)), {"dims": ([0, 2], [2, 0])}, "lists"),
               Sample((_t((3, 4), dt, 1), _m((4, 0), dt, 2)), {"dims": ([1], [0])}, "empty"),
               Sample((_m((2, 0), dt, 1), _m((0, 3), dt, 2)), {"dims": 1}, "k0")],
           errors=lambda: [ErrorCase((_m((2, 3), f32), _m((4, 4), f32)), {"dims": 1}, match="contracted dimensions need to match"),
                           ErrorCase((_m((2, 3), f32), _m((3, 4), f32)), {"dims": -1}, match="dims >= 0"),
                           ErrorCase((_m((2, 3), f32), _m((3, 4), f32)), {"dims": ([1, 0], [0])}, match="same length"),
                           ErrorCase((_m((2, 3), f32), _m((3, 4), f64)), {"dims": 1}, match="same dtype")]),
    # torch.kron fails on Fortran-ordered inputs ("view size is not compatible"): give it C order.
    OpSpec("kron", ref=_ref(np.kron), torch_ref=lambda a, b: __import__("torch").kron(a.contiguous(), b.contiguous()), dtypes=FLOATISH + (i64, ft.bool), method="kron",
           samples=lambda dt: _pairs([("2d", (2, 3), (3, 2)), ("mixed_ndim", (2, 3), (4,)), ("3d", (2, 1, 2), (2, 3)),
                                      ("0d", (), (3,)), ("empty", (0, 2), (2, 2)),
                                      ("noncontig", lambda d: _t((2, 3), d, 1), lambda d: _m((2, 2), d, 2, noncontig=True))])(dt)
           + [Sample((_m((2,), dt, 1), _m((2,), f64, 2)), name="promote")],
           errors=lambda: [ErrorCase((1.0, _m((2,), f32)), exc=TypeError, match="must be Tensor"),
                           ErrorCase((_m((2,), f32), [1.0]), exc=TypeError, match="must be Tensor"),
                           ErrorCase((_m((2,), f32), None), exc=TypeError, match="must be Tensor")]),
    OpSpec("trace", ref=lambda x: np.trace(_f64(x)), dtypes=FLOATISH + (i64, ft.int8), method="trace",
           samples=lambda dt: [Sample((_m((4, 4), dt),), name="square"), Sample((_m((3, 5), dt),), name="wide"),
                               Sample((_t((4, 4), dt),), name="transposed"), Sample((_m((0, 0), dt),), name="empty")],
           errors=lambda: [ErrorCase((_m((3,), f32),), match="expected a matrix, but got tensor with dim 1"),
                           ErrorCase((_m((2, 3, 3), f32),), match="dim 3"),
                           ErrorCase((_m((3, 3), ft.bool),), match="Bool"),
                           ErrorCase(([[1.0]],), exc=TypeError, match="must be Tensor")]),
)


def _einsum_samples(dt):
    m = lambda s, seed=0: _m(s, dt, seed)  # noqa: E731
    return [
        Sample(("ij,jk->ik", m((2, 3)), m((3, 4), 1)), name="mm"),
        Sample(("ij,jk", m((2, 3)), m((3, 4), 1)), name="implicit"),
        Sample(("bij,bjk->bik", m((2, 3, 4)), _t((2, 4, 5), dt, 1)), name="bmm_noncontig"),
        Sample(("ii->i", m((3, 3)),), name="diag"), Sample(("ii", m((3, 3)),), name="trace"),
        Sample(("ij->ji", m((2, 3)),), name="transpose"), Sample(("ij->", m((2, 3)),), name="sum"),
        Sample(("i,j->ij", m((2,)), m((3,), 1)), name="outer"),
        Sample(("...ij,...jk", m((2, 1, 2, 3)), m((5, 3, 4), 1)), name="ellipsis_broadcast"),
        Sample(("...i->i", m((2, 3)),), name="ellipsis_summed"), Sample(("i...->...", m((2, 3, 4)),), name="ellipsis_tail"),
        Sample(("ij,ij->ij", m((2, 1)), m((2, 3), 1)), name="size1_broadcast"),
        Sample(("bA,Ac->bc", m((2, 3)), m((3, 4), 1)), name="uppercase"), Sample(("i j -> j", m((2, 3)),), name="spaces"),
        Sample(("ij,jk,kl->il", m((2, 3)), m((3, 4), 1), m((4, 2), 2)), name="three"),
        Sample(("ij,jk->ik", [m((2, 3)), m((3, 4), 1)]), name="list"),
        Sample(("ij,jk->ik", m((0, 3)), m((3, 4), 1)), name="empty"), Sample(("->", m(())), name="0d"),
        Sample((m((2, 3)), [0, 1], m((3, 4), 1), [1, 2], [0, 2]), name="sublist"),
        Sample((m((2, 3)), [0, Ellipsis], m((3, 4), 1), [Ellipsis, 27]), name="sublist_ellipsis"),
    ]


def _np_einsum(*args):
    args = [_f64(a) if isinstance(a, np.ndarray) else a for a in args]
    if not isinstance(args[0], str):
        return np.einsum(*args)
    eq, ops = args[0].replace(" ", ""), args[1:]
    if len(ops) == 1 and isinstance(ops[0], list):
        ops = [_f64(o) for o in ops[0]]
    lhs, _, rhs = eq.partition("->")
    if _ and "..." in lhs and "..." not in rhs:  # PyTorch sums ellipsis dims missing from the output
        r = np.einsum(f"{lhs}->...{rhs}", *ops)
        return r.sum(axis=tuple(range(r.ndim - len(rhs))))
    return np.einsum(eq, *ops)


add(
    OpSpec("einsum", ref=_np_einsum, dtypes=FLOATISH + (i64,), samples=_einsum_samples,
           errors=lambda: [
               ErrorCase(("ij,jk->ik", _m((2, 3), f32), _m((4, 5), f32)), match="subscript j has size 4 for operand 1"),
               ErrorCase(("ijk,jk->ik", _m((2, 3), f32), _m((3, 5), f32)), match=r"number of subscripts in the equation \(3\)"),
               ErrorCase(("ij,jk->ik", _m((2, 3), f32)), match="fewer operands"),
               ErrorCase(("ij", _m((2, 3), f32), _m((2, 3), f32)), match="more operands"),
               ErrorCase(("ij->ik", _m((2, 3), f32)), match="output subscript k does not appear"),
               ErrorCase(("ii->i", _m((2, 3), f32)), match="subscript i is repeated for operand 0"),
               ErrorCase(("i$->i", _m((2, 3), f32)), match="invalid subscript given at index 1"),
               ErrorCase(("ij->ii", _m((2, 3), f32)), match="appears more than once in the output"),
               ErrorCase(("ij..k", _m((2, 3), f32)), match="not part of any ellipsis"),
               ErrorCase(("ij,jk", _m((2, 3), f32), _m((3, 4), f64)), match="same dtype"),
               ErrorCase((_m((2, 3), f32), [0, 52]), exc=ValueError, match="valid range"),
               ErrorCase(("ij", [[1.0]]), exc=TypeError, match="must be Tensor")]),
)


def _cross_samples(dt):
    return [Sample((_m((4, 3), dt, 1), _m((4, 3), dt, 2)), {"dim": 1}, "rows"),
            Sample((_m((3, 4), dt, 1), _m((3, 4), dt, 2)), {"dim": 0}, "cols"),
            Sample((_m((2, 1, 3), dt, 1), _m((1, 4, 3), dt, 2)), {"dim": -1}, "broadcast"),
            Sample((_t((4, 3), dt, 1), _m((4, 3), dt, 2)), {"dim": 1}, "noncontig"),
            Sample((_m((0, 3), dt, 1), _m((0, 3), dt, 2)), {"dim": 1}, "empty"),
            Sample((_m((5, 3), dt, 1), _m((5, 3), dt, 2)), {}, "default_dim")]


def _cross_ref(a, b, dim=None):
    if dim is None:
        dim = a.shape.index(3)
    return np.cross(_f64(a), _f64(b), axis=dim)


add(
    OpSpec("cross", ref=_cross_ref, dtypes=FLOATISH + (i64,), samples=_cross_samples, method="cross",
           errors=lambda: [ErrorCase((_m((4, 3), f32), _m((4, 3), f32)), {"dim": 0}, match="must have length 3. Got 4 and 4"),
                           ErrorCase((_m((4, 3), f32), _m((3,), f32)), {"dim": -1}, match="same number of dimensions"),
                           ErrorCase((_m((4, 3), f32), _m((4, 3), f64)), {"dim": 1}, match="same dtype"),
                           ErrorCase((_m((4, 2), f32), _m((4, 2), f32)), match="no dimension of size 3"),
                           ErrorCase((_m((4, 3), f32), _m((4, 3), f32)), {"dim": 5}, exc=IndexError, match="out of range")]),
)
