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
    return state.enabled


def is_inference_mode_enabled() -> bool:
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
    """Disable gradient recording inside the block (ops produce tensors that do not require grad)."""

    def _apply(self):
        state.enabled = False


class enable_grad(_Mode):
    """Enable gradient recording inside the block (e.g. inside a no_grad region)."""

    def _apply(self):
        state.enabled = True


class set_grad_enabled(_Mode):
    """Enable or disable recording; takes effect at construction (like PyTorch) and as a context."""

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
    """Like no_grad, and marks the tensors made inside as inference tensors."""

    def __init__(self, mode=True):
        self.mode = bool(mode) if isinstance(mode, bool) else True

    def clone(self):
        return inference_mode(self.mode)

    def _apply(self):
        if self.mode:
            state.enabled = False
            state.inference = True
