"""Datasets and random_split: PyTorch's semantics, checked against NumPy and (where present) torch."""

import numpy as np
import pytest

import fx.tensor as ft
from fx.data import (
    ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset, TensorDataset, default_collate,
    random_split,
)


class Range(Dataset):
    def __init__(self, n, offset=0):
        self.n, self.offset = n, offset

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not -self.n <= i < self.n:
            raise IndexError(i)
        return self.offset + (i % self.n)


class Stream(IterableDataset):
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def test_tensor_dataset_rows():
    x, y = ft.arange(12.0).reshape(4, 3), ft.tensor([5, 6, 7, 8])
    ds = TensorDataset(x, y)
    assert len(ds) == 4
    a, b = ds[2]
    assert a.tolist() == [6.0, 7.0, 8.0] and b.item() == 7
    rows = ds.__getitems__([3, 0])
    assert len(rows) == 2 and rows[0][1].item() == 8 and [r[1].item() for r in rows[:]] == [8, 5]
    xs, ys = default_collate(rows)
    np.testing.assert_array_equal(xs.numpy(), x.numpy()[[3, 0]])
    assert ys.tolist() == [8, 5] and ys.dtype == ft.int64


def test_tensor_dataset_errors():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(ft.zeros(3), ft.zeros(4))
    with pytest.raises(TypeError, match="fx.tensor.Tensor"):
        TensorDataset(np.zeros(3))
    with pytest.raises(IndexError, match="0-d"):
        TensorDataset(ft.tensor(1.0))
    ds = TensorDataset(ft.zeros(3))
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        default_collate(ds.__getitems__([0, 5]))


def test_tensor_rows_gather_matches_stacking():
    x = ft.randn(6, 2, 3)
    ds = TensorDataset(x, ft.arange(6))
    idx = [5, -1, 0, 2]
    fast = default_collate(ds.__getitems__(idx))
    slow = default_collate([ds[i] for i in idx])
    for f, s in zip(fast, slow):
        assert f.dtype == s.dtype and f.shape == s.shape
        np.testing.assert_array_equal(f.numpy(), s.numpy())


def test_stack_dataset():
    a, b = Range(4), TensorDataset(ft.arange(4) * 10)
    ds = StackDataset(a, b)
    assert len(ds) == 4 and ds[1][0] == 1 and ds[1][1][0].item() == 10
    items = ds.__getitems__([2, 3])
    assert items[0][0] == 2 and items[1][1][0].item() == 30
    d = StackDataset(x=a, y=b)
    assert d[3]["x"] == 3 and d.__getitems__([0])[0]["y"][0].item() == 0
    with pytest.raises(ValueError, match="Size mismatch"):
        StackDataset(Range(2), Range(3))
    with pytest.raises(ValueError, match="At least one dataset"):
        StackDataset()
    with pytest.raises(ValueError, match="both types are given"):
        StackDataset(a, y=b)


def test_concat_dataset():
    ds = ConcatDataset([Range(3), Range(2, offset=100)])
    assert len(ds) == 5 and ds.cumulative_sizes == [3, 5]
    assert [ds[i] for i in range(5)] == [0, 1, 2, 100, 101]
    assert ds[-1] == 101 and ds[-5] == 0
    with pytest.raises(ValueError, match="absolute value of index"):
        ds[-6]
    with pytest.raises(IndexError):
        ds[5]
    assert len(Range(2) + Range(3)) == 5
    with pytest.raises(AssertionError, match="empty iterable"):
        ConcatDataset([])
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        ConcatDataset([Stream([1])])


def test_chain_dataset():
    ds = ChainDataset([Stream([1, 2]), Stream([3])])
    assert list(ds) == [1, 2, 3] and len(ds) == 3
    assert list(Stream([1]) + Stream([2])) == [1, 2]
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        list(ChainDataset([Range(2)]))


def test_subset():
    base = TensorDataset(ft.arange(10))
    sub = Subset(base, [9, 3, 5])
    assert len(sub) == 3 and sub[0][0].item() == 9
    (col,) = default_collate(sub.__getitems__([2, 1]))
    assert col.tolist() == [5, 3]
    plain = Subset(Range(10), [4, 2])
    assert plain.__getitems__([1, 0]) == [2, 4]

    class Bad(Subset):
        def __getitem__(self, i):
            return 0

    with pytest.raises(NotImplementedError, match="overrides __getitem__ but not __getitems__"):
        Bad(Range(3), [0])


def test_random_split_lengths_and_determinism():
    ds = Range(10)
    g = ft.Generator().manual_seed(0)
    a, b = random_split(ds, [7, 3], generator=g)
    assert len(a) == 7 and len(b) == 3
    assert sorted(list(a.indices) + list(b.indices)) == list(range(10))
    a2, _ = random_split(ds, [7, 3], generator=ft.Generator().manual_seed(0))
    assert a.indices == a2.indices
    parts = random_split(Range(11), [0.5, 0.3, 0.2], generator=g)
    assert [len(p) for p in parts] == [6, 3, 2]
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(ds, [3, 3])
    with pytest.raises(ValueError, match="not between 0 and 1"):
        random_split(ds, [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(Range(2), [1.0, 0.0])


def test_random_split_matches_torch_lengths():
    torch = pytest.importorskip("torch")
    for n, fracs in [(11, [0.5, 0.3, 0.2]), (7, [0.1, 0.9]), (100, [1 / 3, 1 / 3, 1 / 3])]:
        ours = [len(p) for p in random_split(Range(n), fracs)]
        theirs = [len(p) for p in torch.utils.data.random_split(range(n), fracs)]
        assert ours == theirs


def test_base_classes():
    with pytest.raises(NotImplementedError):
        Dataset()[0]
    with pytest.raises(NotImplementedError):
        iter(IterableDataset())
    assert Dataset[int] is not None  # generic, as PyTorch's
