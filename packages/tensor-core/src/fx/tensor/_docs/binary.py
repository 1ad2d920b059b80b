"""Docstrings of the elementwise arithmetic of two operands (fx/tensor/_ops/binary.py).

All of them broadcast their operands and promote dtypes like PyTorch (`ft.result_type`).
"""

from . import add_docstr
from .._ops import binary as _binary

add_docstr(_binary.add, """
    Addition, elementwise with broadcasting: out_i = input_i + alpha * other_i.

    Args:
        input (Tensor or Number): the first operand.
        other (Tensor or Number): the second operand, broadcast against `input`.
        alpha (Number, optional): multiplier of `other`; default 1.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype (`ft.result_type(input, other)`); a Python
        number does not widen a tensor of the same kind (int64 + 1 stays int64, int8 + 1000 wraps).

    Example:
        >>> ft.add(ft.tensor([1, 2]), ft.tensor([10, 20]), alpha=2)
        tensor([21, 42])
        >>> ft.add(ft.tensor([[1], [2]]), ft.tensor([10, 20, 30]))
        tensor([[11, 21, 31],
                [12, 22, 32]])
    """)

add_docstr(_binary.sub, """
    Subtraction, elementwise with broadcasting: out_i = input_i - alpha * other_i.

    Also available as `subtract` (the same function) and as the `-` operator.

    Args:
        input (Tensor or Number): the first operand.
        other (Tensor or Number): the operand to subtract, broadcast against `input`.
        alpha (Number, optional): multiplier of `other`; default 1.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype. Bool operands raise RuntimeError (use
        `logical_not` or `~` to invert a mask).

    Example:
        >>> ft.sub(ft.tensor([5, 7]), ft.tensor([1, 2]), alpha=3)
        tensor([2, 1])
    """)

add_docstr(_binary.rsub, """
    Reversed subtraction, elementwise with broadcasting: out_i = other_i - alpha * input_i.

    Args:
        input (Tensor): the operand that is subtracted.
        other (Tensor or Number): the operand subtracted from, broadcast against `input`.
        alpha (Number, optional): multiplier of `input`; default 1.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.rsub(ft.tensor([1, 2]), ft.tensor([10, 20]), alpha=2)
        tensor([ 8, 16])
    """)

add_docstr(_binary.mul, """
    Multiplication, elementwise with broadcasting: out_i = input_i * other_i.

    Also available as `multiply` (the same function) and as the `*` operator.

    Args:
        input (Tensor or Number): the first operand.
        other (Tensor or Number): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype (an integer tensor times a float number gives
        the default float dtype; bool times bool is logical AND).

    Example:
        >>> ft.mul(ft.tensor([1, 2, 3]), 1.5)
        tensor([1.5000, 3.0000, 4.5000])
    """)

add_docstr(_binary.div, """
    Division, elementwise with broadcasting: out_i = input_i / other_i, optionally rounded.

    Also available as `divide` (the same function) and as the `/` operator.

    Args:
        input (Tensor or Number): the dividend.
        other (Tensor or Number): the divisor, broadcast against `input`.
        rounding_mode (str, optional): None (default) for true division, computed in floating point;
            'trunc' rounds the quotient toward zero (C-style); 'floor' rounds it down (Python's `//`).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape. With rounding_mode=None integer and bool operands give the default
        float dtype (x / 0 is +-inf or NaN); with 'trunc' or 'floor' the promoted dtype is kept and
        integer division by zero raises RuntimeError.

    Example:
        >>> ft.div(ft.tensor([7, -7]), 2)
        tensor([ 3.5000, -3.5000])
        >>> ft.div(ft.tensor([7, -7]), 2, rounding_mode="trunc")
        tensor([ 3, -3])
        >>> ft.div(ft.tensor([7, -7]), 2, rounding_mode="floor")
        tensor([ 3, -4])
    """)

add_docstr(_binary.true_divide, """
    Alias of `div` with rounding_mode=None: out_i = input_i / other_i in floating point.

    Args:
        input (Tensor or Number): the dividend.
        other (Tensor or Number): the divisor, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape; integer and bool operands give the default float dtype.

    Example:
        >>> ft.true_divide(ft.tensor([7, -7]), 2)
        tensor([ 3.5000, -3.5000])
    """)

add_docstr(_binary.floor_divide, """
    Floor division, elementwise: out_i = floor(input_i / other_i); `div(input, other, rounding_mode='floor')`.

    Like PyTorch and Python's `//` operator, the quotient is rounded down, not toward zero.

    Args:
        input (Tensor or Number): the dividend.
        other (Tensor or Number): the divisor, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype; integer division by zero raises RuntimeError.

    Example:
        >>> ft.floor_divide(ft.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """)

add_docstr(_binary.remainder, """
    Python-style modulus, elementwise: out_i = input_i - floor(input_i / other_i) * other_i.

    The result has the sign of the divisor (like Python's `%`, which maps to it); see `fmod` for C's.

    Args:
        input (Tensor or Number): the dividend.
        other (Tensor or Number): the divisor, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype; integer division by zero raises RuntimeError.

    Example:
        >>> ft.remainder(ft.tensor([5, -5]), 3)
        tensor([2, 1])
        >>> ft.remainder(ft.tensor([5, -5]), -3)
        tensor([-1, -2])
    """)

