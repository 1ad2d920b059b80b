"""Docstrings of the core types and utilities: Tensor, Size, device, dtype functions, clone, threads, printing."""

from . import add_docstr
from .._device import device
from .._dtype import can_cast, dtype, finfo, get_default_dtype, iinfo, promote_types, result_type, set_default_dtype
from .._ops.copying import clone
from .._repr import set_printoptions
from .._size import Size
from .._tensor import Tensor, is_tensor
from .._threads import get_num_threads, set_num_threads

add_docstr(Tensor, """An n-dimensional array of one dtype on one device, with the metadata autograd needs.

    Build tensors with `ft.tensor(data)` or the factories (`zeros`, `arange`, `randn`, ...).
    `Tensor(data)` is PyTorch's legacy constructor: it copies nested sequences into a tensor of the
    default float dtype, and `Tensor(2, 3)` gives an uninitialised float tensor of shape (2, 3).

    Main attributes: `shape` (a `Size`, also `size()`), `dtype`, `device`, `ndim` (also `dim()`),
    `requires_grad`, `grad` (the gradient accumulated by `backward()`), `grad_fn` (the autograd node
    that made it, None for leaves), `is_leaf`, `data` (the same values, detached). Conversions:
    `item()`, `tolist()`, `numpy()`, `to(...)`. Most `fx.tensor` functions are also methods
    (`x.sum()`, `x.reshape(...)`), and the Python operators (`+`, `@`, `[]`, ...) work as in PyTorch.

    Args:
        *args: a nested sequence or tensor to copy, or ints giving the shape.
        device: where to place the tensor (default CPU).

    Example:
        >>> x = ft.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> x.shape, x.dtype, x.device
        (fx.tensor.Size([2, 2]), fx.tensor.float32, device(type='cpu'))
        >>> y = (x * x).sum()
        >>> y
        tensor(30., grad_fn=<SumBackward0>)
        >>> y.backward()
        >>> x.grad
        tensor([[2., 4.],
                [6., 8.]])
        >>> ft.Tensor([1, 2])
        tensor([1., 2.])
    """)

add_docstr(is_tensor, """Return whether `obj` is a fx tensor.

    Args:
        obj: any Python object.

    Returns:
        bool: True for an instance of `Tensor` (or a subclass).

    Example:
        >>> ft.is_tensor(ft.zeros(1)), ft.is_tensor([0.0])
        (True, False)
    """)

add_docstr(Size, """The shape of a tensor: a tuple of ints, as returned by `Tensor.shape` and `Tensor.size()`.

    It behaves like a tuple (indexing, unpacking, `len`, comparisons with tuples); slicing and `+`
    give a `Size` again, and `numel()` is the number of elements of a tensor of this shape.

    Args:
        iterable: the dimension sizes (default: empty, the shape of a 0-d tensor).

    Example:
        >>> s = ft.zeros(2, 3, 4).shape
        >>> s
        fx.tensor.Size([2, 3, 4])
        >>> s[1:], s.numel(), s == (2, 3, 4)
        (fx.tensor.Size([3, 4]), 24, True)
    """)

add_docstr(device, """Where a tensor's storage lives: a device type ("cpu" or "cuda") and an optional index.

    Anywhere fx accepts a device it also accepts the string form ("cpu", "cuda", "cuda:1") or, for
    CUDA, a bare int index.

    Args:
        type: "cpu", "cuda", a string with an index ("cuda:1"), an int (a CUDA index) or a device.
        index: the device index, when `type` does not contain one.

    Example:
        >>> d = ft.device("cuda:1")
        >>> d.type, d.index
        ('cuda', 1)
        >>> ft.device("cuda", 0)
        device(type='cuda', index=0)
        >>> ft.zeros(1).device
        device(type='cpu')
    """)

add_docstr(dtype, """The element type of a tensor, such as `ft.float32` or `ft.int64`.

    The dtype objects are module attributes (`ft.bool`, `uint8`, `int8`, `int16`, `int32`, `int64`,
    `float16`, `bfloat16`, `float32`, `float64`, and PyTorch's aliases `half`, `float`, `double`,
    `short`, `int`, `long`); there is one object per type, so compare them with `is` or `==`.
    Attributes: `is_floating_point`, `is_signed`, `itemsize`. User code never constructs one: as
    in PyTorch, the set of dtypes is fixed; the arguments below describe how fx.tensor defines them.

    Args:
        name: the name after ``fx.tensor.`` ("float32").
        np_dtype: the NumPy dtype of the storage (ml_dtypes.bfloat16 for bfloat16).
        category: the kind in the promotion lattice: 0 bool, 1 integer, 2 floating (a higher one wins).
        rank: the width order within the category for type promotion (int8 < int16 < int32 < int64).

    Example:
        >>> ft.float is ft.float32
        True
        >>> ft.float64.is_floating_point, ft.int16.itemsize
        (True, 2)
        >>> str(ft.int64)
        'fx.tensor.int64'
    """)

