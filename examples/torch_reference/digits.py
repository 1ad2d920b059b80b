"""PyTorch version of examples/digits.py: the same CNN, data, settings, checkpoints and --resume.

The data is scikit-learn's bundled `load_digits` (1,797 8x8 grayscale images, no download), split
80/20 with a fixed seed and normalised with the training set's mean and std. Each epoch shows a
progress bar (loss, samples/s), then evaluates on the test split and saves the full training state
(model, optimizer, scheduler, data-loader position, RNG states, loss history) to
`<out>/checkpoint.safetensors` with `fx.tensor.save` (safetensors, no pickle) and redraws
`<out>/loss.png`. `--resume` continues from the last saved epoch and reaches bitwise the same
weights as an uninterrupted run (on CPU).

It is the reference that `benchmarks/bench_examples.py` times fx's program against: every line
mirrors a line of examples/digits.py, with torch in place of fx. Differences: the 80/20 split is
drawn by torch's random generator, so with the same seed it is a different split from fx's; the
checkpoint is `torch.save`'s pickle (`checkpoint.pt`); torch's DataLoader has no `state_dict`, so
the loader is restored through its shuffling generator alone (enough at epoch boundaries, where
checkpoints are written).

    python examples/torch_reference/digits.py --epochs 4
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import matplotlib

matplotlib.use("Agg")  # write files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402
from tqdm import tqdm  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from torch import nn, no_grad, optim  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

CHECKPOINT = "checkpoint.pt"
# Settings a resumed run must share with the run it continues, or it would not reproduce it.
RUN_SETTINGS = ("batch_size", "lr", "seed")
EXAMPLES = """examples:
  python examples/torch_reference/digits.py                      train with the defaults (>= 97%)
  python examples/torch_reference/digits.py --epochs 4 --stop-after 2 --out runs/a
  python examples/torch_reference/digits.py --epochs 4 --resume --out runs/a
"""


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Show defaults and keep the examples' line breaks."""


def parse_args(argv=None):
    """The command line (see --help)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=EXAMPLES,
                                formatter_class=HelpFormatter)
    p.add_argument("--epochs", type=int, default=12, help="total number of training epochs")
    p.add_argument("--batch-size", type=int, default=32, help="training samples per step")
    p.add_argument("--lr", type=float, default=1e-2, help="Adam's initial learning rate (halved every 4 epochs)")
    p.add_argument("--out", default=os.path.join("runs", "digits"),
                   help="run directory: checkpoint.pt and loss.png are written here")
    p.add_argument("--resume", action="store_true",
                   help="continue the run saved in --out from its last completed epoch")
    p.add_argument("--workers", type=int, default=0,
                   help="DataLoader worker processes (0: load batches in the main process)")
    p.add_argument("--seed", type=int, default=0, help="seed for the split, the weights and the shuffling")
    p.add_argument("--stop-after", type=int, default=None, metavar="EPOCH",
                   help="stop after this epoch as if interrupted (to try --resume)")
    return p.parse_args(argv)


def load_digits_split(seed, test_fraction=0.2):
    """(train, test) TensorDatasets of normalised (1, 8, 8) images and int64 labels, split at random."""
    digits = load_digits()
    images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1)  # (N, 1, 8, 8) in 0..16
    labels = torch.tensor(digits.target, dtype=torch.int64)
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
    n_test = int(len(labels) * test_fraction)
    test_idx, train_idx = order[:n_test], order[n_test:]
    mean, std = images[train_idx].mean(), images[train_idx].std()
    images = (images - mean) / std
    return (TensorDataset(images[train_idx], labels[train_idx]),
            TensorDataset(images[test_idx], labels[test_idx]))


class DigitsCNN(nn.Module):
    """Two 3x3 conv + max-pool stages (1 -> 16 -> 32 channels, 8x8 -> 2x2) and a linear classifier."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(32 * 2 * 2, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def train_epoch(model, loader, optimizer, desc):
    """One pass over `loader`; returns the mean training loss and the number of samples seen."""
    model.train()
    total_loss, seen = 0.0, 0
    with tqdm(total=len(loader.dataset), desc=desc, unit="img", leave=True, dynamic_ncols=True) as bar:
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_loss = loss.item()
            total_loss += batch_loss * len(y)
            seen += len(y)
            bar.update(len(y))
            bar.set_postfix(loss=f"{batch_loss:.4f}")
    return total_loss / seen, seen


