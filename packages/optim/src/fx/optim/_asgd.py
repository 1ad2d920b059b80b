"""ASGD: SGD with a decaying step size and a running (Polyak-Ruppert) average of the iterates."""

from __future__ import annotations

import numpy as np

import fx.tensor as ft

from ._optimizer import Optimizer, check_lr, check_nonnegative, check_torch_flags, to_scalar

__all__ = ["ASGD", "asgd_init", "asgd_update"]


def _as_state_scalar(x):
    # PyTorch keeps eta and mu as tensors of the default dtype; rounding them alike keeps runs identical
    return float(np.float64(x) if ft.get_default_dtype() is ft.float64 else np.float32(x))


def asgd_init(p, *, lr) -> dict:
    """Fresh ASGD state for parameter `p`: the step size eta, the averaging rate mu and the average ax."""
    return {"step": 0.0, "eta": _as_state_scalar(lr), "mu": 1.0, "ax": ft.zeros_like(p)}


def asgd_update(p, grad, state, *, lr, lambd, alpha, t0, weight_decay, maximize) -> None:
    """One ASGD step of `p` in place (call under no_grad)."""
    state["step"] += 1
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g.add(p, alpha=weight_decay)
    eta, mu, ax = state["eta"], state["mu"], state["ax"]
    p.mul_(1 - lambd * eta).add_(g, alpha=-eta)
    if mu != 1:
        ax.add_(p.sub(ax).mul_(mu))
    else:
        ax.copy_(p)
    step = state["step"]
    state["eta"] = _as_state_scalar(lr / (1 + lambd * lr * step) ** alpha)
    state["mu"] = _as_state_scalar(1 / max(1, step - t0))


class ASGD(Optimizer):
    """Averaged SGD (Polyak & Juditsky, 1992): SGD whose iterates are averaged from step t0 on.

    With g the gradient (negated when `maximize`), at step t (eta_1 = lr, mu_1 = 1)::

        g = g + weight_decay * p
        p = p * (1 - lambd * eta_t) - eta_t * g
        ax = ax + mu_t * (p - ax)                 (ax = p while mu_t = 1)
        eta_{t+1} = lr / (1 + lambd * lr * t)^alpha
        mu_{t+1} = 1 / max(1, t - t0)

    The average lives in the state as `optimizer.state[p]["ax"]`; the parameters themselves follow
    plain (decaying-step) SGD.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-2).
        lambd: the decay term (default 1e-4).
        alpha: the power of the step size decay (default 0.75).
        t0: the step from which averaging starts (default 1e6).
        weight_decay: L2 penalty (default 0).
        foreach: accepted and ignored (PyTorch's implementation switch).
        maximize: ascend instead of descend.
        differentiable: only False is supported (True raises NotImplementedError).
        capturable: accepted and ignored (PyTorch's CUDA-graph switch).

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.ASGD([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.6400, -1.2800], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False,
                 differentiable=False, capturable=False):
        check_torch_flags(type(self).__name__, dict(foreach=foreach, differentiable=differentiable,
                                                    capturable=capturable))
        check_lr(lr)
        check_nonnegative("weight_decay", weight_decay)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      maximize=maximize))

    def _init_state(self, p, group):
        return asgd_init(p, lr=to_scalar(group["lr"]))

    def _update(self, p, grad, state, group):
        asgd_update(p, grad, state, lr=to_scalar(group["lr"]), lambd=group["lambd"], alpha=group["alpha"],
                    t0=group["t0"], weight_decay=group["weight_decay"], maximize=group["maximize"])
