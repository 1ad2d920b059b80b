"""The thread's autocast state, and the functions PyTorch names for it (is_autocast_enabled, ...).

Per thread, as in PyTorch: per device type an enabled flag and a dtype, the weight-cast cache and
its switch, the nesting depth of autocast regions, and how deep the current call is inside an op
that autocast already handled (`suspended`). Process-wide: how many (thread, device type) pairs
have autocast on; while that is 0 the op wrappers and the dispatcher interposer of _autocast.py
cost one test, and the interposer is not even installed.
"""

from __future__ import annotations

import threading
import warnings

import numpy as np

from . import _dispatch, _dtype
from ._autocast_lists import DEFAULT_DTYPES

__all__ = [
    "is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype", "set_autocast_dtype",
    "is_autocast_cache_enabled", "set_autocast_cache_enabled", "clear_autocast_cache", "autocast_increment_nesting",
    "autocast_decrement_nesting", "is_autocast_cpu_enabled", "get_autocast_cpu_dtype", "get_autocast_gpu_dtype",
]

# PyTorch's device types (its error names them all); fx has autocast for the first two.
_TORCH_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                       "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
SUPPORTED = ("cpu", "cuda")
ELIGIBLE = {np.dtype(d.np) for d in (_dtype.float16, _dtype.bfloat16, _dtype.float32)}


class _State(threading.local):
    def __init__(self):
        self.enabled = dict.fromkeys(SUPPORTED, False)
        self.dtype = {k: getattr(_dtype, v) for k, v in DEFAULT_DTYPES.items()}
        self.cache_enabled = True
        self.nesting = 0
        self.suspended = 0
        self.cache: dict = {}


state = _State()
_lock = threading.Lock()
enabled_count = 0  # (thread, device type) pairs with autocast on
interposer = None  # _autocast.py's dispatcher interposer, installed while enabled_count > 0


def device_type_of(device_type, op, position=1):
    """The device type autocast keys its state by ("cuda:0" -> "cuda"), with PyTorch's errors."""
    if not isinstance(device_type, str):
        raise TypeError(f"{op}(): argument 'device_type' (position {position}) must be str, not "
                        f"{type(device_type).__name__}")
    kind, _, index = device_type.partition(":")
    if kind not in _TORCH_DEVICE_TYPES or (index and not index.isdigit()):
        raise RuntimeError(f"Expected one of {', '.join(_TORCH_DEVICE_TYPES)} device type at start of device string: "
                           f"{device_type}")
    if kind not in SUPPORTED:
        raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
    return kind


def check_bool(value, op, name, position):
    if value.__class__ is not bool:
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be bool, not {type(value).__name__}")


# ---- the thread's autocast state, under PyTorch's names -------------------------------------------------
def is_autocast_enabled(device_type=None):
    """Whether autocast is on for a device type in this thread.

    Args:
        device_type: "cpu" or "cuda" (default None: "cuda", PyTorch's legacy no-argument form).

    Returns:
        bool: True inside an enabled autocast region for that device type.

    Example:
        >>> with ft.autocast("cpu"):
        ...     ft.is_autocast_enabled("cpu")
        True
    """
    return state.enabled[device_type_of("cuda" if device_type is None else device_type, "is_autocast_enabled")]


def set_autocast_enabled(device_type, enabled=None):
    """Turn autocast on or off for a device type in this thread (what entering `autocast` does).

    Args:
        device_type: "cpu" or "cuda" (or, PyTorch's legacy form, the bool `enabled` for "cuda").
        enabled: bool.

    Returns:
        None

    Example:
        >>> ft.set_autocast_enabled("cpu", True)
        >>> (ft.ones(2, 2) @ ft.ones(2, 2)).dtype
        fx.tensor.bfloat16
        >>> ft.set_autocast_enabled("cpu", False)
    """
    global enabled_count
    if enabled is None:
        device_type, enabled = "cuda", device_type
        check_bool(enabled, "set_autocast_enabled", "enabled", 1)
    kind = device_type_of(device_type, "set_autocast_enabled")
    check_bool(enabled, "set_autocast_enabled", "enabled", 2)
    if state.enabled[kind] is enabled:
        return
    state.enabled[kind] = enabled
    with _lock:
        enabled_count += 1 if enabled else -1
        if enabled and enabled_count == 1:
            _dispatch.push_interposer(interposer)
        elif not enabled and enabled_count == 0:
            _dispatch.pop_interposer(interposer)


