"""Custom Dataset + collate_fn + DataLoader(num_workers=2), an IterableDataset sharded by worker, and training."""

import json
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, IterableDataset, get_worker_info
from torch.utils.data.dataloader import default_collate


class SequenceDataset(Dataset):
    """Variable-length noisy sine sequences; label = whether the frequency is high."""

    def __init__(self, n, seed=0):
        rng = np.random.default_rng(seed)
        self.lengths = rng.integers(5, 20, size=n)
        self.freqs = rng.uniform(0.1, 1.0, size=n)
        self.phases = rng.uniform(0, 2 * math.pi, size=n)

    def __len__(self):
        return len(self.lengths)

    def __getitem__(self, idx):
        t = np.arange(self.lengths[idx], dtype=np.float32)
        x = np.sin(self.freqs[idx] * t + self.phases[idx]).astype(np.float32)
        return {"x": torch.from_numpy(x).unsqueeze(-1), "y": int(self.freqs[idx] > 0.55), "idx": idx}


def pad_collate(batch):
    lengths = torch.tensor([item["x"].shape[0] for item in batch])
    x = torch.zeros(len(batch), int(lengths.max()), 1)
    for i, item in enumerate(batch):
        x[i, : lengths[i]] = item["x"]
    y, idx = default_collate([(item["y"], item["idx"]) for item in batch])
    return x, lengths, y, idx


class RangeStream(IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            lo, hi = self.start, self.end
        else:
            per = int(math.ceil((self.end - self.start) / info.num_workers))
            lo = self.start + info.id * per
            hi = min(lo + per, self.end)
        return iter(range(lo, hi))


def seed_worker(worker_id):
    np.random.seed(torch.initial_seed() % 2**32)


class GRUClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(1, 16, batch_first=True)
        self.fc = nn.Linear(16, 2)

    def forward(self, x, lengths):
        out, _ = self.gru(x)
        last = out[torch.arange(x.size(0)), lengths - 1]
        return self.fc(last)


def main():
    torch.manual_seed(0)
    g = torch.Generator()
    g.manual_seed(0)
    dataset = SequenceDataset(400)
    loader = DataLoader(dataset, batch_size=32, shuffle=True, num_workers=2, collate_fn=pad_collate,
                        worker_init_fn=seed_worker, generator=g, persistent_workers=True)
    model = GRUClassifier()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-2)
    criterion = nn.CrossEntropyLoss()
    epoch_losses, coverage_ok = [], True
    for _epoch in range(4):
        seen, total = [], 0.0
        for x, lengths, y, idx in loader:
            optimizer.zero_grad()
            loss = criterion(model(x, lengths), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            seen += idx.tolist()
        coverage_ok &= sorted(seen) == list(range(len(dataset)))
        epoch_losses.append(total / len(dataset))
    eval_loader = DataLoader(dataset, batch_size=100, num_workers=2, collate_fn=pad_collate)
    correct = 0
    with torch.no_grad():
        for x, lengths, y, _ in eval_loader:
            correct += (model(x, lengths).argmax(1) == y).sum().item()
    stream = list(DataLoader(RangeStream(0, 50), batch_size=None, num_workers=2))
    stream_values = sorted(int(v) for v in stream)
    print(f"loss {epoch_losses[0]:.3f} -> {epoch_losses[-1]:.3f}, accuracy {correct / len(dataset):.3f}")
    print("RESULT " + json.dumps({"epoch_losses": epoch_losses, "accuracy": correct / len(dataset), "coverage_ok": coverage_ok,
                                  "stream_ok": stream_values == list(range(50)), "batches": len(loader)}))


if __name__ == "__main__":
    main()
