"""Global switches PyTorch programs set at start-up: float32 matmul precision, deterministic algorithms
and the default device. fx records them and answers PyTorch's queries; on the CPU none changes results."""

from __future__ import annotations

import warnings

from .._device import CPU, device as _device

__all__ = ["set_float32_matmul_precision", "get_float32_matmul_precision", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_default_device", "get_default_device"]

_PRECISIONS = ("highest", "high", "medium")
_state = {"matmul_precision": "highest", "deterministic": False, "warn_only": False}


def set_float32_matmul_precision(precision):
    """Record the float32 matmul precision ('highest', 'high' or 'medium'); CPU matmuls always use full float32."""
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "set_float32_matmul_precision call has no effect.", UserWarning, stacklevel=2)
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    return _state["matmul_precision"]


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Record whether deterministic algorithms are required (fx's CPU kernels always are, for a fixed thread count)."""
    for value, name, pos in ((mode, "mode", 1), (warn_only, "warn_only", 2)):
        if not isinstance(value, bool):
            raise TypeError(f"use_deterministic_algorithms(): argument '{name}' (position {pos}) must be bool, not "
                            f"{type(value).__name__}")
    _state["deterministic"], _state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _state["warn_only"]


def set_default_device(device):
    """Set the device factories allocate on; fx supports 'cpu' (or None, which resets to it) only."""
    if device is None:
        return
    dev = _device(device) if not isinstance(device, int) else _device("cuda", device)
    if dev.type == "cpu":
        return
    from .. import cuda

    if not cuda.is_available():
        raise RuntimeError(f"set_default_device: {cuda._UNAVAILABLE}")
    raise RuntimeError(f"set_default_device({str(dev)!r}): fx allocates on the CPU by default; pass device= to the factories")


def get_default_device():
    return CPU
