"""Which ops autocast changes, per device type: PyTorch's autocast op reference, in fx's names.

Three policies, as PyTorch names them: LOWER ("lower_precision_fp": floating inputs run in the
autocast dtype), FP32 (float16/bfloat16 inputs run in float32) and PROMOTE (floating inputs run in
the widest floating dtype among them). Ops on no list run in the dtypes they are given (binary ops
promote as usual). float64 and non-floating inputs are never cast.

PyTorch's autocast works on its public ops, so the tables name fx's public frontends
(`FRONTENDS`, qualified names found at import time) and, for work that reaches a kernel without
going through a listed frontend, primitives (`PRIMITIVES`). A policy may be a function of the call's
arguments returning one of the three or None (einsum multiplies matrices only when it contracts an
index; pad runs in float32 only in its reflect/replicate modes).

CUDA's lists are PyTorch's for CUDA, limited to what fx implements; its float32 elementwise ops
(exp, log, pow, ...) are primitives here, so CPU calls pay nothing for them.
"""

from __future__ import annotations

LOWER = "lower_precision_fp"
FP32 = "fp32"
PROMOTE = "promote"


def _einsum_policy(args, kwargs):
    """einsum runs as batched matrix products (autocast) when two operands share a summed index, and
    as elementwise products (which promote) when they share none; one operand is a sum or a view."""
    equation = args[0] if args else kwargs.get("equation")
    if not isinstance(equation, str):
        return None
    lhs, _, out = equation.replace(" ", "").partition("->")
    terms = lhs.split(",")
    if len(terms) < 2:
        return None
    if not _:
        letters = "".join(terms)
        out = "".join(sorted(c for c in set(letters) if c.isalpha() and letters.count(c) == 1))
    summed = {c for c in "".join(terms) if c.isalpha() and c not in out}
    return LOWER if any(sum(c in t for t in terms) > 1 for c in summed) else PROMOTE


def _pad_policy(args, kwargs):
    mode = args[2] if len(args) > 2 else kwargs.get("mode", "constant")
    return FP32 if mode in ("reflect", "replicate") else None


_MATMULS = ("fx.tensor.matmul", "fx.tensor.mm", "fx.tensor.bmm", "fx.tensor.addmm", "fx.tensor.addbmm",
            "fx.tensor.baddbmm", "fx.tensor.linalg.vecdot")
_CONVS = ("fx.tensor.conv1d", "fx.tensor.conv2d", "fx.tensor.conv_transpose1d", "fx.tensor.conv_transpose2d",
          "fx.tensor._ops.attention.scaled_dot_product_attention")
_LINALG_FP32 = ("fx.tensor.cholesky", "fx.tensor.cholesky_inverse", "fx.tensor.cholesky_solve", "fx.tensor.inverse",
                "fx.tensor.qr", "fx.tensor.svd", "fx.tensor.linalg.inv", "fx.tensor.linalg.inv_ex",
                "fx.tensor.linalg.solve", "fx.tensor.linalg.solve_ex", "fx.tensor.linalg.cholesky",
                "fx.tensor.linalg.cholesky_ex", "fx.tensor.linalg.qr", "fx.tensor.linalg.svd", "fx.tensor.linalg.svdvals",
                "fx.tensor.linalg.eigh", "fx.tensor.linalg.eigvalsh", "fx.tensor.linalg.lstsq",
                "fx.tensor.linalg.matrix_rank", "fx.tensor.linalg.cond")
_LOSSES_FP32 = ("fx.tensor._ops.loss.cross_entropy_indices", "fx.tensor._ops.loss.nll_loss_2d")

FRONTENDS = {
    "cpu": {
        **dict.fromkeys(_MATMULS + _CONVS, LOWER),
        "fx.tensor.einsum": _einsum_policy,
        **dict.fromkeys(_LINALG_FP32 + _LOSSES_FP32, FP32),
        **dict.fromkeys(("fx.tensor.prod", "fx.tensor.trace", "fx.tensor.cdist", "fx.tensor.pinverse",
                         "fx.tensor.quantile", "fx.tensor.nanquantile"), FP32),
        "fx.tensor.pad": _pad_policy,
        "fx.tensor.index_copy": PROMOTE,
    },
    "cuda": {
        **dict.fromkeys(_MATMULS + _CONVS + ("fx.tensor.mv", "fx.tensor.addmv", "fx.tensor.addr",
                                             "fx.tensor.linalg.multi_dot"), LOWER),
        "fx.tensor.einsum": _einsum_policy,
        **dict.fromkeys(_LOSSES_FP32 + ("fx.tensor.prod", "fx.tensor.cdist"), FP32),
        **dict.fromkeys(("fx.tensor.dot", "fx.tensor.tensordot", "fx.tensor.index_copy"), PROMOTE),
    },
}

PRIMITIVES = {
    "cpu": dict.fromkeys(("cross_entropy", "nll_loss", "ctc_loss"), FP32),
    "cuda": {
        **dict.fromkeys(("cross_entropy", "nll_loss", "ctc_loss", "softmax", "log_softmax", "layer_norm",
                         "group_norm", "exp", "expm1", "log", "log10", "log1p", "log2", "pow", "pow_scalar",
                         "reciprocal", "rsqrt", "sinh", "cosh", "tan", "acos", "asin", "erfinv", "cumsum", "cumprod",
                         "vector_norm", "softplus"), FP32),
        **dict.fromkeys(("atan2",), PROMOTE),
    },
}

# PyTorch's default autocast dtype per device type.
DEFAULT_DTYPES = {"cpu": "bfloat16", "cuda": "float16"}
