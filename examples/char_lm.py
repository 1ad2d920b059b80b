"""Train a small character-level Transformer language model on fx's own documentation, PyTorch-style.

The corpus is the repository's own text, read when the program starts: README.md, docs/**/*.md and
*.rst (build output excluded), examples/README.md and packages/*/README.md, in sorted order, so a
given checkout always gives the same text. It is cut into 1,024-character blocks; every tenth block
is held out for validation. The model is a causal Transformer (token + learned position embeddings,
pre-norm nn.TransformerEncoder with a causal mask, final LayerNorm, linear head) trained with AdamW,
a one-cycle learning-rate schedule and gradient clipping on random windows of the training text.
The progress bar shows the loss of every step; at the end the program prints the validation loss,
a greedy sample and a top-k sample.

Run it (from the repository root, with the fx packages and tqdm installed):

    python examples/char_lm.py                 # defaults: a minute or two on two cores
    python examples/char_lm.py --steps 20      # a few seconds: the smoke test
"""

from __future__ import annotations

import argparse
import glob
import math
import os
import sys
import time

from tqdm import tqdm

import fx.nn.functional as F
import fx.tensor as ft
from fx import nn, optim
from fx.autograd import no_grad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_PATTERNS = ("README.md", "docs/**/*.md", "docs/**/*.rst", "examples/README.md", "packages/*/README.md")
BLOCK, VAL_EVERY = 1024, 10  # every VAL_EVERY-th block of BLOCK characters is validation text
D_MODEL, HEADS, LAYERS, FEEDFORWARD, DROPOUT = 128, 4, 2, 512, 0.1
EXAMPLES = """examples:
  python examples/char_lm.py                        train with the defaults
  python examples/char_lm.py --steps 20             a quick run (smoke test)
  python examples/char_lm.py --top-k 5 --temperature 0.6 --prompt "The "
  python examples/char_lm.py --out runs/char_lm     also save the model and vocabulary
"""


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Show defaults and keep the examples' line breaks."""


