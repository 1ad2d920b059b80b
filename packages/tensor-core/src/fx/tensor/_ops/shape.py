"""Shape manipulation that moves or copies data: repeat/tile, flips and rolls, triangles,
diagonals, padding.

Primitives (derivative in fx ops on the right):
  "flip" (dims)                       -> flip(grad, dims)
  "roll" (shifts, dims)               -> roll(grad, -shifts, dims)
  "tril"/"triu" (diagonal)            -> tril/triu(grad, diagonal)
  "diag_embed" (offset, dim1, dim2)   -> diagonal(grad, offset, dim1, dim2)
  "pad" (pads, mode, value)           -> constant: pad(grad, -pads); else pad_backward(grad, pads, mode)
  "pad_backward" (pads, mode)         -> pad(grad, pads, mode) (its adjoint)
  "repeat_interleave" (output_size)   not differentiable: repeats -> index tensor
repeat, tile and repeat_interleave with int repeats are expand + clone + view.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor, _wrap_dim, tensor_method, wrap
from ._common import check_tensor, finish, inplace, inplace_source, norm_dims
from .copying import P_clone
from .joining import *  # noqa: F403  (re-exported: fx.tensor's star import of this module covers both)
from .joining import __all__ as _joining_all

P_flip = define("flip")
P_roll = define("roll")
P_tril = define("tril")
P_triu = define("triu")
P_diag_embed = define("diag_embed")
P_pad = define("pad")
P_pad_backward = define("pad_backward")
P_repeat_interleave = define("repeat_interleave", differentiable=False)

__all__ = [
    "tile", "repeat_interleave", "flip", "fliplr", "flipud", "roll", "rot90", "tril", "triu",
    "tril_indices", "triu_indices", "diag", "diag_embed", "diagflat", "pad", "ravel",
] + _joining_all

_int = (int, np.integer)
PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _ints(seq, op, name):
    """A tuple of Python ints from an int or a sequence of ints (TypeError otherwise)."""
    if isinstance(seq, _int) and not isinstance(seq, bool):
        return (int(seq),)
    if isinstance(seq, Tensor):
        seq = seq.tolist()
    if not isinstance(seq, (tuple, list)) or not all(isinstance(s, _int) and not isinstance(s, bool) for s in seq):
        raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not {type(seq).__name__}: {seq!r}")
    return tuple(int(s) for s in seq)


def _varargs(args, op, name):
    """`x.repeat(2, 3)` and `x.repeat((2, 3))` are the same."""
    return _ints(args[0] if len(args) == 1 else args, op, name)


def _repeat(x, reps, op):
    """x with dim i repeated reps[i] times (len(reps) >= x.ndim): expand + one copy + view."""
    shape = (1,) * (len(reps) - x._data.ndim) + x._data.shape
    out_shape = tuple(r * s for r, s in zip(reps, shape))
    for r in reps:
        if r < 0:
            raise RuntimeError(f"{op}: Trying to create tensor with negative dimension {r}: {list(out_shape)}")
    inter = tuple(v for s in shape for v in (1, s))
    grown = tuple(v for r, s in zip(reps, shape) for v in (r, s))
    return P_clone(x.reshape(inter).expand(grown)).view(out_shape)


@tensor_method()
def repeat(self, *sizes):
    """Tile the tensor `sizes[i]` times along dim i (new leading dims when sizes is longer)."""
    reps = _varargs(sizes, "repeat", "repeats")
    if len(reps) < self._data.ndim:
        raise RuntimeError(
            f"repeat: Number of dimensions of repeat dims ({len(reps)}) can not be smaller than number of "
            f"dimensions of tensor ({self._data.ndim})"
        )
    return _repeat(self, reps, "repeat")


def tile(input, dims):
    """Like repeat, but `dims` shorter than input.ndim is padded with leading 1s."""
    check_tensor(input, "tile")
    reps = _ints(dims, "tile", "dims")
    reps = (1,) * (input._data.ndim - len(reps)) + reps
    return _repeat(input, reps, "tile")


@tensor_method("tile")
def _tile_method(self, *dims):
    return tile(self, _varargs(dims, "tile", "dims"))


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element `repeats` times along `dim` (the flattened input if dim is None).

    `repeat_interleave(repeats)` with a 1-d int tensor gives the index [0]*r0 + [1]*r1 + ...
    """
    check_tensor(input, "repeat_interleave")
    if repeats is None:
        if input._data.ndim != 1:
            raise RuntimeError(f"repeat_interleave: repeats must be a 1-d tensor, got shape {list(input.shape)}")
        return _repeat_index(input, output_size)
    if dim is None:
        input, d = input.reshape(-1), 0
    else:
        d = _wrap_dim(dim, input._data.ndim, "repeat_interleave") if input._data.ndim else 0
        if not input._data.ndim:
            input = input.reshape(1)
    n = input._data.shape[d]
    if isinstance(repeats, Tensor):
        _repeat_index_check(repeats)
        if repeats._data.size != 1:
            if repeats._data.size != n:
                raise RuntimeError(
                    f"repeat_interleave: repeats must have the same size as input along dim, but got "
                    f"repeats of shape {list(repeats.shape)} and input.size({d}) = {n}"
                )
            return input.index_select(d, _repeat_index(repeats, output_size))
        repeats = repeats.item()
    if not isinstance(repeats, _int) or isinstance(repeats, bool):
        raise TypeError(f"repeat_interleave(): argument 'repeats' must be int or Tensor, not {type(repeats).__name__}")
    if repeats < 0:
        raise RuntimeError(f"repeat_interleave: Repeats must be non-negative, got {repeats}")
    shape = input._data.shape
    if output_size is not None and output_size != n * repeats:
        raise RuntimeError(
            f"repeat_interleave: allocated size does not match required size ({output_size} vs {n * repeats})"
        )
    grown = shape[:d + 1] + (int(repeats),) + shape[d + 1:]
    out = P_clone(input.unsqueeze(d + 1).expand(grown))
    return out.view(shape[:d] + (n * int(repeats),) + shape[d + 1:])


