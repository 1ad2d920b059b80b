"""fx.data test setup: `fxdata_util` importable from test modules, and the `no_leaks` fixture."""

import gc
import multiprocessing
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from fxdata_util import shm_files  # noqa: E402


@pytest.fixture
def no_leaks():
    """Fail a test that leaves worker processes or shared-memory segments behind."""
    yield
    gc.collect()
    children = multiprocessing.active_children()
    leftovers = shm_files()
    for p in children:
        p.kill()
    assert not children, f"worker processes left running: {children}"
    assert not leftovers, f"shared-memory segments left behind: {leftovers}"
