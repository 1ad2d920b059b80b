"""Docstrings of the elementwise math and special functions added for PyTorch programs
(fx/tensor/_ops/compat_math.py, special.py)."""

from . import add_docstr
from .._ops import compat_math as _m, special as _s

add_docstr(_m.deg2rad, """
    Degrees to radians, elementwise: out_i = input_i * pi / 180.

    Args:
        input (Tensor): angles in degrees.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.deg2rad(ft.tensor([0, 90, 180]))
        tensor([0.0000, 1.5708, 3.1416])
    """)

add_docstr(_m.rad2deg, """
    Radians to degrees, elementwise: out_i = input_i * 180 / pi.

    Args:
        input (Tensor): angles in radians.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.rad2deg(ft.tensor([0.0, 3.141592653589793]))
        tensor([  0., 180.])
    """)

add_docstr(_m.logaddexp, """
    log(exp(input) + exp(other)), elementwise, without overflow.

    Args:
        input (Tensor): a floating point tensor.
        other (Tensor): a floating point tensor broadcastable with `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype. Integer inputs raise NotImplementedError, like
        PyTorch.

    Example:
        >>> ft.logaddexp(ft.tensor([100.0, 2.0]), ft.tensor([100.0, 1.0]))
        tensor([100.6931,   2.3133])
    """)

add_docstr(_m.logaddexp2, """
    log2(2 ** input + 2 ** other), elementwise, without overflow.

    Args:
        input (Tensor): a floating point tensor.
        other (Tensor): a floating point tensor broadcastable with `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.logaddexp2(ft.tensor([1.0, 3.0]), ft.tensor([1.0, 3.0]))
        tensor([2., 4.])
    """)

add_docstr(_m.gcd, """
    Greatest common divisor, elementwise (non-negative; gcd(0, 0) = 0).

    Args:
        input (Tensor): an integer tensor.
        other (Tensor): an integer tensor broadcastable with `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted integer dtype. Float or bool inputs raise
        NotImplementedError.

    Example:
        >>> ft.gcd(ft.tensor([12, -18, 0]), ft.tensor([8, 12, 5]))
        tensor([4, 6, 5])
    """)

add_docstr(_m.lcm, """
    Least common multiple, elementwise (non-negative; 0 if either is 0).

    Args:
        input (Tensor): an integer tensor.
        other (Tensor): an integer tensor broadcastable with `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted integer dtype (it wraps on overflow).

    Example:
        >>> ft.lcm(ft.tensor([4, -6, 0]), ft.tensor([6, 4, 5]))
        tensor([12, 12,  0])
    """)

add_docstr(_m.heaviside, """
    The Heaviside step function: 0 where input < 0, `values` where input == 0, 1 where input > 0.

    Args:
        input (Tensor): the input tensor.
        values (Tensor): the value at input == 0, broadcastable with `input`, of the same dtype.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the dtype of `input` (NaN inputs give 0, like PyTorch).

    Example:
        >>> ft.heaviside(ft.tensor([-1.5, 0.0, 2.0]), ft.tensor([0.5]))
        tensor([0.0000, 0.5000, 1.0000])
    """)

add_docstr(_m.sinc, """
    The normalized sinc function: sin(pi * x) / (pi * x), and 1 at x == 0.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.sinc(ft.tensor([0.0, 0.5, -1.5]))
        tensor([ 1.0000,  0.6366, -0.2122])
    """)

add_docstr(_m.ldexp, """
    input * 2 ** other, elementwise.

    Args:
        input (Tensor): the mantissas.
        other (Tensor): the exponents, broadcastable with `input` (usually integers).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape; a floating point dtype (integer operands give the default float dtype).

    Example:
        >>> ft.ldexp(ft.tensor([1.0, 0.75]), ft.tensor([3, -1]))
        tensor([8.0000, 0.3750])
    """)

add_docstr(_m.nextafter, """
    The next floating point value after input toward other, elementwise.

    Args:
        input (Tensor): a floating point tensor.
        other (Tensor): the direction, broadcastable with `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted floating point dtype.

    Example:
        >>> (ft.nextafter(ft.tensor([1.0]), ft.tensor([2.0])) - 1).item() == ft.finfo(ft.float32).eps
        True
    """)

add_docstr(_m.frexp, """
    Split each element into mantissa and exponent: input = mantissa * 2 ** exponent, 0.5 <= |mantissa| < 1.

    Zero, infinities and NaN keep their value as mantissa with exponent 0.

    Args:
        input (Tensor): a floating point tensor.
        out (tuple of two Tensors, optional): (mantissa, exponent) output tensors.

    Returns:
        (Tensor, Tensor): the namedtuple (mantissa, exponent): the mantissa in the dtype of `input`,
        the exponent int32, both the shape of `input`.

    Example:
        >>> ft.frexp(ft.tensor([8.0, 0.75, -3.0]))
        fx.tensor.return_types.frexp(
        mantissa=tensor([ 0.5000,  0.7500, -0.7500]),
        exponent=tensor([4, 0, 2], dtype=fx.tensor.int32))
    """)

add_docstr(_s.i0, """
    The modified Bessel function of the first kind of order 0, elementwise.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.i0(ft.tensor([0.0, 1.0, 2.0]))
        tensor([1.0000, 1.2661, 2.2796])
    """)

add_docstr(_s.polygamma, """
    The n-th derivative of the digamma function, elementwise (n = 0 is digamma itself).

    Args:
        n (int): the order of the derivative, n >= 0.
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.polygamma(1, ft.tensor([1.0, 2.0]))
        tensor([1.6449, 0.6449])
    """)

add_docstr(_s.mvlgamma, """
    The multivariate log-gamma function of dimension p: sum_{i<p} lgamma(x - i/2) + p(p-1)/4 log(pi).

    Args:
        input (Tensor): the input tensor.
        p (int): the dimension, p >= 1.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer inputs give the default float dtype.

    Example:
        >>> ft.mvlgamma(ft.tensor([2.5, 3.0]), 2)
        tensor([0.8570, 1.5502])
    """)
