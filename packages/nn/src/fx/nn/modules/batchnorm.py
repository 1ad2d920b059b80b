"""torch.nn.modules.batchnorm's names: the batch-norm layers and the private bases PyTorch code subclasses.

They are defined in normalization.py; this module gives them PyTorch's import path.
"""

from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm, _NormBase  # noqa: F401

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]
