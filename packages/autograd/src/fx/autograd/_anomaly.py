"""Anomaly detection: `detect_anomaly`, `set_detect_anomaly` and their queries.

With it on, the recorder keeps the forward traceback of every node and the engine raises when a
derivative rule returns NaN, naming the node and showing that traceback; errors raised inside a
backward get the traceback as a note. The flags live in `_anomaly_state` (process-wide, like
PyTorch's).
"""

from __future__ import annotations

import functools
import warnings

from . import _anomaly_state

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on (process-wide, like PyTorch's flag).

    Returns:
        True inside `detect_anomaly` or after `set_detect_anomaly(True)`.

    Example:
        >>> autograd.is_anomaly_enabled()
        False
    """
    return _anomaly_state.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection also checks the backward rules' results for NaN.

    Returns:
        The `check_nan` setting of the active `detect_anomaly`/`set_detect_anomaly`.

    Example:
        >>> with autograd.set_detect_anomaly(True, check_nan=False):
        ...     autograd.is_anomaly_check_nan_enabled()
        False
    """
    return _anomaly_state.check_nan


def _set(mode, check_nan):
    _anomaly_state.enabled = bool(mode)
    _anomaly_state.check_nan = bool(check_nan)


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on inside the block.

    While it is on, every graph node keeps the traceback of the forward call that made it; a
    backward rule that returns NaN raises a RuntimeError naming the node and showing that
    traceback, and an error raised inside a backward gets the traceback as a note. Warns once on
    construction (it slows every op down).

    Args:
        check_nan: also raise when a backward rule produces NaN (default True).

    Example:
        >>> x = ft.tensor([-1.0, 1.0], requires_grad=True)
        >>> with autograd.detect_anomaly():
        ...     x.sqrt().sum().backward()
        Traceback (most recent call last):
            ...
        RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.
        ...
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self.prev = _anomaly_state.enabled
        self.prev_check_nan = _anomaly_state.check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self.prev = _anomaly_state.enabled
        self.prev_check_nan = _anomaly_state.check_nan
        _set(True, self.check_nan)

    def __exit__(self, *exc):
        _set(self.prev, self.prev_check_nan)
        return False

    def __call__(self, fn):
        check_nan = self.check_nan

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = (_anomaly_state.enabled, _anomaly_state.check_nan)
            _set(True, check_nan)
            try:
                return fn(*args, **kwargs)
            finally:
                _set(*prev)

        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off: as a call, or as a context manager that restores on exit.

    Takes effect at construction, like PyTorch's; see `detect_anomaly` for what detection does.

    Args:
        mode: True to enable, False to disable.
        check_nan: also raise when a backward rule produces NaN (default True).

    Example:
        >>> with autograd.set_detect_anomaly(True):
        ...     autograd.is_anomaly_enabled()
        True
        >>> autograd.is_anomaly_enabled()
        False
    """

    def __init__(self, mode, check_nan=True):
        self.prev = _anomaly_state.enabled
        self.prev_check_nan = _anomaly_state.check_nan
        _set(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set(self.prev, self.prev_check_nan)
        return False


def note_forward_trace(exc, node):
    """Add the forward traceback of `node` to an exception raised in its backward (once)."""
    trace = getattr(node, "_trace", None)
    if not trace or not hasattr(exc, "add_note"):
        return
    note = f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n{''.join(trace)}"
    if note not in getattr(exc, "__notes__", ()):
        exc.add_note(note)
