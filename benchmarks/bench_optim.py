"""Optimizer step time: fx (fused C kernel, and the pure fx-op reference) against PyTorch on CPU.

One optimizer step over a fixed set of parameters whose gradients are already set; prints a
markdown table of microseconds per step (median of several timed runs). PyTorch runs its default
CPU path (a per-tensor loop: foreach is only the default on GPUs) and, for reference, its
foreach=True and fused=True variants.

Usage: python benchmarks/bench_optim.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import fx.autograd  # noqa: F401
import fx.tensor as ft
from fx import optim
from fx.optim import _fused

try:
    import torch
except ImportError:  # the fx columns still print
    torch = None

MLP = [(64, 256), (256,), (256, 256), (256,), (256, 10), (10,)]


def transformer_lm(vocab=1000, d=128, layers=2, ff=512, ctx=64):
    """The parameter shapes of a 2-layer transformer LM (~0.5 M parameters in ~30 tensors)."""
    shapes = [(vocab, d), (ctx, d)]
    for _ in range(layers):
        shapes += [(d,), (d,), (3 * d, d), (3 * d,), (d, d), (d,), (d,), (d,), (ff, d), (ff,), (d, ff), (d,)]
    return shapes + [(d,), (d,), (vocab, d)]


CASES = {
    "MLP 64-256-256-10 (6 tensors, 85 K)": MLP,
    "transformer LM (30 tensors, 0.53 M)": transformer_lm(),
    "one 10 M tensor": [(10_000_000,)],
}


def _time(step, repeats, number):
    for _ in range(2):
        step()
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            step()
        runs.append((time.perf_counter() - t0) / number)
    return statistics.median(runs) * 1e6


def _fx_step(shapes, name, kwargs, fused):
    rng = np.random.default_rng(0)
    params = [ft.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True) for s in shapes]
    for p in params:
        p.grad = ft.tensor(rng.standard_normal(p.shape).astype(np.float32))
    opt = getattr(optim, name)(params, **kwargs)

    def step():
        saved = _fused.enabled
        _fused.enabled = fused
        try:
            opt.step()
        finally:
            _fused.enabled = saved

    return step


def _torch_step(shapes, name, kwargs, **flags):
    g = torch.Generator().manual_seed(0)
    params = [torch.randn(s, generator=g, requires_grad=True) for s in shapes]
    for p in params:
        p.grad = torch.randn(p.shape, generator=g)
    opt = getattr(torch.optim, name)(params, **kwargs, **flags)
    return opt.step


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args()
    repeats = 3 if args.quick else 7
    optimizers = [("Adam", dict(lr=1e-3)), ("AdamW", dict(lr=1e-3, weight_decay=1e-2)),
                  ("SGD", dict(lr=1e-2, momentum=0.9))]
    columns = ["fx fused", "fx pure"] + (["torch default", "torch foreach", "torch fused"] if torch else [])
    print(f"fx fused kernels available: {_fused.AVAILABLE}; torch: {torch.__version__ if torch else 'absent'}"
          f"{f', {torch.get_num_threads()} threads' if torch else ''}\n")
    print("| optimizer | parameters | " + " | ".join(c + " (µs)" for c in columns) + " | fused / torch default |")
    print("|---|---|" + "---|" * (len(columns) + 1))
    for label, shapes in CASES.items():
        n = sum(int(np.prod(s)) for s in shapes)
        number = max(1, int(2e6 // max(n, 1)))
        for name, kwargs in optimizers:
            if name != "Adam" and n > 1e6:
                continue
            times = [_time(_fx_step(shapes, name, kwargs, True), repeats, number),
                     _time(_fx_step(shapes, name, kwargs, False), max(2, repeats // 2), max(1, number // 4))]
            if torch:
                times.append(_time(_torch_step(shapes, name, kwargs), repeats, number))
                times.append(_time(_torch_step(shapes, name, kwargs, foreach=True), repeats, number))
                times.append(_time(_torch_step(shapes, name, kwargs, fused=True), repeats, number))
            ratio = f"{times[0] / times[2]:.2f}" if torch else "-"
            print(f"| {name} | {label} | " + " | ".join(f"{t:,.0f}" for t in times) + f" | {ratio} |")


if __name__ == "__main__":
    main()
