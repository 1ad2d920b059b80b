"""Docstrings of the reductions (fx/tensor/_ops/reduce.py).

Shared conventions: `dim` is an int, a tuple of ints, or None (all dims); with keepdim=True each reduced
dim stays as size 1, otherwise it is removed (all dims: a 0-d tensor).
"""

from . import add_docstr
from .._ops import reduce as _reduce

add_docstr(_reduce.sum, """
    Sum of the elements over `dim`: out = sum_i input_i.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dims to reduce; None (default) or () reduces all dims.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        dtype (ft.dtype, optional): cast `input` to this dtype before summing (e.g. to avoid overflow).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the sums; integer and bool inputs give int64, others keep their dtype (or `dtype`).

    Example:
        >>> x = ft.tensor([[1, 2, 3], [4, 5, 6]])
        >>> ft.sum(x)
        tensor(21)
        >>> ft.sum(x, dim=1)
        tensor([ 6, 15])
        >>> ft.sum(x, dim=0, keepdim=True)
        tensor([[5, 7, 9]])
    """)

add_docstr(_reduce.nansum, """
    Sum over `dim` treating NaN as zero.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dims to reduce; None (default) reduces all dims.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        dtype (ft.dtype, optional): cast `input` to this dtype before summing.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the sums (0 where every element is NaN); dtypes as in `sum`.

    Example:
        >>> ft.nansum(ft.tensor([[1.0, float("nan")], [float("nan"), float("nan")]]), dim=1)
        tensor([1., 0.])
    """)

add_docstr(_reduce.mean, """
    Arithmetic mean over `dim`: out = sum_i input_i / N, N the number of reduced elements.

    Args:
        input (Tensor): the input tensor, floating point (integer inputs raise RuntimeError unless `dtype`
            is given).
        dim (int or tuple of ints, optional): the dims to reduce; None (default) reduces all dims.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        dtype (ft.dtype, optional): a floating point dtype to cast `input` to first.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the means, in the dtype of `input` (or `dtype`); NaN propagates.

    Example:
        >>> x = ft.tensor([[1.0, 2.0], [3.0, 5.0]])
        >>> ft.mean(x)
        tensor(2.7500)
        >>> ft.mean(x, dim=1, keepdim=True)
        tensor([[1.5000],
                [4.0000]])
    """)

add_docstr(_reduce.nanmean, """
    Mean over `dim` of the non-NaN elements: nansum(input) / (number of non-NaN elements).

    Args:
        input (Tensor): the input tensor, floating point (or pass `dtype`).
        dim (int or tuple of ints, optional): the dims to reduce; None (default) reduces all dims.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        dtype (ft.dtype, optional): a floating point dtype to cast `input` to first.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the means, in the dtype of `input` (or `dtype`); NaN where every reduced element is NaN.

    Example:
        >>> ft.nanmean(ft.tensor([[1.0, float("nan"), 2.0], [float("nan")] * 3]), dim=1)
        tensor([1.5000,    nan])
    """)

add_docstr(_reduce.prod, """
    Product of all elements, or over one `dim`: out = prod_i input_i.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the one dim to reduce; None (default) reduces all dims.
        keepdim (bool, optional): keep the reduced dim as size 1; default False.
        dtype (ft.dtype, optional): cast `input` to this dtype first.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the products; integer and bool inputs give int64, others keep their dtype (or `dtype`).

    Example:
        >>> ft.prod(ft.tensor([[1, 2], [3, 4]]), dim=1)
        tensor([ 2, 12])
    """)

