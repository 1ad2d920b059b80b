"""Sorting, selection, uniqueness, counting, histograms and searching in sorted sequences.

Primitives: `sort`, `topk`, `kthvalue` and `mode` (differentiable: the gradient goes back to the input
through their int64 `indices`); `unique`, `unique_consecutive`, `bincount`, `histc`,
`histogram_bin_edges`, `histogram`, `searchsorted` and `isin` (not differentiable).
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._dispatch import define
from .._tensor import Tensor, _wrap_dim, tensor_method
from ._common import _number, binary_operands, cast, check_tensor, finish
from .copying import P_clone
from .reduce import _return_type

__all__ = [
    "sort", "argsort", "msort", "topk", "kthvalue", "mode", "unique", "unique_consecutive", "bincount", "histc",
    "histogram", "searchsorted", "bucketize", "isin",
]

P_sort = define("sort", nout=2)  # params: dim, descending, stable
P_topk = define("topk", nout=2)  # params: k, dim, largest, sorted
P_kthvalue = define("kthvalue", nout=2)  # params: k, dim, keepdim
P_mode = define("mode", nout=2)  # params: dim, keepdim
# (values, inverse, counts); inverse/counts are empty unless asked for. params: ..., dim (None: flat)
P_unique = define("unique", differentiable=False, nout=3)
P_unique_consecutive = define("unique_consecutive", differentiable=False, nout=3)
P_bincount = define("bincount", differentiable=False)  # (input[, weights]); params: minlength
P_histc = define("histc", differentiable=False)  # params: bins, min, max
P_histogram_bin_edges = define("histogram_bin_edges", differentiable=False)  # params: bins, range
P_histogram = define("histogram", differentiable=False)  # (input, edges[, weight]); params: density
P_searchsorted = define("searchsorted", differentiable=False)  # (seq, values[, sorter]); right, out_int32
P_isin = define("isin", differentiable=False)  # params: invert


SortResult = _return_type("sort", "values indices")
TopkResult = _return_type("topk", "values indices")
KthvalueResult = _return_type("kthvalue", "values indices")
ModeResult = _return_type("mode", "values indices")
HistogramResult = _return_type("histogram", "hist bin_edges")

_int_types = (int, np.integer)


def _int(value, op, name):
    if isinstance(value, bool) or not isinstance(value, _int_types):
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type(value).__name__}")
    return int(value)


def _bool(value, op, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}(): argument '{name}' must be bool, not {type(value).__name__}")
    return bool(value)


def _dim(dim, input, op):
    return _wrap_dim(_int(dim, op, "dim"), input._data.ndim, op)


def _finish_pair(result, out, op, cls):
    """Apply `out=(values, indices)` to a (values, indices) result."""
    if out is None:
        return cls(result)
    if not isinstance(out, (tuple, list)) or len(out) != 2 or not all(isinstance(t, Tensor) for t in out):
        raise TypeError(f"{op}(): argument 'out' must be a tuple of two Tensors")
    if out[1].dtype is not _dtype.int64:
        raise RuntimeError(f"{op}: expected out tensor to have dtype long int, but got {out[1].dtype} instead")
    return cls((finish(result[0], out[0], op), finish(result[1], out[1], op)))


@tensor_method()
def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    """Sorted values along `dim` and their int64 indices; NaN sorts as the largest value.

    Equal elements keep their order (the sort is always stable, whatever `stable` says).

    Example:
        >>> sort(tensor([3, 1, 2])).indices.tolist()
        [1, 2, 0]
    """
    check_tensor(input, "sort")
    d = _dim(dim, input, "sort")
    descending = _bool(descending, "sort", "descending")
    if stable is not None:
        _bool(stable, "sort", "stable")
    return _finish_pair(P_sort(input, dim=d, descending=descending, stable=True), out, "sort", SortResult)


@tensor_method()
def argsort(input, dim=-1, descending=False, stable=False):
    """The int64 indices that sort `input` along `dim` (`sort(...).indices`)."""
    check_tensor(input, "argsort")
    return sort(input, dim, descending, stable=stable)[1]


@tensor_method()
def msort(input, *, out=None):
    """`input` sorted along its first dimension."""
    check_tensor(input, "msort")
    return finish(P_sort(input, dim=0, descending=False, stable=True)[0], out, "msort")


@tensor_method()
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The `k` largest (or smallest) elements along `dim` and their indices.

    Example:
        >>> topk(tensor([1., 5., 3.]), 2).values.tolist()
        [5.0, 3.0]
    """
    check_tensor(input, "topk")
    k = _int(k, "topk", "k")
    d = _dim(dim, input, "topk")
    largest, sorted = _bool(largest, "topk", "largest"), _bool(sorted, "topk", "sorted")
    n = input._data.shape[d] if input._data.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"topk: selected index k out of range (k={k}, size {n} along dim {d})")
    if input._data.dtype.kind == "b":
        raise RuntimeError("topk: does not support bool dtypes on CPU")
    result = P_topk(input, k=k, dim=d, largest=largest, sorted=sorted)
    return _finish_pair(result, out, "topk", TopkResult)


