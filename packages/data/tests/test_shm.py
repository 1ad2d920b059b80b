"""Shared-memory transport: round trips, no leaked segments, the /dev/shm preflight and a full /dev/shm."""

import collections
import dataclasses
import errno
import os

import numpy as np
import pytest
from fxdata_util import shm_files

import fx.tensor as ft
from fx.data import DataLoader, Dataset, TensorDataset, _shm

pytestmark = pytest.mark.usefixtures("no_leaks")
Pair = collections.namedtuple("Pair", "a b")


def roundtrip(obj):
    name = f"fxdata_{os.getpid()}_test_0_0"
    msg = _shm.pack(obj, name)
    assert isinstance(msg[0], bytes) and len(msg[0]) < 2000  # the structure only: no array payload
    return _shm.unpack(msg)


def test_pack_unpack_round_trip():
    t = ft.arange(1200, dtype=ft.float32).reshape(3, 400)
    obj = {"t": t, "nc": t.t(), "bf": ft.ones(3, dtype=ft.bfloat16), "b": np.array([True, False]),
           "e": np.zeros((0, 5), np.int64), "s": ["x", 1, 2.5, None], "p": Pair(np.float16(1), (np.arange(3),)),
           "z": ft.tensor(7), "g": ft.ones(2).requires_grad_()}
    out = roundtrip(obj)
    assert shm_files() == []  # unlinked as soon as it is mapped
    assert isinstance(out["t"], ft.Tensor) and out["t"].tolist() == t.tolist()
    assert out["nc"].tolist() == t.t().tolist()
    assert out["bf"].dtype == ft.bfloat16 and out["bf"].tolist() == [1.0, 1.0, 1.0]
    assert out["b"].dtype == np.bool_ and out["b"].tolist() == [True, False]
    assert out["e"].shape == (0, 5) and out["s"] == ["x", 1, 2.5, None]
    assert isinstance(out["p"], Pair) and out["p"].b[0].tolist() == [0, 1, 2]
    assert out["z"].item() == 7 and tuple(out["z"].shape) == ()
    assert out["g"].requires_grad
    out["t"].add_(1)  # the mapping is writable and private to this process now
    assert out["t"].tolist()[0][:3] == [1.0, 2.0, 3.0]


@dataclasses.dataclass
class Batch:
    x: object
    meta: dict


def test_any_container_type_crosses(no_leaks):
    class Samples(Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return collections.OrderedDict(x=np.full(4, i), y=i)

    def to_batch(samples):
        return Batch(x=ft.from_numpy(np.stack([s["x"] for s in samples])), meta={"ids": [s["y"] for s in samples]})

    out = list(DataLoader(Samples(), batch_size=3, num_workers=2, collate_fn=to_batch))
    assert [b.meta["ids"] for b in out] == [[0, 1, 2], [3, 4, 5]] and out[1].x.tolist()[0] == [3, 3, 3, 3]
    od = list(DataLoader(Samples(), batch_size=2, num_workers=2))
    assert isinstance(od[0], collections.OrderedDict) and od[2]["y"].tolist() == [4, 5]


def test_no_arrays_no_segment():
    msg = _shm.pack({"a": [1, "x"]}, "unused")
    assert msg[2] is None and _shm.unpack(msg) == {"a": [1, "x"]}


class Big(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        return np.zeros(256 * 1024, np.uint8)  # 256 KiB a sample


def test_preflight_before_starting_workers(monkeypatch):
    monkeypatch.setattr(_shm, "free_bytes", lambda directory=None: 100_000)
    ds = TensorDataset(ft.zeros(64, 1024))
    with pytest.raises(RuntimeError, match=r"not enough shared memory in .*--shm-size") as info:
        iter(DataLoader(ds, batch_size=16, num_workers=2))
    assert "num_workers=0" in str(info.value) and "prefetch_factor" in str(info.value)


def test_preflight_at_first_batch(monkeypatch):
    monkeypatch.setattr(_shm, "free_bytes", lambda directory=None: 600_000)
    it = iter(DataLoader(Big(), batch_size=2, num_workers=2))
    with pytest.raises(RuntimeError, match=r"(?s)each batch takes 512.0 KiB.*need about 2.5 MiB.*shm-size"):
        next(it)
    with pytest.raises(RuntimeError, match="not enough shared memory"):
        next(it)
    del it


def test_enough_space_passes(monkeypatch):
    monkeypatch.setattr(_shm, "free_bytes", lambda directory=None: 10**9)
    assert len(list(DataLoader(Big(), batch_size=2, num_workers=2))) == 4


def test_full_shm_in_worker_is_a_clear_error(monkeypatch):
    def full(fd, bufs, total):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_shm, "_write_all", full)  # the forked workers inherit it
    with pytest.raises(RuntimeError, match="(?s)Caught RuntimeError in DataLoader worker.*not enough shared memory"):
        list(DataLoader(Big(), batch_size=2, num_workers=1))


def test_unwritable_shm_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("FX_DATA_SHM_DIR", str(tmp_path / "missing"))
    with pytest.raises(RuntimeError, match="missing or not writable.*FX_DATA_SHM_DIR"):
        iter(DataLoader(Big(), batch_size=2, num_workers=1))


def test_shm_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("FX_DATA_SHM_DIR", str(tmp_path))
    assert [b.shape[0] for b in DataLoader(Big(), batch_size=4, num_workers=2)] == [4, 4]
    assert os.listdir(tmp_path) == []


def test_fmt_bytes():
    assert _shm.fmt_bytes(10) == "10 B" and _shm.fmt_bytes(2048) == "2.0 KiB"
    assert _shm.fmt_bytes(3 * 2**30) == "3.0 GiB"
