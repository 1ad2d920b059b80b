"""Normalization functions (torch.nn.functional): layer, RMS, group, batch, instance and local
response normalization. Layer/RMS/group norm and training-mode batch norm run fused fx.tensor
kernels; eval-mode batch norm is an affine map of the input.
"""

from __future__ import annotations

import fx.tensor as ft
from fx.autograd import no_grad
from fx.tensor._ops import norm as _norm

from ._pooling import avg_pool2d

__all__ = ["layer_norm", "rms_norm", "group_norm", "batch_norm", "instance_norm", "local_response_norm"]


def _shape(normalized_shape):
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(int(s) for s in normalized_shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization (x - mean) / sqrt(var + eps) * weight + bias, statistics over the trailing dims.

    Args:
        input: (*, normalized_shape).
        normalized_shape: the trailing shape to normalize over (an int or a tuple).
        weight: elementwise scale of normalized_shape (default None: 1).
        bias: elementwise shift of normalized_shape (default None: 0).
        eps: added to the (biased) variance (default 1e-5).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.layer_norm(ft.tensor([[1.0, 3.0]]), (2,))
        tensor([[-1.0000,  1.0000]])
    """
    return _norm.layer_norm(input, _shape(normalized_shape), weight, bias, eps)[0]


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Root-mean-square normalization x / sqrt(mean(x^2) + eps) * weight, the mean over the trailing dims.

    Args:
        input: (*, normalized_shape).
        normalized_shape: the trailing shape to normalize over (an int or a tuple).
        weight: elementwise scale of normalized_shape (default None: 1).
        eps: added to the mean square (default None: the input dtype's machine epsilon).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.rms_norm(ft.tensor([[3.0, 4.0]]), (2,))
        tensor([[0.8485, 1.1314]])
    """
    return _norm.rms_norm(input, _shape(normalized_shape), weight, eps)[0]


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization: (x - mean) / sqrt(var + eps) over groups of channels, then weight * x + bias.

    Statistics are taken over each group of C / num_groups channels (and all spatial positions) of
    each sample; weight and bias are per channel.

    Args:
        input: (N, C, *).
        num_groups: the number of groups; it divides C.
        weight: (C,) per-channel scale (default None: 1).
        bias: (C,) per-channel shift (default None: 0).
        eps: added to the variance (default 1e-5).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.group_norm(ft.tensor([[1.0, 3.0, 2.0, 6.0]]).reshape(1, 4, 1), 2).flatten()
        tensor([-1.0000,  1.0000, -1.0000,  1.0000])
    """
    return _norm.group_norm(input, int(num_groups), weight, bias, eps)[0]


def _check_stats(x, running_mean, running_var, op):
    c = x.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{op}: {name} should contain {c} elements not {t.numel()}")


def _update(running, stat, momentum):
    """running = (1 - momentum) * running + momentum * stat, in place, outside autograd."""
    with no_grad():
        running.copy_(running * (1.0 - momentum) + stat.to(running.dtype) * momentum)


def _channel_view(t, x):
    return t.reshape((1, x.shape[1]) + (1,) * (x.ndim - 2))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Batch normalization (x - mean) / sqrt(var + eps) * weight + bias per channel of (N, C, *).

    Args:
        input: (N, C, *).
        running_mean, running_var: (C,) running statistics (may be None when training); updated
            in place when training: running = (1 - momentum) running + momentum stat (unbiased variance).
        weight: (C,) per-channel scale (default None: 1).
        bias: (C,) per-channel shift (default None: 0).
        training: normalize with the batch's mean and biased variance (default False: with the running ones).
        momentum: the weight of the batch statistic in the running averages (default 0.1).
        eps: added to the variance (default 1e-5).

    Returns:
        A tensor of input's shape.

    Example:
        >>> mean, var = ft.zeros(2), ft.ones(2)
        >>> F.batch_norm(ft.tensor([[1.0, 2.0], [3.0, 6.0]]), mean, var, training=True)
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
        >>> mean, var
        (tensor([0.2000, 0.4000]), tensor([1.1000, 1.7000]))
    """
    op = "batch_norm"
    if not isinstance(input, ft.Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.ndim < 2:
        raise ValueError(f"{op}: expected at least 2D input (got {input.ndim}D input)")
    _check_stats(input, running_mean, running_var, op)
    if training:
        count = input.numel() // input.shape[1] if input.shape[1] else 0
        if count == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
        y, mean, var = _norm.batch_norm_train(input, weight, bias, eps, op)
        if count == 0:  # an empty batch leaves the running statistics alone
            return y
        if running_mean is not None:
            _update(running_mean, mean.detach(), momentum)
        if running_var is not None:
            _update(running_var, var.detach() * (count / (count - 1)), momentum)
        return y
    if running_mean is None or running_var is None:
        raise RuntimeError(f"{op}: running_mean and running_var must be defined in evaluation mode")
    scale = (running_var.to(input.dtype) + eps).rsqrt()
    if weight is not None:
        scale = scale * weight
    shift = -running_mean.to(input.dtype) * scale
    if bias is not None:
        shift = shift + bias
    return input * _channel_view(scale, input) + _channel_view(shift, input)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Instance normalization: (x - mean) / sqrt(var + eps) per channel and sample, then weight * x + bias.

    The statistics of (N, C, *) are taken over the spatial dims; weight and bias are per channel.

    Args:
        input: (N, C, *) with at least one spatial dim.
        running_mean, running_var: (C,) running statistics, updated in place when given (default None).
        weight: (C,) per-channel scale (default None: 1).
        bias: (C,) per-channel shift (default None: 0).
        use_input_stats: normalize with each instance's statistics (default True); False uses the running ones.
        momentum: the weight of the new statistic in the running averages (default 0.1).
        eps: added to the variance (default 1e-5).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.instance_norm(ft.tensor([[[1.0, 3.0], [2.0, 6.0]]]))
        tensor([[[-1.0000,  1.0000],
                 [-1.0000,  1.0000]]])
    """
    op = "instance_norm"
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    if input.ndim < 3:
        raise ValueError(f"{op}: expected at least 3D input (N, C, *), got {input.ndim}D input")
    n, c = input.shape[:2]
    if input.numel() // (n * c) <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.shape}")
    _check_stats(input, running_mean, running_var, op)
    # torch's formulation: batch norm of a (1, N*C, *) view, the affine parameters repeated per sample
    x = input.reshape((1, n * c) + tuple(input.shape[2:]))
    w = None if weight is None else weight.expand(n, c).reshape(-1)
    b = None if bias is None else bias.expand(n, c).reshape(-1)
    y, mean, var = _norm.batch_norm_train(x, w, b, eps, op)
    count = input.numel() // (n * c)
    if running_mean is not None:
        _update(running_mean, mean.detach().reshape(n, c).mean(0), momentum)
    if running_var is not None:
        _update(running_var, (var.detach() * (count / (count - 1))).reshape(n, c).mean(0), momentum)
    return y.reshape(input.shape)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Local response normalization x / (k + alpha / size * sum of x^2 over `size` neighbouring channels)^beta.

    Args:
        input: (N, C, *) with at least one spatial dim.
        size: the number of neighbouring channels summed over.
        alpha: the multiplicative factor (default 1e-4).
        beta: the exponent (default 0.75).
        k: the additive factor (default 1.0).

    Returns:
        A tensor of input's shape.

    Example:
        >>> F.local_response_norm(ft.randn(32, 5, 24, 24), 2).shape
        fx.tensor.Size([32, 5, 24, 24])
    """
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    sq = (input * input).unsqueeze(1)  # (N, 1, C, *)
    shape = sq.shape
    sq = sq.reshape(shape[0], 1, shape[2], -1)
    div = ft.pad(sq, (0, 0, size // 2, (size - 1) // 2))
    div = avg_pool2d(div, (size, 1), stride=1).reshape(shape).squeeze(1)
    return input / (div * alpha + k).pow(beta)
