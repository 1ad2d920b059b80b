"""Shape-only execution: run a forward pass on meta tensors without running the kernels that would
compute on them.

A meta tensor wraps a meta array (_meta_array.py): the shape, dtype and strides of a real tensor,
so every frontend check, view-or-copy decision and error message behaves as in a real run, but no
memory, and every element reads as 0. Inside `ShapeInference`, an interposer on fx.tensor's
dispatcher sees every primitive call:

* no meta input: the call runs as usual (weights, buffers and constants made inside forward);
* a meta input and a shape rule (_shape_rules*.py): the outputs are new meta tensors of the
  rule's shapes and dtypes, and no kernel runs;
* a meta input and no rule, or a rule that declines (a data-dependent shape such as nonzero or
  a boolean mask index) or raises (invalid inputs): the real kernel runs on the all-zero meta
  arrays (correct shapes, and the kernel's own errors), its outputs become meta tensors, and the
  call is counted in `fallbacks`;
* an in-place primitive on or from a meta tensor writes nothing and returns its target, so a
  model's buffers are never overwritten by meta values.

Values read from meta tensors (`.item()`, `bool()`) are 0, so control flow that depends on input
values takes the branch an all-zero input would take.
"""

from __future__ import annotations

from collections import Counter
from threading import get_ident

import numpy as np

from fx.tensor import _dispatch
from fx.tensor._tensor import Tensor, bump_version, shared_counter, wrap

from . import _shape_rules_nn  # noqa: F401  (registers the nn rules)
from ._meta_array import ZEROS, is_meta_array, meta_array
from ._shape_rules import RULES

__all__ = ["ShapeInference", "meta_tensor", "is_meta"]


def meta_tensor(shape, dtype) -> Tensor:
    """A meta Tensor of `shape` and `dtype` (an fx dtype or a NumPy one)."""
    return wrap(meta_array(shape, getattr(dtype, "np", dtype)))


def is_meta(t) -> bool:
    """Whether `t` is a meta tensor (a Tensor over no memory of its own)."""
    return isinstance(t, Tensor) and is_meta_array(t._data)


class ShapeInference:
    """Context manager: primitives with a meta input return meta outputs from shape rules.

    Args:
        observer: optional `fn(prim, inputs, params, out)` called after every primitive call made
            in this thread while the context is active (meta or not).

    Attributes:
        shape_only: Counter of primitive name -> calls answered by a shape rule (no kernel ran).
        fallbacks: Counter of primitive name -> calls whose kernel ran on meta inputs.
    """

    def __init__(self, observer=None):
        self.observer = observer
        self.shape_only: Counter = Counter()
        self.fallbacks: Counter = Counter()
        self._thread = None

    def __enter__(self):
        ZEROS.reset()
        self._thread = get_ident()
        _dispatch.push_interposer(self._interpose)
        return self

    def __exit__(self, *exc):
        _dispatch.pop_interposer(self._interpose)
        ZEROS.reset()
        return False

    def _interpose(self, prim, inputs, params):
        if get_ident() != self._thread:  # the dispatcher's interposer stack is process-wide
            return prim.call_next(self._interpose, inputs, params)
        if any(is_meta_array(t._data) for t in inputs):
            out = self._meta_call(prim, inputs, params)
        else:
            out = prim.call_next(self._interpose, inputs, params)
        if self.observer is not None:
            self.observer(prim, inputs, params, out)
        return out

    def _meta_call(self, prim, inputs, params):
        rule = RULES.get(prim.name)
        specs = None
        if rule is not None or prim.inplace:
            try:
                specs = rule(prim, [t._data for t in inputs], params) if rule is not None else True
            except Exception:  # invalid inputs: the kernel raises its own error below
                specs = None
        if specs is None:
            return self._fallback(prim, inputs, params)
        self.shape_only[prim.name] += 1
        if prim.inplace:
            target = inputs[0]
            bump_version(target)
            return target
        if prim.nout == 1:
            return _wrap_meta(prim, inputs, params, specs)
        return tuple([_wrap_meta(prim, inputs, params, s) for s in specs])

    def _fallback(self, prim, inputs, params):
        self.fallbacks[prim.name] += 1
        try:
            out = prim.call_next(self._interpose, inputs, params)
        finally:
            ZEROS.reset()  # a kernel may have written through a meta input
        if prim.inplace:
            return out
        for o in (out,) if prim.nout == 1 else out:
            if not is_meta_array(o._data):
                o._data = meta_array(o._data.shape, o._data.dtype)
        return out


def _wrap_meta(prim, inputs, params, spec):
    t = wrap(spec if isinstance(spec, np.ndarray) else meta_array(*spec))
    if prim.view:  # as the dispatcher marks views: shared version counter, base, replay info
        src = inputs[0]
        t._vc = shared_counter(src)
        t._base = src._base if src._base is not None else src
        t._view = (src, prim, params)
    return t
