"""Docstrings of the elementwise exponentials, logarithms, roots and special functions (fx/tensor/_ops/unary.py)."""

from . import add_docstr
from .._ops import unary as _unary

add_docstr(_unary.exp, """
    Exponential, elementwise: out_i = e ** input_i.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.exp(ft.tensor([0.0, 1.0, 2.0]))
        tensor([1.0000, 2.7183, 7.3891])
    """)

add_docstr(_unary.exp2, """
    Base-2 exponential, elementwise: out_i = 2 ** input_i.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.exp2(ft.tensor([0, 1, 3]))
        tensor([1., 2., 8.])
    """)

add_docstr(_unary.expm1, """
    exp(input) - 1, elementwise, accurate for input near zero: out_i = e ** input_i - 1.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.expm1(ft.tensor([0.0, 1e-6, 1.0]))
        tensor([0.0000e+00, 1.0000e-06, 1.7183e+00])
    """)

add_docstr(_unary.log, """
    Natural logarithm, elementwise: out_i = ln(input_i); 0 gives -inf and negative values NaN.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.log(ft.tensor([1.0, 2.0, 0.0]))
        tensor([0.0000, 0.6931,   -inf])
    """)

add_docstr(_unary.log2, """
    Base-2 logarithm, elementwise: out_i = log2(input_i).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.log2(ft.tensor([1, 2, 8]))
        tensor([0., 1., 3.])
    """)

add_docstr(_unary.log10, """
    Base-10 logarithm, elementwise: out_i = log10(input_i).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.log10(ft.tensor([1.0, 10.0, 0.5]))
        tensor([ 0.0000,  1.0000, -0.3010])
    """)

add_docstr(_unary.log1p, """
    ln(1 + input), elementwise, accurate for input near zero: out_i = ln(1 + input_i).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.log1p(ft.tensor([0.0, 1e-6, 1.0]))
        tensor([0.0000e+00, 1.0000e-06, 6.9315e-01])
    """)

add_docstr(_unary.sqrt, """
    Square root, elementwise: out_i = input_i ** 0.5; negative values give NaN.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.sqrt(ft.tensor([4, 2, 0]))
        tensor([2.0000, 1.4142, 0.0000])
    """)

add_docstr(_unary.rsqrt, """
    Reciprocal square root, elementwise: out_i = 1 / sqrt(input_i); 0 gives inf.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.rsqrt(ft.tensor([4.0, 0.25, 0.0]))
        tensor([0.5000, 2.0000,    inf])
    """)

add_docstr(_unary.reciprocal, """
    Reciprocal, elementwise: out_i = 1 / input_i; 0 gives inf.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype
        (unlike integer division, 1 / 2 is 0.5).

    Example:
        >>> ft.reciprocal(ft.tensor([2, 4, 0]))
        tensor([0.5000, 0.2500,    inf])
    """)

add_docstr(_unary.erf, """
    Gauss error function, elementwise: out_i = 2 / sqrt(pi) * integral from 0 to input_i of exp(-t ** 2) dt.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`, in (-1, 1); integer and bool inputs give the default float dtype.

    Example:
        >>> ft.erf(ft.tensor([0.0, 0.5, -2.0]))
        tensor([ 0.0000,  0.5205, -0.9953])
    """)

add_docstr(_unary.erfc, """
    Complementary error function, elementwise: out_i = 1 - erf(input_i), accurate where erf is near 1.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`, in (0, 2); integer and bool inputs give the default float dtype.

    Example:
        >>> ft.erfc(ft.tensor([0.0, 0.5, -2.0]))
        tensor([1.0000, 0.4795, 1.9953])
    """)

add_docstr(_unary.erfinv, """
    Inverse error function, elementwise: erf(out_i) = input_i, for input in [-1, 1] (+-1 give +-inf).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; NaN outside [-1, 1]; integer and bool inputs give the default
        float dtype.

    Example:
        >>> ft.erfinv(ft.tensor([0.0, 0.5, -0.5]))
        tensor([ 0.0000,  0.4769, -0.4769])
    """)

add_docstr(_unary.lgamma, """
    Log of the absolute gamma function, elementwise: out_i = ln|Gamma(input_i)|.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.lgamma(ft.tensor([1.0, 0.5, 5.0]))
        tensor([0.0000, 0.5724, 3.1781])
    """)

add_docstr(_unary.digamma, """
    Digamma function, the derivative of lgamma, elementwise: out_i = Gamma'(input_i) / Gamma(input_i).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; 0 gives -inf (like PyTorch); integer and bool inputs give the
        default float dtype.

    Example:
        >>> ft.digamma(ft.tensor([1.0, 0.5, 2.0]))
        tensor([-0.5772, -1.9635,  0.4228])
    """)
