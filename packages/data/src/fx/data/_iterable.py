"""shard_iterable: split any re-iterable across DataLoader workers and distributed ranks."""

from __future__ import annotations

import itertools

from ._dataset import IterableDataset
from ._distributed_sampler import world_info
from ._worker import get_worker_info

__all__ = ["shard_iterable"]


class ShardedIterable(IterableDataset):
    """Item i of `iterable` goes to rank `i % num_replicas`; a rank's items are dealt to its workers in turn."""

    def __init__(self, iterable, num_replicas, rank):
        self.iterable = iterable
        self.num_replicas = num_replicas
        self.rank = rank

    def __iter__(self):
        info = get_worker_info()
        worker, workers = (0, 1) if info is None else (info.id, info.num_workers)
        step = self.num_replicas
        return itertools.islice(iter(self.iterable), self.rank + step * worker, None, step * workers)

    def __len__(self):
        n = len(self.iterable)
        return max(0, (n - self.rank + self.num_replicas - 1) // self.num_replicas)

    def __repr__(self):
        return f"shard_iterable({self.iterable!r}, num_replicas={self.num_replicas}, rank={self.rank})"


def shard_iterable(iterable, num_replicas=None, rank=None):
    """An IterableDataset that yields this process's share of `iterable`, split again between workers.

    Every item goes to exactly one (rank, worker): item i to rank `i % num_replicas`, and that rank's
    j-th item to worker `j % num_workers`. Each worker iterates its own copy of `iterable` from the
    start and skips the others' items, so `iterable` must be re-iterable and give the same order
    every time (a list, a range, a dataset, a class whose `__iter__` re-opens its files).

    Args:
        iterable: what to shard.
        num_replicas: the number of distributed processes (default: from an initialized
            fx.distributed process group, else WORLD_SIZE, else 1).
        rank: this process's rank (default: from the process group, else RANK, else 0).

    Returns:
        An IterableDataset for a DataLoader.

    Example:
        >>> list(data.shard_iterable(range(10), num_replicas=2, rank=1))
        [1, 3, 5, 7, 9]
        >>> loader = data.DataLoader(data.shard_iterable(range(10)), batch_size=None, num_workers=2)
        >>> sorted(int(x) for x in loader)
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    """
    if num_replicas is None or rank is None:
        world, me = world_info() or (1, 0)
        num_replicas = world if num_replicas is None else num_replicas
        rank = me if rank is None else rank
    if not isinstance(num_replicas, int) or num_replicas < 1:
        raise ValueError(f"shard_iterable: num_replicas must be a positive int, got {num_replicas!r}")
    if not isinstance(rank, int) or not 0 <= rank < num_replicas:
        raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
    return ShardedIterable(iterable, num_replicas, rank)
