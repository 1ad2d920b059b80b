"""SimCLR-style contrastive learning (NT-Xent loss) on synthetic data, evaluated by k-nearest-neighbour accuracy."""

import json

import torch
import torch.nn as nn
import torch.nn.functional as F


def nt_xent(z1, z2, temperature=0.5):
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    n = z1.size(0)
    sim = z @ z.T / temperature
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


def augment(x, signal_dims=5):
    """Views share the signal dims (rescaled, lightly dropped out) and redraw the nuisance dims."""
    scale = torch.empty(x.size(0), 1).uniform_(0.8, 1.2)
    view = F.dropout(x, p=0.1, training=True) * 0.9 * scale
    nuisance = torch.randn_like(x) * 3.0
    nuisance[:, :signal_dims] = 0
    view[:, signal_dims:] = 0
    return view + nuisance


class Encoder(nn.Module):
    def __init__(self, d_in=20, d_rep=32, d_proj=16):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(d_in, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, d_rep))
        self.projector = nn.Sequential(nn.ReLU(), nn.Linear(d_rep, d_proj))

    def forward(self, x):
        h = self.backbone(x)
        return h, self.projector(h)


def knn_accuracy(train_rep, train_y, test_rep, test_y, k=5):
    train_rep, test_rep = F.normalize(train_rep, dim=1), F.normalize(test_rep, dim=1)
    dist = torch.cdist(test_rep, train_rep)
    idx = dist.topk(k, dim=1, largest=False).indices
    votes = F.one_hot(train_y[idx], num_classes=int(train_y.max()) + 1).sum(1)
    return (votes.argmax(1) == test_y).float().mean().item()


def main():
    torch.manual_seed(0)
    prototypes = torch.randn(5, 5) * 1.5
    labels = torch.randint(0, 5, (700,))
    data = torch.cat([prototypes[labels] + 0.5 * torch.randn(700, 5), 3.0 * torch.randn(700, 15)], dim=1)
    x_train, y_train, x_test, y_test = data[:500], labels[:500], data[500:], labels[500:]
    model = Encoder()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[5, 8], gamma=0.3)
    with torch.no_grad():
        model.eval()
        acc_before = knn_accuracy(model(x_train)[0], y_train, model(x_test)[0], y_test)
    losses = []
    for _epoch in range(10):
        model.train()
        perm = torch.randperm(500)
        total = 0.0
        for i in range(0, 500, 100):
            xb = x_train[perm[i:i + 100]]
            _, z1 = model(augment(xb))
            _, z2 = model(augment(xb))
            loss = nt_xent(z1, z2)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        scheduler.step()
        losses.append(total / 5)
    model.eval()
    with torch.no_grad():
        acc_after = knn_accuracy(model(x_train)[0], y_train, model(x_test)[0], y_test)
        align = F.cosine_similarity(model(augment(x_test))[1], model(augment(x_test))[1]).mean().item()
    print(f"NT-Xent {losses[0]:.3f} -> {losses[-1]:.3f}; kNN accuracy {acc_before:.3f} -> {acc_after:.3f}")
    print("RESULT " + json.dumps({"losses": losses, "knn_before": acc_before, "knn_after": acc_after, "alignment": align,
                                  "lr": scheduler.get_last_lr()[0]}))


if __name__ == "__main__":
    main()
