"""parameters_to_vector / vector_to_parameters: flatten parameters into one vector and back."""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_same_device(param, old):
    dev = param.device
    if old is not None and dev != old:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return dev


def parameters_to_vector(parameters):
    """One 1-D tensor holding every parameter, flattened, in order (differentiable).

    Args:
        parameters: a tensor or an iterable of tensors, all on one device.

    Returns:
        A 1-D tensor of sum(p.numel()) elements.

    Example:
        >>> m = nn.Linear(2, 1)
        >>> _ = nn.init.ones_(m.weight), nn.init.zeros_(m.bias)
        >>> nn.utils.parameters_to_vector(m.parameters()).tolist()
        [1.0, 1.0, 0.0]
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    dev, vec = None, []
    for p in parameters:
        dev = _check_same_device(p, dev)
        vec.append(p.reshape(-1))
    return ft.cat(vec)


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D `vec` into `parameters` (their `.data` is replaced).

    Args:
        vec: a 1-D tensor with at least sum(p.numel()) elements.
        parameters: a tensor or an iterable of tensors, all on one device.

    Returns:
        None; each parameter's `.data` becomes a view of its slice of `vec`.

    Example:
        >>> m = nn.Linear(2, 1)
        >>> nn.utils.vector_to_parameters(ft.tensor([1.0, 2.0, 3.0]), m.parameters())
        >>> m.weight.tolist(), m.bias.tolist()
        ([[1.0, 2.0]], [3.0])
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected fx.tensor.Tensor, but got: {type(vec).__name__}")
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    dev, pointer = None, 0
    for p in parameters:
        dev = _check_same_device(p, dev)
        n = p.numel()
        if pointer + n > vec.numel():
            raise RuntimeError(f"vector_to_parameters: vec has {vec.numel()} elements, fewer than the parameters need")
        p.data = vec[pointer:pointer + n].view_as(p).data
        pointer += n