def evaluate(model, dataset):
    """(mean loss, accuracy) on the whole dataset in one batch."""
    model.eval()
    x, y = dataset.tensors
    with no_grad():
        logits = model(x)
        loss = F.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, accuracy


def save_checkpoint(path, epoch, args, model, optimizer, scheduler, loader, generator, history):
    """Everything needed to continue bitwise: weights, optimizer/scheduler/loader state, RNG states."""
    torch.save({
        "epoch": epoch,
        "settings": {name: getattr(args, name) for name in RUN_SETTINGS},
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "rng": {"default": torch.get_rng_state(), "loader": generator.get_state()},
        "history": history,
    }, path)


def load_checkpoint(path, args, model, optimizer, scheduler, loader, generator):
    """Restore what `save_checkpoint` wrote; returns (last completed epoch, history)."""
    state = torch.load(path)
    for name, saved in state["settings"].items():
        if getattr(args, name) != saved:
            flag = "--" + name.replace("_", "-")
            sys.exit(f"--resume: {path} was trained with {flag} {saved}, got {getattr(args, name)}; "
                     f"pass {flag} {saved} to continue it")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    generator.set_state(state["rng"]["loader"])
    torch.set_rng_state(state["rng"]["default"])
    return state["epoch"], state["history"]


def plot_history(history, path):
    """Training and test loss per epoch (and test accuracy) into a PNG."""
    epochs = range(1, len(history["train_loss"]) + 1)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(epochs, history["train_loss"], "o-", label="train loss")
    ax.plot(epochs, history["test_loss"], "s-", label="test loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy")
    ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    acc = ax.twinx()
    acc.plot(epochs, [100 * a for a in history["test_acc"]], "^--", color="tab:green", label="test accuracy")
    acc.set_ylabel("test accuracy (%)")
    lines = ax.get_lines() + acc.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="center right")
    ax.set_title("PyTorch: CNN on scikit-learn digits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    """Train (or resume) per the command line, evaluating, checkpointing and plotting every epoch."""
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, CHECKPOINT)

    torch.manual_seed(args.seed)
    train_set, test_set = load_digits_split(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers,
                        generator=generator)
    model = DigitsCNN()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)

    start, history = 0, {"train_loss": [], "test_loss": [], "test_acc": []}
    if args.resume:
        if not os.path.exists(checkpoint):
            sys.exit(f"--resume: no checkpoint in {args.out} (expected {checkpoint})")
        start, history = load_checkpoint(checkpoint, args, model, optimizer, scheduler, loader, generator)
        print(f"resuming {checkpoint} after epoch {start}")

    last = args.epochs if args.stop_after is None else min(args.epochs, args.stop_after)
    seen, train_time, t0 = 0, 0.0, time.perf_counter()
    for epoch in range(start + 1, last + 1):
        t_epoch = time.perf_counter()
        train_loss, n = train_epoch(model, loader, optimizer, f"epoch {epoch:2d}/{args.epochs}")
        train_time += time.perf_counter() - t_epoch
        scheduler.step()
        seen += n
        test_loss, test_acc = evaluate(model, test_set)
        for key, value in zip(("train_loss", "test_loss", "test_acc"), (train_loss, test_loss, test_acc)):
            history[key].append(value)
        tqdm.write(f"epoch {epoch:2d}: train loss {train_loss:.4f}  test loss {test_loss:.4f}  "
                   f"test accuracy {100 * test_acc:.2f}%")
        save_checkpoint(checkpoint, epoch, args, model, optimizer, scheduler, loader, generator, history)
        plot_history(history, os.path.join(args.out, "loss.png"))
    wall = time.perf_counter() - t0

    if seen == 0:
        print(f"nothing to train: {checkpoint} already holds epoch {start} of {args.epochs}")
        return
    print(f"test accuracy {100 * history['test_acc'][-1]:.2f}%  wall time {wall:.1f} s  "
          f"training {seen / train_time:.0f} samples/s  (run dir: {args.out})")


if __name__ == "__main__":
    main()
