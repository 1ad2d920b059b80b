"""Meta arrays: NumPy arrays with the shape, dtype and C-contiguous strides of a real array that use
no memory. They view one private anonymous mapping that is never committed, so every read sees
the kernel's shared zero page; views of them are ordinary NumPy views. Where such a mapping cannot
be made (or past 16 TiB), a meta array is zero-strided over one element instead: still no memory,
but never contiguous. See _shape_infer.py for what runs on them.
"""

from __future__ import annotations

import math
import mmap
import platform
import sys

import numpy as np

__all__ = ["ZEROS", "meta_array", "is_meta_array", "laid_out_like"]

# Python < 3.13 does not export MAP_NORESERVE; its value is 0x4000 on x86 and ARM Linux.
_LINUX_NORESERVE = 0x4000 if sys.platform.startswith("linux") and platform.machine() in (
    "x86_64", "AMD64", "i686", "aarch64", "arm64", "armv7l") else None
_NORESERVE = getattr(mmap, "MAP_NORESERVE", _LINUX_NORESERVE)
_MAX_MAPPING = 1 << 44  # 16 TiB (all generations: 32 TiB of address space); larger metas are zero-strided
_MIN_MAPPING = 1 << 30
# One element of the widest dtype (complex128): zero-strided metas view it when no mapping is there.
_ROOT = np.zeros(16, np.uint8)


class _VirtualZeros:
    """A private anonymous mapping that is never committed: reads see the kernel's shared zero page,
    so a C-contiguous meta array over it costs address space, not memory. Grown by doubling."""

    def __init__(self):
        self.array = None
        self.roots = [_ROOT]  # every buffer a meta array may view (kept: an id must not be reused)
        self._maps = []
        self.disabled = _NORESERVE is None

    def buffer(self, nbytes):
        """A zero buffer of at least `nbytes` bytes, or None (no such mapping on this system)."""
        if self.array is not None and self.array.size >= nbytes:
            return self.array
        if self.disabled or nbytes > _MAX_MAPPING:
            return None
        size = max(_MIN_MAPPING, 1 << max(nbytes - 1, 1).bit_length())
        try:
            m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _NORESERVE,
                          prot=mmap.PROT_READ | mmap.PROT_WRITE)
            if hasattr(mmap, "MADV_NOHUGEPAGE"):  # a huge page would be committed on a read fault
                m.madvise(mmap.MADV_NOHUGEPAGE)
        except (OSError, ValueError, OverflowError):
            self.disabled = True
            return None
        self._maps.append(m)
        self.array = np.frombuffer(m, np.uint8)
        self.roots.append(self.array)
        return self.array

    def reset(self):
        """Drop whatever was written through a meta array: every page reads as zeros again."""
        _ROOT.fill(0)
        for m in self._maps:
            m.madvise(mmap.MADV_DONTNEED)


ZEROS = _VirtualZeros()


def meta_array(shape, dtype) -> np.ndarray:
    """A C-contiguous NumPy array of `shape` and `dtype` over no committed memory (every element 0);
    zero-strided over one element where the system has no such mapping."""
    shape, dtype = tuple(int(s) for s in shape), np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    buf = ZEROS.buffer(nbytes)
    if buf is None:
        return np.ndarray(shape, dtype, buffer=_ROOT, strides=(0,) * len(shape))
    return np.ndarray(shape, dtype, buffer=buf)


def is_meta_array(a) -> bool:
    """Whether NumPy array `a` is a meta array (or a view of one)."""
    b = a.base  # NumPy views point at their owner; as_strided goes through a holder object
    while b is not None:
        for root in ZEROS.roots:
            if b is root:
                return True
        b = getattr(b, "base", None)
    return False


def laid_out_like(a, shape, dtype) -> np.ndarray:
    """A meta array of `shape` whose leading dims are ordered in memory as a's are (by decreasing
    stride; the last dim contiguous): the layout kernels give outputs that follow an input."""
    lead = len(shape) - 1
    order = sorted(range(lead), key=lambda d: -abs(a.strides[d]) if a.shape[d] > 1 else 0)
    if order == list(range(lead)):
        return meta_array(shape, dtype)
    buf = meta_array([shape[d] for d in order] + [shape[-1]], dtype)
    return buf.transpose([order.index(d) for d in range(lead)] + [lead])
