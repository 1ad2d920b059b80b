"""DataLoader: PyTorch's arguments and semantics, plus `state_dict()`/`load_state_dict()` to resume mid-epoch."""

from __future__ import annotations

import collections
import math
import multiprocessing
import os
import sys
import warnings

import fx.tensor as ft

from . import _resume
from ._collate import default_collate, default_convert
from ._dataset import IterableDataset
from ._fetch import IterFetcher, MapFetcher
from ._sampler import BatchSampler, RandomSampler, SequentialSampler, _InfiniteConstantSampler

__all__ = ["DataLoader"]


def default_context():
    """'fork' on Linux (fast start, nothing to pickle), else 'spawn' (fork is unsafe on macOS)."""
    fork = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if fork else "spawn")


class DataLoader:
    """Iterate a dataset in batches, optionally in worker processes (torch.utils.data.DataLoader).

    Beyond PyTorch's: `state_dict()`/`load_state_dict()` resume an epoch mid-way with the same
    batches; a worker that raises, dies or is killed is reported at once (no hang); batches come back
    from workers through shared memory, and a /dev/shm too small for the batches in flight is
    reported with the space needed (before the workers start for a TensorDataset, else at the
    first batch) instead of a crash.

    Args:
        dataset: a map-style `Dataset` (keys from a sampler) or an `IterableDataset`.
        batch_size: samples per batch (default 1); None turns automatic batching off.
        shuffle: a new random order every epoch (map-style only).
        sampler: a custom key order (exclusive with shuffle).
        batch_sampler: custom batches of keys (exclusive with batch_size, shuffle, sampler, drop_last).
        num_workers: worker processes (0: load in this process).
        collate_fn: joins a list of samples into a batch (default `default_collate`).
        pin_memory: accepted for compatibility (no effect without an accelerator; warns).
        drop_last: drop the last, incomplete batch.
        timeout: seconds to wait for a batch from the workers before raising (0: forever, but a dead
            worker is still reported at once).
        worker_init_fn: called in each worker with its id, after seeding.
        multiprocessing_context: start method name or context (default 'fork' where available).
        generator: fx.tensor.Generator for the shuffle order and the workers' base seed.
        prefetch_factor: batches each worker loads ahead (default 2 with workers).
        persistent_workers: keep the workers alive between epochs.
        pin_memory_device: accepted for compatibility.
        in_order: yield batches in sampler order (False: as soon as any worker has one).

    Example:
        >>> ds = data.TensorDataset(ft.arange(10.0).reshape(5, 2), ft.arange(5))
        >>> [y.tolist() for _, y in data.DataLoader(ds, batch_size=2)]
        [[0, 1], [2, 3], [4]]
        >>> loader = data.DataLoader(range(6), batch_size=2)
        >>> next(iter(loader))
        tensor([0, 1])
        >>> state = loader.state_dict()  # e.g. saved with a checkpoint
        >>> resumed = data.DataLoader(range(6), batch_size=2)
        >>> resumed.load_state_dict(state)
        >>> [batch.tolist() for batch in resumed]
        [[2, 3], [4, 5]]
    """

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if not isinstance(num_workers, int) or isinstance(num_workers, bool) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to "
                             "enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if generator is not None and not isinstance(generator, ft.Generator):
            raise TypeError(f"DataLoader: generator must be a fx.tensor.Generator, not {type(generator).__name__}")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, but got "
                                 f"batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._IterableDataset_len_called = None
        self._iterator = None
        self._progress = _resume.Progress(self._iterable, num_workers)
        self._resume = None
        self._initialized = True
        if pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned memory "
                          "won't be used.", stacklevel=2)
        self.check_worker_number_rationality()

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, ctx):
        if ctx is not None:
            if self.num_workers == 0:
                raise ValueError(f"multiprocessing_context can only be used with multi-process loading (num_workers > "
                                 f"0), but got num_workers={self.num_workers}")
            if isinstance(ctx, str):
                methods = multiprocessing.get_all_start_methods()
                if ctx not in methods:
                    raise ValueError(f"multiprocessing_context option should specify a valid start method in "
                                     f"{methods!r}, but got multiprocessing_context={ctx!r}")
                ctx = multiprocessing.get_context(ctx)
            if not isinstance(ctx, multiprocessing.context.BaseContext):
                raise TypeError(f"multiprocessing_context option should be a valid context object or a string "
                                f"specifying the start method, but got multiprocessing_context={ctx}")
        self.__multiprocessing_context = ctx

    def __setattr__(self, attr, val):
        if self._initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                          "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        resume, self._resume = self._resume, None
        if self.num_workers == 0:
            return _SingleProcessIter(self, resume)
        from ._multiprocess import MultiProcessIter

        if not self.persistent_workers:
            return MultiProcessIter(self, resume)
        if self._iterator is None:
            self._iterator = MultiProcessIter(self, resume)
        else:
            self._iterator._reset(self, resume)
        return self._iterator

    def __len__(self):
        if self._iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self):
        """Warn when more workers are asked for than this process may use CPUs."""
        if not self.num_workers:
            return
        try:
            cpus = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cpus = os.cpu_count()
        if cpus is None or self.num_workers > cpus:
            warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in total. Our suggested max "
                          f"number of worker in current system is {cpus}, which is smaller than what this DataLoader is "
                          "going to create. Please be aware that excessive worker creation might get DataLoader running "
                          "slow or even freeze, lower the worker number to avoid potential slowness/freeze if "
                          "necessary.", stacklevel=2)

    # ---- resume ---------------------------------------------------------------------------------
    def state_dict(self):
        """The position in the current epoch, as tensors and plain numbers (`fx.tensor.save` can store it).

        Resuming (`load_state_dict` on a loader built the same way, then `iter`) yields exactly the
        batches this epoch has not yielded yet, then continues with the following epochs.
        """
        if self._resume is not None:
            return self._resume
        state = {"version": _resume.VERSION, "dataset_kind": "iterable" if self._iterable else "map",
                 "num_workers": self.num_workers,
                 "generators": {p: g.get_state() for p, g in _resume.loader_generators(self).items()}}
        state.update(self._progress.state_dict())
        if not state["in_epoch"] and self.persistent_workers and self._iterator is not None:
            # The live workers start the next epoch with this epoch's base seed and their RNGs as they are now.
            state["persistent"] = self._progress.boundary_state()
        return state

    def load_state_dict(self, state_dict):
        """Continue from a `state_dict()`: the next `iter(loader)` resumes its epoch."""
        _resume.check_state(state_dict, self)
        gens = _resume.loader_generators(self)
        for path, st in state_dict["generators"].items():
            if path in gens:
                gens[path].set_state(st)
        if self._iterator is not None:  # persistent workers carry the old run's RNG: start fresh ones
            self._iterator._shutdown()
            self._iterator = None
        self._progress = _resume.Progress(self._iterable, self.num_workers)
        boundary = state_dict.get("persistent") is not None and self.persistent_workers and self.num_workers > 0
        self._resume = state_dict if state_dict["in_epoch"] or boundary else None