def _repeat_index_check(repeats):
    if repeats.dtype.category != _dtype.INT:
        raise RuntimeError(f"repeat_interleave: repeats must be an integer tensor, got {repeats.dtype}")
    if repeats._data.ndim > 1:
        raise RuntimeError(f"repeat_interleave: repeats must be 0-dim or 1-dim tensor, got shape {list(repeats.shape)}")


def _repeat_index(repeats, output_size):
    _repeat_index_check(repeats)
    return P_repeat_interleave(repeats, output_size=None if output_size is None else int(output_size))


Tensor.repeat_interleave = repeat_interleave


def flip(input, dims):
    """Reverse the order of elements along `dims` (a copy)."""
    check_tensor(input, "flip")
    dims = norm_dims(_ints(dims, "flip", "dims"), input._data.ndim, "flip")
    return P_flip(input, dims=dims if input._data.ndim else ())


@tensor_method("flip")
def _flip_method(self, *dims, **kwargs):
    if set(kwargs) - {"dims"}:
        raise TypeError(f"flip() got unexpected keyword arguments {sorted(set(kwargs) - {'dims'})}")
    return flip(self, kwargs["dims"] if "dims" in kwargs else _varargs(dims, "flip", "dims"))


@tensor_method()
def fliplr(input):
    """Flip dim 1 (left/right)."""
    check_tensor(input, "fliplr")
    if input._data.ndim < 2:
        raise RuntimeError(f"fliplr: Input must be >= 2-d, got shape {list(input.shape)}.")
    return P_flip(input, dims=(1,))


@tensor_method()
def flipud(input):
    """Flip dim 0 (up/down)."""
    check_tensor(input, "flipud")
    if input._data.ndim < 1:
        raise RuntimeError("flipud: Input must be >= 1-d, got a 0-d tensor.")
    return P_flip(input, dims=(0,))


@tensor_method()
def roll(input, shifts, dims=None):
    """Shift elements circularly along dims (the flattened tensor when dims is None)."""
    check_tensor(input, "roll")
    shifts = _ints(shifts, "roll", "shifts")
    if not shifts:
        raise RuntimeError("roll: `shifts` required")
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return P_roll(input.reshape(-1), shifts=shifts, dims=(0,)).view(input._data.shape)
    dims = _ints(dims, "roll", "dims")
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    n = input._data.ndim
    if n == 0:
        raise IndexError(f"roll: Dimension specified as {dims[0]} but tensor has no dimensions")
    return P_roll(input, shifts=shifts, dims=tuple(_wrap_dim(d, n, "roll") for d in dims))


