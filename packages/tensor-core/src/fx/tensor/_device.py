"""`device`: where a tensor's storage lives ("cpu", "cuda:N")."""

from __future__ import annotations

__all__ = ["device"]

_KNOWN_TYPES = ("cpu", "cuda")
_cache: dict = {}


class device:
    """A device type with an optional index, like `torch.device`.

    Example:
        >>> device("cuda:1").index
        1
    """

    __slots__ = ("type", "index")

    def __new__(cls, type, index=None):
        if type.__class__ is device:
            return type
        key = (type, index)
        cached = _cache.get(key)
        if cached is not None:
            return cached
        if isinstance(type, int) and not isinstance(type, bool):
            dev_type, dev_index = "cuda", type
        elif isinstance(type, str):
            dev_type, _, idx = type.partition(":")
            dev_index = None
            if idx:
                if index is not None:
                    raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type}")
                if not idx.isdigit():
                    raise RuntimeError(f"Invalid device string: '{type}'")
                dev_index = int(idx)
            elif index is not None:
                dev_index = index
        else:
            raise TypeError(f"device() expected a string or int, got {type.__class__.__name__}")
        if dev_type not in _KNOWN_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_KNOWN_TYPES)} device type at start of device string: {type}")
        if dev_index is not None and (not isinstance(dev_index, int) or dev_index < 0):
            raise RuntimeError(f"Device index must not be negative, got {dev_index}")
        self = object.__new__(cls)
        self.type = dev_type
        self.index = dev_index
        _cache[key] = self
        return self

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        if other.__class__ is not device:
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device("cpu")
