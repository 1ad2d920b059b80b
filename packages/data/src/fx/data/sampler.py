"""The samplers at PyTorch's module path (torch.utils.data.sampler), for code that imports them from there."""

from ._sampler import *  # noqa: F403
from ._sampler import __all__  # noqa: F401
