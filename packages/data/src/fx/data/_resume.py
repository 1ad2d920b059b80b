"""Mid-epoch resume: what a DataLoader records while it runs, and how a new run replays it.

An epoch's order is a function of generator states: the loader's and samplers' `generator`s and the
global default generator (an unseeded RandomSampler draws its seed from it). At the start of an epoch
the loader snapshots them; `state_dict()` stores the snapshots plus how far the epoch got. Resuming
restores the snapshots, replays the sampler up to that point (indices only, no data is loaded; a
checksum of the replayed indices must match the recorded one) and re-issues what was not yet yielded.
The global generator is swapped in only for the replay, so loading a state never disturbs it.

Iterable datasets have no sampler: a resumed run skips, in each worker, the items already consumed.
With workers, each worker's RNG state after its last yielded batch is restored too, so random
augmentations continue as in the uninterrupted run.
"""

from __future__ import annotations

import zlib
from array import array

import fx.tensor as ft

from ._worker import rng_from_state, rng_to_state

VERSION = 1


def loader_generators(loader):
    """{path: Generator} for the generators that belong to the loader and its samplers."""
    found = {}

    def add(path, g):
        if isinstance(g, ft.Generator) and g is not ft.default_generator and all(g is not x for x in found.values()):
            found[path] = g

    add("generator", loader.generator)
    add("sampler", getattr(loader.sampler, "generator", None))
    add("batch_sampler", getattr(loader.batch_sampler, "generator", None))
    add("batch_sampler.sampler", getattr(getattr(loader.batch_sampler, "sampler", None), "generator", None))
    return found


def snapshot(loader):
    states = {p: g.get_state() for p, g in loader_generators(loader).items()}
    states["default"] = ft.get_rng_state()
    return states


def draw_base_seed(generator):
    return int(ft.empty((), dtype=ft.int64).random_(generator=generator).item())


def fingerprint(h, index):
    """Running CRC of the sampler's output (to check that a replay reproduced it)."""
    try:
        data = array("q", index).tobytes() if index.__class__ is list else repr(index).encode()
    except (TypeError, OverflowError):
        data = repr(index).encode()
    return zlib.crc32(data, h)


class Progress:
    """How far the current epoch of one iterator got; `DataLoader.state_dict()` reads it."""

    def __init__(self, iterable, num_workers):
        self.iterable = iterable
        self.num_workers = num_workers
        self.in_epoch = False
        self.worker_rng = [None] * num_workers

    def start(self, epoch_start, base_seed, keep_worker_rng=False, drew_seed=True):
        self.in_epoch = True
        self.epoch_start = epoch_start
        self.base_seed = base_seed
        self.drew_seed = drew_seed  # persistent workers keep the first epoch's seed: later epochs draw none
        self.drawn = 0
        self.fp = 0
        self.prefix = 0  # map: every batch id below this has been yielded ...
        self.extra = set()  # ... and these above it
        self.items = 0  # iterable, single process: items consumed
        self.worker_items = [0] * self.num_workers  # iterable with workers: items each worker consumed
        self.worker_exhausted = [False] * self.num_workers
        self.next_worker = 0
        if not keep_worker_rng:
            self.worker_rng = [None] * self.num_workers

    def drew(self, index):
        self.drawn += 1
        self.fp = fingerprint(self.fp, index)

    def yielded(self, seq):
        if seq == self.prefix:
            self.prefix += 1
            while self.prefix in self.extra:
                self.extra.discard(self.prefix)
                self.prefix += 1
        else:
            self.extra.add(seq)

    def was_yielded(self, seq):
        return seq < self.prefix or seq in self.extra

    def state_dict(self):
        if not self.in_epoch:
            return {"in_epoch": False}
        return {
            "in_epoch": True,
            "epoch_start": dict(self.epoch_start),
            "base_seed": self.base_seed,
            "drew_base_seed": self.drew_seed,
            "num_drawn": self.drawn,
            "fingerprint": self.fp,
            "num_yielded": self.prefix,
            "yielded_extra": sorted(self.extra),
            "items": self.items,
            "worker_items": list(self.worker_items),
            "worker_exhausted": list(self.worker_exhausted),
            "next_worker": self.next_worker,
            "worker_rng": [None if s is None else rng_to_state(s) for s in self.worker_rng],
        }

    def boundary_state(self):
        """Between epochs on persistent workers: what the next epoch's workers continue from."""
        return {"base_seed": self.base_seed,
                "worker_rng": [None if s is None else rng_to_state(s) for s in self.worker_rng]}

    def load_worker_rng(self, states):
        if len(states) == self.num_workers:
            self.worker_rng = [None if s is None else rng_from_state(s) for s in states]

    def load(self, state):
        """Adopt a saved epoch (the resumed iterator continues to record from where it stopped)."""
        self.start(state["epoch_start"], state["base_seed"], drew_seed=state["drew_base_seed"])
        self.drawn = state["num_drawn"]
        self.fp = state["fingerprint"]
        self.prefix = state["num_yielded"]
        self.extra = set(state["yielded_extra"])
        self.items = state["items"]
        if len(state["worker_items"]) == self.num_workers:
            self.worker_items = list(state["worker_items"])
            self.worker_exhausted = list(state["worker_exhausted"])
            self.next_worker = state["next_worker"]
            self.load_worker_rng(state["worker_rng"])


