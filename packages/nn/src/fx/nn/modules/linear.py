"""Linear layers: Identity, Linear, Bilinear, LazyLinear."""

from __future__ import annotations

import math

import fx.tensor as ft

from .. import functional as F
from .. import init
from ..parameter import Parameter, UninitializedParameter
from .module import Module

__all__ = ["Identity", "Linear", "Bilinear", "LazyLinear"]


class Identity(Module):
    """Returns its input unchanged; accepts and ignores any constructor arguments.

    Args:
        *args, **kwargs: ignored (so it can stand in for any layer).
    Shape: input (*) -> output (*), the same tensor.

    Example:
        >>> nn.Identity(54, unused="argument")(ft.randn(128, 20)).shape
        fx.tensor.Size([128, 20])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """Affine map y = x W^T + b.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: whether to learn an additive bias (default True).
        device, dtype: where and of what dtype the parameters are created (default CPU, float32).
    Shape: input (*, in_features) -> output (*, out_features).

    Attributes:
        weight: (out_features, in_features), drawn from U(-k, k) with k = 1 / sqrt(in_features)
            (kaiming_uniform_ with a=sqrt(5)).
        bias: (out_features,), drawn from U(-k, k); None when bias=False.

    Example:
        >>> nn.Linear(20, 30)(ft.randn(128, 20)).shape
        fx.tensor.Size([128, 30])
    """

    __constants__ = ["in_features", "out_features"]

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(ft.empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(ft.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Redraw weight and bias from U(-1/sqrt(in_features), 1/sqrt(in_features)) (weight by kaiming_uniform_)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        shape = input.shape
        if not shape or shape[-1] != self.in_features:
            raise RuntimeError(f"Linear in_features={self.in_features}: got input of shape {tuple(shape)}")
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class NonDynamicallyQuantizableLinear(Linear):
    """Linear under another name (PyTorch's MultiheadAttention out_proj type)."""


class Bilinear(Module):
    """Bilinear map y = x1^T A x2 + b (one matrix A per output feature).

    Args:
        in1_features: size of each first input sample.
        in2_features: size of each second input sample.
        out_features: size of each output sample.
        bias: whether to learn an additive bias (default True).
        device, dtype: where and of what dtype the parameters are created.
    Shape: input1 (*, in1_features), input2 (*, in2_features) -> output (*, out_features).

    Attributes:
        weight: (out_features, in1_features, in2_features), drawn from U(-k, k) with k = 1 / sqrt(in1_features).
        bias: (out_features,), drawn from U(-k, k); None when bias=False.

    Example:
        >>> nn.Bilinear(20, 30, 40)(ft.randn(128, 20), ft.randn(128, 30)).shape
        fx.tensor.Size([128, 40])
    """

    __constants__ = ["in1_features", "in2_features", "out_features"]

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(ft.empty((out_features, in1_features, in2_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(ft.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Redraw weight and bias from U(-1/sqrt(in1_features), 1/sqrt(in1_features))."""
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class LazyLinear(Linear):
    """A Linear whose in_features is taken from the first input; it then becomes a plain Linear.

    Args:
        out_features: size of each output sample.
        bias: whether to learn an additive bias (default True).
        device, dtype: where and of what dtype the parameters are created.
    Shape: input (*, H_in) -> output (*, out_features), H_in fixed by the first call.

    Attributes:
        weight, bias: UninitializedParameters until the first forward, then drawn like Linear's.

    Example:
        >>> m = nn.LazyLinear(30)
        >>> m(ft.randn(128, 20)).shape
        fx.tensor.Size([128, 30])
        >>> m
        Linear(in_features=20, out_features=30, bias=True)
    """

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        Module.__init__(self)
        self.in_features = 0
        self.out_features = out_features
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        else:
            self.register_parameter("bias", None)

    def has_uninitialized_params(self):
        """Whether weight or bias is still an UninitializedParameter (no forward has run yet)."""
        return any(isinstance(p, UninitializedParameter) for p in self._parameters.values())

    def reset_parameters(self):
        """Redraw the parameters like Linear once they are materialized (a no-op before)."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        """Materialise weight (out_features, input.shape[-1]) and bias, then draw them like Linear.

        Args:
            input: a tensor of at least 1 dim whose last size becomes in_features.
        """
        if self.has_uninitialized_params():
            if input.dim() == 0:
                raise RuntimeError("LazyLinear: input must have at least 1 dimension, got a 0-d tensor")
            self.in_features = input.shape[-1]
            self.weight.materialize((self.out_features, self.in_features))
            if self.bias is not None:
                self.bias.materialize((self.out_features,))
            self.reset_parameters()
        self.__class__ = self.cls_to_become

    def forward(self, input):
        self.initialize_parameters(input)
        return Linear.forward(self, input)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
        if not self.has_uninitialized_params():
            self.in_features = self.weight.shape[-1]
            self.__class__ = self.cls_to_become
