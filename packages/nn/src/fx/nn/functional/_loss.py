"""Loss functions (torch.nn.functional). cross_entropy (class indices) and nll_loss run fused
fx.tensor kernels, ctc_loss a primitive with the alpha/beta recursions; the others are fx ops.

`reduction` is "none" | "mean" | "sum"; the legacy `size_average` / `reduce` flags map onto it
as in PyTorch.
"""

from __future__ import annotations

import warnings

import fx.tensor as ft
from fx.tensor._autocast import autocast_op
from fx.tensor._ops import loss as _loss

_fp32 = autocast_op("fp32")  # torch's CPU autocast runs these losses in float32

__all__ = [
    "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "kl_div", "cosine_embedding_loss", "margin_ranking_loss",
    "triplet_margin_loss", "hinge_embedding_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
    "poisson_nll_loss", "gaussian_nll_loss", "ctc_loss",
]


def legacy_reduction(size_average, reduce, reduction):
    """The reduction the deprecated size_average / reduce flags ask for (PyTorch's rule)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _weighted(loss, weight, reduction, input):
    """Elementwise-weighted loss; its "mean" divides by the total weight (PyTorch's mse/l1 rule)."""
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def _tensor(x, op, name):
    if not isinstance(x, ft.Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")
    return x


def _same_size(input, target, op):
    _tensor(input, op, "input")
    _tensor(target, op, "target")
    if input.shape != target.shape:
        warnings.warn(f"{op}: Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)
        try:
            ft.broadcast_shapes(input.shape, target.shape)
        except (RuntimeError, ValueError):
            raise RuntimeError(f"{op}: The size of tensor a ({list(input.shape)}) must match the size of tensor b "
                               f"({list(target.shape)})") from None


def _class_last(input, target, op):
    """(x (n, c), target (n,), shape of the unreduced loss) for input (N, C, d...) or (C,)."""
    if input.ndim == 0:
        raise RuntimeError(f"{op}: input tensor should be 1D or more, got 0D")
    if input.ndim == 1:
        if target.ndim != 0:
            raise RuntimeError(f"{op}: 0D or 1D target tensor expected, multi-target not supported "
                               f"(input {list(input.shape)}, target {list(target.shape)})")
        return input.unsqueeze(0), target.reshape(1), ()
    if input.ndim == 2:
        if target.ndim != 1:
            raise RuntimeError(f"{op}: 0D or 1D target tensor expected, multi-target not supported (got target of "
                               f"shape {list(target.shape)})")
        return input, target, tuple(target.shape)
    want = (input.shape[0],) + tuple(input.shape[2:])
    if tuple(target.shape) != want:
        raise RuntimeError(f"{op}: Expected target size {list(want)}, got {list(target.shape)}")
    c = input.shape[1]
    return input.movedim(1, -1).reshape(-1, c), target.reshape(-1), want


@_fp32
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of log-probabilities `input` (N, C, *) at class indices `target` (N, *)."""
    op = "nll_loss"
    reduction = legacy_reduction(size_average, reduce, reduction)
    _tensor(input, op, "input")
    _tensor(target, op, "target")
    x, t, shape = _class_last(input, target, op)
    out = _loss.nll_loss_2d(x, t, weight, ignore_index, reduction, op)
    return out.reshape(shape) if reduction == "none" else out


@_fp32
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """Cross entropy of logits `input` (N, C, *) or (C,) against class indices (N, *) or class
    probabilities (same shape as input); weight (C,) rescales classes, label_smoothing mixes the
    target with the uniform distribution.

    Example:
        >>> F.cross_entropy(ft.zeros(2, 4), ft.tensor([0, 3])).item()  # log(4)
        1.3862943649291992
    """
    op = "cross_entropy"
    reduction = legacy_reduction(size_average, reduce, reduction)
    _tensor(input, op, "input")
    _tensor(target, op, "target")
    if target.dtype.is_floating_point and target.shape == input.shape:
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing, op)
    x, t, shape = _class_last(input, target, op)
    out = _loss.cross_entropy_indices(x, t, weight, ignore_index, label_smoothing, reduction, op)
    return out.reshape(shape) if reduction == "none" else out


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing, op):
    if ignore_index != -100:
        raise RuntimeError(f"{op}: ignore_index is not supported for floating point target")
    _loss.check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"{op}: label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    dim = 0 if input.ndim == 1 else 1
    c = input.shape[dim]
    logp = ft.log_softmax(input, dim)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / c
    prod = logp * target
    if weight is not None:
        if tuple(weight.shape) != (c,):
            raise RuntimeError(f"{op}: weight tensor should be defined either for all {c} classes or no classes but "
                               f"got weight tensor of shape: {list(weight.shape)}")
        prod = prod * weight.reshape((c,) + (1,) * (input.ndim - dim - 1))
    return _reduce(-prod.sum(dim), reduction)


@_fp32
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """mean((input - target)^2) (optionally weighted elementwise)."""
    _same_size(input, target, "mse_loss")
    d = input - target
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _reduce(d * d, reduction) if weight is None else _weighted(d * d, weight, reduction, input)


@_fp32
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """mean(|input - target|)."""
    _same_size(input, target, "l1_loss")
    loss = (input - target).abs()
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _reduce(loss, reduction) if weight is None else _weighted(loss, weight, reduction, input)


@_fp32
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta 0: L1)."""
    _same_size(input, target, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = (input - target).abs()
    loss = d if beta == 0 else ft.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction))


@_fp32
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    _same_size(input, target, "huber_loss")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    d = (input - target).abs()
    loss = ft.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    if weight is not None:
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        loss = loss * weight
    return _reduce(loss, reduction)


@_fp32
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-w (t log(x) + (1 - t) log(1 - x)) for probabilities x; the logs are clamped at -100."""
    op = "binary_cross_entropy"
    _tensor(input, op, "input")
    _tensor(target, op, "target")
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if input.numel() and bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError(f"{op}: all elements of input should be between 0 and 1")
    loss = -(target * input.log().clamp_min(-100) + (1 - target) * (1 - input).log().clamp_min(-100))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction))


@_fp32
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """Sigmoid + binary cross entropy in one stable expression: (1 - t) x + (1 + (pw - 1) t) softplus(-x)."""
    op = "binary_cross_entropy_with_logits"
    _tensor(input, op, "input")
    _tensor(target, op, "target")
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    sp = ft.softplus(-input)
    if pos_weight is not None:
        loss = (1 - target) * input + ((pos_weight - 1) * target + 1) * sp
    else:
        loss = (1 - target) * input + sp
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction))


@_fp32
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || exp(input)) pointwise: target (log target - input); reduction may be "batchmean"."""
    op = "kl_div"
    _tensor(input, op, "input")
    _tensor(target, op, "target")
    reduction = legacy_reduction(size_average, reduce, reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = ft.xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition.",
                      stacklevel=2)
    return _reduce(loss, reduction)


@_fp32
def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1."""
    op = "cosine_embedding_loss"
    for name, t in (("input1", input1), ("input2", input2), ("target", target)):
        _tensor(t, op, name)
    if input1.ndim not in (1, 2) or input1.shape != input2.shape or target.ndim != input1.ndim - 1:
        raise RuntimeError(f"{op}: expected input1 and input2 of one shape, (N, D) or (D,), and target (N,) or (), "
                           f"got {list(input1.shape)}, {list(input2.shape)} and {list(target.shape)}")
    eps = 1e-12
    d = input1.ndim - 1
    prod = (input1 * input2).sum(d)
    denom = (((input1 * input1).sum(d) + eps) * ((input2 * input2).sum(d) + eps)).sqrt()
    cos = prod / denom
    zero = ft.zeros_like(cos)
    loss = ft.where(target == 1, 1 - cos, zero) + ft.where(target == -1, (cos - margin).clamp_min(0), zero)
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction))


@_fp32
def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target (x1 - x2) + margin)."""
    op = "margin_ranking_loss"
    for name, t in (("input1", input1), ("input2", input2), ("target", target)):
        _tensor(t, op, name)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"{op} : All input tensors should have same dimension but got sizes: input1: "
                           f"{input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    loss = (-target * (input1 - input2) + margin).clamp_min(0)
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction))


