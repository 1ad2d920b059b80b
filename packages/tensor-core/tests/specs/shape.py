"""Specs: shape ops that copy or join data (repeat, flip, roll, tril, diag, pad, cat, stack, split, ...)."""

import numpy as np

import fx.tensor as ft
from opspec import ALL, ErrorCase, OpSpec, Sample, add, make

NUMERIC = tuple(d for d in ALL if d is not ft.bool)


def _torch(name, module="torch"):
    def call(*args, **kwargs):
        import torch
        import torch.nn.functional as F

        return getattr(torch if module == "torch" else F, name)(*args, **kwargs)

    return call


def _s(*cases):
    """Samples from (shape, args, kwargs) triples, each also in a non-contiguous layout."""

    def gen(dtype):
        out = []
        for shape, args, kwargs in cases:
            out.append(Sample((make(shape, dtype),) + args, kwargs, f"{shape}{args}{kwargs}"))
            if shape and shape[-1]:
                out.append(Sample((make(shape, dtype, noncontig=True),) + args, kwargs, f"nc{shape}{args}{kwargs}"))
        return out

    return gen


def _x(shape=(2, 3, 4), dtype=ft.float32):
    return make(shape, dtype)


def _not_tensor(*rest, **kw):
    return [ErrorCase(([1.0, 2.0],) + rest, kw, exc=TypeError, match="must be Tensor")]


# ---- repeat, tile, repeat_interleave ---------------------------------------------------------
add(
    OpSpec("repeat", op=lambda x, *s: x.repeat(*s), ref=lambda x, *s: np.tile(x, s[0] if len(s) == 1 and isinstance(s[0], tuple) else s),
           torch_ref=lambda x, *s: x.repeat(*s), dtypes=ALL,
           samples=_s(((2, 3), (2, 1), {}), ((2, 3), (1, 2, 3), {}), ((), (3,), {}), ((), ((),), {}),
                      ((0, 3), (2, 2), {}), ((2, 3), (0, 1), {}), ((4,), ((2, 2),), {})),
           errors=lambda: [ErrorCase((_x(), 2, 2), match="can not be smaller than number of dimensions"),
                           ErrorCase((_x((2, 3)), -1, 2), match="negative dimension -1"),
                           ErrorCase((_x((2, 3)), 2.0, 2), exc=TypeError, match="tuple of ints")]),
    OpSpec("tile", ref=lambda x, d: np.tile(x, d), dtypes=ALL, method="tile",
           samples=_s(((2, 3), ((2,),), {}), ((2, 3), ((2, 1, 2),), {}), ((), ((2,),), {}), ((0, 2), ((3, 1),), {}))),
)
add(OpSpec("tile", ref=lambda x, d: np.tile(x, d), dtypes=(ft.float32,), samples=_s(((2, 3), ((1,),), {})),
           errors=lambda: [ErrorCase((_x((2, 3)), (-1,)), match="negative dimension"),
                           ErrorCase((_x((2, 3)), 2.5), exc=TypeError, match="tuple of ints"),
                           *_not_tensor((2,))]))


def _ri_ref(x, repeats=None, dim=None, output_size=None):
    if repeats is None:
        return np.repeat(np.arange(x.size), x.reshape(-1))
    return np.repeat(x, repeats, axis=dim)


def _ri_samples(dtype):
    return _s(((2, 3), (2,), {}), ((2, 3), (3,), {"dim": 1}), ((2, 3), (0,), {"dim": 0}), ((), (2,), {}),
              ((0, 3), (2,), {"dim": 1}), ((2, 3, 4), (2,), {"dim": -1, "output_size": 8}))(dtype) + [
        Sample((make((2, 3), dtype), ft.tensor([1, 0, 2])), {"dim": 1}, "tensor_repeats"),
        Sample((make((2, 3), dtype, noncontig=True), ft.tensor([2, 1])), {"dim": 0}, "tensor_repeats_nc"),
        Sample((make((2, 3), dtype), ft.tensor(2)), {"dim": 1}, "tensor_0d"),
        Sample((make((2, 3), dtype), ft.tensor([3])), {"dim": 0}, "tensor_1elem"),
    ]