add_docstr(set_default_dtype, """Set the dtype of new floating tensors: float factories and Python floats.

    It affects `tensor([1.5])`, `zeros(...)`, `rand(...)`, `arange` with float arguments, and the
    dtype Python floats take in arithmetic with integer tensors.

    Args:
        d: a floating dtype (float32, the starting default, or float64, float16, bfloat16).

    Returns:
        None.

    Example:
        >>> ft.set_default_dtype(ft.float64)
        >>> ft.tensor([1.5]).dtype
        fx.tensor.float64
        >>> ft.set_default_dtype(ft.float32)
    """)

add_docstr(get_default_dtype, """Return the dtype new floating tensors get (see `set_default_dtype`).

    Returns:
        dtype: float32 unless changed.

    Example:
        >>> ft.get_default_dtype()
        fx.tensor.float32
    """)

add_docstr(promote_types, """Return the smallest dtype to which both dtypes can be cast without losing their category.

    Args:
        type1: a dtype.
        type2: a dtype.

    Returns:
        dtype: the promoted dtype, by PyTorch's promotion lattice.

    Example:
        >>> ft.promote_types(ft.int32, ft.float16)
        fx.tensor.float16
        >>> ft.promote_types(ft.uint8, ft.int8)
        fx.tensor.int16
    """)

add_docstr(result_type, """Return the dtype an arithmetic operation on these operands would produce.

    Tensors with dimensions decide first; 0-d tensors and Python numbers only raise the category
    (bool < integer < floating), as in PyTorch.

    Args:
        *operands: tensors and Python numbers.

    Returns:
        dtype: the result dtype.

    Example:
        >>> ft.result_type(ft.tensor([1, 2]), 2.5)
        fx.tensor.float32
        >>> ft.result_type(ft.tensor([1], dtype=ft.int8), ft.tensor(5))
        fx.tensor.int8
    """)

add_docstr(can_cast, """Return whether PyTorch's casting rules allow an in-place cast from one dtype to another.

    A cast may not lower the category: no floating -> integer and no non-bool -> bool.

    Args:
        from_: the source dtype.
        to: the target dtype.

    Returns:
        bool: whether the cast is allowed.

    Example:
        >>> ft.can_cast(ft.int32, ft.float32), ft.can_cast(ft.float32, ft.int32)
        (True, False)
    """)

add_docstr(finfo, """Numerical properties of a floating dtype.

    Attributes: `bits`, `eps` (the gap between 1.0 and the next value), `max`, `min`, `tiny` (also
    `smallest_normal`), `resolution`, `dtype` (the name).

    Args:
        type: a floating dtype (default: the default float dtype).

    Example:
        >>> ft.finfo(ft.float32).eps
        1.1920928955078125e-07
        >>> ft.finfo(ft.float16).max, ft.finfo(ft.bfloat16).bits
        (65504.0, 16)
    """)

add_docstr(iinfo, """Numerical properties of an integer (or bool) dtype.

    Attributes: `bits`, `max`, `min`, `dtype` (the name).

    Args:
        type: an integer or bool dtype.

    Example:
        >>> info = ft.iinfo(ft.int8)
        >>> info.min, info.max, info.bits
        (-128, 127, 8)
    """)

add_docstr(clone, """Return a copy of `input` with its own storage; autograd records the copy.

    Args:
        input: the tensor to copy.
        memory_format: None or contiguous_format (default: row-major), channels_last(_3d), or
            preserve_format (keep a channels-last input's layout).

    Returns:
        Tensor: a new tensor equal to `input`, of the same dtype and device.

    Example:
        >>> a = ft.tensor([1, 2, 3])
        >>> b = ft.clone(a)
        >>> b[0] = 9
        >>> a, b
        (tensor([1, 2, 3]), tensor([9, 2, 3]))
    """)

add_docstr(set_printoptions, """Set how tensors are printed.

    Args:
        precision: digits after the decimal point for floats (default 4).
        threshold: number of elements above which the output is summarized with `...` (default 1000).
        edgeitems: elements shown at each end of a summarized dim (default 3).
        linewidth: characters per line before wrapping (default 80).
        profile: a preset, "default", "short" or "full", applied before the other arguments.
        sci_mode: True or False forces scientific notation on or off; None (the value when left
            out) chooses automatically.

    Returns:
        None.

    Example:
        >>> ft.set_printoptions(precision=2)
        >>> ft.tensor([1.23456, 2.0])
        tensor([1.23, 2.00])
        >>> ft.set_printoptions(profile="default")
        >>> ft.tensor([1.23456, 2.0])
        tensor([1.2346, 2.0000])
    """)

add_docstr(get_num_threads, """Return the number of threads the C kernels use within one operation.

    Returns:
        int: the intra-op thread count (at least 1).

    Example:
        >>> ft.get_num_threads() >= 1
        True
    """)

add_docstr(set_num_threads, """Set the number of threads the C kernels use within one operation.

    Results do not depend on the thread count. Forked child processes (such as DataLoader workers)
    run with one thread.

    Args:
        n: a positive int.

    Returns:
        None.

    Example:
        >>> n = ft.get_num_threads()
        >>> ft.set_num_threads(1)
        >>> ft.get_num_threads()
        1
        >>> ft.set_num_threads(n)
    """)
