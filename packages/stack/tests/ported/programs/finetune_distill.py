"""Fine-tune a frozen backbone with a new head, then distil it into a small student (KL on soft targets).

Uses requires_grad_(False), per-group learning rates, forward hooks for features, gradient
checkpointing, OneCycleLR and F.kl_div(..., reduction="batchmean").
"""

import json

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint
from torch.utils.data import DataLoader, TensorDataset, random_split


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU())
        self.classifier = nn.Linear(64, 10)

    def forward(self, x):
        return self.classifier(self.features(x))


class Student(nn.Module):
    def __init__(self):
        super().__init__()
        self.block1 = nn.Sequential(nn.Linear(16, 32), nn.GELU())
        self.block2 = nn.Sequential(nn.Linear(32, 32), nn.GELU())
        self.head = nn.Linear(32, 3)

    def forward(self, x):
        x = checkpoint(self.block1, x, use_reentrant=False)
        x = checkpoint(self.block2, x, use_reentrant=False)
        return self.head(x)


def main():
    torch.manual_seed(0)
    x = torch.randn(600, 16)
    y = (x[:, :3].argmax(1) + (x[:, 3] > 1.0).long()) % 3
    train_set, val_set = random_split(TensorDataset(x, y), [480, 120], generator=torch.Generator().manual_seed(0))
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
    x_val = torch.stack([val_set[i][0] for i in range(len(val_set))])
    y_val = torch.stack([val_set[i][1] for i in range(len(val_set))])

    teacher = Backbone()  # pretend pretrained: freeze the features, replace the 10-way head
    for p in teacher.features.parameters():
        p.requires_grad_(False)
    teacher.classifier = nn.Linear(64, 3)
    teacher.features[2].weight.requires_grad = True  # unfreeze the last layer, train it slower
    trainable = [p for p in teacher.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD([{"params": teacher.classifier.parameters(), "lr": 0.1},
                                 {"params": [teacher.features[2].weight], "lr": 0.01}], momentum=0.9)
    frozen_before = teacher.features[0].weight.clone()
    feats = {}
    handle = teacher.features.register_forward_hook(lambda mod, inp, out: feats.__setitem__("features", out.detach()))
    for _epoch in range(6):
        for xb, yb in train_loader:
            optimizer.zero_grad()
            F.cross_entropy(teacher(xb), yb).backward()
            optimizer.step()
    handle.remove()
    teacher.eval()
    with torch.no_grad():
        teacher_acc = (teacher(x_val).argmax(1) == y_val).float().mean().item()
    frozen_unchanged = torch.equal(frozen_before, teacher.features[0].weight) and teacher.features[0].weight.grad is None

    student = Student()
    epochs, T, alpha = 6, 2.0, 0.7
    opt_s = torch.optim.AdamW(student.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt_s, max_lr=1e-2, epochs=epochs, steps_per_epoch=len(train_loader))
    kd_losses = []
    for _epoch in range(epochs):
        student.train()
        total = 0.0
        for xb, yb in train_loader:
            with torch.no_grad():
                soft = F.softmax(teacher(xb) / T, dim=1)
            logits = student(xb)
            kd = F.kl_div(F.log_softmax(logits / T, dim=1), soft, reduction="batchmean") * T * T
            loss = alpha * kd + (1 - alpha) * F.cross_entropy(logits, yb)
            opt_s.zero_grad()
            loss.backward()
            opt_s.step()
            sched.step()
            total += loss.item()
        kd_losses.append(total / len(train_loader))
    student.eval()
    with torch.no_grad():
        student_acc = (student(x_val).argmax(1) == y_val).float().mean().item()
        agreement = (student(x_val).argmax(1) == teacher(x_val).argmax(1)).float().mean().item()
    n_trainable = sum(p.numel() for p in trainable)
    print(f"teacher acc {teacher_acc:.3f}; student acc {student_acc:.3f}, agreement {agreement:.3f}")
    print("RESULT " + json.dumps({"teacher_accuracy": teacher_acc, "student_accuracy": student_acc, "agreement": agreement,
                                  "kd_losses": kd_losses, "frozen_unchanged": bool(frozen_unchanged), "n_trainable": n_trainable,
                                  "hook_shape": list(feats["features"].shape), "final_lr": sched.get_last_lr()[0]}))


if __name__ == "__main__":
    main()
