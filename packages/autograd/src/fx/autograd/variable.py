"""`fx.autograd.variable`: PyTorch's torch.autograd.variable import path for the deprecated Variable."""

from ._variable import Variable

__all__ = ["Variable"]
