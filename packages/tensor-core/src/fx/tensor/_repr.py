"""Printing: `repr(tensor)` laid out exactly like PyTorch's, with fx's dtype names.

Only the elements that are shown (at most ~2 * edgeitems per dim once summarized) are copied to
the host and formatted, so printing a huge tensor costs about as much as printing a small one.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

from . import _dtype

__all__ = ["set_printoptions"]

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}
_OPTS = dict(_PROFILES["default"], sci_mode=None)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Set how tensors print (`torch.set_printoptions`).

    Args:
        precision: digits after the decimal point (default 4).
        threshold: element count above which output is summarized with `...` (default 1000).
        edgeitems: items shown at each end of a summarized dim (default 3).
        linewidth: characters per line before wrapping (default 80).
        profile: "default", "short" or "full" presets, overridden by the other arguments.
        sci_mode: True/False forces scientific notation on/off; None (default) chooses.

    Example:
        >>> set_printoptions(precision=2); set_printoptions(profile="default")
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r} (expected one of {sorted(_PROFILES)})")
        _OPTS.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            _OPTS[name] = value
    # Like PyTorch, sci_mode is always set: leaving it out resets it to automatic.
    _OPTS["sci_mode"] = sci_mode


def get_printoptions() -> dict:
    """The current print options, as keyword arguments for `set_printoptions`."""
    return dict(_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager: print with `kwargs` (see `set_printoptions`), then restore."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses one width and notation for every shown element (PyTorch's rules)."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        precision = _OPTS["precision"]
        if not floating:
            if values.size:
                self.width = max(len(str(values.min().item())), len(str(values.max().item())))
            return
        nz = values[np.isfinite(values) & (values != 0)]
        if not nz.size:
            return
        mag = np.abs(nz)
        lo, hi = float(mag.min()), float(mag.max())
        self.int_mode = bool(np.all(nz == np.ceil(nz)))
        sci = _OPTS["sci_mode"]
        self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) if sci is None else sci
        # The formatted length only grows with |x| and the sign (and, in scientific notation, with
        # the exponent's size), so the widest element is one of the extremes of each sign.
        pos, neg = nz[nz > 0], nz[nz < 0]
        extremes = [float(v) for part in (pos, neg) if part.size for v in (part.min(), part.max())]
        if self.sci_mode:
            self.width = max(len(f"{v:.{precision}e}") for v in extremes)
        elif self.int_mode:
            self.width = max(len(f"{v:.0f}") + 1 for v in extremes)
        else:
            self.width = max(len(f"{v:.{precision}f}") for v in extremes)

    def strings(self, values):
        """The padded text of each value in a flat host array."""
        width = self.width
        if not self.floating:
            return [str(v).rjust(width) for v in values.tolist()]
        precision = _OPTS["precision"]
        vals = values.tolist()
        if self.sci_mode:
            out = [f"{v:.{precision}e}" for v in vals]
        elif self.int_mode:
            isfinite = math.isfinite
            out = [f"{v:.0f}." if isfinite(v) else f"{v:.0f}" for v in vals]
        else:
            out = [f"{v:.{precision}f}" for v in vals]
        return [s.rjust(width) for s in out]


def _summarized(data, summarize, edge):
    """The elements shown: each dim longer than 2 * edgeitems keeps only its edges."""
    if not summarize:
        return data
    for d, n in enumerate(data.shape):
        if n > 2 * edge:
            idx = np.concatenate((np.arange(edge), np.arange(n - edge, n)))
            data = data.take(idx, axis=d)
    return data


def _to_host(a):
    if a.__class__ is np.ndarray:
        return a
    return a.get() if hasattr(a, "get") else np.asarray(a)


def _layout(cells, shape, indent, summarize, width):
    """Nest the formatted cells (an object array over the shown elements) into PyTorch's text."""
    edge = _OPTS["edgeitems"]
    cut = summarize and shape[0] > 2 * edge
    if len(shape) == 1:
        if summarize and not edge:
            items = ["..."]
        elif cut:
            items = list(cells[:edge]) + [" ..."] + list(cells[edge:])
        else:
            items = list(cells)
        per_line = max(1, math.floor((_OPTS["linewidth"] - indent) / (width + 2)))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    sub = shape[1:]
    if cut:
        rows = ([_layout(cells[i], sub, indent + 1, summarize, width) for i in range(edge)] + ["..."]
                + [_layout(cells[i], sub, indent + 1, summarize, width) for i in range(edge, 2 * edge)])
    else:
        rows = [_layout(cells[i], sub, indent + 1, summarize, width) for i in range(shape[0])]
    return "[" + ("," + "\n" * (len(shape) - 1) + " " * (indent + 1)).join(rows) + "]"


def _body(t, indent):
    data = t._data
    summarize = data.size > _OPTS["threshold"]
    shown = _to_host(_summarized(data, summarize, _OPTS["edgeitems"]))
    floating = t.dtype.is_floating_point
    flat = shown.reshape(-1)
    if floating:
        flat = flat.astype(np.float64)
    fmt = _Formatter(flat, floating)
    strs = fmt.strings(flat)
    if data.ndim == 0:
        return strs[0]
    cells = np.empty(len(strs), dtype=object)
    cells[:] = strs
    return _layout(cells.reshape(shown.shape), data.shape, indent, summarize, fmt.width)


def _add_suffixes(text, suffixes, indent):
    parts = [text]
    # PyTorch's arithmetic, off by two when there is no newline; kept so lines break where theirs do.
    last_len = len(text) - text.rfind("\n") + 1
    linewidth = _OPTS["linewidth"]
    for s in suffixes:
        if last_len + len(s) + 2 > linewidth:
            parts.append(",\n" + " " * indent + s)
            last_len = indent + len(s)
        else:
            parts.append(", " + s)
            last_len += len(s) + 2
    parts.append(")")
    return "".join(parts)


def _grad_fn_name(fn):
    name = getattr(fn, "name", None)
    name = name() if callable(name) else type(fn).__name__
    return name.rsplit("::", 1)[-1]


def tensor_repr(t) -> str:
    """`repr(t)` as PyTorch prints it, e.g. `tensor([1.5000, 2.2500], dtype=fx.tensor.float64)`."""
    cls = type(t)
    plain = cls.__name__ in ("Tensor", "Parameter")
    prefix = "tensor(" if plain else cls.__name__ + "("
    indent = len(prefix)
    suffixes = []
    dev = t.device
    if dev.type != "cpu":
        suffixes.append(f"device='{dev}'")
    dt = t.dtype
    default = _dtype.get_default_dtype()
    shape = t._data.shape
    if t._data.size == 0:
        if len(shape) != 1:
            suffixes.append(f"size={tuple(shape)}")
        if dt is not default:
            suffixes.append(f"dtype={dt}")
        text = "[]"
    else:
        if not _OPTS["edgeitems"]:
            suffixes.append(f"size={tuple(shape)}")
        if dt not in (default, _dtype.int64, _dtype.bool):
            suffixes.append(f"dtype={dt}")
        text = _body(t, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{_grad_fn_name(t.grad_fn)}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + text, suffixes, indent)
