"""`assert_close`: PyTorch's torch.testing.assert_close for fx tensors, NumPy arrays, numbers and containers.

Inputs are paired up recursively (sequences by position, mappings by key); each leaf pair is
None/None, two booleans, two numbers or two tensor-likes (fx Tensors, or NumPy arrays, of directly
related types). Tensor-likes must agree in shape and, unless told otherwise, device, dtype and
(when asked) stride; then `|actual - expected| <= atol + rtol * |expected|` must hold everywhere.
The messages are PyTorch's, with fx's reprs (fx.tensor.Size, fx.tensor.float32).
"""

from __future__ import annotations

import cmath
import collections.abc
import contextlib

import numpy as np

from .. import _dtype
from .._dtype import FROM_NP
from .._tensor import Tensor

__all__ = ["assert_close"]

# {dtype: (rtol, atol)}: PyTorch's defaults; other dtypes compare exactly.
_TOLERANCES = {
    _dtype.float16: (0.001, 1e-5),
    _dtype.bfloat16: (0.016, 1e-5),
    _dtype.float32: (1.3e-6, 1e-5),
    _dtype.float64: (1e-7, 1e-7),
}
_NUMBER_DTYPES = {int: _dtype.int64, float: _dtype.float64, complex: None}


class _Mismatch(Exception):
    """A failed comparison: the exception type to raise, its message and where in the inputs."""

    def __init__(self, kind, message, where=()):
        super().__init__(message)
        self.kind, self.message, self.where = kind, message, where

    def error(self, msg):
        if isinstance(msg, str):
            return self.kind(msg)
        text = self.message
        if self.where:
            text += f"\n\nThe failure occurred for item {''.join(str([k]) for k in self.where)}"
        return self.kind(msg(text) if callable(msg) else text)


class _Unsupported(Exception):
    pass


