"""GRU encoder-decoder with dot-product attention and teacher forcing, learning to reverse digit strings."""

import json
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

SOS, EOS, VOCAB = 10, 11, 12


class Encoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)

    def forward(self, src):
        outputs, hidden = self.gru(self.embedding(src))
        return outputs, hidden


class AttnDecoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, hidden)
        self.gru = nn.GRU(2 * hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, VOCAB)

    def step(self, token, hidden, enc_out):
        emb = self.embedding(token).unsqueeze(1)                      # (B, 1, H)
        scores = torch.bmm(hidden.transpose(0, 1), enc_out.transpose(1, 2))  # (B, 1, S)
        weights = F.softmax(scores, dim=-1)
        context = torch.bmm(weights, enc_out)                          # (B, 1, H)
        output, hidden = self.gru(torch.cat([emb, context], dim=2), hidden)
        return F.log_softmax(self.out(output.squeeze(1)), dim=-1), hidden

    def forward(self, enc_out, hidden, steps, target=None, teacher_forcing=0.0):
        token = torch.full((enc_out.size(0),), SOS, dtype=torch.long)
        outputs = []
        for t in range(steps):
            logp, hidden = self.step(token, hidden, enc_out)
            outputs.append(logp)
            if target is not None and random.random() < teacher_forcing:
                token = target[:, t]
            else:
                token = logp.argmax(-1).detach()
        return torch.stack(outputs, dim=1)


def make_batch(n, length, gen):
    src = torch.tensor([[gen.randrange(10) for _ in range(length)] for _ in range(n)])
    tgt = torch.cat([src.flip(1), torch.full((n, 1), EOS)], dim=1)
    return src, tgt


def init_(module):
    with torch.no_grad():
        for k, p in enumerate(module.parameters()):
            p.copy_(0.3 * torch.sin(torch.arange(p.numel()).float().view_as(p) * 1.3 + k))


def main():
    random.seed(0)
    torch.manual_seed(0)
    gen = random.Random(1)
    hidden, length = 32, 5
    encoder, decoder = Encoder(hidden), AttnDecoder(hidden)
    init_(encoder)
    init_(decoder)
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(params, lr=0.01)
    criterion = nn.NLLLoss()
    losses = []
    for _it in range(150):
        src, tgt = make_batch(32, length, gen)
        optimizer.zero_grad()
        enc_out, h = encoder(src)
        logp = decoder(enc_out, h, tgt.size(1), target=tgt, teacher_forcing=0.5)
        loss = criterion(logp.reshape(-1, VOCAB), tgt.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_value_(params, 1.0)
        optimizer.step()
        losses.append(loss.item())
    encoder.eval()
    decoder.eval()
    with torch.no_grad():
        src, tgt = make_batch(200, length, gen)
        enc_out, h = encoder(src)
        pred = decoder(enc_out, h, tgt.size(1)).argmax(-1)
        token_acc = (pred == tgt).float().mean().item()
        seq_acc = (pred == tgt).all(dim=1).float().mean().item()
    print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}, token acc {token_acc:.3f}, sequence acc {seq_acc:.3f}")
    print("RESULT " + json.dumps({"initial_loss": losses[0], "final_loss": losses[-1], "losses": losses,
                                  "token_accuracy": token_acc, "sequence_accuracy": seq_acc}))


if __name__ == "__main__":
    main()