add(
    OpSpec("repeat_interleave", ref=_ri_ref, dtypes=ALL, method="repeat_interleave", samples=_ri_samples,
           errors=lambda: [ErrorCase((_x((2, 3)), -1), match="non-negative"),
                           ErrorCase((_x((2, 3)), ft.tensor([1, -2])), {"dim": 0}, match="can not be negative"),
                           ErrorCase((_x((2, 3)), ft.tensor([1, 2])), {"dim": 1}, match="same size as input along dim"),
                           ErrorCase((_x((2, 3)), ft.tensor([[1, 2, 2]])), {"dim": 1}, match="0-dim or 1-dim"),
                           ErrorCase((_x((2, 3)), ft.tensor([1.0, 2.0])), {"dim": 0}, match="integer tensor"),
                           ErrorCase((_x((2, 3)), 2), {"dim": 2}, exc=IndexError, match="Dimension out of range"),
                           ErrorCase((_x((2, 3)), 2), {"dim": 1, "output_size": 5}, match="allocated size"),
                           ErrorCase(([1, 2], 2), exc=TypeError, match="must be Tensor")]),
)
add(OpSpec("repeat_interleave", op=lambda r, **kw: ft.repeat_interleave(r, **kw), ref=_ri_ref,
           dtypes=(ft.int64, ft.int32), differentiable=False,
           samples=lambda dt: [Sample((ft.tensor([2, 0, 3], dtype=dt),), name="index_form"),
                               Sample((ft.tensor([1, 2], dtype=dt),), {"output_size": 3}, name="output_size"),
                               Sample((ft.tensor([], dtype=dt),), name="empty")],
           errors=lambda: [ErrorCase((ft.tensor(3),), match="1-d"),
                           ErrorCase((ft.tensor([1, -1]),), match="can not be negative"),
                           ErrorCase((ft.tensor([1, 2]),), {"output_size": 4}, match="allocated size")]))

# ---- flips, roll, rot90 ----------------------------------------------------------------------
_flip_errors = lambda: [ErrorCase((_x(), (0, 0)), match="appears multiple times"),  # noqa: E731
                        ErrorCase((_x(), (3,)), exc=IndexError, match="Dimension out of range"),
                        ErrorCase((_x(), (0.5,)), exc=TypeError, match="tuple of ints"),
                        *_not_tensor((0,))]
add(
    OpSpec("flip", ref=lambda x, d: np.flip(x, d) if x.ndim else x, dtypes=ALL, method="flip", errors=_flip_errors,
           samples=_s(((2, 3, 4), ((0, 2),), {}), ((2, 3), ((-1,),), {}), ((2, 3), ((),), {}), ((), ((0,),), {}),
                      ((0, 3), ((0, 1),), {}), ((5,), ((0,),), {}))),
    OpSpec("fliplr", ref=np.fliplr, dtypes=ALL, method="fliplr", samples=_s(((2, 3), (), {}), ((2, 3, 4), (), {}), ((0, 2), (), {})),
           errors=lambda: [ErrorCase((_x((3,)),), match="Input must be >= 2-d"),
                           ErrorCase((_x(()),), match="Input must be >= 2-d"), *_not_tensor()]),
    OpSpec("flipud", ref=np.flipud, dtypes=ALL, method="flipud", samples=_s(((2, 3), (), {}), ((4,), (), {}), ((0, 2), (), {})),
           errors=lambda: [ErrorCase((_x(()),), match="Input must be >= 1-d"), *_not_tensor(), *_not_tensor()]),
    OpSpec("roll", ref=lambda x, s, dims=None: np.roll(x, s, dims), dtypes=ALL, method="roll",
           samples=_s(((2, 3, 4), (1,), {}), ((2, 3, 4), (-7,), {}), ((2, 3, 4), ((1, 2),), {"dims": (0, 2)}),
                      ((2, 3, 4), (5,), {"dims": -1}), ((2, 3), ((1, 1),), {"dims": (1, 1)}), ((), (3,), {}),
                      ((0, 3), (1,), {"dims": 1}), ((3, 0), (2,), {}))),
)
add(OpSpec("roll", ref=lambda x, s, dims=None: np.roll(x, s, dims), samples=_s(((3,), (1,), {})),
           errors=lambda: [ErrorCase((_x(), (1, 2)), match="shifts and dimensions must align"),
                           ErrorCase((_x(), 1), {"dims": (0, 1)}, match="shifts and dimensions must align"),
                           ErrorCase((_x(), 1), {"dims": 3}, exc=IndexError, match="Dimension out of range"),
                           ErrorCase((_x(), ()), match="`shifts` required"),
                           ErrorCase((_x(), 1.5), exc=TypeError, match="tuple of ints")]))
