"""Saved tensors: version-checked references, outputs saved without a cycle, and pack/unpack hooks."""

from __future__ import annotations

import threading

from fx.tensor._tensor import shared_counter, wrap


class _HookStack(threading.local):
    def __init__(self):
        self.stack = []


_hooks = _HookStack()


def saved_hooks_active() -> bool:
    return bool(_hooks.stack)


class SavedTensor:
    """A tensor a derivative rule reads in backward, with the version it had when saved."""

    __slots__ = ("t", "version", "is_output", "packed", "unpack_fn", "output_nr")

    def unpack(self, node, what, i):
        if self.unpack_fn is not None:
            return self.unpack_fn(self.packed)
        t = self.t
        if t._version != self.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an inplace operation: "
                f"[fx.tensor.{t.dtype.name} {list(t._data.shape)}], which is {what} {i} of {node.name()}, "
                f"is at version {t._version}; expected version {self.version} instead. Hint: enable anomaly "
                "detection (fx.autograd.set_detect_anomaly(True)) to find the operation that failed."
            )
        if self.is_output:
            # A fresh alias pointing at the node: double backward flows through it, and the node
            # itself never held its output (no reference cycle). Integer outputs stay plain.
            a = wrap(t._data)
            a._vc = t._vc
            if t._data.dtype.kind not in "biu":
                a._rg = True
                a.grad_fn = node
            if self.output_nr:
                from ._graph import meta

                meta(a).output_nr = self.output_nr
            return a
        return t


def pack_saved(t, is_output, output_nr=0):
    s = SavedTensor.__new__(SavedTensor)
    s.is_output = is_output
    s.output_nr = output_nr
    if _hooks.stack:
        pack, unpack = _hooks.stack[-1]
        s.packed, s.unpack_fn = pack(t), unpack
        s.t = None
        s.version = 0
        return s
    s.packed = s.unpack_fn = None
    if is_output:
        alias = wrap(t._data)
        alias._vc = shared_counter(t)
        s.t = alias
    else:
        s.t = t
    s.version = t._version
    return s


class saved_tensors_hooks:
    """Context manager that intercepts the tensors saved for backward (e.g. to offload or compress them).

    `pack_hook(tensor)` runs when an op inside the block saves a tensor, and what it returns is
    stored instead; `unpack_hook(packed)` runs when backward reads it and must return a tensor
    equal to the original.

    Args:
        pack_hook: tensor -> anything.
        unpack_hook: what pack_hook returned -> tensor.

    Example:
        >>> shapes = []
        >>> def pack(t):
        ...     shapes.append(tuple(t.shape))
        ...     return t
        >>> x = ft.ones(3, requires_grad=True)
        >>> with autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        ...     y = (x * x).sum()
        >>> shapes
        [(3,), (3,)]
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        _hooks.stack.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        _hooks.stack.pop()
        return False
