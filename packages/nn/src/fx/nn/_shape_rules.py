"""Shape rules: the output shape and dtype of a primitive computed from its inputs' shapes and dtypes.

A rule is `fn(prim, arrays, params) -> (shape, dtype)`, a tuple of those for a primitive with
several outputs, or a meta array (_meta_array.py) when the output's memory layout matters: a view
primitive returns the NumPy view of its input (a view reads no data). None means the result
depends on the values (nonzero, a boolean mask index, a bincount without a fixed length) and the
caller runs the real kernel; so does a rule that raises, so invalid inputs fail with the kernel's
own error. `arrays` are the inputs' backend arrays: a rule reads their shapes, dtypes and strides,
never their values.

Rules for the families here (elementwise, reductions, scans, views, joining and padding,
indexing, sorting, copying, random draws); nn-specific families are in _shape_rules_nn.py.
Elementwise and reduction rules take the output dtype from `probe`: the kernel run once on
one-element arrays of the same dtypes and ranks, so dtype promotion is the kernel's own.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["RULES", "rule", "probe", "reduced_shape", "same"]

RULES: dict = {}
_PROBES: dict = {}
I64 = np.dtype(np.int64)
BOOL = np.dtype(np.bool_)


def rule(*names):
    """Decorator: `fn` is the shape rule of the primitives `names`."""

    def register(fn):
        for name in names:
            RULES[name] = fn
        return fn

    return register


def probe(prim, arrays, params):
    """The output dtypes of `prim`'s CPU kernel for inputs of these dtypes and ranks (cached)."""
    try:
        key = (prim.name, tuple((a.dtype, a.ndim) for a in arrays), tuple(sorted(params.items())))
        hit = _PROBES.get(key)
    except TypeError:  # an unhashable param: probe every time
        key, hit = None, None
    if hit is None:
        tiny = [np.zeros((1,) * a.ndim, a.dtype) for a in arrays]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = prim.kernels[np.ndarray](*tiny, **params)
        hit = tuple(np.asarray(o).dtype for o in (out if isinstance(out, tuple) else (out,)))
        if key is not None:
            _PROBES[key] = hit
    return hit


def same(prim, arrays, params):
    """The output is shaped and typed like input 0."""
    return arrays[0].shape, arrays[0].dtype


def _dims(dims, ndim):
    if dims is None:
        return set(range(ndim))
    if isinstance(dims, (int, np.integer)):
        dims = (dims,)
    return {d % ndim for d in dims} if ndim else set()


def reduced_shape(shape, dims, keepdim):
    """`shape` with `dims` (None: all) reduced away, or kept as size 1 with `keepdim`."""
    gone = _dims(dims, len(shape))
    return tuple(1 if i in gone else s for i, s in enumerate(shape) if keepdim or i not in gone)


def _nonempty(x):
    """Extremum reductions of an empty input raise in the kernel; running it costs nothing."""
    if x.size == 0:
        raise ValueError("empty input: let the kernel decide")


# ---- elementwise -----------------------------------------------------------------------------
_UNARY = (
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos",
    "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf", "erfc", "erfinv", "reciprocal",
    "silu", "mish", "selu", "lgamma", "digamma", "neg", "abs", "sign", "floor", "ceil", "trunc", "relu", "square",
    "isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit", "logical_not", "bitwise_not", "gelu",
    "softplus", "logit", "round", "clamp", "nan_to_num", "pow_scalar", "elu", "leaky_relu", "hardtanh", "celu",
    "threshold", "i0", "i1", "polygamma", "frexp",
)
_BINARY = (
    "add", "sub", "mul", "div", "pow", "maximum", "minimum", "fmax", "fmin", "atan2", "hypot", "copysign",
    "remainder", "fmod", "div_floor", "div_trunc", "xlogy", "eq", "ne", "lt", "le", "gt", "ge", "logical_and",
    "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
    "bitwise_right_shift", "where", "gcd", "lcm", "heaviside", "nextafter", "logaddexp",
)