@tensor_method()
def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees k times in the plane of `dims`, from the first towards the second."""
    check_tensor(input, "rot90")
    dims = _ints(dims, "rot90", "dims")
    n = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"rot90: expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"rot90: expected total dims >= 2, but got total dims = {n}")
    d0, d1 = _wrap_dim(dims[0], n, "rot90"), _wrap_dim(dims[1], n, "rot90")
    if d0 == d1:
        raise RuntimeError(f"rot90: expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k = int(k) % 4
    if k == 1:
        return P_flip(input, dims=(d1,)).transpose(d0, d1)
    if k == 2:
        return P_flip(input, dims=tuple(sorted((d0, d1))))
    if k == 3:
        return P_flip(input, dims=(d0,)).transpose(d0, d1)
    return P_clone(input)


def _triangle(prim, name):
    def op(input, diagonal=0, *, out=None):
        check_tensor(input, name)
        if not isinstance(diagonal, _int) or isinstance(diagonal, bool):
            raise TypeError(f"{name}(): argument 'diagonal' (position 2) must be int, not {type(diagonal).__name__}")
        if input._data.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions, got shape {list(input.shape)}")
        return finish(prim(input, diagonal=int(diagonal)), out, name)

    def op_(self, diagonal=0):
        return inplace(self, op(inplace_source(self), diagonal), name + "_")

    op.__name__, op_.__name__ = name, name + "_"
    op.__doc__ = f"The {'lower' if name == 'tril' else 'upper'} triangle of the last two dims; the rest is zero."
    setattr(Tensor, name, op)
    setattr(Tensor, name + "_", op_)
    return op


tril = _triangle(P_tril, "tril")
triu = _triangle(P_triu, "triu")


def _triangle_indices(name, row, col, offset, dtype, device):
    for arg, v in (("row", row), ("col", col), ("offset", offset)):
        if not isinstance(v, _int) or isinstance(v, bool):
            raise TypeError(f"{name}(): argument '{arg}' must be int, not {type(v).__name__}")
    if row < 0 or col < 0:
        raise RuntimeError(f"{name}: row and col must be non-negative, got row={row}, col={col}")
    dt = _dtype.int64 if dtype is None else _dtype.to_dtype(dtype)
    if dt.category != _dtype.INT:
        raise NotImplementedError(f"{name}: not implemented for dtype {dt} (use an integer dtype)")
    fn = np.tril_indices if name == "tril_indices" else np.triu_indices
    out = wrap(np.stack(fn(int(row), int(offset), int(col))).astype(dt.np).reshape(2, -1))
    return out if device is None else out.to(device)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, N) row/column indices of the lower triangle of a row x col matrix, row-major."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, N) row/column indices of the upper triangle of a row x col matrix, row-major."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Put the last dim of `input` on the `offset` diagonal of new (dim1, dim2) planes."""
    check_tensor(input, "diag_embed")
    n = input._data.ndim + 1
    d1, d2 = _wrap_dim(dim1, n, "diag_embed"), _wrap_dim(dim2, n, "diag_embed")
    if d1 == d2:
        raise RuntimeError(f"diag_embed: diagonal dimensions cannot be identical {dim1}, {dim2}")
    return P_diag_embed(input, offset=int(offset), dim1=d1, dim2=d2)


@tensor_method()
def diag(input, diagonal=0, *, out=None):
    """1-d input: a square matrix with it on the `diagonal`; 2-d input: that diagonal (a copy)."""
    check_tensor(input, "diag")
    n = input._data.ndim
    if n == 1:
        res = P_diag_embed(input, offset=int(diagonal), dim1=0, dim2=1)
    elif n == 2:
        res = P_clone(input.diagonal(diagonal))
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")
    return finish(res, out, "diag")


@tensor_method()
def diagflat(input, offset=0):
    """A 2-d matrix with the flattened input on its `offset` diagonal."""
    check_tensor(input, "diagflat")
    return P_diag_embed(input.reshape(-1), offset=int(offset), dim1=0, dim2=1)


