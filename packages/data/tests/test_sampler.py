"""Samplers: orders, lengths, determinism, errors; DistributedSampler against torch where orders are defined."""

import collections

import pytest

import fx.tensor as ft
from fx.data import (
    BatchSampler, DistributedSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
    WeightedRandomSampler,
)


def test_sequential():
    s = SequentialSampler(range(5))
    assert list(s) == [0, 1, 2, 3, 4] and len(s) == 5


def test_random_sampler_is_a_permutation_and_seeded():
    s = RandomSampler(range(50), generator=ft.Generator().manual_seed(3))
    order = list(s)
    assert sorted(order) == list(range(50)) and len(s) == 50
    assert list(RandomSampler(range(50), generator=ft.Generator().manual_seed(3))) == order
    assert list(s) != order  # the generator moved on: a new epoch, a new order


def test_random_sampler_follows_global_seed():
    ft.manual_seed(7)
    a = list(RandomSampler(range(30)))
    ft.manual_seed(7)
    assert list(RandomSampler(range(30))) == a


def test_random_sampler_num_samples_and_replacement():
    g = ft.Generator().manual_seed(0)
    s = RandomSampler(range(10), num_samples=25, generator=g)
    out = list(s)
    assert len(out) == 25 and len(s) == 25
    counts = collections.Counter(out[:20])
    assert all(counts[i] == 2 for i in range(10))  # two full permutations, then 5 more
    r = RandomSampler(range(4), replacement=True, num_samples=70, generator=g)
    out = list(r)
    assert len(out) == 70 and set(out) <= set(range(4))


def test_random_sampler_errors():
    with pytest.raises(TypeError, match="replacement should be a boolean"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler([])


def test_subset_random_sampler():
    s = SubsetRandomSampler([10, 20, 30], generator=ft.Generator().manual_seed(1))
    out = list(s)
    assert sorted(out) == [10, 20, 30] and len(s) == 3


def test_weighted_random_sampler():
    g = ft.Generator().manual_seed(0)
    s = WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 400, generator=g)
    out = list(s)
    assert len(out) == 400 and set(out) <= {1, 3}
    assert 250 < out.count(3) < 350
    no_rep = list(WeightedRandomSampler([1, 1, 1], 3, replacement=False, generator=g))
    assert sorted(no_rep) == [0, 1, 2]
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="replacement should be a boolean"):
        WeightedRandomSampler([1.0], 1, replacement="yes")
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        WeightedRandomSampler([[1.0]], 1)


def test_batch_sampler_matches_torch():
    for n, bs, drop in [(10, 3, False), (10, 3, True), (9, 3, True), (1, 5, False), (0, 2, False)]:
        ours = BatchSampler(SequentialSampler(range(n)), bs, drop)
        expected = [list(range(i, min(i + bs, n))) for i in range(0, n, bs)]
        if drop:
            expected = [b for b in expected if len(b) == bs]
        assert list(ours) == expected and len(ours) == len(expected)
    torch = pytest.importorskip("torch")
    t = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(10)), 4, False)
    assert list(BatchSampler(SequentialSampler(range(10)), 4, False)) == list(t)


def test_batch_sampler_errors():
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        BatchSampler(range(3), True, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        BatchSampler(range(3), 2, 1)


def test_sampler_base():
    with pytest.raises(NotImplementedError):
        iter(Sampler())
    with pytest.warns(UserWarning, match="data_source"):
        Sampler(range(2))


@pytest.mark.parametrize("n,replicas,drop", [(10, 3, False), (10, 3, True), (9, 3, False), (2, 4, False), (7, 2, True)])
def test_distributed_sampler_partition(n, replicas, drop):
    shards = [list(DistributedSampler(range(n), replicas, r, shuffle=False, drop_last=drop)) for r in range(replicas)]
    lengths = {len(s) for s in shards}
    assert len(lengths) == 1 and lengths == {len(DistributedSampler(range(n), replicas, 0, drop_last=drop))}
    flat = sorted(i for s in shards for i in s)
    if drop:
        assert len(set(flat)) == len(flat) and set(flat) <= set(range(n))
    else:
        assert set(flat) == set(range(n))  # every sample, some padded twice


def test_distributed_sampler_shuffle_epochs():
    ds = range(20)
    a = DistributedSampler(ds, 2, 0, seed=5)
    b = DistributedSampler(ds, 2, 1, seed=5)
    e0 = list(a)
    assert sorted(e0 + list(b)) == list(range(20))
    a.set_epoch(1)
    assert list(a) != e0 and a.epoch == 1
    a.set_epoch(0)
    assert list(a) == e0


def test_distributed_sampler_needs_world(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("RANK", raising=False)
    with pytest.raises(RuntimeError, match="num_replicas/rank were not given"):
        DistributedSampler(range(3))
    with pytest.raises(ValueError, match="Invalid rank 2"):
        DistributedSampler(range(3), num_replicas=2, rank=2)


def test_distributed_sampler_from_env(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("RANK", "3")
    s = DistributedSampler(range(8), shuffle=False)
    assert (s.num_replicas, s.rank, list(s)) == (4, 3, [3, 7])


@pytest.mark.parametrize("n,replicas,drop", [(10, 3, False), (10, 3, True), (2, 4, False), (13, 4, True)])
def test_distributed_sampler_matches_torch_unshuffled(n, replicas, drop):
    torch = pytest.importorskip("torch")
    for r in range(replicas):
        ours = list(DistributedSampler(range(n), replicas, r, shuffle=False, drop_last=drop))
        theirs = list(torch.utils.data.DistributedSampler(range(n), replicas, r, shuffle=False, drop_last=drop))
        assert ours == theirs
