"""Thread control of the C kernels, and fork safety of the OpenMP runtime."""

import multiprocessing as mp
import os

import pytest

import fx.tensor as ft


def test_set_and_get_num_threads():
    before = ft.get_num_threads()
    try:
        ft.set_num_threads(1)
        assert ft.get_num_threads() == 1
    finally:
        ft.set_num_threads(before)
    with pytest.raises(ValueError, match="positive integer"):
        ft.set_num_threads(0)


def _child(q):
    x = ft.randn(1 << 18)  # large enough for the parallel path
    q.put((ft.get_num_threads(), float(ft.exp(x).sum())))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_runs_kernels_without_hanging():
    ft.exp(ft.randn(1 << 18)).sum()  # the parent has used its OpenMP team
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    p.join(timeout=30)
    alive = p.is_alive()
    if alive:
        p.kill()
    assert not alive, "a forked child hung in an OpenMP kernel"
    threads, total = q.get(timeout=5)
    assert threads == 1 and total > 0
