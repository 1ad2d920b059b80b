"""Padding layers over F.pad: Zero/Constant/Reflection/Replication/CircularPad1d/2d/3d.

`padding` is an int (the same width on every side) or a tuple of widths ordered as F.pad takes
them: (left, right) for 1d, (left, right, top, bottom) for 2d, then (front, back) for 3d.
"""

from __future__ import annotations

from .. import functional as F
from .module import Module
from .utils import _ntuple

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"]


class _PadNd(Module):
    __constants__ = ["padding"]
    _mode = ""
    _sides = 2  # entries of an expanded int padding: 2 per padded dim

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(self._sides)(padding)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]
    _mode = "constant"

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with a constant value.

    Args:
        padding: an int for both sides, or (left, right).
        value: the fill value.
    Shape: input (N, C, W) or (C, W) -> output (N, C, W + left + right) or (C, W + left + right); negative
        widths crop.

    Example:
        >>> nn.ConstantPad1d((1, 2), 3.5)(ft.tensor([[1.0, 2.0]]))
        tensor([[3.5000, 1.0000, 2.0000, 3.5000, 3.5000]])
    """


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with a constant value.

    Args:
        padding: an int for every side, or (left, right, top, bottom).
        value: the fill value.
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C, H + top + bottom, W + left + right) or
        (C, H_out, W_out); negative widths crop.

    Example:
        >>> nn.ConstantPad2d((1, 0, 0, 1), -1.0)(ft.tensor([[[1.0, 2.0]]]))
        tensor([[[-1.,  1.,  2.],
                 [-1., -1., -1.]]])
    """

    _sides = 4


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dims with a constant value.

    Args:
        padding: an int for every side, or (left, right, top, bottom, front, back).
        value: the fill value.
    Shape: input (N, C, D, H, W) or (C, D, H, W) -> output (N, C, D + front + back, H + top + bottom,
        W + left + right) or the same without N; negative widths crop.

    Example:
        >>> nn.ConstantPad3d(1, 0.5)(ft.ones(1, 2, 1, 1)).shape
        fx.tensor.Size([1, 4, 3, 3])
    """

    _sides = 6


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros.

    Args:
        padding: an int for both sides, or (left, right).
    Shape: input (N, C, W) or (C, W) -> output (N, C, W + left + right) or (C, W + left + right).

    Example:
        >>> nn.ZeroPad1d((2, 1))(ft.tensor([[1.0, 2.0]]))
        tensor([[0., 0., 1., 2., 0.]])
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dims with zeros.

    Args:
        padding: an int for every side, or (left, right, top, bottom).
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C, H + top + bottom, W + left + right) or
        (C, H_out, W_out).

    Example:
        >>> nn.ZeroPad2d((1, 1, 1, 0))(ft.tensor([[[1.0, 2.0]]]))
        tensor([[[0., 0., 0., 0.],
                 [0., 1., 2., 0.]]])
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pad the last three dims with zeros.

    Args:
        padding: an int for every side, or (left, right, top, bottom, front, back).
    Shape: input (N, C, D, H, W) or (C, D, H, W) -> output (N, C, D + front + back, H + top + bottom,
        W + left + right) or the same without N.

    Example:
        >>> nn.ZeroPad3d((1, 1, 0, 0, 2, 0))(ft.ones(1, 1, 1, 1)).shape
        fx.tensor.Size([1, 3, 1, 3])
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class _ReflectionPadNd(_PadNd):
    _mode = "reflect"


class ReflectionPad1d(_ReflectionPadNd):
    """Pad the last dim with its reflection at the border (the border value itself is not repeated).

    Args:
        padding: an int for both sides, or (left, right); each less than the input width.
    Shape: input (N, C, W) or (C, W) -> output (N, C, W + left + right) or (C, W + left + right).

    Example:
        >>> nn.ReflectionPad1d(2)(ft.tensor([[1.0, 2.0, 3.0]]))
        tensor([[3., 2., 1., 2., 3., 2., 1.]])
    """


class ReflectionPad2d(_ReflectionPadNd):
    """Pad the last two dims with their reflection at the border.

    Args:
        padding: an int for every side, or (left, right, top, bottom); each less than that input dim.
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C, H + top + bottom, W + left + right) or
        (C, H_out, W_out).

    Example:
        >>> nn.ReflectionPad2d((1, 0, 1, 0))(ft.tensor([[[1.0, 2.0], [3.0, 4.0]]]))
        tensor([[[4., 3., 4.],
                 [2., 1., 2.],
                 [4., 3., 4.]]])
    """

    _sides = 4


class ReflectionPad3d(_ReflectionPadNd):
    """Pad the last three dims with their reflection at the border.

    Args:
        padding: an int for every side, or (left, right, top, bottom, front, back); each less than that dim.
    Shape: input (N, C, D, H, W) or (C, D, H, W) -> output (N, C, D + front + back, H + top + bottom,
        W + left + right) or the same without N.

    Example:
        >>> nn.ReflectionPad3d(1)(ft.ones(1, 1, 2, 2, 2)).shape
        fx.tensor.Size([1, 1, 4, 4, 4])
    """

    _sides = 6


class _ReplicationPadNd(_PadNd):
    _mode = "replicate"


class ReplicationPad1d(_ReplicationPadNd):
    """Pad the last dim by repeating its border values.

    Args:
        padding: an int for both sides, or (left, right).
    Shape: input (N, C, W) or (C, W) -> output (N, C, W + left + right) or (C, W + left + right).

    Example:
        >>> nn.ReplicationPad1d((2, 1))(ft.tensor([[1.0, 2.0, 3.0]]))
        tensor([[1., 1., 1., 2., 3., 3.]])
    """


class ReplicationPad2d(_ReplicationPadNd):
    """Pad the last two dims by repeating their border values.

    Args:
        padding: an int for every side, or (left, right, top, bottom).
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C, H + top + bottom, W + left + right) or
        (C, H_out, W_out).

    Example:
        >>> nn.ReplicationPad2d((1, 0, 0, 1))(ft.tensor([[[1.0, 2.0], [3.0, 4.0]]]))
        tensor([[[1., 1., 2.],
                 [3., 3., 4.],
                 [3., 3., 4.]]])
    """

    _sides = 4


class ReplicationPad3d(_ReplicationPadNd):
    """Pad the last three dims by repeating their border values.

    Args:
        padding: an int for every side, or (left, right, top, bottom, front, back).
    Shape: input (N, C, D, H, W) or (C, D, H, W) -> output (N, C, D + front + back, H + top + bottom,
        W + left + right) or the same without N.

    Example:
        >>> nn.ReplicationPad3d(1)(ft.ones(1, 1, 1, 1, 1)).shape
        fx.tensor.Size([1, 1, 3, 3, 3])
    """

    _sides = 6


class _CircularPadNd(_PadNd):
    _mode = "circular"
    _dims = ()  # the accepted input dims: unbatched and batched

    def forward(self, input):
        if input.dim() not in self._dims:
            raise ValueError(f"expected {self._dims[0]}D or {self._dims[1]}D input (got {input.dim()}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Pad the last dim periodically: the left pad is the input's end, the right pad its start.

    Args:
        padding: an int for both sides, or (left, right); each at most the input width.
    Shape: input (N, C, W) or (C, W) -> output (N, C, W + left + right) or (C, W + left + right).

    Example:
        >>> nn.CircularPad1d((2, 1))(ft.tensor([[1.0, 2.0, 3.0]]))
        tensor([[2., 3., 1., 2., 3., 1.]])
    """

    _dims = (2, 3)


class CircularPad2d(_CircularPadNd):
    """Pad the last two dims periodically (the input tiled around itself).

    Args:
        padding: an int for every side, or (left, right, top, bottom); each at most that input dim.
    Shape: input (N, C, H, W) or (C, H, W) -> output (N, C, H + top + bottom, W + left + right) or
        (C, H_out, W_out).

    Example:
        >>> nn.CircularPad2d((1, 0, 0, 1))(ft.tensor([[[1.0, 2.0], [3.0, 4.0]]]))
        tensor([[[2., 1., 2.],
                 [4., 3., 4.],
                 [2., 1., 2.]]])
    """

    _sides = 4
    _dims = (3, 4)


class CircularPad3d(_CircularPadNd):
    """Pad the last three dims periodically.

    Args:
        padding: an int for every side, or (left, right, top, bottom, front, back); each at most that dim.
    Shape: input (N, C, D, H, W) or (C, D, H, W) -> output (N, C, D + front + back, H + top + bottom,
        W + left + right) or the same without N.

    Example:
        >>> nn.CircularPad3d(1)(ft.ones(1, 1, 2, 2, 2)).shape
        fx.tensor.Size([1, 1, 4, 4, 4])
    """

    _sides = 6
    _dims = (4, 5)
