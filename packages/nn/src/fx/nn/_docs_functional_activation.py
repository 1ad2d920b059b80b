"""Reference texts of the activation functions (functional/_activation.py would pass its size limit
with them); each replaces the one-line summary written next to the function's code."""

from .functional import _activation as A

A.relu.__doc__ = """max(0, x), elementwise.

    Args:
        input: the input tensor.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.relu(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

A.threshold.__doc__ = """x where x > threshold, else `value`, elementwise.

    Args:
        input: the input tensor.
        threshold: the value to threshold at.
        value: the value that replaces x <= threshold.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.threshold(ft.tensor([-2.0, 0.0, 2.0]), 0.5, -1.0)
        tensor([-1., -1.,  2.])
    """

A.hardtanh.__doc__ = """x clamped to [min_val, max_val] (the gradient is 0 outside), elementwise.

    Args:
        input: the input tensor.
        min_val: the lower end (default -1.0).
        max_val: the upper end (default 1.0).
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.hardtanh(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-1.,  0.,  1.])
    """

A.relu6.__doc__ = """min(max(0, x), 6), elementwise.

    Args:
        input: the input tensor.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.relu6(ft.tensor([-2.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """

A.leaky_relu.__doc__ = """x where x >= 0, else negative_slope * x, elementwise.

    Args:
        input: the input tensor.
        negative_slope: the slope for negative inputs (default 0.01).
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.leaky_relu(ft.tensor([-2.0, 0.0, 2.0]), 0.1)
        tensor([-0.2000,  0.0000,  2.0000])
    """

A.prelu.__doc__ = """x where x >= 0, else weight * x, with one slope or one per channel (dim 1).

    Args:
        input: the input tensor; channels at dim 1 (dim 0 of a 1-d input).
        weight: the slopes, 1 element or one per channel.

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.prelu(ft.tensor([[-2.0, -2.0], [1.0, 1.0]]), ft.tensor([0.1, 0.5]))
        tensor([[-0.2000, -1.0000],
                [ 1.0000,  1.0000]])
    """

A.rrelu.__doc__ = """Randomized leaky ReLU: x where x >= 0, else a * x with a random slope a, elementwise.

    a ~ U(lower, upper) per element when training, and a = (lower + upper) / 2 otherwise.

    Args:
        input: the input tensor.
        lower: the lower bound of the slope (default 1/8).
        upper: the upper bound of the slope (default 1/3).
        training: draw random slopes (default False).
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.rrelu(ft.tensor([-2.0, 0.0, 2.0]), 0.1, 0.3)
        tensor([-0.4000,  0.0000,  2.0000])
    """

A.elu.__doc__ = """x where x > 0, else alpha * (exp(x) - 1), elementwise.

    Args:
        input: the input tensor.
        alpha: the saturation value for negative inputs is -alpha (default 1.0).
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.elu(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.8647,  0.0000,  2.0000])
    """

A.selu.__doc__ = """scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), elementwise (self-normalizing).

    alpha = 1.6732632423543772, scale = 1.0507009873554805.

    Args:
        input: the input tensor.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.selu(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-1.5202,  0.0000,  2.1014])
    """

A.celu.__doc__ = """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)), elementwise.

    Args:
        input: the input tensor.
        alpha: the alpha of the formula (default 1.0).
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.celu(ft.tensor([-2.0, 0.0, 2.0]), 2.0)
        tensor([-1.2642,  0.0000,  2.0000])
    """

A.gelu.__doc__ = """x * Phi(x), Phi the standard normal CDF, elementwise.

    Args:
        input: the input tensor.
        approximate: 'none' (default) for the exact erf form, 'tanh' for
            0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.gelu(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.0455,  0.0000,  1.9545])
        >>> F.gelu(ft.tensor([-2.0, 0.0, 2.0]), approximate="tanh")
        tensor([-0.0454,  0.0000,  1.9546])
    """

A.silu.__doc__ = """x * sigmoid(x) (swish), elementwise.

    Args:
        input: the input tensor.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.silu(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.2384,  0.0000,  1.7616])
    """

A.mish.__doc__ = """x * tanh(softplus(x)), elementwise.

    Args:
        input: the input tensor.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.mish(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.2525,  0.0000,  1.9440])
    """

A.sigmoid.__doc__ = """1 / (1 + exp(-x)), elementwise.

    Args:
        input: the input tensor.

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.sigmoid(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([0.1192, 0.5000, 0.8808])
    """

A.tanh.__doc__ = """tanh(x), elementwise.

    Args:
        input: the input tensor.

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.tanh(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.9640,  0.0000,  0.9640])
    """

A.hardsigmoid.__doc__ = """0 for x <= -3, 1 for x >= 3, x / 6 + 1/2 in between, elementwise.

    Args:
        input: the input tensor.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.hardsigmoid(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([0.1667, 0.5000, 0.8333])
    """

A.hardswish.__doc__ = """x * hardsigmoid(x): 0 for x <= -3, x for x >= 3, x (x + 3) / 6 in between.

    Args:
        input: the input tensor.
        inplace: write the result into `input` and return it (default False).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.hardswish(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.3333,  0.0000,  1.6667])
    """

A.softplus.__doc__ = """log(1 + exp(beta * x)) / beta, and x where beta * x > threshold, elementwise.

    Args:
        input: the input tensor.
        beta: the sharpness (default 1.0).
        threshold: above it the function is the identity, for numerical stability (default 20.0).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.softplus(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([0.1269, 0.6931, 2.1269])
    """

A.softsign.__doc__ = """x / (1 + |x|), elementwise.

    Args:
        input: the input tensor.

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.softsign(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.6667,  0.0000,  0.6667])
    """

A.logsigmoid.__doc__ = """log(sigmoid(x)) = -softplus(-x), elementwise and stable for large |x|.

    Args:
        input: the input tensor.

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.logsigmoid(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-2.1269, -0.6931, -0.1269])
    """

A.tanhshrink.__doc__ = """x - tanh(x), elementwise.

    Args:
        input: the input tensor.

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.tanhshrink(ft.tensor([-2.0, 0.0, 2.0]))
        tensor([-1.0360,  0.0000,  1.0360])
    """

A.softshrink.__doc__ = """x - lambd where x > lambd, x + lambd where x < -lambd, else 0.

    Args:
        input: the input tensor.
        lambd: the threshold, >= 0 (default 0.5).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.softshrink(ft.tensor([-2.0, 0.0, 2.0]), 1.0)
        tensor([-1.,  0.,  1.])
    """

A.hardshrink.__doc__ = """x where |x| > lambd, else 0.

    Args:
        input: the input tensor.
        lambd: the threshold (default 0.5).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.hardshrink(ft.tensor([-2.0, 0.5, 2.0]), 1.0)
        tensor([-2.,  0.,  2.])
    """

A.glu.__doc__ = """Gated linear unit a * sigmoid(b), with a and b the first and second halves of `input` along `dim`.

    Args:
        input: the input tensor; its size along dim must be even.
        dim: the dim to split (default -1).

    Returns:
        A tensor of input's shape with that dim halved.

    Example:
        >>> F.glu(ft.tensor([[1.0, 2.0, 0.0, 0.0]]))
        tensor([[0.5000, 1.0000]])
    """

_SOFTMAX_ARGS = """    Args:
        input: a floating-point tensor.
        dim: the dim along which it is computed (None: PyTorch's deprecated implicit choice, with a warning).
        dtype: cast the input to this dtype first (to compute in higher precision).

    Returns:
        A tensor of input's shape.
"""

A.softmax.__doc__ = """exp(x_i) / sum_j exp(x_j) along `dim`: every slice along dim sums to 1.

""" + _SOFTMAX_ARGS + """
    Example:
        >>> F.softmax(ft.tensor([[1.0, 1.0], [0.0, 2.0]]), dim=1)
        tensor([[0.5000, 0.5000],
                [0.1192, 0.8808]])
    """

A.softmin.__doc__ = """softmax(-x) along `dim`.

""" + _SOFTMAX_ARGS + """
    Example:
        >>> F.softmin(ft.tensor([-2.0, 0.0, 2.0]), dim=0)
        tensor([0.8668, 0.1173, 0.0159])
    """

A.log_softmax.__doc__ = """log(softmax(x)) along `dim`, computed stably (x - logsumexp(x)).

""" + _SOFTMAX_ARGS + """
    Example:
        >>> F.log_softmax(ft.tensor([-2.0, 0.0, 2.0]), dim=0)
        tensor([-4.1429, -2.1429, -0.1429])
    """

_INPLACE = """In-place version of `{name}`: writes the result into `input` and returns it.

    The same as {call}.

    Args:
        input: the tensor to overwrite.
{args_doc}
    Returns:
        `input`, now holding the result.

    Example:
        >>> x = ft.tensor([-2.0, 0.0, 2.0])
        >>> F.{name}_({args})
        {out}
        >>> x
        {out}
    """

_ALPHA = ("alpha: the saturation value for negative inputs is -alpha (default 1.0).",)
for _name, _call, _args, _out, _args_doc in (
    ("relu", "relu(input, inplace=True)", "x", "tensor([0., 0., 2.])", ()),
    ("threshold", "threshold(input, threshold, value, inplace=True)", "x, 0.5, -1.0", "tensor([-1., -1.,  2.])",
     ("threshold: the value to compare with (x > threshold is kept).", "value: what replaces the other elements.")),
    ("hardtanh", "hardtanh(input, min_val, max_val, inplace=True)", "x", "tensor([-1.,  0.,  1.])",
     ("min_val: the lower end of the clamp range (default -1.0).", "max_val: the upper end (default 1.0).")),
    ("leaky_relu", "leaky_relu(input, negative_slope, inplace=True)", "x, 0.1", "tensor([-0.2000,  0.0000,  2.0000])",
     ("negative_slope: the slope for negative inputs (default 0.01).",)),
    ("rrelu", "rrelu(input, lower, upper, training, inplace=True)", "x, 0.1, 0.3", "tensor([-0.4000,  0.0000,  2.0000])",
     ("lower: the lower bound of the slope (default 1/8).", "upper: the upper bound of the slope (default 1/3).",
      "training: draw random slopes (default False).")),
    ("elu", "elu(input, alpha, inplace=True)", "x", "tensor([-0.8647,  0.0000,  2.0000])", _ALPHA),
    ("selu", "selu(input, inplace=True)", "x", "tensor([-1.5202,  0.0000,  2.1014])", ()),
    ("celu", "celu(input, alpha, inplace=True)", "x, 2.0", "tensor([-1.2642,  0.0000,  2.0000])", _ALPHA),
):
    getattr(A, _name + "_").__doc__ = _INPLACE.format(
        name=_name, call=_call, args=_args, out=_out, args_doc="".join(f"        {line}\n" for line in _args_doc))