add_docstr(_reduce.max, """
    Largest element: of the whole tensor, or (values, indices) along `dim`, or elementwise against `other`.

    `max(input)` gives a 0-d tensor; `max(input, dim, keepdim=False)` gives the namedtuple (values, indices);
    `max(input, other)` is `maximum(input, other)`. NaN propagates: a NaN is the maximum, and its index is
    returned. The gradient flows to the returned index only (see `amax` to split it among ties).

    Args:
        input (Tensor): the input tensor (non-empty when reducing).
        dim (int or Tensor, optional): the dim to reduce; a Tensor here is `other` (elementwise maximum).
        keepdim (bool, optional): keep the reduced dim as size 1; only with an int `dim`; default False.
        out (tuple of Tensors, optional): (values, indices) output tensors, with `dim`.

    Returns:
        Tensor or (Tensor, Tensor): the maximum (dtype of `input`); with `dim`, a namedtuple of `values`
        and int64 `indices` (positions along `dim`), each of the input's shape without `dim` (size 1 with
        keepdim=True).

    Example:
        >>> x = ft.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]])
        >>> ft.max(x)
        tensor(6.)
        >>> ft.max(x, dim=1)
        fx.tensor.return_types.max(
        values=tensor([5., 6.]),
        indices=tensor([1, 2]))
    """)

add_docstr(_reduce.min, """
    Smallest element: of the whole tensor, or (values, indices) along `dim`, or elementwise against `other`.

    `min(input)` gives a 0-d tensor; `min(input, dim, keepdim=False)` gives the namedtuple (values, indices);
    `min(input, other)` is `minimum(input, other)`. NaN propagates: a NaN is the minimum, and its index is
    returned. The gradient flows to the returned index only (see `amin` to split it among ties).

    Args:
        input (Tensor): the input tensor (non-empty when reducing).
        dim (int or Tensor, optional): the dim to reduce; a Tensor here is `other` (elementwise minimum).
        keepdim (bool, optional): keep the reduced dim as size 1; only with an int `dim`; default False.
        out (tuple of Tensors, optional): (values, indices) output tensors, with `dim`.

    Returns:
        Tensor or (Tensor, Tensor): the minimum (dtype of `input`); with `dim`, a namedtuple of `values`
        and int64 `indices` (positions along `dim`), each of the input's shape without `dim` (size 1 with
        keepdim=True).

    Example:
        >>> x = ft.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]])
        >>> ft.min(x)
        tensor(1.)
        >>> ft.min(x, dim=1)
        fx.tensor.return_types.min(
        values=tensor([1., 3.]),
        indices=tensor([0, 1]))
    """)

add_docstr(_reduce.amax, """
    Largest value over `dim` (one or several dims); NaN propagates.

    Unlike `max(input, dim)`, no indices are returned and the gradient is split evenly among equal maxima.

    Args:
        input (Tensor): the input tensor; reduced dims must be non-empty.
        dim (int or tuple of ints, optional): the dims to reduce; () (default) reduces all dims.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the maxima, in the dtype of `input`.

    Example:
        >>> ft.amax(ft.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]]), dim=1)
        tensor([5., 6.])
    """)

add_docstr(_reduce.amin, """
    Smallest value over `dim` (one or several dims); NaN propagates.

    Unlike `min(input, dim)`, no indices are returned and the gradient is split evenly among equal minima.

    Args:
        input (Tensor): the input tensor; reduced dims must be non-empty.
        dim (int or tuple of ints, optional): the dims to reduce; () (default) reduces all dims.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the minima, in the dtype of `input`.

    Example:
        >>> ft.amin(ft.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]]), dim=0, keepdim=True)
        tensor([[1., 3., 2.]])
    """)

add_docstr(_reduce.aminmax, """
    Both the minimum and the maximum, over one `dim` or over all elements: (amin(input, dim), amax(input, dim)).

    Args:
        input (Tensor): the input tensor (non-empty).
        dim (int, optional, keyword-only): the dim to reduce; None (default) reduces all dims.
        keepdim (bool, optional, keyword-only): keep the reduced dim as size 1; default False.

    Returns:
        (Tensor, Tensor): the namedtuple (min, max), both in the dtype of `input`.

    Example:
        >>> ft.aminmax(ft.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]]), dim=1)
        fx.tensor.return_types.aminmax(
        min=tensor([1., 3.]),
        max=tensor([5., 6.]))
    """)

