"""Docstrings of the elementwise trigonometric and hyperbolic functions (fx/tensor/_ops/unary.py)."""

from . import add_docstr
from .._ops import unary as _unary

add_docstr(_unary.sin, """
    Sine, elementwise: out_i = sin(input_i), input in radians.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.sin(ft.tensor([0.0, 1.0, -1.0]))
        tensor([ 0.0000,  0.8415, -0.8415])
    """)

add_docstr(_unary.cos, """
    Cosine, elementwise: out_i = cos(input_i), input in radians.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.cos(ft.tensor([0.0, 1.0, 3.1416]))
        tensor([ 1.0000,  0.5403, -1.0000])
    """)

add_docstr(_unary.tan, """
    Tangent, elementwise: out_i = tan(input_i), input in radians.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.tan(ft.tensor([0.0, 1.0, -1.0]))
        tensor([ 0.0000,  1.5574, -1.5574])
    """)

add_docstr(_unary.asin, """
    Arcsine, elementwise: out_i = asin(input_i), in [-pi/2, pi/2]; NaN outside [-1, 1].

    Also available as `arcsin` (the same function).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.asin(ft.tensor([0.0, 0.5, 1.0, 2.0]))
        tensor([0.0000, 0.5236, 1.5708,    nan])
    """)

add_docstr(_unary.acos, """
    Arccosine, elementwise: out_i = acos(input_i), in [0, pi]; NaN outside [-1, 1].

    Also available as `arccos` (the same function).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.acos(ft.tensor([1.0, 0.5, -1.0]))
        tensor([0.0000, 1.0472, 3.1416])
    """)

add_docstr(_unary.atan, """
    Arctangent, elementwise: out_i = atan(input_i), in (-pi/2, pi/2).

    Also available as `arctan` (the same function).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.atan(ft.tensor([0.0, 1.0, -1.0]))
        tensor([ 0.0000,  0.7854, -0.7854])
    """)

add_docstr(_unary.sinh, """
    Hyperbolic sine, elementwise: out_i = (e ** input_i - e ** -input_i) / 2.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.sinh(ft.tensor([0.0, 1.0, -2.0]))
        tensor([ 0.0000,  1.1752, -3.6269])
    """)

add_docstr(_unary.cosh, """
    Hyperbolic cosine, elementwise: out_i = (e ** input_i + e ** -input_i) / 2.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.cosh(ft.tensor([0.0, 1.0, -2.0]))
        tensor([1.0000, 1.5431, 3.7622])
    """)

add_docstr(_unary.tanh, """
    Hyperbolic tangent, elementwise: out_i = tanh(input_i), in [-1, 1].

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.tanh(ft.tensor([0.0, 1.0, -20.0]))
        tensor([ 0.0000,  0.7616, -1.0000])
    """)

add_docstr(_unary.asinh, """
    Inverse hyperbolic sine, elementwise: out_i = ln(input_i + sqrt(input_i ** 2 + 1)).

    Also available as `arcsinh` (the same function).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.asinh(ft.tensor([0.0, 1.0, -2.0]))
        tensor([ 0.0000,  0.8814, -1.4436])
    """)

add_docstr(_unary.acosh, """
    Inverse hyperbolic cosine, elementwise: out_i = ln(input_i + sqrt(input_i ** 2 - 1)); NaN below 1.

    Also available as `arccosh` (the same function).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.acosh(ft.tensor([1.0, 2.0, 0.5]))
        tensor([0.0000, 1.3170,    nan])
    """)

add_docstr(_unary.atanh, """
    Inverse hyperbolic tangent, elementwise: out_i = ln((1 + input_i) / (1 - input_i)) / 2; +-1 give +-inf.

    Also available as `arctanh` (the same function).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.atanh(ft.tensor([0.0, 0.5, -1.0]))
        tensor([0.0000, 0.5493,   -inf])
    """)
