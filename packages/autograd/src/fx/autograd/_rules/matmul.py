"""Rules: the product primitives of fx.tensor (_ops/matmul.py "matmul", _ops/einsum.py "einsum")."""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._ops.einsum import P_einsum
from fx.tensor._ops.matmul import P_matmul
from fx.tensor._ops.views import P_expand, P_permute, P_view

from . import rule


def mT(x):
    """Swap the last two dims (a view)."""
    n = x._data.ndim
    return P_permute(x, dims=tuple(range(n - 2)) + (n - 1, n - 2))


@rule("matmul")
def _matmul(ctx, g):
    # NumPy's rules: a 1-d left operand is a row (m,) -> (1, m), a 1-d right operand a column;
    # the added dim is dropped from the result, so it is added back to g here. The engine sums
    # broadcast batch dims.
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    na, nb = a._data.ndim, b._data.ndim
    ga = gb = None
    if na == 1 and nb == 1:
        return (g * b if need_a else None), (g * a if need_b else None)
    if na == 1:  # (m,) @ (..., m, p) -> (..., p)
        g2 = g.unsqueeze(-2)
        if need_a:
            ga = P_matmul(g2, mT(b)).squeeze(-2)
        if need_b:
            gb = P_matmul(a.unsqueeze(-1), g2)
        return ga, gb
    if nb == 1:  # (..., n, m) @ (m,) -> (..., n)
        g2 = g.unsqueeze(-1)
        if need_a:
            ga = P_matmul(g2, b.unsqueeze(-2))
        if need_b:
            gb = P_matmul(mT(a), g2).squeeze(-1)
        return ga, gb
    # Each gradient is laid out like its operand (2-d): a transposed operand (the weight of
    # x @ w.t()) gets a transposed product, which the permute's rule turns back into a dense
    # matrix that becomes the leaf's .grad without a copy.
    if need_a:
        ga = mT(P_matmul(b, mT(g))) if na == 2 and _transposed(a) else P_matmul(g, mT(b))
    if need_b:
        gb = mT(P_matmul(mT(g), a)) if nb == 2 and _transposed(b) else P_matmul(mT(a), g)
    return ga, gb


def _transposed(x):
    f = x._data.flags
    return f.f_contiguous and not f.c_contiguous


def _parse(equation):
    lhs, out = equation.split("->")
    return lhs.split(","), out


@rule("einsum")
def _einsum(ctx, g):
    terms, out = _parse(ctx.params["equation"])
    operands = ctx.inputs
    grads = []
    for k, need in enumerate(ctx.needs_input_grad):
        grads.append(_einsum_operand_grad(g, out, operands, terms, k) if need else None)
    return tuple(grads) if len(grads) > 1 else grads[0]


def _einsum_operand_grad(g, out, operands, terms, k):
    """d/d operand k: g contracted with the other operands into operand k's letters, then expanded
    over letters only operand k has (and broadcast size-1 letters), then put on the diagonal for
    letters operand k repeats."""
    term = terms[k]
    shape = operands[k]._data.shape
    own = {}
    for c, n in zip(term, shape):
        own.setdefault(c, n)
    letters = "".join(own)  # operand k's letters, each once, in order of first appearance
    others = [t for i, t in enumerate(terms) if i != k]
    seen = set(out).union(*others)
    present = "".join(c for c in letters if c in seen)
    if present == out and not others:
        r = g
    else:
        sub = ",".join([out] + others) + "->" + present
        r = P_einsum(g, *[o for i, o in enumerate(operands) if i != k], equation=sub)
    if len(present) != len(letters):  # letters summed away inside operand k: broadcast back over them
        r = P_view(r, shape=tuple(r._data.shape[present.index(c)] if c in present else 1 for c in letters))
    sizes = tuple(max(n, own[c]) for c, n in zip(letters, r._data.shape))
    if sizes != r._data.shape:
        r = P_expand(r, shape=sizes)
    if len(letters) == len(term):
        return r if letters == term else P_permute(r, dims=tuple(letters.index(c) for c in term))
    return _embed_diagonals(r, letters, term, dict(zip(letters, sizes)))


def _embed_diagonals(r, letters, term, sizes):
    """r (indexed by `letters`) placed on the diagonals of a tensor indexed by `term`, whose repeated
    letters get a fresh letter each, tied to the first occurrence by an identity matrix."""
    used = set(letters)
    fresh = (c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used)
    target, eyes, seen = [], [], set()
    for c in term:
        if c in seen:
            d = next(fresh)
            eyes.append(c + d)
            target.append(d)
        else:
            seen.add(c)
            target.append(c)
    mats = [ft.eye(sizes[e[0]], dtype=r.dtype, device=r.device) for e in eyes]
    return P_einsum(r, *mats, equation=",".join([letters] + eyes) + "->" + "".join(target))
