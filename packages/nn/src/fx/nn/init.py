"""fx.nn.init: in-place parameter initialisers (torch.nn.init); all run under no_grad."""

from __future__ import annotations

import math
import warnings

import fx.tensor as ft
from fx.autograd import no_grad
from fx.tensor._tensor import Tensor

__all__ = [
    "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_",
    "uniform", "normal", "constant", "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
    "orthogonal", "sparse",
]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity, param=None):
    """The recommended scale of initial weights for `nonlinearity`.

    1 for linear, conv and sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + negative_slope^2))
    for leaky_relu, 3/4 for selu.

    Args:
        nonlinearity: the name of the function ("linear", "conv1d", ..., "sigmoid", "tanh", "relu",
            "leaky_relu", "selu").
        param: the negative_slope of leaky_relu (default 0.01).

    Returns:
        The gain (a float).

    Example:
        >>> nn.init.calculate_gain("leaky_relu", 0.2)
        1.3867504905630728
    """
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _check(tensor, op):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(tensor).__name__}")


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill `tensor` in place with values drawn from the uniform distribution U(a, b).

    Args:
        tensor: the tensor to fill.
        a: the lower bound (default 0.0).
        b: the upper bound (default 1.0).
        generator: the random generator to draw from (default: fx's default generator).

    Returns:
        `tensor`.

    Example:
        >>> w = nn.init.uniform_(ft.empty(3, 5), -0.1, 0.1)
        >>> bool((w.abs() <= 0.1).all())
        True
    """
    _check(tensor, "uniform_")
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill `tensor` in place with values drawn from the normal distribution N(mean, std^2).

    Args:
        tensor: the tensor to fill.
        mean: the mean (default 0.0).
        std: the standard deviation (default 1.0).
        generator: the random generator to draw from (default: fx's default generator).

    Returns:
        `tensor`.

    Example:
        >>> nn.init.normal_(ft.empty(3, 5), std=0.02).shape
        fx.tensor.Size([3, 5])
    """
    _check(tensor, "normal_")
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill `tensor` in place from N(mean, std^2) truncated to [a, b] (drawn by the inverse-CDF method).

    Args:
        tensor: the tensor to fill.
        mean: the mean of the normal distribution (default 0.0).
        std: its standard deviation (default 1.0).
        a: the lower cutoff (default -2.0).
        b: the upper cutoff (default 2.0).
        generator: the random generator to draw from (default: fx's default generator).

    Returns:
        `tensor`.

    Example:
        >>> w = nn.init.trunc_normal_(ft.empty(1000), std=1.0, a=-2.0, b=2.0)
        >>> bool((w.abs() <= 2.0).all())
        True
    """
    _check(tensor, "trunc_normal_")

    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    with no_grad():
        lo, hi = norm_cdf((a - mean) / std), norm_cdf((b - mean) / std)
        tensor.uniform_(2 * lo - 1, 2 * hi - 1, generator=generator)
        tensor.erfinv_()
        tensor.mul_(std * math.sqrt(2.0))
        tensor.add_(mean)
        tensor.clamp_(min=a, max=b)
        return tensor


def constant_(tensor, val):
    """Fill `tensor` in place with `val`.

    Args:
        tensor: the tensor to fill.
        val: the value.

    Returns:
        `tensor`.

    Example:
        >>> nn.init.constant_(ft.empty(2, 3), 0.3)
        tensor([[0.3000, 0.3000, 0.3000],
                [0.3000, 0.3000, 0.3000]])
    """
    _check(tensor, "constant_")
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    """Fill `tensor` in place with ones; returns it.

    Args:
        tensor: the tensor to fill.

    Returns:
        `tensor`.

    Example:
        >>> nn.init.ones_(ft.empty(2))
        tensor([1., 1.])
    """
    return constant_(tensor, 1.0)


def zeros_(tensor):
    """Fill `tensor` in place with zeros; returns it.

    Args:
        tensor: the tensor to fill.

    Returns:
        `tensor`.

    Example:
        >>> nn.init.zeros_(ft.empty(2))
        tensor([0., 0.])
    """
    _check(tensor, "zeros_")
    with no_grad():
        return tensor.zero_()


def eye_(tensor):
    """Fill a 2-D `tensor` in place with the identity matrix (ones on the diagonal, for Linear layers).

    Args:
        tensor: a 2-D tensor.

    Returns:
        `tensor`.

    Example:
        >>> nn.init.eye_(ft.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        tensor.copy_(ft.eye(*tensor.shape, dtype=tensor.dtype))
    return tensor


def dirac_(tensor, groups=1):
    """Fill a 3-, 4- or 5-D conv weight in place with the Dirac delta (an identity convolution).

    The convolution keeps as many input channels as it can, per group.

    Args:
        tensor: a (C_out, C_in, *kernel) tensor.
        groups: the number of groups of the convolution; it divides C_out (default 1).

    Returns:
        `tensor`.

    Example:
        >>> nn.init.dirac_(ft.empty(2, 2, 3))
        tensor([[[0., 1., 0.],
                 [0., 0., 0.]],
        <BLANKLINE>
                [[0., 0., 0.],
                 [0., 1., 0.]]])
    """
    dims = tensor.ndim
    if dims not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.shape
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = sizes[0] // groups
    min_dim = min(out_per_group, sizes[1])
    with no_grad():
        tensor.zero_()
        centre = tuple(s // 2 for s in sizes[2:])
        for g in range(groups):
            for d in range(min_dim):
                tensor[(g * out_per_group + d, d) + centre] = 1
    return tensor


def _calculate_fan_in_and_fan_out(tensor):
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    num_input_fmaps = tensor.size(1)
    num_output_fmaps = tensor.size(0)
    receptive_field_size = 1
    for s in tensor.shape[2:]:
        receptive_field_size *= s
    return num_input_fmaps * receptive_field_size, num_output_fmaps * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot (Xavier) uniform: fill `tensor` in place from U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)).

    fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (receptive field: the
    product of the dims after the first two).

    Args:
        tensor: a tensor of at least 2 dims.
        gain: a scaling factor (default 1.0).
        generator: the random generator to draw from (default: fx's default generator).

    Returns:
        `tensor`.

    Example:
        >>> w = nn.init.xavier_uniform_(ft.empty(3, 5), gain=nn.init.calculate_gain("relu"))
        >>> bool((w.abs() <= 2 ** 0.5 * (6 / 8) ** 0.5).all())
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot (Xavier) normal: fill `tensor` in place from N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)).

    Args:
        tensor: a tensor of at least 2 dims (fans as in xavier_uniform_).
        gain: a scaling factor (default 1.0).
        generator: the random generator to draw from (default: fx's default generator).

    Returns:
        `tensor`.

    Example:
        >>> nn.init.xavier_normal_(ft.empty(3, 5)).shape
        fx.tensor.Size([3, 5])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He (Kaiming) uniform: fill `tensor` in place from U(-b, b), b = gain * sqrt(3 / fan_mode).

    gain = calculate_gain(nonlinearity, a).

    Args:
        tensor: a tensor of at least 2 dims (fans as in xavier_uniform_).
        a: the negative slope of the rectifier that follows (leaky_relu only; default 0).
        mode: "fan_in" (default) keeps the forward variance, "fan_out" the backward one.
        nonlinearity: the function that follows, "relu" or "leaky_relu" (default).
        generator: the random generator to draw from (default: fx's default generator).

    Returns:
        `tensor`.

    Example:
        >>> w = nn.init.kaiming_uniform_(ft.empty(3, 5), mode="fan_in", nonlinearity="relu")
        >>> bool((w.abs() <= 2 ** 0.5 * (3 / 5) ** 0.5).all())
        True
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He (Kaiming) normal: fill `tensor` in place from N(0, std^2), std = gain / sqrt(fan_mode).

    gain = calculate_gain(nonlinearity, a).

    Args:
        tensor: a tensor of at least 2 dims (fans as in xavier_uniform_).
        a: the negative slope of the rectifier that follows (leaky_relu only; default 0).
        mode: "fan_in" (default) keeps the forward variance, "fan_out" the backward one.
        nonlinearity: the function that follows, "relu" or "leaky_relu" (default).
        generator: the random generator to draw from (default: fx's default generator).

    Returns:
        `tensor`.

    Example:
        >>> nn.init.kaiming_normal_(ft.empty(3, 5), mode="fan_out", nonlinearity="relu").shape
        fx.tensor.Size([3, 5])
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill `tensor` in place with a (semi-)orthogonal matrix times `gain`.

    The matrix comes from the QR decomposition of a normal draw; dims after the first are flattened.

    Args:
        tensor: a tensor of at least 2 dims.
        gain: a scaling factor (default 1).
        generator: the random generator to draw from (default: fx's default generator).

    Returns:
        `tensor`.

    Example:
        >>> w = nn.init.orthogonal_(ft.empty(3, 5))
        >>> ft.allclose(w @ w.T, ft.eye(3), atol=1e-5)
        True
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    flat = ft.empty(rows, cols, dtype=tensor.dtype).normal_(0, 1, generator=generator)
    if rows < cols:
        flat = flat.t()
    with no_grad():
        q, r = ft.linalg.qr(flat)
        q = q * ft.sign(ft.diagonal(r, 0))
        if rows < cols:
            q = q.t()
        tensor.view_as(q).copy_(q) if tensor.ndim == 2 else tensor.copy_(q.reshape(tensor.shape))
        tensor.mul_(gain)
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-D `tensor` in place from N(0, std^2), then zero ceil(sparsity * rows) random entries of each column.

    Args:
        tensor: a 2-D tensor.
        sparsity: the fraction of each column to zero.
        std: the standard deviation of the normal distribution (default 0.01).
        generator: the random generator to draw from (default: fx's default generator).

    Returns:
        `tensor`.

    Example:
        >>> (nn.init.sparse_(ft.empty(10, 3), sparsity=0.2) == 0).sum(0)
        tensor([2, 2, 2])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        for col in range(cols):
            idx = ft.randperm(rows, generator=generator)[:num_zeros]
            tensor[idx, col] = 0
    return tensor


_DEPRECATED_DOC = """Deprecated alias of `{new}`: warns with a FutureWarning, then calls `{new}`.

    Args:
        *args, **kwargs: the arguments of `{new}` (the tensor to fill first), passed on unchanged.

    Returns:
        The filled tensor, as `{new}` returns it.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     w = nn.init.{old}(ft.empty(3, 4){args})
        >>> caught[0].category.__name__, w.shape
        ('FutureWarning', fx.tensor.Size([3, 4]))
    """


def _deprecated(new, example_args=""):
    def old(*args, **kwargs):
        warnings.warn(f"`nn.init.{new.__name__[:-1]}` is now deprecated in favor of `nn.init.{new.__name__}`.",
                      FutureWarning, stacklevel=2)
        return new(*args, **kwargs)

    old.__name__ = new.__name__[:-1]
    old.__doc__ = _DEPRECATED_DOC.format(new=new.__name__, old=old.__name__, args=example_args)
    return old


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_, ", 0.5")
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_, ", sparsity=0.5")
