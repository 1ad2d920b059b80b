"""Samplers: the order in which a DataLoader visits dataset keys (PyTorch's names and streams of draws)."""

from __future__ import annotations

import itertools
import warnings
from typing import Generic, TypeVar

import numpy as np

import fx.tensor as ft

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler"]

T_co = TypeVar("T_co", covariant=True)


def _positive_int(value, name):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value}")
    return int(value)


def _fresh_generator():
    """A generator seeded from the global one (like PyTorch: an unseeded sampler follows `manual_seed`)."""
    seed = int(ft.empty((), dtype=ft.int64).random_().item())
    return ft.Generator().manual_seed(seed)


class Sampler(Generic[T_co]):
    """Base class: an iterable of dataset keys (or of lists of keys, for batch samplers).

    Subclasses define `__iter__` (and `__len__` when they know it). Any iterable of keys works as a
    DataLoader `sampler`.

    Args:
        data_source: unused (deprecated, as in PyTorch; passing it warns).

    Example:
        >>> class EvenFirst(data.Sampler):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter([*range(0, self.n, 2), *range(1, self.n, 2)])
        ...     def __len__(self):
        ...         return self.n
        >>> list(data.DataLoader(range(5), sampler=EvenFirst(5), batch_size=None))
        [0, 2, 4, 1, 3]
    """

    def __init__(self, data_source=None):
        if data_source is not None:
            warnings.warn("`data_source` argument is not used and will be removed in a future release",
                          UserWarning, stacklevel=2)

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """The keys 0, 1, ..., len(data_source) - 1 in order.

    Args:
        data_source: a sized dataset.

    Example:
        >>> list(data.SequentialSampler(range(3)))
        [0, 1, 2]
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """A random permutation of the keys (or `num_samples` keys drawn with replacement).

    Args:
        data_source: a sized dataset.
        replacement: draw with replacement (default False).
        num_samples: how many keys to yield (default `len(data_source)`; more than that repeats
            fresh permutations when drawing without replacement).
        generator: fx.tensor.Generator for the draws (default: a new one seeded from the global generator
            at each `iter`).

    Example:
        >>> sorted(data.RandomSampler(range(5), generator=ft.Generator().manual_seed(0)))
        [0, 1, 2, 3, 4]
        >>> len(list(data.RandomSampler(range(5), replacement=True, num_samples=8)))
        8
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or isinstance(self.num_samples, bool) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        g = _fresh_generator() if self.generator is None else self.generator
        total = self.num_samples
        if self.replacement:
            for _ in range(total // 32):
                yield from ft.randint(0, n, (32,), dtype=ft.int64, generator=g).tolist()
            yield from ft.randint(0, n, (total % 32,), dtype=ft.int64, generator=g).tolist()
        else:
            for _ in range(total // n):
                yield from ft.randperm(n, generator=g).tolist()
            if total % n:
                yield from ft.randperm(n, generator=g).tolist()[:total % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given keys in a random order (without replacement).

    Args:
        indices: the keys to permute.
        generator: fx.tensor.Generator for the permutation (default: the global one).

    Example:
        >>> sorted(data.SubsetRandomSampler([3, 5, 7]))
        [3, 5, 7]
    """

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in ft.randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """`num_samples` keys in [0, len(weights)) drawn with probabilities proportional to `weights`.

    Args:
        weights: a 1-d sequence of non-negative weights (need not sum to 1).
        num_samples: how many keys to draw.
        replacement: draw with replacement (default True).
        generator: fx.tensor.Generator for the draws (default: the global one).

    Example:
        >>> s = data.WeightedRandomSampler([0.0, 1.0, 0.0], 4, generator=ft.Generator().manual_seed(0))
        >>> list(s)
        [1, 1, 1, 1]
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        num_samples = _positive_int(num_samples, "num_samples")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        w = ft.as_tensor(weights, dtype=ft.float64)
        if w.dim() != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        drawn = ft.multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator)
        yield from drawn.tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler[list]):
    """Lists of `batch_size` keys from `sampler` (the last one shorter unless `drop_last`).

    Args:
        sampler: an iterable of keys.
        batch_size: keys per batch.
        drop_last: drop the last batch when it is shorter than batch_size.

    Example:
        >>> list(data.BatchSampler(data.SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self):
        it = iter(self.sampler)
        size = self.batch_size
        if self.drop_last:
            for batch in zip(*[it] * size):
                yield list(batch)
        else:
            batch = list(itertools.islice(it, size))
            while batch:
                yield batch
                batch = list(itertools.islice(it, size))

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


class _InfiniteConstantSampler(Sampler):
    """None forever: the placeholder sampler of an IterableDataset (its keys mean nothing)."""

    def __iter__(self):
        while True:
            yield None
