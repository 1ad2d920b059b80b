"""Docstrings of the predicates, window functions, global switches and tensor utilities added for PyTorch
programs (fx/tensor/_ops/predicates.py, windows.py, runtime_flags.py, tensor_compat.py, compat_inplace.py)."""

from . import add_docstr
from .._ops import compat_inplace as _ip, predicates as _p, runtime_flags as _f, tensor_compat as _t, windows as _w

for _name, _what in (("is_floating_point", "a floating point dtype (float16, bfloat16, float32, float64)"),
                     ("is_complex", "a complex dtype (fx has none, so always False)"),
                     ("is_signed", "a signed dtype (every dtype but bool and uint8)")):
    add_docstr(getattr(_p, _name), f"""
        True if `input` has {_what}.

        Args:
            input (Tensor): the tensor asked about.

        Returns:
            bool: the answer (a TypeError for anything but a Tensor, like PyTorch).

        Example:
            >>> ft.{_name}(ft.tensor([1.0])), ft.{_name}(ft.tensor([1], dtype=ft.uint8))
            ({_name != "is_complex"}, False)
        """)

add_docstr(_p.is_nonzero, """
    True if the single element of `input` is nonzero.

    Args:
        input (Tensor): a tensor of exactly one element (RuntimeError otherwise).

    Returns:
        bool: whether that element is nonzero.

    Example:
        >>> ft.is_nonzero(ft.tensor([0.0])), ft.is_nonzero(ft.tensor(3))
        (False, True)
    """)

add_docstr(_p.is_same_size, """
    True if `input` and `other` have the same shape.

    Args:
        input (Tensor): a tensor.
        other (Tensor): another tensor.

    Returns:
        bool: whether the shapes are equal.

    Example:
        >>> ft.is_same_size(ft.zeros(2, 3), ft.ones(2, 3))
        True
    """)

add_docstr(_p.typename, """
    The type name of `obj`: a tensor's `type()` string, else the object's qualified class name.

    Args:
        obj: any object.

    Returns:
        str: e.g. 'fx.tensor.FloatTensor' for a float32 tensor, 'int' for 3.

    Example:
        >>> ft.typename(ft.zeros(2)), ft.typename(3)
        ('fx.tensor.FloatTensor', 'int')
    """)

_WINDOW_TEXT = {
    "hann_window": ("The Hann window: w_n = 0.5 - 0.5 cos(2 pi n / (N - 1)).", "", "tensor([0.0000, 0.5000, 1.0000, 0.5000])"),
    "hamming_window": ("The Hamming window: w_n = alpha - beta cos(2 pi n / (N - 1)).",
                       "        alpha (float): the constant term (default 0.54).\n"
                       "        beta (float): the cosine weight (default 0.46).\n",
                       "tensor([0.0800, 0.5400, 1.0000, 0.5400])"),
    "blackman_window": ("The Blackman window: w_n = 0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1)).", "",
                        "tensor([-1.3878e-17,  3.4000e-01,  1.0000e+00,  3.4000e-01])"),
    "bartlett_window": ("The Bartlett (triangular) window: w_n = 1 - |2 n / (N - 1) - 1|.", "",
                        "tensor([0.0000, 0.5000, 1.0000, 0.5000])"),
    "kaiser_window": ("The Kaiser window: w_n = I0(beta sqrt(1 - (2 n / (N - 1) - 1)^2)) / I0(beta).",
                      "        beta (float): the shape parameter (default 12.0).\n",
                      "tensor([5.2773e-05, 2.1567e-01, 1.0000e+00, 2.1567e-01])"),
}
for _name, (_line, _extra, _out) in _WINDOW_TEXT.items():
    add_docstr(getattr(_w, _name), f"""
        {_line}

        A periodic window (the default, for spectral analysis) has N = window_length + 1 and drops its last
        point; `periodic=False` gives the symmetric window (for filter design).

        Args:
            window_length (int): the number of points, >= 0 (0 gives an empty tensor, 1 gives [1.]).
            periodic (bool): periodic (True) or symmetric (False).
{_extra}            dtype (ft.dtype, optional): a floating point dtype (default: the default dtype).
            layout: accepted for PyTorch compatibility (strided only).
            device (ft.device, optional): where to allocate.
            pin_memory (bool): accepted for PyTorch compatibility (see Tensor.pin_memory).
            requires_grad (bool): record operations on the result (default False).

        Returns:
            Tensor: a 1-d tensor of window_length points, computed in float64 and rounded once to `dtype`.

        Example:
            >>> ft.{_name}(4)
            {_out}
        """)

add_docstr(_t.split_with_sizes, """
    Split `input` along `dim` into views of the given sizes, which must add up to its length there.

    Args:
        input (Tensor): the tensor to split.
        split_sizes (sequence of ints): the size of each piece.
        dim (int): the dim to split along (default 0).

    Returns:
        tuple of Tensors: views of `input`.

    Example:
        >>> ft.split_with_sizes(ft.arange(5), [2, 3])
        (tensor([0, 1]), tensor([2, 3, 4]))
    """)