@rule(*_UNARY, *_BINARY)
def _elementwise(prim, arrays, params):
    shape = np.broadcast_shapes(*[a.shape for a in arrays])
    dtypes = probe(prim, arrays, params)
    return (shape, dtypes[0]) if prim.nout == 1 else tuple((shape, dt) for dt in dtypes)


# ---- reductions and scans --------------------------------------------------------------------
@rule("sum", "mean", "prod", "var", "std", "logsumexp", "vector_norm", "all", "any")
def _reduction(prim, arrays, params):
    x = arrays[0]
    return reduced_shape(x.shape, params.get("dims"), params.get("keepdim", False)), probe(prim, arrays, params)[0]


@rule("amax", "amin")
def _extremum(prim, arrays, params):
    x = arrays[0]
    _nonempty(x)
    return reduced_shape(x.shape, params.get("dims"), params.get("keepdim", False)), x.dtype


@rule("argmax", "argmin")
def _arg_extremum(prim, arrays, params):
    x, dim, keepdim = arrays[0], params.get("dim"), params.get("keepdim", False)
    _nonempty(x)
    if dim is None:
        return ((1,) * x.ndim if keepdim else ()), I64
    return reduced_shape(x.shape, dim, keepdim), I64


@rule("max_dim", "min_dim", "mode", "median", "kthvalue")
def _value_index(prim, arrays, params):
    x, dim, keepdim = arrays[0], params.get("dim"), params.get("keepdim", False)
    if prim.name == "kthvalue" and x.ndim and not 1 <= params["k"] <= x.shape[dim]:
        raise ValueError("k out of range")
    _nonempty(x)
    if dim is None:
        shape = () if prim.name == "median" else x.shape
    elif not x.ndim:
        shape = ()
    else:
        shape = reduced_shape(x.shape, dim, keepdim)
    return (shape, x.dtype), (shape, I64)


@rule("cumsum", "cumprod", "logcumsumexp")
def _scan(prim, arrays, params):
    return arrays[0].shape, probe(prim, arrays, params)[0]


@rule("cummax", "cummin", "sort")
def _scan_index(prim, arrays, params):
    x = arrays[0]
    return (x.shape, x.dtype), (x.shape, I64)


@rule("topk")
def _topk(prim, arrays, params):
    x, k, dim = arrays[0], params["k"], params["dim"]
    if not x.ndim:
        return (x.shape, x.dtype), ((), I64)
    if not 0 <= k <= x.shape[dim]:
        raise ValueError("k out of range")
    shape = x.shape[:dim] + (k,) + x.shape[dim + 1:]
    return (shape, x.dtype), (shape, I64)


# ---- copying and views -----------------------------------------------------------------------
rule("clone", "flip", "roll", "tril", "triu", "scatter", "scatter_reduce", "index_put")(same)


@rule("cast")
def _cast(prim, arrays, params):
    return arrays[0].shape, np.dtype(params["dtype"])


@rule("to_device")
def _to_device(prim, arrays, params):
    return same(prim, arrays, params) if params["device"].type == "cpu" else None


@rule("copy_")
def _copy_into(prim, arrays, params):
    dst, src = arrays
    if np.broadcast_shapes(dst.shape, src.shape) != dst.shape:
        raise ValueError("source does not broadcast to the destination")
    return dst.shape, dst.dtype


@rule("view", "permute", "expand", "slice", "getitem_basic")
def _numpy_view(prim, arrays, params):
    # These kernels return a NumPy view (it reads no data): the view itself is the meta output,
    # so its strides, and every later view-or-copy decision, are those of a real run.
    return prim.kernels[np.ndarray](*arrays, **params)


@rule("as_strided")
def _as_strided(prim, arrays, params):
    return tuple(params["size"]), arrays[0].dtype


@rule("setitem_basic")
def _setitem(prim, arrays, params):
    x, value = arrays
    key = tuple(slice(*k) if isinstance(k, tuple) else k for k in params["key"]) + (Ellipsis,)
    target = x[key].shape  # basic indexing: a view, whatever x holds
    if np.broadcast_shapes(target, value.shape) != target:
        raise ValueError("value does not broadcast to the indexed part")
    return x.shape, x.dtype


