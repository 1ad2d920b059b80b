"""DistributedSampler, and where fx.data learns the world size and rank without importing fx.distributed."""

from __future__ import annotations

import math
import os
import sys

import fx.tensor as ft

from ._sampler import Sampler

__all__ = ["DistributedSampler"]


def world_info():
    """(world_size, rank) of an initialized fx.distributed process group, else from the launcher's
    WORLD_SIZE/RANK environment variables, else None.

    fx.data sits below fx.distributed, so it only looks at the module if the program imported it.
    """
    dist = sys.modules.get("fx.distributed")
    if dist is not None:
        try:
            if dist.is_initialized():
                return int(dist.get_world_size()), int(dist.get_rank())
        except AttributeError:
            pass
    if "WORLD_SIZE" in os.environ and "RANK" in os.environ:
        try:
            return int(os.environ["WORLD_SIZE"]), int(os.environ["RANK"])
        except ValueError:
            return None
    return None


class DistributedSampler(Sampler):
    """The share of the dataset's keys that belongs to one of `num_replicas` processes.

    Every rank sees `ceil(len / num_replicas)` keys (the list is padded by repeating its start), or
    `floor` of it with `drop_last`. With `shuffle`, the order is a permutation seeded by `seed + epoch`:
    call `set_epoch(epoch)` before each epoch so every epoch differs and all ranks agree.

    Args:
        dataset: a sized dataset.
        num_replicas: number of processes (default: the initialized process group's world size,
            else the launcher's WORLD_SIZE).
        rank: this process's rank (default: from the process group, else RANK).
        shuffle: permute the keys (default True).
        seed: base seed shared by all ranks (default 0).
        drop_last: drop the tail instead of padding to a multiple of num_replicas.

    Example:
        >>> list(data.DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False))
        [1, 3, 0]
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            info = world_info()
            if info is None:
                raise RuntimeError("DistributedSampler: num_replicas/rank were not given and no process group is "
                                   "initialized (call fx.distributed.init_process_group first, run under a launcher "
                                   "that sets WORLD_SIZE and RANK, or pass num_replicas= and rank=)")
            num_replicas = info[0] if num_replicas is None else num_replicas
            rank = info[1] if rank is None else rank
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            g = ft.Generator().manual_seed(self.seed + self.epoch)
            indices = ft.randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            pad = self.total_size - len(indices)
            if pad and indices:
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Set the epoch: with shuffle, each epoch's order is seeded by `seed + epoch`."""
        self.epoch = epoch