add(OpSpec("rot90", ref=lambda x, k=1, dims=(0, 1): np.rot90(x, k, dims), dtypes=ALL, method="rot90",
           samples=_s(((2, 3), (), {}), ((2, 3), (2,), {}), ((2, 3), (3,), {}), ((2, 3), (-1,), {}), ((2, 3), (4,), {}),
                      ((2, 3, 4), (1, (2, 0)), {}), ((2, 3, 4), (1, (-1, -2)), {}), ((0, 3), (1,), {})),
           errors=lambda: [ErrorCase((_x(), 1, (0, 1, 2)), match="total rotation dims == 2"),
                           ErrorCase((_x((3,)), 1), match="total dims >= 2"),
                           ErrorCase((_x(), 1, (1, 1)), match="rotation dims to be different"),
                           ErrorCase((_x(), 1, (0, 5)), exc=IndexError, match="Dimension out of range")]))

# ---- triangles and diagonals -----------------------------------------------------------------
for _name, _np_fn in (("tril", np.tril), ("triu", np.triu)):
    add(OpSpec(_name, ref=lambda x, diagonal=0, f=_np_fn: f(x, diagonal), dtypes=ALL, method=_name,
               samples=_s(((3, 4), (), {}), ((3, 4), (1,), {}), ((3, 4), (-2,), {}), ((2, 3, 4), (0,), {}),
                          ((4, 3), (9,), {}), ((0, 3), (), {}), ((2, 0, 3), (-1,), {})),
               errors=lambda: [ErrorCase((_x((3,)),), match="at least 2 dimensions"),
                               ErrorCase((_x(()),), match="at least 2 dimensions"),
                               ErrorCase((_x((3, 3)), 1.5), exc=TypeError, match="must be int"),
                               ErrorCase((_x((3, 3)),), {"out": _x((3, 3), ft.int64)}, match="can't be cast")]))


def _indices_samples(dtype):
    cases = [((3, 4), {}), ((3, 4, 1), {}), ((4, 3, -1), {}), ((0, 3), {}), ((3, 3, 10), {}), ((5, 2, -10), {}),
             ((3, 3), {"dtype": dtype})]
    return [Sample(a, kw, f"{a}{kw}") for a, kw in cases]


for _name, _np_fn in (("tril_indices", np.tril_indices), ("triu_indices", np.triu_indices)):
    add(OpSpec(_name, ref=lambda r, c, o=0, dtype=None, f=_np_fn: np.stack(f(r, o, c)).reshape(2, -1),
               dtypes=(ft.int64, ft.int32), differentiable=False, samples=_indices_samples,
               errors=lambda n=_name: [ErrorCase((-1, 3), match="must be non-negative"),
                                       ErrorCase((3.0, 3), exc=TypeError, match="must be int"),
                                       ErrorCase((3, 3), {"dtype": ft.float32}, exc=NotImplementedError,
                                                 match="integer dtype")]))


def _diag_embed_ref(x, offset=0, dim1=-2, dim2=-1):
    n = x.shape[-1] + abs(offset)
    out = np.zeros(x.shape[:-1] + (n, n), x.dtype)
    i = np.arange(x.shape[-1])
    out[..., i + max(-offset, 0), i + max(offset, 0)] = x
    nd = x.ndim + 1
    return np.moveaxis(out, (-2, -1), (dim1 % nd, dim2 % nd))


