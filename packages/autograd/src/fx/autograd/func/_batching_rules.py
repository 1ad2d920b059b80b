"""Batching rules: how each fx.tensor primitive runs once on a whole vmap batch.

A rule is `fn(lv, prim, inputs, params) -> output(s)`, called by the vmap level `lv`'s interposer
when at least one input is batched at that level. It rewrites the call for the physical tensors
(batch in dim 0): shifts dim params by one, prepends the batch size to shape params, aligns the
ranks of broadcasting operands, then runs the primitive once with `run` (the next interposer, the
autograd recorder or the kernel) and wraps the result back. Rules never loop over the batch.

Families live here (elementwise, reductions, dim ops, views, linear algebra, matmul, einsum, cat);
indexing, random and neural-network ops in `_batching_index.py`, `_batching_random.py` and
`_batching_nn.py`. Primitives whose output shape depends on the data (nonzero, unique, ...) are
listed in `UNSUPPORTED`. A new primitive needs an entry in one of the tables or its own rule
(test_vmap.py checks that every primitive has one).
"""

from __future__ import annotations

import math
import string

from fx.tensor._ops.views import P_expand, P_view

from ._batched import BatchedTensor, make

RULES: dict = {}
UNSUPPORTED: dict = {}


def batching_rule(*names):
    """Register `fn` as the batching rule of the primitives `names`."""

    def register(fn):
        for n in names:
            if n in RULES:
                raise ValueError(f"a batching rule for {n!r} is already registered")
            RULES[n] = fn
        return fn

    return register


def unsupported(reason, *names):
    for n in names:
        UNSUPPORTED[n] = reason


# ---- helpers -----------------------------------------------------------------------------------
def run(lv, prim, inputs, params):
    """Run `prim` on physical inputs below this level (outer vmaps, autograd, the kernel)."""
    return prim.call_next(lv.interpose, tuple(inputs), params)


def wrap(lv, out):
    if out.__class__ is tuple:
        return tuple([make(o, lv.id) for o in out])
    return make(out, lv.id)


def bat(t, lv):
    """The physical tensor of `t` if it is batched at `lv`, else None."""
    if t.__class__ is BatchedTensor and t._lvl == lv.id:
        return t._phys
    return None


def pad_rank(p, k, r):
    """Physical `p` (batch + k logical dims) with r - k size-1 dims inserted after the batch dim."""
    if k >= r:
        return p
    s = p._data.shape
    return P_view(p, shape=(s[0],) + (1,) * (r - k) + s[1:])


def batched_like(t, lv):
    """Physical form of `t` at level `lv`: its batch, or a broadcast (expand, no copy) of it."""
    p = bat(t, lv)
    if p is not None:
        return p
    s = t._data.shape
    return P_expand(P_view(t, shape=(1,) + s), shape=(lv.size,) + s)


def logical_ndim(t):
    return t._data.ndim


def _shift(dims):
    return tuple(d + 1 for d in dims)


def _reshape(p, shape):
    """A view of `p` with `shape` when the strides allow, else a copy (like Tensor.reshape)."""
    try:
        return P_view(p, shape=shape)
    except RuntimeError:
        return P_view(p.clone(), shape=shape)


# ---- elementwise -------------------------------------------------------------------------------
UNARY = (
    "cast", "clone", "to_device",
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan",
    "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf",
    "erfc", "erfinv", "reciprocal", "silu", "mish", "selu", "lgamma", "digamma", "neg", "abs", "sign",
    "floor", "ceil", "trunc", "relu", "square", "gelu", "softplus", "logit", "round", "clamp",
    "nan_to_num", "pow_scalar", "elu", "leaky_relu", "hardtanh", "celu", "threshold", "isnan", "isinf",
    "isfinite", "isposinf", "isneginf", "signbit", "logical_not", "bitwise_not",
    # on trailing dims only, so the batch dim rides along
    "tril", "triu", "pad", "pad_backward", "inv", "cholesky", "det", "slogdet", "svd", "svdvals",
    "eigh", "eigvalsh",
)
BROADCASTING = (
    "add", "sub", "mul", "div", "pow", "maximum", "minimum", "fmax", "fmin", "atan2", "hypot",
    "copysign", "remainder", "fmod", "div_floor", "div_trunc", "xlogy", "eq", "ne", "lt", "le", "gt",
    "ge", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor",
    "bitwise_left_shift", "bitwise_right_shift", "where",
)


