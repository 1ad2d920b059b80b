"""DataLoader with worker processes: order, seeding, worker info, errors, timeout, persistence, shared memory."""

import os
import random
import time

import numpy as np
import pytest
from fxdata_util import alive, shm_files

import fx.tensor as ft
from fx.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info

pytestmark = pytest.mark.usefixtures("no_leaks")


class Squares(Dataset):
    def __init__(self, n=24):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"i": i, "sq": np.full((3,), i * i, np.int64), "t": ft.full((2, 2), float(i)), "s": str(i)}


class RandomDraws(Dataset):
    """Every sample reads the worker's RNGs: NumPy, Python and fx."""

    def __len__(self):
        return 16

    def __getitem__(self, i):
        info = get_worker_info()
        return (np.random.randint(0, 2**31), random.randrange(2**31), int(ft.randint(0, 2**31, (1,)).item()),
                -1 if info is None else info.id, -1 if info is None else info.seed)


def flat(batches):
    return [(b["i"].tolist(), b["sq"].tolist(), b["t"].tolist(), b["s"]) for b in batches]


@pytest.mark.filterwarnings("ignore:This DataLoader will create 3 worker processes")
def test_same_batches_as_single_process():
    ds = Squares()
    expected = flat(DataLoader(ds, batch_size=5))
    for workers in (1, 2, 3):
        assert flat(DataLoader(ds, batch_size=5, num_workers=workers)) == expected
    assert flat(DataLoader(ds, batch_size=5, num_workers=2, prefetch_factor=1)) == expected


def test_in_order_false_yields_every_batch():
    class Uneven(Squares):
        def __getitem__(self, i):
            if i < 4:
                time.sleep(0.05)
            return super().__getitem__(i)

    got = flat(DataLoader(Uneven(), batch_size=2, num_workers=2, in_order=False))
    want = flat(DataLoader(Squares(), batch_size=2))
    assert sorted(got) == sorted(want) and len(got) == len(want)


def test_batch_size_none_with_workers():
    out = list(DataLoader(Squares(6), batch_size=None, num_workers=2))
    assert [d["i"] for d in out] == list(range(6)) and isinstance(out[0]["sq"], ft.Tensor)


def test_tensor_dataset_shuffle_with_workers():
    x = ft.randn(40, 3)
    ds = TensorDataset(x, ft.arange(40))
    mk = lambda nw: DataLoader(ds, batch_size=6, shuffle=True, generator=ft.Generator().manual_seed(4), num_workers=nw)
    a, b = list(mk(0)), list(mk(2))
    assert len(a) == len(b) == 7
    for (xa, ya), (xb, yb) in zip(a, b):
        assert ya.tolist() == yb.tolist()
        np.testing.assert_array_equal(xa.numpy(), xb.numpy())


def test_seeding_is_deterministic():
    def run(seed, workers=2):
        loader = DataLoader(RandomDraws(), batch_size=4, num_workers=workers, generator=ft.Generator().manual_seed(seed))
        return [[c.tolist() for c in b] for b in loader]

    a = run(0)
    assert a == run(0)
    assert a != run(1)
    ids = [w for b in a for w in b[3]]
    assert set(ids) == {0, 1}
    base = int(ft.empty((), dtype=ft.int64).random_(generator=ft.Generator().manual_seed(0)).item())
    seeds = {w: s for b in a for w, s in zip(b[3], b[4])}
    assert seeds == {0: base, 1: base + 1}
    # The two workers' streams differ (each is seeded with base_seed + worker_id).
    assert a[0][0] != a[1][0] and a[0][1] != a[1][1] and a[0][2] != a[1][2]


def test_global_seed_drives_unseeded_loader():
    ft.manual_seed(11)
    a = [[c.tolist() for c in b] for b in DataLoader(RandomDraws(), batch_size=8, num_workers=2)]
    ft.manual_seed(11)
    assert a == [[c.tolist() for c in b] for b in DataLoader(RandomDraws(), batch_size=8, num_workers=2)]


