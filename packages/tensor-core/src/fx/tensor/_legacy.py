"""PyTorch's legacy typed tensor constructors: FloatTensor, LongTensor, ... (one per dtype, CPU).

`FloatTensor([1, 2])` builds a float32 tensor from data, `FloatTensor(2, 3)` (or a Size) an
uninitialised one of that shape, `FloatTensor()` an empty one, and `FloatTensor(t)` returns a view
of a float32 tensor t. As in PyTorch the result is a plain Tensor, the classes are not Tensor
subclasses, and `isinstance(t, FloatTensor)` asks whether t is a float32 CPU tensor.
"""

from __future__ import annotations

import numpy as np

from . import _dtype
from ._size import Size
from ._tensor import Tensor

__all__ = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor", "IntTensor", "ShortTensor",
           "CharTensor", "ByteTensor", "BoolTensor"]


def _is_size(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


class _LegacyTensorType(type):
    """The metaclass of the typed constructors: calling one builds a Tensor of its dtype."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._data.__class__ is np.ndarray and obj.dtype is cls.dtype

    def __call__(cls, *args, device=None):
        if device is not None:
            from ._device import device as _device

            dev = _device(device)
            if dev.type != "cpu":
                raise RuntimeError(f"legacy constructor expects device type: cpu but device type: {dev.type} was passed")
        if not args:
            return cls._sized(())
        if len(args) == 1:
            arg = args[0]
            if isinstance(arg, Tensor):
                if arg.dtype is not cls.dtype or arg._data.__class__ is not np.ndarray:
                    raise TypeError(f"expected {cls.dtype} on cpu (got {arg.dtype} on {arg.device})")
                return arg.view(arg._data.shape)
            if isinstance(arg, Size):
                return cls._sized(tuple(arg))
            if _is_size(arg):
                return cls._sized((int(arg),))
            if isinstance(arg, str):
                raise TypeError("new(): invalid data type 'str'")
            if isinstance(arg, (list, tuple, np.ndarray)) or hasattr(arg, "__array__"):
                from ._factory import tensor

                cls._check_range(arg)
                return tensor(arg, dtype=cls.dtype)
            raise TypeError(f"new(): data must be a sequence (got {type(arg).__name__})")
        if all(_is_size(a) for a in args):
            return cls._sized(tuple(int(a) for a in args))
        got = ", ".join(type(a).__name__ for a in args)
        raise TypeError(f"new() received an invalid combination of arguments - got ({got}), but expected one of: (), "
                        f"(Tensor other), (tuple of ints size), (object data)")

    def _check_range(cls, data):
        """PyTorch refuses integer data out of the dtype's range (fx.tensor.tensor wraps it)."""
        if cls.dtype.is_floating_point or cls.dtype is _dtype.bool:
            return
        values = np.asarray(data)
        if values.size and values.dtype.kind in "iuf":
            info = np.iinfo(cls.dtype.np)
            if values.min() < info.min or values.max() > info.max:
                raise RuntimeError(f"value cannot be converted to type {cls.dtype.name} without overflow")

    def _sized(cls, shape):
        from ._factory import empty

        for n in shape:
            if n < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(shape)}")
        return empty(shape if shape else (0,), dtype=cls.dtype)


def _legacy_type(name, dtype):
    doc = f"""Legacy constructor of {dtype} CPU tensors (PyTorch's torch.{name}).

    Args:
        *args: data (a nested sequence or array, converted to {dtype.name}), sizes (ints or a Size:
            an uninitialised tensor), a {dtype.name} tensor (a view of it is returned) or nothing (an
            empty tensor).
        device: None or "cpu".

    Example:
        >>> ft.{name}([1, 2]).dtype
        fx.tensor.{dtype.name}
        >>> ft.{name}(2, 3).shape
        fx.tensor.Size([2, 3])
        >>> isinstance(ft.zeros(2, dtype=ft.{dtype.name}), ft.{name})
        True
    """
    return _LegacyTensorType(name, (), {"dtype": dtype, "__doc__": doc, "__module__": "fx.tensor", "__slots__": ()})


FloatTensor = _legacy_type("FloatTensor", _dtype.float32)
DoubleTensor = _legacy_type("DoubleTensor", _dtype.float64)
HalfTensor = _legacy_type("HalfTensor", _dtype.float16)
BFloat16Tensor = _legacy_type("BFloat16Tensor", _dtype.bfloat16)
LongTensor = _legacy_type("LongTensor", _dtype.int64)
IntTensor = _legacy_type("IntTensor", _dtype.int32)
ShortTensor = _legacy_type("ShortTensor", _dtype.int16)
CharTensor = _legacy_type("CharTensor", _dtype.int8)
ByteTensor = _legacy_type("ByteTensor", _dtype.uint8)
BoolTensor = _legacy_type("BoolTensor", _dtype.bool)
