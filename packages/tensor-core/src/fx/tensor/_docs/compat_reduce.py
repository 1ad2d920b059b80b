"""Docstrings of the scans, differences, distances and statistics added for PyTorch programs
(fx/tensor/_ops/compat_reduce.py)."""

from . import add_docstr
from .._ops import compat_reduce as _r

add_docstr(_r.logcumsumexp, """
    Running log-sum-exp along `dim`: out_i = log(exp(input_1) + ... + exp(input_i)), without overflow.

    Args:
        input (Tensor): a floating point tensor.
        dim (int): the dim to scan along.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.logcumsumexp(ft.tensor([0.0, 0.0, 0.0]), dim=0)
        tensor([0.0000, 0.6931, 1.0986])
    """)

add_docstr(_r.diff, """
    The n-th forward difference along `dim`: out_i = input_(i+1) - input_i, applied n times.

    Args:
        input (Tensor): a tensor of at least one dimension (bool tensors use logical xor).
        n (int): how many times to difference (default 1).
        dim (int): the dim to difference along (default -1).
        prepend (Tensor, optional): values put before `input` along `dim` first.
        append (Tensor, optional): values put after `input` along `dim` first.

    Returns:
        Tensor: `input`'s shape with n fewer elements along `dim` (plus those of prepend/append).

    Example:
        >>> ft.diff(ft.tensor([1, 4, 9, 16]))
        tensor([3, 5, 7])
        >>> ft.diff(ft.tensor([1, 4, 9, 16]), n=2)
        tensor([2, 2])
    """)

add_docstr(_r.dist, """
    The p-norm of input - other (broadcast), a 0-d tensor.

    Args:
        input (Tensor): a floating point tensor.
        other (Tensor): a tensor broadcastable with `input`.
        p (float): the norm order (default 2; 0 counts nonzeros, inf is the largest difference).

    Returns:
        Tensor: a 0-d tensor in the promoted floating point dtype.

    Example:
        >>> ft.dist(ft.tensor([1.0, 2.0]), ft.tensor([4.0, 6.0]))
        tensor(5.)
    """)

add_docstr(_r.cdist, """
    p-norm distance between every row of x1 and every row of x2 (batch dims broadcast).

    For p = 2 and more than 25 rows in either input (or `compute_mode='use_mm_for_euclid_dist'`) the
    distances come from one matrix product, ||a||^2 - 2 a.b + ||b||^2, like PyTorch: faster, with
    rounding error near zero distance.

    Args:
        x1 (Tensor): (..., P, M), floating point.
        x2 (Tensor): (..., R, M), the same dtype.
        p (float): the norm order, >= 0 (default 2).
        compute_mode (str): 'use_mm_for_euclid_dist_if_necessary' (default), 'use_mm_for_euclid_dist' or
            'donot_use_mm_for_euclid_dist'.

    Returns:
        Tensor: (..., P, R) distances.

    Example:
        >>> ft.cdist(ft.tensor([[0.0, 0.0], [3.0, 4.0]]), ft.tensor([[0.0, 0.0]]))
        tensor([[0.],
                [5.]])
    """)

add_docstr(_r.cov, """
    Covariance matrix of the variables in the rows of `input`, the columns being observations.

    Args:
        input (Tensor): a 1-d (one variable) or 2-d (variables x observations) tensor.
        correction (int): subtracted from the number (or weight) of observations (default 1, Bessel's).
        fweights (Tensor, optional): 1-d integer frequency weights, one per observation.
        aweights (Tensor, optional): 1-d floating point observation weights.

    Returns:
        Tensor: (variables, variables), or 0-d for one variable; integer inputs give the default float dtype.

    Example:
        >>> ft.cov(ft.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """)

add_docstr(_r.corrcoef, """
    Pearson correlation coefficients of the variables in the rows of `input`, clipped to [-1, 1].

    Args:
        input (Tensor): a 1-d or 2-d (variables x observations) tensor.

    Returns:
        Tensor: (variables, variables), or 0-d for one variable.

    Example:
        >>> ft.corrcoef(ft.tensor([[0.0, 1.0, 2.0], [0.0, 2.0, 4.0]]))
        tensor([[1., 1.],
                [1., 1.]])
    """)

