"""The shared test problem: a small tanh regression with a quartic penalty, in fx and in torch.

Both frameworks start from the same NumPy arrays, so an optimizer run in fx and in torch must
produce the same parameters step for step (up to floating-point round-off).
"""

from __future__ import annotations

import numpy as np

import fx.tensor as ft


def arrays(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "W": (rng.standard_normal((4, 3))).astype(dtype),
        "b": (0.1 * rng.standard_normal(3)).astype(dtype),
        "X": rng.standard_normal((8, 4)).astype(dtype),
        "Y": (0.5 * rng.standard_normal((8, 3))).astype(dtype),
    }


def loss(lib, W, b, X, Y, sign=1.0):
    """mean((tanh(X W + b) - Y)^2) + 0.01 sum(W^4); `lib` is fx.tensor or torch."""
    value = ((lib.tanh(X @ W + b) - Y) ** 2).mean() + 0.01 * (W**4).sum()
    return value * sign


class Problem:
    """Parameters W, b (+ an unused one that never gets a gradient) of one framework."""

    def __init__(self, lib, dtype=np.float64, seed=0):
        a = arrays(dtype, seed)
        self.lib = lib
        if lib is ft:
            make = lambda x: ft.tensor(x.copy(), requires_grad=True)  # noqa: E731
            self.X, self.Y = ft.tensor(a["X"]), ft.tensor(a["Y"])
        else:
            make = lambda x: lib.tensor(x.copy(), requires_grad=True)  # noqa: E731
            self.X, self.Y = lib.tensor(a["X"]), lib.tensor(a["Y"])
        self.W, self.b = make(a["W"]), make(a["b"])
        self.unused = make(np.ones(2, dtype))

    def params(self):
        return [self.W, self.b, self.unused]

    def groups(self, **second):
        """Two parameter groups: [W, unused] with the defaults, [b] with `second` overrides."""
        return [{"params": [self.W, self.unused]}, {"params": [self.b], **second}]

    def closure(self, opt, sign=1.0):
        def run():
            opt.zero_grad()
            value = loss(self.lib, self.W, self.b, self.X, self.Y, sign)
            value.backward()
            return value

        return run

    def numpy(self):
        return [np.array(p.detach().numpy()) for p in (self.W, self.b, self.unused)]


def assert_close(fx_arrays, torch_arrays, rtol, atol, what=""):
    for i, (a, b) in enumerate(zip(fx_arrays, torch_arrays)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"{what} parameter {i}")
