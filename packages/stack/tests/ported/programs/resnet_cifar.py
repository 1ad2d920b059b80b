"""Small ResNet (basic blocks) on synthetic CIFAR-like images: BatchNorm, label smoothing, cosine LR."""

import json

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, kernel_size=1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return F.relu(out)


class ResNet(nn.Module):
    def __init__(self, num_blocks=(1, 1, 1), num_classes=4):
        super().__init__()
        self.in_planes = 8
        self.conv1 = nn.Conv2d(3, 8, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        layers = [self._make_layer(p, n, s) for p, n, s in zip((8, 16, 32), num_blocks, (1, 2, 2))]
        self.layers = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(32, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, planes, num_blocks, stride):
        blocks = []
        for s in [stride] + [1] * (num_blocks - 1):
            blocks.append(BasicBlock(self.in_planes, planes, s))
            self.in_planes = planes
        return nn.Sequential(*blocks)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.avgpool(self.layers(out))
        return self.fc(torch.flatten(out, 1))


def synthetic_cifar(n, gen):
    """Class k: a bright stripe in colour channel k % 3, horizontal for k < 2 and vertical otherwise."""
    y = torch.randint(0, 4, (n,), generator=gen)
    x = torch.randn(n, 3, 16, 16, generator=gen) * 0.5
    pos = torch.randint(2, 14, (n,), generator=gen)
    for i in range(n):
        c, p = int(y[i]) % 3, int(pos[i])
        if y[i] < 2:
            x[i, c, p - 1:p + 1, :] += 1.5
        else:
            x[i, c, :, p - 1:p + 1] += 1.5
    return x, y


def main():
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    gen = torch.Generator().manual_seed(3)
    train_loader = DataLoader(TensorDataset(*synthetic_cifar(384, gen)), batch_size=64, shuffle=True, drop_last=True)
    x_test, y_test = synthetic_cifar(256, gen)
    model = ResNet().to(device)
    epochs = 4
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    epoch_losses = []
    for _epoch in range(epochs):
        model.train()
        running = 0.0
        for inputs, targets in train_loader:
            inputs, targets = inputs.to(device), targets.to(device)
            flip = torch.rand(inputs.size(0)) < 0.5
            inputs = torch.where(flip.view(-1, 1, 1, 1), inputs.flip(3), inputs)
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets)
            loss.backward()
            optimizer.step()
            running += loss.item()
        scheduler.step()
        epoch_losses.append(running / len(train_loader))
    model.eval()
    with torch.no_grad():
        logits = model(x_test.to(device))
        acc = (logits.argmax(1) == y_test).float().mean().item()
    running_var = model.bn1.running_var
    print(f"loss {epoch_losses[0]:.3f} -> {epoch_losses[-1]:.3f}, test accuracy {acc:.3f}, lr {scheduler.get_last_lr()[0]:.4f}")
    print("RESULT " + json.dumps({"epoch_losses": epoch_losses, "accuracy": acc, "final_lr": scheduler.get_last_lr()[0],
                                  "bn_tracked": int(model.bn1.num_batches_tracked), "bn_var_min": running_var.min().item()}))


if __name__ == "__main__":
    main()
