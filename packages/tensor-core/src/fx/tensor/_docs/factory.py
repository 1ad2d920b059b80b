"""Docstrings of the tensor factories (fx.tensor._factory)."""

from . import add_docstr
from .._factory import (
    arange, as_tensor, empty, empty_like, empty_strided, eye, from_numpy, full, full_like, linspace, logspace,
    ones, ones_like, range, scalar_tensor, tensor, zeros, zeros_like,
)

add_docstr(tensor, """Build a new tensor holding a copy of `data`.

    Args:
        data: a number, nested lists/tuples of numbers, a NumPy array or a tensor.
        dtype: the element type; None infers it (bool -> bool, ints -> int64, floats -> the default
            float dtype; a NumPy array or tensor keeps its own dtype).
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.
        pin_memory: accepted for compatibility; has no effect.

    Returns:
        Tensor: a new tensor with `data`'s shape, never sharing memory with `data`.

    Example:
        >>> ft.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
        >>> ft.tensor([1.5, 2.0]).dtype
        fx.tensor.float32
        >>> ft.tensor(3, dtype=ft.float64)
        tensor(3., dtype=fx.tensor.float64)
    """)

add_docstr(as_tensor, """Convert `data` to a tensor, sharing memory with it when no conversion is needed.

    `asarray` is the same function.

    Args:
        data: a tensor, NumPy array, number or nested sequence.
        dtype: the wanted dtype; None keeps `data`'s (or infers it like `tensor`).
        device: the wanted device; None keeps `data`'s (CPU for non-tensors).

    Returns:
        Tensor: `data` itself when it is a tensor of the wanted dtype and device; a tensor sharing a
        CPU NumPy array's memory when the dtype matches; otherwise a new tensor.

    Example:
        >>> a = np.array([1, 2, 3])
        >>> t = ft.as_tensor(a)
        >>> a[0] = 10
        >>> t
        tensor([10,  2,  3])
    """)

add_docstr(from_numpy, """Wrap a NumPy array as a tensor that shares its memory (no copy).

    Args:
        ndarray: a NumPy array of a dtype fx supports (bool, uint8, int8..int64, float16, float32,
            float64); negative strides are refused.

    Returns:
        Tensor: a CPU tensor with the array's shape and dtype; writes to either are seen by the other.

    Example:
        >>> a = np.zeros(3, dtype=np.float32)
        >>> t = ft.from_numpy(a)
        >>> t[1] = 5.0
        >>> a.tolist()
        [0.0, 5.0, 0.0]
    """)

_SIZE_ARGS = """
        size: the shape, as ints (`zeros(2, 3)`) or one sequence (`zeros((2, 3))`).
        out: an optional tensor to write the result into (resized to `size`).
        dtype: the element type (default: the default float dtype, see `set_default_dtype`).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result."""

add_docstr(zeros, f"""Create a tensor filled with zeros.

    Args:{_SIZE_ARGS}

    Returns:
        Tensor: a new tensor of shape `size`.

    Example:
        >>> ft.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
        >>> ft.zeros((2,), dtype=ft.int64)
        tensor([0, 0])
    """)

add_docstr(ones, f"""Create a tensor filled with ones.

    Args:{_SIZE_ARGS}

    Returns:
        Tensor: a new tensor of shape `size`.

    Example:
        >>> ft.ones(2, 2)
        tensor([[1., 1.],
                [1., 1.]])
    """)

add_docstr(empty, f"""Create a tensor whose values are left uninitialised.

    Args:{_SIZE_ARGS}
        pin_memory: accepted for compatibility; has no effect.
        memory_format: None/contiguous_format (row-major) or channels_last(_3d) for 4-d (5-d) sizes.

    Returns:
        Tensor: a new tensor of shape `size` with arbitrary contents.

    Example:
        >>> x = ft.empty(2, 3)
        >>> x.shape, x.dtype
        (fx.tensor.Size([2, 3]), fx.tensor.float32)
    """)

add_docstr(full, """Create a tensor filled with `fill_value`.

    Args:
        size: the shape, as a sequence of ints.
        fill_value: the value of every element (a number or a 0-d tensor).
        out: an optional tensor to write the result into.
        dtype: the element type; None follows the value (bool -> bool, int -> int64, float -> the
            default float dtype).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.

    Returns:
        Tensor: a new tensor of shape `size`.

    Example:
        >>> ft.full((2, 2), 7)
        tensor([[7, 7],
                [7, 7]])
        >>> ft.full((3,), 0.5)
        tensor([0.5000, 0.5000, 0.5000])
    """)

_LIKE_ARGS = """
        dtype: the element type (default: input's).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the result (default: input's device).
        requires_grad: whether autograd records operations on the result.
        memory_format: preserve_format (default: a channels-last input gives a channels-last result,
            anything else row-major), contiguous_format or channels_last(_3d)."""

