"""linear and bilinear: y = x W^T + b and y = x1^T A x2 + b."""

from __future__ import annotations

from fx.tensor._autocast import autocast_op
from fx.tensor._tensor import Tensor

__all__ = ["linear", "bilinear"]


def _check(t, op, name):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(t).__name__}")


def _rows(shape):
    n = 1
    for s in shape[:-1]:
        n *= s
    return n


@autocast_op("lower_precision_fp")  # as torch's CPU autocast list
def linear(input, weight, bias=None):
    """Affine map y = input @ weight.T + bias.

    Args:
        input: (*, in_features).
        weight: (out_features, in_features), or (in_features,) for a single output.
        bias: (out_features,) or () (default None: no bias).

    Returns:
        (*, out_features) (or (*) for a 1-d weight).

    Example:
        >>> F.linear(ft.ones(2, 3), ft.ones(4, 3), ft.tensor([0.0, 1.0, 2.0, 3.0]))
        tensor([[3., 4., 5., 6.],
                [3., 4., 5., 6.]])
    """
    if input.__class__ is not Tensor:
        _check(input, "linear", "input")
    xs, ws = input._data.shape, weight._data.shape
    if not xs or not ws:
        raise RuntimeError(f"linear: both arguments need to be at least 1D, but they are {len(xs)}D and {len(ws)}D")
    if xs[-1] != ws[-1]:
        w = f"{ws[-1]}x{ws[0]}" if len(ws) == 2 else f"{ws[-1]}"
        raise RuntimeError(f"linear: mat1 and mat2 shapes cannot be multiplied ({_rows(xs)}x{xs[-1]} and {w})")
    if len(xs) > 2 and len(ws) == 2:
        # (*, in) folds to one (rows, in) matrix: one GEMM forward and one per gradient, where a
        # batched matmul runs one small GEMM per batch entry and sums the weight gradients after.
        out = input.reshape(_rows(xs), xs[-1]).matmul(weight.t())
        if bias is not None:
            out = out + bias
        return out.reshape(*xs[:-1], ws[0])
    out = input.matmul(weight.t() if len(ws) == 2 else weight)
    if bias is not None:
        out = out + bias
    return out


def bilinear(input1, input2, weight, bias=None):
    """Bilinear map y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o].

    Args:
        input1: (*, in1_features).
        input2: (*, in2_features), the same leading dims.
        weight: (out_features, in1_features, in2_features).
        bias: (out_features,) (default None: no bias).

    Returns:
        (*, out_features).

    Example:
        >>> F.bilinear(ft.ones(1, 2), ft.ones(1, 3), ft.ones(4, 2, 3))
        tensor([[6., 6., 6., 6.]])
    """
    for t, name in ((input1, "input1"), (input2, "input2"), (weight, "weight")):
        _check(t, "bilinear", name)
    s1, s2, sw = input1._data.shape, input2._data.shape, weight._data.shape
    if len(s1) != len(s2):
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {len(s1)} and {len(s2)}")
    if s1[:-1] != s2[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(s1[:-1])} and "
                           f"{list(s2[:-1])}")
    if len(sw) != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-D (out_features, in1_features, in2_features), got "
                           f"{len(sw)}-D")
    if s1[-1] != sw[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {s1[-1]} but expected {sw[1]}")
    if s2[-1] != sw[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {s2[-1]} but expected {sw[2]}")
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != sw[0]):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[-1] if bias.dim() else 0}"
                           f" but expected {sw[0]}")
    out_f, in1, in2 = sw
    # (.., in1) @ (in1, out*in2) -> (.., out, in2), then contract in2 with input2.
    a = weight.permute(1, 0, 2).reshape(in1, out_f * in2)
    t = input1.matmul(a).reshape(*s1[:-1], out_f, in2)
    out = (t * input2.unsqueeze(-2)).sum(-1)
    if bias is not None:
        out = out + bias
    return out
