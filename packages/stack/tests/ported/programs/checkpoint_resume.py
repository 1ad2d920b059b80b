"""Save a training checkpoint (model, optimizer, scheduler, RNG state), resume from it, match an uninterrupted run."""

import json
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 32)
        self.bn = nn.BatchNorm1d(32)
        self.drop = nn.Dropout(0.2)
        self.fc2 = nn.Linear(32, 3)

    def forward(self, x):
        return self.fc2(self.drop(F.relu(self.bn(self.fc1(x)))))


def make_data():
    g = torch.Generator().manual_seed(5)
    x = torch.randn(256, 10, generator=g)
    y = (x[:, 0] > 0).long() + (x[:, 1] > 0.5).long()
    return x, y


def build():
    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
    return model, optimizer, scheduler


def train_epoch(model, optimizer, scheduler, x, y):
    model.train()
    perm = torch.randperm(len(x))
    total = 0.0
    for i in range(0, len(x), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()
        total += loss.item()
    scheduler.step()
    return total / (len(x) // 32)


def main():
    x, y = make_data()
    epochs, stop_at = 4, 2

    torch.manual_seed(0)
    model, optimizer, scheduler = build()
    reference = [train_epoch(model, optimizer, scheduler, x, y) for _ in range(epochs)]
    reference_state = {k: v.clone() for k, v in model.state_dict().items()}

    torch.manual_seed(0)
    model, optimizer, scheduler = build()
    losses = [train_epoch(model, optimizer, scheduler, x, y) for _ in range(stop_at)]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "checkpoint.pt")
        torch.save({"epoch": stop_at, "model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
                    "scheduler_state_dict": scheduler.state_dict(), "rng_state": torch.get_rng_state(), "losses": losses}, path)
        del model, optimizer, scheduler
        torch.manual_seed(1234)  # a fresh process would start from some other RNG state
        model, optimizer, scheduler = build()
        checkpoint = torch.load(path, map_location="cpu")
        missing, unexpected = model.load_state_dict(checkpoint["model_state_dict"])
        optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
        scheduler.load_state_dict(checkpoint["scheduler_state_dict"])
        torch.set_rng_state(checkpoint["rng_state"])
        start, losses = checkpoint["epoch"], list(checkpoint["losses"])
    for _ in range(start, epochs):
        losses.append(train_epoch(model, optimizer, scheduler, x, y))

    max_diff = max((model.state_dict()[k].float() - v.float()).abs().max().item() for k, v in reference_state.items())
    model.eval()
    with torch.no_grad():
        acc = (model(x).argmax(1) == y).float().mean().item()
    print(f"resumed at epoch {start}; losses {losses}; max param diff vs uninterrupted {max_diff:.2e}; accuracy {acc:.3f}")
    print("RESULT " + json.dumps({"reference_losses": reference, "resumed_losses": losses, "max_param_diff": max_diff,
                                  "missing": list(missing), "unexpected": list(unexpected), "accuracy": acc,
                                  "lr": optimizer.param_groups[0]["lr"], "state_keys": sorted(reference_state)}))


if __name__ == "__main__":
    main()
