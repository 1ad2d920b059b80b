"""fx.tensor basics: matmul throughput (GFLOP/s), and `import fx.tensor` time and memory.

Usage: python benchmarks/bench_core.py [--no-busy] [--quick]
"""

from __future__ import annotations

import subprocess
import sys

from harness import Case, ft, machine_info, np, parse_args, run_cases, torch

# Peak RSS from /proc (VmHWM): ru_maxrss of a child started by fork+exec also counts the parent's pages.
_IMPORT_PROBE = (
    "import time; t = time.perf_counter(); import {mod}; dt = time.perf_counter() - t; "
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]; "
    "print(dt, int(hwm) / 1024)"
)


def _import_cost(mod, runs):
    """Median seconds and peak RSS (MB) of importing `mod` in a fresh interpreter."""
    times, rss = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE.format(mod=mod)], capture_output=True, text=True,
                             check=True).stdout.split()
        times.append(float(out[0]))
        rss.append(float(out[1]))
    return float(np.median(times)), float(np.median(rss))


def matmul_cases(repeat):
    cases = []
    for n in (1024, 2048):
        rng = np.random.default_rng(n)
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        fa, fb = ft.from_numpy(a), ft.from_numpy(b)
        ta, tb = (torch.from_numpy(a), torch.from_numpy(b)) if torch else (None, None)
        # Reported as ms; GFLOP/s = 2 n^3 / time, printed below the table.
        cases.append(Case(f"matmul {n}x{n} f32", lambda fa=fa, fb=fb: fa @ fb,
                          (lambda ta=ta, tb=tb: ta @ tb) if torch else None, lambda a=a, b=b: a @ b,
                          repeat=repeat))
    return cases


def main():
    args = parse_args(__doc__)
    print(f"_{machine_info()}_\n")
    cases = matmul_cases(5 if args.quick else 11)
    rows = []
    run_cases(cases, "Matrix multiply", with_busy=not args.no_busy, out=rows.append)
    print("\n".join(rows))
    print("GFLOP/s from the table: 2 n^3 / (ms * 1e6); fx/numpy >= 0.9 is the target (90% of NumPy's GFLOP/s).\n")
    runs = 3 if args.quick else 7
    print("### Import cost (fresh interpreter, median)\n")
    print("| module | seconds | peak RSS MB |")
    print("|---|---:|---:|")
    for mod in ("fx.tensor", "torch", "numpy"):
        try:
            t, rss = _import_cost(mod, runs)
        except subprocess.CalledProcessError:
            continue
        print(f"| {mod} | {t:.3f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
