"""Fetchers: turn one key (or list of keys) from the sampler into a collated batch, in whichever process
runs them. They remember what they were fetching so a failure can name the dataset index."""

from __future__ import annotations

import collections
import itertools

COLLATING = object()  # `current` while collate_fn runs


class MapFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.current = None

    def fetch(self, index):
        ds = self.dataset
        if self.auto_collation:
            getitems = getattr(ds, "__getitems__", None)
            if callable(getitems):
                self.current = index
                data = getitems(index)
            else:
                data = []
                append = data.append
                i = None
                try:
                    for i in index:
                        append(ds[i])
                except BaseException:
                    self.current = i
                    raise
        else:
            self.current = index
            data = ds[index]
        self.current = COLLATING
        return self.collate_fn(data)

    def failed_key(self, index):
        """The dataset key whose fetch failed (the whole batch's keys if the failure was in collate_fn)."""
        return index if self.current is COLLATING else self.current

    def where(self):
        """Words for an error report: which index was being fetched."""
        if self.current is COLLATING:
            return "in collate_fn"
        return f"while fetching index {self.current!r}"


class IterFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last, batch_size):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.batch_size = batch_size
        self.reset(0)

    def reset(self, skip_items):
        """Start a new pass over the dataset, first discarding `skip_items` items (to resume mid-epoch)."""
        self._it = None
        self._skip = skip_items
        self.ended = False
        self.items = 0
        self.collating = False

    def fetch(self, _index=None):
        if self._it is None:
            self._it = iter(self.dataset)
            if self._skip:
                collections.deque(itertools.islice(self._it, self._skip), maxlen=0)
                self.items = self._skip
        if self.ended:
            raise StopIteration
        self.collating = False
        if self.auto_collation:
            data = list(itertools.islice(self._it, self.batch_size))
            self.items += len(data)
            if len(data) < self.batch_size:
                self.ended = True
                if not data or self.drop_last:
                    raise StopIteration
        else:
            try:
                data = next(self._it)
            except StopIteration:
                self.ended = True
                raise
            self.items += 1
        self.collating = True
        return self.collate_fn(data)

    def failed_key(self, index):
        return None

    def where(self):
        if self.collating:
            return "in collate_fn"
        return f"while iterating its dataset (after {self.items} items)"
