"""Questions about a tensor PyTorch asks at top level: is_floating_point, is_complex, is_signed,
is_nonzero, is_same_size, and typename."""

from __future__ import annotations

from .._tensor import Tensor
from .compat_math import require_tensors

__all__ = ["is_floating_point", "is_complex", "is_signed", "is_nonzero", "is_same_size", "typename"]


def is_floating_point(input) -> bool:
    require_tensors("is_floating_point", (input, "input"))
    return input.is_floating_point()


def is_complex(input) -> bool:
    require_tensors("is_complex", (input, "input"))
    return input.is_complex()


def is_signed(input) -> bool:
    require_tensors("is_signed", (input, "input"))
    return input.is_signed()


def is_nonzero(input) -> bool:
    """True if the single element of `input` is nonzero."""
    require_tensors("is_nonzero", (input, "input"))
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item() != 0)


def is_same_size(input, other) -> bool:
    require_tensors("is_same_size", (input, "input"), (other, "other"))
    return input.shape == other.shape


def typename(obj) -> str:
    """The type name of a tensor ('fx.tensor.FloatTensor') or the qualified class name of anything else."""
    if isinstance(obj, Tensor):
        return obj.type()
    # Classes and functions name themselves; other objects are named by their class.
    named = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if named is not None:
        module = getattr(obj, "__module__", "") or ""
    else:
        module, named = type(obj).__module__ or "", type(obj).__qualname__
    return named if module in ("", "builtins") else f"{module}.{named}"


Tensor.is_nonzero = is_nonzero
Tensor.is_same_size = is_same_size
