"""DistributedSampler at PyTorch's module path (torch.utils.data.distributed), for code that imports it from there."""

from ._distributed_sampler import DistributedSampler

__all__ = ["DistributedSampler"]
