"""einsum (equation and sublist forms, PyTorch's checks and broadcasting) and cross.

Primitive "einsum" (param `equation`): an explicit equation with one letter per dim and no
ellipsis ("ab,bc->ac"); size-1 dims broadcast. Its derivative wrt operand k is again an einsum of
the output gradient with the other operands, into operand k's subscripts (a letter repeated in or
private to operand k needs a diagonal embedding or an expand afterwards).
"""

from __future__ import annotations

import functools
import string

from .._dispatch import define
from .._tensor import Tensor, _wrap_dim, tensor_method
from ._common import check_tensor, finish
from .views import broadcast_shapes

P_einsum = define("einsum")

__all__ = ["einsum", "cross"]

_LETTERS = frozenset(string.ascii_letters)
# Sublist ints 0..51 map to letters in ASCII order, so the implicit output order is numeric order.
_SUBLIST_LETTERS = string.ascii_uppercase + string.ascii_lowercase


def einsum(*args):
    """Sum of products over the subscripts of `equation` ("ij,jk->ik", "...ij,...jk", "ii", "i,j->ij"),
    or the sublist form `einsum(a, [0, 1], b, [1, 2], [0, 2])`.

    Example:
        >>> ft.einsum("ij,j->i", ft.ones(2, 3), ft.ones(3)).tolist()
        [3.0, 3.0]
    """
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, "
                        "or at least one operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    for i, t in enumerate(operands):
        check_tensor(t, "einsum", f"operands[{i}]")
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    dt = operands[0]._data.dtype
    for t in operands[1:]:
        if t._data.dtype != dt:
            raise RuntimeError(f"einsum(): expected all operands to have the same dtype, but got "
                               f"{operands[0].dtype.name} and {t.dtype.name}")
    if dt.kind == "b":
        raise RuntimeError("\"einsum\" not implemented for 'Bool'")
    return P_einsum(*operands, equation=_canonical(equation, tuple([t._data.shape for t in operands])))


def _sublist_equation(args):
    operands, terms = [], []
    for i in range(0, len(args) - 1, 2):
        operands.append(args[i])
        terms.append(_sublist_term(args[i + 1]))
    out = _sublist_term(args[-1]) if len(args) % 2 else None
    return ",".join(terms) + ("" if out is None else "->" + out), tuple(operands)


def _sublist_term(sub):
    if isinstance(sub, Tensor) or not isinstance(sub, (list, tuple)):
        raise TypeError(f"einsum(): expected a list of subscripts, got {type(sub).__name__}")
    chars = []
    for s in sub:
        if s is Ellipsis:
            chars.append("...")
        elif isinstance(s, int) and 0 <= s < 52:
            chars.append(_SUBLIST_LETTERS[s])
        else:
            raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
    return "".join(chars)


def _split_term(term, k):
    """(letters before '...', letters after, has_ellipsis) for operand k's subscripts."""
    head, dots, tail = term.partition("...")
    if "." in head or "." in tail:
        which = "for which an ellipsis was already found" if dots else "that is not part of any ellipsis"
        raise RuntimeError(f"einsum(): found '.' for operand {k} {which}")
    return head, tail, bool(dots)