def test_worker_info_and_init_fn():
    assert get_worker_info() is None

    class Info(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            info = get_worker_info()
            return (info.id, info.num_workers, info.dataset is not self or True, os.getpid(),
                    getattr(info.dataset, "tag", None))

    def init(worker_id):
        info = get_worker_info()
        assert info.id == worker_id
        info.dataset.tag = f"w{worker_id}"
        with pytest.raises(RuntimeError, match="Cannot assign attributes to WorkerInfo"):
            info.id = 5

    rows = [r for b in DataLoader(Info(), batch_size=1, num_workers=2, worker_init_fn=init) for r in zip(*b)]
    ids = [int(r[0]) for r in rows]
    assert ids == [0, 1, 0, 1] and all(int(r[1]) == 2 for r in rows)
    assert {int(r[3]) for r in rows}.isdisjoint({os.getpid()})
    assert [r[4] for r in rows] == ["w0", "w1", "w0", "w1"]
    from fx.data import WorkerInfo

    assert repr(WorkerInfo(id=1, num_workers=2)) == "WorkerInfo(id=1, num_workers=2)"


class Failing(Dataset):
    def __len__(self):
        return 12

    def __getitem__(self, i):
        if i == 7:
            raise ValueError(f"sample {i} is corrupt")
        return i


def test_worker_exception_carries_type_message_worker_index_and_traceback():
    loader = DataLoader(Failing(), batch_size=2, num_workers=2)
    it = iter(loader)
    assert next(it).tolist() == [0, 1]
    assert next(it).tolist() == [2, 3]
    assert next(it).tolist() == [4, 5]
    with pytest.raises(ValueError) as info:
        next(it)
    e = info.value
    msg = str(e)
    assert "Caught ValueError in DataLoader worker process 1 while fetching index 7" in msg
    assert "sample 7 is corrupt" in msg and "Traceback (most recent call last)" in msg
    assert "in __getitem__" in msg and "test_workers.py" in msg
    assert e.worker_id == 1 and e.index == 7
    assert next(it).tolist() == [8, 9]  # like PyTorch, the iterator goes on after a failed batch
    del it


def test_unconstructible_and_key_errors():
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(a, b)

    class Raises(Dataset):
        def __init__(self, exc):
            self.exc = exc

        def __len__(self):
            return 2

        def __getitem__(self, i):
            raise self.exc

    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process 0"):
        list(DataLoader(Raises(KeyError("k")), num_workers=1))
    with pytest.raises(RuntimeError, match="Caught Odd"):
        list(DataLoader(Raises(Odd(1, 2)), num_workers=1))


def test_worker_init_fn_error():
    def init(worker_id):
        raise OSError("cannot open the shard")

    with pytest.raises(OSError, match="(?s)in worker_init_fn.*cannot open the shard"):
        list(DataLoader(Failing(), num_workers=2, worker_init_fn=init))


def test_collate_error_is_reported():
    def bad_collate(batch):
        raise TypeError("cannot collate this")

    with pytest.raises(TypeError, match="(?s)in collate_fn.*cannot collate this"):
        list(DataLoader(Failing(), batch_size=2, num_workers=1, collate_fn=bad_collate))


class Sleepy(Dataset):
    def __init__(self, delay):
        self.delay = delay

    def __len__(self):
        return 100

    def __getitem__(self, i):
        time.sleep(self.delay)
        return i


def test_timeout():
    loader = DataLoader(Sleepy(5.0), batch_size=1, num_workers=1, timeout=0.3)
    t = time.monotonic()
    it = iter(loader)
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.3 seconds"):
        next(it)
    assert time.monotonic() - t < 2.0
    pids = [p.pid for p in it._pool.procs]
    del it
    assert not any(alive(p) for p in pids)


def test_exhaustion_del_and_persistent_shutdown():
    loader = DataLoader(Squares(8), batch_size=2, num_workers=2)
    it = iter(loader)
    next(it)
    pids = [p.pid for p in it._pool.procs]
    assert all(alive(p) for p in pids)
    del it  # abandoned mid-epoch: workers stop at once
    assert not any(alive(p) for p in pids)

    it = iter(loader)
    list(it)  # exhausted: workers stop at once
    assert not any(alive(p.pid) for p in it._pool.procs)
    assert shm_files() == []

    persistent = DataLoader(Squares(8), batch_size=2, num_workers=2, persistent_workers=True)
    first = flat(persistent)
    pids = [p.pid for p in persistent._iterator._pool.procs]
    assert all(alive(p) for p in pids)
    assert flat(persistent) == first  # same workers, next epoch
    assert [p.pid for p in persistent._iterator._pool.procs] == pids
    it = iter(persistent)
    next(it)  # an epoch cut short, then a new one on the same workers
    assert flat(persistent) == first
    del it, persistent
    assert not any(alive(p) for p in pids)


def test_exception_in_training_loop_stops_workers():
    import multiprocessing

    loader = DataLoader(Squares(40), batch_size=2, num_workers=2)
    pids = []

    def train():
        for _ in loader:
            pids.extend(p.pid for p in multiprocessing.active_children())
            raise ArithmeticError("loss is nan")

    with pytest.raises(ArithmeticError):
        train()
    assert len(pids) == 2 and not any(alive(p) for p in pids)


def test_worker_killed_by_signal_or_exiting_is_named():
    import signal

    class Crash(Dataset):
        def __init__(self, how):
            self.how = how

        def __len__(self):
            return 8

        def __getitem__(self, i):
            if i == 3:
                if self.how == "signal":
                    os.kill(os.getpid(), signal.SIGTERM)
                os._exit(3)
            return i

    with pytest.raises(RuntimeError, match=r"DataLoader worker 1 \(pid \d+\) was killed by signal SIGTERM \(15\)"):
        list(DataLoader(Crash("signal"), batch_size=2, num_workers=2))
    with pytest.raises(RuntimeError, match=r"DataLoader worker 1 \(pid \d+\) exited unexpectedly with exit code 3"):
        list(DataLoader(Crash("exit"), batch_size=2, num_workers=2))
    it = iter(DataLoader(Crash("exit"), batch_size=2, num_workers=2))
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(it)
    with pytest.raises(RuntimeError, match="exited unexpectedly"):  # a dead iterator keeps saying why
        next(it)


def test_persistent_iterable_dataset_epochs():
    class Stream(IterableDataset):
        def __iter__(self):
            info = get_worker_info()
            return iter(range(info.id, 9, info.num_workers))

    loader = DataLoader(Stream(), batch_size=2, num_workers=2, persistent_workers=True)
    a = [b.tolist() for b in loader]
    assert sorted(sum(a, [])) == list(range(9))
    assert [b.tolist() for b in loader] == a
    del loader


def test_spawn_start_method():
    loader = DataLoader(TensorDataset(ft.arange(6)), batch_size=2, num_workers=1, multiprocessing_context="spawn")
    assert [b[0].tolist() for b in loader] == [[0, 1], [2, 3], [4, 5]]


def test_shared_memory_transport_dtypes():
    class Mixed(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return (ft.full((2,), i, dtype=ft.bfloat16), np.array(i % 2 == 0), np.zeros((0, 3), np.float32),
                    ft.arange(6, dtype=ft.int8).reshape(2, 3).t(), np.float16(i), b"raw", None)

    loader = DataLoader(Mixed(), batch_size=2, num_workers=2, collate_fn=lambda b: b)
    got = list(loader)
    want = list(DataLoader(Mixed(), batch_size=2, collate_fn=lambda b: b))
    assert len(got) == len(want)
    for gb, wb in zip(got, want):
        for gs, ws in zip(gb, wb):
            assert gs[0].dtype == ft.bfloat16 and gs[0].tolist() == ws[0].tolist()
            assert gs[1].dtype == np.bool_ and gs[1] == ws[1]
            assert gs[2].shape == (0, 3)
            assert gs[3].tolist() == ws[3].tolist() and tuple(gs[3].shape) == (3, 2)
            assert gs[4] == ws[4] and gs[5] == b"raw" and gs[6] is None