Tensor.diag_embed = diag_embed


def _pad_value(value, dt):
    if value is None:
        return 0
    if dt.category == _dtype.FLOAT:
        return float(value)
    if dt is _dtype.bool:
        return bool(value)
    return np.array(int(value), dtype=np.int64).astype(dt.np).item()  # wraps like a C cast


def pad(input, pad, mode="constant", value=None):
    """torch.nn.functional.pad: `pad` = (last_left, last_right, prev_left, prev_right, ...).

    mode: 'constant' (fill with `value`; negative widths crop), 'reflect', 'replicate', 'circular'
    (these pad the last 1-3 dims of a batched or unbatched input).
    """
    check_tensor(input, "pad")
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, not {type(pad).__name__}")
    for i, p in enumerate(pad):
        if not isinstance(p, _int) or isinstance(p, bool):
            raise TypeError(
                "pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                f"{type(p).__name__} at pos {i}"
            )
    pads = tuple(int(p) for p in pad)
    shape, nd = input._data.shape, input._data.ndim
    if len(pads) % 2:
        raise RuntimeError(f"pad: Padding length must be divisible by 2, got {len(pads)}")
    if len(pads) // 2 > nd:
        raise RuntimeError(
            f"pad: Padding length should be less than or equal to two times the input dimension but got "
            f"padding length {len(pads)} and input of dimension {nd}"
        )
    if mode not in PAD_MODES:
        raise NotImplementedError(f"pad: Unrecognised padding mode {mode}")
    widths = [(nd - 1 - i, pads[2 * i], pads[2 * i + 1]) for i in range(len(pads) // 2)]
    if mode == "constant":
        for d, lo, hi in widths:
            if shape[d] + lo + hi < 0:
                raise RuntimeError(
                    f"pad: The input size {shape[d]}, plus negative padding {lo} and {hi} resulted in a negative "
                    f"output size, which is invalid. Check dimension {d} of your input."
                )
        return P_pad(input, pads=pads, mode=mode, value=_pad_value(value, input.dtype))
    _check_nonconstant_pad(input, pads, widths, mode, value)
    return P_pad(input, pads=pads, mode=mode, value=0)


def _check_nonconstant_pad(input, pads, widths, mode, value):
    shape, nd, k = input._data.shape, input._data.ndim, len(pads) // 2
    if value is not None and value != 0:
        raise RuntimeError(f'pad: Padding mode "{mode}" doesn\'t take in value argument')
    if not 1 <= k <= 3 or nd not in (k + 1, k + 2):
        raise NotImplementedError(
            f"pad: Padding size {len(pads)} is not supported for {nd}D input tensor. Supported combinations for "
            "non-constant padding: 2D or 3D input with padding size 2, 3D or 4D input with padding size 4, "
            "4D or 5D input with padding size 6"
        )
    features = shape[1:] if nd == k + 2 else shape
    if mode != "circular" and 0 in features:
        raise RuntimeError(
            f"pad: Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero "
            f"dimensions for input, but got: {list(shape)}"
        )
    for d, lo, hi in widths:
        # Positive padding applies to the input cropped by the negative padding.
        size = shape[d] + min(lo, 0) + min(hi, 0)
        if size < 0:
            raise RuntimeError(f"pad: negative padding ({lo}, {hi}) crops more than dimension {d} of {list(shape)}")
        if mode == "reflect" and (lo >= size or hi >= size):
            raise RuntimeError(
                f"pad: Argument #4: Padding size should be less than the corresponding input dimension, but got: "
                f"padding ({lo}, {hi}) at dimension {d} of input {list(shape)}"
            )
        if mode == "circular" and (lo > size or hi > size):
            raise RuntimeError(
                f"pad: Padding value causes wrapping around more than once: padding ({lo}, {hi}) at dimension "
                f"{d} of input {list(shape)}"
            )


def pad_backward(grad, pads, mode):
    """The adjoint of `pad(..., mode)` for reflect/replicate/circular: sums the border back in."""
    return P_pad_backward(grad, pads=tuple(pads), mode=mode)


@tensor_method()
def ravel(input):
    """The elements as a 1-d tensor (a view when possible)."""
    check_tensor(input, "ravel")
    return input.reshape(-1)