def get_autocast_dtype(device_type):
    """The dtype autocast uses for "lower precision" ops on a device type in this thread.

    Args:
        device_type: "cpu" (default bfloat16) or "cuda" (default float16).

    Returns:
        fx.tensor.dtype

    Example:
        >>> ft.get_autocast_dtype("cpu")
        fx.tensor.bfloat16
    """
    return state.dtype[device_type_of(device_type, "get_autocast_dtype")]


def set_autocast_dtype(device_type, dtype):
    """Set the dtype autocast uses for a device type in this thread (what entering `autocast` does).

    Args:
        device_type: "cpu" or "cuda".
        dtype: an fx.tensor dtype.

    Returns:
        None

    Example:
        >>> ft.set_autocast_dtype("cpu", ft.float16)
        >>> ft.get_autocast_dtype("cpu")
        fx.tensor.float16
        >>> ft.set_autocast_dtype("cpu", ft.bfloat16)
    """
    kind = device_type_of(device_type, "set_autocast_dtype")
    if not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"set_autocast_dtype(): argument 'dtype' (position 2) must be fx.tensor.dtype, not "
                        f"{type(dtype).__name__}")
    state.dtype[kind] = dtype


def is_autocast_cache_enabled():
    """Whether autocast caches the casts of weights (float32 leaves that require grad) in this thread.

    Returns:
        bool: True unless turned off by `set_autocast_cache_enabled` or `autocast(cache_enabled=False)`.

    Example:
        >>> ft.is_autocast_cache_enabled()
        True
    """
    return state.cache_enabled


def set_autocast_cache_enabled(enabled):
    """Turn the autocast weight-cast cache on or off in this thread.

    Args:
        enabled: bool.

    Returns:
        None

    Example:
        >>> ft.set_autocast_cache_enabled(False)
        >>> ft.is_autocast_cache_enabled()
        False
        >>> ft.set_autocast_cache_enabled(True)
    """
    if enabled.__class__ is not bool:
        raise TypeError(f"enabled must be a bool (got {type(enabled).__name__})")
    state.cache_enabled = enabled


def clear_autocast_cache():
    """Drop this thread's cached weight casts (the outermost `autocast` region does it on exit).

    Returns:
        None

    Example:
        >>> ft.clear_autocast_cache()
    """
    state.cache.clear()


def autocast_increment_nesting():
    """Count one more entered autocast region in this thread (what entering `autocast` does).

    Returns:
        int: the new depth.

    Example:
        >>> ft.autocast_increment_nesting()
        1
        >>> ft.autocast_decrement_nesting()
        0
    """
    state.nesting += 1
    return state.nesting


def autocast_decrement_nesting():
    """Count one autocast region fewer in this thread; at 0 the caller clears the cache.

    Returns:
        int: the new depth.

    Example:
        >>> ft.autocast_increment_nesting()
        1
        >>> ft.autocast_decrement_nesting()
        0
    """
    state.nesting -= 1
    return state.nesting


def is_autocast_cpu_enabled():
    """Deprecated: `is_autocast_enabled("cpu")`.

    Returns:
        bool: whether autocast is on for the CPU in this thread.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ft.is_autocast_cpu_enabled()
        False
    """
    warnings.warn("fx.tensor.is_autocast_cpu_enabled() is deprecated. Please use fx.tensor.is_autocast_enabled('cpu') "
                  "instead.", DeprecationWarning, stacklevel=2)
    return state.enabled["cpu"]


def get_autocast_cpu_dtype():
    """Deprecated: `get_autocast_dtype("cpu")`.

    Returns:
        fx.tensor.dtype: the CPU autocast dtype of this thread.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ft.get_autocast_cpu_dtype()
        fx.tensor.bfloat16
    """
    warnings.warn("fx.tensor.get_autocast_cpu_dtype() is deprecated. Please use fx.tensor.get_autocast_dtype('cpu') "
                  "instead.", DeprecationWarning, stacklevel=2)
    return state.dtype["cpu"]


def get_autocast_gpu_dtype():
    """Deprecated: `get_autocast_dtype("cuda")`.

    Returns:
        fx.tensor.dtype: the CUDA autocast dtype of this thread.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ft.get_autocast_gpu_dtype()
        fx.tensor.float16
    """
    warnings.warn("fx.tensor.get_autocast_gpu_dtype() is deprecated. Please use fx.tensor.get_autocast_dtype('cuda') "
                  "instead.", DeprecationWarning, stacklevel=2)
    return state.dtype["cuda"]
