"""Shared pieces of the CPU kernels."""

from __future__ import annotations

import warnings

import ml_dtypes
import numpy as np

from ..._dispatch import PRIMITIVES

f32 = np.dtype(np.float32)
LOW_PRECISION = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))

# Kernels compute IEEE results (inf, nan) silently like PyTorch; NumPy would warn from these modules.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"fx\.tensor\._backend\..*")


def register(name):
    """Decorator: the CPU kernel of primitive `name`."""

    def put(fn):
        PRIMITIVES[name].kernels[np.ndarray] = fn
        return fn

    return put


def opmath(fn):
    """Compute float16/bfloat16 in float32 and round once at the end (PyTorch's opmath)."""

    def kernel(*arrays, **params):
        dt = arrays[0].dtype
        if dt in LOW_PRECISION:
            out = fn(*[a.astype(f32) if a.dtype == dt else a for a in arrays], **params)
            return out.astype(dt) if out.dtype == f32 else out
        return fn(*arrays, **params)

    kernel.__name__ = fn.__name__
    return kernel