def check_state(state, loader):
    """Validate a state dict for `loader` (raises ValueError naming what does not fit)."""
    if not isinstance(state, dict) or state.get("version") != VERSION:
        raise ValueError(f"DataLoader.load_state_dict: not a DataLoader state (expected a dict with version {VERSION}, "
                         f"got {type(state).__name__} with version {getattr(state, 'get', lambda k: None)('version')})")
    kind = "iterable" if loader._iterable else "map"
    if state.get("dataset_kind") != kind:
        raise ValueError(f"DataLoader.load_state_dict: the state is for a {state.get('dataset_kind')}-style dataset but "
                         f"this loader has a {kind}-style one")
    if not state["in_epoch"]:
        return
    if loader._iterable and state["num_workers"] != loader.num_workers:
        raise ValueError(f"DataLoader.load_state_dict: an IterableDataset resumes only with the same num_workers "
                         f"(each worker skips its own items): the state has num_workers={state['num_workers']}, this "
                         f"loader {loader.num_workers}")


def replay(loader, state, index_sampler):
    """Restore the epoch-start generators, redraw the base seed and replay the sampler.

    Returns (sampler iterator, [(seq, index) still to issue], exhausted?) for a map-style dataset.
    """
    gens = loader_generators(loader)
    for path, st in state["epoch_start"].items():
        if path != "default" and path in gens:
            gens[path].set_state(st)
    saved = ft.get_rng_state()
    ft.set_rng_state(state["epoch_start"]["default"])
    pending, exhausted, fp, it = [], False, 0, None
    try:
        if state["drew_base_seed"]:
            draw_base_seed(loader.generator)
        if loader._iterable:
            return None, pending, exhausted
        it = iter(index_sampler)
        yielded = set(state["yielded_extra"])
        for seq in range(state["num_drawn"]):
            try:
                index = next(it)
            except StopIteration:
                raise RuntimeError(f"DataLoader.load_state_dict: the sampler ended after {seq} batches but the saved "
                                   f"epoch had drawn {state['num_drawn']}: the dataset or sampler changed") from None
            fp = fingerprint(fp, index)
            if seq >= state["num_yielded"] and seq not in yielded:
                pending.append((seq, index))
        if fp != state["fingerprint"]:
            raise RuntimeError("DataLoader.load_state_dict: replaying the sampler gave a different order than the saved "
                               "epoch. Resuming needs a sampler whose order depends only on fx generators (the "
                               "built-in samplers do) and the same dataset, batch size and sampler arguments.")
        # One draw ahead, while the epoch-start global state is in place: a sampler seeds itself on first use.
        try:
            pending.append((state["num_drawn"], next(it)))
        except StopIteration:
            exhausted = True
    finally:
        ft.set_rng_state(saved)
    return it, pending, exhausted
