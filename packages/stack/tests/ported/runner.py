"""Run a ported program (the PyTorch original, or its fx rewrite) in a subprocess and read its metrics.

Each program in programs/ ends by printing one line `RESULT <json>`; the runner returns that dict.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

from rewrite import rewrite_source

PROGRAMS = pathlib.Path(__file__).resolve().parent / "programs"
TIMEOUT_S = 300


class ProgramFailed(AssertionError):
    """The program exited with an error, timed out, or printed no RESULT line."""


def program_names() -> list[str]:
    return sorted(p.stem for p in PROGRAMS.glob("*.py"))


def _run(path: pathlib.Path, cwd: pathlib.Path, env: dict[str, str]) -> dict:
    try:
        proc = subprocess.run([sys.executable, str(path)], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise ProgramFailed(f"{path.name} ran past {TIMEOUT_S}s") from exc
    if proc.returncode != 0:
        raise ProgramFailed(f"{path.name} exited with {proc.returncode}:\n{proc.stderr[-4000:]}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise ProgramFailed(f"{path.name} printed no RESULT line:\n{proc.stdout[-2000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def run_fx(name: str, workdir: pathlib.Path) -> dict:
    """Rewrite programs/<name>.py to fx (imports only) and run it."""
    ported = workdir / f"{name}_fx.py"
    ported.write_text(rewrite_source((PROGRAMS / f"{name}.py").read_text()))
    return _run(ported, workdir, dict(os.environ))


def run_torch(name: str, workdir: pathlib.Path) -> dict:
    """Run the PyTorch original; one intra-op thread keeps it from contending with parallel test workers."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return _run(PROGRAMS / f"{name}.py", workdir, env)
