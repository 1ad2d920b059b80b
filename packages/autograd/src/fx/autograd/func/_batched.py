"""Batched tensors and vmap levels.

Inside `vmap` a batched value is a `BatchedTensor`: an fx Tensor whose *logical* value is one
example, backed by a *physical* tensor `_phys` that holds the whole batch in dim 0. `_data` is a
logical-shape stand-in (example 0 of the physical array), so fx.tensor's frontends, which read
shapes, dtypes and strides from `_data`, validate and normalise arguments per example; every
primitive call is then rewritten by the level's batching rule to run once on the physical tensors.

Nested vmaps stack: the physical tensor of a level-2 BatchedTensor may itself be batched at level
1; wrappers always nest with the highest level outermost, and a "plain" tensor is the innermost,
unbatched physical array whose leading dims are the levels in increasing order.

Autograd never sees a BatchedTensor: the rules unwrap before the call reaches the recorder, so the
graph is built on physical tensors (`_rg`, `grad_fn` and the version counter are forwarded).
"""

from __future__ import annotations

import itertools
import threading

from fx.tensor._backend import xp_of
from fx.tensor._tensor import Tensor

_new = object.__new__
_ids = itertools.count(1)


class Level:
    """One active vmap: its id (higher = more deeply nested), batch size and randomness mode."""

    __slots__ = ("id", "size", "randomness", "interpose", "thread", "__weakref__")

    def __init__(self, size, randomness):
        self.id = next(_ids)
        self.size = size
        self.randomness = randomness
        self.interpose = None
        self.thread = threading.get_ident()

    def __repr__(self):
        return f"<vmap level {self.id} size {self.size}>"


class _Active(threading.local):
    def __init__(self):
        self.levels = []


_active = _Active()


def active_levels() -> list:
    """This thread's active vmap levels, outermost first (vmap pushes on entry, pops on exit)."""
    return _active.levels


def _data_error(what):
    return RuntimeError(
        f"vmap: It looks like you're calling {what} on a Tensor inside vmap. vmap runs the function once "
        "over the whole batch, so a per-example Python value does not exist; rewrite it with tensor "
        "operations (e.g. fx.tensor.where instead of an if on a tensor)."
    )


class BatchedTensor(Tensor):
    """A per-example view of a batched physical tensor (batch dim 0) at one vmap level."""

    __slots__ = ("_phys", "_lvl")

    # Autograd state lives on the physical tensor.
    @property
    def _rg(self):
        return self._phys._rg

    @_rg.setter
    def _rg(self, value):
        self._phys._rg = value

    @property
    def grad_fn(self):
        return self._phys.grad_fn

    @grad_fn.setter
    def grad_fn(self, value):
        self._phys.grad_fn = value

    @property
    def _vc(self):
        return self._phys._vc

    @_vc.setter
    def _vc(self, value):
        self._phys._vc = value

    def detach(self):
        return make(self._phys.detach(), self._lvl)

    def detach_(self):
        self._phys.detach_()
        return self

    @property
    def data(self):
        return make(self._phys.data, self._lvl)

    def item(self):
        raise _data_error(".item()")

    def tolist(self):
        raise _data_error(".tolist()")

    def numpy(self, *, force=False):
        raise _data_error(".numpy()")

    def __array__(self, dtype=None, copy=None):
        raise _data_error("numpy.asarray()")

    def __bool__(self):
        raise RuntimeError(
            "vmap: It looks like you're attempting to use a Tensor in some data-dependent control flow "
            "(bool(), if, while). vmap does not support that; use fx.tensor.where or other tensor "
            "operations instead."
        )

    def __float__(self):
        raise _data_error("float()")

    def __int__(self):
        raise _data_error("int()")

    def __index__(self):
        raise _data_error("an index conversion")

    def __complex__(self):
        raise _data_error("complex()")

    def __repr__(self):
        return f"BatchedTensor(lvl={self._lvl}, bdim=0, value=\n{self._phys!r}\n)"

    # `x.new_zeros(shape)` inside vmap is one buffer per example (PyTorch's semantics), so a
    # derivative rule that fills a fresh buffer in place works on batched gradients.
    def new_zeros(self, *size, **kwargs):
        return make(self._phys.new_zeros(self._batch_size(size), **kwargs), self._lvl)

    def new_ones(self, *size, **kwargs):
        return make(self._phys.new_ones(self._batch_size(size), **kwargs), self._lvl)

    def new_empty(self, *size, **kwargs):
        return make(self._phys.new_empty(self._batch_size(size), **kwargs), self._lvl)

    def new_full(self, size, fill_value, **kwargs):
        return make(self._phys.new_full(self._batch_size((size,)), fill_value, **kwargs), self._lvl)

    def _batch_size(self, size):
        from fx.tensor._ops._common import parse_shape

        return (self._phys._data.shape[0],) + parse_shape(size, "new_zeros")


