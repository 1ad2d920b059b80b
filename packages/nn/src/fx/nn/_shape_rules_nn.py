"""Shape rules of the products, convolutions, pooling, normalization, softmax, attention, embedding,
loss and linear-algebra primitives (the contract is in _shape_rules.py)."""

from __future__ import annotations

import ml_dtypes
import numpy as np

from ._meta_array import laid_out_like
from ._shape_rules import I64, rule, same

_F32 = np.dtype(np.float32)
_LOW_PRECISION = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))
_I32 = np.dtype(np.int32)
_FUSED_ATTENTION = (np.dtype(np.float32), np.dtype(np.float64))  # the dtypes of the C attention kernels


def _stat_dtype(dt):
    """Saved statistics of float16/bfloat16 inputs stay in float32 (the kernels' compute dtype)."""
    return _F32 if dt in _LOW_PRECISION else dt


# ---- products --------------------------------------------------------------------------------
@rule("matmul")
def _matmul(prim, arrays, params):
    a, b = arrays
    if not a.ndim or not b.ndim:
        raise ValueError("matmul of a 0-d operand")
    sa = (1,) + a.shape if a.ndim == 1 else a.shape
    sb = b.shape + (1,) if b.ndim == 1 else b.shape
    if sa[-1] != sb[-2]:
        raise ValueError("matmul: inner sizes differ")
    rows = sa[-2:-1] if a.ndim > 1 else ()  # a 1-d operand's added dim is removed again
    cols = sb[-1:] if b.ndim > 1 else ()
    return np.broadcast_shapes(sa[:-2], sb[:-2]) + rows + cols, np.result_type(a.dtype, b.dtype)


@rule("einsum")
def _einsum(prim, arrays, params):
    inputs, output = params["equation"].split("->")
    sizes = {}
    for term, a in zip(inputs.split(","), arrays):
        if len(term) != a.ndim:
            raise ValueError("einsum: subscripts do not match the operand's dims")
        for letter, n in zip(term, a.shape):
            known = sizes.setdefault(letter, n)
            if known != n and 1 not in (known, n):
                raise ValueError("einsum: sizes of one subscript differ")
            sizes[letter] = n if known == 1 else known
    return tuple(sizes[letter] for letter in output), arrays[0].dtype


# ---- convolution -----------------------------------------------------------------------------
def _conv_out(size, before, after, k, s, d):
    return (size + before + after - d * (k - 1) - 1) // s + 1


@rule("conv2d")
def _conv2d(prim, arrays, params):
    x, w = arrays[:2]
    (pt, pb, pl, pr), (sh, sw), (dh, dw) = params["padding"], params["stride"], params["dilation"]
    oh, ow = _conv_out(x.shape[2], pt, pb, w.shape[2], sh, dh), _conv_out(x.shape[3], pl, pr, w.shape[3], sw, dw)
    if x.shape[1] != w.shape[1] * params["groups"] or oh < 0 or ow < 0:
        raise ValueError("conv2d: shapes do not fit")
    return (x.shape[0], w.shape[0], oh, ow), x.dtype


@rule("conv2d_grad_input")
def _conv2d_grad_input(prim, arrays, params):
    g, w = arrays
    return (g.shape[0], w.shape[1] * params["groups"]) + tuple(params["input_size"]), g.dtype


