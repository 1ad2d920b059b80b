"""Docstrings of the matrix products, einsum and cross (fx.tensor._ops.matmul, fx.tensor._ops.einsum)."""

from . import add_docstr
from .._ops.einsum import cross, einsum
from .._ops.matmul import (
    addbmm, addmm, addmv, addr, baddbmm, bmm, dot, inner, kron, matmul, mm, mv, outer, tensordot, trace, vdot,
)

add_docstr(matmul, """Matrix product of two tensors, with broadcasting (the `@` operator).

    1-d x 1-d is a dot product; a 1-d first operand is treated as a row (1, n) and a 1-d second
    operand as a column (n, 1), the added dim being removed from the result; with more than 2
    dims, the leading (batch) dims broadcast. `fx.tensor.linalg.matmul` is the same function.

    Args:
        input: the first tensor (at least 1-d).
        other: the second tensor (at least 1-d), of input's dtype.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the product; (..., n, m) @ (..., m, p) gives (..., n, p).

    Example:
        >>> a = ft.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ft.matmul(a, a)
        tensor([[ 7., 10.],
                [15., 22.]])
        >>> ft.matmul(a, ft.tensor([1.0, 1.0]))
        tensor([3., 7.])
        >>> ft.matmul(ft.ones(5, 2, 3), ft.ones(3, 4)).shape
        fx.tensor.Size([5, 2, 4])
    """)

add_docstr(mm, """Matrix product of two 2-d tensors (no broadcasting).

    Args:
        input: an (n, m) tensor.
        mat2: an (m, p) tensor of input's dtype.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: an (n, p) tensor.

    Example:
        >>> ft.mm(ft.tensor([[1, 2]]), ft.tensor([[3], [4]]))
        tensor([[11]])
    """)

add_docstr(bmm, """Batched matrix product of two 3-d tensors with the same batch size (no broadcasting).

    Args:
        input: a (b, n, m) tensor.
        mat2: a (b, m, p) tensor of input's dtype.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a (b, n, p) tensor whose slice i is input[i] @ mat2[i].

    Example:
        >>> ft.bmm(ft.ones(4, 2, 3), ft.ones(4, 3, 5)).shape
        fx.tensor.Size([4, 2, 5])
    """)

add_docstr(mv, """Product of a matrix and a vector.

    Args:
        input: an (n, m) tensor.
        vec: a 1-d tensor of length m, of input's dtype.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a 1-d tensor of length n.

    Example:
        >>> ft.mv(ft.tensor([[1, 2], [3, 4]]), ft.tensor([1, -1]))
        tensor([-1, -1])
    """)

add_docstr(dot, """Dot product of two 1-d tensors of the same length and dtype.

    Args:
        input: a 1-d tensor.
        tensor: a 1-d tensor of input's length and dtype.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a 0-d tensor.

    Example:
        >>> ft.dot(ft.tensor([1, 2, 3]), ft.tensor([4, 5, 6]))
        tensor(32)
    """)

add_docstr(vdot, """Dot product of two 1-d tensors, conjugating the first (the same as `dot`, as fx has no complex dtypes).

    Args:
        input: a 1-d tensor.
        other: a 1-d tensor of input's length and dtype.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a 0-d tensor.

    Example:
        >>> ft.vdot(ft.tensor([1.0, 2.0]), ft.tensor([3.0, 4.0]))
        tensor(11.)
    """)

add_docstr(inner, """Inner product over the last dimension of two tensors (a product with a 0-d tensor scales).

    Args:
        input: a tensor.
        other: a tensor whose last dim matches input's.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a tensor of shape input.shape[:-1] + other.shape[:-1].

    Example:
        >>> ft.inner(ft.tensor([[1, 2], [3, 4]]), ft.tensor([1, 10]))
        tensor([21, 43])
    """)

add_docstr(outer, """Outer product of two 1-d tensors: out[i][j] = input[i] * vec2[j].

    `ger` is the same function. The dtypes promote as in `mul`.

    Args:
        input: a 1-d tensor of length n.
        vec2: a 1-d tensor of length m.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: an (n, m) tensor.

    Example:
        >>> ft.outer(ft.tensor([1, 2]), ft.tensor([1, 10, 100]))
        tensor([[  1,  10, 100],
                [  2,  20, 200]])
    """)

_SCALE_ARGS = """
        beta: the multiplier of `input` (default 1; with beta=0, input's nan/inf are ignored).
        alpha: the multiplier of the product (default 1).
        out: an optional tensor to write the result into."""

add_docstr(addmm, f"""Compute `beta * input + alpha * (mat1 @ mat2)`.

    Args:
        input: a tensor broadcastable to (n, p).
        mat1: an (n, m) tensor.
        mat2: an (m, p) tensor.{_SCALE_ARGS}

    Returns:
        Tensor: an (n, p) tensor.

    Example:
        >>> ft.addmm(ft.tensor([10.0, 20.0]), ft.ones(2, 3), ft.ones(3, 2), alpha=2)
        tensor([[16., 26.],
                [16., 26.]])
    """)

add_docstr(addmv, f"""Compute `beta * input + alpha * (mat @ vec)`.

    Args:
        input: a tensor broadcastable to (n,).
        mat: an (n, m) tensor.
        vec: a 1-d tensor of length m.{_SCALE_ARGS}

    Returns:
        Tensor: a 1-d tensor of length n.

    Example:
        >>> ft.addmv(ft.tensor([1.0, 1.0]), ft.tensor([[1.0, 2.0], [3.0, 4.0]]), ft.tensor([1.0, 1.0]), beta=0.5)
        tensor([3.5000, 7.5000])
    """)

