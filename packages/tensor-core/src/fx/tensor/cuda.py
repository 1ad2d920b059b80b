"""`fx.tensor.cuda`: the `torch.cuda` queries PyTorch programs make before choosing a device.

fx's CUDA backend registers itself in `fx.tensor._backend.ARRAY_MODULES` when it loads; until one has,
these functions answer the way a CPU-only PyTorch build does: `is_available()` is False,
`device_count()` is 0, seeding is a no-op (the seed applies once a GPU is used), and calls that need a
GPU raise RuntimeError saying why.
"""

from __future__ import annotations

from ._backend import ARRAY_MODULES

__all__ = [
    "is_available", "device_count", "current_device", "set_device", "get_device_name", "synchronize",
    "manual_seed", "manual_seed_all", "seed", "seed_all", "is_initialized", "empty_cache", "memory_allocated",
    "memory_reserved",
]

_UNAVAILABLE = ("fx's CUDA backend is not available here (it needs an NVIDIA GPU and `pip install fx-tensor[cuda]`); "
                "check fx.tensor.cuda.is_available() before using a CUDA device")


def _backend():
    return next((xp for xp in ARRAY_MODULES.values() if xp.__name__ == "cupy"), None)


def _require(what):
    xp = _backend()
    if xp is None:
        raise RuntimeError(f"fx.tensor.cuda.{what}: {_UNAVAILABLE}")
    return xp


def _require_int(seed):
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"fx.tensor.cuda.manual_seed: seed must be an int, got {type(seed).__name__}")


def is_available():
    """Whether fx can put tensors on a CUDA device.

    Returns:
        bool: True once the CUDA backend is loaded and sees at least one GPU.

    Example:
        >>> device = ft.device("cuda" if ft.cuda.is_available() else "cpu")
        >>> ft.zeros(2, device=device).shape
        fx.tensor.Size([2])
    """
    return device_count() > 0


def device_count():
    """Number of CUDA devices fx can use.

    Returns:
        int: 0 without the CUDA backend.

    Example:
        >>> ft.cuda.device_count() >= 0
        True
    """
    xp = _backend()
    return 0 if xp is None else int(xp.cuda.runtime.getDeviceCount())


def is_initialized():
    """Whether the CUDA backend has been loaded.

    Returns:
        bool

    Example:
        >>> ft.cuda.is_initialized() == ft.cuda.is_available()
        True
    """
    return _backend() is not None


def current_device():
    """Index of the current CUDA device.

    Returns:
        int

    Raises:
        RuntimeError: without the CUDA backend.
    """
    return int(_require("current_device").cuda.runtime.getDevice())


def set_device(device):
    """Make `device` (an index, "cuda:N" or an fx device) the current CUDA device.

    Args:
        device: the device to select.

    Raises:
        RuntimeError: without the CUDA backend.
    """
    from ._device import device as _device

    xp = _require("set_device")
    index = device if isinstance(device, int) else (_device(device).index or 0)
    xp.cuda.runtime.setDevice(index)


def get_device_name(device=None):
    """The name of a CUDA device (default: the current one).

    Args:
        device: index, "cuda:N" or fx device; None for the current device.

    Returns:
        str

    Raises:
        RuntimeError: without the CUDA backend.
    """
    from ._device import device as _device

    xp = _require("get_device_name")
    index = xp.cuda.runtime.getDevice() if device is None else (device if isinstance(device, int) else _device(device).index or 0)
    name = xp.cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else name


def synchronize(device=None):
    """Wait for all queued work on a CUDA device to finish.

    Args:
        device: the device to wait for (default: the current one).

    Raises:
        RuntimeError: without the CUDA backend.
    """
    _require("synchronize").cuda.Device(device if isinstance(device, int) else None).synchronize()


def manual_seed(seed):
    """Seed the current CUDA device's generator; a no-op until the CUDA backend is in use (as in PyTorch).

    Args:
        seed (int): the seed.

    Example:
        >>> ft.cuda.manual_seed(0)
    """
    # CPU-only: nothing to seed. PyTorch's CPU builds accept the call too, so seeding code ports unchanged.
    _require_int(seed)


def manual_seed_all(seed):
    """Seed every CUDA device's generator; a no-op until the CUDA backend is in use.

    Args:
        seed (int): the seed.

    Example:
        >>> ft.cuda.manual_seed_all(0)
    """
    manual_seed(seed)


def seed():
    """Seed the current CUDA generator with a random number; a no-op without the CUDA backend.

    Example:
        >>> ft.cuda.seed()
    """
    return None


def seed_all():
    """Seed every CUDA generator with a random number; a no-op without the CUDA backend.

    Example:
        >>> ft.cuda.seed_all()
    """
    seed()


def empty_cache():
    """Return cached, unused GPU memory to the driver; a no-op without the CUDA backend.

    Example:
        >>> ft.cuda.empty_cache()
    """
    xp = _backend()
    if xp is not None:
        xp.get_default_memory_pool().free_all_blocks()


def memory_allocated(device=None):
    """Bytes of GPU memory held by tensors.

    Args:
        device: unused until multi-GPU pools exist (the current device's pool is reported).

    Returns:
        int

    Raises:
        RuntimeError: without the CUDA backend.
    """
    return int(_require("memory_allocated").get_default_memory_pool().used_bytes())


def memory_reserved(device=None):
    """Bytes of GPU memory held by the caching allocator (used and cached).

    Args:
        device: unused until multi-GPU pools exist.

    Returns:
        int

    Raises:
        RuntimeError: without the CUDA backend.
    """
    return int(_require("memory_reserved").get_default_memory_pool().total_bytes())
