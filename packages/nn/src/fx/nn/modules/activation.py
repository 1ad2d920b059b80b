"""Activation layers, generated from their functions in fx.nn.functional (MLX's _make_activation_module).

Each class stores its constructor arguments as attributes and its forward is one call into F.
MultiheadAttention lives in attention.py.
"""

from __future__ import annotations

import fx.tensor as ft

from .. import functional as F
from ..parameter import Parameter
from .module import Module

__all__ = [
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid",
    "Tanh", "Hardtanh", "Hardsigmoid", "Hardswish", "Softplus", "Softsign", "Softmax", "LogSoftmax", "Softmin",
    "Softmax2d", "GLU", "Threshold", "LogSigmoid", "Tanhshrink", "Softshrink", "Hardshrink",
]

_REQUIRED = object()


def _inplace_suffix(m, sep=", "):
    return f"{sep}inplace=True" if m.inplace else ""


def _make_activation_module(name, fn, params=(), extra_repr=None, doc=None):
    """A Module class `name` whose __init__ takes `params` ((name, default) pairs, in order) and
    whose forward is `fn(input, *params)`; `extra_repr(module)` gives its repr text."""
    names = tuple(p for p, _ in params)
    defaults = dict(params)

    def __init__(self, *args, **kwargs):
        Module.__init__(self)
        if len(args) > len(names):
            raise TypeError(f"{name}.__init__() takes {len(names) + 1} positional arguments but {len(args) + 1} "
                            "were given")
        values = dict(defaults)
        values.update(zip(names, args))
        for k, v in kwargs.items():
            if k not in defaults:
                raise TypeError(f"{name}.__init__() got an unexpected keyword argument '{k}'")
            values[k] = v
        for k in names:
            if values[k] is _REQUIRED:
                raise TypeError(f"{name}.__init__() missing required positional argument: '{k}'")
            setattr(self, k, values[k])

    if not names:
        def forward(self, input):
            return fn(input)
    elif len(names) == 1:
        (only,) = names

        def forward(self, input):
            return fn(input, getattr(self, only))
    else:
        def forward(self, input):
            return fn(input, *[getattr(self, k) for k in names])

    ns = {"__init__": __init__, "forward": forward, "__constants__": list(names),
          "__doc__": doc or f"Applies `fx.nn.functional.{fn.__name__}` elementwise.", "__module__": __name__}
    if extra_repr is not None:
        ns["extra_repr"] = lambda self: extra_repr(self)
    return type(name, (Module,), ns)


ReLU = _make_activation_module("ReLU", F.relu, [("inplace", False)], lambda m: _inplace_suffix(m, ""),
                               "max(0, x), elementwise.")
LeakyReLU = _make_activation_module(
    "LeakyReLU", F.leaky_relu, [("negative_slope", 1e-2), ("inplace", False)],
    lambda m: f"negative_slope={m.negative_slope}{_inplace_suffix(m)}", "x where x >= 0, else negative_slope * x.")
ELU = _make_activation_module("ELU", F.elu, [("alpha", 1.0), ("inplace", False)],
                              lambda m: f"alpha={m.alpha}{_inplace_suffix(m)}", "x where x > 0, else alpha*(exp(x)-1).")
CELU = _make_activation_module("CELU", F.celu, [("alpha", 1.0), ("inplace", False)],
                               lambda m: f"alpha={m.alpha}{_inplace_suffix(m)}",
                               "max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).")
SELU = _make_activation_module("SELU", F.selu, [("inplace", False)], lambda m: _inplace_suffix(m, ""),
                               "scale * elu(x, alpha) with the self-normalising constants.")
GELU = _make_activation_module("GELU", F.gelu, [("approximate", "none")], lambda m: f"approximate={m.approximate!r}",
                               "x * Phi(x); approximate='tanh' uses the tanh formula.")
SiLU = _make_activation_module("SiLU", F.silu, [("inplace", False)], lambda m: _inplace_suffix(m, ""),
                               "x * sigmoid(x).")
