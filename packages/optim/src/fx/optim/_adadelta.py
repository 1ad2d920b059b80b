"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

import fx.tensor as ft

from ._optimizer import Optimizer, check_lr, check_nonnegative, to_scalar, check_torch_flags

__all__ = ["Adadelta", "adadelta_init", "adadelta_update"]


def adadelta_init(p) -> dict:
    """Fresh Adadelta state for parameter `p`."""
    return {"step": 0.0, "square_avg": ft.zeros_like(p), "acc_delta": ft.zeros_like(p)}


def adadelta_update(p, grad, state, *, lr, rho, eps, weight_decay, maximize) -> None:
    """One Adadelta step of `p` in place (call under no_grad)."""
    state["step"] += 1
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g.add(p, alpha=weight_decay)
    square_avg, acc_delta = state["square_avg"], state["acc_delta"]
    square_avg.mul_(rho).addcmul_(g, g, value=1 - rho)
    std = square_avg.add(eps).sqrt_()
    delta = acc_delta.add(eps).sqrt_().div_(std).mul_(g)
    acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
    p.add_(delta, alpha=-lr)


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012).

    With g the gradient (negated when `maximize`)::

        g = g + weight_decay * p
        v = rho * v + (1 - rho) * g^2
        dx = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * dx^2
        p = p - lr * dx

    Args:
        params: parameters or parameter groups.
        lr: scales the step (default 1.0).
        rho: averaging coefficient (default 0.9).
        eps: added inside the square roots (default 1e-6).
        weight_decay: L2 penalty (default 0).
        maximize: ascend instead of descend.
        **torch_flags: PyTorch's `foreach`, `fused`, `capturable` are accepted and ignored;
            `differentiable=True` raises NotImplementedError.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.Adadelta([w], lr=1.0)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.9936, -1.9936], requires_grad=True)
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *, maximize=False, **torch_flags):
        check_torch_flags(type(self).__name__, torch_flags)
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonnegative("eps", eps, "epsilon")
        check_nonnegative("weight_decay", weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize))

    def _init_state(self, p, group):
        return adadelta_init(p)

    def _update(self, p, grad, state, group):
        adadelta_update(p, grad, state, lr=to_scalar(group["lr"]), rho=group["rho"], eps=group["eps"],
                        weight_decay=group["weight_decay"], maximize=group["maximize"])
