"""Docstrings of sorting, selection, uniqueness, counting and searching (fx.tensor._ops.sorting)."""

from . import add_docstr
from .._ops.sorting import (
    argsort, bincount, bucketize, histc, histogram, isin, kthvalue, mode, msort, searchsorted, sort, topk, unique,
    unique_consecutive,
)

add_docstr(sort, """Sort the elements of `input` along a dimension.

    NaN sorts as the largest value. The sort is always stable: equal elements keep their order.

    Args:
        input: the tensor.
        dim: the dim to sort along (default -1).
        descending: sort from largest to smallest (default False).
        stable: accepted for compatibility; the sort is stable either way.
        out: an optional (values, indices) pair of tensors to write into.

    Returns:
        (values, indices): a namedtuple of the sorted tensor and the int64 positions of its elements
        in `input`, both of input's shape.

    Example:
        >>> values, indices = ft.sort(ft.tensor([3, 1, 2]))
        >>> values, indices
        (tensor([1, 2, 3]), tensor([1, 2, 0]))
        >>> ft.sort(ft.tensor([[1.0, 3.0, 2.0]]), descending=True).values
        tensor([[3., 2., 1.]])
    """)

add_docstr(argsort, """Return the indices that sort `input` along a dimension (`sort(...).indices`).

    Args:
        input: the tensor.
        dim: the dim to sort along (default -1).
        descending: sort from largest to smallest (default False).
        stable: accepted for compatibility; the sort is stable either way.

    Returns:
        Tensor: int64 indices of input's shape.

    Example:
        >>> ft.argsort(ft.tensor([30, 10, 20]), descending=True)
        tensor([0, 2, 1])
    """)

add_docstr(msort, """Sort `input` along its first dimension (`sort(input, dim=0).values`).

    Args:
        input: the tensor.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a new tensor of input's shape.

    Example:
        >>> ft.msort(ft.tensor([[3, 1], [1, 2]]))
        tensor([[1, 1],
                [3, 2]])
    """)

add_docstr(topk, """Return the `k` largest (or smallest) elements along a dimension and their indices.

    Args:
        input: the tensor.
        k: how many elements (at most input.shape[dim]).
        dim: the dim to search (default -1).
        largest: take the largest (default) or the smallest elements.
        sorted: return them in sorted order (default True).
        out: an optional (values, indices) pair of tensors to write into.

    Returns:
        (values, indices): a namedtuple of tensors of input's shape with size k along `dim`;
        indices are int64.

    Example:
        >>> ft.topk(ft.tensor([1.0, 5.0, 3.0, 4.0]), 2)
        fx.tensor.return_types.topk(
        values=tensor([5., 4.]),
        indices=tensor([1, 3]))
    """)

add_docstr(kthvalue, """Return the `k`-th smallest element (counting from 1) along a dimension, and its index.

    Args:
        input: the tensor.
        k: the rank, from 1 to input.shape[dim].
        dim: the dim to search (default -1).
        keepdim: keep `dim` with size 1 in the results (default False).
        out: an optional (values, indices) pair of tensors to write into.

    Returns:
        (values, indices): a namedtuple of tensors without `dim` (unless keepdim); indices are int64.

    Example:
        >>> ft.kthvalue(ft.tensor([4, 1, 3, 2]), 2)
        fx.tensor.return_types.kthvalue(
        values=tensor(2),
        indices=tensor(3))
    """)

add_docstr(mode, """Return the most frequent value along a dimension, and an index where it occurs.

    Among equally frequent values the smallest is chosen.

    Args:
        input: the tensor.
        dim: the dim to search (default -1).
        keepdim: keep `dim` with size 1 in the results (default False).
        out: an optional (values, indices) pair of tensors to write into.

    Returns:
        (values, indices): a namedtuple of tensors without `dim` (unless keepdim); indices are int64.

    Example:
        >>> ft.mode(ft.tensor([[2, 7, 2], [5, 5, 1]])).values
        tensor([2, 5])
    """)

add_docstr(unique, """Return the distinct elements of `input` (or distinct slices along `dim`), sorted.

    NaNs are all distinct, as in PyTorch.

    Args:
        input: the tensor.
        sorted: accepted for compatibility; the result is always sorted.
        return_inverse: also return, for each element of `input`, its position in the result.
        return_counts: also return how often each distinct value occurs.
        dim: None (default) to treat `input` as flat, or the dim whose slices are compared.

    Returns:
        Tensor, or a tuple (output, inverse_indices?, counts?) when an extra output is asked for;
        inverse_indices has input's shape (or size along `dim`), counts the length of output; both int64.

    Example:
        >>> ft.unique(ft.tensor([3, 1, 3, 2]))
        tensor([1, 2, 3])
        >>> ft.unique(ft.tensor([3, 1, 3]), return_inverse=True, return_counts=True)
        (tensor([1, 3]), tensor([1, 0, 1]), tensor([1, 2]))
    """)

