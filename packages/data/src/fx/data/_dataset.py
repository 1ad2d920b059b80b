"""Datasets: the map-style and iterable base classes and the standard combinators (PyTorch's names)."""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Sequence
from typing import Generic, TypeVar

import numpy as np

import fx.tensor as ft

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset", "ChainDataset", "Subset",
    "random_split",
]

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map from keys to samples: subclasses define `__getitem__` (and usually `__len__`).

    They may also define `__getitems__(indices) -> list of samples` to fetch a whole batch at once;
    the DataLoader calls it when present. `dataset_a + dataset_b` is their `ConcatDataset`.

    Example:
        >>> class Squares(data.Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return ft.tensor(float(i * i))
        >>> next(iter(data.DataLoader(Squares(), batch_size=4)))
        tensor([0., 1., 4., 9.])
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """A stream of samples: subclasses define `__iter__`.

    With `num_workers > 0` every worker iterates its own copy; use `get_worker_info()` in `__iter__`
    (or `fx.data.shard_iterable`) so the copies do not return the same samples.
    `stream_a + stream_b` is their `ChainDataset`.

    Example:
        >>> class Count(data.IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         info = data.get_worker_info()
        ...         start, step = (0, 1) if info is None else (info.id, info.num_workers)
        ...         return iter(range(start, self.n, step))
        >>> [batch.tolist() for batch in data.DataLoader(Count(5), batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorRows(Sequence):
    """Rows `indices` of same-length tensors: a lazy list of sample tuples (what `TensorDataset.__getitems__`
    returns). `default_collate` gathers it with one indexing op per tensor instead of stacking rows."""

    __slots__ = ("tensors", "indices")

    def __init__(self, tensors, indices):
        self.tensors = tensors
        self.indices = indices

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        idx = self.indices[i]
        return tuple(t[idx] for t in self.tensors)

    def gather(self):
        """The collated batch: a list with each tensor's rows stacked (what `default_collate` makes)."""
        n = len(self.tensors[0]) if self.tensors else 0
        try:
            idx = np.asarray(self.indices, dtype=np.int64)
        except (TypeError, ValueError, OverflowError):
            return None
        if idx.ndim != 1 or not len(idx):
            return None
        lo, hi = int(idx.min()), int(idx.max())
        if lo < -n or hi >= n:
            bad = lo if lo < -n else hi
            raise IndexError(f"index {bad} is out of bounds for dimension 0 with size {n}")
        out = []
        for t in self.tensors:
            if t._data.__class__ is np.ndarray and not t.requires_grad:
                out.append(ft.from_numpy(np.take(t._data, idx, axis=0)))
            else:
                out.append(t[ft.from_numpy(idx)])
        return out


class TensorDataset(Dataset):
    """Samples are rows of the given tensors (indexed along their first dimension).

    A DataLoader over it gathers each batch with one indexing op per tensor instead of stacking rows.

    Args:
        *tensors: tensors with the same size in dimension 0.

    Example:
        >>> ds = data.TensorDataset(ft.arange(6).reshape(3, 2), ft.tensor([0, 1, 0]))
        >>> len(ds), ds[1]
        (3, (tensor([2, 3]), tensor(1)))
    """

    def __init__(self, *tensors):
        for t in tensors:
            if not isinstance(t, ft.Tensor):
                raise TypeError(f"TensorDataset: expected fx.tensor.Tensor arguments, got {type(t).__name__}")
            if t.dim() == 0:
                raise IndexError("TensorDataset: tensors must have at least one dimension (got a 0-d tensor)")
        if any(tensors[0].size(0) != t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __getitems__(self, indices):
        return TensorRows(self.tensors, indices)

    def __len__(self):
        return self.tensors[0].size(0)


def _same_lengths(datasets):
    length = len(datasets[0])
    if any(length != len(d) for d in datasets):
        raise ValueError("Size mismatch between datasets")
    return length


def _fetch_column(dataset, indices):
    getitems = getattr(dataset, "__getitems__", None)
    if not callable(getitems):
        return [dataset[i] for i in indices]
    items = getitems(indices)
    if len(items) != len(indices):
        raise ValueError(f"Nested dataset's output size mismatch. Expected {len(indices)}, got {len(items)}")
    return items


class StackDataset(Dataset):
    """Samples are tuples (positional datasets) or dicts (keyword datasets) of the datasets' samples.

    Args:
        *args: datasets of equal length, for tuple samples.
        **kwargs: datasets of equal length, for dict samples (not both).

    Example:
        >>> ds = data.StackDataset(x=ft.tensor([1, 2]), y=ft.tensor([3, 4]))
        >>> ds[1]
        {'x': tensor(2), 'y': tensor(4)}
    """

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                             "input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        self.datasets = args if args else kwargs
        self._length = _same_lengths(list(args) if args else list(kwargs.values()))

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices):
        if isinstance(self.datasets, dict):
            columns = {k: _fetch_column(d, indices) for k, d in self.datasets.items()}
            return [{k: col[i] for k, col in columns.items()} for i in range(len(indices))]
        columns = [_fetch_column(d, indices) for d in self.datasets]
        return [tuple(col[i] for col in columns) for i in range(len(indices))]

    def __len__(self):
        return self._length


class ConcatDataset(Dataset):
    """The concatenation of map-style datasets.

    Args:
        datasets: a non-empty iterable of sized map-style datasets.

    Example:
        >>> ds = data.ConcatDataset([range(3), range(10, 12)])
        >>> len(ds), ds[3]
        (5, 10)
    """

    @staticmethod
    def cumsum(sequence):
        return list(itertools.accumulate(len(d) for d in sequence))

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        if which == len(self.datasets):
            raise IndexError(f"index {idx} is out of range for a ConcatDataset of length {len(self)}")
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """The chaining of iterable datasets (lazy: one after the other).

    Args:
        datasets: an iterable of IterableDatasets.

    Example:
        >>> list(data.ChainDataset([data.shard_iterable(range(2)), data.shard_iterable(range(5, 7))]))
        [0, 1, 5, 6]
    """

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)
        return total