def _pairwise_distance(x1, x2, p, eps):
    return (x1 - x2 + eps).norm(p, dim=-1)


@_fp32
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, d(a, p) - d(a, n) + margin) with the p-norm distance; swap uses min(d(a, n), d(p, n))."""
    op = "triplet_margin_loss"
    for name, t in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        _tensor(t, op, name)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"{op}: The anchor, positive, and negative tensors are expected to have the same number "
                           f"of dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative "
                           f"{negative.ndim}D inputs")
    if margin <= 0:
        raise ValueError(f"{op}: expected margin to be greater than 0, got {margin} instead")
    d_pos = _pairwise_distance(anchor, positive, p, eps)
    d_neg = _pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = ft.minimum(d_neg, _pairwise_distance(positive, negative, p, eps))
    loss = (margin + d_pos - d_neg).clamp_min(0)
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction))


@_fp32
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """x for target 1, max(0, margin - x) for target -1."""
    zero = ft.zeros_like(input)
    loss = ft.where(target == 1, input, zero) + ft.where(target == -1, (margin - input).clamp_min(0), zero)
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction))


@_fp32
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input))."""
    _same_size(input, target, "soft_margin_loss")
    return _reduce(ft.softplus(-target * input), legacy_reduction(size_average, reduce, reduction))


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Mean over classes of the binary cross entropy with logits of each label."""
    loss = target * ft.softplus(-input) + (1 - target) * ft.softplus(input)  # -log sigmoid(+-x)
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(dim=input.ndim - 1) / input.shape[-1]
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction))


@_fp32
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """exp(x) - t x (log_input) or x - t log(x + eps); full adds Stirling's term for t > 1."""
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * 3.141592653589793 * target).log()
        loss = loss + ft.where(target > 1, stirling, ft.zeros_like(stirling))
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction))


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi) when full)."""
    if not isinstance(var, ft.Tensor):
        var = ft.full_like(input, float(var))
    elif var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.shape[:-1] == var.shape[:-1] and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    var = var.clamp_min(eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.9189385332046727  # 0.5 log(2 pi)
    return _reduce(loss, reduction)


def _lengths(v, n, name, op):
    t = v if isinstance(v, ft.Tensor) else ft.tensor(list(v) if not isinstance(v, int) else [v], dtype=ft.int64)
    t = t.to(ft.int64).reshape(-1)
    if t.numel() != n:
        raise RuntimeError(f"{op}: {name} must be of size batch_size ({n}), got {t.numel()}")
    return t


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """Connectionist temporal classification loss of log_probs (T, N, C) (or (T, C)) against
    targets (N, S) padded or 1-d concatenated. "mean" divides each loss by its target length,
    then averages over the batch."""
    op = "ctc_loss"
    _tensor(log_probs, op, "log_probs")
    _tensor(targets, op, "targets")
    _loss.check_reduction(reduction)
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0) if targets.ndim == 1 else targets
    if log_probs.ndim != 3:
        raise RuntimeError(f"{op}: log_probs must be 3-D (T, N, C) or 2-D (T, C), got {list(log_probs.shape)}")
    t_max, n, c = log_probs.shape
    il = _lengths(input_lengths, n, "input_lengths", op)
    tl = _lengths(target_lengths, n, "target_lengths", op)
    if not 0 <= blank < c:
        raise RuntimeError(f"{op}: blank must be in label range, got blank={blank} for {c} classes")
    if n and int(il.max()) > t_max:
        raise RuntimeError(f"{op}: Expected input_lengths to have value at most {t_max}, but got value "
                           f"{int(il.max())}")
    if n and (int(il.min()) < 0 or int(tl.min()) < 0):
        raise RuntimeError(f"{op}: input_lengths and target_lengths must be non-negative")
    concat = targets.ndim == 1
    targets = targets.to(ft.int64)
    if concat:
        if targets.numel() < int(tl.sum()):
            raise RuntimeError(f"{op}: Expected tensor to have size at least {int(tl.sum())} at dimension 1, but got "
                               f"size {targets.numel()} for argument #2 'targets'")
    elif n and int(tl.max()) > targets.shape[1]:
        raise RuntimeError(f"{op}: Expected tensor to have size at least {int(tl.max())} at dimension 1, but got "
                           f"size {targets.shape[1]} for argument #2 'targets'")
    if targets.numel() and (int(targets.min()) < 0 or int(targets.max()) >= c):
        raise RuntimeError(f"{op}: targets must be in [0, {c}) (the class count)")
    nll, _ = _loss.P_ctc_loss(log_probs, targets, il, tl, blank=int(blank), zero_infinity=bool(zero_infinity),
                              concat=concat)
    if reduction == "mean":
        return (nll / tl.clamp_min(1).to(nll.dtype)).mean()
    if reduction == "sum":
        return nll.sum()
    return nll.squeeze(0) if unbatched else nll