add_docstr(_binary.fmod, """
    C-style modulus, elementwise: out_i = input_i - trunc(input_i / other_i) * other_i.

    The result has the sign of the dividend; see `remainder` for Python's `%`.

    Args:
        input (Tensor or Number): the dividend.
        other (Tensor or Number): the divisor, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype; integer division by zero raises RuntimeError.

    Example:
        >>> ft.fmod(ft.tensor([5, -5]), 3)
        tensor([ 2, -2])
    """)

add_docstr(_binary.pow, """
    Power, elementwise with broadcasting: out_i = input_i ** exponent_i.

    Args:
        input (Tensor or Number): the base.
        exponent (Tensor or Number): the exponent, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype (an integer tensor to a float power gives the
        default float dtype). Integers to negative integer powers raise RuntimeError; use `float_power`.

    Example:
        >>> ft.pow(ft.tensor([1, 2, 3]), 2)
        tensor([1, 4, 9])
        >>> ft.pow(2, ft.tensor([0, 1, 3]))
        tensor([1, 2, 8])
    """)

add_docstr(_binary.atan2, """
    Four-quadrant arctangent of input / other, elementwise: the angle of the point (other_i, input_i), in [-pi, pi].

    Also available as `arctan2` (the same function).

    Args:
        input (Tensor or Number): the y coordinates.
        other (Tensor or Number): the x coordinates, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape; integer and bool operands give the default float dtype.

    Example:
        >>> ft.atan2(ft.tensor([1.0, 1.0, -1.0]), ft.tensor([1.0, -1.0, 0.0]))
        tensor([ 0.7854,  2.3562, -1.5708])
    """)

add_docstr(_binary.hypot, """
    Hypotenuse, elementwise: out_i = sqrt(input_i ** 2 + other_i ** 2), without intermediate overflow.

    Args:
        input (Tensor or Number): the first leg.
        other (Tensor or Number): the second leg, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, floating point.

    Example:
        >>> ft.hypot(ft.tensor([3.0, 5.0]), ft.tensor([4.0, 12.0]))
        tensor([ 5., 13.])
    """)

add_docstr(_binary.copysign, """
    Magnitude of `input` with the sign of `other`, elementwise: out_i = |input_i| * sign(other_i) (-0.0 counts as negative).

    Args:
        input (Tensor or Number): the magnitudes.
        other (Tensor or Number): the signs, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, floating point (integer operands give the default float dtype in PyTorch).

    Example:
        >>> ft.copysign(ft.tensor([1.0, -2.0, 3.0]), ft.tensor([-1.0, 1.0, -0.0]))
        tensor([-1.,  2., -3.])
    """)

add_docstr(_binary.xlogy, """
    input * log(other), elementwise: out_i = 0 where input_i == 0 (and other_i is not NaN), else input_i * ln(other_i).

    Args:
        input (Tensor or Number): the multiplier.
        other (Tensor or Number): the argument of the logarithm, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape; integer and bool operands give the default float dtype.

    Example:
        >>> ft.xlogy(ft.tensor([0.0, 2.0, 3.0]), ft.tensor([0.0, 3.0, float("nan")]))
        tensor([0.0000, 2.1972,    nan])
    """)

add_docstr(_binary.lerp, """
    Linear interpolation, elementwise with broadcasting: out_i = input_i + weight_i * (end_i - input_i).

    Args:
        input (Tensor): the start points, floating point (integer tensors raise RuntimeError).
        end (Tensor): the end points.
        weight (float or Tensor): the interpolation weight; values outside [0, 1] extrapolate.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.lerp(ft.tensor([0.0, 10.0]), ft.tensor([10.0, 20.0]), 0.25)
        tensor([ 2.5000, 12.5000])
    """)

add_docstr(_binary.addcmul, """
    Fused multiply-add, elementwise with broadcasting: out_i = input_i + value * tensor1_i * tensor2_i.

    Args:
        input (Tensor): the tensor to add to.
        tensor1 (Tensor): the first factor.
        tensor2 (Tensor): the second factor.
        value (Number, optional): multiplier of the product; default 1.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape of all three tensors, in the promoted dtype.

    Example:
        >>> ft.addcmul(ft.tensor([1.0, 1.0]), ft.tensor([2.0, 3.0]), ft.tensor([4.0, 5.0]), value=0.5)
        tensor([5.0000, 8.5000])
    """)

add_docstr(_binary.addcdiv, """
    Fused divide-add, elementwise with broadcasting: out_i = input_i + value * tensor1_i / tensor2_i.

    Args:
        input (Tensor): the tensor to add to.
        tensor1 (Tensor): the numerator.
        tensor2 (Tensor): the denominator (true division).
        value (Number, optional): multiplier of the quotient; default 1.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape of all three tensors, floating point.

    Example:
        >>> ft.addcdiv(ft.tensor([1.0, 1.0]), ft.tensor([2.0, 3.0]), ft.tensor([4.0, 5.0]), value=2)
        tensor([2.0000, 2.2000])
    """)
