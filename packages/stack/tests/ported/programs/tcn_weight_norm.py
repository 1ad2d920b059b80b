"""Temporal convolutional network (after locuslab/TCN) on the adding problem: weight_norm'd dilated Conv1d."""

import json

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils import weight_norm


class Chomp1d(nn.Module):
    def __init__(self, chomp_size):
        super().__init__()
        self.chomp_size = chomp_size

    def forward(self, x):
        return x[:, :, :-self.chomp_size].contiguous()


class TemporalBlock(nn.Module):
    def __init__(self, n_inputs, n_outputs, kernel_size, stride, dilation, padding, dropout=0.0):
        super().__init__()
        self.conv1 = weight_norm(nn.Conv1d(n_inputs, n_outputs, kernel_size, stride=stride, padding=padding, dilation=dilation))
        self.conv2 = weight_norm(nn.Conv1d(n_outputs, n_outputs, kernel_size, stride=stride, padding=padding, dilation=dilation))
        self.net = nn.Sequential(self.conv1, Chomp1d(padding), nn.ReLU(), nn.Dropout(dropout),
                                 self.conv2, Chomp1d(padding), nn.ReLU(), nn.Dropout(dropout))
        self.downsample = nn.Conv1d(n_inputs, n_outputs, 1) if n_inputs != n_outputs else None
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.net(x)
        res = x if self.downsample is None else self.downsample(x)
        return self.relu(out + res)


class TCN(nn.Module):
    def __init__(self, input_size, output_size, num_channels, kernel_size=3):
        super().__init__()
        layers = []
        for i, out_ch in enumerate(num_channels):
            in_ch = input_size if i == 0 else num_channels[i - 1]
            d = 2 ** i
            layers.append(TemporalBlock(in_ch, out_ch, kernel_size, stride=1, dilation=d, padding=(kernel_size - 1) * d))
        self.network = nn.Sequential(*layers)
        self.linear = nn.Linear(num_channels[-1], output_size)

    def forward(self, x):
        return self.linear(self.network(x)[:, :, -1])


def adding_problem(n, seq_len, rng):
    values = rng.uniform(0, 1, size=(n, seq_len))
    marks = np.zeros((n, seq_len))
    for i in range(n):
        a, b = rng.choice(seq_len, size=2, replace=False)
        marks[i, [a, b]] = 1
    x = np.stack([values, marks], axis=1).astype(np.float32)
    y = (values * marks).sum(1, keepdims=True).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(y)


def deterministic_init(model):
    with torch.no_grad():
        for i, (name, p) in enumerate(model.named_parameters()):
            ramp = torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.9 + i).reshape(p.shape)
            p.copy_(0.4 * ramp if not name.endswith("weight_g") else 1.0 + 0.1 * ramp)


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    x_train, y_train = adding_problem(256, 24, rng)
    x_test, y_test = adding_problem(128, 24, rng)
    model = TCN(2, 1, [16, 16, 16])
    deterministic_init(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    criterion = nn.MSELoss()
    losses = []
    for _epoch in range(12):
        model.train()
        for i in range(0, 256, 32):
            optimizer.zero_grad()
            loss = criterion(model(x_train[i:i + 32]), y_train[i:i + 32])
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
        model.eval()
        with torch.no_grad():
            losses.append(criterion(model(x_train), y_train).item())
    with torch.no_grad():
        test_mse = criterion(model(x_test), y_test).item()
        baseline = ((y_test - y_train.mean()) ** 2).mean().item()
    keys = [k for k in model.state_dict() if k.startswith("network.0.conv1")]
    print(f"train MSE {losses[0]:.4f} -> {losses[-1]:.4f}; test MSE {test_mse:.4f} (predict-mean {baseline:.4f})")
    print("RESULT " + json.dumps({"losses": losses, "initial_loss": losses[0], "final_loss": losses[-1], "test_mse": test_mse,
                                  "baseline": baseline, "conv1_keys": keys}))


if __name__ == "__main__":
    main()
