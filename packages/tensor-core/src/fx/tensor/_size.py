"""`Size`: the tuple subclass returned by `Tensor.shape` / `Tensor.size()`."""

from __future__ import annotations

import math

__all__ = ["Size"]


class Size(tuple):
    """A shape: a tuple of ints with `numel()`; prints as `fx.tensor.Size([2, 3])`."""

    __slots__ = ()

    def numel(self) -> int:
        return math.prod(self)

    def __repr__(self):
        return f"fx.tensor.Size({list(self)})"

    __str__ = __repr__

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))
