"""DataLoader in the main process: batching modes, argument checks, lengths, and torch's batch structure."""

import numpy as np
import pytest

import fx.tensor as ft
from fx.data import (
    BatchSampler, DataLoader, Dataset, IterableDataset, RandomSampler, SequentialSampler, TensorDataset,
    default_collate, get_worker_info,
)


class Dicts(Dataset):
    def __init__(self, n=10):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": np.full((2,), i, np.float32), "y": i, "name": f"s{i}", "w": float(i) / 2}


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))

    def __len__(self):
        return self.n


def values(batches):
    return [[np.asarray(v.tolist()).tolist() if isinstance(v, ft.Tensor) else v for v in b] for b in batches]


def test_batches_in_order():
    ds = TensorDataset(ft.arange(20).reshape(10, 2), ft.arange(10))
    batches = list(DataLoader(ds, batch_size=4))
    assert [y.tolist() for _, y in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [y.tolist() for _, y in DataLoader(ds, batch_size=4, drop_last=True)] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(ds, batch_size=4)) == 3 and len(DataLoader(ds, batch_size=4, drop_last=True)) == 2


def test_no_auto_batching():
    out = list(DataLoader(Dicts(3), batch_size=None))
    assert out[1]["y"] == 1 and isinstance(out[1]["x"], ft.Tensor) and out[1]["name"] == "s1"
    assert len(DataLoader(Dicts(3), batch_size=None)) == 3


def test_shuffle_is_seeded_by_generator():
    ds = TensorDataset(ft.arange(50))
    run = lambda seed: [b[0].tolist() for b in DataLoader(ds, batch_size=8, shuffle=True,
                                                          generator=ft.Generator().manual_seed(seed))]
    a = run(1)
    assert a == run(1) and a != run(2)
    assert sorted(sum(a, [])) == list(range(50))
    ft.manual_seed(3)
    b = [x[0].tolist() for x in DataLoader(ds, batch_size=8, shuffle=True)]
    ft.manual_seed(3)
    assert b == [x[0].tolist() for x in DataLoader(ds, batch_size=8, shuffle=True)]


def test_custom_sampler_and_batch_sampler():
    ds = TensorDataset(ft.arange(6))
    out = [b[0].tolist() for b in DataLoader(ds, sampler=[5, 4, 3, 2, 1, 0], batch_size=2)]
    assert out == [[5, 4], [3, 2], [1, 0]]
    bs = BatchSampler(SequentialSampler(ds), 4, False)
    out = [b[0].tolist() for b in DataLoader(ds, batch_sampler=bs)]
    assert out == [[0, 1, 2, 3], [4, 5]]
    out = [b[0].tolist() for b in DataLoader(ds, batch_sampler=[[0, 5], [1]])]
    assert out == [[0, 5], [1]]


def test_collate_fn_and_dict_samples():
    batch = next(iter(DataLoader(Dicts(), batch_size=3)))
    assert batch["x"].dtype == ft.float32 and tuple(batch["x"].shape) == (3, 2)
    assert batch["y"].tolist() == [0, 1, 2] and batch["name"] == ["s0", "s1", "s2"]
    assert batch["w"].dtype == ft.float64
    assert next(iter(DataLoader(Dicts(), batch_size=2, collate_fn=len))) == 2


def test_iterable_dataset():
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]
    assert len(DataLoader(Stream(7), batch_size=3)) == 3
    assert len(DataLoader(Stream(7), batch_size=3, drop_last=True)) == 2


def test_iterable_len_warning():
    class Liar(Stream):
        def __len__(self):
            return 2

    loader = DataLoader(Liar(5), batch_size=None)
    assert len(loader) == 2
    with pytest.warns(UserWarning, match="was reported to be 2"):
        list(loader)


def test_argument_errors():
    ds = TensorDataset(ft.arange(4))
    cases = [
        (dict(num_workers=-1), ValueError, "num_workers option should be non-negative"),
        (dict(timeout=-1), ValueError, "timeout option should be non-negative"),
        (dict(prefetch_factor=2), ValueError, "prefetch_factor option could only be specified in multiprocessing"),
        (dict(num_workers=1, prefetch_factor=-1), ValueError, "prefetch_factor option should be non-negative"),
        (dict(persistent_workers=True), ValueError, "persistent_workers option needs num_workers > 0"),
        (dict(sampler=[0], shuffle=True), ValueError, "sampler option is mutually exclusive with shuffle"),
        (dict(batch_sampler=[[0]], batch_size=2), ValueError, "batch_sampler option is mutually exclusive"),
        (dict(batch_size=None, drop_last=True), ValueError, "mutually exclusive with drop_last"),
        (dict(multiprocessing_context="fork"), ValueError, "multiprocessing_context can only be used"),
        (dict(num_workers=1, multiprocessing_context="nope"), ValueError, "should specify a valid start method"),
        (dict(num_workers=1, multiprocessing_context=3), TypeError, "should be a valid context object"),
        (dict(generator=3), TypeError, "generator must be a fx.tensor.Generator"),
    ]
    for kwargs, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            DataLoader(ds, **kwargs)
    for kwargs, msg in [(dict(shuffle=True), "expected unspecified shuffle"),
                        (dict(sampler=[0]), "expected unspecified sampler"),
                        (dict(batch_sampler=[[0]]), "expected unspecified batch_sampler")]:
        with pytest.raises(ValueError, match=msg):
            DataLoader(Stream(3), **kwargs)
    loader = DataLoader(ds)
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 3
    loader.num_workers = 0  # not a frozen attribute


