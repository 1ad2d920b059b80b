"""Run every benchmarks/bench_*.py (each in its own process) and write benchmarks/results/latest.md.

Usage: python benchmarks/run.py [--no-busy] [--quick] [--only NAME ...]
Extra flags are passed to every benchmark script.
"""

from __future__ import annotations

import argparse
import datetime
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--only", nargs="*", help="benchmark names, e.g. softmax elementwise")
    args, passthrough = p.parse_known_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.only]
    env = dict(os.environ)
    src = os.pathsep.join(str(s) for s in sorted((HERE.parent / "packages").glob("*/src")))
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    parts = [f"# Benchmarks\n\nRun {datetime.datetime.now():%Y-%m-%d %H:%M} by `python benchmarks/run.py "
             f"{' '.join(sys.argv[1:])}`. Medians; ratios below 1 mean fx is faster.\n"]
    failed = []
    for script in scripts:
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        proc = subprocess.run([sys.executable, str(script), *passthrough], cwd=HERE, env=env,
                              capture_output=True, text=True)
        out = proc.stdout.strip()
        if proc.returncode:
            failed.append(script.name)
            out += f"\n\n**{script.name} failed** (exit {proc.returncode}):\n\n```\n{proc.stderr[-2000:]}\n```"
        parts.append(f"## {script.stem.removeprefix('bench_')}\n\n{out}\n")
        print(out, flush=True)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text("\n".join(parts))
    print(f"wrote {results / 'latest.md'}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