# ---- joining, padding, diagonals -------------------------------------------------------------
@rule("cat")
def _cat(prim, arrays, params):
    dim = params["dim"]
    first = arrays[0].shape
    for a in arrays[1:]:
        if a.ndim != len(first) or any(s != f for i, (s, f) in enumerate(zip(a.shape, first)) if i != dim):
            raise ValueError("cat: shapes differ outside the joined dim")
    shape = list(first)
    shape[dim] = sum(a.shape[dim] for a in arrays)
    return tuple(shape), arrays[0].dtype


def _pad_widths(pads, ndim):
    widths = [(0, 0)] * ndim
    for i in range(len(pads) // 2):
        widths[ndim - 1 - i] = (pads[2 * i], pads[2 * i + 1])
    return widths


@rule("pad")
def _pad(prim, arrays, params):
    # Negative widths crop first, positive ones then grow the cropped input (the kernel's order).
    x = arrays[0]
    return tuple(max(n + min(lo, 0) + min(hi, 0), 0) + max(lo, 0) + max(hi, 0)
                 for n, (lo, hi) in zip(x.shape, _pad_widths(params["pads"], x.ndim))), x.dtype


@rule("pad_backward")
def _pad_backward(prim, arrays, params):
    g = arrays[0]
    return tuple(n - lo - hi for n, (lo, hi) in zip(g.shape, _pad_widths(params["pads"], g.ndim))), g.dtype


@rule("diag_embed")
def _diag_embed(prim, arrays, params):
    x = arrays[0]
    m = x.shape[-1] + abs(params["offset"])
    shape = list(x.shape[:-1])
    for d in sorted((params["dim1"], params["dim2"])):
        shape.insert(d, m)
    return tuple(shape), x.dtype


@rule("repeat_interleave")
def _repeat_interleave(prim, arrays, params):
    n = params["output_size"]
    return None if n is None else ((n,), arrays[0].dtype)


# ---- indexing --------------------------------------------------------------------------------
@rule("gather")
def _gather(prim, arrays, params):
    return arrays[1].shape, arrays[0].dtype


@rule("index")
def _index(prim, arrays, params):
    x, indices, dims = arrays[0], arrays[1:], params["dims"]
    if any(i.dtype.kind == "b" for i in indices):
        return None  # a boolean mask selects as many elements as it has True values
    for d in dims:
        if x.shape[d] == 0:
            raise IndexError("index into an empty dim")
    picked = np.broadcast_shapes(*[i.shape for i in indices])
    rest = [s for d, s in enumerate(x.shape) if d not in dims]
    if list(dims) == list(range(dims[0], dims[0] + len(dims))):  # adjacent: the result dims stay in place
        return x.shape[:dims[0]] + picked + x.shape[dims[-1] + 1:], x.dtype
    return picked + tuple(rest), x.dtype


# ---- sorting, searching, histograms ----------------------------------------------------------
@rule("searchsorted")
def _searchsorted(prim, arrays, params):
    return arrays[1].shape, np.dtype(np.int32 if params["out_int32"] else np.int64)


@rule("isin")
def _isin(prim, arrays, params):
    return arrays[0].shape, BOOL


@rule("histc")
def _histc(prim, arrays, params):
    lo, hi = params["min"], params["max"]
    if lo == hi or not (np.isfinite(lo) and np.isfinite(hi)):
        return None  # the range comes from the data
    return (params["bins"],), arrays[0].dtype


@rule("histogram_bin_edges")
def _bin_edges(prim, arrays, params):
    return None if params["range"] is None else ((params["bins"] + 1,), arrays[0].dtype)


@rule("histogram")
def _histogram(prim, arrays, params):
    return (arrays[1].shape[0] - 1,), arrays[0].dtype


# ---- random draws (the in-place fills keep their target) -------------------------------------
@rule("multinomial")
def _multinomial(prim, arrays, params):
    return arrays[0].shape[:-1] + (params["num_samples"],), I64


@rule("poisson")
def _poisson(prim, arrays, params):
    return arrays[0].shape, probe(prim, arrays, params)[0]