def make(phys, lvl) -> BatchedTensor:
    """Wrap `phys` (batch in dim 0) as a BatchedTensor of level id `lvl`."""
    t = _new(BatchedTensor)
    d = phys._data
    if d.shape[0]:
        t._data = d[0, ...]
    else:
        # Empty batch: a read-only zero-stride stand-in of the logical shape.
        xp = xp_of(d)
        t._data = xp.broadcast_to(xp.zeros((), d.dtype), d.shape[1:])
    t.grad = None
    t._base = None
    t._view = None
    t._ag = None
    t._phys = phys
    t._lvl = lvl
    return t


def is_batched(t, lvl) -> bool:
    return t.__class__ is BatchedTensor and t._lvl == lvl


# ---- moving between levels and plain tensors ---------------------------------------------------
def unwrap_all(t):
    """(plain tensor, levels): the levels of `t` in increasing order, one leading dim each."""
    levels = []
    while t.__class__ is BatchedTensor:
        levels.append(t._lvl)
        t = t._phys
    levels.reverse()
    return t, levels


def wrap_sorted(plain, levels):
    """Wrap `plain`, whose leading dims belong to `levels` (any order), as nested BatchedTensors."""
    if not levels:
        return plain
    order = sorted(range(len(levels)), key=lambda i: levels[i])
    if order != list(range(len(levels))):
        perm = tuple(order) + tuple(range(len(levels), plain.ndim))
        plain = plain.permute(perm)
    t = plain
    for i in order:
        t = make(t, levels[i])
    return t


def size_of(lvl) -> int:
    for lv in _active.levels:
        if lv.id == lvl:
            return lv.size
    raise RuntimeError(f"vmap: level {lvl} is no longer active (a BatchedTensor escaped its vmap)")


def expose(t, levels, sizes=None):
    """`t` with the batch dims of `levels` (increasing) moved into its logical shape, in front.

    Levels `t` is not batched at are broadcast (an expand, no copy); its other levels stay
    wrappers. Returns a tensor whose logical shape is (sizes of `levels`..., logical shape of t).
    """
    plain, have = unwrap_all(t)
    if not levels:
        return t
    keep = [lv for lv in have if lv not in levels]
    want = keep + list(levels)
    missing = [lv for lv in levels if lv not in have]
    if missing:
        n = len(have)
        for lv in missing:
            plain = plain.unsqueeze(n)
            have = have + [lv]
            n += 1
        target = list(plain.shape)
        for i, lv in enumerate(have):
            if lv in missing:
                target[i] = sizes[levels.index(lv)] if sizes is not None else size_of(lv)
        plain = plain.expand(tuple(target))
    perm = [have.index(lv) for lv in want]
    if perm != list(range(len(want))):
        plain = plain.permute(tuple(perm) + tuple(range(len(want), plain.ndim)))
    out = plain
    for lv in keep:  # lowest level innermost
        out = make(out, lv)
    return out


def absorb(t, levels):
    """Inverse of `expose`: the leading logical dims of `t` (belonging to `levels`) become levels."""
    if not levels:
        return t
    plain, have = unwrap_all(t)
    return wrap_sorted(plain, have + list(levels))