class BaseIter:
    """What every loader iterator shares: epoch start (or replay), the index stream and progress."""

    def __init__(self, loader, resume):
        self._dataset = loader.dataset
        self._iterable = loader._iterable
        self._auto_collation = loader._auto_collation
        self._collate_fn = loader.collate_fn
        self._drop_last = loader.drop_last
        self._batch_size = loader.batch_size
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._timeout = loader.timeout
        self._len_called = loader._IterableDataset_len_called
        self._progress = loader._progress = _resume.Progress(loader._iterable, loader.num_workers)
        self._num_yielded = 0
        self._start_epoch(loader, resume, first=True)

    def _start_epoch(self, loader, resume, first):
        self._pending = collections.deque()
        self._sampler_done = False
        if resume is None or not resume["in_epoch"]:
            boundary = None if resume is None else resume["persistent"]
            epoch_start = _resume.snapshot(loader)
            if boundary is not None:
                self._base_seed = boundary["base_seed"]
            elif first:
                self._base_seed = _resume.draw_base_seed(loader.generator)
            self._sampler_iter = None if self._iterable else iter(self._index_sampler)
            drew = first and boundary is None
            self._progress.start(epoch_start, self._base_seed, keep_worker_rng=not first, drew_seed=drew)
            if boundary is not None:
                self._progress.load_worker_rng(boundary["worker_rng"])
            return
        self._sampler_iter, pending, self._sampler_done = _resume.replay(loader, resume, self._index_sampler)
        self._base_seed = resume["base_seed"]
        self._progress.load(resume)
        if pending and pending[-1][0] == resume["num_drawn"]:
            self._progress.drew(pending[-1][1])
        self._pending.extend(pending)

    def _next_index(self):
        """(seq, index) of the next batch to load; StopIteration at the end of the sampler."""
        if self._pending:
            return self._pending.popleft()
        if self._sampler_done:
            raise StopIteration
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            self._sampler_done = True
            raise
        seq = self._progress.drawn
        self._progress.drew(index)
        return seq, index

    def _count_yield(self):
        self._num_yielded += 1
        if self._iterable and self._len_called is not None and self._num_yielded > self._len_called:
            msg = (f"Length of IterableDataset {self._dataset} was reported to be {self._len_called}(when accessing "
                   f"len(dataloader)), but {self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly configuring the "
                        "IterableDataset replica at each worker. Use fx.data.get_worker_info() or "
                        "fx.data.shard_iterable to give each worker its own share.")
            warnings.warn(msg, stacklevel=3)

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{self.__class__.__name__} cannot be pickled")


class _SingleProcessIter(BaseIter):
    def __init__(self, loader, resume):
        super().__init__(loader, resume)
        if self._iterable:
            self._fetcher = IterFetcher(self._dataset, self._auto_collation, self._collate_fn, self._drop_last,
                                        self._batch_size)
            self._fetcher.reset(self._progress.items)
        else:
            self._fetcher = MapFetcher(self._dataset, self._auto_collation, self._collate_fn, self._drop_last)

    def __next__(self):
        progress = self._progress
        if not progress.in_epoch:
            raise StopIteration
        if self._iterable:
            try:
                data = self._fetcher.fetch()
            except StopIteration:
                progress.in_epoch = False
                raise
            finally:
                progress.items = self._fetcher.items
        else:
            try:
                seq, index = self._next_index()
            except StopIteration:
                progress.in_epoch = False
                raise
            progress.yielded(seq)  # consumed even if loading it fails, as in PyTorch
            data = self._fetcher.fetch(index)
        self._count_yield()
        return data
