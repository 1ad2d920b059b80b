"""Transformer encoder sequence classifier: padding masks, sinusoidal positions, warmup LambdaLR, AdamW."""

import json
import math

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

PAD, VOCAB = 0, 20


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=64):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        return x + self.pe[:, : x.size(1)]


class Classifier(nn.Module):
    def __init__(self, d_model=32, nhead=4, layers=2, classes=2):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d_model, padding_idx=PAD)
        self.pos = PositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=layers, norm=nn.LayerNorm(d_model), enable_nested_tensor=False)
        self.head = nn.Linear(d_model, classes)

    def forward(self, tokens):
        pad_mask = tokens == PAD
        h = self.encoder(self.pos(self.embed(tokens) * math.sqrt(self.embed.embedding_dim)), src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.head(pooled)


def make_data(n, gen):
    """Label 1 when token 3 occurs more often than token 4 in a random-length sequence."""
    seqs, labels = [], []
    for _ in range(n):
        length = int(torch.randint(4, 16, (1,), generator=gen))
        seq = torch.randint(1, VOCAB, (length,), generator=gen)
        seqs.append(seq)
        labels.append(int((seq == 3).sum() > (seq == 4).sum()))
    return pad_sequence(seqs, batch_first=True, padding_value=PAD), torch.tensor(labels)


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(123)
    x_train, y_train = make_data(512, gen)
    x_test, y_test = make_data(256, gen)
    model = Classifier()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    warmup = 10
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup))
    criterion = nn.CrossEntropyLoss()
    losses = []
    for _epoch in range(6):
        model.train()
        perm = torch.randperm(len(x_train))
        for i in range(0, len(x_train), 64):
            idx = perm[i:i + 64]
            loss = criterion(model(x_train[idx]), y_train[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
    model.eval()
    with torch.inference_mode():
        acc = (model(x_test).argmax(1) == y_test).float().mean().item()
        majority = max(y_test.float().mean().item(), 1 - y_test.float().mean().item())
    first, last = sum(losses[:8]) / 8, sum(losses[-8:]) / 8
    print(f"loss {first:.3f} -> {last:.3f}; test accuracy {acc:.3f} (majority {majority:.3f})")
    print("RESULT " + json.dumps({"initial_loss": first, "final_loss": last, "accuracy": acc, "majority": majority}))


if __name__ == "__main__":
    main()