def parse_args(argv=None):
    """The command line (see --help)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=EXAMPLES, formatter_class=HelpFormatter)
    p.add_argument("--steps", type=int, default=600, help="training steps (one batch each)")
    p.add_argument("--batch-size", type=int, default=32, help="windows of text per step")
    p.add_argument("--seq-len", type=int, default=64, help="characters per window (the model's context)")
    p.add_argument("--lr", type=float, default=3e-3, help="AdamW's peak learning rate (one-cycle schedule)")
    p.add_argument("--seed", type=int, default=0, help="seed for the weights, the batches and the sampling")
    p.add_argument("--out", default=None, help="if given, save the model and vocabulary to OUT/checkpoint.safetensors")
    p.add_argument("--sample-len", type=int, default=200, help="characters to generate in each sample")
    p.add_argument("--prompt", default="fx ", help="text the samples start from")
    p.add_argument("--top-k", type=int, default=10, help="sample among the k most likely characters")
    p.add_argument("--temperature", type=float, default=0.8, help="divides the logits before top-k sampling")
    args = p.parse_args(argv)
    for name in ("steps", "batch_size", "seq_len", "sample_len", "top_k"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.temperature <= 0:
        p.error("--temperature must be positive")
    return args


def read_corpus(root):
    """(text, paths): the project's documentation files, sorted, joined by blank lines.

    Folders starting with "_" or "." (Sphinx's _build output, say) are skipped: they hold copies.
    """
    found = {os.path.relpath(p, root) for pattern in CORPUS_PATTERNS for p in glob.glob(os.path.join(root, pattern), recursive=True)}
    paths = sorted(p for p in found if os.path.isfile(os.path.join(root, p))
                   and not any(part.startswith(("_", ".")) for part in p.split(os.sep)[:-1]))
    texts = []
    for path in paths:
        with open(os.path.join(root, path), encoding="utf-8") as f:
            texts.append(f.read().strip())
    return "\n\n".join(texts), paths


def split_text(text):
    """(train, val): every VAL_EVERY-th block of BLOCK characters is validation (at least one block)."""
    blocks = [text[i:i + BLOCK] for i in range(0, len(text), BLOCK)]
    val_ids = set(range(VAL_EVERY - 1, len(blocks), VAL_EVERY)) or {len(blocks) - 1}
    train = "".join(b for i, b in enumerate(blocks) if i not in val_ids)
    val = "".join(b for i, b in enumerate(blocks) if i in val_ids)
    return train, val


def random_batch(data, batch_size, seq_len, generator):
    """(inputs, targets), each (batch_size, seq_len): random windows of `data` and the same shifted by one."""
    starts = ft.randint(0, len(data) - seq_len, (batch_size,), generator=generator)
    windows = data[starts.unsqueeze(1) + ft.arange(seq_len + 1)]
    return windows[:, :-1], windows[:, 1:]


class CharTransformer(nn.Module):
    """Causal Transformer over characters: embeddings -> pre-norm encoder with a causal mask -> logits."""

    def __init__(self, vocab_size, max_len):
        super().__init__()
        self.token = nn.Embedding(vocab_size, D_MODEL)
        self.position = nn.Embedding(max_len, D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, FEEDFORWARD, DROPOUT, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, vocab_size)

    def forward(self, idx):
        length = idx.shape[1]
        x = self.token(idx) + self.position(ft.arange(length))
        mask = nn.Transformer.generate_square_subsequent_mask(length)
        return self.head(self.norm(self.blocks(x, mask=mask, is_causal=True)))


def evaluate(model, data, batch_size, seq_len, max_windows=None):
    """Mean next-character cross-entropy over consecutive non-overlapping windows of `data`."""
    model.eval()
    n = (len(data) - 1) // seq_len
    n = n if max_windows is None else min(n, max_windows)
    starts = ft.arange(n) * seq_len
    total = 0.0
    with no_grad():
        for i in range(0, n, batch_size):
            windows = data[starts[i:i + batch_size].unsqueeze(1) + ft.arange(seq_len + 1)]
            logits = model(windows[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), windows[:, 1:].reshape(-1))
            total += loss.item() * len(windows)
    model.train()
    return total / n


def generate(model, prompt, length, seq_len, top_k=None, temperature=1.0, generator=None):
    """`prompt` (token ids) extended by `length` tokens: the most likely one (top_k None) or drawn among the top k."""
    model.eval()
    ids = list(prompt)
    with no_grad():
        for _ in range(length):
            logits = model(ft.tensor([ids[-seq_len:]]))[0, -1]
            if top_k is None:
                ids.append(int(logits.argmax()))
                continue
            values, indices = ft.topk(logits / temperature, min(top_k, len(logits)))
            choice = ft.multinomial(F.softmax(values, dim=-1), 1, generator=generator)
            ids.append(int(indices[choice]))
    model.train()
    return ids


def train(model, train_data, val_data, args, generator):
    """Run args.steps AdamW steps; returns the seconds spent in training steps (evaluations excluded)."""
    optimizer = optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=args.steps, pct_start=0.1)
    log_every = max(1, args.steps // 10)
    running, train_time = [], 0.0
    with tqdm(range(1, args.steps + 1), desc="training", unit="step", dynamic_ncols=True) as bar:
        for step in bar:
            t0 = time.perf_counter()
            lr = scheduler.get_last_lr()[0]  # the rate this step uses
            x, y = random_batch(train_data, args.batch_size, args.seq_len, generator)
            logits = model(x)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            value = loss.item()
            train_time += time.perf_counter() - t0
            running.append(value)
            bar.set_postfix(loss=f"{value:.3f}", lr=f"{lr:.1e}")
            if step % log_every == 0 or step == args.steps:
                # A fixed slice of the validation text keeps these checkpoints cheap; the final figure uses all of it.
                val = evaluate(model, val_data, args.batch_size, args.seq_len, max_windows=4 * args.batch_size)
                tqdm.write(f"step {step:5d}: train loss {sum(running) / len(running):.3f}  val loss {val:.3f}")
                running = []
    return train_time


def main(argv=None):
    """Read the corpus, train, evaluate and print two samples, per the command line."""
    args = parse_args(argv)
    text, paths = read_corpus(ROOT)
    train_text, val_text = split_text(text)
    if min(len(train_text), len(val_text)) <= args.seq_len:
        sys.exit(f"char_lm: the corpus ({len(text)} characters in {len(paths)} files) is too small for --seq-len {args.seq_len}")
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    train_data = ft.tensor([index[c] for c in train_text], dtype=ft.int64)
    val_data = ft.tensor([index[c] for c in val_text], dtype=ft.int64)
    print(f"corpus: {len(text):,} characters from {len(paths)} files, vocabulary {len(chars)}, "
          f"{len(train_text):,} train / {len(val_text):,} val; uniform guessing scores {math.log(len(chars)):.3f}")

    t0 = time.perf_counter()
    ft.manual_seed(args.seed)
    generator = ft.Generator().manual_seed(args.seed)
    model = CharTransformer(len(chars), args.seq_len)
    print(f"model: {sum(p.numel() for p in model.parameters()):,} parameters")
    train_time = train(model, train_data, val_data, args, generator)
    val_loss = evaluate(model, val_data, args.batch_size, args.seq_len)
    print(f"val loss {val_loss:.4f} (perplexity {math.exp(val_loss):.2f})  "
          f"training {1000 * train_time / args.steps:.1f} ms/step")

    if args.out:
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "checkpoint.safetensors")
        ft.save({"model": model.state_dict(), "vocabulary": "".join(chars), "seq_len": args.seq_len,
                 "steps": args.steps, "val_loss": val_loss}, path)
        print(f"saved {path}")

    unknown = sorted(set(args.prompt) - set(chars))
    if unknown:
        print(f"(prompt characters not in the vocabulary dropped: {''.join(unknown)!r})")
    prompt = [index[c] for c in args.prompt if c in index] or [index.get("\n", 0)]
    for name, top_k in (("greedy", None), (f"top-{args.top_k}, temperature {args.temperature}", args.top_k)):
        ids = generate(model, prompt, args.sample_len, args.seq_len, top_k, args.temperature, generator)
        print(f"\n--- {name} sample ---\n{''.join(chars[i] for i in ids)}")
    print(f"\nwall time {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
