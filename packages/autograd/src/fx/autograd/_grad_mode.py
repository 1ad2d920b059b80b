"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode (thread-local, nestable)."""

from __future__ import annotations

import functools
import inspect
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
           "is_inference_mode_enabled"]


class _State(threading.local):
    def __init__(self):
        self.enabled = True
        self.inference = False


state = _State()


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for autograd in this thread.

    Returns:
        False inside `no_grad`/`inference_mode` (or after `set_grad_enabled(False)`), else True.

    Example:
        >>> with autograd.no_grad():
        ...     autograd.is_grad_enabled()
        False
    """
    return state.enabled


def is_inference_mode_enabled() -> bool:
    """Whether an `inference_mode` block is active in this thread.

    Returns:
        True inside `inference_mode()` (not inside a plain `no_grad`).

    Example:
        >>> with autograd.inference_mode():
        ...     autograd.is_inference_mode_enabled()
        True
    """
    return state.inference


class _Mode:
    """A context manager that is also a decorator (with or without parentheses)."""

    def __new__(cls, *args, **kwargs):
        if cls is not set_grad_enabled and len(args) == 1 and callable(args[0]) and not kwargs:
            return cls()(args[0])  # bare decorator: @no_grad
        return super().__new__(cls)

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen_wrapper(*a, **k):
                gen = fn(*a, **k)
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        gen.close()
                        raise
                    except BaseException as e:
                        with self.clone():
                            response = gen.throw(e)
                    else:
                        with self.clone():
                            response = gen.send(request)

            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with self.clone():
                return fn(*a, **k)

        return wrapper

    def clone(self):
        return self.__class__()

    def __enter__(self):
        self._prev = (state.enabled, state.inference)
        self._apply()
        return None

    def __exit__(self, *exc):
        state.enabled, state.inference = self._prev
        return False


class no_grad(_Mode):
    """Context manager and decorator that turns gradient recording off in this thread.

    Operations inside produce tensors that do not require grad, and nothing is saved for backward:
    use it for evaluation and for in-place updates of parameters. It also decorates functions and
    generators, with or without parentheses.

    Example:
        >>> x = ft.ones(2, requires_grad=True)
        >>> with autograd.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> @autograd.no_grad
        ... def double(t):
        ...     return t * 2
        >>> double(x).requires_grad
        False
    """

    def _apply(self):
        state.enabled = False


class enable_grad(_Mode):
    """Context manager and decorator that turns gradient recording back on, e.g. inside `no_grad`.

    Useful for a function that must build a graph whatever mode its caller is in.

    Example:
        >>> x = ft.ones(2, requires_grad=True)
        >>> with autograd.no_grad(), autograd.enable_grad():
        ...     y = x * 2
        >>> y.requires_grad
        True
    """

    def _apply(self):
        state.enabled = True


class set_grad_enabled(_Mode):
    """Turn gradient recording on or off: as a call, a context manager or a decorator.

    Like PyTorch, it takes effect when constructed, so `set_grad_enabled(False)` alone switches
    recording off; used with `with`, the previous mode is restored on exit.

    Args:
        mode: True to record operations, False not to.

    Example:
        >>> x = ft.ones(2, requires_grad=True)
        >>> with autograd.set_grad_enabled(False):
        ...     y = x * 2
        >>> y.requires_grad, autograd.is_grad_enabled()
        (False, True)
    """

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self._prev = (state.enabled, state.inference)
        state.enabled = self.mode

    def clone(self):
        return set_grad_enabled(self.mode)

    def _apply(self):
        state.enabled = self.mode

    def __enter__(self):
        state.enabled = self.mode
        return None


class inference_mode(_Mode):
    """Context manager and decorator for inference: `no_grad` plus the `is_inference_mode_enabled` flag.

    Unlike PyTorch, the tensors made inside are ordinary tensors that do not require grad (there
    are no "inference tensors"), so they may be used in autograd afterwards.

    Args:
        mode: True to enter inference mode; False makes the block a no-op.

    Example:
        >>> x = ft.ones(2, requires_grad=True)
        >>> with autograd.inference_mode():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    def __init__(self, mode=True):
        self.mode = bool(mode) if isinstance(mode, bool) else True

    def clone(self):
        return inference_mode(self.mode)

    def _apply(self):
        if self.mode:
            state.enabled = False
            state.inference = True