add(
    OpSpec("diag", ref=lambda x, diagonal=0: np.diag(x, diagonal), dtypes=ALL, method="diag",
           samples=_s(((4,), (), {}), ((4,), (2,), {}), ((4,), (-1,), {}), ((3, 4), (), {}), ((3, 4), (1,), {}),
                      ((3, 4), (-2,), {}), ((3, 4), (7,), {}), ((0,), (), {}), ((0, 3), (), {}))),
    OpSpec("diag_embed", ref=_diag_embed_ref, dtypes=ALL, method="diag_embed",
           samples=_s(((3,), (), {}), ((2, 3), (1,), {}), ((2, 3), (-2, 0, 2), {}), ((2, 3), (0, 2, 0), {}),
                      ((2, 3, 4), (1, 1, 3), {}), ((0, 3), (), {}), ((2, 0), (1,), {}))),
    OpSpec("diagflat", ref=lambda x, offset=0: np.diagflat(x, offset), dtypes=ALL, method="diagflat",
           samples=_s(((3,), (), {}), ((2, 3), (1,), {}), ((2, 2), (-2,), {}), ((), (), {}), ((0,), (), {}))),
)
add(OpSpec("diag", ref=lambda x: np.diag(x), samples=_s(((2,), (), {})),
           errors=lambda: [ErrorCase((_x(),), match="Supports 1D or 2D tensors. Got 3D"),
                           ErrorCase((_x(()),), match="Supports 1D or 2D tensors. Got 0D"),
                           ErrorCase((_x((3,)),), {"out": _x((3, 3), ft.int32)}, match="can't be cast"), *_not_tensor()]),
    OpSpec("diag_embed", ref=_diag_embed_ref, samples=_s(((2,), (), {})),
           errors=lambda: [ErrorCase((_x((3,)), 0, 0, 0), match="cannot be identical"),
                           ErrorCase((_x((3,)), 0, 0, 2), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((_x(()),), exc=IndexError, match="Dimension out of range"), *_not_tensor()]),
    OpSpec("diagflat", ref=lambda x: np.diagflat(x), samples=_s(((2,), (), {})),
           errors=lambda: [*_not_tensor(), ErrorCase((3,), exc=TypeError, match="must be Tensor"),
                           ErrorCase((None,), exc=TypeError, match="must be Tensor")]))


# ---- pad -------------------------------------------------------------------------------------
def _pad_ref(x, pad, mode="constant", value=None):
    """Independent reference: per padded dim, the source index of each output position."""
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    x = x[tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(x.shape, widths))]
    keep = np.ones((), bool)
    for d, (lo, hi) in enumerate(widths):
        lo, hi, n = max(lo, 0), max(hi, 0), x.shape[d]
        src = np.arange(-lo, n + hi)
        inside = (src >= 0) & (src < n)
        if mode == "reflect":
            src = np.abs(src)
            src = np.where(src >= n, 2 * (n - 1) - src, src)
        elif mode == "replicate":
            src = np.clip(src, 0, n - 1)
        elif mode == "circular":
            src = src % n if n else src
        else:
            src = np.where(inside, src, 0)
            shape = [1] * x.ndim
            shape[d] = inside.size
            keep = keep & inside.reshape(shape)
        x = np.take(x, src, axis=d) if src.size and n else np.zeros(x.shape[:d] + (src.size,) + x.shape[d + 1:], x.dtype)
    if mode == "constant":
        x = np.where(keep, x, np.asarray(0 if value is None else value).astype(x.dtype))
    return x


def _pad_samples(dtype):
    cases = [((2, 3), ((1, 2),), {}), ((2, 3), ((1, 1, 2, 0),), {"value": 1.0}), ((2, 3, 4), ((-1, 2, 0, 0, 1, -1),), {}),
             ((2, 3), ((-3, 0),), {}), ((), ((),), {}), ((0, 3), ((1, 1, 1, 1),), {"value": 2}), ((3,), ((0, 0),), {})]
    out = _s(*cases)(dtype)
    modes = [("circular", (1, 2)), ("circular", (3, -1, 0, 2))]
    if dtype is not ft.bool:  # torch has no bool reflect/replicate kernels (fx has)
        modes += [("replicate", (2, 1, 1, 0)), ("replicate", (-1, 3)), ("reflect", (2, 1)), ("reflect", (1, 2, 2, 0)), ("reflect", (-1, 2, 1, 1))]
    for mode, p in modes:
        for shape in ((2, 3, 4), (1, 2, 3, 5)) if len(p) == 4 else ((2, 5), (2, 3, 5)):
            out.append(Sample((make(shape, dtype, noncontig=True), p), {"mode": mode}, f"{mode}{shape}{p}"))
    out.append(Sample((make((0, 2, 4), dtype), (1, 2)), {"mode": "circular" if dtype is ft.bool else "replicate"},
                      "zero_batch"))
    out.append(Sample((make((2, 0, 3), dtype), (1, 2)), {"mode": "circular"}, "circular_empty"))
    return out