@tensor_method()
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The `k`-th smallest element (1-based) along `dim` and its index."""
    check_tensor(input, "kthvalue")
    k = _int(k, "kthvalue", "k")
    d = _dim(dim, input, "kthvalue")
    keepdim = _bool(keepdim, "kthvalue", "keepdim")
    shape = input._data.shape
    n = shape[d] if shape else 1
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d} (k={k}, size {n})")
    if input._data.dtype.kind == "b":
        raise NotImplementedError("kthvalue: not implemented for 'Bool'")
    result = P_kthvalue(input, k=k, dim=d, keepdim=keepdim)
    return _finish_pair(result, out, "kthvalue", KthvalueResult)


@tensor_method()
def mode(input, dim=-1, keepdim=False, *, out=None):
    """The most frequent value along `dim` (the smallest among equally frequent ones) and its last index.

    Example:
        >>> mode(tensor([2, 7, 2, 7, 2])).values.item()
        2
    """
    check_tensor(input, "mode")
    d = _dim(dim, input, "mode")
    keepdim = _bool(keepdim, "mode", "keepdim")
    if input._data.ndim and input._data.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    return _finish_pair(P_mode(input, dim=d, keepdim=keepdim), out, "mode", ModeResult)


def _unique_dim(input, dim, op):
    if dim is None:
        return None
    if input._data.ndim == 0:
        raise IndexError(f"{op}: Dimension specified as {dim} but tensor has no dimensions")
    d = _dim(dim, input, op)
    shape = input._data.shape
    zeros = sum(1 for s in shape if s == 0)
    if zeros > 1:
        raise RuntimeError(f"{op}: Number of zero sized dimensions is more than one, so unique cannot be applied "
                           f"(shape {list(shape)})")
    if zeros and shape[d] != 0:
        raise RuntimeError(f"{op}: There are 0 sized dimensions, and they aren't selected, so unique cannot be "
                           f"applied (shape {list(shape)}, dim {d})")
    return d


def _unique_result(result, return_inverse, return_counts):
    values, inverse, counts = result
    if return_inverse and return_counts:
        return values, inverse, counts
    if return_inverse:
        return values, inverse
    if return_counts:
        return values, counts
    return values


@tensor_method()
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements (or slices along `dim`), sorted; optionally inverse indices and counts.

    NaNs are all distinct, like PyTorch's. Returns a tensor, or a tuple when an extra output is asked for.

    Example:
        >>> unique(tensor([3, 1, 3]), return_counts=True)[1].tolist()
        [1, 2]
    """
    check_tensor(input, "unique")
    _bool(sorted, "unique", "sorted")
    return_inverse = _bool(return_inverse, "unique", "return_inverse")
    return_counts = _bool(return_counts, "unique", "return_counts")
    d = _unique_dim(input, dim, "unique")
    result = P_unique(input, return_inverse=return_inverse, return_counts=return_counts, dim=d)
    return _unique_result(result, return_inverse, return_counts)


