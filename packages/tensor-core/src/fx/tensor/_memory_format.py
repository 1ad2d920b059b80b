"""Memory formats (torch.memory_format): contiguous_format, channels_last, channels_last_3d, preserve_format.

fx stores a tensor as a NumPy (or CuPy) array, which can have any strides, so a channels-last
tensor is real: an (N, H, W, C) row-major buffer viewed as (N, C, H, W). `contiguous`, `to`, `clone`
and the `*_like` factories produce that layout on request, `is_contiguous(memory_format=...)`
answers by PyTorch's stride rules, and `preserve_format` (the `*_like` default) keeps a
channels-last input channels-last; other layouts come back row-major (PyTorch would also keep the
exact strides of any dense input). `clone()` without memory_format is row-major (PyTorch
preserves): fx's own code reshapes clones as views. Kernels accept either layout; the results of
most ops are row-major.
"""

from __future__ import annotations

from ._backend import xp_of
from ._tensor import wrap

__all__ = ["memory_format", "contiguous_format", "channels_last", "channels_last_3d", "preserve_format"]


class memory_format:
    """A memory layout a tensor can be asked to take (PyTorch's torch.memory_format).

    The four instances are `fx.tensor.contiguous_format` (row-major), `channels_last` (NHWC strides
    for 4-d), `channels_last_3d` (NDHWC for 5-d) and `preserve_format` (keep the input's layout).

    Example:
        >>> ft.channels_last
        fx.tensor.channels_last
        >>> ft.ones(2, 3, 4, 5).contiguous(memory_format=ft.channels_last).stride()
        (60, 1, 15, 3)
    """

    __slots__ = ("name",)

    def __new__(cls, *args, **kwargs):
        raise TypeError("cannot create 'fx.tensor.memory_format' instances")

    def __repr__(self):
        return f"fx.tensor.{self.name}"

    def __reduce__(self):
        return self.name  # pickles as the module-level constant of that name


def _make(name):
    mf = object.__new__(memory_format)
    mf.name = name
    return mf


contiguous_format = _make("contiguous_format")
channels_last = _make("channels_last")
channels_last_3d = _make("channels_last_3d")
preserve_format = _make("preserve_format")

# rank, the order of the dims in memory (outermost first), and the inverse permutation
_CHANNELS_LAST = {channels_last: (4, (0, 2, 3, 1), (0, 3, 1, 2)),
                  channels_last_3d: (5, (0, 2, 3, 4, 1), (0, 4, 1, 2, 3))}


def check(mf, op):
    """Raise PyTorch's TypeError unless `mf` is None or a memory_format."""
    if mf is not None and mf.__class__ is not memory_format:
        raise TypeError(f"{op}(): argument 'memory_format' must be fx.tensor.memory_format, not {type(mf).__name__}")


def _rank_check(shape, mf):
    rank = _CHANNELS_LAST[mf][0]
    if len(shape) != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {mf.name} format")


def _strides(array):
    item = array.itemsize
    return tuple(s // item for s in array.strides)


def is_contiguous_as(t, mf) -> bool:
    """`t.is_contiguous(memory_format=mf)`: whether t's strides are exactly mf's (size-1 dims are free)."""
    check(mf, "is_contiguous")
    data = t._data
    if mf is None or mf not in _CHANNELS_LAST:
        return bool(data.flags.c_contiguous)
    rank, order, _ = _CHANNELS_LAST[mf]
    if data.ndim != rank:
        return False
    shape, strides = data.shape, _strides(data)
    expected = 1
    for d in reversed(order):
        if shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= shape[d]
    return True


def _channels_last_strided(array, mf) -> bool:
    """PyTorch's test for suggesting channels-last: the strides run C, W, H, N (not necessarily dense)."""
    rank, order, _ = _CHANNELS_LAST[mf]
    if array.ndim != rank:
        return False
    shape, strides = array.shape, _strides(array)
    if strides[1] == 0:
        return False
    lowest = 0
    for d in reversed(order):
        if shape[d] == 0 or strides[d] < lowest:
            return False
        if d == 0 and lowest == strides[1]:  # an N x C x 1 x 1 tensor is row-major too
            return False
        lowest = strides[d] * shape[d] if shape[d] > 1 else strides[d]
    return True


def suggest(t):
    """The layout preserve_format keeps: channels_last(_3d) for a channels-last strided t, else row-major."""
    for mf in _CHANNELS_LAST:
        if _channels_last_strided(t._data, mf):
            return mf
    return contiguous_format


def resolve(t, mf, op):
    """The concrete layout `mf` asks for when copying or imitating `t` (None is preserve_format)."""
    check(mf, op)
    if mf is None or mf is preserve_format:
        return suggest(t)
    if mf in _CHANNELS_LAST:
        _rank_check(t._data.shape, mf)
    return mf


def relayout(array, mf):
    """A new array with `array`'s values in layout `mf` (a concrete format)."""
    xp = xp_of(array)
    if mf not in _CHANNELS_LAST:
        return xp.ascontiguousarray(array)
    _, order, inverse = _CHANNELS_LAST[mf]
    return xp.ascontiguousarray(array.transpose(order)).transpose(inverse)


def set_layout(t, mf, op):
    """`empty(..., memory_format=mf)`: give the fresh tensor `t` (no views of it yet) layout mf."""
    check(mf, op)
    if mf is preserve_format:
        raise RuntimeError("unsupported memory format Preserve")
    if mf in _CHANNELS_LAST:
        _rank_check(t._data.shape, mf)
        t._data = relayout(t._data, mf)
    return t


def layout_like(t, input, mf, op):
    """`*_like(input, memory_format=mf)`: give the fresh tensor `t` the layout mf picks for input."""
    mf = resolve(input, mf, op)
    if mf in _CHANNELS_LAST:
        t._data = relayout(t._data, mf)
    return t


def copy_as(t, mf):
    """A copy of `t` in layout `mf`, recorded by autograd (a copy_ into a buffer of that layout)."""
    from ._ops.copying import P_clone, P_copy_

    if mf not in _CHANNELS_LAST:
        return P_clone(t)
    _, order, inverse = _CHANNELS_LAST[mf]
    data = t._data
    shape = data.shape
    buffer = xp_of(data).empty(tuple(shape[d] for d in order), data.dtype).transpose(inverse)
    return P_copy_(wrap(buffer), t)


def contiguous_as(t, mf, op="contiguous"):
    """`t.contiguous(memory_format=mf)`: t itself when already laid out so, else a copy."""
    check(mf, op)
    if mf is preserve_format:
        raise RuntimeError(f"preserve memory format is unsupported by the {op} operator")
    if mf in _CHANNELS_LAST:
        _rank_check(t._data.shape, mf)
    if is_contiguous_as(t, mf):
        return t
    return copy_as(t, mf)
