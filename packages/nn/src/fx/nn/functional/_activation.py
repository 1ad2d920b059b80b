"""Activation functions (torch.nn.functional names); fused ones are fx.tensor primitives.

`inplace=True` writes the result into the input and returns it (PyTorch's `relu_` family).
"""

from __future__ import annotations

import warnings

import fx.tensor as ft
from fx.tensor._ops._common import inplace as _write_back, inplace_source
from fx.tensor._tensor import Tensor

__all__ = [
    "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_", "elu", "elu_", "selu",
    "selu_", "celu", "celu_", "gelu", "silu", "mish", "sigmoid", "tanh", "hardtanh", "hardtanh_", "hardsigmoid",
    "hardswish", "softplus", "softsign", "softmax", "log_softmax", "softmin", "glu", "threshold", "threshold_",
    "logsigmoid", "tanhshrink", "softshrink", "hardshrink",
]


def _check(input, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _maybe_inplace(fn, input, inplace, op, *args):
    if input.__class__ is not Tensor:
        _check(input, op)
    if not inplace:
        return fn(input, *args)
    return _write_back(input, fn(inplace_source(input), *args), op + "_")


def relu(input, inplace=False):
    """max(0, x)."""
    return _maybe_inplace(ft.relu, input, inplace, "relu")


def relu_(input):
    return relu(input, inplace=True)


def threshold(input, threshold, value, inplace=False):
    """`value` where x <= threshold, else x."""
    return _maybe_inplace(ft.threshold, input, inplace, "threshold", threshold, value)


def threshold_(input, threshold, value):
    return _maybe_inplace(ft.threshold, input, True, "threshold", threshold, value)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x clamped to [min_val, max_val] (gradient 0 outside)."""
    return _maybe_inplace(ft.hardtanh, input, inplace, "hardtanh", min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """min(max(0, x), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x >= 0, else negative_slope * x."""
    return _maybe_inplace(ft.leaky_relu, input, inplace, "leaky_relu", negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input, weight):
    """x where x >= 0, else weight * x; weight has 1 or C (= input.shape[1]) elements."""
    _check(input, "prelu")
    n = weight.numel()
    if n != 1:
        if input.dim() == 0 or input.dim() > 1 and input.shape[1] != n or input.dim() == 1 and input.shape[0] != n:
            channels = input.shape[1] if input.dim() > 1 else (input.shape[0] if input.dim() else 1)
            raise RuntimeError(f"prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{n} and channel size = {channels}.")
        if input.dim() > 1:
            weight = weight.reshape((n,) + (1,) * (input.dim() - 2))
    elif weight.dim() > 0:
        weight = weight.reshape(())
    return ft.where(input >= 0, input, input * weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: slope ~ U(lower, upper) per element in training, (lower+upper)/2 in eval."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)

    def fn(x):
        slope = ft.empty_like(x).uniform_(lower, upper)
        return ft.where(x >= 0, x, x * slope)

    return _maybe_inplace(fn, input, inplace, "rrelu")


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha * (exp(x) - 1)."""
    return _maybe_inplace(ft.elu, input, inplace, "elu", alpha)


def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


def selu(input, inplace=False):
    """scale * elu(x, alpha) with PyTorch's fixed alpha and scale."""
    return _maybe_inplace(ft.selu, input, inplace, "selu")


def selu_(input):
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    return _maybe_inplace(ft.celu, input, inplace, "celu", alpha)


def celu_(input, alpha=1.0):
    return celu(input, alpha, inplace=True)


def gelu(input, approximate="none"):
    """x * Phi(x); approximate='tanh' uses the tanh formula."""
    _check(input, "gelu")
    return ft.gelu(input, approximate=approximate)


def silu(input, inplace=False):
    """x * sigmoid(x)."""
    return _maybe_inplace(ft.silu, input, inplace, "silu")


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    return _maybe_inplace(ft.mish, input, inplace, "mish")


def sigmoid(input):
    """1 / (1 + exp(-x))."""
    return ft.sigmoid(input)


def tanh(input):
    return ft.tanh(input)


def _hardsigmoid(x):
    return ft.hardtanh(x / 6.0 + 0.5, 0.0, 1.0)


def hardsigmoid(input, inplace=False):
    """0 for x <= -3, 1 for x >= 3, x / 6 + 1/2 in between."""
    return _maybe_inplace(_hardsigmoid, input, inplace, "hardsigmoid")


def hardswish(input, inplace=False):
    """x * hardsigmoid(x)."""
    return _maybe_inplace(lambda x: x * _hardsigmoid(x), input, inplace, "hardswish")


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold."""
    _check(input, "softplus")
    return ft.softplus(input, beta, threshold)


def softsign(input):
    """x / (1 + |x|)."""
    _check(input, "softsign")
    return input / (input.abs() + 1)


def logsigmoid(input):
    """log(sigmoid(x)) = -softplus(-x)."""
    _check(input, "logsigmoid")
    return -ft.softplus(-input)


def tanhshrink(input):
    """x - tanh(x)."""
    _check(input, "tanhshrink")
    return input - input.tanh()


def softshrink(input, lambd=0.5):
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0."""
    _check(input, "softshrink")
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be greater or equal to 0, but found to be {lambd}.")
    return ft.where(input > lambd, input - lambd, ft.where(input < -lambd, input + lambd, input * 0))


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    _check(input, "hardshrink")
    return ft.where(input.abs() > lambd, input, input * 0)


def glu(input, dim=-1):
    """a * sigmoid(b) where a, b are the two halves of `input` along `dim`."""
    _check(input, "glu")
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    n = input.size(dim)
    if n % 2:
        d = dim + input.dim() if dim < 0 else dim
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _prepare(input, dim, dtype, name, stacklevel):
    _check(input, name)
    if dim is None:
        dim = _softmax_dim(name, input.dim(), stacklevel + 1)
    if dtype is not None:
        input = input.to(dtype)
    elif not input.dtype.is_floating_point:
        raise RuntimeError(f"{name}: expected a floating point tensor, got {input.dtype}")
    return input, dim


def _softmax_impl(x, dim, log):
    return ft.log_softmax(x, dim) if log else ft.softmax(x, dim)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along `dim` (computed in `dtype` when given)."""
    x, dim = _prepare(input, dim, dtype, "softmax", _stacklevel)
    return _softmax_impl(x, dim, False)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along `dim`."""
    x, dim = _prepare(input, dim, dtype, "softmin", _stacklevel)
    return _softmax_impl(-x, dim, False)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along `dim`, computed stably."""
    x, dim = _prepare(input, dim, dtype, "log_softmax", _stacklevel)
    return _softmax_impl(x, dim, True)
