"""Docstrings of the elementwise activation functions of fx.tensor (fx/tensor/_ops/unary.py)."""

from . import add_docstr
from .._ops import unary as _unary

add_docstr(_unary.sigmoid, """
    Logistic sigmoid, elementwise: out_i = 1 / (1 + e ** -input_i).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`, in [0, 1]; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.sigmoid(ft.tensor([0.0, 2.0, -2.0]))
        tensor([0.5000, 0.8808, 0.1192])
    """)

add_docstr(_unary.logit, """
    Inverse of sigmoid, elementwise: out_i = ln(z_i / (1 - z_i)), z_i = clamp(input_i, eps, 1 - eps).

    Args:
        input (Tensor): the input tensor, probabilities in [0, 1].
        eps (float, optional): clamp bound; None (default) does not clamp, so 0 and 1 give -inf and inf
            and values outside [0, 1] give NaN.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.logit(ft.tensor([0.25, 0.5, 1.0]))
        tensor([-1.0986,  0.0000,     inf])
        >>> ft.logit(ft.tensor([0.0, 0.5, 1.0]), eps=0.25)
        tensor([-1.0986,  0.0000,  1.0986])
    """)

add_docstr(_unary.relu, """
    Rectified linear unit, elementwise: out_i = max(0, input_i).

    Args:
        input (Tensor): the input tensor (not bool: RuntimeError).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input` (integer inputs stay integer).

    Example:
        >>> ft.relu(ft.tensor([-1.5, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """)

add_docstr(_unary.silu, """
    Sigmoid linear unit (swish), elementwise: out_i = input_i * sigmoid(input_i).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.silu(ft.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.2689,  0.0000,  1.7616])
    """)

add_docstr(_unary.mish, """
    Mish, elementwise: out_i = input_i * tanh(softplus(input_i)).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.mish(ft.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.3034,  0.0000,  1.9440])
    """)

add_docstr(_unary.selu, """
    Scaled exponential linear unit, elementwise: out_i = scale * (input_i if input_i > 0 else alpha * (e ** input_i - 1)).

    The constants are fixed: alpha = 1.6732632423543772, scale = 1.0507009873554805 (self-normalising).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.selu(ft.tensor([-1.0, 0.0, 2.0]))
        tensor([-1.1113,  0.0000,  2.1014])
    """)

add_docstr(_unary.gelu, """
    Gaussian error linear unit, elementwise: out_i = input_i * Phi(input_i), Phi the standard normal CDF.

    Args:
        input (Tensor): the input tensor, floating point (integer inputs raise RuntimeError).
        approximate (str, optional): 'none' (default) for the exact erf form, or 'tanh' for
            0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x ** 3))).

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.gelu(ft.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.1587,  0.0000,  1.9545])
        >>> ft.gelu(ft.tensor([-1.0, 0.0, 2.0]), approximate="tanh")
        tensor([-0.1588,  0.0000,  1.9546])
    """)

add_docstr(_unary.softplus, """
    Softplus, elementwise: out_i = ln(1 + e ** (beta * input_i)) / beta, and input_i where beta * input_i > threshold.

    Args:
        input (Tensor): the input tensor, floating point.
        beta (float, optional): sharpness; default 1.
        threshold (float, optional): above this value of beta * input the result is linear (for numerical
            stability); default 20.

    Returns:
        Tensor: the same shape and dtype as `input`, positive.

    Example:
        >>> ft.softplus(ft.tensor([-1.0, 0.0, 30.0]), beta=2, threshold=10)
        tensor([ 0.0635,  0.3466, 30.0000])
    """)

add_docstr(_unary.elu, """
    Exponential linear unit, elementwise: out_i = scale * (input_i if input_i > 0 else alpha * (e ** (input_scale * input_i) - 1)).

    Args:
        input (Tensor): the input tensor, floating point.
        alpha (float, optional): the saturation value for negative inputs; default 1.
        scale (float, optional): multiplies the whole output; default 1.
        input_scale (float, optional): multiplies negative inputs inside the exponential; default 1.

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.elu(ft.tensor([-1.0, 0.0, 2.0]), alpha=0.5)
        tensor([-0.3161,  0.0000,  2.0000])
    """)

add_docstr(_unary.celu, """
    Continuously differentiable ELU, elementwise: out_i = max(0, input_i) + min(0, alpha * (e ** (input_i / alpha) - 1)).

    Args:
        input (Tensor): the input tensor, floating point.
        alpha (float, optional): the saturation value for negative inputs; default 1; 0 raises RuntimeError.

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.celu(ft.tensor([-1.0, 0.0, 2.0]), alpha=2.0)
        tensor([-0.7869,  0.0000,  2.0000])
    """)

add_docstr(_unary.leaky_relu, """
    Leaky ReLU, elementwise: out_i = input_i if input_i >= 0 else negative_slope * input_i.

    Args:
        input (Tensor): the input tensor, floating point.
        negative_slope (float, optional): slope for negative inputs; default 0.01.

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.leaky_relu(ft.tensor([-1.0, 0.0, 2.0]), 0.1)
        tensor([-0.1000,  0.0000,  2.0000])
    """)

add_docstr(_unary.hardtanh, """
    Hard tanh, elementwise: out_i = min(max(input_i, min_val), max_val).

    Args:
        input (Tensor): the input tensor, floating point.
        min_val (float, optional): lower bound; default -1.
        max_val (float, optional): upper bound; default 1; less than `min_val` raises ValueError.

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.hardtanh(ft.tensor([-2.0, 0.5, 3.0]), 0.0, 1.0)
        tensor([0.0000, 0.5000, 1.0000])
    """)

add_docstr(_unary.threshold, """
    Thresholding, elementwise: out_i = input_i if input_i > threshold else value.

    Args:
        input (Tensor): the input tensor.
        threshold (Number): values less than or equal to it are replaced.
        value (Number): the replacement.

    Returns:
        Tensor: the same shape and dtype as `input` (integer inputs stay integer).

    Example:
        >>> ft.threshold(ft.tensor([-1.0, 0.5, 2.0]), 0.5, 0.0)
        tensor([0., 0., 2.])
    """)
