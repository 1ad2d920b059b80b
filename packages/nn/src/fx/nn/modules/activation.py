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


ReLU = _make_activation_module("ReLU", F.relu, [("inplace", False)], lambda m: _inplace_suffix(m, ""))
ReLU.__doc__ = """max(0, x), elementwise.

    Args:
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.ReLU()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
LeakyReLU = _make_activation_module(
    "LeakyReLU", F.leaky_relu, [("negative_slope", 1e-2), ("inplace", False)],
    lambda m: f"negative_slope={m.negative_slope}{_inplace_suffix(m)}")
LeakyReLU.__doc__ = """x where x >= 0, else negative_slope * x.

    Args:
        negative_slope: the slope for negative inputs (default 0.01).
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.LeakyReLU(0.1)(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.2000,  0.0000,  2.0000])
    """
ELU = _make_activation_module("ELU", F.elu, [("alpha", 1.0), ("inplace", False)],
                              lambda m: f"alpha={m.alpha}{_inplace_suffix(m)}")
ELU.__doc__ = """x where x > 0, else alpha * (exp(x) - 1).

    Args:
        alpha: the saturation value for negative inputs is -alpha (default 1.0).
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.ELU()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.8647,  0.0000,  2.0000])
    """
CELU = _make_activation_module("CELU", F.celu, [("alpha", 1.0), ("inplace", False)],
                               lambda m: f"alpha={m.alpha}{_inplace_suffix(m)}")
CELU.__doc__ = """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).

    Args:
        alpha: the alpha of the formula (default 1.0).
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.CELU(2.0)(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-1.2642,  0.0000,  2.0000])
    """
SELU = _make_activation_module("SELU", F.selu, [("inplace", False)], lambda m: _inplace_suffix(m, ""))
SELU.__doc__ = """scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), alpha = 1.6732632423543772, scale = 1.0507009873554805.

    Args:
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.SELU()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-1.5202,  0.0000,  2.1014])
    """
GELU = _make_activation_module("GELU", F.gelu, [("approximate", "none")], lambda m: f"approximate={m.approximate!r}")
GELU.__doc__ = """x * Phi(x), Phi the standard normal CDF.

    Args:
        approximate: 'none' (default) for the exact erf form, 'tanh' for
            0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.GELU()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.0455,  0.0000,  1.9545])
    """
SiLU = _make_activation_module("SiLU", F.silu, [("inplace", False)], lambda m: _inplace_suffix(m, ""))
SiLU.__doc__ = """x * sigmoid(x) (swish).

    Args:
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.SiLU()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.2384,  0.0000,  1.7616])
    """
Mish = _make_activation_module("Mish", F.mish, [("inplace", False)], lambda m: _inplace_suffix(m, ""))
Mish.__doc__ = """x * tanh(softplus(x)).

    Args:
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Mish()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.2525,  0.0000,  1.9440])
    """
Sigmoid = _make_activation_module("Sigmoid", F.sigmoid)
Sigmoid.__doc__ = """1 / (1 + exp(-x)), elementwise.

    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Sigmoid()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([0.1192, 0.5000, 0.8808])
    """
Tanh = _make_activation_module("Tanh", F.tanh)
Tanh.__doc__ = """tanh(x), elementwise.

    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Tanh()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.9640,  0.0000,  0.9640])
    """
Hardsigmoid = _make_activation_module("Hardsigmoid", F.hardsigmoid, [("inplace", False)])
Hardsigmoid.__doc__ = """0 for x <= -3, 1 for x >= 3, x / 6 + 1/2 in between.

    Args:
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Hardsigmoid()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([0.1667, 0.5000, 0.8333])
    """
Hardswish = _make_activation_module("Hardswish", F.hardswish, [("inplace", False)])
Hardswish.__doc__ = """x * hardsigmoid(x): 0 for x <= -3, x for x >= 3, x (x + 3) / 6 in between.

    Args:
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Hardswish()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.3333,  0.0000,  1.6667])
    """
Softplus = _make_activation_module("Softplus", F.softplus, [("beta", 1.0), ("threshold", 20.0)],
                                   lambda m: f"beta={m.beta}, threshold={m.threshold}")
Softplus.__doc__ = """log(1 + exp(beta * x)) / beta, and x where beta * x > threshold.

    Args:
        beta: the sharpness (default 1.0).
        threshold: above it the function is the identity, for numerical stability (default 20.0).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Softplus()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([0.1269, 0.6931, 2.1269])
    """
Softsign = _make_activation_module("Softsign", F.softsign)
Softsign.__doc__ = """x / (1 + |x|), elementwise.

    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Softsign()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.6667,  0.0000,  0.6667])
    """
GLU = _make_activation_module("GLU", F.glu, [("dim", -1)], lambda m: f"dim={m.dim}")
GLU.__doc__ = """Gated linear unit a * sigmoid(b), with a and b the first and second halves of the input along dim.

    Args:
        dim: the dim to split in two (its size must be even; default -1).
    Shape: input (*1, 2N, *2) -> output (*1, N, *2).

    Example:
        >>> nn.GLU()(ft.tensor([[1.0, 2.0, 0.0, 0.0]]))
        tensor([[0.5000, 1.0000]])
    """
Threshold = _make_activation_module(
    "Threshold", F.threshold, [("threshold", _REQUIRED), ("value", _REQUIRED), ("inplace", False)],
    lambda m: f"threshold={m.threshold}, value={m.value}{_inplace_suffix(m)}")
Threshold.__doc__ = """x where x > threshold, else value.

    Args:
        threshold: the value to threshold at.
        value: the value that replaces x <= threshold.
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Threshold(0.5, -1.0)(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-1., -1.,  2.])
    """
LogSigmoid = _make_activation_module("LogSigmoid", F.logsigmoid)
LogSigmoid.__doc__ = """log(sigmoid(x)) = -softplus(-x), elementwise.

    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.LogSigmoid()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-2.1269, -0.6931, -0.1269])
    """
Tanhshrink = _make_activation_module("Tanhshrink", F.tanhshrink)
Tanhshrink.__doc__ = """x - tanh(x), elementwise.

    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Tanhshrink()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-1.0360,  0.0000,  1.0360])
    """
Softshrink = _make_activation_module("Softshrink", F.softshrink, [("lambd", 0.5)], lambda m: str(m.lambd))
Softshrink.__doc__ = """x - lambd where x > lambd, x + lambd where x < -lambd, else 0.

    Args:
        lambd: the threshold, >= 0 (default 0.5).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Softshrink(1.0)(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-1.,  0.,  1.])
    """
Hardshrink = _make_activation_module("Hardshrink", F.hardshrink, [("lambd", 0.5)], lambda m: f"{m.lambd}")
Hardshrink.__doc__ = """x where |x| > lambd, else 0.

    Args:
        lambd: the threshold (default 0.5).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Hardshrink(1.0)(ft.tensor([-2.0, 0.5, 2.0]))
        tensor([-2.,  0.,  2.])
    """


def _softmax_family(name, fn, doc):
    cls = _make_activation_module(name, lambda input, dim: fn(input, dim, _stacklevel=5), [("dim", None)],
                                  lambda m: f"dim={m.dim}", doc)

    def __setstate__(self, state):
        self.__dict__.update(state)
        if not hasattr(self, "dim"):
            self.dim = None

    cls.__setstate__ = __setstate__
    return cls


_SOFTMAX_DOC = """{what}

    Args:
        dim: the dim along which it is computed (None: PyTorch's deprecated implicit choice).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.{name}(dim=0)(ft.tensor([-2.0, 0.0, 2.0]))
        {out}
    """
Softmax = _softmax_family("Softmax", F.softmax, _SOFTMAX_DOC.format(
    what="exp(x_i) / sum_j exp(x_j) along dim: every slice along dim sums to 1.", name="Softmax",
    out="tensor([0.0159, 0.1173, 0.8668])"))
LogSoftmax = _softmax_family("LogSoftmax", F.log_softmax, _SOFTMAX_DOC.format(
    what="log(softmax(x)) along dim, computed stably.", name="LogSoftmax", out="tensor([-4.1429, -2.1429, -0.1429])"))
Softmin = _softmax_family("Softmin", F.softmin, _SOFTMAX_DOC.format(
    what="softmax(-x) along dim.", name="Softmin", out="tensor([0.8668, 0.1173, 0.0159])"))


class Softmax2d(Module):
    """Softmax over the channel dim of (N, C, H, W) or (C, H, W) input, at every spatial location.

    Shape: input (N, C, H, W) or (C, H, W) -> output of the same shape.

    Example:
        >>> nn.Softmax2d()(ft.zeros(1, 2, 1, 1)).flatten()
        tensor([0.5000, 0.5000])
    """

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)


class Hardtanh(Module):
    """x clamped to [min_val, max_val].

    Args:
        min_val: the lower end (default -1.0).
        max_val: the upper end, > min_val (default 1.0).
        inplace: write the result into the input (default False).
        min_value, max_value: deprecated names of min_val and max_val.
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.Hardtanh(-1.0, 1.0)(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-1.,  0.,  1.])
    """

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
    """min(max(0, x), 6).

    Args:
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.ReLU6()(ft.tensor([-2.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace_suffix(self, "")


class PReLU(Module):
    """x where x >= 0, else a * x with a learnable slope a (one, or one per channel).

    Args:
        num_parameters: 1 (one slope for all) or the number of input channels (dim 1); default 1.
        init: the initial slope (default 0.25).
        device, dtype: where and of what dtype the weight is created.
    Shape: input (*) -> output (*), the same shape (channels at dim 1, or dim 0 of a 1-d input).

    Attributes:
        weight: (num_parameters,), filled with `init`.

    Example:
        >>> nn.PReLU()(ft.tensor([-2.0, 0.0, 2.0])).tolist()
        [-0.5, 0.0, 2.0]
    """

    __constants__ = ["num_parameters"]

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(ft.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        """Refill weight with `init`."""
        from .. import init as _init

        _init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """Randomized leaky ReLU: x where x >= 0, else a * x with a random slope a, elementwise.

    a ~ U(lower, upper) per element when training, and a = (lower + upper) / 2 in eval mode.

    Args:
        lower: the lower bound of the slope (default 1/8).
        upper: the upper bound of the slope (default 1/3).
        inplace: write the result into the input (default False).
    Shape: input (*) -> output (*), the same shape.

    Example:
        >>> nn.RReLU(0.1, 0.3).eval()(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.4000,  0.0000,  2.0000])
    """

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
