"""Specs: view ops (reshape, permute, transpose, squeeze, expand, narrow, diagonal, ...)."""

import numpy as np

import fx.tensor as ft
from opspec import ALL, ErrorCase, OpSpec, Sample, add, make

DTS = (ft.float32, ft.float64, ft.int64, ft.bool, ft.bfloat16)


def _s(*cases):
    """Samples from (shape, args, kwargs) triples, each also in a non-contiguous layout."""

    def gen(dtype):
        out = []
        for shape, args, kwargs in cases:
            out.append(Sample((make(shape, dtype),) + args, kwargs, f"{shape}{args}"))
            if shape and shape[-1]:
                out.append(Sample((make(shape, dtype, noncontig=True),) + args, kwargs, f"nc{shape}{args}"))
        return out

    return gen


def _x(shape=(2, 3, 4)):
    return make(shape, ft.float32)


def _diag_ref(x, offset=0, dim1=0, dim2=1):
    return np.diagonal(x, offset, dim1, dim2)


add(
    OpSpec("reshape", ref=lambda x, s: np.reshape(x, s), dtypes=DTS,
           samples=_s(((2, 3, 4), ((4, 6),), {}), ((2, 3, 4), ((-1,),), {}), ((), ((1, 1),), {}),
                      ((0, 3), ((3, 0),), {}), ((6,), ((2, -1),), {})),
           errors=lambda: [ErrorCase((_x(), (5, 5)), match=r"shape '\[5, 5\]' is invalid for input of size 24"),
                           ErrorCase((_x(), (-1, -1)), match="only one dimension can be inferred"),
                           ErrorCase(([1, 2], (2,)), exc=TypeError, match="must be Tensor"),
                           ErrorCase((_x(), (-2, 12)), match="invalid shape dimension")]),
    OpSpec("permute", ref=lambda x, d: np.transpose(x, d), dtypes=DTS, method="permute",
           samples=_s(((2, 3, 4), ((2, 0, 1),), {}), ((2, 3, 4), ((-1, 0, 1),), {}), ((), ((),), {}), ((0, 2), ((1, 0),), {})),
           errors=lambda: [ErrorCase((_x(), (0, 1)), match="number of dimensions"),
                           ErrorCase((_x(), (0, 0, 1)), match="duplicate dims"),
                           ErrorCase((_x(), (0, 1, 5)), exc=IndexError, match="Dimension out of range")]),
    OpSpec("transpose", ref=lambda x, a, b: np.swapaxes(x, a, b), dtypes=DTS, method="transpose",
           samples=_s(((2, 3, 4), (0, 2), {}), ((2, 3), (-1, -2), {}), ((0, 3), (0, 1), {}), ((5,), (0, 0), {})),
           errors=lambda: [ErrorCase((_x(), 0, 3), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((_x(), -4, 0), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((None, 0, 1), exc=TypeError, match="must be Tensor")]),
    OpSpec("swapaxes", ref=lambda x, a, b: np.swapaxes(x, a, b), samples=_s(((2, 3, 4), (0, 2), {}))),
    OpSpec("swapdims", ref=lambda x, a, b: np.swapaxes(x, a, b), samples=_s(((2, 3, 4), (1, 2), {}))),
    OpSpec("t", ref=lambda x: x.T, dtypes=DTS, method="t", samples=_s(((2, 3), (), {}), ((4,), (), {}), ((), (), {})),
           errors=lambda: [ErrorCase((_x(),), match="expects a tensor with <= 2 dimensions"),
                           ErrorCase((make((1, 2, 3, 4), ft.float32),), match="<= 2 dimensions"),
                           ErrorCase((3,), exc=TypeError, match="must be Tensor")]),
    OpSpec("adjoint", ref=lambda x: np.swapaxes(x, -1, -2), samples=_s(((2, 3, 4), (), {}))),
    OpSpec("squeeze", ref=lambda x, dim=None: np.squeeze(x, None if dim is None else tuple(
        d for d in ((dim,) if isinstance(dim, int) else dim) if x.shape[d] == 1)), dtypes=DTS, method="squeeze",
           samples=_s(((1, 3, 1, 4), (), {}), ((1, 3, 1), (0,), {}), ((1, 3, 1), (1,), {}), ((1, 3, 1), ((0, 2),), {}),
                      ((), (), {}), ((1, 0), (0,), {})),
           torch_ref="same",
           errors=lambda: [ErrorCase((_x(), 3), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((_x(), (0, 0)), exc=RuntimeError, match="appears multiple times")
                           if False else ErrorCase((_x(), -4), exc=IndexError, match="Dimension out of range"),
                           ErrorCase(("x",), exc=TypeError, match="must be Tensor")]),
    OpSpec("unsqueeze", ref=lambda x, d: np.expand_dims(x, d), dtypes=DTS, method="unsqueeze",
           samples=_s(((2, 3), (0,), {}), ((2, 3), (2,), {}), ((2, 3), (-1,), {}), ((), (0,), {}), ((0,), (1,), {})),
           errors=lambda: [ErrorCase((_x(), 4), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((_x(), -5), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((1.0, 0), exc=TypeError, match="must be Tensor")]),
    OpSpec("flatten", ref=lambda x, s=0, e=-1: x.reshape(x.shape[:s] + (-1,) + x.shape[e % x.ndim + 1:]) if x.ndim else x.reshape(1),
           dtypes=DTS, method="flatten", samples=_s(((2, 3, 4), (), {}), ((2, 3, 4), (1,), {}), ((2, 3, 4), (0, 1), {}), ((), (), {})),
           errors=lambda: [ErrorCase((_x(), 2, 1), match="start_dim cannot come after end_dim"),
                           ErrorCase((_x(), 0, 5), exc=IndexError, match="Dimension out of range"),
                           ErrorCase((None,), exc=TypeError, match="must be Tensor")]),
    OpSpec("unflatten", ref=lambda x, d, s: x.reshape(x.shape[:d] + tuple(s) + x.shape[d + 1:]), method="unflatten",
           samples=_s(((2, 12), (1, (3, 4)), {}), ((2, 12), (1, (-1, 6)), {})),
           errors=lambda: [ErrorCase((make((2, 12), ft.float32), 1, (5, 5)), match="invalid for input of size"),
                           ErrorCase((make((2, 12), ft.float32), 2, (3, 4)), exc=IndexError, match="out of range"),
                           ErrorCase((make((2, 12), ft.float32), 1, ()), match="non-empty")]),
    OpSpec("movedim", ref=np.moveaxis, dtypes=DTS, method="movedim",
           samples=_s(((2, 3, 4), (0, 2), {}), ((2, 3, 4), ((0, 1), (2, 0)), {})),
           errors=lambda: [ErrorCase((_x(), (0, 1), (2,)), match="same number of dims"),
                           ErrorCase((_x(), 0, 3), exc=IndexError, match="out of range"),
                           ErrorCase((_x(), (0, 0), (1, 2)), match="repeated dim")]),
    OpSpec("moveaxis", ref=np.moveaxis, samples=_s(((2, 3, 4), (0, 2), {}))),
    OpSpec("narrow", ref=lambda x, d, s, n: np.take(x, range(s, s + n), axis=d), dtypes=DTS, method="narrow",
           samples=_s(((4, 5), (0, 1, 2), {}), ((4, 5), (1, -3, 2), {}), ((4, 5), (1, 0, 0), {})),
           errors=lambda: [ErrorCase((_x(), 0, 1, 5), match="exceeds dimension size"),
                           ErrorCase((_x(), 3, 0, 1), exc=IndexError, match="out of range"),
                           ErrorCase((make((), ft.float32), 0, 0, 1), match="0-dim")]),
    OpSpec("select", ref=lambda x, d, i: np.take(x, i, axis=d), dtypes=DTS, method="select",
           samples=_s(((4, 5), (0, 1), {}), ((4, 5), (1, -1), {}), ((2, 3, 4), (2, 3), {})),
           errors=lambda: [ErrorCase((_x(), 0, 2), exc=IndexError, match="out of range"),
                           ErrorCase((_x(), 3, 0), exc=IndexError, match="out of range"),
                           ErrorCase((make((), ft.float32), 0, 0), exc=IndexError, match="0-dim")]),
    OpSpec("diagonal", ref=_diag_ref, dtypes=DTS, method="diagonal",
           samples=_s(((4, 5), (), {}), ((4, 5), (1,), {}), ((4, 5), (-2,), {}), ((2, 3, 4), (0, 1, 2), {}),
                      ((3, 3), (5,), {})),
           errors=lambda: [ErrorCase((make((3,), ft.float32),), match="ndim larger than 1"),
                           ErrorCase((_x(), 0, 1, 1), match="cannot be identical"),
                           ErrorCase((_x(), 0, 0, 3), exc=IndexError, match="out of range")]),
    OpSpec("as_strided", ref=lambda x, size, stride, off=0: np.lib.stride_tricks.as_strided(
        np.ascontiguousarray(x).reshape(-1)[off:], size, tuple(s * x.itemsize for s in stride)),
        samples=lambda dt: [Sample((make((4, 5), dt), (3, 3), (5, 1), 1)), Sample((make((10,), dt), (4, 3), (2, 1)))],
        errors=lambda: [ErrorCase((make((4,), ft.float32), (3, 3), (3, 1)), match="storage"),
                        ErrorCase((make((4,), ft.float32), (2,), (1, 1)), match="mismatch in length"),
                        ErrorCase((make((4,), ft.float32), (-1,), (1,)), match="negative")]),
    OpSpec("broadcast_to", ref=np.broadcast_to, dtypes=DTS, method="broadcast_to",
           samples=_s(((3, 1), ((2, 3, 4),), {}), ((), ((2, 2),), {}), ((1,), ((0,),), {})),
           errors=lambda: [ErrorCase((make((3,), ft.float32), (4,)), match="must match the existing size"),
                           ErrorCase((make((2, 3), ft.float32), (3,)), match="must be greater or equal"),
                           ErrorCase((make((3,), ft.float32), (-1, 3)), match="leading, non-existing dimension")]),
    OpSpec("expand_copy", ref=np.broadcast_to, samples=_s(((3, 1), ((2, 3, 4),), {}))),
    OpSpec("broadcast_tensors", ref=lambda *xs: np.broadcast_arrays(*xs), dtypes=DTS,
           samples=lambda dt: [Sample((make((3, 1), dt), make((4,), dt), make((), dt))),
                               Sample((make((0, 1), dt), make((3,), dt)))],
           errors=lambda: [ErrorCase((make((3,), ft.float32), make((4,), ft.float32)), match="must match"),
                           ErrorCase((make((3,), ft.float32), 1.0), exc=TypeError, match="must be Tensor"),
                           ErrorCase((make((2, 3), ft.float32), make((3, 3), ft.float32)), match="must match")]),
    OpSpec("broadcast_shapes", op=lambda *s: ft.broadcast_shapes(*s), ref=lambda *s: np.broadcast_shapes(*s),
           torch_ref=lambda *s: tuple(__import__("torch").broadcast_shapes(*s)), differentiable=False, dtypes=(ft.float32,),
           samples=lambda dt: [Sample(((3, 1), (4,))), Sample(((2, 1, 3), (5, 1), ()))],
           errors=lambda: [ErrorCase(((3,), (4,)), match="must match"), ErrorCase(((2, 3), (3, 2)), match="must match"),
                           ErrorCase(((5,), (2, 4)), match="must match")]),
    OpSpec("numel", ref=lambda x: x.size, differentiable=False, dtypes=ALL,
           samples=lambda dt: [Sample((make((2, 3), dt),)), Sample((make((), dt),)), Sample((make((0, 4), dt),))],
           errors=lambda: [ErrorCase(([1],), exc=TypeError, match="must be Tensor")] * 3),
)