@batching_rule(*UNARY)
def _unary(lv, prim, inputs, params):
    return wrap(lv, run(lv, prim, (inputs[0]._phys,), params))


def aligned(lv, inputs, full=False):
    """Physical operands of a broadcasting op: batched ones padded to the common logical rank
    (so the batch dim is not aligned with a logical dim); with `full`, unbatched ones get a
    leading size-1 dim and the same rank too (for kernels that treat ranks specially)."""
    r = max([t._data.ndim for t in inputs])
    out = []
    for t in inputs:
        p = bat(t, lv)
        k = t._data.ndim
        if p is not None:
            out.append(pad_rank(p, k, r))
        elif full:
            out.append(P_view(t, shape=(1,) * (r - k + 1) + t._data.shape))
        else:
            out.append(t)
    return out


@batching_rule(*BROADCASTING)
def _broadcasting(lv, prim, inputs, params):
    if len(inputs) == 2:  # the common case, without the general alignment
        a, b = inputs
        lid = lv.id
        if a.__class__ is BatchedTensor and b.__class__ is BatchedTensor and a._lvl == lid and b._lvl == lid \
                and a._data.ndim == b._data.ndim:
            return make(prim.call_next(lv.interpose, (a._phys, b._phys), params), lid)
    return wrap(lv, run(lv, prim, aligned(lv, inputs), params))


@batching_rule("solve", "lstsq", "solve_triangular")
def _matrix_pair(lv, prim, inputs, params):
    return wrap(lv, run(lv, prim, aligned(lv, inputs, full=True), params))


# ---- reductions and dim ops --------------------------------------------------------------------
@batching_rule("sum", "mean", "prod", "amax", "amin", "var", "std", "logsumexp", "vector_norm", "all", "any")
def _reduce(lv, prim, inputs, params):
    x = inputs[0]
    p = x._phys
    nd = x._data.ndim
    dims = params["dims"]
    params = dict(params)
    if nd == 0:
        p = P_view(p, shape=(p._data.shape[0], 1))
        params["dims"], params["keepdim"] = (1,), False
    else:
        params["dims"] = tuple(range(1, nd + 1)) if dims is None else _shift(dims)
    return wrap(lv, run(lv, prim, (p,), params))


def _over_last(lv, prim, p, params, out_shapes):
    """Run on (B, n) and reshape every output to its logical shape (0-d / flattened inputs)."""
    out = run(lv, prim, (p,), params)
    B = p._data.shape[0]
    if out.__class__ is tuple:
        return tuple([make(_reshape(o, (B,) + s), lv.id) for o, s in zip(out, out_shapes)])
    return make(_reshape(out, (B,) + out_shapes[0]), lv.id)


@batching_rule("cumsum", "cumprod", "cummax", "cummin", "max_dim", "min_dim", "argmax", "argmin", "median",
               "sort", "topk", "kthvalue", "mode")
def _one_dim(lv, prim, inputs, params):
    x = inputs[0]
    p = x._phys
    nd = x._data.ndim
    d = params["dim"]
    params = dict(params)
    if nd == 0 or d is None:
        # A 0-d input, or dim=None meaning "flattened": one row of n elements per example.
        s = p._data.shape
        if nd != 1:
            p = _reshape(p, (s[0], math.prod(s[1:])))
        keepdim = params.get("keepdim", False)
        params["dim"] = 1
        if "keepdim" in params:
            params["keepdim"] = False
        out_shape = (1,) * nd if keepdim else ()
        if nd == 0 and "k" in params:  # a 0-d input is its own top/k-th value, whatever k (fx's kernels)
            params["k"] = 1
        return _over_last(lv, prim, p, params, (out_shape,) * prim.nout)
    params["dim"] = d + 1
    return wrap(lv, run(lv, prim, (p,), params))


