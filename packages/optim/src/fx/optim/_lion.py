"""Lion: sign-based momentum optimizer (not in PyTorch's core)."""

from __future__ import annotations

import fx.tensor as ft

from ._optimizer import Optimizer, check_betas, check_lr, check_nonnegative, to_scalar, check_torch_flags

__all__ = ["Lion", "lion_init", "lion_update"]


def lion_init(p) -> dict:
    """Fresh Lion state for parameter `p`."""
    return {"exp_avg": ft.zeros_like(p)}


def lion_update(p, grad, state, *, lr, beta1, beta2, weight_decay, maximize) -> None:
    """One Lion step of `p` in place (call under no_grad)."""
    g = -grad if maximize else grad
    if weight_decay != 0:
        p.mul_(1 - lr * weight_decay)
    exp_avg = state["exp_avg"]
    p.add_(exp_avg.lerp(g, 1 - beta1).sign_(), alpha=-lr)
    exp_avg.lerp_(g, 1 - beta2)


class Lion(Optimizer):
    """Lion, "EvoLved Sign Momentum" (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms").

    Not in torch.optim. With g the gradient (negated when `maximize`)::

        p = p * (1 - lr * weight_decay)
        p = p - lr * sign(beta1 * m + (1 - beta1) * g)
        m = beta2 * m + (1 - beta2) * g

    Every coordinate moves by exactly lr, so Lion wants a learning rate 3-10x smaller than AdamW's
    and a weight decay 3-10x larger.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-4).
        betas: (beta1, beta2) (default (0.9, 0.99)).
        weight_decay: decoupled weight decay (default 0).
        maximize: ascend instead of descend.
        **torch_flags: PyTorch's `foreach`, `fused`, `capturable` are accepted and ignored;
            `differentiable=True` raises NotImplementedError.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.Lion([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.8000, -1.8000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, *, maximize=False, **torch_flags):
        check_torch_flags(type(self).__name__, torch_flags)
        check_lr(lr)
        check_betas(betas)
        check_nonnegative("weight_decay", weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), weight_decay=weight_decay, maximize=maximize))

    def _init_state(self, p, group):
        return lion_init(p)

    def _update(self, p, grad, state, group):
        beta1, beta2 = group["betas"]
        lion_update(p, grad, state, lr=to_scalar(group["lr"]), beta1=beta1, beta2=beta2,
                    weight_decay=group["weight_decay"], maximize=group["maximize"])