add(OpSpec("pad", ref=_pad_ref, torch_ref=_torch("pad", "F"), dtypes=ALL, samples=_pad_samples,
           errors=lambda: [ErrorCase((_x(), (1,)), match="must be divisible by 2"),
                           ErrorCase((_x((2, 3)), (1, 1, 1, 1, 1, 1)), match="less than or equal to two times"),
                           ErrorCase((_x((2, 3)), (-2, -2)), match="negative output size"),
                           ErrorCase((_x((2, 3)), (3, 1)), {"mode": "reflect"}, match="should be less than"),
                           ErrorCase((_x((2, 3)), (4, 1)), {"mode": "circular"}, match="wrapping around more than once"),
                           ErrorCase((_x((2, 3)), (1, 1)), {"mode": "foo"}, exc=NotImplementedError, match="Unrecognised"),
                           ErrorCase((_x((3,)), (1, 1)), {"mode": "reflect"}, exc=NotImplementedError, match="not supported"),
                           ErrorCase((_x((0, 3)), (1, 1)), {"mode": "reflect"}, match="non-zero dimensions"),
                           ErrorCase((_x((2, 3)), (1, 1)), {"mode": "replicate", "value": 1.0}, match="doesn't take in value"),
                           ErrorCase((_x((2, 3)), 1), exc=TypeError, match="tuple of ints"),
                           ErrorCase((_x((2, 3)), (1.0, 1)), exc=TypeError, match="tuple of ints")]))

add(OpSpec("ravel", ref=np.ravel, dtypes=ALL, method="ravel",
           samples=_s(((2, 3), (), {}), ((), (), {}), ((0, 3), (), {}), ((2, 3, 4), (), {})) ,
           errors=lambda: [*_not_tensor(), ErrorCase((3,), exc=TypeError, match="must be Tensor"),
                           ErrorCase((None,), exc=TypeError, match="must be Tensor")]))


# ---- joining ---------------------------------------------------------------------------------
def _as_common(arrays):
    """NumPy promotes some pairs differently from PyTorch: values compare fine in float64."""
    if len({a.dtype for a in arrays}) > 1:
        return [a.astype(np.float64) for a in arrays]
    return list(arrays)


def _cat_ref(ts, dim=0, axis=None, out=None):
    ts = _as_common(ts)
    live = [t for t in ts if t.shape != (0,)]
    return np.concatenate(live or ts, axis=dim if axis is None else axis) if live else np.concatenate(ts)


def _cat_samples(dtype):
    m = lambda s, **kw: make(s, dtype, **kw)  # noqa: E731
    other = ft.int8 if dtype is not ft.int8 else ft.float32
    return [
        Sample(([m((2, 3)), m((4, 3))],), name="dim0"),
        Sample(([m((2, 3)), m((2, 1), noncontig=True), m((2, 0))], 1), name="dim1_nc"),
        Sample(([m((2, 3, 4)).transpose(0, 2), m((4, 3, 1))], -1), name="transposed"),
        Sample(([m((0,)), m((2, 3)), m((0,))], 1), name="legacy_empty"),
        Sample(([m((0,)), m((0,))],), name="all_empty"),
        Sample(([m((0, 3)), m((2, 3))],), name="empty_rows"),
        Sample(([m((3,))],), name="single"),
        Sample(([m((2, 2)), make((1, 2), other)],), name="promote"),
        Sample(((m((2,)), m((3,))),), name="tuple"),
    ]


def _cat_errors(name):
    return lambda: [
        ErrorCase(([_x((2, 3)), _x((3, 4))],), match="Sizes of tensors must match except in dimension 0"),
        ErrorCase(([_x((2, 3)), _x((2, 3, 1))],), match="same number of dimensions"),
        ErrorCase(([_x((2, 3)), _x((2, 3))], 2), exc=IndexError, match="Dimension out of range"),
        ErrorCase(([_x(()), _x(())],), match="zero-dimensional tensor"),
        ErrorCase(([],), exc=ValueError, match="non-empty list"),
        ErrorCase((_x((2, 3)),), exc=TypeError, match="must be tuple of Tensors"),
        ErrorCase(([_x((2,)), 3],), exc=TypeError, match="expected Tensor as element 1"),
    ]


for _name in ("cat", "concat", "concatenate"):
    add(OpSpec(_name, ref=_cat_ref, dtypes=ALL, samples=_cat_samples, errors=_cat_errors(_name)))
add(OpSpec("cat", ref=_cat_ref, differentiable=False, samples=lambda dt: [Sample(([make((2,), dt), make((3,), dt)],),
                                                           {"out": make((5,), dt)}, "out")]))


def _stack_samples(dtype):
    m = lambda s, **kw: make(s, dtype, **kw)  # noqa: E731
    return [Sample(([m((2, 3)), m((2, 3), noncontig=True)],), name="dim0"),
            Sample(([m((2, 3)), m((2, 3)), m((2, 3))], 2), name="last"),
            Sample(([m((2, 3)), m((2, 3))], -2), name="neg"),
            Sample(([m(()), m(())],), name="0d"),
            Sample(([m((0, 3)), m((0, 3))], 1), name="empty"),
            Sample(([m((2,)), make((2,), ft.float64)],), name="promote")]


