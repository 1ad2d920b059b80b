"""The dataset classes at PyTorch's module path (torch.utils.data.dataset), for code that imports them from there."""

from ._dataset import *  # noqa: F403
from ._dataset import __all__  # noqa: F401
