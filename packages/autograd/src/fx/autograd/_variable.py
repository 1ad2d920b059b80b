"""Variable: PyTorch's deprecated pre-0.4 wrapper, kept so old code runs; it returns a plain Tensor."""

from __future__ import annotations

import warnings

import fx.tensor as ft
from fx.tensor._tensor import Tensor

__all__ = ["Variable"]


class _VariableMeta(type):
    # every tensor is a Variable, as in PyTorch since the two types merged
    def __instancecheck__(cls, other):
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """Deprecated: `Variable(t, requires_grad=True)` is `t.detach().requires_grad_(True)`, a Tensor.

    Tensors record gradients themselves, so Variable only returns a new leaf tensor that shares
    data's storage; `isinstance(t, Variable)` holds for every tensor.

    Args:
        data: the tensor to wrap (default None: an empty float tensor).
        requires_grad: whether the result records operations for autograd (default False).
        volatile: removed; True warns and has no effect (use `fx.autograd.no_grad`).
        _grad_fn: no longer supported; must be None.
        name: accepted and ignored.

    Returns:
        A leaf Tensor sharing data's storage.

    Example:
        >>> x = autograd.Variable(ft.tensor([1.0, 2.0]), requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4.])
        >>> type(x).__name__, isinstance(x, autograd.Variable)
        ('Tensor', True)
    """

    def __new__(cls, data=None, requires_grad=False, volatile=False, _grad_fn=None, name=None):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with fx.autograd.no_grad():` instead.",
                          UserWarning, stacklevel=2)
            if requires_grad:
                raise ValueError("Variable can't be volatile and require_grad at the same time!")
        if data is None:
            var = ft.empty(0)
        elif isinstance(data, Tensor):
            var = data.detach()
        else:
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if _grad_fn is not None:
            raise RuntimeError("_grad_fn argument to legacy Variable constructor is no longer supported. Instead, "
                               "call the function that produces a tensor with it as grad_fn.")
        if requires_grad:
            var.requires_grad_(True)
        return var
