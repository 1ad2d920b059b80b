"""Docstrings of save/load (safetensors files) and DLPack interop (fx.tensor._serialize, fx.tensor._interop)."""

from . import add_docstr
from .._interop import from_dlpack
from .._serialize import load, save

add_docstr(save, """Save a tensor, or a nested structure holding tensors, to a safetensors file.

    The file is in the safetensors format, so loading it never runs code. A flat dict of
    str -> Tensor becomes a plain safetensors file whose tensor names are the dict keys (readable
    by other safetensors readers); any other structure is recorded in the file's metadata, with
    each tensor stored under its path ("model.layer.weight", "state.0.exp_avg").

    Args:
        obj: a tensor, or dicts (keys str, int, float, bool or None), lists and tuples nesting
            tensors and plain values (int, float, bool, str, None).
        f: a path, written atomically (a temporary file renamed over it), or a binary file object.

    Returns:
        None.

    Example:
        >>> import tempfile, os
        >>> with tempfile.TemporaryDirectory() as d:
        ...     path = os.path.join(d, "ckpt.safetensors")
        ...     ft.save({"w": ft.ones(2, 3), "step": 10}, path)
        ...     ckpt = ft.load(path)
        >>> ckpt["w"].shape, ckpt["step"]
        (fx.tensor.Size([2, 3]), 10)
    """)

add_docstr(load, """Load what `save` wrote, or any safetensors file.

    The whole header is validated before anything is allocated; a damaged or truncated file raises
    RuntimeError. A safetensors file written elsewhere loads as a dict of name -> Tensor.

    Args:
        f: a path, or a binary file object positioned at the start of the file.
        map_location: where to put the tensors: None or "cpu" (default), a device or device
            string, a dict {"cpu": device}, or a callable `fn(tensor, "cpu")` returning a tensor
            (or None to keep the tensor as loaded).
        weights_only: accepted for compatibility; loading never runs code, whatever its value.

    Returns:
        The saved object: a tensor, or the saved dicts/lists/tuples with their tensors and values.

    Example:
        >>> import tempfile, os
        >>> with tempfile.TemporaryDirectory() as d:
        ...     path = os.path.join(d, "t.safetensors")
        ...     ft.save([ft.arange(3), (1.5, None)], path)
        ...     ft.load(path, map_location="cpu")
        [tensor([0, 1, 2]), (1.5, None)]
    """)

add_docstr(from_dlpack, """Build a tensor from another library's array through DLPack, sharing its memory.

    Args:
        ext_tensor: an object with `__dlpack__` and `__dlpack_device__` (a NumPy array, a PyTorch
            or CuPy tensor, ...) or a DLPack capsule.
        device: where the result should live (default: where `ext_tensor` is).
        copy: True to always copy, False or None (default) to share memory when possible.

    Returns:
        Tensor: a tensor with ext_tensor's shape and dtype; without a copy, writes to either side
        are seen by the other.

    Example:
        >>> a = np.arange(3.0)
        >>> t = ft.from_dlpack(a)
        >>> a[0] = 7.0
        >>> t
        tensor([7., 1., 2.], dtype=fx.tensor.float64)
    """)