def test_errors_propagate_unchanged_in_main_process():
    class Bad(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            raise KeyError(i)

    with pytest.raises(KeyError):
        next(iter(DataLoader(Bad(), batch_size=2)))


def test_pin_memory_warns():
    with pytest.warns(UserWarning, match="pin_memory"):
        DataLoader(TensorDataset(ft.arange(2)), pin_memory=True)


def test_iterator_protocol():
    loader = DataLoader(TensorDataset(ft.arange(5)), batch_size=2)
    it = iter(loader)
    assert iter(it) is it and len(it) == 3
    list(it)
    with pytest.raises(StopIteration):
        next(it)


# ---- same batches as torch.utils.data -----------------------------------------------------------
def _describe(x, tensor_type):
    if isinstance(x, tensor_type):
        return ("tensor", str(x.dtype).split(".")[-1], tuple(x.shape), np.asarray(x.tolist()).tolist())
    if isinstance(x, dict):
        return {k: _describe(v, tensor_type) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_describe(v, tensor_type) for v in x])
    return x


class TorchDicts:
    def __init__(self, n=10):
        self.inner = Dicts(n)

    def __len__(self):
        return len(self.inner)

    def __getitem__(self, i):
        return self.inner[i]


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None),
                                    dict(batch_size=4, num_workers=2), dict(batch_size=1)])
def test_map_batches_match_torch(kwargs):
    torch = pytest.importorskip("torch")
    ours = [_describe(b, ft.Tensor) for b in DataLoader(Dicts(), **kwargs)]
    theirs = [_describe(b, torch.Tensor) for b in torch.utils.data.DataLoader(TorchDicts(), **kwargs)]
    assert ours == theirs
    assert len(DataLoader(Dicts(), **kwargs)) == len(torch.utils.data.DataLoader(TorchDicts(), **kwargs))


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None),
                                    dict(batch_size=2, num_workers=2), dict(batch_size=None, num_workers=2)])
def test_iterable_batches_match_torch(kwargs):
    torch = pytest.importorskip("torch")

    class TorchStream(torch.utils.data.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            info = torch.utils.data.get_worker_info()
            start, step = (0, 1) if info is None else (info.id, info.num_workers)
            return iter(range(start, self.n, step))

    ours = [_describe(b, ft.Tensor) for b in DataLoader(Stream(11), **kwargs)]
    theirs = [_describe(b, torch.Tensor) for b in torch.utils.data.DataLoader(TorchStream(11), **kwargs)]
    assert ours == theirs


def test_tensor_dataset_batches_match_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((10, 3)).astype(np.float32)
    y = np.arange(10)
    ours = list(DataLoader(TensorDataset(ft.from_numpy(x), ft.from_numpy(y)), batch_size=4))
    theirs = list(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x),
                                                                               torch.from_numpy(y)), batch_size=4))
    assert len(ours) == len(theirs)
    for (a, b), (c, d) in zip(ours, theirs):
        assert isinstance((a, b), tuple) is isinstance((c, d), tuple)
        np.testing.assert_array_equal(a.numpy(), c.numpy())
        np.testing.assert_array_equal(b.numpy(), d.numpy())
    assert type(next(iter(DataLoader(TensorDataset(ft.from_numpy(y)), batch_size=2)))) is list


def test_random_sampler_lengths_match_torch():
    torch = pytest.importorskip("torch")
    for kwargs in [dict(), dict(num_samples=7), dict(replacement=True, num_samples=70)]:
        assert len(list(RandomSampler(range(20), **kwargs))) == len(list(torch.utils.data.RandomSampler(range(20),
                                                                                                        **kwargs)))


def test_default_collate_used_for_batches():
    loader = DataLoader(TensorDataset(ft.arange(4)), batch_size=2)
    assert loader.collate_fn is default_collate
