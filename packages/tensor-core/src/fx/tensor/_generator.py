"""Random generators: `Generator` (a Philox4x32-10 stream as (seed, offset)), the default generator
per device, and seeding (`manual_seed`, `seed`, `initial_seed`, `get_rng_state`, `set_rng_state`)."""

from __future__ import annotations

import os

import numpy as np

from . import _dtype
from ._device import CPU, device as _device
from ._tensor import Tensor, wrap

_MASK64 = (1 << 64) - 1


# ---- generators ------------------------------------------------------------------------------
def _check_seed(seed, op="manual_seed"):
    if isinstance(seed, Tensor):
        seed = seed.item()
    if not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"{op} expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -(1 << 63) <= seed <= _MASK64:
        raise ValueError(f"{op}: seed {seed} overflows 64 bits (it must be in [-2**63, 2**64))")
    return seed & _MASK64


def _nondeterministic_seed():
    return int.from_bytes(os.urandom(8), "little")


class Generator:
    """A Philox4x32-10 random stream: state (seed, offset). `Generator(device="cpu")`.

    Example:
        >>> g = Generator().manual_seed(42)
        >>> state = g.get_state(); x = randn(2, generator=g); _ = g.set_state(state)
        >>> bool((x == randn(2, generator=g)).all())
        True
    """

    __slots__ = ("device", "_seed", "_offset")

    def __init__(self, device="cpu"):
        self.device = _device(device)
        self._seed = 67280421310721  # PyTorch's default seed for a new Generator
        self._offset = 0

    def manual_seed(self, seed):
        """Restart the stream from `seed` (negative seeds wrap to 64 bits); returns self."""
        self._seed = _check_seed(seed)
        self._offset = 0
        return self

    def seed(self):
        """Reseed from the OS's entropy; returns the new seed."""
        s = _nondeterministic_seed()
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_offset(self):
        """The next Philox counter (each counter gives 4 x 32 random bits)."""
        return self._offset

    def set_offset(self, offset):
        if not isinstance(offset, (int, np.integer)) or not 0 <= offset <= _MASK64:
            raise RuntimeError(f"set_offset expected an offset in [0, 2**64), got {offset!r}")
        self._offset = int(offset)
        return self

    def get_state(self):
        """The state as a 16-element uint8 tensor: seed then offset, little-endian uint64s."""
        return wrap(np.array([self._seed, self._offset], dtype="<u8").view(np.uint8))

    def set_state(self, new_state):
        """Restore a state from `get_state`; returns self."""
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a fx.tensor.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not _dtype.uint8:
            raise TypeError(f"RNG state must be a fx.tensor.ByteTensor (uint8), got {new_state.dtype}")
        if new_state.numel() != 16:
            raise RuntimeError(f"Expected an RNG state of 16 bytes (seed, offset) but found {new_state.numel()}")
        seed, offset = np.ascontiguousarray(new_state.cpu()._data.reshape(-1)).view("<u8").tolist()
        self._seed, self._offset = seed, offset
        return self

    def clone_state(self):
        """A new generator on the same device in the same state."""
        g = Generator(self.device)
        g._seed, g._offset = self._seed, self._offset
        return g

    def _take(self, words):
        """(seed, first counter) for a draw of `words` 32-bit words; advances the offset."""
        offset = self._offset
        self._offset = (offset + (words + 3) // 4) & _MASK64
        return self._seed, offset

    def __repr__(self):
        return f"<fx.tensor.Generator device={self.device} seed={self._seed} offset={self._offset}>"


default_generator = Generator()
default_generator.manual_seed(_nondeterministic_seed())  # like PyTorch: unseeded runs differ
_DEFAULTS = {CPU: default_generator}


def default_generator_for(dev):
    """The default generator of a device (created on first use, seeded like the CPU one)."""
    dev = _device(dev)
    if dev.type == "cuda" and dev.index is None:
        dev = _device("cuda", 0)
    g = _DEFAULTS.get(dev)
    if g is None:
        g = _DEFAULTS[dev] = Generator(dev).manual_seed(default_generator.initial_seed())
    return g


def manual_seed(seed):
    """Seed every default generator; returns the CPU one."""
    seed = _check_seed(int(seed) if isinstance(seed, float) else seed)
    for g in _DEFAULTS.values():
        g.manual_seed(seed)
    return default_generator


def seed():
    """Seed every default generator from the OS's entropy; returns the seed."""
    s = _nondeterministic_seed()
    manual_seed(s)
    return s


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def _gen(generator, dev, op):
    if generator is None:
        return default_generator if dev is CPU else default_generator_for(dev)
    if not isinstance(generator, Generator):
        raise TypeError(f"{op}(): argument 'generator' must be fx.tensor.Generator, not {type(generator).__name__}")
    if generator.device.type != dev.type:
        raise RuntimeError(f"{op}: Expected a '{dev.type}' device type for generator but found "
                           f"'{generator.device.type}'")
    return generator
