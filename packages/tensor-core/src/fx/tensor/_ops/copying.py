"""Copies and conversions: cast, copy_, clone, contiguous, to, type, detach."""

from __future__ import annotations

from .. import _dtype, _memory_format
from .._device import device as _device
from .._dispatch import define
from .._tensor import Tensor, shared_counter, tensor_method, wrap
from ._common import cast, check_tensor

__all__ = ["clone"]

P_cast = define("cast")  # params: dtype (backend dtype object)
P_copy_ = define("copy_", inplace=True)  # (dst, src): broadcast src into dst, casting
P_clone = define("clone")
P_to_device = define("to_device")  # params: device


@tensor_method()
def clone(input, *, memory_format=None):
    """A copy with its own storage, recorded by autograd: row-major unless memory_format asks for
    channels_last(_3d), or preserve_format keeps a channels-last input so. (PyTorch's default is
    preserve_format; fx's None stays row-major because callers reshape clones as views.)"""
    check_tensor(input, "clone")
    if memory_format is None or memory_format is _memory_format.contiguous_format:
        return P_clone(input)
    return _memory_format.copy_as(input, _memory_format.resolve(input, memory_format, "clone"))


@tensor_method()
def contiguous(self, memory_format=None):
    """`self` if it is laid out as `memory_format` asks (default row-major), else a copy laid out so."""
    if memory_format is None or memory_format is _memory_format.contiguous_format:
        return self if self._data.flags.c_contiguous else P_clone(self)
    return _memory_format.contiguous_as(self, memory_format)


@tensor_method()
def copy_(self, src, non_blocking=False):
    """Copy `src` (broadcast, any dtype, any device; or a number) into `self` in place."""
    if isinstance(src, (int, float, bool)):
        return fill_(self, src)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    if src.device != self.device:
        src = to_device(src, self.device)
    return P_copy_(self, src)


def to_device(t, dev):
    dev = _device(dev)
    if t.device == dev:
        return t
    return P_to_device(t, device=dev)


def _parse_to(args, kwargs):
    dev = dtype = None
    for a in args:
        if isinstance(a, Tensor):
            dev, dtype = a.device, a.dtype
        elif isinstance(a, (str, _device)) or (isinstance(a, int) and not isinstance(a, bool)):
            dev = _device(a)
        elif a is None:
            continue
        else:
            dtype = _dtype.to_dtype(a)
    if kwargs.get("device") is not None:
        dev = _device(kwargs["device"])
    if kwargs.get("dtype") is not None:
        dtype = _dtype.to_dtype(kwargs["dtype"])
    return dev, dtype


@tensor_method()
def to(self, *args, **kwargs):
    """`to(dtype)`, `to(device)`, `to(device, dtype)`, `to(other)`; returns self if nothing changes."""
    unknown = set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}
    if unknown:
        raise TypeError(f"to() got unexpected keyword argument(s) {sorted(unknown)}")
    dev, dtype = _parse_to(args, kwargs)
    out = self
    if dev is not None:
        out = to_device(out, dev)
    if dtype is not None:
        out = cast(out, dtype)
    layout = kwargs.get("memory_format")
    if kwargs.get("copy") and out is self:
        out = clone(self, memory_format=layout)
    elif layout is not None and layout is not _memory_format.preserve_format:
        out = _memory_format.contiguous_as(out, layout, "to")
    return out


@tensor_method()
def type(self, dtype=None, non_blocking=False):
    """`type()` names the tensor type ('fx.tensor.FloatTensor'); `type(dtype)` casts."""
    if dtype is None:
        return "fx.tensor." + _TYPE_NAMES[self.dtype.name] + "Tensor"
    if isinstance(dtype, str) and dtype.endswith("Tensor"):
        dtype = _FROM_TYPE_NAME[dtype.rsplit(".", 1)[-1][: -len("Tensor")]]
    elif not isinstance(dtype, Tensor) and isinstance(getattr(dtype, "dtype", None), _dtype.dtype):
        dtype = dtype.dtype  # a legacy type such as fx.tensor.DoubleTensor
    return cast(self, _dtype.to_dtype(dtype))


_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
               "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
_FROM_TYPE_NAME = {v: _dtype._BY_NAME[k] for k, v in _TYPE_NAMES.items()}


def _caster(dt):
    def convert(self, memory_format=None):
        return cast(self, dt)

    convert.__doc__ = f"`self.to({dt})`."
    return convert


for _name, _dt in (("float", _dtype.float32), ("double", _dtype.float64), ("half", _dtype.float16),
                   ("bfloat16", _dtype.bfloat16), ("long", _dtype.int64), ("int", _dtype.int32),
                   ("short", _dtype.int16), ("char", _dtype.int8), ("byte", _dtype.uint8), ("bool", _dtype.bool)):
    setattr(Tensor, _name, _caster(_dt))


@tensor_method()
def cpu(self, memory_format=None):
    return to_device(self, "cpu")


@tensor_method()
def cuda(self, device=None, non_blocking=False, memory_format=None):
    return to_device(self, "cuda" if device is None else (f"cuda:{device}" if isinstance(device, int) else device))


@tensor_method()
def detach(self):
    """A tensor sharing storage and version counter, outside the autograd graph."""
    t = wrap(self._data)
    t._vc = shared_counter(self)
    return t


@tensor_method()
def detach_(self):
    if self._base is not None and self._base._rg:
        raise RuntimeError("Can't detach views in-place. Use detach() instead.")
    self.grad_fn = None
    self._rg = False
    return self


@tensor_method()
def fill_(self, value):
    """Fill with a number or a 0-d tensor, in place."""
    from ._common import scalar_tensor

    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value._data.ndim} dimensions.")
        return P_copy_(self, to_device(value, self.device))
    if not isinstance(value, (int, float, bool)) and not hasattr(value, "__index__") and not hasattr(value, "__float__"):
        raise TypeError(f"fill_(): argument 'value' must be Number, not {type(value).__name__}")
    return P_copy_(self, scalar_tensor(value, self.dtype, self))


@tensor_method()
def zero_(self):
    """Fill with zeros, in place."""
    return fill_(self, 0)
