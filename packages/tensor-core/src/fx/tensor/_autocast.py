"""`autocast`: regions in which listed ops run in float16/bfloat16 or float32 (PyTorch's torch.autocast).

The region sets the thread's state (_autocast_state.py); two hooks apply it:

* frontend wrappers: each public op named in `_autocast_lists.FRONTENDS` is wrapped once, when
  fx.tensor is imported (`install_frontend_policies`), so its arguments are cast *before* the
  frontend validates them (a bfloat16 activation meets a float32 weight in the next layer's matmul).
  Inside a wrapped op autocast is suspended, as PyTorch excludes its autocast key there: a
  composite's inner ops run in the dtypes it chose. Outside any region a wrapper costs one test.
  `autocast_op` is the same wrapper for upper layers' frontends (fx.nn's linear and losses).
* an interposer on the dispatcher, installed while some thread has autocast on, for primitives named
  in `_autocast_lists.PRIMITIVES` that can be reached without a listed frontend.

Casts are the `cast` primitive, so autograd records them and gradients reach each parameter in
its own dtype. Casts of float32 leaf tensors that require grad (weights) are cached until the
outermost region exits, as in PyTorch, so a weight used several times is cast once.
"""

from __future__ import annotations

import copy
import functools
import importlib
import sys
import types
import warnings

import numpy as np

from . import _autocast_state as _st
from . import _dtype
from ._autocast_lists import FP32, FRONTENDS, LOWER, PRIMITIVES
from ._autocast_state import (ELIGIBLE, check_bool, device_type_of, get_autocast_dtype, is_autocast_cache_enabled,
                              set_autocast_cache_enabled, set_autocast_dtype, set_autocast_enabled, state)
from ._autocast_state import *  # noqa: F403  (fx.tensor re-exports the state functions from here)
from ._autocast_state import __all__ as _state_all
from ._tensor import Tensor

__all__ = ["autocast"] + _state_all

_F32 = np.dtype(np.float32)


# ---- the region ----------------------------------------------------------------------------------------
class autocast:
    """Context manager and decorator: inside, listed ops run in a lower-precision dtype or in float32.

    On the CPU, matrix products and convolutions (matmul, mm, bmm, addmm, baddbmm, addbmm, linalg.vecdot,
    einsum when it contracts, conv1d/2d, conv_transpose1d/2d, scaled_dot_product_attention) cast
    float16/bfloat16/float32 inputs to `dtype`; losses (cross_entropy, nll_loss, ctc_loss), prod,
    trace, cdist, quantile, reflect/replicate pad and the linalg decompositions and solvers run in
    float32; index_copy promotes to its widest input; every other op runs in the dtypes it is given.
    float64 and integer inputs are never cast. Regions nest (`enabled=False` inside turns it off);
    the state is per thread. Wrap the forward pass and the loss, not backward: gradients come back
    in each parameter's own dtype.

    Args:
        device_type: "cpu" or "cuda" (a device string such as "cuda:0" names its type).
        dtype: float16 or bfloat16 (default None: `get_autocast_dtype(device_type)`, bfloat16 on the
            CPU, float16 on CUDA). Another dtype warns and disables the region, as in PyTorch.
        enabled: False makes the region turn autocast off (default True).
        cache_enabled: cache weight casts inside the region (default None: `is_autocast_cache_enabled()`).

    Example:
        >>> with ft.autocast("cpu"):
        ...     y = ft.ones(2, 3) @ ft.ones(3, 2)
        ...     z = ft.ones(2, 2) + y
        >>> y.dtype, z.dtype
        (fx.tensor.bfloat16, fx.tensor.float32)
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        kind = device_type_of(device_type, "autocast")
        self.device = device_type
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        if enabled:
            if kind == "cuda":
                from . import cuda

                if not cuda.is_available():
                    warnings.warn("CUDA is not available. Disabling autocast.", stacklevel=2)
                    enabled = False
            elif self.fast_dtype is not _dtype.bfloat16 and self.fast_dtype is not _dtype.float16:
                warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                              "CPU Autocast only supports dtypes of fx.tensor.bfloat16, fx.tensor.float16 currently.",
                              stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        # Every argument is checked before any state changes, so a bad one leaves the thread as it was.
        check_bool(self._enabled, "set_autocast_enabled", "enabled", 2)
        if not isinstance(self.fast_dtype, _dtype.dtype):
            raise TypeError(f"set_autocast_dtype(): argument 'dtype' (position 2) must be fx.tensor.dtype, not "
                            f"{type(self.fast_dtype).__name__}")
        if self._cache_enabled.__class__ is not bool:
            raise TypeError(f"enabled must be a bool (got {type(self._cache_enabled).__name__})")
        st = state
        kind = self.device.partition(":")[0]
        self.prev_cache_enabled = st.cache_enabled
        self.prev = st.enabled[kind]
        self.prev_fastdtype = st.dtype[kind]
        set_autocast_dtype(self.device, self.fast_dtype)
        set_autocast_enabled(self.device, self._enabled)
        _st.autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if _st.autocast_decrement_nesting() == 0:
            _st.clear_autocast_cache()
        set_autocast_enabled(self.device, self.prev)
        set_autocast_dtype(self.device, self.prev_fastdtype)
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got {type(func).__name__}. Did you mean to use "
                            f"autocast as a context manager? For example:\n    with fx.tensor.autocast(device_type=...):\n"
                            f"        output = model(input)")

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with copy.copy(self):  # a fresh copy per call keeps recursive and concurrent calls apart
                return func(*args, **kwargs)

        return decorate_autocast


# ---- casting -------------------------------------------------------------------------------------------
def _kind_of(t):
    return "cpu" if t._data.__class__ is np.ndarray else t.device.type


def _cast(t, dtype, st):
    """`t` in `dtype`, through the cast primitive; float32 weights' casts come from the cache."""
    from ._ops._common import cast

    if t._rg and t.grad_fn is None and t._base is None and st.cache_enabled and t._data.dtype == _F32 \
            and dtype is not _dtype.float32:
        key = (id(t), dtype)
        hit = st.cache.get(key)
        version = t._version
        if hit is not None and hit[0] is t and hit[1] == version:
            return hit[2]
        out = cast(t, dtype)
        if out._rg:  # recorded by autograd: a cast made under no_grad must not serve a later graph
            st.cache[key] = (t, version, out)
        return out
    return cast(t, dtype)


