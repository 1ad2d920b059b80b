"""Spatial transformer network (after the PyTorch STN tutorial): affine_grid + grid_sample on shifted patterns."""

import json

import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=5)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=5)
        self.fc1 = nn.Linear(16 * 3 * 3, 32)
        self.fc2 = nn.Linear(32, 4)
        self.localization = nn.Sequential(nn.Conv2d(1, 8, kernel_size=5), nn.MaxPool2d(2, stride=2), nn.ReLU(True),
                                          nn.Conv2d(8, 10, kernel_size=3), nn.MaxPool2d(2, stride=2), nn.ReLU(True))
        self.fc_loc = nn.Sequential(nn.Linear(10 * 4 * 4, 32), nn.ReLU(True), nn.Linear(32, 3 * 2))
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

    def stn(self, x):
        xs = self.localization(x).view(-1, 10 * 4 * 4)
        theta = self.fc_loc(xs).view(-1, 2, 3)
        grid = F.affine_grid(theta, x.size(), align_corners=False)
        return F.grid_sample(x, grid, align_corners=False)

    def forward(self, x):
        x = self.stn(x)
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = x.view(-1, 16 * 3 * 3)
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


def shifted_shapes(n, gen):
    """Four shapes (bar, column, cross, box) drawn at random offsets in a 24x24 canvas."""
    y = torch.randint(0, 4, (n,), generator=gen)
    x = torch.zeros(n, 1, 24, 24)
    offs = torch.randint(0, 12, (n, 2), generator=gen)
    for i in range(n):
        r, c = int(offs[i, 0]), int(offs[i, 1])
        patch = torch.zeros(12, 12)
        k = int(y[i])
        if k in (0, 2):
            patch[5:7, :] = 1
        if k in (1, 2):
            patch[:, 5:7] = 1
        if k == 3:
            patch[1:11, 1] = patch[1:11, 10] = patch[1, 1:11] = patch[10, 1:11] = 1
        x[i, 0, r:r + 12, c:c + 12] = patch
    return x + 0.1 * torch.randn(n, 1, 24, 24, generator=gen), y


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(4)
    x_train, y_train = shifted_shapes(384, gen)
    x_test, y_test = shifted_shapes(128, gen)
    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    losses = []
    for _epoch in range(10):
        model.train()
        perm = torch.randperm(384)
        for i in range(0, 384, 32):
            idx = perm[i:i + 32]
            optimizer.zero_grad()
            loss = F.nll_loss(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        acc = (model(x_test).argmax(1) == y_test).float().mean().item()
        identity = F.affine_grid(torch.tensor([[[1.0, 0, 0], [0, 1.0, 0]]]), (1, 1, 24, 24), align_corners=False)
        resampled = F.grid_sample(x_test[:1], identity, align_corners=False)
        identity_err = (resampled - x_test[:1]).abs().max().item()
    first, last = sum(losses[:12]) / 12, sum(losses[-12:]) / 12
    print(f"loss {first:.3f} -> {last:.3f}; accuracy {acc:.3f}; identity resampling error {identity_err:.2e}")
    print("RESULT " + json.dumps({"initial_loss": first, "final_loss": last, "accuracy": acc, "identity_err": identity_err}))


if __name__ == "__main__":
    main()
