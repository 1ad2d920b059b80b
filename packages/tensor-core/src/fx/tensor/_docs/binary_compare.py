"""Docstrings of the elementwise comparisons, extremes, logical and bitwise ops and `where` (fx/tensor/_ops/binary.py)."""

from . import add_docstr
from .._ops import binary as _binary

add_docstr(_binary.maximum, """
    Elementwise maximum with broadcasting: out_i = max(input_i, other_i); NaN propagates.

    If either element is NaN the result is NaN (see `fmax` to ignore NaN).

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.maximum(ft.tensor([1.0, float("nan"), 3.0]), ft.tensor([2.0, 0.0, 1.0]))
        tensor([2., nan, 3.])
    """)

add_docstr(_binary.minimum, """
    Elementwise minimum with broadcasting: out_i = min(input_i, other_i); NaN propagates.

    If either element is NaN the result is NaN (see `fmin` to ignore NaN).

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.minimum(ft.tensor([1.0, float("nan"), 3.0]), ft.tensor([2.0, 0.0, 1.0]))
        tensor([1., nan, 1.])
    """)

add_docstr(_binary.fmax, """
    Elementwise maximum ignoring NaN (C's fmax): out_i = max(input_i, other_i), or the non-NaN one.

    Unlike `maximum`, a NaN loses to a number; the result is NaN only where both are NaN.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.fmax(ft.tensor([1.0, float("nan"), 3.0]), ft.tensor([2.0, 0.0, float("nan")]))
        tensor([2., 0., 3.])
    """)

add_docstr(_binary.fmin, """
    Elementwise minimum ignoring NaN (C's fmin): out_i = min(input_i, other_i), or the non-NaN one.

    Unlike `minimum`, a NaN loses to a number; the result is NaN only where both are NaN.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.fmin(ft.tensor([1.0, float("nan"), 3.0]), ft.tensor([2.0, 0.0, float("nan")]))
        tensor([1., 0., 3.])
    """)

add_docstr(_binary.eq, """
    Elementwise equality with broadcasting: out_i = (input_i == other_i); NaN equals nothing.

    Also the `==` operator. See `equal` for a single bool over whole tensors.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against `input`; compared after type promotion.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Example:
        >>> ft.eq(ft.tensor([1, 2, 3]), ft.tensor([1, 0, 3]))
        tensor([ True, False,  True])
    """)

add_docstr(_binary.ne, """
    Elementwise inequality with broadcasting: out_i = (input_i != other_i); NaN differs from everything.

    Also available as `not_equal` (the same function) and as the `!=` operator.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against `input`; compared after type promotion.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Example:
        >>> ft.ne(ft.tensor([1.0, float("nan")]), ft.tensor([1.0, float("nan")]))
        tensor([False,  True])
    """)

add_docstr(_binary.lt, """
    Elementwise less-than with broadcasting: out_i = (input_i < other_i); False where either is NaN.

    Also available as `less` (the same function) and as the `<` operator.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against `input`; compared after type promotion.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Example:
        >>> ft.lt(ft.tensor([1, 2, 3]), 2)
        tensor([ True, False, False])
    """)

add_docstr(_binary.le, """
    Elementwise less-or-equal with broadcasting: out_i = (input_i <= other_i); False where either is NaN.

    Also available as `less_equal` (the same function) and as the `<=` operator.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against `input`; compared after type promotion.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Example:
        >>> ft.le(ft.tensor([1, 2, 3]), 2)
        tensor([ True,  True, False])
    """)

add_docstr(_binary.gt, """
    Elementwise greater-than with broadcasting: out_i = (input_i > other_i); False where either is NaN.

    Also available as `greater` (the same function) and as the `>` operator.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against `input`; compared after type promotion.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Example:
        >>> ft.gt(ft.tensor([[1], [4]]), ft.tensor([2, 3]))
        tensor([[False, False],
                [ True,  True]])
    """)

add_docstr(_binary.ge, """
    Elementwise greater-or-equal with broadcasting: out_i = (input_i >= other_i); False where either is NaN.

    Also available as `greater_equal` (the same function) and as the `>=` operator.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against `input`; compared after type promotion.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Example:
        >>> ft.ge(ft.tensor([1, 2, 3]), 2.5)
        tensor([False, False,  True])
    """)

add_docstr(_binary.equal, """
    Whether two tensors have the same shape and equal elements (compared after type promotion).

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.

    Returns:
        bool: True if the shapes match and every element is equal (a NaN makes it False).

    Example:
        >>> ft.equal(ft.tensor([1, 2]), ft.tensor([1.0, 2.0]))
        True
        >>> ft.equal(ft.tensor([1, 2]), ft.tensor([[1, 2]]))
        False
    """)

add_docstr(_binary.isclose, """
    Elementwise closeness with broadcasting: |input_i - other_i| <= atol + rtol * |other_i|.

    Equal elements (including equal infinities) are always close; NaN is close to NaN only with equal_nan.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against `input`.
        rtol (float, optional): relative tolerance; default 1e-05.
        atol (float, optional): absolute tolerance; default 1e-08.
        equal_nan (bool, optional): whether two NaN count as close; default False.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Example:
        >>> ft.isclose(ft.tensor([1.0, 1.1, float("nan")]), ft.tensor([1.0 + 1e-6, 1.0, float("nan")]))
        tensor([ True, False, False])
    """)

