"""Adam and AdamW: the per-parameter update and the optimizer classes (fused C path by default)."""

from __future__ import annotations

import fx.tensor as ft
from fx.autograd import no_grad

from . import _fused
from ._optimizer import Optimizer, check_betas, check_lr, check_nonnegative, run_closure, to_scalar, check_torch_flags

__all__ = ["Adam", "AdamW", "adam_init", "adam_update"]


def adam_init(p, *, amsgrad=False) -> dict:
    """Fresh Adam state for parameter `p`."""
    state = {"step": 0.0, "exp_avg": ft.zeros_like(p), "exp_avg_sq": ft.zeros_like(p)}
    if amsgrad:
        state["max_exp_avg_sq"] = ft.zeros_like(p)
    return state


def _scalars(step, *, lr, beta1, beta2, weight_decay, decoupled_weight_decay):
    """The per-step numbers of the update, computed in Python doubles (shared with the fused path)."""
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    return {
        "decay": 1 - lr * weight_decay,
        "one_minus_beta1": 1 - beta1,
        "one_minus_beta2": 1 - beta2,
        "neg_step_size": -(lr / bias_correction1),
        "bias_correction2_sqrt": bias_correction2**0.5,
    }


def adam_update(p, grad, state, *, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize,
                decoupled_weight_decay=False) -> None:
    """One Adam step of parameter `p` in place (call under no_grad); `state` from `adam_init`."""
    state["step"] += 1
    c = _scalars(state["step"], lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay,
                 decoupled_weight_decay=decoupled_weight_decay)
    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            p.mul_(c["decay"])
        else:
            g = g.add(p, alpha=weight_decay)
    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    exp_avg.lerp_(g, c["one_minus_beta1"])
    exp_avg_sq.mul_(beta2).addcmul_(g, g, value=c["one_minus_beta2"])
    if amsgrad:
        v = state["max_exp_avg_sq"]
        ft.maximum(v, exp_avg_sq, out=v)
    else:
        v = exp_avg_sq
    denom = v.sqrt().div_(c["bias_correction2_sqrt"]).add_(eps)
    p.addcdiv_(exp_avg, denom, value=c["neg_step_size"])


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014), with AMSGrad and decoupled weight decay as options.

    With g the gradient (negated when `maximize`), at step t::

        g = g + weight_decay * p           (or p = p * (1 - lr * weight_decay) if decoupled)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        v_hat = max(v_hat, v) if amsgrad else v
        p = p - lr / (1 - beta1^t) * m / (sqrt(v_hat) / sqrt(1 - beta2^t) + eps)

    CPU float32/float64 parameters are updated by one fused C kernel per parameter group.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-3).
        betas: (beta1, beta2), the averaging coefficients of m and v (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty (default 0).
        amsgrad: use AMSGrad's running max of v.
        maximize: ascend instead of descend.
        decoupled_weight_decay: decay the weights directly (AdamW).
        **torch_flags: PyTorch's `foreach`, `fused`, `capturable` are accepted and ignored;
            `differentiable=True` raises NotImplementedError.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.Adam([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.8004, -1.8002], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 maximize=False, decoupled_weight_decay=False, **torch_flags):
        check_torch_flags(type(self).__name__, torch_flags)
        check_lr(lr)
        check_nonnegative("eps", eps, "epsilon")
        check_betas(betas)
        check_nonnegative("weight_decay", weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One Adam step over every parameter with a gradient; returns the closure's loss."""
        loss = run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

    def _step_group(self, group):
        beta1, beta2 = (to_scalar(b) for b in group["betas"])
        hp = dict(lr=to_scalar(group["lr"]), beta1=beta1, beta2=beta2, eps=group["eps"],
                  weight_decay=group["weight_decay"], amsgrad=group["amsgrad"], maximize=group["maximize"],
                  decoupled_weight_decay=group["decoupled_weight_decay"])
        fused: dict = {}
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if not state:
                state.update(adam_init(p, amsgrad=hp["amsgrad"]))
            extra = (state["max_exp_avg_sq"],) if hp["amsgrad"] else ()
            arrs = _fused.arrays(p, p.grad, state["exp_avg"], state["exp_avg_sq"], *extra)
            if arrs is None:
                adam_update(p, p.grad, state, **hp)
            else:
                state["step"] += 1
                fused.setdefault((arrs[0].dtype, state["step"]), []).append((p, arrs))
        for (_, step), batch in fused.items():
            c = _scalars(step, lr=hp["lr"], beta1=beta1, beta2=beta2, weight_decay=hp["weight_decay"],
                         decoupled_weight_decay=hp["decoupled_weight_decay"])
            wd = hp["weight_decay"]
            decoupled = hp["decoupled_weight_decay"] and wd != 0
            _fused.adam(batch, maximize=hp["maximize"], decoupled=decoupled, decay=c["decay"],
                        weight_decay=0.0 if decoupled else float(wd), one_minus_beta1=c["one_minus_beta1"],
                        beta2=beta2, one_minus_beta2=c["one_minus_beta2"],
                        bias_correction2_sqrt=c["bias_correction2_sqrt"], eps=hp["eps"],
                        neg_step_size=c["neg_step_size"])


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    The update of `Adam` with decoupled_weight_decay=True: at step t, before the Adam step::

        p = p * (1 - lr * weight_decay)

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-3).
        betas: (beta1, beta2), the averaging coefficients of m and v (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: decoupled weight decay (default 1e-2).
        amsgrad: use AMSGrad's running max of v.
        maximize: ascend instead of descend.
        **torch_flags: PyTorch's `foreach`, `fused`, `capturable` are accepted and ignored;
            `differentiable=True` raises NotImplementedError.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.AdamW([w], lr=0.1, weight_decay=0.01)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.7985, -1.7963], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, **torch_flags):
        check_torch_flags(type(self).__name__, torch_flags)
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
