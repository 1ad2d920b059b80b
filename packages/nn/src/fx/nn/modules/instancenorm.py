"""torch.nn.modules.instancenorm's names: the instance-norm layers and the private base PyTorch code subclasses.

They are defined in normalization.py; this module gives them PyTorch's import path.
"""

from .normalization import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, _InstanceNorm  # noqa: F401

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]