add_docstr(_reduce.argmax, """
    Index of the largest value, over all elements (flattened) or along `dim`.

    Ties give the first index; a NaN counts as the largest value.

    Args:
        input (Tensor): the input tensor (not bool).
        dim (int, optional): the dim to reduce; None (default) returns the index into the flattened tensor.
        keepdim (bool, optional): keep the reduced dim as size 1; default False.

    Returns:
        Tensor: int64 indices; not differentiable.

    Example:
        >>> x = ft.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]])
        >>> ft.argmax(x)
        tensor(5)
        >>> ft.argmax(x, dim=1)
        tensor([1, 2])
    """)

add_docstr(_reduce.argmin, """
    Index of the smallest value, over all elements (flattened) or along `dim`.

    Ties give the first index; a NaN counts as the smallest value.

    Args:
        input (Tensor): the input tensor (not bool).
        dim (int, optional): the dim to reduce; None (default) returns the index into the flattened tensor.
        keepdim (bool, optional): keep the reduced dim as size 1; default False.

    Returns:
        Tensor: int64 indices; not differentiable.

    Example:
        >>> ft.argmin(ft.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]]), dim=0)
        tensor([0, 1, 0])
    """)

add_docstr(_reduce.var, """
    Variance over `dim`: out = sum_i (input_i - mean) ** 2 / max(0, N - correction), N the reduced count.

    The default correction=1 is Bessel's (unbiased) estimate; `unbiased=False` is correction=0 (the
    population variance). If N - correction <= 0 a UserWarning is issued and the result is inf or NaN.

    Args:
        input (Tensor): the input tensor, floating point.
        dim (int or tuple of ints, optional): the dims to reduce; None (default) reduces all dims.
            A bool here is the legacy `unbiased` argument.
        unbiased (bool, optional): legacy form of `correction` (True: 1, False: 0); not with `correction`.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        correction (int or float, optional, keyword-only): the difference N - divisor; default 1.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the variances, in the dtype of `input`.

    Example:
        >>> x = ft.tensor([1.0, 2.0, 3.0, 4.0])
        >>> ft.var(x)
        tensor(1.6667)
        >>> ft.var(x, correction=0)
        tensor(1.2500)
    """)

add_docstr(_reduce.std, """
    Standard deviation over `dim`: out = sqrt(var(input, dim, correction=correction)).

    The default correction=1 is Bessel's correction; `unbiased=False` is correction=0. The gradient is 0
    where the result is 0 (like PyTorch).

    Args:
        input (Tensor): the input tensor, floating point.
        dim (int or tuple of ints, optional): the dims to reduce; None (default) reduces all dims.
            A bool here is the legacy `unbiased` argument.
        unbiased (bool, optional): legacy form of `correction` (True: 1, False: 0); not with `correction`.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        correction (int or float, optional, keyword-only): the difference N - divisor; default 1.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the standard deviations, in the dtype of `input`.

    Example:
        >>> ft.std(ft.tensor([[1.0, 2.0], [3.0, 5.0]]), dim=1)
        tensor([0.7071, 1.4142])
    """)

add_docstr(_reduce.var_mean, """
    Variance and mean over `dim` in one call: (var(input, dim, ...), mean(input, dim, ...)).

    Args:
        input (Tensor): the input tensor, floating point.
        dim (int or tuple of ints, optional): the dims to reduce; None (default) reduces all dims.
        unbiased (bool, optional): legacy form of `correction` (True: 1, False: 0).
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        correction (int or float, optional, keyword-only): the variance's N - divisor; default 1.

    Returns:
        (Tensor, Tensor): the tuple (var, mean), both in the dtype of `input`.

    Example:
        >>> ft.var_mean(ft.tensor([[1.0, 2.0], [3.0, 5.0]]), dim=1)
        (tensor([0.5000, 2.0000]), tensor([1.5000, 4.0000]))
    """)

