"""Docstrings of the neural-network functions at tensor level: softmax, log_softmax, convolutions (fx.tensor._ops.nn, conv)."""

from . import add_docstr
from .._ops.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .._ops.nn import log_softmax, softmax

add_docstr(softmax, """Compute softmax along a dimension: exp(x) / sum(exp(x)), in a numerically stable way.

    Args:
        input: a floating tensor (or any tensor when `dtype` is given).
        dim: the dim along which the values sum to 1.
        dtype: cast the input to this floating dtype first (and return it).

    Returns:
        Tensor: a tensor of input's shape whose slices along `dim` are positive and sum to 1.

    Example:
        >>> ft.softmax(ft.tensor([[0.0, 0.0], [0.0, 1.0]]), dim=1)
        tensor([[0.5000, 0.5000],
                [0.2689, 0.7311]])
        >>> ft.softmax(ft.tensor([1, 1, 1, 1]), dim=0, dtype=ft.float64)
        tensor([0.2500, 0.2500, 0.2500, 0.2500], dtype=fx.tensor.float64)
    """)

add_docstr(log_softmax, """Compute log(softmax(x)) along a dimension: x - log(sum(exp(x))), in a numerically stable way.

    Args:
        input: a floating tensor (or any tensor when `dtype` is given).
        dim: the dim to normalise over.
        dtype: cast the input to this floating dtype first (and return it).

    Returns:
        Tensor: a tensor of input's shape; exp of each slice along `dim` sums to 1.

    Example:
        >>> ft.log_softmax(ft.tensor([0.0, 0.0]), dim=0).exp()
        tensor([0.5000, 0.5000])
        >>> ft.log_softmax(ft.tensor([0.0, 1000.0]), dim=0)
        tensor([-1000.,     0.])
    """)

add_docstr(conv1d, """Apply a 1-d convolution (a cross-correlation, as in deep-learning frameworks) over an input signal.

    L_out = floor((L + 2 * padding - dilation * (k - 1) - 1) / stride) + 1.

    Args:
        input: an (N, C_in, L) tensor, or (C_in, L) without a batch.
        weight: a (C_out, C_in / groups, k) tensor of input's dtype.
        bias: an optional (C_out,) tensor added to every output position.
        stride: the step between windows, an int or (int,) (default 1).
        padding: zeros added on both sides: an int, (int,), 'valid' (none) or 'same' (output
            length L; stride 1 only, any odd extra goes after).
        dilation: the spacing between kernel taps (default 1).
        groups: split the channels into this many independent groups (default 1).

    Returns:
        Tensor: an (N, C_out, L_out) tensor (or (C_out, L_out) for unbatched input).

    Example:
        >>> x = ft.tensor([[[1.0, 2.0, 3.0, 4.0]]])
        >>> ft.conv1d(x, ft.tensor([[[1.0, -1.0]]]))
        tensor([[[-1., -1., -1.]]])
        >>> ft.conv1d(x, ft.ones(2, 1, 3), bias=ft.tensor([0.0, 10.0]), padding="same")
        tensor([[[ 3.,  6.,  9.,  7.],
                 [13., 16., 19., 17.]]])
    """)

add_docstr(conv2d, """Apply a 2-d convolution (a cross-correlation, as in deep-learning frameworks) over an input image.

    H_out = floor((H + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1, and
    likewise for W_out.

    Args:
        input: an (N, C_in, H, W) tensor, or (C_in, H, W) without a batch.
        weight: a (C_out, C_in / groups, kh, kw) tensor of input's dtype.
        bias: an optional (C_out,) tensor added to every output position.
        stride: the step between windows, an int or a pair (default 1).
        padding: zeros added on both sides of each spatial dim: an int, a pair, 'valid' (none) or
            'same' (output size H, W; stride 1 only, any odd extra goes after).
        dilation: the spacing between kernel taps, an int or a pair (default 1).
        groups: split the channels into this many independent groups (default 1).

    Returns:
        Tensor: an (N, C_out, H_out, W_out) tensor (or (C_out, H_out, W_out) for unbatched input).

    Example:
        >>> x = ft.arange(16.0).reshape(1, 1, 4, 4)
        >>> ft.conv2d(x, ft.ones(1, 1, 2, 2), stride=2)
        tensor([[[[10., 18.],
                  [42., 50.]]]])
        >>> ft.conv2d(x, ft.ones(3, 1, 3, 3), padding=1).shape
        fx.tensor.Size([1, 3, 4, 4])
    """)

add_docstr(conv_transpose1d, """Apply a 1-d transposed convolution (the gradient of conv1d with respect to its input).

    L_out = (L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1.

    Args:
        input: an (N, C_in, L) tensor, or (C_in, L) without a batch.
        weight: a (C_in, C_out / groups, k) tensor of input's dtype.
        bias: an optional (C_out,) tensor.
        stride: the step between input positions in the output, an int or (int,) (default 1).
        padding: removes dilation * (k - 1) - padding zero-padding from both sides (default 0).
        output_padding: extra size added to one side of the output (smaller than stride or dilation).
        groups: split the channels into this many independent groups (default 1).
        dilation: the spacing between kernel taps (default 1).

    Returns:
        Tensor: an (N, C_out, L_out) tensor (or (C_out, L_out) for unbatched input).

    Example:
        >>> ft.conv_transpose1d(ft.tensor([[[1.0, 2.0]]]), ft.tensor([[[1.0, 10.0]]]), stride=2)
        tensor([[[ 1., 10.,  2., 20.]]])
    """)

add_docstr(conv_transpose2d, """Apply a 2-d transposed convolution (the gradient of conv2d with respect to its input).

    H_out = (H - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + output_padding[0] + 1,
    and likewise for W_out.

    Args:
        input: an (N, C_in, H, W) tensor, or (C_in, H, W) without a batch.
        weight: a (C_in, C_out / groups, kh, kw) tensor of input's dtype.
        bias: an optional (C_out,) tensor.
        stride: the step between input positions in the output, an int or a pair (default 1).
        padding: an int or a pair; removes dilation * (k - 1) - padding zero-padding from both
            sides of each spatial dim (default 0).
        output_padding: extra size added to one side of each spatial dim of the output.
        groups: split the channels into this many independent groups (default 1).
        dilation: the spacing between kernel taps, an int or a pair (default 1).

    Returns:
        Tensor: an (N, C_out, H_out, W_out) tensor (or (C_out, H_out, W_out) for unbatched input).

    Example:
        >>> ft.conv_transpose2d(ft.ones(1, 1, 2, 2), ft.ones(1, 1, 2, 2))
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
        >>> ft.conv_transpose2d(ft.ones(1, 4, 3, 3), ft.ones(4, 2, 3, 3), stride=2, output_padding=1).shape
        fx.tensor.Size([1, 2, 8, 8])
    """)
