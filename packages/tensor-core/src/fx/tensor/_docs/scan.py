"""Docstrings of the scans and order statistics (fx/tensor/_ops/scan.py)."""

from . import add_docstr
from .._ops import scan as _scan

add_docstr(_scan.cumsum, """
    Cumulative sum along `dim`: out_i = input_1 + input_2 + ... + input_i.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to scan along.
        dtype (ft.dtype, optional): cast `input` to this dtype first (not bool).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give int64, others keep their dtype
        (or `dtype`).

    Example:
        >>> ft.cumsum(ft.tensor([[1, 2, 3], [4, 5, 6]]), dim=1)
        tensor([[ 1,  3,  6],
                [ 4,  9, 15]])
    """)

add_docstr(_scan.cumprod, """
    Cumulative product along `dim`: out_i = input_1 * input_2 * ... * input_i.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to scan along.
        dtype (ft.dtype, optional): cast `input` to this dtype first (not bool).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape as `input`; integer and bool inputs give int64, others keep their dtype
        (or `dtype`).

    Example:
        >>> ft.cumprod(ft.tensor([1, 2, 3, 4]), dim=0)
        tensor([ 1,  2,  6, 24])
    """)

add_docstr(_scan.cummax, """
    Running maximum along `dim`, with its position: values_i = max(input_1, ..., input_i).

    On ties the index is the latest one; once a NaN is met the values stay NaN (at the NaN's index).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to scan along.

    Returns:
        (Tensor, Tensor): the namedtuple (values, indices), both the shape of `input`; `values` in the
        dtype of `input`, `indices` int64 positions along `dim`.

    Example:
        >>> ft.cummax(ft.tensor([1, 3, 2, 3, 5]), dim=0)
        fx.tensor.return_types.cummax(
        values=tensor([1, 3, 3, 3, 5]),
        indices=tensor([0, 1, 1, 3, 4]))
    """)

add_docstr(_scan.cummin, """
    Running minimum along `dim`, with its position: values_i = min(input_1, ..., input_i).

    On ties the index is the latest one; once a NaN is met the values stay NaN (at the NaN's index).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to scan along.

    Returns:
        (Tensor, Tensor): the namedtuple (values, indices), both the shape of `input`; `values` in the
        dtype of `input`, `indices` int64 positions along `dim`.

    Example:
        >>> ft.cummin(ft.tensor([3.0, 1.0, 2.0, 0.0, 4.0]), dim=0)
        fx.tensor.return_types.cummin(
        values=tensor([3., 1., 1., 0., 0.]),
        indices=tensor([0, 1, 1, 3, 3]))
    """)

add_docstr(_scan.median, """
    Median of all elements, or (values, indices) along `dim`; for an even count, the lower of the two middle values.

    Unlike `quantile(input, 0.5)` no average is taken. NaN propagates: a row holding NaN has median NaN
    (see `nanmedian`).

    Args:
        input (Tensor): the input tensor (not bool; non-empty along `dim`).
        dim (int, optional): the dim to reduce; None (default) reduces all elements and returns no indices.
        keepdim (bool, optional): keep the reduced dim as size 1; default False.

    Returns:
        Tensor or (Tensor, Tensor): without `dim`, a 0-d tensor in the dtype of `input`; with `dim`, the
        namedtuple (values, indices), `indices` the int64 positions of the medians along `dim`.

    Example:
        >>> ft.median(ft.tensor([1.0, 4.0, 2.0, 3.0]))
        tensor(2.)
        >>> ft.median(ft.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]]), dim=1)
        fx.tensor.return_types.median(
        values=tensor([2., 4.]),
        indices=tensor([2, 0]))
    """)

add_docstr(_scan.nanmedian, """
    Median ignoring NaN: the lower median of the non-NaN elements (NaN only where all are NaN).

    Args:
        input (Tensor): the input tensor (not bool; non-empty along `dim`).
        dim (int, optional): the dim to reduce; None (default) reduces all elements and returns no indices.
        keepdim (bool, optional): keep the reduced dim as size 1; default False.

    Returns:
        Tensor or (Tensor, Tensor): as `median` returns.

    Example:
        >>> ft.nanmedian(ft.tensor([1.0, float("nan"), 2.0, 3.0]))
        tensor(2.)
    """)

add_docstr(_scan.quantile, """
    The q-th quantiles over `dim`, interpolating between the sorted values (q = 0.5 is the average median).

    With sorted values v_0 <= ... <= v_(n-1), the quantile lies at position q * (n - 1); `interpolation`
    picks how a fractional position is resolved. A row holding NaN gives NaN (see `nanquantile`).

    Args:
        input (Tensor): the input tensor, float32 or float64 (non-empty).
        q (float or Tensor): a number in [0, 1], or a 1-d tensor of them in the dtype of `input`.
        dim (int, optional): the dim to reduce; None (default) reduces all elements.
        keepdim (bool, optional): keep the reduced dim (all dims when `dim` is None) as size 1; default False.
        interpolation (str, optional, keyword-only): 'linear' (default), 'lower', 'higher', 'midpoint' or
            'nearest' (rounds half to even).
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: in the dtype of `input`; a 1-d `q` adds a first dim of len(q) to the reduced shape.

    Example:
        >>> x = ft.tensor([1.0, 2.0, 3.0, 4.0])
        >>> ft.quantile(x, ft.tensor([0.25, 0.5, 1.0]))
        tensor([1.7500, 2.5000, 4.0000])
        >>> ft.quantile(x, 0.4, interpolation="lower")
        tensor(2.)
    """)

add_docstr(_scan.nanquantile, """
    The q-th quantiles over `dim` ignoring NaN: `quantile` of the non-NaN values (NaN only where all are NaN).

    Args:
        input (Tensor): the input tensor, float32 or float64 (non-empty).
        q (float or Tensor): a number in [0, 1], or a 1-d tensor of them in the dtype of `input`.
        dim (int, optional): the dim to reduce; None (default) reduces all elements.
        keepdim (bool, optional): keep the reduced dim (all dims when `dim` is None) as size 1; default False.
        interpolation (str, optional, keyword-only): 'linear' (default), 'lower', 'higher', 'midpoint' or
            'nearest'.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: as `quantile` returns.

    Example:
        >>> ft.nanquantile(ft.tensor([[1.0, float("nan"), 3.0], [float("nan")] * 3]), 0.5, dim=1)
        tensor([2., nan])
    """)
