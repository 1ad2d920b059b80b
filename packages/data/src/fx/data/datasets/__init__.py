"""fx.data.datasets: ready-made datasets (MNIST, FashionMNIST, scikit-learn's Digits) and their file helpers."""

from ._mnist import MNIST, FashionMNIST
from ._digits import Digits
from ._utils import check_integrity, download_url, read_idx

__all__ = ["MNIST", "FashionMNIST", "Digits", "read_idx", "download_url", "check_integrity"]
