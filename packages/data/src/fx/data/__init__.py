"""fx.data: datasets, samplers and a DataLoader with PyTorch's names (torch.utils.data).

Worker processes return batches through shared memory, report a failed or killed worker at once,
shut down cleanly, and the loader can resume mid-epoch (`state_dict`/`load_state_dict`).

Example:
    >>> import fx.tensor as ft
    >>> from fx.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(ft.randn(100, 3), ft.arange(100))
    >>> x, y = next(iter(DataLoader(ds, batch_size=32, shuffle=True)))
    >>> tuple(x.shape), tuple(y.shape)
    ((32, 3), (32,))
"""

from ._dataset import (
    ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset, TensorDataset, random_split,
)
from ._sampler import (
    BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler,
)
from ._distributed_sampler import DistributedSampler
from ._collate import collate, default_collate, default_collate_fn_map, default_convert
from ._worker import WorkerInfo, get_worker_info
from ._dataloader import DataLoader
from ._iterable import shard_iterable
from . import datasets

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset", "ChainDataset", "Subset",
    "random_split", "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
    "BatchSampler", "DistributedSampler", "collate", "default_collate", "default_collate_fn_map", "default_convert",
    "WorkerInfo", "get_worker_info", "DataLoader", "shard_iterable",
]
