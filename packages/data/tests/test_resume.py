"""DataLoader.state_dict / load_state_dict: a run stopped mid-epoch and resumed yields exactly the rest."""

import random

import numpy as np
import pytest

import fx.tensor as ft
from fx.data import (
    DataLoader, Dataset, IterableDataset, RandomSampler, TensorDataset, WeightedRandomSampler, get_worker_info,
    shard_iterable,
)

pytestmark = pytest.mark.usefixtures("no_leaks")


class Augmented(Dataset):
    """Samples depend on the loading process's RNGs (random augmentation)."""

    def __len__(self):
        return 40

    def __getitem__(self, i):
        return i, np.random.randint(1000), random.randrange(1000), int(ft.randint(0, 1000, (1,)).item())


class Stream(IterableDataset):
    def __init__(self, n=23):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        for i in range(start, self.n, step):
            # In workers, augmentation from the worker's RNG; in the main process the caller owns the RNG.
            yield i, (i * i if info is None else np.random.randint(1000))


def rows(batch):
    return [c.tolist() if isinstance(c, ft.Tensor) else c for c in (batch if isinstance(batch, list) else [batch])]


def epochs(loader, n=1):
    return [[rows(b) for b in loader] for _ in range(n)]


def resume_check(make, stop, tmp_path=None, reseed=None, epochs_after=1):
    """`make()` builds a fresh loader (as a restarted program would); compare a run cut at `stop` batches
    and resumed in a new loader with an uninterrupted run (that epoch, and `epochs_after` more)."""
    if reseed:
        reseed()
    full = epochs(make(), 1 + epochs_after)
    if reseed:
        reseed()
    loader = make()
    it = iter(loader)
    head = [rows(next(it)) for _ in range(stop)]
    state = loader.state_dict()
    global_rng = ft.get_rng_state()  # a training checkpoint saves it too
    del it
    if tmp_path is not None:
        ft.save(state, tmp_path / "loader.safetensors")
        state = ft.load(tmp_path / "loader.safetensors")
    if reseed:
        ft.manual_seed(12345)  # the new program's global RNG is elsewhere ...
        np.random.seed(5)
        random.seed(5)
    resumed = make()
    resumed.load_state_dict(state)
    if reseed:
        ft.set_rng_state(global_rng)  # ... until it restores its checkpoint
    rest = epochs(resumed, 1 + epochs_after)
    assert head + rest[0] == full[0]
    assert rest[1:] == full[1:]


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("stop", [0, 3, 7])
def test_map_shuffle_with_generator(workers, stop, tmp_path):
    ds = TensorDataset(ft.arange(50), ft.randn(50, 2))
    make = lambda: DataLoader(ds, batch_size=7, shuffle=True, num_workers=workers,
                              generator=ft.Generator().manual_seed(3))
    resume_check(make, stop, tmp_path)


@pytest.mark.parametrize("workers", [0, 2])
def test_global_rng_shuffle_and_global_state_untouched(workers):
    ds = TensorDataset(ft.arange(30))
    make = lambda: DataLoader(ds, batch_size=4, shuffle=True, num_workers=workers)
    resume_check(make, 3, reseed=lambda: ft.manual_seed(77))
    # Loading a state and replaying its epoch leaves the caller's global RNG where it was.
    ft.manual_seed(77)
    loader = make()
    it = iter(loader)
    next(it)
    state = loader.state_dict()
    del it
    ft.manual_seed(1)
    before = ft.get_rng_state().tolist()
    again = make()
    again.load_state_dict(state)
    it = iter(again)
    next(it)
    assert ft.get_rng_state().tolist() == before
    del it


def test_worker_augmentation_rngs_continue():
    make = lambda: DataLoader(Augmented(), batch_size=3, num_workers=2, generator=ft.Generator().manual_seed(9))
    for stop in (1, 4, 9):
        resume_check(make, stop, epochs_after=0)


def test_worker_rngs_persistent_workers_second_epoch():
    make = lambda: DataLoader(Augmented(), batch_size=4, num_workers=2, persistent_workers=True,
                              generator=ft.Generator().manual_seed(2))
    full = epochs(make(), 2)
    loader = make()
    first = [rows(b) for b in loader]
    it = iter(loader)
    head = [rows(next(it)) for _ in range(3)]
    state = loader.state_dict()
    del it, loader
    resumed = make()
    resumed.load_state_dict(state)
    assert first == full[0] and head + epochs(resumed)[0] == full[1]
    del resumed


def test_persistent_workers_shuffled_second_epoch():
    ds = TensorDataset(ft.arange(30))
    make = lambda: DataLoader(ds, batch_size=4, shuffle=True, num_workers=2, persistent_workers=True,
                              generator=ft.Generator().manual_seed(3))
    reference = make()
    full = epochs(reference, 3)
    loader = make()
    epochs(loader)
    it = iter(loader)
    head = [rows(next(it)) for _ in range(2)]
    state = loader.state_dict()
    del it, loader, reference
    resumed = make()
    resumed.load_state_dict(state)
    assert head + epochs(resumed)[0] == full[1]
    assert epochs(resumed)[0] == full[2]
    del resumed


@pytest.mark.parametrize("shuffled", [False, True])
def test_persistent_workers_state_at_epoch_boundary(shuffled, tmp_path):
    # Checkpoints are usually taken between epochs: the next epoch of persistent workers keeps the first
    # epoch's base seed and continues each worker's RNG, so the resumed loader must do the same.
    make = lambda: DataLoader(Augmented(), batch_size=4, shuffle=shuffled, num_workers=2, persistent_workers=True,
                              generator=ft.Generator().manual_seed(4))
    reference = make()
    full = epochs(reference, 3)
    loader = make()
    first = epochs(loader)
    state = loader.state_dict()
    assert state["in_epoch"] is False and "persistent" in state
    ft.save(state, tmp_path / "loader.safetensors")
    del loader, reference
    resumed = make()
    resumed.load_state_dict(ft.load(tmp_path / "loader.safetensors"))
    assert first == full[:1]
    assert epochs(resumed, 2) == full[1:]
    del resumed


