"""default_collate / default_convert: samples to batches of fx tensors (PyTorch's type-by-type rules)."""

from __future__ import annotations

import collections.abc
import copy

import numpy as np

import fx.tensor as ft

from ._dataset import TensorRows

__all__ = ["collate", "default_collate", "default_convert", "default_collate_fn_map"]

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _is_str_or_object(dtype):
    return dtype.kind in "SUO"


def _rebuild_mapping(elem, values):
    """A mapping like `elem` holding `values` (a dict): same type where it can be copied or built."""
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(values)
            return clone
        return type(elem)(values)
    except TypeError:
        return values


def _rebuild_sequence(elem, values):
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, v in enumerate(values):
                clone[i] = v
            return clone
        return type(elem)(values)
    except TypeError:
        return values


def collate(batch, *, collate_fn_map=None):
    """Collate a list of samples by the type of the first one, with a table of per-type functions.

    Types not in the table are collated by structure: mappings key by key, namedtuples and sequences
    field by field (tuples come back as lists).

    Args:
        batch: a list of samples.
        collate_fn_map: {type: fn(batch, *, collate_fn_map)}; exact type first, then isinstance.

    Returns:
        The batch, with the structure of one sample.

    Example:
        >>> def join_strings(batch, *, collate_fn_map=None):
        ...     return "".join(batch)
        >>> data.collate([("a", 1), ("b", 2)], collate_fn_map={**data.default_collate_fn_map, str: join_strings})
        ['ab', tensor([1, 2])]
    """
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        fn = collate_fn_map.get(elem_type)
        if fn is not None:
            return fn(batch, collate_fn_map=collate_fn_map)
        for typ, fn in collate_fn_map.items():
            if isinstance(elem, typ):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        values = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem}
        return _rebuild_mapping(elem, values)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return columns
        return _rebuild_sequence(elem, columns)
    raise TypeError(_ERR.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Stack same-shape tensors along a new first dim (`fx.tensor.stack` semantics)."""
    first = batch[0]
    shape, dtype = first._data.shape, first._data.dtype
    # NumPy stacks plain CPU data ~5x faster than a chain of fx view ops; anything else (grad, devices,
    # mixed dtypes, a shape mismatch and its error message) goes through fx.tensor.stack.
    for t in batch:
        d = t._data
        if d.__class__ is not np.ndarray or d.shape != shape or d.dtype != dtype or t._rg:
            return ft.stack(list(batch), 0)
    return ft.from_numpy(np.stack([t._data for t in batch]))


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    if _is_str_or_object(batch[0].dtype):
        raise TypeError(_ERR.format(batch[0].dtype))
    shape, dtype = batch[0].shape, batch[0].dtype
    if all(a.shape == shape and a.dtype == dtype for a in batch):
        return ft.as_tensor(np.stack(batch))
    return collate([ft.as_tensor(a) for a in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return ft.as_tensor(np.array(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    return ft.tensor(batch, dtype=ft.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return ft.tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {
    ft.Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Join a list of samples into a batch: the DataLoader's default `collate_fn`.

    Tensors and NumPy arrays are stacked into fx tensors, floats become a float64 tensor and ints an
    int64 tensor, strings stay a list; dicts, namedtuples, tuples and lists are collated field by
    field (tuples come back as lists).

    Args:
        batch: a list of samples.

    Returns:
        The batch, with the structure of one sample.

    Example:
        >>> out = data.default_collate([{"x": 1.0, "y": "a"}, {"x": 2.0, "y": "b"}])
        >>> out
        {'x': tensor([1., 2.], dtype=fx.tensor.float64), 'y': ['a', 'b']}
    """
    if type(batch) is TensorRows and default_collate_fn_map.get(ft.Tensor) is collate_tensor_fn:
        gathered = batch.gather()
        if gathered is not None:
            return gathered
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """Turn NumPy arrays and scalars (also inside mappings and sequences) into fx tensors, sharing memory.

    Everything else is returned unchanged; tuples come back as lists. The DataLoader's collate
    function when automatic batching is off (`batch_size=None`).

    Args:
        data: a sample.

    Returns:
        The sample with its NumPy data converted.

    Example:
        >>> data.default_convert({"x": np.array([1.0, 2.0]), "name": "a"})
        {'x': tensor([1., 2.], dtype=fx.tensor.float64), 'name': 'a'}
    """
    if isinstance(data, ft.Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _is_str_or_object(data.dtype) else ft.as_tensor(data)
    if isinstance(data, np.generic):
        return data if isinstance(data, (np.str_, np.bytes_)) else ft.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(d) for d in data])
    return data