Mish = _make_activation_module("Mish", F.mish, [("inplace", False)], lambda m: _inplace_suffix(m, ""),
                               "x * tanh(softplus(x)).")
Sigmoid = _make_activation_module("Sigmoid", F.sigmoid, doc="1 / (1 + exp(-x)).")
Tanh = _make_activation_module("Tanh", F.tanh, doc="tanh(x).")
Hardsigmoid = _make_activation_module("Hardsigmoid", F.hardsigmoid, [("inplace", False)],
                                      doc="0 for x <= -3, 1 for x >= 3, x/6 + 1/2 in between.")
Hardswish = _make_activation_module("Hardswish", F.hardswish, [("inplace", False)], doc="x * hardsigmoid(x).")
Softplus = _make_activation_module("Softplus", F.softplus, [("beta", 1.0), ("threshold", 20.0)],
                                   lambda m: f"beta={m.beta}, threshold={m.threshold}",
                                   "log(1 + exp(beta * x)) / beta, linear above threshold.")
Softsign = _make_activation_module("Softsign", F.softsign, doc="x / (1 + |x|).")
GLU = _make_activation_module("GLU", F.glu, [("dim", -1)], lambda m: f"dim={m.dim}",
                              "a * sigmoid(b) with a, b the halves of the input along dim.")
Threshold = _make_activation_module(
    "Threshold", F.threshold, [("threshold", _REQUIRED), ("value", _REQUIRED), ("inplace", False)],
    lambda m: f"threshold={m.threshold}, value={m.value}{_inplace_suffix(m)}", "value where x <= threshold, else x.")
LogSigmoid = _make_activation_module("LogSigmoid", F.logsigmoid, doc="log(sigmoid(x)).")
Tanhshrink = _make_activation_module("Tanhshrink", F.tanhshrink, doc="x - tanh(x).")
Softshrink = _make_activation_module("Softshrink", F.softshrink, [("lambd", 0.5)], lambda m: str(m.lambd),
                                     "x -/+ lambd outside [-lambd, lambd], 0 inside.")
Hardshrink = _make_activation_module("Hardshrink", F.hardshrink, [("lambd", 0.5)], lambda m: f"{m.lambd}",
                                     "x outside [-lambd, lambd], 0 inside.")


def _softmax_family(name, fn, doc):
    cls = _make_activation_module(name, lambda input, dim: fn(input, dim, _stacklevel=5), [("dim", None)],
                                  lambda m: f"dim={m.dim}", doc)

    def __setstate__(self, state):
        self.__dict__.update(state)
        if not hasattr(self, "dim"):
            self.dim = None

    cls.__setstate__ = __setstate__
    return cls


Softmax = _softmax_family("Softmax", F.softmax, "exp(x) / sum(exp(x)) along dim.")
LogSoftmax = _softmax_family("LogSoftmax", F.log_softmax, "log(softmax(x)) along dim.")
Softmin = _softmax_family("Softmin", F.softmin, "softmax(-x) along dim.")


class Softmax2d(Module):
    """Softmax over the channel dim of (N, C, H, W) or (C, H, W) input."""

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)


class Hardtanh(Module):
    """x clamped to [min_val, max_val]."""

    __constants__ = ["min_val", "max_val", "inplace"]

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        if min_value is not None:
            min_val = min_value
        if max_value is not None:
            max_val = max_value
        if max_val <= min_val:
            raise AssertionError("max_val must be greater than min_val")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_suffix(self)}"


class ReLU6(Hardtanh):
    """min(max(0, x), 6)."""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace_suffix(self, "")


class PReLU(Module):
    """x where x >= 0, else a * x with a learnable slope a (one, or one per channel).

    Args:
        num_parameters: 1 or the number of input channels (dim 1).
        init: the initial slope (default 0.25).
    """

    __constants__ = ["num_parameters"]

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(ft.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        from .. import init as _init

        _init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """Randomized leaky ReLU: random slope in U(lower, upper) when training, their mean in eval."""

    __constants__ = ["lower", "upper", "inplace"]

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}{_inplace_suffix(self)}"
