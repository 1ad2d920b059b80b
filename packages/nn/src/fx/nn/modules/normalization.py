"""Normalization layers: BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, LayerNorm, GroupNorm, RMSNorm,
LocalResponseNorm."""

from __future__ import annotations

import warnings

import fx.tensor as ft
from fx.autograd import no_grad

from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
           "LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm"]


def _affine_parameters(module, affine, bias, shape, device, dtype):
    """weight (and bias unless bias=False) Parameters of `shape` when affine, else None entries."""
    module.register_parameter("weight", Parameter(ft.empty(shape, device=device, dtype=dtype)) if affine else None)
    module.register_parameter("bias", Parameter(ft.empty(shape, device=device, dtype=dtype))
                              if affine and bias else None)


def _reset_affine(module):
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _NormBase(Module):
    """Per-channel affine parameters (weight 1, bias 0) and running statistics buffers
    (running_mean 0, running_var 1, num_batches_tracked 0), as in PyTorch's state_dict."""

    _version = 2
    __constants__ = ["track_running_stats", "momentum", "eps", "num_features", "affine"]

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_parameters(self, affine, bias, num_features, device, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", ft.zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ft.ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", ft.tensor(0, dtype=ft.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Set running_mean to 0, running_var to 1 and num_batches_tracked to 0."""
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self):
        """Reset the running statistics, weight to 1 and bias to 0."""
        self.reset_running_stats()
        _reset_affine(self)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        key = prefix + "num_batches_tracked"
        # checkpoints from before num_batches_tracked existed (or converted without it) load with 0
        if (version is None or version < 2) and self.track_running_stats and key not in state_dict:
            state_dict[key] = ft.tensor(0, dtype=ft.int64)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class _BatchNorm(_NormBase):
    _dims = ()

    def _check_input_dim(self, input):
        if input.ndim not in self._dims:
            want = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(f"expected {want} input (got {input.ndim}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked.item())
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if keep else None, self.running_var if keep else None,
                            self.weight, self.bias, use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalization y = (x - mean) / sqrt(var + eps) * weight + bias per channel of (N, C) or (N, C, L).

    Training normalizes with the batch's mean and (biased) variance and blends them into
    running_mean / running_var (unbiased variance): running = (1 - momentum) running + momentum
    stat. Eval mode normalizes with the running statistics.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for numerical stability (default 1e-5).
        momentum: the weight of the new batch statistic in the running averages (default 0.1);
            None uses a cumulative average.
        affine: whether to learn a per-channel weight and bias (default True).
        track_running_stats: keep running averages for eval mode (default True); without them
            the batch statistics are used in eval mode too.
        device, dtype: where and of what dtype the parameters and buffers are created.
        bias: False leaves out the learned bias (keyword only).
    Shape: input (N, C) or (N, C, L) -> output of the same shape.

    Attributes:
        weight: (C,), ones; bias: (C,), zeros (when affine).
        running_mean: (C,), zeros; running_var: (C,), ones; num_batches_tracked: int64 0 (buffers,
            when track_running_stats).

    Example:
        >>> m = nn.BatchNorm1d(2)
        >>> m(ft.tensor([[1.0, 2.0], [3.0, 6.0]])).detach()
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
        >>> m.running_mean, m.running_var
        (tensor([0.2000, 0.4000]), tensor([1.1000, 1.7000]))
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization per channel of (N, C, H, W), over N, H and W (see BatchNorm1d for the statistics).

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for numerical stability (default 1e-5).
        momentum: the weight of the new batch statistic in the running averages (default 0.1);
            None uses a cumulative average.
        affine: whether to learn a per-channel weight and bias (default True).
        track_running_stats: keep running averages for eval mode (default True); without them
            the batch statistics are used in eval mode too.
        device, dtype: where and of what dtype the parameters and buffers are created.
        bias: False leaves out the learned bias (keyword only).
    Shape: input (N, C, H, W) -> output of the same shape.

    Attributes:
        weight: (C,), ones; bias: (C,), zeros (when affine).
        running_mean: (C,), zeros; running_var: (C,), ones; num_batches_tracked: int64 0 (buffers,
            when track_running_stats).

    Example:
        >>> nn.BatchNorm2d(100)(ft.randn(20, 100, 35, 45)).shape
        fx.tensor.Size([20, 100, 35, 45])
    """

    _dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization per channel of (N, C, D, H, W), over N, D, H and W (see BatchNorm1d for the statistics).

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for numerical stability (default 1e-5).
        momentum: the weight of the new batch statistic in the running averages (default 0.1);
            None uses a cumulative average.
        affine: whether to learn a per-channel weight and bias (default True).
        track_running_stats: keep running averages for eval mode (default True); without them
            the batch statistics are used in eval mode too.
        device, dtype: where and of what dtype the parameters and buffers are created.
        bias: False leaves out the learned bias (keyword only).
    Shape: input (N, C, D, H, W) -> output of the same shape.

    Attributes:
        weight: (C,), ones; bias: (C,), zeros (when affine).
        running_mean: (C,), zeros; running_var: (C,), ones; num_batches_tracked: int64 0 (buffers,
            when track_running_stats).

    Example:
        >>> nn.BatchNorm3d(4)(ft.randn(2, 4, 3, 5, 5)).shape
        fx.tensor.Size([2, 4, 3, 5, 5])
    """

    _dims = (5,)


class _InstanceNorm(_NormBase):
    _spatial = 1

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None,
                 dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input):
        unbatched = self._spatial + 1
        if input.ndim not in (unbatched, unbatched + 1):
            raise ValueError(f"expected {unbatched}D or {unbatched + 1}D input (got {input.ndim}D input)")
        dim = input.ndim - unbatched
        if input.shape[dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={dim} to match num_features ({self.num_features}), "
                                 f"but got: {input.shape[dim]}.")
            warnings.warn(f"input's size at dim={dim} does not match num_features. You can silence this warning by "
                          "not passing in num_features, which is not used because affine=False", stacklevel=2)
        x = input.unsqueeze(0) if input.ndim == unbatched else input
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              self.momentum if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if input.ndim == unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization: (x - mean) / sqrt(var + eps) of each channel of each sample of (N, C, L) or (C, L), over L.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for numerical stability (default 1e-5).
        momentum: the weight of the new statistic in the running averages (default 0.1).
        affine: whether to learn a per-channel weight (ones) and bias (zeros) (default False).
        track_running_stats: keep running averages of mean and variance for eval mode (default False).
        device, dtype: where and of what dtype the parameters and buffers are created.
        bias: False leaves out the learned bias (keyword only).
    Shape: input (N, C, L) or (C, L) -> output of the same shape.

    Example:
        >>> nn.InstanceNorm1d(2)(ft.tensor([[[1.0, 3.0], [2.0, 6.0]]]))
        tensor([[[-1.0000,  1.0000],
                 [-1.0000,  1.0000]]])
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of each channel of each sample of (N, C, H, W) or (C, H, W), over H and W.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for numerical stability (default 1e-5).
        momentum: the weight of the new statistic in the running averages (default 0.1).
        affine: whether to learn a per-channel weight (ones) and bias (zeros) (default False).
        track_running_stats: keep running averages of mean and variance for eval mode (default False).
        device, dtype: where and of what dtype the parameters and buffers are created.
        bias: False leaves out the learned bias (keyword only).
    Shape: input (N, C, H, W) or (C, H, W) -> output of the same shape.

    Example:
        >>> nn.InstanceNorm2d(100, affine=True)(ft.randn(20, 100, 35, 45)).shape
        fx.tensor.Size([20, 100, 35, 45])
    """

    _spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of each channel of each sample of (N, C, D, H, W) or (C, D, H, W), over D, H and W.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for numerical stability (default 1e-5).
        momentum: the weight of the new statistic in the running averages (default 0.1).
        affine: whether to learn a per-channel weight (ones) and bias (zeros) (default False).
        track_running_stats: keep running averages of mean and variance for eval mode (default False).
        device, dtype: where and of what dtype the parameters and buffers are created.
        bias: False leaves out the learned bias (keyword only).
    Shape: input (N, C, D, H, W) or (C, D, H, W) -> output of the same shape.

    Example:
        >>> nn.InstanceNorm3d(4)(ft.randn(2, 4, 3, 5, 5)).shape
        fx.tensor.Size([2, 4, 3, 5, 5])
    """

    _spatial = 3


def _shape(normalized_shape):
    return (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)


class LayerNorm(Module):
    """Layer normalization (x - mean) / sqrt(var + eps) * weight + bias, statistics over the trailing dims.

    Args:
        normalized_shape: the trailing shape to normalize over (an int or a tuple).
        eps: added to the (biased) variance for numerical stability (default 1e-5).
        elementwise_affine: whether to learn weight and bias of normalized_shape (default True).
        bias: whether to learn the bias too (default True).
        device, dtype: where and of what dtype the parameters are created.
    Shape: input (*, normalized_shape) -> output of the same shape.

    Attributes:
        weight: normalized_shape, ones; bias: normalized_shape, zeros.

    Example:
        >>> nn.LayerNorm(2)(ft.tensor([[1.0, 3.0]])).detach()
        tensor([[-1.0000,  1.0000]])
        >>> nn.LayerNorm([5, 10, 10])(ft.randn(20, 5, 10, 10)).shape
        fx.tensor.Size([20, 5, 10, 10])
    """

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, elementwise_affine, bias, self.normalized_shape, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        """Set weight to 1 and bias to 0."""
        _reset_affine(self)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    """Group normalization: (x - mean) / sqrt(var + eps) over groups of channels, then weight * x + bias.

    Statistics are taken over each group of C / num_groups channels (and all spatial positions) of
    each sample; weight and bias are per channel.

    Args:
        num_groups: the number of groups; it divides num_channels.
        num_channels: C.
        eps: added to the variance for numerical stability (default 1e-5).
        affine: whether to learn a per-channel weight and bias (default True).
        device, dtype: where and of what dtype the parameters are created.
        bias: False leaves out the learned bias (keyword only).
    Shape: input (N, C, *) -> output of the same shape.

    Attributes:
        weight: (C,), ones; bias: (C,), zeros.

    Example:
        >>> nn.GroupNorm(2, 4)(ft.randn(20, 4, 10, 10)).shape
        fx.tensor.Size([20, 4, 10, 10])
    """

    __constants__ = ["num_groups", "num_channels", "eps", "affine"]

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, affine, bias, num_channels, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        """Set weight to 1 and bias to 0."""
        _reset_affine(self)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, bias={self.bias is not None}"


class RMSNorm(Module):
    """Root-mean-square normalization x / sqrt(mean(x^2) + eps) * weight, the mean over the trailing dims.

    Args:
        normalized_shape: the trailing shape to normalize over (an int or a tuple).
        eps: added to the mean square (default None: the input dtype's machine epsilon).
        elementwise_affine: whether to learn a weight of normalized_shape (default True).
        device, dtype: where and of what dtype the weight is created.
    Shape: input (*, normalized_shape) -> output of the same shape.

    Attributes:
        weight: normalized_shape, ones.

    Example:
        >>> nn.RMSNorm(2)(ft.tensor([[3.0, 4.0]])).detach()
        tensor([[0.8485, 1.1314]])
    """

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.register_parameter("weight", Parameter(ft.empty(self.normalized_shape, device=device, dtype=dtype))
                                if elementwise_affine else None)
        self.reset_parameters()

    def reset_parameters(self):
        """Set weight to 1."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class LocalResponseNorm(Module):
    """Local response normalization x / (k + alpha / size * sum of x^2 over `size` neighbouring channels)^beta.

    Args:
        size: the number of neighbouring channels summed over.
        alpha: the multiplicative factor (default 1e-4).
        beta: the exponent (default 0.75).
        k: the additive factor (default 1.0).
    Shape: input (N, C, *) -> output of the same shape.

    Example:
        >>> nn.LocalResponseNorm(2)(ft.randn(32, 5, 24, 24)).shape
        fx.tensor.Size([32, 5, 24, 24])
    """

    __constants__ = ["size", "alpha", "beta", "k"]

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
