"""Docstrings of the elementwise sign, rounding, clamping and classification functions (fx/tensor/_ops/unary.py)."""

from . import add_docstr
from .._ops import unary as _unary

add_docstr(_unary.neg, """
    Negation, elementwise: out_i = -input_i.

    Also available as `negative` (the same function) and as the `-x` operator.

    Args:
        input (Tensor): the input tensor (not bool: RuntimeError, use `logical_not` or `~`).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.neg(ft.tensor([1, -2, 0]))
        tensor([-1,  2,  0])
    """)

add_docstr(_unary.positive, """
    Unary plus: returns `input` itself (no copy), like the `+x` operator.

    Args:
        input (Tensor): the input tensor (not bool: RuntimeError).

    Returns:
        Tensor: `input`.

    Example:
        >>> ft.positive(ft.tensor([-1, 2]))
        tensor([-1,  2])
    """)

add_docstr(_unary.abs, """
    Absolute value, elementwise: out_i = |input_i|.

    Also available as `absolute` (the same function) and as `abs(x)`.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input`; like PyTorch, the most negative integer of a signed
        dtype stays negative (it has no positive counterpart).

    Example:
        >>> ft.abs(ft.tensor([-1.5, 2.0, -0.0]))
        tensor([1.5000, 2.0000, 0.0000])
    """)

add_docstr(_unary.sign, """
    Sign, elementwise: out_i = -1 if input_i < 0, 0 if input_i == 0, 1 if input_i > 0.

    Also available as `sgn` (the same function; fx has no complex dtypes).

    Args:
        input (Tensor): the input tensor (not bool).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.sign(ft.tensor([-2.5, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """)

add_docstr(_unary.signbit, """
    Whether the sign bit is set, elementwise: True for negative values, including -0.0.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the same shape as `input`.

    Example:
        >>> ft.signbit(ft.tensor([-0.0, 0.0, -2.0, 3.0]))
        tensor([ True, False,  True, False])
    """)

add_docstr(_unary.square, """
    Square, elementwise: out_i = input_i ** 2.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input`; bool inputs give int64 (like PyTorch).

    Example:
        >>> ft.square(ft.tensor([-2, 3]))
        tensor([4, 9])
    """)

add_docstr(_unary.float_power, """
    Power computed in double precision, elementwise: out_i = float64(input_i) ** float64(exponent_i).

    Args:
        input (Tensor or Number): the base.
        exponent (Tensor or Number): the exponent, broadcast against `input`.

    Returns:
        Tensor: float64, the broadcast shape of the operands; integer bases may take negative exponents.

    Example:
        >>> ft.float_power(ft.tensor([2, 4]), -1)
        tensor([0.5000, 0.2500], dtype=fx.tensor.float64)
    """)

add_docstr(_unary.floor, """
    Floor, elementwise: out_i = the largest integer <= input_i.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input` (integer inputs are returned as a copy).

    Example:
        >>> ft.floor(ft.tensor([-1.5, 0.5, 2.0]))
        tensor([-2.,  0.,  2.])
    """)

add_docstr(_unary.ceil, """
    Ceiling, elementwise: out_i = the smallest integer >= input_i.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input` (integer inputs are returned as a copy).

    Example:
        >>> ft.ceil(ft.tensor([-1.5, 0.5, 2.0]))
        tensor([-1.,  1.,  2.])
    """)

add_docstr(_unary.trunc, """
    Rounding toward zero, elementwise: out_i = sign(input_i) * floor(|input_i|).

    Also available as `fix` (the same function).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input` (integer inputs are returned as a copy).

    Example:
        >>> ft.trunc(ft.tensor([-1.5, 0.5, 2.7]))
        tensor([-1.,  0.,  2.])
    """)

add_docstr(_unary.frac, """
    Fractional part, elementwise: out_i = input_i - trunc(input_i), with the sign of input_i.

    Args:
        input (Tensor): the input tensor, floating point (integer inputs raise RuntimeError).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.frac(ft.tensor([1.5, -2.25, 3.0]))
        tensor([ 0.5000, -0.2500,  0.0000])
    """)

add_docstr(_unary.round, """
    Round to the nearest integer (or to `decimals` places), elementwise; ties round half to even, like PyTorch.

    Args:
        input (Tensor): the input tensor.
        decimals (int, optional): number of decimal places; negative values round to tens, hundreds, ...
            Default 0.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input` (integer inputs are returned unchanged for decimals=0).

    Example:
        >>> ft.round(ft.tensor([0.5, 1.5, 2.5, -0.5]))
        tensor([0., 2., 2., -0.])
        >>> ft.round(ft.tensor([1.2345, 16.5]), decimals=2)
        tensor([ 1.2300, 16.5000])
    """)

