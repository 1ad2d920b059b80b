"""A hand-written optimizer (Optimizer subclass) and warmup scheduler (_LRScheduler subclass), as repos write them.

The custom SGD-with-momentum must match torch.optim.SGD step for step; then both train a small model.
"""

import json
import math

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import _LRScheduler
from torch.optim.optimizer import Optimizer, required


class MomentumSGD(Optimizer):
    def __init__(self, params, lr=required, momentum=0.0, weight_decay=0.0):
        if lr is not required and lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        defaults = dict(lr=lr, momentum=momentum, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if group["weight_decay"] != 0:
                    d_p = d_p.add(p, alpha=group["weight_decay"])
                state = self.state[p]
                if "momentum_buffer" not in state:
                    buf = state["momentum_buffer"] = torch.clone(d_p).detach()
                else:
                    buf = state["momentum_buffer"]
                    buf.mul_(group["momentum"]).add_(d_p)
                p.add_(buf, alpha=-group["lr"])
        return loss


class WarmupCosine(_LRScheduler):
    def __init__(self, optimizer, warmup, total, last_epoch=-1):
        self.warmup, self.total = warmup, total
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step = self.last_epoch
        if step < self.warmup:
            return [base * (step + 1) / self.warmup for base in self.base_lrs]
        progress = (step - self.warmup) / max(1, self.total - self.warmup)
        return [base * 0.5 * (1 + math.cos(math.pi * progress)) for base in self.base_lrs]


def build():
    model = nn.Sequential(nn.Linear(6, 24), nn.Tanh(), nn.Linear(24, 1))
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(0.3 * torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 1.1 + i).reshape(p.shape))
    return model


def train(make_opt, x, y, steps=80):
    model = build()
    opt = make_opt(model.parameters())
    sched = WarmupCosine(opt, warmup=10, total=steps)
    losses, lrs = [], []
    for _ in range(steps):
        def closure():
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            return loss
        losses.append(opt.step(closure).item())
        lrs.append(sched.get_last_lr()[0])
        sched.step()
    return model, losses, lrs


def main():
    torch.manual_seed(0)
    x = torch.linspace(-1, 1, 120).reshape(20, 6)
    y = (x[:, :1] * x[:, 1:2] + torch.sin(3 * x[:, 2:3]))
    custom, losses, lrs = train(lambda p: MomentumSGD(p, lr=0.1, momentum=0.9, weight_decay=1e-3), x, y)
    builtin, ref_losses, _ = train(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-3), x, y)
    max_diff = max((a - b).abs().max().item() for a, b in zip(custom.parameters(), builtin.parameters()))
    opt = MomentumSGD(custom.parameters(), lr=0.1, momentum=0.9)
    state_keys = sorted(opt.state_dict()["param_groups"][0])
    try:
        MomentumSGD(custom.parameters())
        missing_lr_error = None
    except ValueError as e:
        missing_lr_error = str(e)
    print(f"custom vs built-in SGD max param diff {max_diff:.2e}; loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    print("RESULT " + json.dumps({"losses": losses, "ref_losses": ref_losses, "max_diff": max_diff, "lrs": lrs,
                                  "group_keys": state_keys, "missing_lr_error": missing_lr_error}))


if __name__ == "__main__":
    main()
