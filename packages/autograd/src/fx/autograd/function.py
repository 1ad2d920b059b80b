"""`fx.autograd.function`: PyTorch's torch.autograd.function import path for custom Functions."""

from ._function import BackwardCFunction, Function, FunctionCtx, once_differentiable

__all__ = ["Function", "FunctionCtx", "once_differentiable", "BackwardCFunction"]