add_docstr(_t.frombuffer, """
    A 1-d tensor over the bytes of a Python buffer (bytearray, memoryview, array.array, mmap...), without copying.

    Writes through the tensor change the buffer, and the buffer must outlive the tensor. A read-only
    buffer (bytes) gives a read-only tensor, with a warning (PyTorch warns too).

    Args:
        buffer: an object exposing the buffer protocol.
        dtype (ft.dtype): the element type.
        count (int): how many elements to read (-1, the default: all after `offset`).
        offset (int): how many bytes to skip first (default 0).
        requires_grad (bool): record operations on the result (default False).

    Returns:
        Tensor: `count` elements of `dtype`.

    Example:
        >>> ft.frombuffer(bytearray([1, 0, 2, 0]), dtype=ft.int16)
        tensor([1, 2], dtype=fx.tensor.int16)
    """)

add_docstr(_f.set_float32_matmul_precision, """
    Record the internal precision of float32 matrix products: 'highest', 'high' or 'medium'.

    PyTorch uses it to allow TF32 or bfloat16 arithmetic on GPUs. fx's CPU float32 matmul always computes
    in full float32, so on the CPU the setting has no effect; it is kept so that programs setting it run
    and `get_float32_matmul_precision()` answers what they set. Another value warns and is ignored.

    Args:
        precision (str): 'highest' (the default), 'high' or 'medium'.

    Returns:
        None

    Example:
        >>> ft.set_float32_matmul_precision("high")
        >>> ft.get_float32_matmul_precision()
        'high'
        >>> ft.set_float32_matmul_precision("highest")
    """)

add_docstr(_f.get_float32_matmul_precision, """
    The float32 matmul precision last set by `set_float32_matmul_precision` ('highest' by default).

    Returns:
        str: 'highest', 'high' or 'medium'.

    Example:
        >>> ft.get_float32_matmul_precision()
        'highest'
    """)

add_docstr(_f.use_deterministic_algorithms, """
    Record whether the program requires deterministic algorithms.

    fx's CPU kernels are deterministic for a fixed number of threads (no atomics, fixed reduction
    orders), so there is nothing to switch: the flag is recorded for `are_deterministic_algorithms_enabled`.

    Args:
        mode (bool): require deterministic algorithms.
        warn_only (bool): warn instead of raising for nondeterministic ones (default False).

    Returns:
        None

    Example:
        >>> ft.use_deterministic_algorithms(True)
        >>> ft.are_deterministic_algorithms_enabled()
        True
        >>> ft.use_deterministic_algorithms(False)
    """)

add_docstr(_f.are_deterministic_algorithms_enabled, """
    Whether `use_deterministic_algorithms(True)` is in effect.

    Returns:
        bool: the recorded flag (False by default).

    Example:
        >>> ft.are_deterministic_algorithms_enabled()
        False
    """)

add_docstr(_f.is_deterministic_algorithms_warn_only_enabled, """
    Whether `use_deterministic_algorithms(..., warn_only=True)` is in effect.

    Returns:
        bool: the recorded flag (False by default).

    Example:
        >>> ft.is_deterministic_algorithms_warn_only_enabled()
        False
    """)

add_docstr(_f.set_default_device, """
    Set the device factories allocate on when given none ('cpu' only in fx).

    fx allocates on the CPU: 'cpu' and None (reset) are accepted; a CUDA device raises, saying why (no
    CUDA backend here, or: pass device= to the factories instead).

    Args:
        device (str, ft.device, int or None): the device.

    Returns:
        None

    Example:
        >>> ft.set_default_device("cpu")
        >>> ft.get_default_device()
        device(type='cpu')
    """)

add_docstr(_f.get_default_device, """
    The device factories allocate on when given none (always the CPU in fx).

    Returns:
        ft.device: device('cpu').

    Example:
        >>> ft.get_default_device()
        device(type='cpu')
    """)

add_docstr(_ip.selu_, """
    SELU in place: `input` becomes selu(input).

    Args:
        input (Tensor): a floating point tensor, overwritten.

    Returns:
        Tensor: `input`.

    Example:
        >>> x = ft.tensor([0.0, 1.0])
        >>> ft.selu_(x) is x, x
        (True, tensor([0.0000, 1.0507]))
    """)

add_docstr(_ip.celu_, """
    CELU in place: `input` becomes celu(input, alpha).

    Args:
        input (Tensor): a floating point tensor, overwritten.
        alpha (float): the CELU alpha (default 1.0).

    Returns:
        Tensor: `input`.

    Example:
        >>> x = ft.tensor([0.0, 1.0])
        >>> ft.celu_(x) is x, x
        (True, tensor([0., 1.]))
    """)

add_docstr(_ip.threshold_, """
    Threshold in place: elements <= threshold become `value`.

    Args:
        input (Tensor): the tensor, overwritten.
        threshold (float): the threshold.
        value (float): the replacement.

    Returns:
        Tensor: `input`.

    Example:
        >>> x = ft.tensor([-1.0, 2.0])
        >>> ft.threshold_(x, 0.0, 5.0)
        tensor([5., 2.])
    """)
