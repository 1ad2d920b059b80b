"""Activation checkpointing: `checkpoint(fn, *args, use_reentrant=...)` (torch.utils.checkpoint).

use_reentrant=False (recommended): `fn` runs under saved-tensor hooks whose pack keeps only a
small holder, so no intermediate is kept alive. The first time backward unpacks a holder, `fn`
is rerun once under enable_grad with the forward's RNG state; the recomputation's saved tensors
fill the holders (matched by order) and it stops as soon as all are filled. Each holder dies with
the node that saved it, so recomputed activations are freed as backward moves on.

use_reentrant=True: a custom Function runs `fn` under no_grad, and its backward reruns `fn` on
detached inputs and backpropagates through that fresh graph (a nested backward).
"""

from __future__ import annotations

import contextlib
import warnings
import weakref

from fx.tensor import _generator
from fx.tensor._tensor import Tensor, wrap

from ._api import backward as _backward
from ._function import Function
from ._graph import meta, output_nr
from ._grad_mode import enable_grad, state
from ._saved import saved_tensors_hooks

__all__ = ["checkpoint", "CheckpointError", "noop_context_fn"]


class CheckpointError(RuntimeError):
    """The recomputation in backward did not reproduce the forward's saved tensors."""


class _StopRecomputation(Exception):
    pass


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def _default_meta(t):
    return {"shape": t.shape, "dtype": t.dtype, "device": t.device}


_DETERMINISM = {"default": _default_meta, "none": None}


def checkpoint(function, *args, use_reentrant=None, preserve_rng_state=True, context_fn=noop_context_fn,
               determinism_check="default", debug=False, early_stop=True, **kwargs):
    """Run `function(*args, **kwargs)` without keeping its intermediates; recompute them in backward.

    Trades compute for memory (torch.utils.checkpoint.checkpoint): the activations inside
    `function` are not stored, and `function` runs a second time during backward.

    Args:
        function: the callable to run; its output is returned.
        *args: positional arguments for `function`.
        use_reentrant: False (recommended) uses saved-tensor hooks; True a Function that reruns
            `function` in backward. Not passing it warns and uses True, like PyTorch 2.13.
        preserve_rng_state: rerun with the forward's RNG state (same dropout masks).
        context_fn: returns two context managers, for the forward and the recomputation.
        determinism_check: "default" compares shapes/dtypes/devices of recomputed tensors; "none".
        debug: accepted with use_reentrant=False (no extra logging).
        early_stop: stop the recomputation once every saved tensor has been recomputed.
        **kwargs: keyword arguments for `function` (use_reentrant=False only).

    Returns:
        What `function(*args, **kwargs)` returns, differentiable as if run normally.

    Example:
        >>> x = ft.tensor([0.0, 1.0], requires_grad=True)
        >>> y = autograd.checkpoint(lambda t: t.sin().exp(), x, use_reentrant=False)
        >>> y.sum().backward()
        >>> x.grad
        tensor([1.0000, 1.2534])
    """
    if use_reentrant is None:
        warnings.warn(
            "fx.autograd.checkpoint: the use_reentrant parameter should be passed explicitly. use_reentrant=False "
            "is recommended, but if you need to preserve the current default behavior, you can pass "
            "use_reentrant=True. Refer to docs for more details on the differences between the two variants.",
            stacklevel=2)
        use_reentrant = True
    if determinism_check not in _DETERMINISM:
        raise ValueError(f"determinism_check should be one of {list(_DETERMINISM)}, but got {determinism_check}")
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    if debug and context_fn is not noop_context_fn:
        raise ValueError("debug=True is incompatible with non-default context_fn")
    frame = _Frame(function, args, kwargs, preserve_rng_state, _DETERMINISM[determinism_check], early_stop, debug)
    forward_ctx, frame.recompute_ctx = context_fn()
    with forward_ctx, saved_tensors_hooks(frame.pack, frame.unpack):
        return function(*args, **kwargs)


# ---- RNG ---------------------------------------------------------------------------------------
def _rng_states(args):
    """The CPU RNG state and those of the devices of the tensor arguments."""
    states = [(None, _generator.get_rng_state())]
    for d in {a.device for a in args if isinstance(a, Tensor) and not a.is_cpu}:
        states.append((d, _generator.default_generator_for(d).get_state()))
    return states


def _set_rng_states(states):
    for d, s in states:
        if d is None:
            _generator.set_rng_state(s)
        else:
            _generator.default_generator_for(d).set_state(s)


