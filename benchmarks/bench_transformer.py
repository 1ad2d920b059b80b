"""Transformer LM training step (the fx.nn issue's target: 2 layers, d_model 128, 4 heads, feed-forward
512, seq 64, vocab 256, batch 32, causal, dropout 0.1), fx vs PyTorch with the same initial weights
and data, plus the fused attention kernel alone (milliseconds).

Model: token + learned position embeddings, TransformerEncoder (batch_first, norm_first, causal mask
with is_causal=True), final LayerNorm, linear head, cross-entropy over the next token.

Usage: python benchmarks/bench_transformer.py [--no-busy] [--quick]
"""

from __future__ import annotations

from harness import Case, ft, machine_info, np, parse_args, run_cases, torch

import fx.autograd  # noqa: F401  (installs the recorder)
import fx.nn as fnn
import fx.nn.functional as F

try:
    from fx import optim as foptim
except ImportError:
    foptim = None

VOCAB, D, HEADS, LAYERS, FF, SEQ, BATCH = 256, 128, 4, 2, 512, 64, 32


def _lm(nn):
    """The same LM class for fx.nn and torch.nn."""

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(VOCAB, D)
            self.pos = nn.Embedding(SEQ, D)
            layer = nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.1, batch_first=True, norm_first=True)
            self.encoder = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(D)
            self.head = nn.Linear(D, VOCAB)

        def forward(self, idx, positions, mask):
            x = self.tok(idx) + self.pos(positions)
            x = self.encoder(x, mask=mask, is_causal=True)
            return self.head(self.norm(x))

    return LM


def _data():
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, VOCAB, (BATCH, SEQ + 1))
    return tokens[:, :-1].copy(), tokens[:, 1:].copy()


def _models():
    torch.manual_seed(0)
    tm = _lm(torch.nn)()
    fm = _lm(fnn)()
    fm.load_state_dict({k: ft.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    return fm, tm


def _fx_step(model, opt):
    x, y = _data()
    idx, tgt = ft.tensor(x), ft.tensor(y).reshape(-1)
    positions = ft.arange(SEQ)
    mask = fnn.Transformer.generate_square_subsequent_mask(SEQ)

    def step():
        logits = model(idx, positions, mask)
        loss = F.cross_entropy(logits.reshape(-1, VOCAB), tgt)
        if opt is not None:
            opt.zero_grad()
        loss.backward()
        if opt is not None:
            opt.step()
        return loss

    return step


def _torch_step(model, opt):
    x, y = _data()
    idx, tgt = torch.tensor(x), torch.tensor(y).reshape(-1)
    positions = torch.arange(SEQ)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(SEQ)

    def step():
        logits = model(idx, positions, mask)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB), tgt)
        if opt is not None:
            opt.zero_grad()
        loss.backward()
        if opt is not None:
            opt.step()
        return loss

    return step


def _check_same_loss():
    """Both models in eval mode (no dropout) give the same loss: the comparison is like for like."""
    fm, tm = _models()
    fm.eval()
    tm.eval()
    a = float(_fx_step(fm, None)().item())
    b = float(_torch_step(tm, None)().item())
    return a, b


def _sdpa_case(repeat):
    rng = np.random.default_rng(1)
    arrs = [rng.standard_normal((BATCH, HEADS, SEQ, D // HEADS)).astype(np.float32) for _ in range(3)]
    g = rng.standard_normal((BATCH, HEADS, SEQ, D // HEADS)).astype(np.float32)
    fq = [ft.tensor(a, requires_grad=True) for a in arrs]
    tq = [torch.tensor(a, requires_grad=True) for a in arrs]
    fg, tg = ft.tensor(g), torch.tensor(g)

    def fx_run():
        F.scaled_dot_product_attention(*fq, is_causal=True).backward(fg)

    def torch_run():
        torch.nn.functional.scaled_dot_product_attention(*tq, is_causal=True).backward(tg)

    return Case(f"sdpa fwd+bwd ({BATCH}, {HEADS}, {SEQ}, {D // HEADS}) causal", fx_run, torch_run, repeat=repeat)


def cases(repeat):
    out = [_sdpa_case(repeat * 3)]
    fm, tm = _models()
    out.append(Case("LM forward+backward", _fx_step(fm, None), _torch_step(tm, None), repeat=repeat))
    if foptim is not None:
        fm, tm = _models()
        out.append(Case("LM training step (forward+backward+Adam)",
                        _fx_step(fm, foptim.Adam(fm.parameters(), lr=1e-3)),
                        _torch_step(tm, torch.optim.Adam(tm.parameters(), lr=1e-3)), repeat=repeat))
    return out


def main():
    args = parse_args(__doc__)
    print(f"_{machine_info()}_\n")
    if torch is None:
        print("torch is not installed: nothing to compare with")
        return
    a, b = _check_same_loss()
    print(f"initial eval-mode loss: fx {a:.6f}, torch {b:.6f}\n")
    run_cases(cases(5 if args.quick else 15), "Transformer LM (target: fx/torch <= 1.0)", with_busy=not args.no_busy)


if __name__ == "__main__":
    main()
