"""Check that `digits.py --resume` reproduces an uninterrupted run bitwise; exit 1 if it does not.

Runs examples/digits.py three times in a temporary directory: 4 epochs straight through; 4 epochs
stopped after epoch 2 (`--stop-after 2`); then `--resume` of that run up to epoch 4. The two final
checkpoints must hold identical bytes for every model weight and optimizer/scheduler state entry.

    python examples/check_resume.py [--epochs 4] [--stop-after 2] [--workers 0]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import fx.tensor as ft

DIGITS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits.py")


def run_digits(*args):
    """Run digits.py with `args`; its progress bars go to our stderr, a failure ends the check."""
    result = subprocess.run([sys.executable, DIGITS, *args], stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"check_resume: digits.py {' '.join(args)} failed (exit {result.returncode}):\n{result.stdout}")
    return result.stdout


def differences(a, b, path=""):
    """Paths where the nested checkpoint values `a` and `b` differ (tensors compared byte for byte)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(map(str, a))} != {sorted(map(str, b))}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}.{k}" if path else str(k))]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    if ft.is_tensor(a) and ft.is_tensor(b):
        same = a.dtype == b.dtype and a.shape == b.shape and a.numpy().tobytes() == b.numpy().tobytes()
        return [] if same else [f"{path}: tensors differ"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=4, help="total epochs of both runs")
    p.add_argument("--stop-after", type=int, default=2, help="epoch after which the second run is interrupted")
    p.add_argument("--workers", type=int, default=0, help="DataLoader workers of the interrupted/resumed run")
    args = p.parse_args(argv)
    if not 0 < args.stop_after < args.epochs:
        p.error("--stop-after must lie between 0 and --epochs")

    with tempfile.TemporaryDirectory(prefix="fx-check-resume-") as tmp:
        straight, resumed = os.path.join(tmp, "straight"), os.path.join(tmp, "resumed")
        epochs = ["--epochs", str(args.epochs)]
        run_digits(*epochs, "--out", straight)
        run_digits(*epochs, "--out", resumed, "--workers", str(args.workers), "--stop-after", str(args.stop_after))
        out = run_digits(*epochs, "--out", resumed, "--workers", str(args.workers), "--resume")
        if f"after epoch {args.stop_after}" not in out:
            sys.exit(f"check_resume: the resumed run did not start after epoch {args.stop_after}:\n{out}")
        a, b = (ft.load(os.path.join(d, "checkpoint.safetensors")) for d in (straight, resumed))
    diffs = [d for key in ("epoch", "model", "optimizer", "scheduler", "history")
             for d in differences(a[key], b[key], key)]
    if diffs:
        print("check_resume: FAILED, the resumed run differs from the uninterrupted one:", *diffs[:20], sep="\n  ")
        return 1
    n = len(a["model"])
    print(f"check_resume: OK, {args.epochs} epochs resumed after epoch {args.stop_after} match the uninterrupted "
          f"run bitwise ({n} weight tensors, optimizer, scheduler and loss history)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