add_docstr(_binary.allclose, """
    Whether every element pair is close: `isclose(input, other, rtol, atol, equal_nan).all()`.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against `input`.
        rtol (float, optional): relative tolerance; default 1e-05.
        atol (float, optional): absolute tolerance; default 1e-08.
        equal_nan (bool, optional): whether two NaN count as close; default False.

    Returns:
        bool: True if |input - other| <= atol + rtol * |other| everywhere.

    Example:
        >>> ft.allclose(ft.tensor([1.0, float("nan")]), ft.tensor([1.0, float("nan")]), equal_nan=True)
        True
    """)

add_docstr(_binary.logical_and, """
    Logical AND, elementwise with broadcasting: out_i = bool(input_i) and bool(other_i).

    Args:
        input (Tensor): the first operand, any dtype (nonzero counts as True).
        other (Tensor): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Example:
        >>> ft.logical_and(ft.tensor([1, 0, 2]), ft.tensor([True, True, False]))
        tensor([ True, False, False])
    """)

add_docstr(_binary.logical_or, """
    Logical OR, elementwise with broadcasting: out_i = bool(input_i) or bool(other_i).

    Args:
        input (Tensor): the first operand, any dtype (nonzero counts as True).
        other (Tensor): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Example:
        >>> ft.logical_or(ft.tensor([1.0, 0.0, 0.0]), ft.tensor([0.0, 0.0, 3.0]))
        tensor([ True, False,  True])
    """)

add_docstr(_binary.logical_xor, """
    Logical XOR, elementwise with broadcasting: out_i = bool(input_i) != bool(other_i).

    Args:
        input (Tensor): the first operand, any dtype (nonzero counts as True).
        other (Tensor): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Example:
        >>> ft.logical_xor(ft.tensor([1, 0, 2]), ft.tensor([1, 1, 0]))
        tensor([False,  True,  True])
    """)

add_docstr(_binary.bitwise_and, """
    Bitwise AND, elementwise with broadcasting: out_i = input_i & other_i (logical AND for bool); the `&` operator.

    Args:
        input (Tensor): the first operand, integer or bool (floating point raises RuntimeError).
        other (Tensor or int): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.bitwise_and(ft.tensor([12, -1]), ft.tensor([10, 7]))
        tensor([8, 7])
    """)

add_docstr(_binary.bitwise_or, """
    Bitwise OR, elementwise with broadcasting: out_i = input_i | other_i (logical OR for bool); the `|` operator.

    Args:
        input (Tensor): the first operand, integer or bool (floating point raises RuntimeError).
        other (Tensor or int): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.bitwise_or(ft.tensor([12, -1]), ft.tensor([10, 7]))
        tensor([14, -1])
    """)

add_docstr(_binary.bitwise_xor, """
    Bitwise XOR, elementwise with broadcasting: out_i = input_i ^ other_i (logical XOR for bool); the `^` operator.

    Args:
        input (Tensor): the first operand, integer or bool (floating point raises RuntimeError).
        other (Tensor or int): the second operand, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.bitwise_xor(ft.tensor([12, -1]), ft.tensor([10, 7]))
        tensor([ 6, -8])
    """)

add_docstr(_binary.bitwise_left_shift, """
    Left shift, elementwise with broadcasting: out_i = input_i << other_i (bits shifted out are lost); the `<<` operator.

    Args:
        input (Tensor): the values, integer (floating point raises RuntimeError).
        other (Tensor or int): the shift amounts, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.bitwise_left_shift(ft.tensor([1, 3, -2]), 2)
        tensor([ 4, 12, -8])
    """)

add_docstr(_binary.bitwise_right_shift, """
    Arithmetic right shift, elementwise with broadcasting: out_i = input_i >> other_i (sign-extending); the `>>` operator.

    Args:
        input (Tensor): the values, integer (floating point raises RuntimeError).
        other (Tensor or int): the shift amounts, broadcast against `input`.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Example:
        >>> ft.bitwise_right_shift(ft.tensor([8, 13, -8]), 2)
        tensor([ 2,  3, -2])
    """)

add_docstr(_binary.where, """
    Select elementwise with broadcasting: out_i = input_i if condition_i else other_i.

    `where(condition)` alone is `nonzero(condition, as_tuple=True)`.

    Args:
        condition (Tensor): a bool tensor (other dtypes raise RuntimeError).
        input (Tensor or Number): the values where `condition` is True.
        other (Tensor or Number): the values where `condition` is False.
        out (Tensor, optional): the output tensor.

    Returns:
        Tensor: the broadcast shape of the three, in the promoted dtype of `input` and `other`; or, with
        only `condition`, a tuple of int64 index tensors, one per dim.

    Example:
        >>> ft.where(ft.tensor([True, False, True]), ft.tensor([1, 2, 3]), ft.tensor([10.0, 20.0, 30.0]))
        tensor([ 1., 20.,  3.])
        >>> ft.where(ft.tensor([[False, True], [True, False]]))
        (tensor([0, 1]), tensor([1, 0]))
    """)