@batching_rule("softmax", "log_softmax", "softmax_backward", "log_softmax_backward")
def _dim_elementwise(lv, prim, inputs, params):
    """Ops along one `dim` of (broadcast-compatible) same-shape inputs: align ranks, shift dim."""
    if inputs[0]._data.ndim == 0:  # all inputs 0-d: one element per example along dim 1
        args = [P_view(p, shape=(lv.size, 1)) if p is not None else t for t, p in ((t, bat(t, lv)) for t in inputs)]
        return make(P_view(run(lv, prim, args, dict(params, dim=1)), shape=(lv.size,)), lv.id)
    return wrap(lv, run(lv, prim, aligned(lv, inputs), dict(params, dim=params["dim"] + 1)))


@batching_rule("flip")
def _flip(lv, prim, inputs, params):
    return wrap(lv, run(lv, prim, (inputs[0]._phys,), {"dims": _shift(params["dims"])}))


@batching_rule("roll")
def _roll(lv, prim, inputs, params):
    return wrap(lv, run(lv, prim, (inputs[0]._phys,), {"shifts": params["shifts"], "dims": _shift(params["dims"])}))


@batching_rule("diag_embed")
def _diag_embed(lv, prim, inputs, params):
    params = dict(params, dim1=params["dim1"] + 1, dim2=params["dim2"] + 1)
    return wrap(lv, run(lv, prim, (inputs[0]._phys,), params))


@batching_rule("qr")
def _qr(lv, prim, inputs, params):
    q, r = run(lv, prim, (inputs[0]._phys,), params)
    if params["mode"] == "r":  # Q is an empty (0,) placeholder: give it a batch dim too
        q = P_expand(P_view(q, shape=(1, 0)), shape=(r._data.shape[0], 0))
    return wrap(lv, (q, r))


# ---- views -------------------------------------------------------------------------------------
@batching_rule("view")
def _view(lv, prim, inputs, params):
    p = inputs[0]._phys
    shape = (p._data.shape[0],) + tuple(params["shape"])
    try:
        return wrap(lv, run(lv, prim, (p,), {"shape": shape}))
    except RuntimeError:
        # The batch layout (e.g. from in_dims != 0) forbids a view: copy, like reshape would.
        return wrap(lv, run(lv, prim, (p.clone(),), {"shape": shape}))


@batching_rule("permute")
def _permute(lv, prim, inputs, params):
    return wrap(lv, run(lv, prim, (inputs[0]._phys,), {"dims": (0,) + _shift(params["dims"])}))


@batching_rule("expand")
def _expand(lv, prim, inputs, params):
    x = inputs[0]
    shape = tuple(params["shape"])
    p = pad_rank(x._phys, x._data.ndim, len(shape))
    return wrap(lv, run(lv, prim, (p,), {"shape": (p._data.shape[0],) + shape}))


@batching_rule("slice")
def _slice(lv, prim, inputs, params):
    return wrap(lv, run(lv, prim, (inputs[0]._phys,), dict(params, dim=params["dim"] + 1)))


@batching_rule("as_strided")
def _as_strided(lv, prim, inputs, params):
    p = inputs[0]._phys
    bstride = p.stride(0)
    params = {"size": (p._data.shape[0],) + tuple(params["size"]),
              "stride": (bstride,) + tuple(params["stride"]), "storage_offset": params["storage_offset"]}
    return wrap(lv, run(lv, prim, (p,), params))


@batching_rule("copy_")
def _copy_(lv, prim, inputs, params):
    dst, src = inputs
    p = bat(dst, lv)
    if p is None:
        raise inplace_error(prim.name)
    s = bat(src, lv)
    s = src if s is None else pad_rank(s, src._data.ndim, dst._data.ndim)
    run(lv, prim, (p, s), params)
    return dst