add(OpSpec("stack", ref=lambda ts, dim=0: np.stack(_as_common(ts), dim), dtypes=ALL, samples=_stack_samples,
           errors=lambda: [ErrorCase(([_x((2, 3)), _x((2, 4))],), match="stack expects each tensor to be equal size"),
                           ErrorCase(([],), match="non-empty TensorList"),
                           ErrorCase(([_x((2, 3))], 3), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((_x((2, 3)),), exc=TypeError, match="must be tuple of Tensors")]))


def _stack_like(name, ref):
    def samples(dtype):
        m = lambda s, **kw: make(s, dtype, **kw)  # noqa: E731
        return [Sample(([m((2, 3)), m((2, 3), noncontig=True)],), name="2d"),
                Sample(([m((3,)), m((3,))],), name="1d"),
                Sample(([m(()), m(())],), name="0d"),
                Sample(([m((2, 3, 2)), m((2, 3, 2))],), name="3d"),
                Sample(([m((0, 3)), m((0, 3))],), name="empty")]

    errors = lambda: [ErrorCase(([],), match="non-empty TensorList"),  # noqa: E731
                      ErrorCase((_x((2, 3)),), exc=TypeError, match="must be tuple of Tensors"),
                      ErrorCase(([_x((2, 3)), 1],), exc=TypeError, match="expected Tensor as element 1"),
                      ErrorCase(([_x((2, 3)), _x((3, 4, 5))],), match="same number of dimensions|must match")]
    add(OpSpec(name, ref=lambda ts: ref(_as_common(ts)), dtypes=ALL, samples=samples, errors=errors))


for _name, _ref in (("hstack", np.hstack), ("vstack", np.vstack), ("row_stack", np.vstack), ("dstack", np.dstack),
                    ("column_stack", np.column_stack)):
    _stack_like(_name, _ref)


# ---- splitting -------------------------------------------------------------------------------
def _split_ref(x, arg, dim=0):
    n = x.shape[dim]
    if isinstance(arg, int):
        sizes = [arg] * (n // arg) + ([n % arg] if n % arg else []) if n else [0]
    else:
        sizes = list(arg)
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=dim))


