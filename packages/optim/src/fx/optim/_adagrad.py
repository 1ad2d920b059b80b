"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""

from __future__ import annotations

import fx.tensor as ft

from ._optimizer import Optimizer, check_lr, check_nonnegative, to_scalar, check_torch_flags

__all__ = ["Adagrad", "adagrad_init", "adagrad_update"]


def adagrad_init(p, *, initial_accumulator_value=0) -> dict:
    """Fresh Adagrad state for parameter `p`."""
    return {"step": 0.0, "sum": ft.full_like(p, initial_accumulator_value)}


def adagrad_update(p, grad, state, *, lr, lr_decay, weight_decay, eps, maximize) -> None:
    """One Adagrad step of `p` in place (call under no_grad)."""
    state["step"] += 1
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g.add(p, alpha=weight_decay)
    clr = lr / (1 + (state["step"] - 1) * lr_decay)
    state_sum = state["sum"]
    state_sum.addcmul_(g, g, value=1)
    std = state_sum.sqrt().add_(eps)
    p.addcdiv_(g, std, value=-clr)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011).

    With g the gradient (negated when `maximize`), at step t::

        g = g + weight_decay * p
        s = s + g^2                         (s starts at initial_accumulator_value)
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-2).
        lr_decay: learning-rate decay (default 0).
        weight_decay: L2 penalty (default 0).
        initial_accumulator_value: start value of s (default 0).
        eps: added to the denominator (default 1e-10).
        maximize: ascend instead of descend.
        **torch_flags: PyTorch's `foreach`, `fused`, `capturable` are accepted and ignored;
            `differentiable=True` raises NotImplementedError.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.Adagrad([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.8331, -1.8311], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, *,
                 maximize=False, **torch_flags):
        check_torch_flags(type(self).__name__, torch_flags)
        check_lr(lr)
        check_nonnegative("lr_decay", lr_decay)
        check_nonnegative("weight_decay", weight_decay)
        check_nonnegative("initial_accumulator_value", initial_accumulator_value)
        check_nonnegative("eps", eps, "epsilon")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, maximize=maximize))
        # Like PyTorch, the accumulators exist from the start (state_dict lists every parameter).
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(self._init_state(p, group))

    def _init_state(self, p, group):
        return adagrad_init(p, initial_accumulator_value=group["initial_accumulator_value"])

    def _update(self, p, grad, state, group):
        adagrad_update(p, grad, state, lr=to_scalar(group["lr"]), lr_decay=group["lr_decay"],
                       weight_decay=group["weight_decay"], eps=group["eps"], maximize=group["maximize"])
