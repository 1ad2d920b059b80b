"""Character-level LSTM language model on variable-length lines: pack_padded_sequence + grad clipping."""

import json

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

TEXT = """the quick brown fox jumps over the lazy dog
a stitch in time saves nine
all that glitters is not gold
the early bird catches the worm
actions speak louder than words
practice makes perfect
better late than never
when in rome do as the romans do"""

PAD = 0


class CharLM(nn.Module):
    def __init__(self, vocab_size, embed=16, hidden=48, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed, padding_idx=PAD)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, tokens, lengths, state=None):
        emb = self.embed(tokens)
        packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        out, state = self.lstm(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.size(1))
        return self.head(out), state


def init_weights(model):
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            ramp = torch.arange(p.numel(), dtype=torch.float32).reshape(p.shape)
            p.copy_(0.2 * torch.cos(ramp * 0.61 + i))


def generate(model, stoi, itos, prefix, steps=20):
    model.eval()
    tokens = torch.tensor([[stoi[c] for c in prefix]])
    out = prefix
    state = None
    with torch.no_grad():
        logits, state = model(tokens, torch.tensor([tokens.size(1)]), state)
        for _ in range(steps):
            nxt = logits[0, -1].argmax().item()
            out += itos[nxt]
            logits, state = model(torch.tensor([[nxt]]), torch.tensor([1]), state)
    return out


def main():
    torch.manual_seed(0)
    chars = sorted(set(TEXT))
    stoi = {c: i + 1 for i, c in enumerate(chars)}
    itos = {i: c for c, i in stoi.items()}
    lines = [torch.tensor([stoi[c] for c in line]) for line in TEXT.splitlines()]
    inputs = pad_sequence([line[:-1] for line in lines], batch_first=True, padding_value=PAD)
    targets = pad_sequence([line[1:] for line in lines], batch_first=True, padding_value=PAD)
    lengths = torch.tensor([len(line) - 1 for line in lines])

    model = CharLM(len(chars) + 1)
    init_weights(model)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    losses, norms = [], []
    for _step in range(60):
        model.train()
        optimizer.zero_grad()
        logits, _ = model(inputs, lengths)
        loss = criterion(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
        loss.backward()
        norms.append(float(nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)))
        optimizer.step()
        losses.append(loss.item())
    sample = generate(model, stoi, itos, "the ")
    print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}; sample: {sample!r}")
    print("RESULT " + json.dumps({"initial_loss": losses[0], "final_loss": losses[-1], "losses": losses,
                                  "first_grad_norm": norms[0], "sample": sample}))


if __name__ == "__main__":
    main()