add_docstr(addbmm, f"""Compute `beta * input + alpha * sum_b(batch1[b] @ batch2[b])`: batched products summed over the batch.

    Args:
        input: a tensor broadcastable to (n, p).
        batch1: a (b, n, m) tensor.
        batch2: a (b, m, p) tensor.{_SCALE_ARGS}

    Returns:
        Tensor: an (n, p) tensor.

    Example:
        >>> ft.addbmm(ft.zeros(2, 2), ft.ones(3, 2, 4), ft.ones(3, 4, 2))
        tensor([[12., 12.],
                [12., 12.]])
    """)

add_docstr(baddbmm, f"""Compute `beta * input + alpha * bmm(batch1, batch2)`.

    Args:
        input: a tensor broadcastable to (b, n, p).
        batch1: a (b, n, m) tensor.
        batch2: a (b, m, p) tensor.{_SCALE_ARGS}

    Returns:
        Tensor: a (b, n, p) tensor.

    Example:
        >>> out = ft.baddbmm(ft.ones(3, 2, 2), ft.ones(3, 2, 4), ft.ones(3, 4, 2), beta=2, alpha=0.5)
        >>> out.shape, out[0, 0, 0].item()
        (fx.tensor.Size([3, 2, 2]), 4.0)
    """)

add_docstr(addr, f"""Compute `beta * input + alpha * outer(vec1, vec2)`; the dtypes promote as in `add`.

    Args:
        input: a tensor broadcastable to (n, m).
        vec1: a 1-d tensor of length n.
        vec2: a 1-d tensor of length m.{_SCALE_ARGS}

    Returns:
        Tensor: an (n, m) tensor.

    Example:
        >>> ft.addr(ft.zeros(2, 2), ft.tensor([1.0, 2.0]), ft.tensor([3.0, 4.0]))
        tensor([[3., 4.],
                [6., 8.]])
    """)

add_docstr(tensordot, """Contract (multiply and sum over) dimensions of `a` with dimensions of `b`.

    Args:
        a: a tensor.
        b: a tensor of a's dtype.
        dims: an int d to contract the last d dims of `a` with the first d dims of `b` (default 2),
            or a pair of lists ([dims of a], [dims of b]) to contract pairwise.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: the free dims of `a` followed by the free dims of `b`.

    Example:
        >>> a, b = ft.ones(3, 4, 5), ft.ones(4, 5, 2)
        >>> ft.tensordot(a, b).shape
        fx.tensor.Size([3, 2])
        >>> ft.tensordot(a, b, dims=([1], [0])).shape
        fx.tensor.Size([3, 5, 5, 2])
    """)

add_docstr(kron, """Kronecker product: block (i, j, ...) of the result is input[i, j, ...] * other.

    The dtypes promote as in `mul`; the operand with fewer dims gains leading size-1 dims.

    Args:
        input: a tensor.
        other: a tensor.
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a tensor whose dim k has size input.shape[k] * other.shape[k].

    Example:
        >>> ft.kron(ft.tensor([[1, 2], [3, 4]]), ft.ones(2, 2, dtype=ft.int64))
        tensor([[1, 1, 2, 2],
                [1, 1, 2, 2],
                [3, 3, 4, 4],
                [3, 3, 4, 4]])
    """)

add_docstr(trace, """Sum the elements on the main diagonal of a 2-d tensor.

    Args:
        input: a 2-d numeric tensor (it need not be square; bool is not supported).

    Returns:
        Tensor: a 0-d tensor; integer inputs sum to int64, as in `sum`.

    Example:
        >>> ft.trace(ft.arange(9).reshape(3, 3))
        tensor(12)
    """)

add_docstr(einsum, """Sum products of tensor elements over the indices named in an Einstein-summation equation.

    Each operand's dims are labelled with letters; letters missing from the output (after `->`)
    are summed over, and `...` stands for broadcast dims. Without `->`, the output holds the
    letters used once, in alphabetical order. The sublist form `einsum(a, [0, 1], b, [1, 2], [0, 2])`
    uses ints as labels.

    Args:
        equation: the subscripts, e.g. "ij,jk->ik", "bij,bjk->bik", "ii", "i,j->ij", "...ij->...ji".
        *operands: the tensors, one per comma-separated term (or one sequence of them).

    Returns:
        Tensor: the result, with the output's dims in the order of its letters.

    Example:
        >>> a = ft.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ft.einsum("ij,jk->ik", a, a)
        tensor([[ 7., 10.],
                [15., 22.]])
        >>> ft.einsum("ii", a)
        tensor(5.)
        >>> ft.einsum("i,j->ij", ft.tensor([1.0, 2.0]), ft.tensor([1.0, 0.0, -1.0]))
        tensor([[ 1.,  0., -1.],
                [ 2.,  0., -2.]])
    """)

add_docstr(cross, """Cross product of 3-element vectors along a dimension.

    Args:
        input: a tensor with a dim of size 3.
        other: a tensor broadcastable with `input`.
        dim: the dim holding the vectors; None (default) takes the first dim of size 3 (prefer
            `fx.tensor.linalg.cross`, which uses -1).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: a tensor of the broadcast shape.

    Example:
        >>> ft.cross(ft.tensor([1.0, 0.0, 0.0]), ft.tensor([0.0, 1.0, 0.0]), dim=0)
        tensor([0., 0., 1.])
    """)
