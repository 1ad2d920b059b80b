"""Parameter, Buffer and UninitializedParameter: tensors a Module registers by attribute."""

from __future__ import annotations

import numpy as np

from fx.tensor import _dtype
from fx.tensor._tensor import Tensor, shared_counter, wrap

__all__ = ["Parameter", "Buffer", "UninitializedParameter"]

_new = object.__new__


def _alias(cls, data, requires_grad):
    """A `cls` instance sharing `data`'s storage and version counter, as a leaf."""
    t = _new(cls)
    t._data = data._data
    t._vc = shared_counter(data)
    t._rg = False
    t.grad = None
    t.grad_fn = None
    t._base = None
    t._view = None
    t._ag = None
    if requires_grad:
        t.requires_grad_(True)
    return t


class Parameter(Tensor):
    """A leaf tensor that a Module registers as a parameter when assigned as an attribute.

    Args:
        data: the tensor to wrap (storage is shared, not copied); default an empty float tensor.
        requires_grad: whether the parameter takes gradients (default True).

    Returns:
        A Parameter (a Tensor subclass) whose repr starts with "Parameter containing:".

    Example:
        >>> p = nn.Parameter(ft.zeros(3))
        >>> p.requires_grad, p.is_leaf
        (True, True)
        >>> m = nn.Module()
        >>> m.scale = p
        >>> [name for name, _ in m.named_parameters()]
        ['scale']
    """

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = wrap(np.empty((0,), dtype=_dtype.get_default_dtype().np))
        elif not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): data must be a Tensor, got {type(data).__name__}")
        return _alias(cls, data, requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = type(self)(self.detach().clone(), self.requires_grad)
        memo[id(self)] = out
        return out


class Buffer(Tensor):
    """A tensor that a Module registers as a buffer when assigned as an attribute (torch.nn.Buffer).

    Args:
        data: the tensor to wrap (storage is shared); default an empty float tensor.
        persistent: whether the buffer is part of the module's state_dict (default True).

    Returns:
        A Buffer; assigning it to a Module attribute calls `register_buffer(name, data, persistent)`.

    Example:
        >>> m = nn.Module()
        >>> m.steps = nn.Buffer(ft.zeros(2))
        >>> m.cache = nn.Buffer(ft.zeros(2), persistent=False)
        >>> [name for name, _ in m.named_buffers()], list(m.state_dict())
        (['steps', 'cache'], ['steps'])
    """

    __slots__ = ("persistent",)

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = wrap(np.empty((0,), dtype=_dtype.get_default_dtype().np))
        elif not isinstance(data, Tensor):
            raise TypeError(f"Buffer(): data must be a Tensor, got {type(data).__name__}")
        t = _alias(cls, data, data.requires_grad and data.is_leaf)
        t.persistent = bool(persistent)
        return t


class UninitializedParameter(Parameter):
    """A parameter without a shape yet (LazyLinear's weight); `materialize(shape)` gives it storage.

    Args:
        requires_grad: whether the parameter takes gradients once materialized (default True).
        device, dtype: where and of what dtype its storage will be (default CPU, the default dtype).

    Example:
        >>> p = nn.UninitializedParameter()
        >>> p
        <UninitializedParameter>
        >>> p.materialize((2, 3))
        >>> type(p).__name__, p.shape
        ('Parameter', fx.tensor.Size([2, 3]))
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        dt = (dtype or _dtype.get_default_dtype()).np
        return _alias(cls, wrap(np.empty((0,), dtype=dt)), requires_grad)

    def materialize(self, shape, device=None, dtype=None):
        """Allocate (uninitialised) storage of `shape` and turn into a plain Parameter.

        Args:
            shape: the new shape (an int or a tuple of ints).
            device, dtype: the storage's device and dtype (default: CPU, the parameter's dtype).
        """
        import fx.tensor as ft

        if isinstance(shape, int):
            shape = (shape,)
        self._data = ft.empty(tuple(shape), dtype=dtype or self.dtype, device=device)._data
        self._vc = None
        self.__class__ = self.cls_to_become

    def __repr__(self):
        return "<UninitializedParameter>"

    @property
    def shape(self):
        """Raises RuntimeError: an uninitialized parameter has no shape until materialize()."""
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")


def is_lazy(param) -> bool:
    return isinstance(param, UninitializedParameter)
