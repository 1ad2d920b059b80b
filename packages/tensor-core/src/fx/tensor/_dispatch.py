"""The primitive registry and the one dispatcher that runs every primitive.

A primitive is a named unit of work with one kernel per backend (keyed by the backend's array
class, so finding the kernel is one dict lookup). `Primitive.__call__` validates devices, unwraps
the tensors, runs the kernel and wraps the result. Upper layers plug in without fx.tensor
importing them:

* `set_grad_hook(fn)`: fx.autograd's recorder. It is consulted only when an input requires grad,
  so ops on plain tensors pay one attribute test per input.
* `push_interposer(fn)` / `pop_interposer(fn)`: tracers, autocast, vmap. While any is active every
  primitive call goes through the innermost one as `fn(prim, inputs, params)`; it calls
  `prim.run(inputs, params)` (or `prim.call_next(fn, ...)`) to continue.
"""

from __future__ import annotations

import numpy as np

from . import _tensor
from ._tensor import wrap

__all__ = ["Primitive", "PRIMITIVES", "define", "set_grad_hook", "push_interposer", "pop_interposer"]

PRIMITIVES: dict[str, Primitive] = {}
# array class -> backend name; filled by each backend when it loads.
ARRAY_BACKENDS: dict[type, str] = {np.ndarray: "cpu"}
BACKEND_ARRAYS: dict[str, type] = {"cpu": np.ndarray}

_grad_hook = None
_interposers: list = []
_EMPTY: dict = {}


class Primitive:
    """A named operation. Kernels receive backend arrays and keyword params, return array(s).

    Flags: `view` (output aliases input 0's storage and shares its version counter),
    `inplace` (the kernel writes into input 0's array, which the call returns after bumping its
    version), `differentiable` (autograd needs a rule for it), `nout` (number of outputs).
    """

    __slots__ = ("name", "kernels", "view", "inplace", "differentiable", "nout", "_plain")

    def __init__(self, name, *, view=False, inplace=False, differentiable=True, nout=1):
        self.name = name
        self.kernels: dict[type, object] = {}
        self.view = view
        self.inplace = inplace
        self.differentiable = differentiable
        self.nout = nout
        self._plain = not view and not inplace and nout == 1

    def __repr__(self):
        return f"<primitive {self.name}>"

    def __call__(self, *inputs, **params):
        if _interposers:
            return _interposers[-1](self, inputs, params)
        if _grad_hook is not None:
            for t in inputs:
                if t._rg:
                    return _grad_hook(self, inputs, params)
        return self.run(inputs, params)

    def call_next(self, interposer, inputs, params):
        """Continue a call below `interposer` (the next outer interposer, autograd, or the kernel)."""
        i = _interposers.index(interposer)
        if i:
            return _interposers[i - 1](self, inputs, params)
        if _grad_hook is not None and any(t._rg for t in inputs):
            return _grad_hook(self, inputs, params)
        return self.run(inputs, params)

    def run(self, inputs, params=_EMPTY):
        """Run the kernel for the inputs' backend and wrap its result (no hooks)."""
        if len(inputs) == 2 and self._plain and not params:
            # The hot path (binary elementwise ops): same device, no params, one fresh output.
            a, b = inputs[0]._data, inputs[1]._data
            kernel = self.kernels.get(a.__class__)
            if kernel is not None and a.__class__ is b.__class__:
                try:
                    return wrap(kernel(a, b))
                except (ValueError, TypeError, IndexError, np.linalg.LinAlgError, FloatingPointError) as e:
                    raise _kernel_error(self, inputs, params, e) from None
        first = inputs[0]._data
        cls = first.__class__
        if len(inputs) == 1:
            arrays = (first,)
        else:
            arrays = tuple([t._data for t in inputs])
            for a in arrays:
                if a.__class__ is not cls:
                    _device_mismatch(self, inputs)
        kernel = self.kernels.get(cls)
        if kernel is None:
            _missing_kernel(self, cls)
        try:
            out = kernel(*arrays, **params)
        except (ValueError, TypeError, IndexError, np.linalg.LinAlgError, FloatingPointError) as e:
            raise _kernel_error(self, inputs, params, e) from None
        except MemoryError:
            raise RuntimeError(f"{self.name}: out of memory for inputs {_describe(inputs)}") from None
        if self.inplace:
            target = inputs[0]
            _tensor.bump_version(target)
            return target
        if self.nout == 1:
            t = wrap(out)
            if self.view:
                src = inputs[0]
                t._vc = _tensor.shared_counter(src)
                t._base = src._base if src._base is not None else src
                # How to replay this view on another tensor (autograd re-derives views of a base).
                t._view = (src, self, params)
            return t
        return tuple([wrap(o) for o in out])


def define(name, *, view=False, inplace=False, differentiable=True, nout=1) -> Primitive:
    """Register and return a new primitive; the name must be unique."""
    if name in PRIMITIVES:
        raise ValueError(f"primitive {name!r} is already defined")
    p = Primitive(name, view=view, inplace=inplace, differentiable=differentiable, nout=nout)
    PRIMITIVES[name] = p
    return p


def kernel(name, backend="cpu"):
    """Decorator: register `fn` as the `backend` kernel of primitive `name`."""

    def register(fn):
        PRIMITIVES[name].kernels[BACKEND_ARRAYS[backend]] = fn
        return fn

    return register


def set_grad_hook(fn) -> None:
    """Install (or with None, remove) the recorder called for ops on tensors requiring grad."""
    global _grad_hook
    _grad_hook = fn


def get_grad_hook():
    return _grad_hook


def push_interposer(fn) -> None:
    _interposers.append(fn)


def pop_interposer(fn) -> None:
    _interposers.remove(fn)


def _describe(inputs):
    return ", ".join(f"{tuple(t.shape)} {t.dtype.name} {t.device}" for t in inputs)


def _device_mismatch(prim, inputs):
    devs = sorted({str(t.device) for t in inputs})
    raise RuntimeError(
        f"{prim.name}: expected all tensors to be on the same device, but found at least two "
        f"devices, {' and '.join(devs)}"
    )


def _missing_kernel(prim, cls):
    backend = ARRAY_BACKENDS.get(cls, cls.__name__)
    raise NotImplementedError(f"{prim.name} has no {backend.upper() if backend == 'cuda' else backend} kernel")


def _kernel_error(prim, inputs, params, e):
    kind = IndexError if isinstance(e, IndexError) else RuntimeError
    extra = f" with {params}" if params else ""
    return kind(f"{prim.name}: {e} (inputs: {_describe(inputs)}{extra})")