@contextlib.contextmanager
def _fork_rng(states):
    """Run the block with the RNG in `states` (None: untouched), then restore the current state."""
    if states is None:
        yield
        return
    current = [(d, _generator.get_rng_state() if d is None else _generator.default_generator_for(d).get_state())
               for d, _ in states]
    _set_rng_states(states)
    try:
        yield
    finally:
        _set_rng_states(current)


# ---- use_reentrant=False -----------------------------------------------------------------------
class _Holder:
    """What a node keeps for one checkpointed saved tensor: the recomputed value once known, and
    the original's autograd identity (a leaf itself, or a weak link to its grad_fn)."""

    __slots__ = ("value", "leaf", "fn", "nr", "__weakref__")


class _Frame:
    """The state of one checkpoint call: the inputs to rerun with and weak links to its holders."""

    def __init__(self, function, args, kwargs, preserve, meta_fn, early_stop, debug):
        self.function, self.args, self.kwargs = function, args, kwargs
        self.rng = _rng_states(args) if preserve else None
        self.meta_fn, self.early_stop, self.debug = meta_fn, early_stop, debug
        self.holders = []
        self.metas = []
        self.recompute_ctx = None
        self.counter = 0
        self.mismatch = None

    def pack(self, t):
        h = _Holder()
        h.value = h.leaf = h.fn = None
        h.nr = 0
        if t._rg:
            if t.grad_fn is None:
                h.leaf = t  # a leaf that requires grad is alive anyway; it is its own recomputation
            else:
                h.fn = weakref.ref(t.grad_fn)  # weak: the node saving its own output must not hold itself
                h.nr = output_nr(t)
        self.holders.append(weakref.ref(h))
        if self.meta_fn is not None:
            self.metas.append(self.meta_fn(t))
        return h

    def unpack(self, h):
        if h.leaf is not None:
            return h.leaf
        if h.value is None:
            self._recompute()
        r = h.value
        a = wrap(r._data)
        a._vc = r._vc
        fn = h.fn() if h.fn is not None else None
        if fn is not None:
            # The original's place in the graph, so double backward through the rule still works.
            a._rg = True
            a.grad_fn = fn
            if h.nr:
                meta(a).output_nr = h.nr
        return a

    def _recompute(self):
        self.counter = 0
        self.mismatch = []
        ctx = self.recompute_ctx if self.recompute_ctx is not None else contextlib.nullcontext()
        self.recompute_ctx = None  # a context manager from context_fn is used once
        try:
            with _fork_rng(self.rng), enable_grad(), ctx, saved_tensors_hooks(self._pack_recomputed, _identity):
                self.function(*self.args, **self.kwargs)
        except _StopRecomputation:
            pass
        if self.counter != len(self.holders):
            raise CheckpointError(
                "fx.autograd.checkpoint: A different number of tensors was saved during the original forward and "
                f"recomputation.\nNumber of tensors saved during forward: {len(self.holders)}\nNumber of tensors "
                f"saved during recomputation: {self.counter}.")
        if self.mismatch:
            lines = "".join(f"tensor at position {i}:\nsaved metadata: {a}\nrecomputed metadata: {b}\n"
                            for i, a, b in self.mismatch)
            raise CheckpointError("fx.autograd.checkpoint: Recomputed values for the following tensors have different "
                                  f"metadata than during the forward pass.\n{lines}")

    def _pack_recomputed(self, t):
        i = self.counter
        if i >= len(self.holders):
            raise CheckpointError("fx.autograd.checkpoint: trying to save more tensors during recomputation than "
                                  "during the original forward pass.")
        self.counter += 1
        h = self.holders[i]()
        if h is not None:
            if self.meta_fn is not None:
                m = self.meta_fn(t)
                if m != self.metas[i]:
                    self.mismatch.append((i, self.metas[i], m))
            v = wrap(t._data)
            v._vc = t._vc
            h.value = v
        if self.early_stop and self.counter == len(self.holders):
            raise _StopRecomputation
        return None


def _identity(x):
    return x


# ---- use_reentrant=True ------------------------------------------------------------------------
class CheckpointFunction(Function):
    """Reentrant checkpoint: forward without a graph; backward reruns `run_function` and backpropagates."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        if not any(isinstance(a, Tensor) and a._rg for a in args):
            warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=4)
        ctx.run_function = run_function
        ctx.rng = _rng_states(args) if preserve_rng_state else None
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            d = t.detach()
            d._rg = t._rg
            inputs[i] = d
        with _fork_rng(ctx.rng), enable_grad():
            outputs = ctx.run_function(*inputs)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o._rg]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        prev = state.enabled
        try:
            _backward([o for o, _ in pairs], [g for _, g in pairs])
        finally:
            state.enabled = prev
        return (None, None) + tuple(a.grad if isinstance(a, Tensor) else None for a in inputs)
