"""DataLoader and its helpers at PyTorch's module path (torch.utils.data.dataloader), for code that imports them from there."""

from ._collate import default_collate, default_convert
from ._dataloader import DataLoader
from ._worker import get_worker_info

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]
