"""MNIST-style CNN (after pytorch/examples/mnist) trained on synthetic 28x28 digit-like images."""

import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1)
        self.conv2 = nn.Conv2d(16, 32, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(32 * 12 * 12, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def make_digits(n, rng):
    """Each class lights a different 4x4 block of a noisy 28x28 image."""
    labels = rng.integers(0, 10, size=n)
    images = rng.normal(0.0, 0.3, size=(n, 1, 28, 28)).astype(np.float32)
    for i, c in enumerate(labels):
        r, col = 2 + 6 * (c // 4), 2 + 6 * (c % 4)
        images[i, 0, r:r + 4, col:col + 4] += 2.0
    return torch.from_numpy(images), torch.from_numpy(labels.astype(np.int64))


def train(model, loader, optimizer, epoch):
    model.train()
    total = 0.0
    for _batch_idx, (data, target) in enumerate(loader):
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        total += loss.item() * data.size(0)
    return total / len(loader.dataset)


def test(model, loader):
    model.eval()
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in loader:
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    n = len(loader.dataset)
    return test_loss / n, correct / n


def main():
    torch.manual_seed(1)
    rng = np.random.default_rng(0)
    train_set = TensorDataset(*make_digits(512, rng))
    test_set = TensorDataset(*make_digits(256, rng))
    train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=128)

    model = Net()
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    _, acc0 = test(model, test_loader)
    losses = []
    for epoch in range(1, 4):
        losses.append(train(model, train_loader, optimizer, epoch))
        scheduler.step()
    test_loss, acc = test(model, test_loader)
    print(f"test loss {test_loss:.4f}, accuracy {acc:.3f}")
    print("RESULT " + json.dumps({"train_losses": losses, "test_loss": test_loss, "accuracy": acc,
                                  "initial_accuracy": acc0, "lr": scheduler.get_last_lr()[0]}))


if __name__ == "__main__":
    main()
