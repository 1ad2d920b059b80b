"""Backends: an array module (allocator + array API) and a kernel table, found by array class."""

from __future__ import annotations

import numpy as np

# array class -> array module (numpy, cupy); the CUDA backend adds cupy.ndarray when it loads.
ARRAY_MODULES: dict = {np.ndarray: np}


def xp_of(array):
    """The array module that owns `array`."""
    return ARRAY_MODULES[array.__class__]


def module_for(device):
    """The array module that allocates on `device` (an fx device)."""
    if device.type == "cpu":
        return np
    from .._device import device as _device  # noqa: F401  (kept for symmetry with the CUDA loader)

    raise RuntimeError(
        f"cannot allocate on {device}: the CUDA backend is not available here "
        "(it needs an NVIDIA GPU and `pip install fx-tensor[cuda]`)"
    )
