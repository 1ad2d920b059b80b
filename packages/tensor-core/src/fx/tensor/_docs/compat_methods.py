"""Docstrings of the Tensor methods added for PyTorch programs (fx/tensor/_ops/tensor_compat.py,
compat_inplace.py)."""

from . import add_docstr
from .._ops import compat_inplace as _ip, tensor_compat as _t

add_docstr(_t.type_as, """
    `self` cast to the dtype (and device) of `other`; `self` itself when they already match.

    Args:
        other (Tensor): the tensor whose type to take.

    Returns:
        Tensor: `self.to(other.device, other.dtype)`.

    Example:
        >>> ft.tensor([1.5, 2.5]).type_as(ft.tensor([1]))
        tensor([1, 2])
    """)

add_docstr(_t.get_device, """
    The index of the CUDA device holding `self`, or -1 for a CPU tensor.

    Returns:
        int: the device index.

    Example:
        >>> ft.zeros(2).get_device()
        -1
    """)

add_docstr(_t.pin_memory, """
    `self`: pinning page-locks host memory for faster copies to a GPU, and fx's CPU has nothing to copy to.

    A CPU-only PyTorch raises here; fx returns the tensor so that code written for a GPU (DataLoader's
    `pin_memory=True`, `x.pin_memory().cuda(non_blocking=True)`) runs unchanged. `is_pinned()` stays False.

    Args:
        device: accepted for PyTorch compatibility.

    Returns:
        Tensor: `self`.

    Example:
        >>> x = ft.zeros(2)
        >>> x.pin_memory() is x, x.is_pinned()
        (True, False)
    """)

add_docstr(_t.is_pinned, """
    Whether `self` is in page-locked memory: always False in fx (see `pin_memory`).

    Args:
        device: accepted for PyTorch compatibility.

    Returns:
        bool: False.

    Example:
        >>> ft.zeros(2).is_pinned()
        False
    """)

add_docstr(_t.share_memory_, """
    Move the storage of `self` into shared memory, in place (a no-op if it is there already).

    The data moves to an anonymous shared mapping, which processes forked afterwards share: their writes
    are seen by the parent (Hogwild-style training with `multiprocessing`'s fork start method). Only
    `self` moves: other tensors viewing the old storage keep it. fx tensors are not pickled, so sending
    one to a spawned process is not supported.

    Returns:
        Tensor: `self`.

    Example:
        >>> x = ft.zeros(3)
        >>> x.share_memory_() is x, x.is_shared()
        (True, True)
    """)

add_docstr(_t.is_shared, """
    Whether the storage of `self` is in shared memory (after `share_memory_`, or a DataLoader worker's batch).

    Returns:
        bool: the answer.

    Example:
        >>> ft.zeros(3).is_shared()
        False
    """)

add_docstr(_t.new, """
    PyTorch's legacy constructor, in the dtype and device of `self`.

    `new()` is empty, `new(2, 3)` (or `new(Size)`) is uninitialized of that shape, `new(sequence)` copies
    the data, and `new(tensor)` of the same dtype returns a tensor sharing its data.

    Args:
        *args: sizes, one sequence of data, or one tensor.
        device (ft.device, optional): where to allocate (default: self's device).

    Returns:
        Tensor: the new tensor.

    Example:
        >>> ft.tensor([1, 2]).new([1.5, 2.5])
        tensor([1, 2])
    """)

add_docstr(_t.sum_to_size, """
    Sum `self` down to `size`, which must be expandable to self's shape (the reverse of `expand`).

    Args:
        *size (ints or one sequence): the target shape.

    Returns:
        Tensor: of shape `size` (`self` itself when the shapes are equal).

    Example:
        >>> ft.tensor([[1.0, 2.0], [3.0, 4.0]]).sum_to_size(1, 2)
        tensor([[4., 6.]])
    """)

add_docstr(_t.resize_, """
    Give `self` a new shape in place, keeping the storage's leading elements in row-major order.

    Growing past the storage allocates a larger one starting with the old contents (the new elements are
    zero in fx; PyTorch leaves them uninitialized). Tensors that require grad cannot be resized.

    Args:
        *sizes (ints or one sequence): the new shape.
        memory_format: accepted for PyTorch compatibility.

    Returns:
        Tensor: `self`.

    Example:
        >>> ft.arange(6).resize_(2, 2)
        tensor([[0, 1],
                [2, 3]])
    """)