add_docstr(_unary.clamp, """
    Clamp every element into [min, max]: out_i = min(max(input_i, min_i), max_i).

    Also available as `clip` (the same function). If min > max, every element becomes max. NaN stays NaN.

    Args:
        input (Tensor): the input tensor.
        min (Number or Tensor, optional): lower bound; a tensor is broadcast against `input`.
        max (Number or Tensor, optional): upper bound; at least one of `min` and `max` must be given.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape; the dtype follows type promotion with the bounds (an integer tensor
        clamped by a float number gives the default float dtype).

    Example:
        >>> ft.clamp(ft.tensor([-2.0, 0.5, 3.0]), min=-1.0, max=1.0)
        tensor([-1.0000,  0.5000,  1.0000])
        >>> ft.clamp(ft.tensor([1, 5, 9]), min=2.5)
        tensor([2.5000, 5.0000, 9.0000])
    """)

add_docstr(_unary.clamp_min, """
    Clamp from below, elementwise: out_i = max(input_i, min); the same as `clamp(input, min=min)`.

    Args:
        input (Tensor): the input tensor.
        min (Number or Tensor): the lower bound.

    Returns:
        Tensor: as `clamp` returns.

    Example:
        >>> ft.clamp_min(ft.tensor([-2.0, 0.5, 3.0]), 0.0)
        tensor([0.0000, 0.5000, 3.0000])
    """)

add_docstr(_unary.clamp_max, """
    Clamp from above, elementwise: out_i = min(input_i, max); the same as `clamp(input, max=max)`.

    Args:
        input (Tensor): the input tensor.
        max (Number or Tensor): the upper bound.

    Returns:
        Tensor: as `clamp` returns.

    Example:
        >>> ft.clamp_max(ft.tensor([-2.0, 0.5, 3.0]), 1.0)
        tensor([-2.0000,  0.5000,  1.0000])
    """)

add_docstr(_unary.nan_to_num, """
    Replace NaN, +inf and -inf by finite numbers, elementwise.

    Args:
        input (Tensor): the input tensor.
        nan (Number, optional): the value for NaN; default 0.
        posinf (Number, optional): the value for +inf; default (None) the largest finite value of the dtype.
        neginf (Number, optional): the value for -inf; default (None) the lowest finite value of the dtype.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input` (integer and bool inputs come back as a copy).

    Example:
        >>> ft.nan_to_num(ft.tensor([float("nan"), float("inf"), -float("inf"), 1.5]), posinf=100.0)
        tensor([ 0.0000e+00,  1.0000e+02, -3.4028e+38,  1.5000e+00])
    """)

add_docstr(_unary.isnan, """
    Whether each element is NaN.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the same shape as `input` (all False for integer dtypes).

    Example:
        >>> ft.isnan(ft.tensor([1.0, float("nan"), float("inf")]))
        tensor([False,  True, False])
    """)

add_docstr(_unary.isinf, """
    Whether each element is +inf or -inf.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the same shape as `input` (all False for integer dtypes).

    Example:
        >>> ft.isinf(ft.tensor([1.0, float("nan"), float("inf"), -float("inf")]))
        tensor([False, False,  True,  True])
    """)

add_docstr(_unary.isfinite, """
    Whether each element is finite (neither NaN nor +-inf).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the same shape as `input` (all True for integer dtypes).

    Example:
        >>> ft.isfinite(ft.tensor([1.0, float("nan"), float("inf"), -float("inf")]))
        tensor([ True, False, False, False])
    """)

add_docstr(_unary.isposinf, """
    Whether each element is +inf.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the same shape as `input`.

    Example:
        >>> ft.isposinf(ft.tensor([1.0, float("inf"), -float("inf")]))
        tensor([False,  True, False])
    """)

add_docstr(_unary.isneginf, """
    Whether each element is -inf.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the same shape as `input`.

    Example:
        >>> ft.isneginf(ft.tensor([1.0, float("inf"), -float("inf")]))
        tensor([False, False,  True])
    """)

add_docstr(_unary.logical_not, """
    Logical NOT, elementwise: out_i = (input_i == 0).

    Args:
        input (Tensor): the input tensor, of any dtype (nonzero counts as True).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the same shape as `input`.

    Example:
        >>> ft.logical_not(ft.tensor([0, 1, -2]))
        tensor([ True, False, False])
    """)

add_docstr(_unary.bitwise_not, """
    Bitwise NOT, elementwise: out_i = ~input_i (logical NOT for bool); also the `~x` operator.

    Args:
        input (Tensor): the input tensor, integer or bool (floating point raises RuntimeError).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.bitwise_not(ft.tensor([0, 5, -1]))
        tensor([-1, -6,  0])
    """)
