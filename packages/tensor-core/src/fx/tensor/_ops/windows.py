"""Window functions for spectral analysis: hann, hamming, blackman, bartlett and kaiser.

Each is computed in float64 from existing ops and rounded once to the requested dtype. A periodic
window of length N is the symmetric window of length N + 1 without its last point (PyTorch's rule).
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._factory import _resolve, arange, ones
from .special import i0

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


def _window(op, window_length, periodic, dtype, device, requires_grad, shape_fn):
    if isinstance(window_length, bool) or not isinstance(window_length, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'window_length' (position 1) must be int, not {type(window_length).__name__}")
    dt, dev = _resolve(dtype, device)
    if not dt.is_floating_point:
        raise RuntimeError(f"{op} expects floating point dtypes, got: {dt}")
    if window_length < 0:
        raise RuntimeError(f"{op} requires non-negative window_length, got window_length={window_length}")
    if window_length <= 1:
        w = ones(int(window_length), dtype=dt, device=dev)
    else:
        n = int(window_length) + (1 if periodic else 0)
        w = shape_fn(arange(n, dtype=_dtype.float64, device=dev), n)
        if periodic:
            w = w.narrow(0, 0, n - 1)
        w = w.to(dt).contiguous()
    if requires_grad:
        w.requires_grad_(True)
    return w


def _cosine_sum(coefs):
    """sum_k (-1)^k a_k cos(2 pi k n / (N - 1)): the hann/hamming/blackman family."""
    def shape(n_idx, n):
        phase = n_idx * (2.0 * math.pi / (n - 1))
        out = phase * 0 + coefs[0]
        for k, a in enumerate(coefs[1:], 1):
            out = out + ((-1) ** k * a) * (phase * k).cos()
        return out

    return shape


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad, _cosine_sum((0.5, 0.5)))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum((float(alpha), float(beta))))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum((0.42, 0.5, 0.08)))


def _bartlett(n_idx, n):
    return 1.0 - (n_idx * (2.0 / (n - 1)) - 1.0).abs()


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad, _bartlett)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None, pin_memory=False,
                  requires_grad=False):
    beta = float(beta)

    def shape(n_idx, n):
        half = (n - 1) / 2.0
        ratio = (n_idx - half) / half
        return i0((1.0 - ratio * ratio).clamp_min(0.0).sqrt() * beta) / float(np.i0(beta))

    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, shape)