add_docstr(zeros_like, f"""Create a tensor of zeros with the shape (and by default dtype and device) of `input`.

    Args:
        input: the tensor whose shape is used.{_LIKE_ARGS}

    Returns:
        Tensor: a new tensor of `input.shape`.

    Example:
        >>> ft.zeros_like(ft.tensor([[1, 2], [3, 4]]))
        tensor([[0, 0],
                [0, 0]])
    """)

add_docstr(ones_like, f"""Create a tensor of ones with the shape (and by default dtype and device) of `input`.

    Args:
        input: the tensor whose shape is used.{_LIKE_ARGS}

    Returns:
        Tensor: a new tensor of `input.shape`.

    Example:
        >>> ft.ones_like(ft.zeros(2, 3), dtype=ft.int32)
        tensor([[1, 1, 1],
                [1, 1, 1]], dtype=fx.tensor.int32)
    """)

add_docstr(empty_like, f"""Create an uninitialised tensor with the shape (and by default dtype and device) of `input`.

    Args:
        input: the tensor whose shape is used.{_LIKE_ARGS}

    Returns:
        Tensor: a new tensor of `input.shape` with arbitrary contents.

    Example:
        >>> ft.empty_like(ft.zeros(4, 1, dtype=ft.float64)).shape
        fx.tensor.Size([4, 1])
    """)

add_docstr(full_like, f"""Create a tensor filled with `fill_value`, shaped like `input`.

    Args:
        input: the tensor whose shape is used.
        fill_value: the value of every element (cast to the result's dtype).{_LIKE_ARGS}

    Returns:
        Tensor: a new tensor of `input.shape`.

    Example:
        >>> ft.full_like(ft.zeros(2, dtype=ft.int64), 3.7)
        tensor([3, 3])
    """)

add_docstr(arange, """Create a 1-d tensor of values from `start` to `end` (exclusive) in steps of `step`.

    `arange(end)` starts at 0. The length is ceil((end - start) / step).

    Args:
        start: the first value (default 0).
        end: the bound, not included.
        step: the gap between values (default 1; may be negative, not zero).
        out: an optional tensor to write the result into.
        dtype: the element type; None gives int64 when all arguments are ints, else the default
            float dtype.
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.

    Returns:
        Tensor: a 1-d tensor.

    Example:
        >>> ft.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> ft.arange(1, 2.5, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """)

add_docstr(range, """Create a 1-d tensor of values from `start` to `end` inclusive (deprecated in PyTorch; use `arange`).

    Args:
        start: the first value (default 0).
        end: the last value, included.
        step: the gap between values (default 1).
        dtype: the element type (default: the default float dtype, even for int arguments).
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.

    Returns:
        Tensor: a 1-d tensor of floor((end - start) / step) + 1 values.

    Example:
        >>> ft.range(1, 4)
        tensor([1., 2., 3., 4.])
    """)

add_docstr(linspace, """Create a 1-d tensor of `steps` evenly spaced values from `start` to `end`, both included.

    Args:
        start: the first value.
        end: the last value.
        steps: how many values (a non-negative int).
        out: an optional tensor to write the result into.
        dtype: the element type (default: the default float dtype).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.

    Returns:
        Tensor: a 1-d tensor of length `steps`.

    Example:
        >>> ft.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """)

add_docstr(logspace, """Create a 1-d tensor of `steps` values `base ** v` for v evenly spaced from `start` to `end`.

    Args:
        start: the first exponent.
        end: the last exponent.
        steps: how many values (a non-negative int).
        base: the base of the powers (default 10.0).
        out: an optional tensor to write the result into.
        dtype: the element type (default: the default float dtype).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.

    Returns:
        Tensor: a 1-d tensor of length `steps`.

    Example:
        >>> ft.logspace(0, 3, 4)
        tensor([   1.,   10.,  100., 1000.])
        >>> ft.logspace(0, 2, 3, base=2)
        tensor([1., 2., 4.])
    """)

add_docstr(eye, """Create a 2-d tensor with ones on the main diagonal and zeros elsewhere.

    Args:
        n: the number of rows.
        m: the number of columns (default `n`).
        out: an optional tensor to write the result into.
        dtype: the element type (default: the default float dtype).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.

    Returns:
        Tensor: a tensor of shape (n, m).

    Example:
        >>> ft.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """)

add_docstr(scalar_tensor, """Create a 0-d tensor holding the number `s`.

    Args:
        s: the value.
        dtype: the element type (default: the default float dtype, whatever the type of `s`).
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.

    Returns:
        Tensor: a 0-d tensor.

    Example:
        >>> ft.scalar_tensor(3)
        tensor(3.)
    """)

add_docstr(empty_strided, """Create an uninitialised tensor with the given size and strides.

    Args:
        size: the shape, as a sequence of ints.
        stride: the stride of each dim in elements (same length as `size`); fx allocates the tensor
            contiguous, so only the length of `stride` is used for now.
        dtype: the element type (default: the default float dtype).
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.

    Returns:
        Tensor: a tensor of shape `size`, with arbitrary contents.

    Example:
        >>> ft.empty_strided((2, 3), (1, 2)).shape
        fx.tensor.Size([2, 3])
    """)