def _tolerances(dtypes, rtol, atol, where):
    if (rtol is None) != (atol is None):
        missing = "rtol" if rtol is None else "atol"
        raise _Mismatch(ValueError, f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}.",
                        where)
    if rtol is not None:
        return rtol, atol
    pairs = [_TOLERANCES.get(d, (0.0, 0.0)) if d is not None else (1e-7, 1e-7) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _diff_message(identifier, rtol, atol, extra, abs_diff, rel_diff, abs_at=None, rel_at=None):
    equality = rtol == 0 and atol == 0
    lines = [f"{identifier} are not {'equal' if equality else 'close'}!", "", extra]
    for kind, diff, at, tol in (("absolute", abs_diff, abs_at, atol), ("relative", rel_diff, rel_at, rtol)):
        line = f"{kind.title()} difference: {diff}" if at is None else f"Greatest {kind} difference: {diff} at index {at}"
        lines.append(line if equality else f"{line} (up to {tol} allowed)")
    return "\n".join(lines)


def _scalar_message(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _diff_message("Scalars", rtol, atol, f"Expected {expected} but got {actual}.", abs_diff, rel_diff)


# ---- leaf pairs ----------------------------------------------------------------------------------------
def _compare_none(actual, expected, where, **_):
    if actual is not None or expected is not None:
        raise _Mismatch(AssertionError, f"None mismatch: {actual} is not {expected}", where)


def _compare_bools(actual, expected, where, **_):
    actual, expected = bool(actual), bool(expected)
    if actual is not expected:
        raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}", where)


def _to_number(value):
    return value.item() if isinstance(value, np.number) else value


def _compare_numbers(actual, expected, where, rtol, atol, equal_nan, check_dtype, **_):
    actual, expected = _to_number(actual), _to_number(expected)
    rtol, atol = _tolerances([_NUMBER_DTYPES[type(actual)], _NUMBER_DTYPES[type(expected)]], rtol, atol, where)
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != {type(expected)}.", where)
    if actual == expected or (equal_nan and cmath.isnan(actual) and cmath.isnan(expected)):
        return
    abs_diff = abs(actual - expected)
    if cmath.isfinite(abs_diff) and abs_diff <= atol + rtol * abs(expected):
        return
    raise _Mismatch(AssertionError, _scalar_message(actual, expected, rtol, atol), where)


def _meta(x):
    """(host array, shape, fx dtype or NumPy dtype, device string, strides) of a tensor-like."""
    if isinstance(x, Tensor):
        host = x._data if x._data.__class__ is np.ndarray else x.cpu()._data
        return host, x.shape, x.dtype, str(x.device), x.stride()
    from .._size import Size

    item = x.itemsize or 1
    return x, Size(x.shape), FROM_NP.get(x.dtype, x.dtype), "cpu", tuple(s // item for s in x.strides)


def _compare_tensors(actual, expected, where, rtol, atol, equal_nan, check_device, check_dtype, check_stride, **_):
    a, a_shape, a_dtype, a_device, a_stride = _meta(actual)
    e, e_shape, e_dtype, e_device, e_stride = _meta(expected)
    for name, x, y, checked in (("shape", a_shape, e_shape, True), ("stride()", a_stride, e_stride, check_stride),
                                ("device", a_device, e_device, check_device), ("dtype", a_dtype, e_dtype, check_dtype)):
        if checked and x != y:
            raise _Mismatch(AssertionError, f"The values for attribute '{name}' do not match: {x} != {y}.", where)
    rtol, atol = _tolerances([a_dtype, e_dtype], rtol, atol, where)
    if a.dtype != e.dtype:
        common = _promoted(a_dtype, e_dtype, a, e)
        a, e = a.astype(common), e.astype(common)
    matches = _isclose(a, e, rtol, atol, equal_nan)
    if matches.all():
        return
    if a.ndim == 0:
        raise _Mismatch(AssertionError, _scalar_message(a.item(), e.item(), rtol, atol), where)
    raise _Mismatch(AssertionError, _tensor_message(a, e, matches, rtol, atol), where)


def _promoted(a_dtype, e_dtype, a, e):
    if isinstance(a_dtype, _dtype.dtype) and isinstance(e_dtype, _dtype.dtype):
        return _dtype.promote_types(a_dtype, e_dtype).np
    return np.result_type(a, e)


def _isclose(a, e, rtol, atol, equal_nan):
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.asarray(a == e)
        if a.dtype.kind not in "fc" and not _is_float16ish(a.dtype):
            return close
        a64, e64 = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64), e.astype(
            np.complex128 if e.dtype.kind == "c" else np.float64)
        if equal_nan:
            close = close | (np.isnan(a64) & np.isnan(e64))
        if rtol == 0 and atol == 0:
            return close
        error = np.abs(a64 - e64)
        return close | (np.isfinite(error) & (error <= atol + np.abs(rtol * e64)))


def _is_float16ish(dt):
    return FROM_NP.get(dt) in (_dtype.bfloat16, _dtype.float16)


def _tensor_message(a, e, matches, rtol, atol):
    total = matches.size
    bad = total - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {total} ({bad / total:.1%})"
    a, e, ok = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if a.dtype.kind in "biu":
            a, e = a.astype(np.int64), e.astype(np.int64)
            abs_diff = np.abs(a - e)
            abs_diff[ok] = 0
            rel_diff = abs_diff.astype(np.float32) / np.abs(e).astype(np.float32)  # PyTorch divides in float32
        else:
            abs_diff = np.abs(a - e)
            abs_diff[ok] = 0
            rel_diff = abs_diff / np.abs(e)
        rel_diff[ok] = 0
    i, j = int(np.argmax(abs_diff)), int(np.argmax(rel_diff))
    unravel = lambda k: tuple(int(v) for v in np.unravel_index(k, matches.shape))  # noqa: E731
    return _diff_message("Tensor-likes", rtol, atol, extra, abs_diff[i].item(), rel_diff[j].item(), unravel(i),
                         unravel(j))


# ---- pairing -------------------------------------------------------------------------------------------
def _leaf_comparison(actual, expected, allow_subclasses):
    if actual is None or expected is None:
        return _compare_none
    bools = (bool, np.bool_)
    if isinstance(actual, bools) and isinstance(expected, bools):
        return _compare_bools
    numbers = (int, float, complex, np.number)
    if isinstance(actual, numbers) and isinstance(expected, numbers) and not isinstance(actual, bools) \
            and not isinstance(expected, bools):
        return _compare_numbers
    tensor_like = (Tensor, np.ndarray)
    if isinstance(actual, tensor_like) and isinstance(expected, tensor_like):
        related = isinstance(actual, type(expected)) or isinstance(expected, type(actual))
        if related and (allow_subclasses or type(actual) is type(expected)):
            return _compare_tensors
    raise _Unsupported


def _pairs(actual, expected, where, allow_subclasses):
    seq, mapping = collections.abc.Sequence, collections.abc.Mapping
    if isinstance(actual, seq) and isinstance(expected, seq) and not isinstance(actual, str) \
            and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: {len(actual)} != {len(expected)}",
                            where)
        for i in range(len(actual)):
            yield from _pairs(actual[i], expected[i], where + (i,), allow_subclasses)
        return
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        keys, other = set(actual.keys()), set(expected.keys())
        if keys != other:
            raise _Mismatch(AssertionError, f"The keys of the mappings do not match:\nMissing keys in the actual mapping: "
                            f"{sorted(other - keys)}\nAdditional keys in the actual mapping: {sorted(keys - other)}", where)
        with contextlib.suppress(TypeError):  # unorderable keys keep the set's order
            keys = sorted(keys)
        for k in keys:
            yield from _pairs(actual[k], expected[k], where + (k,), allow_subclasses)
        return
    try:
        compare = _leaf_comparison(actual, expected, allow_subclasses)
    except _Unsupported:
        raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} and "
                        f"{type(expected)}.", where) from None
    yield compare, actual, expected, where


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False, check_device=True,
                 check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Assert that `actual` and `expected` are close: |actual - expected| <= atol + rtol * |expected| elementwise.

    Default tolerances by dtype (the looser of the two inputs'): float16 rtol 1e-3 atol 1e-5,
    bfloat16 1.6e-2 / 1e-5, float32 1.3e-6 / 1e-5, float64 and Python floats 1e-7 / 1e-7; integers,
    bool and Python ints compare exactly. Sequences and mappings are compared item by item.

    Args:
        actual: a Tensor, NumPy array, number, bool, None, or a (nested) sequence or mapping of them.
        expected: the same structure.
        allow_subclasses: tensor-likes of directly related types compare (default True); False
            needs the same type.
        rtol: relative tolerance; give atol with it (default None: by dtype).
        atol: absolute tolerance; give rtol with it (default None: by dtype).
        equal_nan: NaNs compare equal (default False).
        check_device: tensors must be on the same device (default True); else both move to the CPU.
        check_dtype: tensors (and numbers) must have the same dtype (default True); else they are promoted.
        check_layout: accepted for PyTorch compatibility (fx tensors are all strided).
        check_stride: tensors must have the same strides (default False).
        msg: replaces the message (a str), or maps the generated one to the message (a callable).

    Returns:
        None; raises AssertionError (mismatch), TypeError (inputs that cannot be compared) or
        ValueError (only one of rtol and atol).

    Example:
        >>> ft.testing.assert_close(ft.tensor([1.0, 2.0]), ft.tensor([1.0, 2.0 + 1e-6]))
        >>> try:
        ...     ft.testing.assert_close(ft.tensor([1.0, 2.0]), ft.tensor([1.0, 4.0]))
        ... except AssertionError as e:
        ...     print(e)
        Tensor-likes are not close!
        <BLANKLINE>
        Mismatched elements: 1 / 2 (50.0%)
        Greatest absolute difference: 2.0 at index (1,) (up to 1e-05 allowed)
        Greatest relative difference: 0.5 at index (1,) (up to 1.3e-06 allowed)
    """
    __tracebackhide__ = True
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype,
                   check_stride=check_stride)
    try:
        pairs = list(_pairs(actual, expected, (), allow_subclasses))
        for compare, a, e, where in pairs:
            compare(a, e, where, **options)
    except _Mismatch as m:
        raise m.error(msg) from None
