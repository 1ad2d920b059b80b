"""RMSprop, optionally centered and with momentum."""

from __future__ import annotations

import fx.tensor as ft

from ._optimizer import Optimizer, check_lr, check_nonnegative, to_scalar, check_torch_flags

__all__ = ["RMSprop", "rmsprop_init", "rmsprop_update"]


def rmsprop_init(p, *, momentum=0, centered=False) -> dict:
    """Fresh RMSprop state for parameter `p`."""
    state = {"step": 0.0, "square_avg": ft.zeros_like(p)}
    if momentum > 0:
        state["momentum_buffer"] = ft.zeros_like(p)
    if centered:
        state["grad_avg"] = ft.zeros_like(p)
    return state


def rmsprop_update(p, grad, state, *, lr, alpha, eps, weight_decay, momentum, centered, maximize) -> None:
    """One RMSprop step of `p` in place (call under no_grad)."""
    state["step"] += 1
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g.add(p, alpha=weight_decay)
    square_avg = state["square_avg"]
    square_avg.mul_(alpha).addcmul_(g, g, value=1 - alpha)
    if centered:
        grad_avg = state["grad_avg"]
        grad_avg.lerp_(g, 1 - alpha)
        avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
    else:
        avg = square_avg.sqrt()
    avg = avg.add_(eps)
    if momentum > 0:
        buf = state["momentum_buffer"]
        buf.mul_(momentum).addcdiv_(g, avg)
        p.add_(buf, alpha=-lr)
    else:
        p.addcdiv_(g, avg, value=-lr)


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), optionally centered (Graves, 2013) and with momentum.

    With g the gradient (negated when `maximize`)::

        g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g^2
        if centered: gbar = alpha * gbar + (1 - alpha) * g;  avg = sqrt(v - gbar^2) + eps
        else:        avg = sqrt(v) + eps
        if momentum > 0: b = momentum * b + g / avg;  p = p - lr * b
        else:            p = p - lr * g / avg

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-2).
        alpha: smoothing constant (default 0.99).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty (default 0).
        momentum: momentum factor (default 0).
        centered: normalise by the variance estimate instead of the second moment.
        maximize: ascend instead of descend.
        **torch_flags: PyTorch's `foreach`, `fused`, `capturable` are accepted and ignored;
            `differentiable=True` raises NotImplementedError.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.RMSprop([w], lr=0.01)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.8329, -1.8309], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, *,
                 maximize=False, **torch_flags):
        check_torch_flags(type(self).__name__, torch_flags)
        check_lr(lr)
        check_nonnegative("eps", eps, "epsilon")
        check_nonnegative("momentum", momentum)
        check_nonnegative("weight_decay", weight_decay)
        check_nonnegative("alpha", alpha)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, maximize=maximize))

    def _init_state(self, p, group):
        return rmsprop_init(p, momentum=group["momentum"], centered=group["centered"])

    def _update(self, p, grad, state, group):
        rmsprop_update(p, grad, state, lr=to_scalar(group["lr"]), alpha=group["alpha"], eps=group["eps"],
                       weight_decay=group["weight_decay"], momentum=group["momentum"], centered=group["centered"],
                       maximize=group["maximize"])
