"""The Tensor class: one backend array plus the slots autograd needs.

Only the core lives here (metadata, conversion, the version counter). Op families attach their
methods and operators with `tensor_method` from their own modules, so this file does not grow
with the op set and never imports the ops.
"""

from __future__ import annotations

import numpy as np

from . import _dtype
from ._device import CPU, device

__all__ = ["Tensor", "is_tensor", "wrap", "tensor_method"]

_new = object.__new__
_ndarray = np.ndarray
# Set by fx.autograd at import; `backward()` without it says which package to install.
autograd_backward = None
# array class -> callable(array) -> device; CPU needs no lookup.
DEVICE_OF: dict = {}


def wrap(data) -> Tensor:
    """A new Tensor over `data` (a backend array; NumPy scalars become 0-d arrays)."""
    if data.__class__ is not _ndarray and data.__class__ not in DEVICE_OF:
        data = np.asarray(data)
    t = _new(Tensor)
    t._data = data
    t._vc = None
    t._rg = False
    t.grad = None
    t.grad_fn = None
    t._base = None
    t._view = None
    t._ag = None
    return t


def shared_counter(t) -> list:
    """The version counter of `t`, created on first need (fresh tensors carry none)."""
    vc = t._vc
    if vc is None:
        vc = t._vc = [0]
    return vc


def bump_version(t) -> None:
    """Record an in-place write to `t` (and so to every view sharing its storage)."""
    vc = t._vc
    if vc is None:
        t._vc = [1]
    else:
        vc[0] += 1


def tensor_method(*names):
    """Decorator: attach a function to Tensor under `names` (default: its own name)."""

    def attach(fn):
        for n in names or (fn.__name__,):
            setattr(Tensor, n, fn)
        return fn

    return attach


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


class Tensor:
    """An n-dimensional array on a device, with autograd metadata.

    `Tensor(data)` builds a float tensor from nested sequences (PyTorch's legacy constructor);
    prefer `fx.tensor.tensor(...)`, which infers the dtype.
    """

    __slots__ = ("_data", "_vc", "_rg", "grad", "grad_fn", "_base", "_view", "_ag", "__weakref__")

    def __new__(cls, *args, device=None):
        from ._factory import tensor as _tensor_factory, empty

        if len(args) == 1 and not isinstance(args[0], int):
            src = args[0]
            base = src if isinstance(src, Tensor) else _tensor_factory(src, dtype=_dtype.get_default_dtype())
        else:
            base = empty(*args, device=device)
        t = _new(cls)
        t._data = base._data
        t._vc = None
        t._rg = False
        t.grad = None
        t.grad_fn = None
        t._base = None
        t._view = None
        t._ag = None
        return t

    # ---- metadata -------------------------------------------------------------------------
    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype.FROM_NP[self._data.dtype]

    @property
    def device(self) -> device:
        d = self._data
        if d.__class__ is _ndarray:
            return CPU
        return DEVICE_OF[d.__class__](d)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self._data.__class__ is _ndarray

    @property
    def shape(self):
        from ._size import Size

        return Size(self._data.shape)

    def size(self, dim=None):
        from ._size import Size

        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, "size")]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)

    def stride(self, dim=None):
        item = self._data.itemsize
        strides = tuple(s // item for s in self._data.strides)
        if dim is None:
            return strides
        return strides[_wrap_dim(dim, self._data.ndim, "stride")]

    def storage_offset(self) -> int:
        return (self.data_ptr() - _ptr(storage_root(self._data))) // self._data.itemsize

    def data_ptr(self) -> int:
        return _ptr(self._data)

    def is_contiguous(self, memory_format=None) -> bool:
        if memory_format is None:
            return bool(self._data.flags.c_contiguous)
        from ._memory_format import is_contiguous_as

        return is_contiguous_as(self, memory_format)

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def _version(self) -> int:
        vc = self._vc
        return 0 if vc is None else vc[0]

    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        flag = bool(requires_grad)
        if flag and not self.dtype.is_floating_point:
            raise RuntimeError(f"only Tensors of floating point dtype can require gradients, got {self.dtype}")
        if not flag and self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        self._rg = flag
        return self

    @property
    def data(self):
        t = wrap(self._data)
        t._vc = shared_counter(self)
        return t

    @data.setter
    def data(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(other).__name__}")
        self._data = other._data
        self._vc = shared_counter(other)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        if autograd_backward is None:
            raise RuntimeError(
                "Tensor.backward() needs fx.autograd: `pip install fx-autograd` and `import fx.autograd`"
            )
        return autograd_backward(self, gradient, retain_graph, create_graph, inputs)

    # ---- conversion -----------------------------------------------------------------------
    def numpy(self, *, force=False):
        if self._data.__class__ is not _ndarray:
            if not force:
                raise TypeError(
                    f"can't convert {self.device.type} tensor to numpy. Use Tensor.cpu() to copy "
                    "the tensor to host memory first."
                )
            return self.cpu().numpy()
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._host().reshape(()).item()

    def tolist(self):
        return self._host().tolist()

    def _host(self):
        d = self._data
        if d.__class__ is _ndarray:
            if d.dtype.kind == "V" or d.dtype.name == "bfloat16":
                return d.astype(np.float32)
            return d
        return self.cpu()._host()

    def __array__(self, dtype=None, copy=None):
        a = self._host() if self._data.dtype.name != "bfloat16" else self._data
        if self._data.__class__ is not _ndarray:
            a = self.cpu()._data
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self._data.size} elements is ambiguous")
        return bool(self.item())

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.dtype.category != _dtype.INT or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    __hash__ = object.__hash__

    def __repr__(self):
        from ._repr import tensor_repr

        return tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind in "fV"

    def is_complex(self) -> bool:
        return False

    def is_signed(self) -> bool:
        return _dtype.FROM_NP[self._data.dtype].is_signed

    def __deepcopy__(self, memo):
        """A copy with its own storage; like PyTorch, only for graph leaves."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the "
                "moment.  If you were attempting to deepcopy a module, this may be because of a torch.nn.utils."
                "weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001"
            )
        found = memo.get(id(self))
        if found is not None:
            return found
        new = _new(type(self))
        new._data = self.detach().clone()._data
        new._vc = None
        new._rg = self._rg
        new.grad = None
        new.grad_fn = None
        new._base = None
        new._view = None
        new._ag = None
        memo[id(self)] = new
        if self.grad is not None:
            new.grad = self.grad.__deepcopy__(memo)
        return new

    def __reduce__(self):
        raise TypeError(
            "fx tensors are not pickled (pickle runs code on load); use fx.tensor.save / "
            "fx.tensor.load (safetensors) or .numpy()"
        )


def storage_root(a):
    """The array that owns `a`'s memory (its storage). The `.base` chain may pass through non-array
    holders (NumPy's as_strided keeps its source behind a plain object), so walk all of it."""
    root, b = a, a.base
    while b is not None:
        if isinstance(b, a.__class__):
            root = b
        b = getattr(b, "base", None)
    return root


def _ptr(a) -> int:
    if a.__class__ is _ndarray:
        return a.__array_interface__["data"][0]
    return int(a.data.ptr)


def _wrap_dim(dim, ndim, op="dim"):
    """Normalise a possibly-negative dim; IndexError naming the valid range like PyTorch."""
    n = ndim if ndim else 1
    if not -n <= dim < n:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim
