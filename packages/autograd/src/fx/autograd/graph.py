"""`fx.autograd.graph`: graph nodes and saved-tensor hooks (like `torch.autograd.graph`)."""

from ._graph import AccumulateGrad, Node
from ._saved import saved_tensors_hooks

__all__ = ["Node", "AccumulateGrad", "saved_tensors_hooks"]
