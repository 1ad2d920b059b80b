"""SGD with momentum, dampening, Nesterov and weight decay (fused C path by default)."""

from __future__ import annotations

import fx.tensor as ft
from fx.autograd import no_grad

from . import _fused
from ._optimizer import Optimizer, check_lr, check_nonnegative, run_closure, to_scalar, check_torch_flags

__all__ = ["SGD", "sgd_update"]


def sgd_update(p, grad, state, *, lr, momentum, dampening, weight_decay, nesterov, maximize) -> None:
    """One SGD step of `p` in place (call under no_grad); `state` holds "momentum_buffer" once used."""
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g.add(p, alpha=weight_decay)
    if momentum != 0:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = g.detach().clone()
        else:
            buf.mul_(momentum).add_(g, alpha=1 - dampening)
        g = g.add(buf, alpha=momentum) if nesterov else buf
    p.add_(g, alpha=-lr)


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (Nesterov's as an option).

    With g the gradient (negated when `maximize`) and b the momentum buffer::

        g = g + weight_decay * p
        b = g on the first step, else b = momentum * b + (1 - dampening) * g    (when momentum != 0)
        g = g + momentum * b if nesterov else b                                  (when momentum != 0)
        p = p - lr * g

    CPU float32/float64 parameters are updated by one fused C kernel per parameter group.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-3).
        momentum: momentum factor (default 0).
        dampening: dampening of the momentum (default 0).
        weight_decay: L2 penalty (default 0).
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: ascend instead of descend.
        **torch_flags: PyTorch's `foreach`, `fused`, `capturable` are accepted and ignored;
            `differentiable=True` raises NotImplementedError.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.4600, -0.9200], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, **torch_flags):
        check_torch_flags(type(self).__name__, torch_flags)
        check_lr(lr)
        check_nonnegative("momentum", momentum)
        check_nonnegative("weight_decay", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One SGD step over every parameter with a gradient; returns the closure's loss."""
        loss = run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

    def _step_group(self, group):
        hp = dict(lr=to_scalar(group["lr"]), momentum=group["momentum"], dampening=group["dampening"],
                  weight_decay=group["weight_decay"], nesterov=group["nesterov"], maximize=group["maximize"])
        use_momentum = hp["momentum"] != 0
        fused: dict = {}
        for p in group["params"]:
            g = p.grad
            if g is None:
                continue
            state = self.state[p] if use_momentum else {}
            fresh = use_momentum and state.get("momentum_buffer") is None
            buf = ft.empty_like(p) if fresh else state.get("momentum_buffer")
            arrs = _fused.arrays(p, g, buf) if use_momentum else _fused.arrays(p, g)
            if arrs is None:
                sgd_update(p, g, state, **hp)
                continue
            if fresh:
                state["momentum_buffer"] = buf
            fused.setdefault((arrs[0].dtype, fresh), []).append((p, arrs))
        for (_, fresh), batch in fused.items():
            _fused.sgd(batch, maximize=hp["maximize"], weight_decay=float(hp["weight_decay"]),
                       momentum=float(hp["momentum"]), one_minus_dampening=1 - hp["dampening"],
                       nesterov=hp["nesterov"], fresh=fresh, neg_lr=-hp["lr"])
