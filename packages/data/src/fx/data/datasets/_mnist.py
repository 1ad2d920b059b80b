"""MNIST and FashionMNIST: 28x28 grayscale images with labels 0-9, read from the standard IDX files."""

from __future__ import annotations

import os
import urllib.error

import fx.tensor as ft

from .._dataset import Dataset
from ._utils import download_url, read_idx

__all__ = ["MNIST", "FashionMNIST"]


class MNIST(Dataset):
    """The MNIST digits: `root/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`.

    A sample is `(image, target)`: a uint8 tensor of shape (28, 28) and an int, each passed through
    `transform` / `target_transform` when given. `data` and `targets` hold the whole split.

    Args:
        root: directory that holds (or will hold) `MNIST/raw/`.
        train: the 60,000-image training split (True) or the 10,000-image test split.
        transform: a callable applied to each image.
        target_transform: a callable applied to each target.
        download: fetch the missing files (mirror by mirror, each verified by its MD5).

    Example:
        >>> import os, tempfile
        >>> def write_idx(path, array):  # the IDX format: 0, 0, type code, ndim, big-endian dims, data
        ...     with open(path, "wb") as f:
        ...         f.write(bytes([0, 0, 8, array.ndim]) + np.array(array.shape, ">u4").tobytes() + array.tobytes())
        >>> root = tempfile.mkdtemp()
        >>> raw = os.path.join(root, "MNIST", "raw")
        >>> os.makedirs(raw)
        >>> write_idx(os.path.join(raw, "t10k-images-idx3-ubyte"), np.zeros((2, 28, 28), np.uint8))
        >>> write_idx(os.path.join(raw, "t10k-labels-idx1-ubyte"), np.array([7, 2], np.uint8))
        >>> ds = data.datasets.MNIST(root, train=False)
        >>> len(ds), tuple(ds[0][0].shape), ds[0][1]
        (2, (28, 28), 7)
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        self.root = os.path.expanduser(os.fspath(root))
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError(f"Dataset not found in {self.raw_folder}. You can use download=True to download it")
        images, labels = (read_idx(self._find(name)) for name in self._split_files())
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise RuntimeError(f"{type(self).__name__}: expected images of shape (N, H, W) and N labels, got "
                               f"{images.shape} and {labels.shape}")
        self._images = images
        self._labels = labels.astype("int64")
        self.data = ft.from_numpy(self._images)
        self.targets = ft.from_numpy(self._labels)

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def _split_files(self):
        prefix = "train" if self.train else "t10k"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"

    def _find(self, name):
        """The raw file if present, else the gzip one (or None)."""
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        return None

    def _check_exists(self):
        return all(self._find(name) is not None for name in self._split_files())

    def download(self):
        """Download the missing files, trying each mirror in turn and verifying every file's MD5."""
        if self._check_exists():
            return
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                try:
                    download_url(mirror + filename, self.raw_folder, filename, md5=md5)
                    break
                except (urllib.error.URLError, OSError, RuntimeError) as e:
                    errors.append(f"{mirror}{filename}: {e}")
            else:
                raise RuntimeError(f"{type(self).__name__}: could not download {filename}:\n  " + "\n  ".join(errors))

    def __getitem__(self, index):
        img, target = ft.from_numpy(self._images[index]), int(self._labels[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self._images)

    def __repr__(self):
        split = "Train" if self.train else "Test"
        return f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n    Root location: {self.root}\n" \
               f"    Split: {split}"


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: MNIST's format with 10 clothing classes (`root/FashionMNIST/raw/`).

    Args:
        root: directory that holds (or will hold) `FashionMNIST/raw/`.
        train: the 60,000-image training split (True) or the 10,000-image test split.
        transform: a callable applied to each image.
        target_transform: a callable applied to each target.
        download: fetch the missing files (verified by their MD5).

    Example:
        >>> import os, tempfile
        >>> def write_idx(path, array):  # the IDX format: 0, 0, type code, ndim, big-endian dims, data
        ...     with open(path, "wb") as f:
        ...         f.write(bytes([0, 0, 8, array.ndim]) + np.array(array.shape, ">u4").tobytes() + array.tobytes())
        >>> root = tempfile.mkdtemp()
        >>> raw = os.path.join(root, "FashionMNIST", "raw")
        >>> os.makedirs(raw)
        >>> write_idx(os.path.join(raw, "t10k-images-idx3-ubyte"), np.zeros((1, 28, 28), np.uint8))
        >>> write_idx(os.path.join(raw, "t10k-labels-idx1-ubyte"), np.array([9], np.uint8))
        >>> ds = data.datasets.FashionMNIST(root, train=False)
        >>> ds.classes[ds[0][1]]
        'Ankle boot'
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