def _chunk_ref(x, chunks, dim=0):
    n = x.shape[dim]
    return _split_ref(x, -(-n // chunks), dim) if n else tuple(np.split(x, [0] * (chunks - 1), axis=dim))


_split_errors = lambda: [ErrorCase((_x((2, 3)), [1, 1], 1), match="split_sizes to sum exactly to 3"),  # noqa: E731
                         ErrorCase((_x((2, 3)), [4, -1], 1), match="non-negative entries"),
                         ErrorCase((_x((2, 3)), -1), match="non-negative"),
                         ErrorCase((_x((2, 3)), 0), match="split_size can only be 0"),
                         ErrorCase((_x((2, 3)), 1, 2), exc=IndexError, match="Dimension out of range"),
                         ErrorCase((_x(()), 1), match="at least a 1-dimensional"),
                         ErrorCase((_x((2, 3)), 1.5), exc=TypeError, match="must be int or tuple of ints")]
add(
    OpSpec("split", ref=_split_ref, dtypes=ALL, method="split", errors=_split_errors,
           samples=_s(((5, 3), (2,), {}), ((5, 3), (3, 1), {}), ((5, 3), ([1, 0, 2], 1), {}), ((4, 3), (8,), {}),
                      ((0, 3), (2,), {}), ((0, 3), (0,), {}), ((2, 6), (2, -1), {}))),
    OpSpec("chunk", ref=_chunk_ref, dtypes=ALL, method="chunk",
           samples=_s(((5, 3), (3,), {}), ((6, 2), (4,), {}), ((2, 6), (4, 1), {}), ((0, 3), (3,), {}), ((3,), (5,), {})),
           errors=lambda: [ErrorCase((_x((2, 3)), 0), match="greater than 0"),
                           ErrorCase((_x(()), 1), match="at least a 1-dimensional"),
                           ErrorCase((_x((2, 3)), 2, 2), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((_x((2, 3)), 1.5), exc=TypeError, match="must be int")]),
    OpSpec("tensor_split", ref=lambda x, a, dim=0: tuple(np.array_split(x, a.tolist() if hasattr(a, "tolist") else a, dim)),
           dtypes=ALL, method="tensor_split",
           samples=lambda dt: _s(((7, 2), (3,), {}), ((2, 7), ([1, 5, 3, 9], 1), {}), ((7,), ([-2],), {}),
                                 ((0, 3), (2,), {}), ((2, 5), ((1, 3), -1), {}))(dt) + [
               Sample((make((7,), dt), ft.tensor(2)), name="tensor_sections"),
               Sample((make((7, 2), dt), ft.tensor([2, 4])), name="tensor_indices")],
           errors=lambda: [ErrorCase((_x((7,)), 0), match="sections must be larger than 0"),
                           ErrorCase((_x(()), 2), match="at least a 1-dimensional"),
                           ErrorCase((_x((7,)), ft.tensor([2.0])), match="dtype of long"),
                           ErrorCase((_x((7,)), 2, 1), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((_x((7,)), 2.5), exc=TypeError, match="must be int or tuple of ints")]),
    OpSpec("unbind", ref=lambda x, dim=0: tuple(np.moveaxis(x, dim, 0)), dtypes=ALL, method="unbind",
           samples=_s(((3, 4), (), {}), ((3, 4), (1,), {}), ((2, 3, 4), (-1,), {}), ((0, 3), (), {}), ((3, 0), (0,), {}))),
)
add(OpSpec("unbind", ref=lambda x: tuple(x), samples=_s(((2,), (), {})),
           errors=lambda: [ErrorCase((_x(()),), exc=IndexError, match="no dimensions"),
                           ErrorCase((_x((2, 3)), 2), exc=IndexError, match="Dimension out of range"), *_not_tensor()]))

for _name, _np_fn, _dim, _min, _shapes in (("hsplit", np.hsplit, 1, 1, ((2, 6), (6,), (2, 6, 3))),
                                           ("vsplit", np.vsplit, 0, 2, ((6, 2), (6, 2, 3))),
                                           ("dsplit", np.dsplit, 2, 3, ((2, 3, 6), (1, 2, 6, 2)))):
    _cases = [(s, (arg,), {}) for s in _shapes for arg in (3, [1, 4], [])]
    add(OpSpec(_name, ref=lambda x, a, f=_np_fn: tuple(f(x, a)), dtypes=ALL, method=_name, samples=_s(*_cases),
               errors=lambda n=_name, m=_min, s=_shapes[0]: [
                   ErrorCase((_x(s), 4), match="not divisible by the split_size 4"),
                   ErrorCase((_x(s), 0), match="not divisible by the split_size 0"),
                   ErrorCase((_x((2,) * (m - 1)), 1), match=f"at least {m} dimension"),
                   *_not_tensor(2)]))


# ---- grids and blocks ------------------------------------------------------------------------
def _meshgrid_samples(dtype):
    m = lambda s, **kw: make(s, dtype, **kw)  # noqa: E731
    out = []
    for indexing in ("ij", "xy"):
        out += [Sample((m((3,)), m((2,), noncontig=True)), {"indexing": indexing}, f"2{indexing}"),
                Sample((m((3,)), m(()), m((4,))), {"indexing": indexing}, f"3{indexing}"),
                Sample(([m((2,)), m((0,))],), {"indexing": indexing}, f"list_empty{indexing}"),
                Sample((m((4,)),), {"indexing": indexing}, f"single{indexing}")]
    return out


add(OpSpec("meshgrid", ref=lambda *ts, indexing="ij": tuple(np.meshgrid(*(ts[0] if isinstance(ts[0], list) else ts), indexing=indexing)),
           dtypes=ALL, samples=_meshgrid_samples,
           errors=lambda: [ErrorCase((_x((2,)), _x((3, 2))), {"indexing": "ij"}, match="Expected 0D or 1D tensor"),
                           ErrorCase((_x((2,)), _x((3,), ft.int64)), {"indexing": "ij"}, match="same dtype"),
                           ErrorCase((_x((2,)), _x((3,))), {"indexing": "foo"}, match="indexing must be one of"),
                           ErrorCase((), {"indexing": "ij"}, match="non-empty TensorList"),
                           ErrorCase((_x((2,)), 3), {"indexing": "ij"}, exc=TypeError, match="expected Tensor")]))


def _cartesian_ref(*ts):
    if len(ts) == 1:
        return ts[0]
    return np.stack([g.reshape(-1) for g in np.meshgrid(*ts, indexing="ij")], 1)


add(OpSpec("cartesian_prod", ref=_cartesian_ref, dtypes=ALL,
           samples=lambda dt: [Sample((make((3,), dt), make((2,), dt, noncontig=True)), name="2"),
                               Sample((make((2,), dt), make((2,), dt), make((3,), dt)), name="3"),
                               Sample((make((4,), dt),), name="single"),
                               Sample((make((0,), dt), make((3,), dt)), name="empty")],
           errors=lambda: [ErrorCase((_x((2, 3)), _x((2,))), match="Expect a 1D vector"),
                           ErrorCase((_x(()), _x((2,))), match="Expect a 1D vector"),
                           ErrorCase((_x((2,)), [1, 2]), exc=TypeError, match="expected Tensor")]))


def _combinations_ref(x, r=2, with_replacement=False):
    import itertools

    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = [[x[i] for i in c] for c in pick(range(x.size), r)]
    return np.array(rows, x.dtype).reshape(-1, r) if r else x[:0]


add(OpSpec("combinations", ref=_combinations_ref, dtypes=ALL,
           samples=_s(((4,), (), {}), ((4,), (3,), {}), ((4,), (2, True), {}), ((4,), (1,), {}), ((4,), (0,), {}),
                      ((3,), (5,), {}), ((3,), (4, True), {}), ((0,), (2,), {})),
           errors=lambda: [ErrorCase((_x((2, 2)),), match="Expect a 1D vector"),
                           ErrorCase((_x((3,)), -1), match="non-negative number"),
                           ErrorCase((_x((3,)), 1.5), exc=TypeError, match="must be int"), *_not_tensor()]))


def _block_diag_ref(*ts):
    blocks = _as_common([np.atleast_2d(t) for t in ts])
    rows = sum(b.shape[0] for b in blocks)
    cols = sum(b.shape[1] for b in blocks)
    out = np.zeros((rows, cols), dtype=blocks[0].dtype if blocks else np.float64)
    r = c = 0
    for b in blocks:
        out[r:r + b.shape[0], c:c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    return out


def _block_samples(dtype):
    m = lambda s, **kw: make(s, dtype, **kw)  # noqa: E731
    return [Sample((m((2, 3)), m((1, 2), noncontig=True), m(()), m((3,))), name="mixed"),
            Sample((m((2, 2)),), name="single"),
            Sample((m((0, 2)), m((2, 0)), m((1, 1))), name="empty_blocks"),
            Sample((m((2, 2)), make((1, 1), ft.float64)), name="promote")]


add(OpSpec("block_diag", ref=_block_diag_ref, dtypes=ALL, samples=_block_samples, skip_ref_dtypes=(ft.bfloat16,),
           errors=lambda: [ErrorCase((_x((2, 2, 2)),), match="2 or fewer dimensions"),
                           ErrorCase((_x((2, 2)), 3), exc=TypeError, match="expected Tensor as element 1"),
                           ErrorCase((_x((2, 2)), _x((1, 2, 3))), match="Input 1 has 3 dimensions")]))


def _atleast_ref(fn):
    def ref(*ts):
        if len(ts) == 1 and not isinstance(ts[0], (list, tuple)):
            return fn(ts[0])
        ts = ts[0] if len(ts) == 1 else ts
        return tuple(fn(t) for t in ts)

    return ref


def _atleast_samples(dtype):
    m = lambda s, **kw: make(s, dtype, **kw)  # noqa: E731
    singles = [Sample((m(s),), name=str(s)) for s in ((), (3,), (2, 3), (2, 3, 4), (0,))]
    return singles + [Sample((m(()), m((2,), noncontig=True), m((2, 3))), name="several"),
                      Sample(([m(()), m((0, 2))],), name="list"),
                      Sample(((m((3,)),),), name="tuple1")]


for _name, _np_fn in (("atleast_1d", np.atleast_1d), ("atleast_2d", np.atleast_2d), ("atleast_3d", np.atleast_3d)):
    add(OpSpec(_name, ref=_atleast_ref(_np_fn), dtypes=ALL, samples=_atleast_samples,
               errors=lambda n=_name: [ErrorCase((3,), exc=TypeError, match="expected a Tensor or a sequence"),
                                       ErrorCase((_x((2,)), 3), exc=TypeError, match="must be Tensor"),
                                       ErrorCase(([_x((2,)), "a"],), exc=TypeError, match="must be Tensor")]))