add_docstr(_reduce.std_mean, """
    Standard deviation and mean over `dim` in one call: (std(input, dim, ...), mean(input, dim, ...)).

    Args:
        input (Tensor): the input tensor, floating point.
        dim (int or tuple of ints, optional): the dims to reduce; None (default) reduces all dims.
        unbiased (bool, optional): legacy form of `correction` (True: 1, False: 0).
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        correction (int or float, optional, keyword-only): the variance's N - divisor; default 1.

    Returns:
        (Tensor, Tensor): the tuple (std, mean), both in the dtype of `input`.

    Example:
        >>> ft.std_mean(ft.tensor([1.0, 2.0, 3.0, 4.0]), correction=0)
        (tensor(1.1180), tensor(2.5000))
    """)

add_docstr(_reduce.logsumexp, """
    Log of the sum of exponentials over `dim`: out = ln(sum_i e ** input_i), computed stably (shifted by the max).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints): the dims to reduce (required).
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the results; integer and bool inputs give the default float dtype.

    Example:
        >>> ft.logsumexp(ft.tensor([[0.0, 0.0], [1.0, 2.0]]), dim=1)
        tensor([0.6931, 2.3133])
        >>> ft.logsumexp(ft.tensor([1000.0, 1000.0]), dim=0)
        tensor(1000.6932)
    """)

add_docstr(_reduce.norm, """
    Vector or matrix norm (PyTorch's legacy `torch.norm`; prefer `linalg.vector_norm` / `linalg.matrix_norm`).

    A number `p` (or 'fro' over at most two dims) gives the vector p-norm (sum_i |input_i| ** p) ** (1 / p)
    over `dim`; 'nuc' gives the nuclear norm (sum of singular values) over `dim` or the last two dims.

    Args:
        input (Tensor): the input tensor, floating point.
        p (float or str, optional): the order: a number, inf, -inf, 'fro' (default, the 2-norm of all
            reduced elements) or 'nuc'.
        dim (int or tuple of ints, optional): the dims to reduce; None (default) reduces all elements.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        dtype (ft.dtype, optional): compute and return in this dtype.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the norms, in the dtype of `input` (or `dtype`).

    Example:
        >>> x = ft.tensor([[3.0, -4.0], [6.0, 8.0]])
        >>> ft.norm(x, dim=1)
        tensor([ 5., 10.])
        >>> ft.norm(x, p=1, dim=1)
        tensor([ 7., 14.])
    """)

add_docstr(_reduce.all, """
    Whether every element over `dim` is nonzero (True for an empty reduction).

    Args:
        input (Tensor): the input tensor, any dtype (NaN counts as nonzero).
        dim (int or tuple of ints, optional): the dims to reduce; None (default) reduces all dims.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: bool (uint8 for uint8 inputs, like PyTorch).

    Example:
        >>> x = ft.tensor([[True, False], [True, True]])
        >>> ft.all(x)
        tensor(False)
        >>> ft.all(x, dim=1)
        tensor([False,  True])
    """)

add_docstr(_reduce.any, """
    Whether some element over `dim` is nonzero (False for an empty reduction).

    Args:
        input (Tensor): the input tensor, any dtype (NaN counts as nonzero).
        dim (int or tuple of ints, optional): the dims to reduce; None (default) reduces all dims.
        keepdim (bool, optional): keep the reduced dims as size 1; default False.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: bool (uint8 for uint8 inputs, like PyTorch).

    Example:
        >>> ft.any(ft.tensor([[True, False], [False, False]]), dim=1)
        tensor([ True, False])
    """)

add_docstr(_reduce.count_nonzero, """
    Number of nonzero elements over `dim`.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dims to reduce; None (default) counts over all elements.

    Returns:
        Tensor: int64 counts, the input's shape without the reduced dims.

    Example:
        >>> ft.count_nonzero(ft.tensor([[0, 1, 2], [0, 0, 3]]), dim=1)
        tensor([2, 1])
    """)