@rule("conv2d_grad_weight")
def _conv2d_grad_weight(prim, arrays, params):
    x, g = arrays
    return (g.shape[1], x.shape[1] // params["groups"]) + tuple(params["weight_size"]), x.dtype


# ---- pooling ---------------------------------------------------------------------------------
def _pooled(x, params):
    return x.shape[:2] + tuple(params["output_size"])


@rule("avg_pool2d", "adaptive_avg_pool2d")
def _pool(prim, arrays, params):
    return _pooled(arrays[0], params), arrays[0].dtype


@rule("max_pool2d", "adaptive_max_pool2d")
def _max_pool(prim, arrays, params):
    shape = _pooled(arrays[0], params)
    return (shape, arrays[0].dtype), (shape, I64)


@rule("max_pool2d_backward", "avg_pool2d_backward", "adaptive_avg_pool2d_backward")
def _pool_backward(prim, arrays, params):
    g = arrays[0]
    return g.shape[:2] + tuple(params["input_size"]), g.dtype


# ---- softmax, dropout and normalization ------------------------------------------------------
rule("softmax", "log_softmax", "dropout")(same)


@rule("softmax_backward", "log_softmax_backward")
def _softmax_backward(prim, arrays, params):
    return arrays[1].shape, arrays[1].dtype


def _check_affine(x, arrays, shape):
    for a in arrays[1:]:
        if a.shape != shape:
            raise ValueError("weight/bias shape does not match the normalized shape")


@rule("layer_norm", "rms_norm")
def _layer_norm(prim, arrays, params):
    x, nd = arrays[0], params["ndim"]
    _check_affine(x, arrays, x.shape[x.ndim - nd:])
    stat = (x.shape[:x.ndim - nd] + (1,) * nd, _stat_dtype(x.dtype))
    return ((x.shape, x.dtype), stat, stat) if prim.name == "layer_norm" else ((x.shape, x.dtype), stat)


@rule("group_norm")
def _group_norm(prim, arrays, params):
    x, groups = arrays[0], params["groups"]
    if x.ndim < 2 or x.shape[1] % groups:
        raise ValueError("group_norm: channels not divisible by groups")
    _check_affine(x, arrays, x.shape[1:2])
    stat = ((x.shape[0], groups), _stat_dtype(x.dtype))
    return (x.shape, x.dtype), stat, stat


@rule("batch_norm")
def _batch_norm(prim, arrays, params):
    x = arrays[0]
    _check_affine(x, arrays, x.shape[1:2])
    stat = (x.shape[1:2], _stat_dtype(x.dtype))
    return (x.shape, x.dtype), stat, stat


# ---- attention -------------------------------------------------------------------------------
@rule("sdpa")
def _sdpa(prim, arrays, params):
    q, k, v = arrays[:3]
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError("sdpa: query/key/value sizes do not fit")
    scores = np.broadcast_shapes(q.shape[:-2], k.shape[:-2])  # the row statistics (lse) have the scores' batch
    batch = np.broadcast_shapes(scores, v.shape[:-2])
    shape = batch + (q.shape[-2], v.shape[-1])
    if q.dtype in _FUSED_ATTENTION and 0 not in shape and k.shape[-2]:
        # The fused kernel lays its output out like the query (the merge of heads after it is a
        # view) and keeps one row statistic per output row.
        out = laid_out_like(np.broadcast_to(q, batch + q.shape[-2:]), shape, q.dtype)
        return out, (shape[:-1], q.dtype)
    return (shape, q.dtype), (scores + q.shape[-2:-1], _stat_dtype(q.dtype))


# ---- embedding -------------------------------------------------------------------------------
@rule("embedding")
def _embedding(prim, arrays, params):
    w, idx = arrays
    if idx.size and w.shape[0] == 0:
        raise IndexError("lookup in an empty table")
    return idx.shape + w.shape[1:], w.dtype


@rule("embedding_backward")
def _embedding_backward(prim, arrays, params):
    g = arrays[0]
    return (params["num_weights"], g.shape[-1]), g.dtype


# ---- losses ----------------------------------------------------------------------------------
def _loss_shape(x, t, params):
    if x.ndim != 2 or t.shape != x.shape[:1]:
        raise ValueError("loss: input (N, C) and target (N,) expected")
    return x.shape[:1] if params["reduction"] == "none" else ()


@rule("cross_entropy")
def _cross_entropy(prim, arrays, params):
    x, t = arrays[:2]
    return (_loss_shape(x, t, params), x.dtype), (x.shape[:1], _stat_dtype(x.dtype))


@rule("nll_loss")
def _nll_loss(prim, arrays, params):
    x, t = arrays[:2]
    return _loss_shape(x, t, params), x.dtype


@rule("ctc_loss")
def _ctc_loss(prim, arrays, params):
    lp, targets = arrays[:2]
    if params["concat"]:
        return None  # the padded target length is the largest target length: a value
    t_max, n = lp.shape[:2]
    return ((n,), lp.dtype), ((t_max, n, 2 * targets.shape[1] + 1), np.dtype(np.float64))


# ---- linear algebra (batched over leading dims) ----------------------------------------------
def _square(a):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError("expected square matrices")
    return a.shape[:-2]


@rule("inv", "cholesky")
def _inv(prim, arrays, params):
    a = arrays[0]
    return (a.shape, a.dtype), (_square(a), _I32)


@rule("det")
def _det(prim, arrays, params):
    return _square(arrays[0]), arrays[0].dtype


@rule("slogdet")
def _slogdet(prim, arrays, params):
    batch = _square(arrays[0])
    return (batch, arrays[0].dtype), (batch, arrays[0].dtype)


@rule("eigvalsh")
def _eigvalsh(prim, arrays, params):
    a = arrays[0]
    return _square(a) + a.shape[-1:], a.dtype


@rule("eigh")
def _eigh(prim, arrays, params):
    a = arrays[0]
    return (_square(a) + a.shape[-1:], a.dtype), (a.shape, a.dtype)


@rule("svdvals", "svd")
def _svd(prim, arrays, params):
    a = arrays[0]
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = min(m, n)
    s = (batch + (k,), a.dtype)
    if prim.name == "svdvals":
        return s
    full = params["full_matrices"]
    return (batch + (m, m if full else k), a.dtype), s, (batch + (n if full else k, n), a.dtype)


@rule("qr")
def _qr(prim, arrays, params):
    a, mode = arrays[0], params["mode"]
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = m if mode == "complete" else min(m, n)
    q = ((0,), a.dtype) if mode == "r" else (batch + (m, k), a.dtype)
    return q, (batch + (k, n), a.dtype)


@rule("solve", "solve_triangular")
def _solve(prim, arrays, params):
    a, b = arrays
    batch = np.broadcast_shapes(_square(a), b.shape[:-2])
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise ValueError("solve: right-hand side does not fit")
    x = (batch + b.shape[-2:], np.result_type(a.dtype, b.dtype))
    return x if prim.name == "solve_triangular" else (x, (batch, _I32))


@rule("lstsq")
def _lstsq(prim, arrays, params):
    a, b = arrays
    if a.ndim < 2 or b.ndim < 2 or b.shape[-2] != a.shape[-2]:
        raise ValueError("lstsq: right-hand side does not fit")
    return np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (a.shape[-1], b.shape[-1]), a.dtype
