"""Bag-of-words text classifiers (after the torchtext tutorial): EmbeddingBag with offsets, and Embedding + padding."""

import json
import random

import torch
from torch import nn
from torch.utils.data import DataLoader

VOCAB, CLASSES, PAD = 200, 4, 0


def make_corpus(n, rng):
    """Each class draws most words from its own slice of the vocabulary."""
    docs = []
    for _ in range(n):
        label = rng.randrange(CLASSES)
        lo = 1 + label * 40
        words = [rng.randrange(lo, lo + 40) if rng.random() < 0.6 else rng.randrange(161, VOCAB) for _ in range(rng.randint(3, 12))]
        docs.append((label, words))
    return docs


def collate_batch(batch):
    label_list, text_list, offsets = [], [], [0]
    for label, words in batch:
        label_list.append(label)
        processed = torch.tensor(words, dtype=torch.int64)
        text_list.append(processed)
        offsets.append(processed.size(0))
    offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
    return torch.tensor(label_list, dtype=torch.int64), torch.cat(text_list), offsets


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, mode="mean")
        self.fc = nn.Linear(embed_dim, num_class)
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        return self.fc(self.embedding(text, offsets))


class PaddedMeanModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.fc = nn.Linear(embed_dim, num_class)

    def forward(self, text, offsets):
        docs = torch.tensor_split(text, offsets[1:].tolist())
        padded = nn.utils.rnn.pad_sequence(list(docs), batch_first=True, padding_value=PAD)
        mask = (padded != PAD).unsqueeze(-1)
        pooled = (self.embedding(padded) * mask).sum(1) / mask.sum(1)
        return self.fc(pooled)


def run(model, train_loader, test_loader, lr):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.5)
    epoch_losses = []
    for _epoch in range(5):
        model.train()
        total, count = 0.0, 0
        for label, text, offsets in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(text, offsets), label)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            optimizer.step()
            total, count = total + loss.item() * label.size(0), count + label.size(0)
        scheduler.step()
        epoch_losses.append(total / count)
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for label, text, offsets in test_loader:
            correct += (model(text, offsets).argmax(1) == label).sum().item()
            total += label.size(0)
    return epoch_losses, correct / total


def main():
    torch.manual_seed(0)
    rng = random.Random(0)
    train_docs, test_docs = make_corpus(800, rng), make_corpus(200, rng)
    train_loader = DataLoader(train_docs, batch_size=16, shuffle=True, collate_fn=collate_batch)
    test_loader = DataLoader(test_docs, batch_size=64, shuffle=False, collate_fn=collate_batch)
    results = {}
    for name, model, lr in [("embedding_bag", TextClassificationModel(VOCAB, 32, CLASSES), 5.0),
                            ("padded_embedding", PaddedMeanModel(VOCAB, 32, CLASSES), 2.0)]:
        losses, acc = run(model, train_loader, test_loader, lr)
        print(f"{name}: loss {losses[0]:.3f} -> {losses[-1]:.3f}, accuracy {acc:.3f}")
        results[name] = {"losses": losses, "accuracy": acc}
    pad_row = model.embedding.weight[PAD].abs().sum().item()
    print("RESULT " + json.dumps({**results, "padding_row_norm": pad_row}))


if __name__ == "__main__":
    main()
