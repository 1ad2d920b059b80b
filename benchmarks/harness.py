"""Timing harness for the benchmarks: fx, PyTorch and NumPy variants of one workload, timed side by
side in one process, reported as markdown table rows with the ratios fx/torch and fx/numpy.

Timing: warmup calls (at least 0.1 s per variant), then rounds that run every variant once each (interleaved, so a noisy
neighbour slows all of them alike, in a rotating order) until each has `repeat` samples; the median
is reported.
`busy()` starts a busy-loop process pinned to the last core: PyTorch's OpenMP kernels wait on a
descheduled thread then, and the second pass shows how each library copes.

PyTorch and fx share one OpenMP runtime in a process (both load libgomp.so.1: whichever comes first
serves both), so the two run with the same thread count and wait policy.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

try:
    import torch
except ImportError:  # the fx and numpy columns still print
    torch = None

import numpy as np

try:
    import fx.tensor as ft
except ImportError:  # a source checkout without installed packages
    _root = pathlib.Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(p) for p in sorted((_root / "packages").glob("*/src"))]
    import fx.tensor as ft

__all__ = ["torch", "ft", "np", "compare", "busy", "table_header", "table_row", "machine_info", "Case", "run_cases"]


def compare(variants, repeat=15, warmup=3, min_round=0.0, warmup_time=0.1):
    """Median seconds per call of each callable in `variants` (name -> fn or None), interleaved.

    Each variant first runs `warmup` times and for at least `warmup_time` seconds: the first calls
    that allocate large arrays page-fault until malloc settles on reusing the memory."""
    fns = {k: f for k, f in variants.items() if f is not None}
    for f in fns.values():
        t0 = time.perf_counter()
        for i in itertools.count():
            f()
            if i + 1 >= warmup and time.perf_counter() - t0 >= warmup_time:
                break
    samples = {k: [] for k in fns}
    order = list(fns)
    for r in range(repeat):
        # Rotate the order each round: a variant that always ran right after a single-threaded
        # one would always find the OpenMP team asleep (both libraries share one team).
        for k in order[r % len(order):] + order[:r % len(order)]:
            f = fns[k]
            n, t0 = 0, time.perf_counter()
            while True:  # tiny calls repeat inside a round so the timer resolution does not matter
                f()
                n += 1
                dt = time.perf_counter() - t0
                if dt >= min_round:
                    break
            samples[k].append(dt / n)
    return {k: statistics.median(v) for k, v in samples.items()}


def _busy_loop_cmd():
    return [sys.executable, "-c", "while True: pass"]


@contextlib.contextmanager
def busy(core=None):
    """A busy-loop process on `core` (default: the last one) while the block runs."""
    ncpu = os.cpu_count() or 1
    core = ncpu - 1 if core is None else core

    def pin():
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {core})

    proc = subprocess.Popen(_busy_loop_cmd(), preexec_fn=pin)
    time.sleep(0.2)  # let it start spinning
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


class Case:
    """One workload: fx/torch/numpy callables (None where a library lacks it), a scale that turns
    seconds into the reported unit, and the unit's name."""

    def __init__(self, name, fx=None, torch=None, numpy=None, scale=1e3, unit="ms", repeat=15, min_round=0.0):
        self.name, self.unit, self.scale = name, unit, scale
        self.variants = {"fx": fx, "torch": torch, "numpy": numpy}
        self.repeat, self.min_round = repeat, min_round

    def run(self):
        t = compare(self.variants, repeat=self.repeat, min_round=self.min_round)
        return {k: t[k] * self.scale if k in t else None for k in self.variants}


def table_header(title=None):
    lines = [f"### {title}", ""] if title else []
    lines += ["| benchmark | unit | fx | torch | numpy | fx/torch | fx/numpy |",
              "|---|---|---:|---:|---:|---:|---:|"]
    return "\n".join(lines)


def _fmt(v):
    if v is None:
        return "-"
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def table_row(name, unit, times):
    fx_t, t_t, n_t = times.get("fx"), times.get("torch"), times.get("numpy")
    r_t = f"{fx_t / t_t:.2f}" if fx_t and t_t else "-"
    r_n = f"{fx_t / n_t:.2f}" if fx_t and n_t else "-"
    return f"| {name} | {unit} | {_fmt(fx_t)} | {_fmt(t_t)} | {_fmt(n_t)} | {r_t} | {r_n} |"


def run_cases(cases, title, with_busy=True, out=print):
    """Print one table of `cases`, and a second one with the other core busy."""
    passes = [(title, contextlib.nullcontext)]
    if with_busy and (os.cpu_count() or 1) > 1:
        passes.append((f"{title}, other core busy", busy))
    for heading, ctx in passes:
        out(table_header(heading))
        with ctx():
            for c in cases:
                out(table_row(c.name, c.unit, c.run()))
        out("")


def machine_info():
    """One line describing the machine and library versions."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    from fx.tensor._backend.cpu import _c

    parts = [cpu, f"{os.cpu_count()} cores", f"numpy {np.__version__}",
             f"torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "no torch",
             f"fx C kernels: {'on' if _c.AVAILABLE else 'off'} ({_c.num_threads()} threads, "
             f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')})"]
    return ", ".join(parts)


def parse_args(doc):
    import argparse

    p = argparse.ArgumentParser(description=doc)
    p.add_argument("--no-busy", action="store_true", help="skip the pass with the other core busy")
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    return p.parse_args()
