"""MLP regression with MSELoss and SGD (momentum, Nesterov, weight decay); weights set deterministically."""

import json
import math

import numpy as np
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden=(32, 16)):
        super().__init__()
        layers = []
        for width in hidden:
            layers += [nn.Linear(in_features, width), nn.Tanh()]
            in_features = width
        layers.append(nn.Linear(in_features, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).squeeze(-1)


def deterministic_init(model):
    """Same starting point under every framework: weights from a sine of their index, zero biases."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                nn.init.constant_(p, 0.01)
            else:
                fan_in = p.shape[1]
                idx = torch.arange(p.numel(), dtype=torch.float32).reshape(p.shape)
                p.copy_(torch.sin(idx * 0.37 + 0.5) / math.sqrt(fan_in))


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(42)
    x = rng.uniform(-2, 2, size=(256, 5)).astype(np.float32)
    y = (np.sin(x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] - 0.3 * x[:, 3] ** 2).astype(np.float32)
    x_train, y_train = torch.from_numpy(x[:192]), torch.from_numpy(y[:192])
    x_val, y_val = torch.from_numpy(x[192:]), torch.from_numpy(y[192:])

    model = MLP(5)
    deterministic_init(model)
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)

    with torch.no_grad():
        losses = [criterion(model(x_train), y_train).item()]
    for _epoch in range(60):
        model.train()
        for i in range(0, 192, 32):
            xb, yb = x_train[i:i + 32], y_train[i:i + 32]
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            losses.append(criterion(model(x_train), y_train).item())
    with torch.no_grad():
        val_loss = criterion(model(x_val), y_val).item()
        baseline = ((y_val - y_train.mean()) ** 2).mean().item()
    weight_norm = sum(p.detach().pow(2).sum() for p in model.parameters()).sqrt().item()
    print(f"train {losses[-1]:.4f} val {val_loss:.4f} (predict-mean baseline {baseline:.4f})")
    print("RESULT " + json.dumps({"initial_loss": losses[0], "final_loss": losses[-1], "val_loss": val_loss,
                                  "baseline": baseline, "weight_norm": weight_norm}))


if __name__ == "__main__":
    main()
