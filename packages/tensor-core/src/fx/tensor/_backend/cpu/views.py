"""CPU kernels of the view primitives: each returns a NumPy view of its input."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided as _np_as_strided

from ..._tensor import storage_root
from ._util import register


@register("view")
def view(x, shape):
    return np.reshape(x, shape, copy=False)


@register("permute")
def permute(x, dims):
    return x.transpose(dims)


@register("expand")
def expand(x, shape):
    return np.broadcast_to(x, shape)


@register("slice")
def slice_(x, dim, start, stop, step):
    key = [slice(None)] * x.ndim
    key[dim] = slice(start, stop, step)
    return x[tuple(key)]


@register("as_strided")
def as_strided(x, size, stride, storage_offset):
    root = storage_root(x)
    item = x.itemsize
    # The owner of the memory is C- or F-contiguous: a flat strided view of it is the storage.
    flat = _np_as_strided(root, shape=(root.size,), strides=(item,), writeable=root.flags.writeable)
    start = flat[storage_offset:]
    return _np_as_strided(start, shape=size, strides=tuple(s * item for s in stride), writeable=x.flags.writeable)