add_docstr(_t.fill_diagonal_, """
    Fill the main diagonal of `self` in place: of a 2-d tensor, or of an n-d tensor with equal sizes.

    Args:
        fill_value (number): the value to write.
        wrap (bool): for a tall matrix, restart the diagonal every (columns + 1) rows (default False).

    Returns:
        Tensor: `self`.

    Example:
        >>> ft.zeros(2, 3).fill_diagonal_(5)
        tensor([[5., 0., 0.],
                [0., 5., 0.]])
    """)

add_docstr(_t.apply_, """
    Replace each element x of `self` by `callable(x)`, in place: a Python function called per element.

    CPU only and slow (one Python call per element), like PyTorch's; not for tensors that require grad.

    Args:
        callable: a function of one number returning a number.

    Returns:
        Tensor: `self`.

    Example:
        >>> ft.tensor([1.0, 2.0]).apply_(lambda v: v * 10)
        tensor([10., 20.])
    """)

add_docstr(_t.map_, """
    Replace each element x of `self` by `callable(x, y)`, y the matching element of `tensor`, in place.

    Args:
        tensor (Tensor): broadcastable to `self`.
        callable: a function of two numbers returning a number.

    Returns:
        Tensor: `self`.

    Example:
        >>> ft.tensor([1, 2]).map_(ft.tensor([10, 20]), lambda a, b: a + b)
        tensor([11, 22])
    """)

_VIEW_DOCS = {
    "squeeze_": ("remove size-1 dims (all, or `dim`'s)", "dim (int or tuple of ints, optional): the dims to remove.",
                 "ft.zeros(2, 1).squeeze_().shape", "fx.tensor.Size([2])"),
    "unsqueeze_": ("insert a size-1 dim at `dim`", "dim (int): where the new dim goes.",
                   "ft.zeros(2).unsqueeze_(0).shape", "fx.tensor.Size([1, 2])"),
    "t_": ("transpose a tensor of at most 2 dims", "", "ft.zeros(2, 3).t_().shape", "fx.tensor.Size([3, 2])"),
    "transpose_": ("swap dims `dim0` and `dim1`", "dim0 (int): a dim.|dim1 (int): the dim to swap it with.",
                   "ft.zeros(2, 3, 4).transpose_(0, 2).shape", "fx.tensor.Size([4, 3, 2])"),
    "swapdims_": ("swap dims `dim0` and `dim1` (`transpose_`)", "dim0 (int): a dim.|dim1 (int): the dim to swap it with.",
                  "ft.zeros(2, 3).swapdims_(0, 1).shape", "fx.tensor.Size([3, 2])"),
    "swapaxes_": ("swap dims `axis0` and `axis1` (`transpose_`)", "axis0 (int): a dim.|axis1 (int): the dim to swap it with.",
                  "ft.zeros(2, 3).swapaxes_(0, 1).shape", "fx.tensor.Size([3, 2])"),
}
for _name, (_what, _args, _call, _out) in _VIEW_DOCS.items():
    _arg_lines = "".join(f"\n            {a}" for a in _args.split("|") if a) or "\n            (none)"
    add_docstr(getattr(_ip, _name), f"""
        In place, change the view: {_what}; `self` keeps its storage.

        Under autograd this is recorded like PyTorch records it (the new view's history replaces self's);
        a leaf that requires grad is refused, as for any in-place op.

        Args:{_arg_lines}

        Returns:
            Tensor: `self`.

        Example:
            >>> {_call}
            {_out}
        """)

add_docstr(_ip.float_power_, """
    In-place `float_power`: `self` must already be float64, the dtype float_power computes in.

    Args:
        exponent (Tensor or number): the exponent.

    Returns:
        Tensor: `self`.

    Example:
        >>> ft.tensor([2.0, 3.0], dtype=ft.float64).float_power_(2)
        tensor([4., 9.], dtype=fx.tensor.float64)
    """)