add_docstr(_r.renorm, """
    Rescale each slice along `dim` whose p-norm exceeds `maxnorm` to norm `maxnorm` (others are kept).

    Args:
        input (Tensor): a floating point tensor of at least 2 dims.
        p (float): the norm order, > 0.
        dim (int): the dim whose slices are renormalized.
        maxnorm (float): the largest norm allowed, >= 0.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the same shape and dtype as `input`.

    Example:
        >>> ft.renorm(ft.tensor([[3.0, 4.0], [0.3, 0.4]]), p=2, dim=0, maxnorm=1.0)
        tensor([[0.6000, 0.8000],
                [0.3000, 0.4000]])
    """)

add_docstr(_r.trapezoid, """
    Integral of `y` along `dim` by the trapezoidal rule, at sample points `x` or spacing `dx`.

    Args:
        y (Tensor): the values (not bool).
        x (Tensor, optional): the sample points: 1-d along `dim`, or broadcastable to `y`.
        dx (float, optional): the constant spacing when `x` is not given (default 1).
        dim (int): the dim to integrate along (default -1).

    Returns:
        Tensor: `y` with `dim` removed; integer inputs give the default float dtype.

    Example:
        >>> ft.trapezoid(ft.tensor([1.0, 2.0, 4.0]))
        tensor(4.5000)
        >>> ft.trapezoid(ft.tensor([1.0, 2.0, 4.0]), ft.tensor([0.0, 1.0, 3.0]))
        tensor(7.5000)
    """)

add_docstr(_r.trapz, """
    The trapezoidal rule under its older name: `trapezoid(y, x, dx=dx, dim=dim)`.

    Args:
        y (Tensor): the values.
        x (Tensor, optional): the sample points.
        dx (float, optional): the constant spacing when `x` is not given (default 1).
        dim (int): the dim to integrate along (default -1).

    Returns:
        Tensor: `y` with `dim` removed.

    Example:
        >>> ft.trapz(ft.tensor([1.0, 2.0, 4.0]), dx=2.0)
        tensor(9.)
    """)

add_docstr(_r.cumulative_trapezoid, """
    Running trapezoidal integral of `y` along `dim` (one element fewer than `y` along `dim`).

    Args:
        y (Tensor): the values (not bool).
        x (Tensor, optional): the sample points: 1-d along `dim`, or broadcastable to `y`.
        dx (float, optional): the constant spacing when `x` is not given (default 1).
        dim (int): the dim to integrate along (default -1).

    Returns:
        Tensor: `y`'s shape with one element fewer along `dim`.

    Example:
        >>> ft.cumulative_trapezoid(ft.tensor([1.0, 2.0, 4.0]))
        tensor([1.5000, 4.5000])
    """)

add_docstr(_r.vander, """
    The Vandermonde matrix of `x`: columns x ** (N-1), ..., x, 1 (or 1, x, ... when increasing).

    Args:
        x (Tensor): a 1-d tensor.
        N (int, optional): the number of columns (default len(x)).
        increasing (bool): powers increase left to right (default False).

    Returns:
        Tensor: (len(x), N); integer and bool inputs give int64.

    Example:
        >>> ft.vander(ft.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
    """)

add_docstr(_r.unravel_index, """
    Convert flat indices into coordinates of an array of `shape` (indices wrap modulo its size, like PyTorch).

    Args:
        indices (Tensor): an integer tensor of flat indices.
        shape (int or sequence of ints): the shape indexed into.

    Returns:
        tuple of Tensors: one int64 tensor per dim of `shape`, each the shape of `indices`.

    Example:
        >>> ft.unravel_index(ft.tensor([4, 11]), (3, 4))
        (tensor([1, 2]), tensor([0, 3]))
    """)