class Subset(Dataset):
    """The samples of `dataset` at `indices`.

    Args:
        dataset: a map-style dataset.
        indices: the keys of `dataset` that make up the subset, in order.

    Example:
        >>> s = data.Subset(range(10, 20), [0, 2, 4])
        >>> len(s), s[1]
        (3, 12)
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices
        cls = type(self)
        if cls.__getitem__ is not Subset.__getitem__ and cls.__getitems__ is Subset.__getitems__:
            raise NotImplementedError(
                f"{cls.__name__} overrides __getitem__ but not __getitems__. When subclassing Subset and overriding "
                "__getitem__, you must also override __getitems__ to ensure DataLoader works correctly with your "
                "custom logic. A simple implementation:\n\ndef __getitems__(self, indices):\n"
                "    return [self.__getitem__(idx) for idx in indices]"
            )

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=ft.default_generator):
    """Split `dataset` into non-overlapping random `Subset`s of the given lengths (or fractions summing to 1).

    Fractions become `floor(frac * len(dataset))` each, and the remainder is handed out one by one,
    round-robin from the first split.

    Args:
        dataset: a sized map-style dataset.
        lengths: the split sizes (summing to len(dataset)) or fractions (summing to 1).
        generator: the fx.tensor.Generator of the permutation (default: the global one).

    Returns:
        A list of `Subset`s, one per length.

    Example:
        >>> a, b = data.random_split(range(10), [0.7, 0.3], generator=ft.Generator().manual_seed(0))
        >>> len(a), len(b), sorted([*a, *b]) == list(range(10))
        (7, 3, True)
    """
    lengths = list(lengths)
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(math.floor(n * frac))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.",
                              stacklevel=2)
        lengths = sizes
    for i, size in enumerate(lengths):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
            raise ValueError(f"random_split: length at index {i} must be a non-negative int (or all lengths "
                             f"fractions summing to 1), got {size!r}")
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = ft.randperm(n, generator=generator).tolist()
    return [Subset(dataset, indices[end - size:end]) for end, size in zip(itertools.accumulate(lengths), lengths)]
