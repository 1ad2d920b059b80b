"""dtypes, PyTorch's type promotion, and the default dtype."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np

__all__ = [
    "dtype", "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
    "float32", "float64", "half", "float", "double", "short", "int", "long",
    "set_default_dtype", "get_default_dtype", "promote_types", "result_type", "can_cast",
    "finfo", "iinfo",
]

_builtin_bool, _builtin_int, _builtin_float = bool, int, float

# Categories order the promotion lattice: a higher category always wins (int + float -> float).
BOOL, INT, FLOAT = 0, 1, 2


class dtype:
    """A tensor element type; `str(fx.tensor.float32)` is `'fx.tensor.float32'` like PyTorch."""

    __slots__ = ("name", "np", "itemsize", "category", "is_signed", "_rank")

    def __init__(self, name, np_dtype, category, rank):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.category = category
        self.is_signed = category != BOOL and name != "uint8"
        self._rank = rank

    @property
    def is_floating_point(self):
        return self.category == FLOAT

    @property
    def is_complex(self):
        return False

    def to_real(self):
        return self

    def __repr__(self):
        return "fx.tensor." + self.name

    __str__ = __repr__

    def __reduce__(self):
        return (_by_name, (self.name,))


bool = dtype("bool", np.bool_, BOOL, 0)
uint8 = dtype("uint8", np.uint8, INT, 1)
int8 = dtype("int8", np.int8, INT, 1)
int16 = dtype("int16", np.int16, INT, 2)
int32 = dtype("int32", np.int32, INT, 3)
int64 = dtype("int64", np.int64, INT, 4)
float16 = dtype("float16", np.float16, FLOAT, 1)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, FLOAT, 1)
float32 = dtype("float32", np.float32, FLOAT, 2)
float64 = dtype("float64", np.float64, FLOAT, 3)
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64

ALL_DTYPES = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64)
FLOAT_DTYPES = (float16, bfloat16, float32, float64)
INT_DTYPES = (uint8, int8, int16, int32, int64)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
# numpy dtype -> fx dtype; numpy dtypes hash by value so any equal np.dtype finds its entry.
FROM_NP = {d.np: d for d in ALL_DTYPES}


def _by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The fx dtype of a NumPy dtype; TypeError for types fx does not support."""
    try:
        return FROM_NP[np_dtype]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types are: "
            "float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_dtype(x) -> dtype:
    """Accept an fx dtype, a NumPy dtype/type or a Python type (`float`, `int`, `bool`)."""
    if x.__class__ is dtype:
        return x
    if x is _builtin_float:
        return _default[0]
    if x is _builtin_int:
        return int64
    if x is _builtin_bool:
        return bool
    if isinstance(x, str) and x in _BY_NAME:
        return _BY_NAME[x]
    try:
        return from_numpy_dtype(np.dtype(x))
    except (TypeError, ValueError):
        raise TypeError(f"dtype must be an fx.tensor dtype, got {x!r}") from None


def _promote_pair(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    if a.category == INT:
        if a is uint8 or b is uint8:
            other = b if a is uint8 else a
            # uint8 with a signed type needs one more bit: int8 -> int16, wider ones already fit.
            return int16 if other is int8 else other
        return a if a._rank > b._rank else b
    if a._rank == b._rank:  # float16 with bfloat16: neither holds the other
        return float32
    return a if a._rank > b._rank else b


_PROMOTE = {(a, b): _promote_pair(a, b) for a in ALL_DTYPES for b in ALL_DTYPES}


def promote_types(type1: dtype, type2: dtype) -> dtype:
    """The smallest dtype to which both dtypes can be cast (PyTorch's promotion lattice)."""
    return _PROMOTE[to_dtype(type1), to_dtype(type2)]


def can_cast(from_: dtype, to: dtype) -> _builtin_bool:
    """Whether PyTorch's casting rules allow `from_` to `to` (no float->int, no to-bool)."""
    from_, to = to_dtype(from_), to_dtype(to)
    return from_.category <= to.category


_default = [float32]


def set_default_dtype(d) -> None:
    """Set the dtype of float factories and Python float scalars (float32 or float64 ...)."""
    d = to_dtype(d)
    if d.category != FLOAT:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


def get_default_dtype() -> dtype:
    return _default[0]


def scalar_dtype(value) -> dtype:
    """The dtype a Python scalar takes when it becomes a tensor on its own."""
    cls = value.__class__
    if cls is _builtin_float:
        return _default[0]
    if cls is _builtin_int:
        return int64
    if cls is _builtin_bool:
        return bool
    if isinstance(value, np.generic):
        return from_numpy_dtype(value.dtype)
    if isinstance(value, _builtin_bool | np.bool_):
        return bool
    if isinstance(value, _builtin_int):
        return int64
    if isinstance(value, _builtin_float):
        return _default[0]
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _combine(higher, lower):
    # PyTorch's combine_categories: a lower-priority operand only matters if it is of a
    # higher category (a 0-d float tensor turns an int tensor float; an int32 0-d does not widen).
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == FLOAT:
        return higher
    if higher is bool or lower.category == FLOAT:
        return _PROMOTE[higher, lower]
    return higher


def result_type_of(dims, zeros, wrapped):
    """Promotion over dimensioned tensors, 0-d tensors and Python scalars (each dtype or None)."""
    return _combine(dims, _combine(zeros, wrapped))


def result_type(*operands) -> dtype:
    """`torch.result_type`: the dtype an arithmetic op on these operands produces."""
    dims = zeros = wrapped = None
    for x in operands:
        if hasattr(x, "_data"):
            d = x.dtype
            if x.ndim:
                dims = d if dims is None else _PROMOTE[dims, d]
            else:
                zeros = d if zeros is None else _PROMOTE[zeros, d]
        else:
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else _PROMOTE[wrapped, d]
    return result_type_of(dims, zeros, wrapped)


class finfo:
    """Machine limits of a floating dtype (`torch.finfo`)."""

    def __init__(self, type=None):
        type = to_dtype(type if type is not None else _default[0])
        if type.category != FLOAT:
            raise TypeError(f"finfo: {type} is not a floating point dtype")
        info = ml_dtypes.finfo(type.np) if type is bfloat16 else np.finfo(type.np)
        self.dtype = type.name
        self.bits = type.itemsize * 8
        self.eps = _builtin_float(info.eps)
        self.max = _builtin_float(info.max)
        self.min = _builtin_float(info.min)
        self.tiny = self.smallest_normal = _builtin_float(info.tiny)
        # 10**-(decimal digits of precision), as PyTorch derives it (ml_dtypes' bfloat16 value differs).
        self.resolution = 10.0 ** -math.floor(-math.log10(self.eps))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype (`torch.iinfo`)."""

    def __init__(self, type):
        type = to_dtype(type)
        if type.category == FLOAT:
            raise TypeError(f"iinfo: {type} is not an integer dtype")
        info = np.iinfo(type.np) if type is not bool else np.iinfo(np.uint8)
        self.dtype = type.name
        self.bits = type.itemsize * 8
        self.max = _builtin_int(info.max) if type is not bool else 1
        self.min = _builtin_int(info.min)

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
