"""DLPack: `from_dlpack` and `Tensor.__dlpack__` / `__dlpack_device__`, zero-copy on CPU.

NumPy's DLPack has no bfloat16, so bfloat16 travels as uint16 on the NumPy side and this module
rewrites the dtype code in the capsule's DLTensor (kDLUInt <-> kDLBfloat) on the way in and out.
"""

from __future__ import annotations

import ctypes

import numpy as np

from . import _dtype
from ._tensor import Tensor, tensor_method, wrap

__all__ = ["from_dlpack"]

_CPU, _CUDA = 1, 2  # DLDeviceType
_UINT, _BFLOAT = 1, 4  # DLDataTypeCode
# Byte offset of DLTensor inside the capsule's struct: DLManagedTensor starts with it; the
# versioned one starts with {DLPackVersion (8), manager_ctx, deleter, flags (8 each)}.
_DLTENSOR_AT = {b"dltensor": 0, b"dltensor_versioned": 32}
_DTYPE_AT = 8 + 8 + 4  # DLTensor: data pointer, DLDevice {int32, int32}, int32 ndim, then DLDataType
_DEVICE_AT = 8

_get_name = ctypes.pythonapi.PyCapsule_GetName
_get_name.restype, _get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
_get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_pointer.restype, _get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
_capsule_type = type(np.empty(0).__dlpack__())


def _dltensor(capsule):
    """Address of the DLTensor in an unconsumed DLPack capsule."""
    name = _get_name(capsule)
    if name not in _DLTENSOR_AT:
        raise RuntimeError(f"from_dlpack: expected a DLPack capsule, got a capsule named {name!r} "
                          "(was it already consumed?)")
    return _get_pointer(capsule, name) + _DLTENSOR_AT[name]


def _retag(capsule, old_code, new_code):
    """Change a 16-bit dtype code in place; True if the capsule's dtype was (old_code, 16 bits)."""
    dtype = (ctypes.c_uint8 * 2).from_address(_dltensor(capsule) + _DTYPE_AT)
    if dtype[0] == old_code and dtype[1] == 16:
        dtype[0] = new_code
        return True
    return False


class _Producer:
    """Hands NumPy the producer's capsule with bfloat16 relabelled as uint16."""

    def __init__(self, ext, capsule=None):
        self.ext, self.capsule, self.bfloat16 = ext, capsule, False

    def __dlpack__(self, **kwargs):
        cap = self.capsule if self.capsule is not None else self.ext.__dlpack__(**kwargs)
        self.bfloat16 = _retag(cap, _BFLOAT, _UINT)
        return cap

    def __dlpack_device__(self):
        if self.capsule is not None:
            dev = (ctypes.c_int32 * 2).from_address(_dltensor(self.capsule) + _DEVICE_AT)
            return (dev[0], dev[1])
        return self.ext.__dlpack_device__()


def from_dlpack(ext_tensor, *, device=None, copy=None) -> Tensor:
    """A tensor sharing memory with `ext_tensor` (an object with `__dlpack__`, or a DLPack capsule).

    Args:
        device: where the result should live (default: where `ext_tensor` is).
        copy: True to always copy, None (default) to share memory whenever possible.

    Example:
        >>> a = numpy.arange(3.0); t = from_dlpack(a); a[0] = 7.0; t[0].item()
        7.0
    """
    if isinstance(ext_tensor, Tensor):
        out = wrap(ext_tensor._data)
    else:
        if isinstance(ext_tensor, _capsule_type):
            src = _Producer(None, ext_tensor)
        elif hasattr(ext_tensor, "__dlpack__") and hasattr(ext_tensor, "__dlpack_device__"):
            src = _Producer(ext_tensor)
        else:
            raise TypeError(f"from_dlpack: expected an object with __dlpack__ and __dlpack_device__ or a DLPack "
                            f"capsule, got {type(ext_tensor).__name__}")
        dev_type, dev_id = src.__dlpack_device__()
        if int(dev_type) == _CPU:
            arr = np.from_dlpack(src)
        elif int(dev_type) == _CUDA:
            arr = _cuda_from_dlpack(src)
        else:
            raise RuntimeError(f"from_dlpack: unsupported DLPack device type {int(dev_type)} (fx.tensor supports "
                               "CPU and CUDA)")
        if src.bfloat16:
            arr = arr.view(_dtype.bfloat16.np)
        if arr.dtype not in _dtype.FROM_NP:
            raise RuntimeError(f"from_dlpack: unsupported dtype {arr.dtype} (fx.tensor supports "
                               f"{', '.join(d.name for d in _dtype.ALL_DTYPES)})")
        if any(s < 0 for s in arr.strides):
            raise RuntimeError("from_dlpack: tensors with negative strides are not supported; "
                               "export a contiguous copy instead")
        out = wrap(arr)
    if copy:
        out = out.clone()
    if device is not None:
        out = out.to(device)
    return out


def _cuda_from_dlpack(src):
    try:
        import cupy
    except ImportError:
        raise RuntimeError("from_dlpack: the tensor is on a CUDA device, which needs the CUDA backend "
                           "(`pip install fx-tensor[cuda]`)") from None
    return cupy.from_dlpack(src)


@tensor_method()
def __dlpack__(self, stream=None, *, max_version=None, dl_device=None, copy=None):
    """Export as a DLPack capsule (shares memory; `max_version` >= (1, 0) gives a versioned capsule)."""
    if self.requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    arr = self._data
    if any(s < 0 for s in arr.strides):
        # Some consumers (PyTorch) abort on negative DLPack strides: hand them a copy instead.
        arr = arr.copy()
    bf16 = arr.dtype == _dtype.bfloat16.np
    if bf16:
        arr = arr.view(np.uint16)
    kwargs = {}
    if stream is not None:
        kwargs["stream"] = stream
    for k, v in (("max_version", max_version), ("dl_device", dl_device), ("copy", copy)):
        if v is not None:
            kwargs[k] = v
    cap = arr.__dlpack__(**kwargs)
    if bf16:
        _retag(cap, _UINT, _BFLOAT)
    return cap


@tensor_method()
def __dlpack_device__(self):
    """(device type, device id) as DLPack numbers: (1, 0) for CPU, (2, index) for CUDA."""
    arr = self._data
    if arr.__class__ is np.ndarray:
        return (_CPU, 0)
    return arr.__dlpack_device__()