@tensor_method()
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse each run of equal consecutive elements (or slices along `dim`) into one."""
    check_tensor(input, "unique_consecutive")
    return_inverse = _bool(return_inverse, "unique_consecutive", "return_inverse")
    return_counts = _bool(return_counts, "unique_consecutive", "return_counts")
    d = _unique_dim(input, dim, "unique_consecutive")
    result = P_unique_consecutive(input, return_inverse=return_inverse, return_counts=return_counts, dim=d)
    return _unique_result(result, return_inverse, return_counts)


@tensor_method()
def bincount(input, weights=None, minlength=0):
    """Occurrences of each value 0..max in a 1-d non-negative integer tensor (summed `weights` if given).

    Example:
        >>> bincount(tensor([0, 2, 2])).tolist()
        [1, 0, 2]
    """
    check_tensor(input, "bincount")
    minlength = _int(minlength, "bincount", "minlength")
    if input._data.ndim != 1 or input.dtype.category != _dtype.INT:
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs. (got {input._data.ndim}-d "
                           f"{input.dtype})")
    if minlength < 0:
        raise RuntimeError(f"bincount: minlength should be >= 0, got {minlength}")
    if weights is None:
        return P_bincount(input, minlength=minlength)
    check_tensor(weights, "bincount", "weights")
    if weights._data.shape != input._data.shape:
        raise RuntimeError(f"bincount: weights should be 1-d and have the same length as input (input "
                           f"{list(input._data.shape)}, weights {list(weights._data.shape)})")
    if weights.dtype is not _dtype.float32:
        weights = cast(weights, _dtype.float64)
    return P_bincount(input, weights, minlength=minlength)


def _float_input(input, op):
    check_tensor(input, op)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"{op}: not implemented for {input.dtype} (expected a floating point tensor)")


@tensor_method()
def histc(input, bins=100, min=0, max=0, *, out=None):
    """Counts of elements in `bins` equal-width bins over [min, max] (the data's range if min == max).

    Elements outside the range are ignored; the result has the input's dtype.
    """
    _float_input(input, "histc")
    bins = _int(bins, "histc", "bins")
    if bins <= 0:
        raise RuntimeError(f"histc: bins must be > 0, but got {bins}")
    lo, hi = float(min), float(max)
    if lo != hi:
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(f"histc: range of [{lo:g}, {hi:g}] is not finite")
        if lo > hi:
            raise RuntimeError(f"histc: max must be larger than min (got min {lo:g}, max {hi:g})")
    return finish(P_histc(input, bins=bins, min=lo, max=hi), out, "histc")


@tensor_method()
def histogram(input, bins, *, range=None, weight=None, density=False, out=None):
    """A histogram of `input`: (hist, bin_edges); `bins` is a bin count or a 1-d tensor of edges."""
    _float_input(input, "histogram")
    density = _bool(density, "histogram", "density")
    if weight is not None:
        check_tensor(weight, "histogram", "weight")
        if weight.dtype is not input.dtype:
            raise RuntimeError(f"histogram: weight tensor should have the input's dtype, got input "
                               f"{input.dtype} and weight {weight.dtype}")
        if weight.numel() != input.numel():
            raise RuntimeError(f"histogram: weight tensor should have the same shape as the input tensor, "
                               f"but got input with shape {list(input._data.shape)} and weight with shape "
                               f"{list(weight._data.shape)}")
    if isinstance(bins, Tensor):
        if bins.dtype is not input.dtype:
            raise RuntimeError(f"histogram: input tensor and bins tensors should have the same dtype, "
                               f"but got input with dtype {input.dtype} and bins with dtype {bins.dtype}")
        if bins._data.ndim != 1 or bins._data.shape[0] < 2:
            raise RuntimeError(f"histogram: bins tensor should have one dimension and at least 2 elements "
                               f"(bins must be > 0), but got shape {list(bins._data.shape)}")
        edges = bins
    else:
        nbins = _int(bins, "histogram", "bins")
        if nbins <= 0:
            raise RuntimeError(f"histogram(): bins must be > 0, but got {nbins}")
        if range is not None:
            if not isinstance(range, (tuple, list)) or len(range) != 2:
                raise RuntimeError(f"histogram: range should have 2 elements, but got {range!r}")
            range = (float(range[0]), float(range[1]))
            if not (math.isfinite(range[0]) and math.isfinite(range[1])):
                raise RuntimeError(f"histogram: range [{range[0]:g}, {range[1]:g}] is not finite")
            if range[0] > range[1]:
                raise RuntimeError(f"histogram: min should not exceed max, but got min {range[0]:g} max {range[1]:g}")
        edges = P_histogram_bin_edges(input, bins=nbins, range=range)
    args = (input, edges) if weight is None else (input, edges, weight)
    hist = P_histogram(*args, density=density)
    if edges is bins:
        edges = P_clone(bins)
    if out is None:
        return HistogramResult((hist, edges))
    if not isinstance(out, (tuple, list)) or len(out) != 2 or not all(isinstance(t, Tensor) for t in out):
        raise TypeError("histogram(): argument 'out' must be a tuple of two Tensors")
    return HistogramResult((finish(hist, out[0], "histogram"), finish(edges, out[1], "histogram")))


def _search_operands(seq, values, op):
    if not isinstance(values, (Tensor,) + _number):
        raise TypeError(f"{op}(): argument 'input' must be Tensor or Number, not {type(values).__name__}")
    seq, values, dt = binary_operands(seq, values, op)
    if dt is _dtype.bool:
        raise NotImplementedError(f"{op}: not implemented for 'Bool'")
    return seq, values


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, out=None, sorter=None):
    """Insertion indices of `input` in the innermost dimension of `sorted_sequence` keeping it sorted.

    `right=True` (or `side='right'`) returns the last such index instead of the first; `sorter`
    holds indices that sort an unsorted `sorted_sequence`. A 1-d sequence serves every value; an
    N-d one must match `input` in all but the last dimension.

    Example:
        >>> searchsorted(tensor([1, 3, 5]), tensor([3, 6])).tolist()
        [1, 3]
    """
    op = "searchsorted()"
    check_tensor(sorted_sequence, "searchsorted", "sorted_sequence")
    out_int32, right = _bool(out_int32, "searchsorted", "out_int32"), _bool(right, "searchsorted", "right")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"{op}: side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(f"{op}: side and right can't be set to opposites, got side of left while right was True")
        right = side == "right"
    seq_shape = sorted_sequence._data.shape
    if not seq_shape:
        raise RuntimeError(f"{op}: boundaries tensor should have positive dimension, but got 0 dimension")
    if isinstance(input, Tensor):
        val_shape = input._data.shape
        if len(seq_shape) > 1 and not val_shape:
            raise RuntimeError(f"{op}: input value can be a scalar only when boundaries tensor dimension is 1, but we "
                               f"got boundaries tensor dim({len(seq_shape)}) and input value's dim(0)")
        if len(seq_shape) > 1 and seq_shape[:-1] != val_shape[:-1]:
            raise RuntimeError(f"{op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                               f"boundaries tensor and input value tensor must match, but we got boundaries tensor "
                               f"{list(seq_shape)} and input value tensor {list(val_shape)}")
    elif len(seq_shape) > 1:
        raise RuntimeError(f"{op}: input value can be a scalar only when boundaries tensor dimension is 1, but we "
                           f"got boundaries tensor dim({len(seq_shape)})")
    if out is not None and isinstance(out, Tensor) and out.dtype is not (_dtype.int32 if out_int32 else _dtype.int64):
        raise RuntimeError(f"{op}: output tensor's dtype is wrong, it can only be Int(int32) or Long(int64) depending "
                           f"on whether out_int32 flag is True, but we got output tensor's dtype {out.dtype} and "
                           f"out_int32 flag is {out_int32}")
    if sorter is not None:
        check_tensor(sorter, "searchsorted", "sorter")
        if sorter.dtype is not _dtype.int64:
            raise RuntimeError(f"{op}: sorter must be a tensor of long dtype but got dtype {sorter.dtype}")
        if sorter._data.shape != seq_shape:
            raise RuntimeError(f"{op}: boundary and sorter must have the same size, but got boundary tensor "
                               f"{list(seq_shape)} and got sorter tensor {list(sorter._data.shape)}")
    args = _search_operands(sorted_sequence, input, "searchsorted")
    if sorter is not None:
        args += (sorter,)
    return finish(P_searchsorted(*args, right=right, out_int32=out_int32), out, "searchsorted")


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The index of the bucket of each element of `input` among the 1-d sorted `boundaries`.

    `right=False`: boundaries[i-1] < x <= boundaries[i]; `right=True`: boundaries[i-1] <= x < boundaries[i].
    """
    check_tensor(boundaries, "bucketize", "boundaries")
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"bucketize: boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})")
    if not isinstance(input, (Tensor,) + _number):
        raise TypeError(f"bucketize(): argument 'input' must be Tensor or Number, not {type(input).__name__}")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """A bool tensor: whether each of `elements` occurs in `test_elements` (negated with `invert`).

    Example:
        >>> isin(tensor([1, 2, 3]), tensor([2, 5])).tolist()
        [False, True, False]
    """
    for name, x in (("elements", elements), ("test_elements", test_elements)):
        if not isinstance(x, (Tensor,) + _number):
            raise TypeError(f"isin(): argument '{name}' must be Tensor or Number, not {type(x).__name__}")
        if isinstance(x, (bool, np.bool_)) or (isinstance(x, Tensor) and x.dtype is _dtype.bool):
            raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    invert = _bool(invert, "isin", "invert")
    a, b, _ = binary_operands(elements, test_elements, "isin")
    return P_isin(a, b, invert=invert)