def test_boundary_state_of_persistent_workers_into_a_plain_loader():
    # Without persistent workers every epoch draws a fresh base seed: the boundary extras are ignored.
    make = lambda persistent: DataLoader(TensorDataset(ft.arange(20)), batch_size=3, shuffle=True, num_workers=2,
                                         persistent_workers=persistent, generator=ft.Generator().manual_seed(8))
    loader = make(True)
    epochs(loader)
    state = loader.state_dict()
    del loader
    plain = make(False)
    plain.load_state_dict(state)
    assert plain.state_dict()["in_epoch"] is False
    assert sorted(sum((b[0] for b in epochs(plain)[0]), [])) == list(range(20))


def test_resume_with_other_num_workers():
    ds = TensorDataset(ft.arange(40))
    make = lambda w: DataLoader(ds, batch_size=6, shuffle=True, num_workers=w, generator=ft.Generator().manual_seed(5))
    full = epochs(make(0))[0]
    loader = make(2)
    it = iter(loader)
    head = [rows(next(it)) for _ in range(2)]
    state = loader.state_dict()
    del it
    resumed = make(0)
    resumed.load_state_dict(state)
    assert head + epochs(resumed)[0] == full


def test_unordered_resume_yields_the_complement():
    ds = TensorDataset(ft.arange(60))
    make = lambda: DataLoader(ds, batch_size=5, shuffle=True, num_workers=2, in_order=False,
                              generator=ft.Generator().manual_seed(1))
    full = sorted(map(str, epochs(make())[0]))
    loader = make()
    it = iter(loader)
    head = [rows(next(it)) for _ in range(5)]
    state = loader.state_dict()
    del it
    resumed = make()
    resumed.load_state_dict(state)
    rest = epochs(resumed)[0]
    assert sorted(map(str, head + rest)) == full and len(head) + len(rest) == 12


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("stop", [0, 2, 5])
def test_iterable_dataset(workers, stop, tmp_path):
    make = lambda: DataLoader(Stream(), batch_size=2, num_workers=workers, generator=ft.Generator().manual_seed(8))
    resume_check(make, stop, tmp_path)


def test_iterable_sharded_with_uneven_workers():
    make = lambda: DataLoader(shard_iterable(range(15)), batch_size=4, num_workers=2)
    for stop in (1, 2, 3):
        resume_check(make, stop)


def test_iterable_needs_same_num_workers():
    loader = DataLoader(Stream(), batch_size=2, num_workers=2)
    it = iter(loader)
    next(it)
    state = loader.state_dict()
    del it
    with pytest.raises(ValueError, match="resumes only with the same num_workers"):
        DataLoader(Stream(), batch_size=2).load_state_dict(state)


def test_state_at_epoch_boundary_and_before_iteration():
    ds = TensorDataset(ft.arange(20))
    make = lambda: DataLoader(ds, batch_size=3, shuffle=True, generator=ft.Generator().manual_seed(4))
    full = epochs(make(), 3)
    loader = make()
    assert loader.state_dict()["in_epoch"] is False
    first = epochs(loader)[0]
    state = loader.state_dict()
    assert state["in_epoch"] is False
    resumed = make()
    resumed.load_state_dict(state)
    assert first == full[0] and epochs(resumed, 2) == full[1:]
    assert resumed.state_dict()["in_epoch"] is False


def test_state_dict_of_pending_resume_and_repeat():
    ds = TensorDataset(ft.arange(20))
    make = lambda: DataLoader(ds, batch_size=3, shuffle=True, generator=ft.Generator().manual_seed(4))
    loader = make()
    it = iter(loader)
    next(it)
    state = loader.state_dict()
    other = make()
    other.load_state_dict(state)
    assert other.state_dict() is state  # nothing ran yet: the loaded position is the position
    a = epochs(other)[0]
    third = make()
    third.load_state_dict(state)
    assert epochs(third)[0] == a
    del it


def test_changed_sampler_is_detected():
    ds = TensorDataset(ft.arange(20))
    loader = DataLoader(ds, batch_size=4, shuffle=True, generator=ft.Generator().manual_seed(1))
    it = iter(loader)
    for _ in range(3):
        next(it)
    state = loader.state_dict()
    other = DataLoader(ds, batch_size=4, sampler=WeightedRandomSampler([1.0] * 20, 20))
    other.load_state_dict(state)
    with pytest.raises(RuntimeError, match="different order"):
        iter(other)
    shorter = DataLoader(TensorDataset(ft.arange(6)), batch_size=4, shuffle=True)
    shorter.load_state_dict(state)
    with pytest.raises(RuntimeError, match="the sampler ended after"):
        iter(shorter)
    del it


def test_bad_states_rejected():
    loader = DataLoader(TensorDataset(ft.arange(4)))
    with pytest.raises(ValueError, match="not a DataLoader state"):
        loader.load_state_dict({"version": 99})
    with pytest.raises(ValueError, match="for a iterable-style dataset"):
        loader.load_state_dict(DataLoader(Stream()).state_dict())


def test_custom_sampler_with_generator():
    ds = TensorDataset(ft.arange(30))
    make = lambda: DataLoader(ds, batch_size=4, sampler=RandomSampler(ds, replacement=True, num_samples=50,
                                                                     generator=ft.Generator().manual_seed(6)))
    resume_check(make, 5)
