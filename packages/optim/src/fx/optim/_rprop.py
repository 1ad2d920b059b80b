"""Rprop: resilient backpropagation, a per-weight step size driven by the sign of the gradient."""

from __future__ import annotations

import fx.tensor as ft

from ._optimizer import Optimizer, check_lr, check_torch_flags, to_scalar

__all__ = ["Rprop", "rprop_init", "rprop_update"]


def rprop_init(p, *, lr) -> dict:
    """Fresh Rprop state for parameter `p`: every step size starts at lr."""
    return {"step": 0.0, "prev": ft.zeros_like(p), "step_size": ft.full_like(p, lr)}


def rprop_update(p, grad, state, *, etaminus, etaplus, step_size_min, step_size_max, maximize) -> None:
    """One Rprop step of `p` in place (call under no_grad)."""
    state["step"] += 1
    g = -grad if maximize else grad
    prev, step_size = state["prev"], state["step_size"]
    sign = (g * prev).sign()
    # a NaN sign stays NaN (as in PyTorch), so a NaN gradient poisons its step size visibly
    factor = ft.where(sign > 0, etaplus, ft.where(sign < 0, etaminus, ft.where(sign == 0, 1.0, sign)))
    step_size.mul_(factor).clamp_(step_size_min, step_size_max)
    # after a sign change the weight rests for one step, and the next step counts as a fresh start
    g = ft.where(sign < 0, 0.0, g)
    p.addcmul_(g.sign(), step_size, value=-1)
    prev.copy_(g)


class Rprop(Optimizer):
    """Rprop (Riedmiller & Braun, 1993): each weight moves by its own step size, in the gradient's sign.

    With g the gradient (negated when `maximize`) and s the per-weight step size (initially lr),
    each step, elementwise::

        if g * g_prev > 0:   s = min(s * etaplus, step_size_max)
        if g * g_prev < 0:   s = max(s * etaminus, step_size_min);  g = 0
        p = p - sign(g) * s
        g_prev = g

    Only the gradient's sign is used, so Rprop suits full-batch training (not mini-batches).

    Args:
        params: parameters or parameter groups.
        lr: the initial step size (default 1e-2).
        etas: (etaminus, etaplus), the step size factors after a sign change and after no change,
            with 0 < etaminus < 1 < etaplus (default (0.5, 1.2)).
        step_sizes: (step_size_min, step_size_max), the bounds of the step size (default (1e-6, 50)).
        maximize: ascend instead of descend.
        **torch_flags: PyTorch's `foreach`, `capturable` are accepted and ignored;
            `differentiable=True` raises NotImplementedError.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.Rprop([w], lr=0.1)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.6360, -1.6360], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, maximize=False, **torch_flags):
        check_torch_flags(type(self).__name__, torch_flags)
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), maximize=maximize))

    def _init_state(self, p, group):
        return rprop_init(p, lr=to_scalar(group["lr"]))

    def _update(self, p, grad, state, group):
        (etaminus, etaplus), (step_size_min, step_size_max) = group["etas"], group["step_sizes"]
        rprop_update(p, grad, state, etaminus=etaminus, etaplus=etaplus, step_size_min=step_size_min,
                     step_size_max=step_size_max, maximize=group["maximize"])
