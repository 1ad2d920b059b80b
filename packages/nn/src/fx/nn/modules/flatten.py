"""Flatten and Unflatten: reshape a range of dims into one, or one dim into several."""

from __future__ import annotations

from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Flatten dims start_dim..end_dim into one (default: all but the batch dim).

    Args:
        start_dim: the first dim to flatten (default 1).
        end_dim: the last dim to flatten (default -1).
    Shape: input (*, S_start, ..., S_end, *) -> output (*, S_start * ... * S_end, *).

    Example:
        >>> nn.Flatten()(ft.zeros(32, 1, 5, 5)).shape
        fx.tensor.Size([32, 25])
        >>> nn.Flatten(0, 2)(ft.zeros(32, 1, 5, 5)).shape
        fx.tensor.Size([160, 5])
    """

    __constants__ = ["start_dim", "end_dim"]

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expand dim `dim` into the shape `unflattened_size` (one entry may be -1).

    Args:
        dim: the dim to unflatten.
        unflattened_size: the new shape of that dim (a tuple or list of ints whose product is its size).
    Shape: input (*, S_dim, *) -> output (*, U_1, ..., U_n, *).

    Example:
        >>> nn.Unflatten(1, (2, 5, 5))(ft.zeros(2, 50)).shape
        fx.tensor.Size([2, 2, 5, 5])
    """

    __constants__ = ["dim", "unflattened_size"]

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, int):
            self._require_tuple_int(unflattened_size)
        else:
            raise TypeError("invalid argument type for dim parameter")
        self.dim = dim
        self.unflattened_size = unflattened_size

    @staticmethod
    def _require_tuple_int(input):
        if isinstance(input, (tuple, list)):
            for idx, elem in enumerate(input):
                if not isinstance(elem, int):
                    raise TypeError(f"unflattened_size must be tuple of ints, but found element of type "
                                    f"{type(elem).__name__} at pos {idx}")
            return
        raise TypeError(f"unflattened_size must be a tuple of ints, but found type {type(input).__name__}")

    def forward(self, input):
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
