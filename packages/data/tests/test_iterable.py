"""IterableDataset with workers: each worker's copy, get_worker_info sharding, and shard_iterable."""

import pytest

import fx.tensor as ft
from fx.data import DataLoader, IterableDataset, get_worker_info, shard_iterable

pytestmark = pytest.mark.usefixtures("no_leaks")


class Naive(IterableDataset):
    def __iter__(self):
        return iter(range(6))


class SelfSharding(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        lo, hi = 0, self.n
        if info is not None:  # contiguous blocks, one per worker
            per = -(-self.n // info.num_workers)
            lo, hi = info.id * per, min(self.n, (info.id + 1) * per)
        return iter(range(lo, hi))


def items(loader):
    out = []
    for b in loader:
        out.extend(b.tolist() if isinstance(b, ft.Tensor) else [b])
    return out


def test_each_worker_iterates_its_own_copy():
    assert sorted(items(DataLoader(Naive(), batch_size=2, num_workers=2))) == sorted(list(range(6)) * 2)


def test_get_worker_info_sharding_two_workers():
    got = items(DataLoader(SelfSharding(13), batch_size=3, num_workers=2))
    assert sorted(got) == list(range(13)) and len(got) == 13


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_shard_iterable_across_workers(workers):
    got = items(DataLoader(shard_iterable(range(17)), batch_size=4, num_workers=workers))
    assert sorted(got) == list(range(17))


def test_shard_iterable_across_ranks_and_workers():
    shards = []
    for rank in range(3):
        ds = shard_iterable(list(range(20)), num_replicas=3, rank=rank)
        got = items(DataLoader(ds, batch_size=None, num_workers=2))
        assert len(got) == len(ds)
        shards.append(got)
    flat = [x for s in shards for x in s]
    assert sorted(flat) == list(range(20)) and len(set(flat)) == 20
    assert shards[1] == [1, 4, 7, 10, 13, 16, 19]  # rank 1's items, dealt to its two workers in turn


def test_shard_iterable_from_env_and_errors(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    assert list(shard_iterable(range(6))) == [1, 3, 5]
    with pytest.raises(ValueError, match="Invalid rank 3"):
        shard_iterable(range(3), num_replicas=2, rank=3)
    with pytest.raises(ValueError, match="num_replicas must be a positive int"):
        shard_iterable(range(3), num_replicas=0, rank=0)
    assert "num_replicas=2, rank=1" in repr(shard_iterable(range(3)))


def test_len_called_warns_on_duplicates():
    class Sized(Naive):
        def __len__(self):
            return 6

    loader = DataLoader(Sized(), batch_size=None, num_workers=2)
    assert len(loader) == 6
    with pytest.warns(UserWarning, match="was reported to be 6.*shard_iterable"):
        items(loader)
