"""Graph convolutional network (Kipf & Welling) for node classification, with message passing via index_add_."""

import json

import torch
import torch.nn as nn
import torch.nn.functional as F


def stochastic_block_graph(n_per_class, classes, p_in, p_out, gen):
    labels = torch.arange(classes).repeat_interleave(n_per_class)
    n = labels.numel()
    same = labels.unsqueeze(0) == labels.unsqueeze(1)
    prob = torch.where(same, torch.tensor(p_in), torch.tensor(p_out))
    adj = torch.rand(n, n, generator=gen) < prob
    adj = torch.triu(adj, diagonal=1)
    adj = adj | adj.t()
    edge_index = adj.nonzero().t().contiguous()
    features = F.one_hot(labels, classes).float() * 0.5 + torch.randn(n, classes, generator=gen)
    return edge_index, features, labels


class GCNConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_channels))

    def forward(self, x, edge_index):
        n = x.size(0)
        loops = torch.arange(n).unsqueeze(0).repeat(2, 1)
        src, dst = torch.cat([edge_index, loops], dim=1)
        deg = torch.zeros(n).index_add_(0, dst, torch.ones(dst.numel()))
        deg_inv_sqrt = deg.pow(-0.5)
        deg_inv_sqrt.masked_fill_(deg_inv_sqrt == float("inf"), 0)
        norm = deg_inv_sqrt[src] * deg_inv_sqrt[dst]
        h = self.lin(x)
        out = torch.zeros_like(h).index_add_(0, dst, h[src] * norm.unsqueeze(-1))
        return out + self.bias


class GCN(nn.Module):
    def __init__(self, in_channels, hidden, classes):
        super().__init__()
        self.conv1 = GCNConv(in_channels, hidden)
        self.conv2 = GCNConv(hidden, classes)

    def forward(self, x, edge_index):
        x = F.dropout(x, p=0.5, training=self.training)
        x = F.relu(self.conv1(x, edge_index))
        x = F.dropout(x, p=0.5, training=self.training)
        return self.conv2(x, edge_index)


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(2)
    edge_index, x, y = stochastic_block_graph(40, 3, 0.15, 0.01, gen)
    n = y.numel()
    perm = torch.randperm(n, generator=gen)
    train_mask = torch.zeros(n, dtype=torch.bool)
    train_mask[perm[:30]] = True
    test_mask = ~train_mask
    model = GCN(x.size(1), 16, 3)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    losses = []
    for _epoch in range(100):
        model.train()
        optimizer.zero_grad()
        out = model(x, edge_index)
        loss = F.cross_entropy(out[train_mask], y[train_mask])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    pred = model(x, edge_index).argmax(dim=1)
    acc = int((pred[test_mask] == y[test_mask]).sum()) / int(test_mask.sum())
    # A plain MLP on the node features alone, for reference: the graph should help.
    mlp = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = torch.optim.Adam(mlp.parameters(), lr=0.01)
    for _epoch in range(100):
        opt.zero_grad()
        F.cross_entropy(mlp(x[train_mask]), y[train_mask]).backward()
        opt.step()
    mlp_acc = (mlp(x[test_mask]).argmax(1) == y[test_mask]).float().mean().item()
    print(f"edges {edge_index.size(1)}; GCN test accuracy {acc:.3f} vs MLP {mlp_acc:.3f}")
    print("RESULT " + json.dumps({"initial_loss": losses[0], "final_loss": losses[-1], "accuracy": acc, "mlp_accuracy": mlp_acc,
                                  "num_edges": edge_index.size(1), "symmetric": bool(edge_index.size(1) % 2 == 0)}))


if __name__ == "__main__":
    main()
