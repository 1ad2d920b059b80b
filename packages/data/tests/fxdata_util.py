"""Shared by fx.data tests (conftest puts this directory on sys.path): subprocess scripts, leak checks."""

import os
import pathlib
import subprocess
import sys
import textwrap

import fx.data
import fx.tensor

SHM = fx.data._shm.shm_dir()


def _src_dir(module):
    return str(pathlib.Path(module.__file__).resolve().parents[2])


def run_script(code, timeout=60, args=()):
    """Run `code` in a fresh interpreter that imports this checkout's fx.tensor/fx.data; returns CompletedProcess."""
    env = dict(os.environ)
    paths = [_src_dir(fx.tensor), _src_dir(fx.data)]
    env["PYTHONPATH"] = os.pathsep.join(paths + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def start_script(code, args=()):
    env = dict(os.environ)
    paths = [_src_dir(fx.tensor), _src_dir(fx.data)]
    env["PYTHONPATH"] = os.pathsep.join(paths + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def shm_files(pid=None):
    """Segment files left by the DataLoader iterators of process `pid` (default: this one)."""
    prefix = f"fxdata_{os.getpid() if pid is None else pid}_"
    return sorted(n for n in os.listdir(SHM) if n.startswith(prefix))


def alive(pid):
    """True if `pid` is a running (not zombie) process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")