add_docstr(unique_consecutive, """Collapse each run of equal consecutive elements (or slices along `dim`) into one.

    Args:
        input: the tensor.
        return_inverse: also return, for each element of `input`, its position in the result.
        return_counts: also return the length of each run.
        dim: None (default) to treat `input` as flat, or the dim whose slices are compared.

    Returns:
        Tensor, or a tuple (output, inverse_indices?, counts?) when an extra output is asked for.

    Example:
        >>> ft.unique_consecutive(ft.tensor([1, 1, 2, 2, 1]), return_counts=True)
        (tensor([1, 2, 1]), tensor([2, 2, 1]))
    """)

add_docstr(bincount, """Count the occurrences of each value 0, 1, ..., max in a 1-d tensor of non-negative integers.

    Args:
        input: a 1-d non-negative integer tensor.
        weights: an optional 1-d tensor of input's length; each occurrence then adds its weight.
        minlength: the minimum length of the result (default 0).

    Returns:
        Tensor: a 1-d tensor of length max(input.max() + 1, minlength): int64 counts, or with
        `weights` sums of float32/float64 weights in their dtype (float64 for other weight dtypes).

    Example:
        >>> ft.bincount(ft.tensor([0, 2, 2, 3]))
        tensor([1, 0, 2, 1])
        >>> ft.bincount(ft.tensor([0, 1, 1]), weights=ft.tensor([0.5, 1.0, 2.0]))
        tensor([0.5000, 3.0000])
    """)

add_docstr(histc, """Count the elements of `input` in `bins` equal-width bins between `min` and `max`.

    Args:
        input: a floating tensor (treated as flat).
        bins: the number of bins (default 100).
        min: the lower end of the range.
        max: the upper end of the range; when min == max (default 0 and 0), the data's own
            minimum and maximum are used.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a 1-d tensor of `bins` counts, of input's dtype; elements outside [min, max] are ignored.

    Example:
        >>> ft.histc(ft.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=4)
        tensor([0., 2., 1., 1.])
    """)

add_docstr(histogram, """Compute a histogram of the values in `input`.

    Args:
        input: a floating tensor (treated as flat).
        bins: the number of equal-width bins, or a 1-d increasing tensor of bin edges.
        range: (min, max) of the bins when `bins` is an int (default: the data's range).
        weight: an optional tensor of input's shape; each element then counts its weight.
        density: normalise so that the histogram integrates to 1 over the range (default False).
        out: an optional (hist, bin_edges) pair of tensors to write into.

    Returns:
        (hist, bin_edges): a namedtuple of the counts (input's dtype) and the bins+1 edges.

    Example:
        >>> hist, edges = ft.histogram(ft.tensor([1.0, 2.0, 1.0]), bins=4, range=(0.0, 3.0))
        >>> hist
        tensor([0., 2., 1., 0.])
        >>> edges
        tensor([0.0000, 0.7500, 1.5000, 2.2500, 3.0000])
    """)

add_docstr(searchsorted, """Find where the values in `input` would be inserted in `sorted_sequence` to keep it sorted.

    Args:
        sorted_sequence: a tensor sorted along its last dim; a 1-d sequence serves all of `input`,
            an N-d one must match input's leading dims.
        input: the values to look up (a tensor or a number).
        out_int32: return int32 instead of int64 indices.
        right: return the last valid position (after equal values) instead of the first.
        side: 'left' or 'right', the same choice as `right`.
        out: an optional tensor to write the result into.
        sorter: optional int64 indices that sort an unsorted `sorted_sequence` along its last dim.

    Returns:
        Tensor: indices of input's shape (a 0-d tensor for a number).

    Example:
        >>> seq = ft.tensor([1, 3, 5, 7])
        >>> ft.searchsorted(seq, ft.tensor([3, 6, 9]))
        tensor([1, 3, 4])
        >>> ft.searchsorted(seq, ft.tensor([3, 6, 9]), right=True)
        tensor([2, 3, 4])
    """)

add_docstr(bucketize, """Return the index of the bucket each element of `input` falls in, given sorted bucket boundaries.

    With right=False, index i satisfies boundaries[i-1] < x <= boundaries[i]; with right=True,
    boundaries[i-1] <= x < boundaries[i].

    Args:
        input: a tensor (or a number) of values.
        boundaries: a 1-d increasing tensor.
        out_int32: return int32 instead of int64 indices.
        right: which side of a boundary belongs to the bucket (see above; default False).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: indices in [0, len(boundaries)], of input's shape.

    Example:
        >>> ft.bucketize(ft.tensor([1, 5, 9]), ft.tensor([1, 3, 5, 7]))
        tensor([0, 2, 4])
        >>> ft.bucketize(ft.tensor([1, 5, 9]), ft.tensor([1, 3, 5, 7]), right=True)
        tensor([1, 3, 4])
    """)

add_docstr(isin, """Test whether each element of `elements` occurs in `test_elements`.

    Args:
        elements: a tensor (or a number).
        test_elements: a tensor (or a number) of values to look for.
        assume_unique: accepted for compatibility (a hint that both inputs have no repeats).
        invert: return the negation: True where the element does not occur.

    Returns:
        Tensor: a bool tensor of elements' shape.

    Example:
        >>> ft.isin(ft.tensor([1, 2, 3, 4]), ft.tensor([2, 4, 6]))
        tensor([False,  True, False,  True])
    """)
