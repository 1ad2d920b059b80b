"""Loss primitives: fused cross entropy with class indices, NLL, and CTC.

  cross_entropy(x, target, w?) -> (loss, lse): x (n, c) logits, target (n,) int64; params
      ignore_index, label_smoothing, reduction ("none" | "mean" | "sum"), weight (bool). loss is
      (n,) for "none", else 0-d; lse (n,) is each row's log-sum-exp, saved for the backward.
  cross_entropy_backward(g, x, target, lse, w?) -> gx: same params; not differentiable (the rule
      composes the gradient from fx ops when a graph of it is wanted).
  nll_loss(x, target, w?) -> loss: x (n, c) log-probabilities; params ignore_index, reduction, weight.
  nll_loss_backward(g, target, w?) -> gx (n, c): same params + num_classes. nll_loss and
      nll_loss_backward are linear in x / g and each other's adjoint: each is the other's gradient.
  ctc_loss(log_probs, targets, input_lengths, target_lengths) -> (nll, log_alpha): log_probs
      (T, n, c); targets (n, S) padded, or concatenated when param concat; params blank,
      zero_infinity. nll (n,) per sequence; log_alpha (T, n, 2S+1) saved for the backward.
  ctc_loss_backward(g, log_probs, targets, input_lengths, target_lengths, nll, log_alpha) -> grad
      of sum(g * nll) w.r.t. log_probs (beta recursion); not differentiable.
Reductions: "mean" divides by the summed weight of the non-ignored targets (PyTorch).
"""

from __future__ import annotations

from .._dispatch import define
from .._dtype import int64
from ._common import cast, check_tensor

__all__: list = []

P_cross_entropy = define("cross_entropy", nout=2)
P_cross_entropy_backward = define("cross_entropy_backward", differentiable=False)
P_nll_loss = define("nll_loss")
P_nll_loss_backward = define("nll_loss_backward")
P_ctc_loss = define("ctc_loss", nout=2)
P_ctc_loss_backward = define("ctc_loss_backward", differentiable=False)

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _check_target(x, target, weight, op):
    check_tensor(x, op)
    check_tensor(target, op, "target")
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(f"{op}: expected target dtype to be Long or Byte, but got {target.dtype}")
    if x._data.ndim != 2 or target._data.ndim != 1:
        raise RuntimeError(f"{op}: expected input (n, c) and target (n,), got {list(x.shape)} and {list(target.shape)}")
    if x._data.shape[0] != target._data.shape[0]:
        raise ValueError(f"{op}: Expected input batch_size ({x._data.shape[0]}) to match target batch_size "
                         f"({target._data.shape[0]}).")
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"{op}: expected a floating point input, but got {x.dtype}")
    c = x._data.shape[1]
    if weight is not None:
        check_tensor(weight, op, "weight")
        if weight._data.shape != (c,):
            raise RuntimeError(f"{op}: weight tensor should be defined either for all {c} classes or no classes but "
                               f"got weight tensor of shape: {list(weight.shape)}")
        return cast(target, int64), [cast(weight, x.dtype).detach()]
    return cast(target, int64), []


def cross_entropy_indices(x, target, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean",
                          op="cross_entropy"):
    """Loss of logits x (n, c) against class indices (n,) (fused log-softmax + NLL)."""
    check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"{op}: label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    target, w = _check_target(x, target, weight, op)
    loss, _ = P_cross_entropy(x, target, *w, ignore_index=int(ignore_index), label_smoothing=float(label_smoothing),
                              reduction=reduction, weight=bool(w))
    return loss


def nll_loss_2d(x, target, weight=None, ignore_index=-100, reduction="mean", op="nll_loss"):
    """Negative log-likelihood of log-probabilities x (n, c) at class indices (n,)."""
    check_reduction(reduction)
    target, w = _check_target(x, target, weight, op)
    return P_nll_loss(x, target, *w, ignore_index=int(ignore_index), reduction=reduction, weight=bool(w))
