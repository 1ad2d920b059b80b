"""Digits: scikit-learn's bundled 8x8 handwritten digits (no download; needs scikit-learn)."""

from __future__ import annotations

import numpy as np

import fx.tensor as ft

from .._dataset import Dataset

__all__ = ["Digits"]


class Digits(Dataset):
    """The 1,797 8x8 digit images that ship with scikit-learn (`sklearn.datasets.load_digits`).

    A sample is `(image, target)`: a float32 tensor of shape (8, 8) with values 0-16 and an int 0-9.
    Nothing is downloaded. Install the optional dependency with `pip install 'fx-data[digits]'`.

    Args:
        transform: a callable applied to each image.
        target_transform: a callable applied to each target.

    Example:
        >>> ds = data.datasets.Digits()
        >>> img, label = ds[0]
        >>> len(ds), tuple(img.shape), img.dtype, label
        (1797, (8, 8), fx.tensor.float32, 0)
    """

    classes = [str(i) for i in range(10)]

    def __init__(self, transform=None, target_transform=None):
        try:
            from sklearn.datasets import load_digits
        except ImportError:
            raise ImportError("fx.data.datasets.Digits needs scikit-learn, which is not installed: "
                              "pip install scikit-learn (or pip install 'fx-data[digits]')") from None
        bunch = load_digits()
        self._images = np.ascontiguousarray(bunch.images, dtype=np.float32)
        self._labels = np.ascontiguousarray(bunch.target, dtype=np.int64)
        self.data = ft.from_numpy(self._images)
        self.targets = ft.from_numpy(self._labels)
        self.transform = transform
        self.target_transform = target_transform

    def __getitem__(self, index):
        img, target = ft.from_numpy(self._images[index]), int(self._labels[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self._images)