def inplace_error(name):
    return RuntimeError(
        f"vmap: {name}(self, *extra_args) is not possible because there exists a Tensor `other` in extra_args "
        "that has more elements than `self`. This happened due to `other` being vmapped over but `self` not "
        "being vmapped over in a vmap. Please try to use out-of-place operators instead of inplace arithmetic."
    )


# ---- joining, matmul, einsum -------------------------------------------------------------------
@batching_rule("cat")
def _cat(lv, prim, inputs, params):
    return wrap(lv, run(lv, prim, [batched_like(t, lv) for t in inputs], {"dim": params["dim"] + 1}))


@batching_rule("matmul")
def _matmul(lv, prim, inputs, params):
    a, b = inputs
    pa, pb = bat(a, lv), bat(b, lv)
    na, nb = a._data.ndim, b._data.ndim
    if pa is None and nb == 1:
        # (..., k) @ (B, k): the batch of vectors as the right matrix (k, B) would misalign; use b @ a^T.
        if na == 1:
            return wrap(lv, run(lv, prim, (pb, a), params))
        pb = P_view(pb, shape=pb._data.shape[:1] + (1,) * (na - 2) + pb._data.shape[1:] + (1,))
        out = run(lv, prim, (a, pb), params)
        return wrap(lv, P_view(out, shape=out._data.shape[:-1]))
    if pb is None and na == 1:
        if nb <= 2:  # (B, k) @ (k, n) and (B, k) @ (k,) already are the batched products
            return wrap(lv, run(lv, prim, (pa, b), params))
        pa = P_view(pa, shape=pa._data.shape[:1] + (1,) * (nb - 2) + (1,) + pa._data.shape[1:])
        out = run(lv, prim, (pa, b), params)
        s = out._data.shape
        return wrap(lv, P_view(out, shape=s[:-2] + s[-1:]))
    if pb is None or pa is None:
        # The batched operand is the one with rank >= 2 here; pad it to the other's rank.
        r = max(na, nb)
        if pa is not None:
            pa = pad_rank(pa, na, r)
            return wrap(lv, run(lv, prim, (pa, b), params))
        pb = pad_rank(pb, nb, r)
        return wrap(lv, run(lv, prim, (a, pb), params))
    # Both batched: make both at least matrices of one rank, multiply, drop the added dims.
    sa, sb = pa._data.shape, pb._data.shape
    if na == 1:
        pa = P_view(pa, shape=sa[:1] + (1,) + sa[1:])
    if nb == 1:
        pb = P_view(pb, shape=sb + (1,))
    ka, kb = max(na, 2), max(nb, 2)
    r = max(ka, kb)
    out = run(lv, prim, (pad_rank(pa, ka, r), pad_rank(pb, kb, r)), params)
    s = out._data.shape
    if na == 1 and nb == 1:
        s = s[:1]
    elif na == 1:
        s = s[:-2] + s[-1:]
    elif nb == 1:
        s = s[:-1]
    else:
        return wrap(lv, out)
    return wrap(lv, P_view(out, shape=s))


@batching_rule("einsum")
def _einsum(lv, prim, inputs, params):
    eq = params["equation"]
    letter = next(c for c in string.ascii_letters if c not in eq)
    lhs, rhs = eq.split("->")
    terms = lhs.split(",")
    args = []
    for i, t in enumerate(inputs):
        p = bat(t, lv)
        if p is not None:
            terms[i] = letter + terms[i]
            args.append(p)
        else:
            args.append(t)
    return wrap(lv, run(lv, prim, args, {"equation": ",".join(terms) + "->" + letter + rhs}))


_DYNAMIC = "its output shape depends on the values of a batched input, so one shape for the whole batch does not exist"
unsupported(_DYNAMIC, "nonzero", "unique", "unique_consecutive", "bincount", "histc", "histogram",
            "histogram_bin_edges", "repeat_interleave")
