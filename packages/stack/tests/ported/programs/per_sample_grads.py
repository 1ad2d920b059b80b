"""Per-sample gradients with torch.func (functional_call + grad + vmap), checked against a loop, used for DP-SGD."""

import json

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, vmap


class SimpleCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.fc1 = nn.Linear(4 * 3 * 3, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


def loss_fn(predictions, targets):
    return F.cross_entropy(predictions, targets)


def main():
    torch.manual_seed(0)
    model = SimpleCNN()
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(0.25 * torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.7 + i).reshape(p.shape))
    n = 24
    grid = torch.arange(n * 64, dtype=torch.float32).reshape(n, 1, 8, 8)
    data = torch.cos(grid * 0.05) + 0.1 * torch.sin(grid * 1.7)
    targets = torch.arange(n) % 3

    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch = sample.unsqueeze(0)
        predictions = functional_call(model, (params, buffers), (batch,))
        return loss_fn(predictions, target.unsqueeze(0))

    ft_compute_sample_grad = vmap(grad(compute_loss), in_dims=(None, None, 0, 0))
    ft_grads = ft_compute_sample_grad(params, buffers, data, targets)

    loop_grads = []
    for i in range(n):
        model.zero_grad()
        loss_fn(model(data[i:i + 1]), targets[i:i + 1]).backward()
        loop_grads.append({k: p.grad.clone() for k, p in model.named_parameters()})
    max_diff = max((ft_grads[k][i] - loop_grads[i][k]).abs().max().item() for i in range(n) for k in params)

    # DP-SGD: clip each example's gradient to norm C, average, add no noise (deterministic), step.
    clip, lr, losses = 1.0, 0.5, []
    for _step in range(25):
        with torch.no_grad():
            losses.append(loss_fn(functional_call(model, (params, buffers), (data,)), targets).item())
        g = vmap(grad(compute_loss), in_dims=(None, None, 0, 0))(params, buffers, data, targets)
        norms = torch.sqrt(sum(v.flatten(1).pow(2).sum(1) for v in g.values()))
        factor = (clip / (norms + 1e-6)).clamp(max=1.0)
        params = {k: params[k] - lr * (g[k] * factor.view(-1, *[1] * (g[k].dim() - 1))).mean(0) for k in params}
    print(f"vmap vs loop max diff {max_diff:.2e}; DP-SGD loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    print("RESULT " + json.dumps({"max_diff": max_diff, "grad_shapes": {k: list(v.shape) for k, v in ft_grads.items()},
                                  "initial_loss": losses[0], "final_loss": losses[-1], "losses": losses}))


if __name__ == "__main__":
    main()