def _tensors(values):
    for v in values:
        if isinstance(v, Tensor):
            yield v
        elif isinstance(v, (list, tuple)):
            yield from (x for x in v if isinstance(x, Tensor))


def _target_dtype(policy, kind, tensors, st):
    if policy == LOWER:
        return st.dtype[kind]
    if policy == FP32:
        return _dtype.float32
    # PROMOTE: the widest floating dtype among the castable inputs
    lower = st.dtype[kind]
    for t in tensors:
        if t._data.dtype in ELIGIBLE and t._data.dtype != lower.np:
            return _dtype.float32
    return lower


def _convert(value, dtype, kind, st):
    if isinstance(value, Tensor):
        if value._data.dtype in ELIGIBLE and _kind_of(value) == kind and value._data.dtype != dtype.np:
            return _cast(value, dtype, st)
        return value
    if isinstance(value, (list, tuple)) and any(isinstance(x, Tensor) for x in value):
        return type(value)(_convert(x, dtype, kind, st) for x in value)
    return value


def _autocast_call(fn, policies, args, kwargs):
    st = state
    if st.suspended or kwargs.get("out") is not None:
        return fn(*args, **kwargs)  # PyTorch: out= calls are not autocast
    first = next(_tensors(args), None)
    if first is None:
        first = next(_tensors(kwargs.values()), None)
    if first is None:
        return fn(*args, **kwargs)
    kind = _kind_of(first)
    policy = policies.get(kind) if st.enabled.get(kind) else None
    if callable(policy):
        policy = policy(args, kwargs)
    if policy is None:
        return fn(*args, **kwargs)
    dtype = _target_dtype(policy, kind, list(_tensors(args)) + list(_tensors(kwargs.values())), st)
    args = tuple(_convert(a, dtype, kind, st) for a in args)
    kwargs = {k: _convert(v, dtype, kind, st) for k, v in kwargs.items()}
    st.suspended += 1
    try:
        return fn(*args, **kwargs)
    finally:
        st.suspended -= 1


def autocast_op(policy=None, *, cpu=..., cuda=...):
    """Decorator for an op frontend: under autocast, cast its tensor arguments by `policy`, then run it.

    The policy is "lower_precision_fp", "fp32", "promote", None (no autocast) or a function of the
    call's (args, kwargs) returning one of those; `cpu=`/`cuda=` override it per device type. The
    frontend body runs with autocast suspended, so its inner ops keep the dtypes it chose.
    """
    policies = {"cpu": policy if cpu is ... else cpu, "cuda": policy if cuda is ... else cuda}

    def decorate(fn):
        @functools.wraps(fn)
        def op(*args, **kwargs):
            if _st.enabled_count:
                return _autocast_call(fn, policies, args, kwargs)
            return fn(*args, **kwargs)

        op._autocast_policies = policies
        return op

    return decorate


def _interpose(prim, inputs, params):
    st = state
    if st.suspended or not inputs:
        return prim.call_next(_interpose, inputs, params)
    kind = _kind_of(inputs[0])
    policy = PRIMITIVES[kind].get(prim.name) if st.enabled.get(kind) else None
    if policy is None:
        return prim.call_next(_interpose, inputs, params)
    dtype = _target_dtype(policy, kind, inputs, st)
    return prim.call_next(_interpose, tuple(_convert(t, dtype, kind, st) for t in inputs), params)


def install_frontend_policies():
    """Wrap each frontend named in FRONTENDS with `autocast_op`, wherever fx.tensor refers to it.

    Modules of fx.tensor that imported a listed function by name, and Tensor methods bound to it,
    get the wrapper too; upper layers import fx.tensor after this has run.
    """
    merged: dict = {}
    for kind, table in FRONTENDS.items():
        for name, policy in table.items():
            merged.setdefault(name, dict.fromkeys(FRONTENDS, None))[kind] = policy
    wrappers = {}
    for name, policies in merged.items():
        module, _, attr = name.rpartition(".")
        original = getattr(sys.modules.get(module) or importlib.import_module(module), attr)
        if hasattr(original, "_autocast_policies"):
            continue
        wrappers[id(original)] = (original, autocast_op(**policies)(original))
    namespaces = [m for n, m in list(sys.modules.items())
                  if (n == "fx.tensor" or n.startswith("fx.tensor.")) and isinstance(m, types.ModuleType)]
    for ns in namespaces + [Tensor]:
        for attr, value in list(vars(ns).items()):
            hit = wrappers.get(id(value))
            if hit is not None and hit[0] is value:
                setattr(ns, attr, hit[1])


_st.interposer = _interpose
