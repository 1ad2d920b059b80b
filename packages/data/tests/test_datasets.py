"""fx.data.datasets on small IDX files written by the tests (never the network): reading, download
with checksums (file:// mirrors), errors, and scikit-learn's Digits."""

import gzip
import hashlib
import struct
import sys

import numpy as np
import pytest

import fx.tensor as ft
from fx.data import DataLoader
from fx.data.datasets import MNIST, Digits, FashionMNIST, check_integrity, download_url, read_idx

CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}


def idx_bytes(array):
    array = np.asarray(array)
    header = bytes([0, 0, CODES[array.dtype.type], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, array, compress):
    data = idx_bytes(array)
    if compress:
        data = gzip.compress(data)
    path.write_bytes(data)
    return hashlib.md5(data).hexdigest()


def make_split(folder, prefix, n, compress, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    suffix = ".gz" if compress else ""
    folder.mkdir(parents=True, exist_ok=True)
    md5s = (write(folder / f"{prefix}-images-idx3-ubyte{suffix}", images, compress),
            write(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels, compress))
    return images, labels, md5s


@pytest.mark.parametrize("dtype", list(CODES))
@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_dtypes(tmp_path, dtype, compress):
    a = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    write(tmp_path / "a.idx", a, compress)
    out = read_idx(tmp_path / "a.idx")
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative and out.shape == (2, 3, 4)
    np.testing.assert_array_equal(out, a)


def test_read_idx_errors(tmp_path):
    bad = tmp_path / "bad"
    bad.write_bytes(b"\x01\x02\x08\x01")
    with pytest.raises(RuntimeError, match="not an IDX file"):
        read_idx(bad)
    bad.write_bytes(bytes([0, 0, 0x42, 1, 0, 0, 0, 1, 0]))
    with pytest.raises(RuntimeError, match="unknown IDX type code 0x42"):
        read_idx(bad)
    bad.write_bytes(idx_bytes(np.zeros((4, 4), np.uint8))[:-3])
    with pytest.raises(RuntimeError, match=r"shape \(4, 4\) \(16 bytes of data\) but the file has 13"):
        read_idx(bad)
    bad.write_bytes(gzip.compress(idx_bytes(np.zeros(4, np.uint8)))[:-6])
    with pytest.raises(RuntimeError, match="truncated"):
        read_idx(bad)
    bad.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(RuntimeError, match="ends inside it"):
        read_idx(bad)


@pytest.mark.parametrize("cls", [MNIST, FashionMNIST])
@pytest.mark.parametrize("compress", [False, True])
def test_mnist_reads_local_files(tmp_path, cls, compress):
    raw = tmp_path / cls.__name__ / "raw"
    images, labels, _ = make_split(raw, "train", 7, compress)
    test_images, test_labels, _ = make_split(raw, "t10k", 3, compress, seed=1)
    ds = cls(tmp_path)
    assert len(ds) == 7 and ds.data.dtype == ft.uint8 and tuple(ds.data.shape) == (7, 28, 28)
    img, target = ds[4]
    np.testing.assert_array_equal(img.numpy(), images[4])
    assert target == int(labels[4]) and isinstance(target, int)
    assert ds.targets.dtype == ft.int64 and ds.targets.tolist() == labels.tolist()
    test = cls(str(tmp_path), train=False, transform=lambda x: x.float() / 255, target_transform=lambda y: y + 100)
    img, target = test[2]
    assert img.dtype == ft.float32 and target == int(test_labels[2]) + 100
    assert len(ds.classes) == 10 and ds.class_to_idx[ds.classes[3]] == 3
    assert "Number of datapoints: 3" in repr(test) and "Split: Test" in repr(test)
    x, y = next(iter(DataLoader(ds, batch_size=4)))
    assert tuple(x.shape) == (4, 28, 28) and y.dtype == ft.int64 and y.tolist() == labels[:4].tolist()


def test_mnist_missing_and_inconsistent(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found in .*download=True"):
        MNIST(tmp_path)
    raw = tmp_path / "MNIST" / "raw"
    make_split(raw, "train", 5, False)
    write(raw / "train-labels-idx1-ubyte", np.zeros(4, np.uint8), False)
    with pytest.raises(RuntimeError, match=r"expected images of shape \(N, H, W\) and N labels"):
        MNIST(tmp_path)


def mirror_class(base, resources, mirrors):
    return type("Mirrored", (base,), {"resources": resources, "mirrors": mirrors, "__module__": __name__})


def test_download_verifies_checksums_and_falls_back(tmp_path):
    server = tmp_path / "server"
    _, _, (ti, tl) = make_split(server, "train", 6, True)
    _, _, (vi, vl) = make_split(server, "t10k", 2, True, seed=3)
    resources = [("train-images-idx3-ubyte.gz", ti), ("train-labels-idx1-ubyte.gz", tl),
                 ("t10k-images-idx3-ubyte.gz", vi), ("t10k-labels-idx1-ubyte.gz", vl)]
    dead = (tmp_path / "nowhere").as_uri() + "/"
    cls = mirror_class(MNIST, resources, [dead, server.as_uri() + "/"])
    ds = cls(tmp_path / "root", download=True)  # the first mirror fails, the second one serves
    assert len(ds) == 6 and (tmp_path / "root" / "Mirrored" / "raw" / "train-images-idx3-ubyte.gz").is_file()
    assert len(cls(tmp_path / "root", train=False, download=True)) == 2  # already there: no download
    assert not list((tmp_path / "root" / "Mirrored" / "raw").glob("*.part*"))

    corrupt = mirror_class(MNIST, [("train-images-idx3-ubyte.gz", "0" * 32)] + resources[1:], [server.as_uri() + "/"])
    with pytest.raises(RuntimeError, match="(?s)could not download train-images-idx3-ubyte.gz.*checksum mismatch"):
        corrupt(tmp_path / "other", download=True)
    assert not list((tmp_path / "other" / "Mirrored" / "raw").glob("*"))  # nothing half-written is kept


def test_download_url_and_integrity(tmp_path):
    src = tmp_path / "f.bin"
    src.write_bytes(b"hello")
    sha = hashlib.sha256(b"hello").hexdigest()
    path = download_url(src.as_uri(), str(tmp_path / "dl"), sha256=sha)
    assert check_integrity(path, sha256=sha) and check_integrity(path, md5=hashlib.md5(b"hello").hexdigest())
    assert not check_integrity(path, md5="0" * 32) and not check_integrity(tmp_path / "none")
    with pytest.raises(RuntimeError, match="checksum mismatch.*sha256"):
        download_url(src.as_uri(), str(tmp_path / "dl2"), sha256="f" * 64)


def test_digits_without_scikit_learn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"needs scikit-learn.*pip install 'fx-data\[digits\]'"):
        Digits()


def test_digits():
    pytest.importorskip("sklearn")
    ds = Digits()
    img, target = ds[0]
    assert len(ds) == 1797 and tuple(img.shape) == (8, 8) and img.dtype == ft.float32 and target == 0
    assert float(ds.data.max().item()) == 16.0
