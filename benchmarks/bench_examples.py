"""The example programs side by side: examples/digits.py and examples/char_lm.py against their PyTorch
versions in examples/torch_reference/ (the same programs line for line, torch in place of fx).

Each program runs as its own process with the same settings, fx and torch alternating (the order
swaps every repeat, so a noisy neighbour hurts both alike); figures are medians over the repeats.
Reported: training time per epoch (digits: from the program's own samples/s, evaluation and
checkpointing excluded) or per 100 steps (char_lm: from its ms/step, evaluations excluded), the
final test accuracy / validation loss, and the whole process's wall time (imports, data, training,
evaluation, checkpoints or samples). Two passes: each library with its default thread count (both
use every core), then both with OMP_NUM_THREADS=1 (one core each: the per-core cost of the kernels
and of the Python around them, and far less sensitive to other load on the machine).

Usage: python benchmarks/bench_examples.py [--quick]   (--quick: shorter runs, one repeat)
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

from harness import machine_info, parse_args, torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROGRAMS = {"fx": ROOT / "examples", "torch": ROOT / "examples" / "torch_reference"}
DIGITS_TRAIN = 1797 - int(1797 * 0.2)  # training images of digits.py's 80/20 split


def run_program(path, args, extra_env):
    """(stdout, seconds) of one run of `path`; a failure ends the benchmark with the program's stderr."""
    env = {**os.environ, **extra_env}
    src = os.pathsep.join(str(s) for s in sorted((ROOT / "packages").glob("*/src")))
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(path), *args], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(f"{path.relative_to(ROOT)} {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout, wall


def digits_figures(stdout, wall):
    """{training seconds per epoch, test accuracy %, wall seconds} from digits.py's last line."""
    m = re.search(r"test accuracy ([\d.]+)%\s+wall time [\d.]+ s\s+training (\d+) samples/s", stdout)
    return {"epoch": DIGITS_TRAIN / int(m.group(2)), "quality": float(m.group(1)), "wall": wall} if m else None


def char_lm_figures(stdout, wall):
    """{training seconds per 100 steps, validation loss, wall seconds} from char_lm.py's summary line."""
    m = re.search(r"val loss ([\d.]+) .*training ([\d.]+) ms/step", stdout)
    return {"epoch": float(m.group(2)) / 10, "quality": float(m.group(1)), "wall": wall} if m else None


def measure(name, args, figures, repeats, tmp, extra_env):
    """Median figures of fx's and torch's `name` over `repeats` alternating runs."""
    samples = {lib: [] for lib in PROGRAMS}
    for r in range(repeats):
        for lib in (list(PROGRAMS) if r % 2 == 0 else list(PROGRAMS)[::-1]):
            print(f"  {name} ({lib}, run {r + 1}/{repeats}, {extra_env or 'default threads'}) ...", file=sys.stderr, flush=True)
            out_args = ["--out", os.path.join(tmp, f"{name}-{lib}-{r}")] if name == "digits" else []
            stdout, wall = run_program(PROGRAMS[lib] / f"{name}.py", [*args, *out_args], extra_env)
            found = figures(stdout, wall)
            if found is None:
                sys.exit(f"{name} ({lib}): no summary line in its output:\n{stdout[-2000:]}")
            samples[lib].append(found)
    return {lib: {k: statistics.median(s[k] for s in runs) for k in runs[0]} for lib, runs in samples.items()}


def rows(title, unit, quality, medians):
    """Markdown rows: the training time, the quality figure and the wall time of one program."""
    fx, tc = medians["fx"], medians["torch"]
    return [f"| {title} | training time per {unit} (s) | {fx['epoch']:.3g} | {tc['epoch']:.3g} | {fx['epoch'] / tc['epoch']:.2f} |",
            f"| {title} | {quality} | {fx['quality']:.4g} | {tc['quality']:.4g} | - |",
            f"| {title} | process wall time (s) | {fx['wall']:.3g} | {tc['wall']:.3g} | {fx['wall'] / tc['wall']:.2f} |"]


def main():
    args = parse_args(__doc__)
    print(f"_{machine_info()}_\n")
    if torch is None:
        print("torch is not installed: nothing to compare with")
        return
    missing = [m for m in ("tqdm", "sklearn", "matplotlib") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"skipped: the example programs need {', '.join(missing)} (pip install tqdm scikit-learn matplotlib)")
        return
    repeats = 1 if args.quick else 3
    epochs, steps = (2, 30) if args.quick else (4, 60)
    digits_args = ["--epochs", str(epochs)]
    lm_args = ["--steps", str(steps), "--sample-len", "50"]
    for title, extra_env in (("default threads", {}), ("one thread each", {"OMP_NUM_THREADS": "1"})):
        with tempfile.TemporaryDirectory(prefix="fx-bench-examples-") as tmp:
            digits = measure("digits", digits_args, digits_figures, repeats, tmp, extra_env)
            lm = measure("char_lm", lm_args, char_lm_figures, repeats, tmp, extra_env)
        print(f"### Examples side by side, {title} (median of {repeats} alternating run{'s' * (repeats > 1)} each)\n")
        print("| program | figure | fx | torch | fx/torch |\n|---|---|---:|---:|---:|")
        print("\n".join(rows(f"digits.py {' '.join(digits_args)}", "epoch", "final test accuracy (%)", digits)))
        print("\n".join(rows(f"char_lm.py {' '.join(lm_args)}", "100 steps", "final val loss", lm)))
        print(flush=True)
    print("The two digits programs split the data with their own library's generator (same seed, different "
          "split); the char_lm programs share the corpus and split, and differ in initial weights and batches.")


if __name__ == "__main__":
    main()
