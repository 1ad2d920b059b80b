"""Loss layers: each holds its settings (and weight buffers) and calls its fx.nn.functional loss."""

from __future__ import annotations

from .. import functional as F
from ..functional._loss import legacy_reduction
from .module import Module

__all__ = ["L1Loss", "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss",
           "SmoothL1Loss", "HuberLoss", "CosineEmbeddingLoss", "MarginRankingLoss", "TripletMarginLoss", "CTCLoss",
           "HingeEmbeddingLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss"]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = legacy_reduction(size_average, reduce, reduction)


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class L1Loss(_Loss):
    """Mean absolute error: l_i = |input_i - target_i|, then reduced.

    Args:
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (*), target (*) of the same shape -> () ((*) with reduction "none").

    Example:
        >>> nn.L1Loss()(ft.tensor([1.0, 2.0, 3.0]), ft.tensor([1.0, 0.0, 0.0]))
        tensor(1.6667)
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error: l_i = (input_i - target_i)^2, then reduced.

    Args:
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (*), target (*) of the same shape -> () ((*) with reduction "none").

    Example:
        >>> nn.MSELoss()(ft.tensor([1.0, 2.0, 3.0]), ft.tensor([1.0, 0.0, 0.0]))
        tensor(4.3333)
        >>> nn.MSELoss(reduction="none")(ft.tensor([1.0, 2.0, 3.0]), ft.tensor([1.0, 0.0, 0.0]))
        tensor([0., 4., 9.])
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy of logits against class indices or class probabilities.

    Class indices: l_n = -w[y_n] log softmax(x_n)[y_n]; class probabilities:
    l_n = -sum_c w_c p_nc log softmax(x_n)_c.

    "mean" divides by the total weight of the non-ignored targets (by N for probability targets).

    Args:
        weight: (C,) per-class rescaling (default None).
        ignore_index: a target index that contributes nothing, not even to the mean (default -100).
        label_smoothing: mix the target with the uniform distribution by this amount in [0, 1] (default 0.0).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (N, C) or (N, C, d1, ...) or (C,) logits; target (N) or (N, d1, ...) or () class indices
        (int64), or probabilities of the input's shape -> () ((N, d1, ...) with reduction "none").

    Example:
        >>> nn.CrossEntropyLoss()(ft.zeros(2, 4), ft.tensor([0, 3]))  # log(4)
        tensor(1.3863)
        >>> nn.CrossEntropyLoss(label_smoothing=0.1)(ft.tensor([[2.0, 0.0, 0.0]]), ft.tensor([0]))
        tensor(0.3729)
    """

    __constants__ = ["ignore_index", "reduction", "label_smoothing"]

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities at class indices: l_n = -w[y_n] x[n, y_n].

    "mean" divides by the total weight of the non-ignored targets. Pair it with LogSoftmax.

    Args:
        weight: (C,) per-class rescaling (default None).
        ignore_index: a target index that contributes nothing, not even to the mean (default -100).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (N, C) or (N, C, d1, ...) or (C,); target (N) or (N, d1, ...) or () int64 -> () ((N, d1, ...) with "none").

    Example:
        >>> nn.NLLLoss()(ft.log(ft.tensor([[0.5, 0.25, 0.25]])), ft.tensor([1]))  # -log(0.25)
        tensor(1.3863)
    """

    __constants__ = ["ignore_index", "reduction"]

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross entropy of probabilities: l_i = -w_i (t_i log(x_i) + (1 - t_i) log(1 - x_i)), the logs clamped at -100.

    Args:
        weight: rescaling of each element's loss, broadcast to the input (default None).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (*) in [0, 1], target (*) of the same shape -> () ((*) with reduction "none").

    Example:
        >>> nn.BCELoss()(ft.tensor([0.5, 0.9]), ft.tensor([1.0, 1.0]))
        tensor(0.3993)
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid and binary cross entropy in one numerically stable expression.

    l_i = -w_i (p t_i log(sigmoid(x_i)) + (1 - t_i) log(1 - sigmoid(x_i))), p the pos_weight.

    Args:
        weight: rescaling of each element's loss, broadcast to the input (default None).
        pos_weight: weight of the positive term per class, broadcast along the last dim (default None).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (*) logits, target (*) of the same shape -> () ((*) with reduction "none").

    Example:
        >>> nn.BCEWithLogitsLoss()(ft.tensor([0.0, 2.0]), ft.tensor([1.0, 1.0]))
        tensor(0.4100)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence with log-probability input: l_i = t_i (log t_i - x_i).

    "batchmean" (the mathematical KL divergence) divides the sum by the batch size N; "mean"
    divides by the number of elements.

    Args:
        log_target: the target is given as log-probabilities too (default False).
        reduction: "none", "batchmean", "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (*) log-probabilities, target (*) of the same shape -> () ((*) with reduction "none").

    Example:
        >>> kl = nn.KLDivLoss(reduction="batchmean")
        >>> kl(ft.log(ft.tensor([[0.5, 0.5]])), ft.tensor([[0.25, 0.75]]))
        tensor(0.1308)
    """

    __constants__ = ["reduction"]

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class SmoothL1Loss(_Loss):
    """Smooth L1: l_i = 0.5 d_i^2 / beta where |d_i| < beta, else |d_i| - 0.5 beta, with d = input - target.

    Args:
        beta: where the loss changes from quadratic to linear, >= 0; 0 gives L1 (default 1.0).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (*), target (*) of the same shape -> () ((*) with reduction "none").

    Example:
        >>> nn.SmoothL1Loss()(ft.tensor([0.0, 0.0]), ft.tensor([0.5, 3.0]))
        tensor(1.3125)
    """

    __constants__ = ["reduction"]

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Huber loss: l_i = 0.5 d_i^2 where |d_i| < delta, else delta (|d_i| - 0.5 delta), with d = input - target.

    Args:
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        delta: where the loss changes from quadratic to linear, > 0 (default 1.0).
    Shape: input (*), target (*) of the same shape -> () ((*) with reduction "none").

    Example:
        >>> nn.HuberLoss(delta=2.0)(ft.tensor([0.0, 0.0]), ft.tensor([1.0, 4.0]))
        tensor(3.2500)
    """

    __constants__ = ["reduction", "delta"]

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class CosineEmbeddingLoss(_Loss):
    """Cosine embedding loss: l_n = 1 - cos(x1_n, x2_n) for y_n = 1, max(0, cos(x1_n, x2_n) - margin) for y_n = -1.

    Args:
        margin: in [-1, 1], 0 to 0.5 suggested (default 0.0).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input1 (N, D) or (D), input2 of the same shape, target (N) or () of 1 / -1 -> () ((N) with "none").

    Example:
        >>> loss = nn.CosineEmbeddingLoss()
        >>> loss(ft.tensor([[1.0, 0.0], [1.0, 0.0]]), ft.tensor([[0.0, 1.0], [1.0, 1.0]]), ft.tensor([1, -1]))
        tensor(0.8536)
    """

    __constants__ = ["margin", "reduction"]

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """Margin ranking loss: l_i = max(0, -y_i (x1_i - x2_i) + margin), y = 1 when x1 should rank higher, -1 otherwise.

    Args:
        margin: the required gap (default 0.0).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input1 (N) or (), input2 and target of the same shape -> () ((N) with reduction "none").

    Example:
        >>> nn.MarginRankingLoss(margin=0.5)(ft.tensor([1.0, 2.0]), ft.tensor([2.0, 1.0]), ft.tensor([1.0, 1.0]))
        tensor(0.7500)
    """

    __constants__ = ["margin", "reduction"]

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """Triplet margin loss: l_i = max(0, d(a_i, p_i) - d(a_i, n_i) + margin), d(x, y) = ||x - y + eps||_p.

    Args:
        margin: the required gap, > 0 (default 1.0).
        p: the norm degree of the distance (default 2.0).
        eps: added to the difference for numerical stability (default 1e-6).
        swap: use min(d(a, n), d(p, n)) as the negative distance (default False).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: anchor (N, D) or (D), positive and negative of the same shape -> () ((N) with reduction "none").

    Example:
        >>> nn.TripletMarginLoss()(ft.tensor([[0.0, 0.0]]), ft.tensor([[3.0, 4.0]]), ft.tensor([[0.0, 1.0]]))
        tensor(5.0000)
    """

    __constants__ = ["margin", "p", "eps", "swap", "reduction"]

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                     swap=self.swap, reduction=self.reduction)


class CTCLoss(_Loss):
    """Connectionist temporal classification loss: -log of the summed probability of all alignments.

    An alignment maps a target sequence onto its input sequence (with blanks and repeats);
    forward(log_probs, targets, input_lengths, target_lengths).

    "mean" divides each sequence's loss by its target length, then averages over the batch.

    Args:
        blank: the blank label's index (default 0).
        reduction: "none" (per-sequence losses), "mean" (default) or "sum".
        zero_infinity: replace infinite losses (impossible alignments) and their gradients by 0 (default False).
    Shape: log_probs (T, N, C) or (T, C) log-softmax outputs; targets (N, S) padded or (sum of
        target_lengths,) concatenated; input_lengths (N), target_lengths (N) -> () ((N) with "none").

    Example:
        >>> log_probs = ft.zeros(3, 1, 2).log_softmax(2)  # T=3 steps, classes {blank, 1}
        >>> nn.CTCLoss(reduction="none")(log_probs, ft.tensor([[1]]), ft.tensor([3]), ft.tensor([1]))  # -log(6/8)
        tensor([0.2877])
    """

    __constants__ = ["blank", "reduction"]

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)


class HingeEmbeddingLoss(_Loss):
    """Hinge embedding loss: l_i = x_i for y_i = 1, max(0, margin - x_i) for y_i = -1 (x often a distance).

    Args:
        margin: the margin for the -1 targets (default 1.0).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (*), target (*) of 1 / -1 of the same shape -> () ((*) with reduction "none").

    Example:
        >>> nn.HingeEmbeddingLoss()(ft.tensor([0.3, 2.0]), ft.tensor([1.0, -1.0]))
        tensor(0.1500)
    """

    __constants__ = ["margin", "reduction"]

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """Two-class logistic loss: l_i = log(1 + exp(-y_i x_i)) for targets y_i of 1 / -1.

    Args:
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (*), target (*) of the same shape -> () ((*) with reduction "none").

    Example:
        >>> nn.SoftMarginLoss()(ft.tensor([0.0, 0.0]), ft.tensor([1.0, -1.0]))  # log(2)
        tensor(0.6931)
    """

    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Multi-label one-versus-all loss: l_n = -(1/C) sum_c w_c (y_nc log sigmoid(x_nc) + (1 - y_nc) log sigmoid(-x_nc)).

    Args:
        weight: (C,) per-class rescaling (default None).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (N, C) logits, target (N, C) of 0 / 1 -> () ((N) with reduction "none").

    Example:
        >>> nn.MultiLabelSoftMarginLoss()(ft.tensor([[0.0, 0.0]]), ft.tensor([[1.0, 0.0]]))  # log(2)
        tensor(0.6931)
    """

    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood of target t with rate exp(x) (log_input) or x.

    Rate exp(x): l_i = exp(x_i) - t_i x_i; rate x: l_i = x_i - t_i log(x_i + eps).

    Args:
        log_input: the input is the log of the rate (default True).
        full: add Stirling's approximation t log t - t + 0.5 log(2 pi t) of log(t!) where t > 1 (default False).
        eps: keeps log away from 0 when log_input=False (default 1e-8).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
    Shape: input (*), target (*) of the same shape -> () ((*) with reduction "none").

    Example:
        >>> nn.PoissonNLLLoss()(ft.tensor([0.0, 1.0]), ft.tensor([1.0, 2.0]))
        tensor(0.8591)
    """

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood of target t with mean x and variance v: forward(input, target, var).

    l_i = 0.5 (log(max(v_i, eps)) + (x_i - t_i)^2 / max(v_i, eps)) (+ 0.5 log(2 pi) when full).

    Args:
        full: add the constant 0.5 log(2 pi) (default False; keyword only, as are the others).
        eps: the smallest variance used, for stability (default 1e-6).
        reduction: "none" (per-element losses), "mean" (default) or "sum".
    Shape: input (N, *) or (*), target of the same shape, var of the same shape or with one dim fewer or
        of size 1 in the last dim (heteroscedastic) or a float -> () (the input's shape with "none").

    Example:
        >>> nn.GaussianNLLLoss()(ft.tensor([0.0, 1.0]), ft.tensor([1.0, 1.0]), ft.tensor([1.0, 1.0]))
        tensor(0.2500)
    """

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(reduction=reduction)
        self.full = full
        self.eps = eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)
