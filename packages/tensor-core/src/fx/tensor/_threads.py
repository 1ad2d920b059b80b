"""Intra-op threads of the C kernels: `get_num_threads` / `set_num_threads`, and fork safety."""

from __future__ import annotations

import os

from ._backend.cpu import _c

__all__ = ["get_num_threads", "set_num_threads"]


def get_num_threads() -> int:
    """Threads the C kernels use for one op (like `torch.get_num_threads`)."""
    return _c.num_threads()


def set_num_threads(n: int) -> None:
    """Set the threads the C kernels use for one op (like `torch.set_num_threads`)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"set_num_threads expects a positive integer, got {n!r}")
    _c.set_num_threads(n)


def _single_thread_in_child():
    # GNU OpenMP's thread pool does not survive fork(): a forked child that enters a parallel region
    # the parent had used hangs forever. Children (DataLoader workers, multiprocessing) run one thread,
    # as PyTorch's do.
    _c.set_num_threads(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_single_thread_in_child)