@functools.lru_cache(maxsize=1024)
def _canonical(equation, shapes):
    """The explicit, ellipsis-free equation for operands of `shapes`, after PyTorch's validation."""
    arrow = equation.find("->")
    for i, c in enumerate(equation):
        in_arrow = 0 <= arrow <= i <= arrow + 1
        if c in _LETTERS or c in ". " or in_arrow or (c == "," and (arrow < 0 or i < arrow)):
            continue
        raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, subscripts must be "
                           "in [a-zA-Z]")
    eq = equation.replace(" ", "")
    lhs, has_out, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    parts = []
    n_ell = 0
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        head, tail, ell = _split_term(term, k)
        nd, nl = len(shape), len(head) + len(tail)
        if not ell and nl != nd:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nl}) does not match the number "
                               f"of dimensions ({nd}) for operand {k} and no ellipsis was given")
        if nl > nd:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nl}) is more than the number of "
                               f"dimensions ({nd}) for operand {k}")
        parts.append((head, tail, nd - nl))
        n_ell = max(n_ell, nd - nl)
    used = set(eq) & _LETTERS
    spare = [c for c in _SUBLIST_LETTERS if c not in used]
    if len(spare) < n_ell:
        raise RuntimeError("einsum(): too many dimensions: out of subscript letters for the ellipsis")
    ell_letters = "".join(spare[:n_ell])
    subs = [head + ell_letters[n_ell - e:] + tail for head, tail, e in parts]
    sizes = _letter_sizes(subs, shapes)
    if has_out:
        head, tail, ell = _split_term(rhs, "output")
        out = head + (ell_letters if ell else "") + tail
        for c in head + tail:
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   "operand")
            if out.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
    else:
        counts = {}
        for s in subs:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = ell_letters + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell_letters))
    return ",".join(subs) + "->" + out


def _letter_sizes(subs, shapes):
    """Size of each letter; PyTorch's errors for repeated letters and sizes that do not broadcast."""
    sizes = {}
    for k, (s, shape) in enumerate(zip(subs, shapes)):
        mine = {}
        for c, n in zip(s, shape):
            if c in mine and mine[c] != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't match, "
                                   f"{n} != {mine[c]}")
            mine[c] = n
        for c, n in mine.items():
            seen = sizes.get(c)
            if seen is None or seen == 1:
                sizes[c] = n
            elif n != 1 and n != seen:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not broadcast "
                                   f"with previously seen size {seen}")
    return sizes


# Levi-Civita symbol eps[i, j, k]: cross(a, b)_i = sum_jk eps_ijk a_j b_k.
_EPS = [[[0, 0, 0], [0, 0, 1], [0, -1, 0]], [[0, 0, -1], [0, 0, 0], [1, 0, 0]], [[0, 1, 0], [-1, 0, 0], [0, 0, 0]]]
_EPS_CACHE: dict = {}


def _levi_civita(like):
    key = (like.dtype, like.device)
    eps = _EPS_CACHE.get(key)
    if eps is None:
        from .._factory import tensor

        eps = _EPS_CACHE[key] = tensor(_EPS, dtype=like.dtype, device=like.device)
    return eps


def linalg_cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along `dim`; other dims broadcast (same number of dims required)."""
    return finish(_cross(input, other, dim, "linalg.cross"), out, "linalg.cross")


def cross(input, other, dim=None, *, out=None):
    """Cross product along `dim` (default: the first dim of size 3, as in PyTorch)."""
    check_tensor(input, "cross")
    check_tensor(other, "cross", "other")
    if dim is None:
        dim = next((i for i, s in enumerate(input._data.shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("cross: no dimension of size 3 in input")
    return finish(_cross(input, other, dim, "linalg.cross"), out, "cross")


def _cross(a, b, dim, op):
    check_tensor(a, op)
    check_tensor(b, op, "other")
    n = a._data.ndim
    if b._data.ndim != n:
        raise RuntimeError(f"{op}: inputs must have the same number of dimensions.")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{op}: expected both inputs to have the same dtype, but got {a.dtype.name} and "
                           f"{b.dtype.name}")
    if a._data.dtype.kind == "b":
        raise RuntimeError(f"\"{op}\" not implemented for 'Bool'")
    d = _wrap_dim(dim, n, op)
    if a._data.shape[d] != 3 or b._data.shape[d] != 3:
        raise RuntimeError(f"{op}: inputs dimension {dim} must have length 3. Got {a._data.shape[d]} and "
                           f"{b._data.shape[d]}")
    broadcast_shapes(a._data.shape, b._data.shape)
    letters = string.ascii_lowercase[:n]
    sub = [letters[:d] + c + letters[d + 1:] for c in "XYZ"]
    return P_einsum(a, b, _levi_civita(a), equation=f"{sub[1]},{sub[2]},XYZ->{sub[0]}")


tensor_method("cross")(cross)
