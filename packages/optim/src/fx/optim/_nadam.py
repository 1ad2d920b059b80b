"""NAdam: Adam with Nesterov momentum and a momentum warm-up schedule."""

from __future__ import annotations

import numpy as np

import fx.tensor as ft

from ._optimizer import Optimizer, check_betas, check_lr, check_nonnegative, to_scalar, check_torch_flags

__all__ = ["NAdam", "nadam_init", "nadam_update"]


def nadam_init(p) -> dict:
    """Fresh NAdam state for parameter `p`."""
    return {"step": 0.0, "mu_product": 1.0, "exp_avg": ft.zeros_like(p), "exp_avg_sq": ft.zeros_like(p)}


def nadam_update(p, grad, state, *, lr, beta1, beta2, eps, weight_decay, momentum_decay,
                 decoupled_weight_decay, maximize) -> None:
    """One NAdam step of `p` in place (call under no_grad)."""
    state["step"] += 1
    step = state["step"]
    bias_correction2 = 1 - beta2**step
    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            p.mul_(1 - lr * weight_decay)
        else:
            g = g.add(p, alpha=weight_decay)
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
    # The product is a float32 scalar in PyTorch; rounding it the same way keeps runs identical.
    mu_product = state["mu_product"] = float(np.float32(state["mu_product"]) * np.float32(mu))
    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    exp_avg.lerp_(g, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
    denom = exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
    mu_product_next = mu_product * mu_next
    p.addcdiv_(g, denom, value=-lr * (1.0 - mu) / (1.0 - mu_product))
    p.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1.0 - mu_product_next))


class NAdam(Optimizer):
    """NAdam (Dozat, 2016): Adam with Nesterov momentum.

    With g the gradient (negated when `maximize`), at step t, psi = momentum_decay and
    mu_t = beta1 * (1 - 0.5 * 0.96^(t * psi))::

        g = g + weight_decay * p           (or p = p * (1 - lr * weight_decay) if decoupled)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        d = sqrt(v / (1 - beta2^t)) + eps
        p = p - lr * (1 - mu_t) / (1 - prod_{i<=t} mu_i) * g / d
              - lr * mu_{t+1} / (1 - prod_{i<=t+1} mu_i) * m / d

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 2e-3).
        betas: (beta1, beta2) (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty, or decoupled decay (default 0).
        momentum_decay: psi (default 4e-3).
        decoupled_weight_decay: decay the weights directly (NAdamW).
        maximize: ascend instead of descend.
        **torch_flags: PyTorch's `foreach`, `fused`, `capturable` are accepted and ignored;
            `differentiable=True` raises NotImplementedError.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.NAdam([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.8200, -1.8179], requires_grad=True)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, maximize=False, **torch_flags):
        check_torch_flags(type(self).__name__, torch_flags)
        check_lr(lr)
        check_nonnegative("eps", eps, "epsilon")
        check_betas(betas)
        check_nonnegative("weight_decay", weight_decay)
        check_nonnegative("momentum_decay", momentum_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))

    def _init_state(self, p, group):
        return nadam_init(p)

    def _update(self, p, grad, state, group):
        beta1, beta2 = group["betas"]
        nadam_update(p, grad, state, lr=to_scalar(group["lr"]), beta1=beta1, beta2=beta2, eps=group["eps"],
                     weight_decay=group["weight_decay"], momentum_decay=group["momentum_decay"],
                     decoupled_weight_decay=group["decoupled_weight_decay"], maximize=group["maximize"])
