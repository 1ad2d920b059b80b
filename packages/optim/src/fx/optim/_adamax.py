"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

import fx.tensor as ft

from ._optimizer import Optimizer, check_betas, check_lr, check_nonnegative, to_scalar, check_torch_flags

__all__ = ["Adamax", "adamax_init", "adamax_update"]


def adamax_init(p) -> dict:
    """Fresh Adamax state for parameter `p`."""
    return {"step": 0.0, "exp_avg": ft.zeros_like(p), "exp_inf": ft.zeros_like(p)}


def adamax_update(p, grad, state, *, lr, beta1, beta2, eps, weight_decay, maximize) -> None:
    """One Adamax step of `p` in place (call under no_grad)."""
    state["step"] += 1
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g.add(p, alpha=weight_decay)
    exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
    exp_avg.lerp_(g, 1 - beta1)
    ft.maximum(exp_inf.mul_(beta2), g.abs().add_(eps), out=exp_inf)
    clr = lr / (1 - beta1 ** state["step"])
    p.addcdiv_(exp_avg, exp_inf, value=-clr)


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2014, section 7): Adam with the infinity norm.

    With g the gradient (negated when `maximize`), at step t::

        g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + eps)
        p = p - lr / (1 - beta1^t) * m / u

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 2e-3).
        betas: (beta1, beta2) (default (0.9, 0.999)).
        eps: added to the norm (default 1e-8).
        weight_decay: L2 penalty (default 0).
        maximize: ascend instead of descend.
        **torch_flags: PyTorch's `foreach`, `fused`, `capturable` are accepted and ignored;
            `differentiable=True` raises NotImplementedError.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.Adamax([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.8052, -1.8025], requires_grad=True)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, *, maximize=False, **torch_flags):
        check_torch_flags(type(self).__name__, torch_flags)
        check_lr(lr)
        check_nonnegative("eps", eps, "epsilon")
        check_betas(betas)
        check_nonnegative("weight_decay", weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def _init_state(self, p, group):
        return adamax_init(p)

    def _update(self, p, grad, state, group):
        beta1, beta2 = group["betas"]
        adamax_update(p, grad, state, lr=to_scalar(group["lr"]), beta1=beta1, beta2=beta2, eps=group["eps"],
                      weight_decay=group["weight_decay"], maximize=group["maximize"])
