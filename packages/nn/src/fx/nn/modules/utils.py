"""Argument helpers that PyTorch layer code imports from torch.nn.modules.utils (_pair, _ntuple, ...).

`_ntuple(n)` turns a scalar into an n-tuple of it and any other iterable into a tuple, unchecked,
as PyTorch does (layers validate lengths themselves).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["consume_prefix_in_state_dict_if_present"]


def _ntuple(n, name="parse"):
    def parse(x):
        return tuple(x) if isinstance(x, Iterable) else (x,) * n

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t, n):
    """(a, b) -> (b, b, a, a) for n = 2: a layer's per-dim padding as F.pad's (last dim first) widths."""
    return tuple(v for v in reversed(t) for _ in range(n))


def _list_with_default(out_size, defaults):
    """An adaptive pool's output size with each None replaced by the matching trailing input size."""
    if isinstance(out_size, int):
        return out_size
    if len(defaults) <= len(out_size):
        raise ValueError(f"Input dimension should be at least {len(out_size) + 1}")
    tail = defaults[len(defaults) - len(out_size):]
    return [d if v is None else v for v, d in zip(out_size, tail)]


def consume_prefix_in_state_dict_if_present(state_dict, prefix):
    """Strip `prefix` from the keys of a state dict in place (e.g. "module." from a DDP checkpoint).

    Keys without the prefix are kept as they are; the dict's `_metadata` entries are renamed alike.

    Args:
        state_dict: the state dict (an OrderedDict from `Module.state_dict()`, or any dict).
        prefix: the key prefix to remove, e.g. "module.".

    Returns:
        None; `state_dict` is changed in place.

    Example:
        >>> from fx.nn.modules.utils import consume_prefix_in_state_dict_if_present
        >>> sd = nn.Sequential(nn.Linear(2, 1)).state_dict()
        >>> consume_prefix_in_state_dict_if_present(sd, "0.")
        >>> list(sd)
        ['weight', 'bias']
    """
    for key in [k for k in state_dict if k.startswith(prefix)]:
        state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is None:
        return
    for key in list(metadata):
        # "" is the root module's entry; "module" (the prefix without its dot) is the wrapped model's root
        if key and (key.startswith(prefix) or key == prefix.replace(".", "")):
            metadata[key[len(prefix):]] = metadata.pop(key)
