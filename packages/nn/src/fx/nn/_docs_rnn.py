"""Reference texts of the recurrent layers (modules/rnn.py is near its size limit)."""

from .modules.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase

RNN.__doc__ = """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh) (or relu), per layer.

    Args:
        input_size: the number of features H_in of each time step.
        hidden_size: the number of features of the hidden state.
        num_layers: the number of stacked layers, each fed the previous one's output (default 1).
        nonlinearity: "tanh" (default) or "relu".
        bias: whether the layers learn bias_ih and bias_hh (default True).
        batch_first: input and output are (N, L, *) instead of (L, N, *); hidden states stay (layers, N, *)
            (default False).
        dropout: dropout probability on the outputs of every layer but the last, training only (default 0.0).
        bidirectional: also run each layer backwards in time and concatenate the two outputs (default False).
        device, dtype: where and of what dtype the parameters are created.
    forward(input, hx=None) -> (output, h_n); hx defaults to zeros.
    Shape: input (L, N, H_in), (N, L, H_in) with batch_first, (L, H_in) unbatched, or a PackedSequence;
        hx (D * num_layers, N, H_out) or (D * num_layers, H_out) -> output (L, N, D * H_out) (batch_first
        and packing as the input), h_n (D * num_layers, N, H_out);
        D = 2 if bidirectional else 1; H_out = hidden_size.

    Attributes:
        weight_ih_l[k]: (hidden_size, input_size) for k = 0, else (hidden_size, D * hidden_size).
        weight_hh_l[k]: (hidden_size, hidden_size).
        bias_ih_l[k], bias_hh_l[k]: (hidden_size,).
        Layers of the reverse direction add the suffix "_reverse". Everything is drawn from U(-sqrt(k), sqrt(k))
        with k = 1 / hidden_size.

    Example:
        >>> rnn = nn.RNN(10, 20, num_layers=2)
        >>> output, h_n = rnn(ft.randn(5, 3, 10), ft.randn(2, 3, 20))
        >>> output.shape, h_n.shape
        (fx.tensor.Size([5, 3, 20]), fx.tensor.Size([2, 3, 20]))
    """

LSTM.__doc__ = """Long short-term memory: a multi-layer LSTM over a sequence.

    Per layer and time step:
    i, f, g, o = split(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh) into 4 chunks (in this order);
    c_t = sigmoid(f) * c_(t-1) + sigmoid(i) * tanh(g); h_t = sigmoid(o) * tanh(c_t) (then h_t W_hr^T with proj_size).

    Args:
        input_size: the number of features H_in of each time step.
        hidden_size: the number of features of the hidden state.
        num_layers: the number of stacked layers, each fed the previous one's output (default 1).
        bias: whether the layers learn bias_ih and bias_hh (default True).
        batch_first: input and output are (N, L, *) instead of (L, N, *); hidden states stay (layers, N, *)
            (default False).
        dropout: dropout probability on the outputs of every layer but the last, training only (default 0.0).
        bidirectional: also run each layer backwards in time and concatenate the two outputs (default False).
        proj_size: when > 0, project each h_t to this size with weight_hr (default 0).
        device, dtype: where and of what dtype the parameters are created.
    forward(input, (h_0, c_0)=None) -> (output, (h_n, c_n)); the initial states default to zeros.
    Shape: input (L, N, H_in), (N, L, H_in) with batch_first, (L, H_in) unbatched, or a PackedSequence;
        h_0 (D * num_layers, N, H_out), c_0 (D * num_layers, N, hidden_size) -> output (L, N, D * H_out)
        (batch_first and packing as the input), h_n (D * num_layers, N, H_out), c_n (D * num_layers, N, hidden_size);
        D = 2 if bidirectional else 1; H_out = proj_size if proj_size > 0 else hidden_size.

    Attributes:
        weight_ih_l[k]: (4 * hidden_size, input_size) for k = 0, else (4 * hidden_size, D * H_out).
        weight_hh_l[k]: (4 * hidden_size, H_out).
        bias_ih_l[k], bias_hh_l[k]: (4 * hidden_size,).
        weight_hr_l[k]: (proj_size, hidden_size), with proj_size > 0.
        Layers of the reverse direction add the suffix "_reverse". Everything is drawn from U(-sqrt(k), sqrt(k))
        with k = 1 / hidden_size.

    Example:
        >>> lstm = nn.LSTM(10, 20, batch_first=True, bidirectional=True)
        >>> output, (h_n, c_n) = lstm(ft.randn(3, 5, 10))
        >>> output.shape, h_n.shape, c_n.shape
        (fx.tensor.Size([3, 5, 40]), fx.tensor.Size([2, 3, 20]), fx.tensor.Size([2, 3, 20]))
    """

GRU.__doc__ = """Gated recurrent unit: a multi-layer GRU over a sequence.

    Per layer and time step:
    r = sigmoid(x_t W_ir^T + b_ir + h W_hr^T + b_hr); z = sigmoid(x_t W_iz^T + b_iz + h W_hz^T + b_hz);
    n = tanh(x_t W_in^T + b_in + r * (h W_hn^T + b_hn)); h_t = (1 - z) * n + z * h, with h = h_(t-1).

    Args:
        input_size: the number of features H_in of each time step.
        hidden_size: the number of features of the hidden state.
        num_layers: the number of stacked layers, each fed the previous one's output (default 1).
        bias: whether the layers learn bias_ih and bias_hh (default True).
        batch_first: input and output are (N, L, *) instead of (L, N, *); hidden states stay (layers, N, *)
            (default False).
        dropout: dropout probability on the outputs of every layer but the last, training only (default 0.0).
        bidirectional: also run each layer backwards in time and concatenate the two outputs (default False).
        device, dtype: where and of what dtype the parameters are created.
    forward(input, hx=None) -> (output, h_n); hx defaults to zeros.
    Shape: input (L, N, H_in), (N, L, H_in) with batch_first, (L, H_in) unbatched, or a PackedSequence;
        hx (D * num_layers, N, H_out) or (D * num_layers, H_out) -> output (L, N, D * H_out) (batch_first
        and packing as the input), h_n (D * num_layers, N, H_out);
        D = 2 if bidirectional else 1; H_out = hidden_size.

    Attributes:
        weight_ih_l[k]: (3 * hidden_size, input_size) for k = 0, else (3 * hidden_size, D * hidden_size).
        weight_hh_l[k]: (3 * hidden_size, hidden_size).
        bias_ih_l[k], bias_hh_l[k]: (3 * hidden_size,).
        Layers of the reverse direction add the suffix "_reverse". Everything is drawn from U(-sqrt(k), sqrt(k))
        with k = 1 / hidden_size.
        The gate chunks are in the order r, z, n.

    Example:
        >>> gru = nn.GRU(10, 20, num_layers=2)
        >>> output, h_n = gru(ft.randn(5, 3, 10))
        >>> output.shape, h_n.shape
        (fx.tensor.Size([5, 3, 20]), fx.tensor.Size([2, 3, 20]))
    """

RNNBase.__doc__ = """The base of RNN, LSTM and GRU: their parameters (PyTorch's names and shapes) and forward.

    Args:
        mode: "RNN_TANH", "RNN_RELU", "LSTM" or "GRU"; the other arguments are those of RNN and LSTM.

    Example:
        >>> gru = nn.RNNBase("GRU", 4, 8, num_layers=2)
        >>> gru.weight_ih_l0.shape, gru.weight_hh_l1.shape
        (fx.tensor.Size([24, 4]), fx.tensor.Size([24, 8]))
        >>> output, h_n = gru(ft.randn(5, 2, 4))
        >>> output.shape, h_n.shape
        (fx.tensor.Size([5, 2, 8]), fx.tensor.Size([2, 2, 8]))
    """

RNNBase.forward.__doc__ = """Run the recurrence over a sequence.

    Args:
        input: (L, N, H_in) ((N, L, H_in) with batch_first), (L, H_in) unbatched, or a PackedSequence.
        hx: the initial hidden state(s) (D * num_layers, N, H_out) (for LSTM the pair (h_0, c_0)); zeros by default.

    Returns:
        (output, h_n) ((output, (h_n, c_n)) for LSTM), output (L, N, D * H_out) or a PackedSequence.
    """

RNNBase.flatten_parameters.__doc__ = """A no-op (PyTorch packs the weights for cuDNN here); kept so PyTorch code runs."""

RNNCellBase.__doc__ = """The base of RNNCell, LSTMCell and GRUCell: the parameters of one step.

    weight_ih (chunks * hidden, input), weight_hh (chunks * hidden, hidden), bias_ih and bias_hh
    (chunks * hidden,), all drawn from U(-sqrt(k), sqrt(k)) with k = 1 / hidden_size.

    Args:
        input_size: the number of input features H_in.
        hidden_size: the number of features of the hidden state H_out.
        bias: whether to learn bias_ih and bias_hh.
        num_chunks: the number of gate blocks stacked in each weight (1 RNN, 4 LSTM, 3 GRU).
        device, dtype: where and of what dtype the parameters are created.

    Example:
        >>> cell = nn.RNNCellBase(4, 8, bias=True, num_chunks=3)
        >>> [(name, tuple(p.shape)) for name, p in cell.named_parameters()]
        [('weight_ih', (24, 4)), ('weight_hh', (24, 8)), ('bias_ih', (24,)), ('bias_hh', (24,))]
    """

RNNCell.__doc__ = """One Elman RNN step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).

    Args:
        input_size: the number of input features H_in.
        hidden_size: the number of features of the hidden state H_out.
        bias: whether to learn bias_ih and bias_hh (default True).
        nonlinearity: "tanh" (default) or "relu".
        device, dtype: where and of what dtype the parameters are created.
    forward(input, hx=None) -> h'; hx defaults to zeros.
    Shape: input (N, H_in) or (H_in), hx (N, H_out) or (H_out) -> h' of hx's shape.

    Attributes:
        weight_ih: (hidden_size, input_size); weight_hh: (hidden_size, hidden_size);
        bias_ih, bias_hh: (hidden_size,); all drawn from U(-sqrt(k), sqrt(k)) with k = 1 / hidden_size.

    Example:
        >>> cell = nn.RNNCell(10, 20)
        >>> h = ft.zeros(3, 20)
        >>> for x in ft.randn(6, 3, 10):
        ...     h = cell(x, h)
        >>> h.shape
        fx.tensor.Size([3, 20])
    """

LSTMCell.__doc__ = """One LSTM step: the new hidden and cell states (h', c') from x and (h, c).

    i, f, g, o = split(x W_ih^T + b_ih + h W_hh^T + b_hh) into 4 chunks;
    c' = sigmoid(f) * c + sigmoid(i) * tanh(g); h' = sigmoid(o) * tanh(c').

    Args:
        input_size: the number of input features H_in.
        hidden_size: the number of features of the hidden state H_out.
        bias: whether to learn bias_ih and bias_hh (default True).
        device, dtype: where and of what dtype the parameters are created.
    forward(input, (h, c)=None) -> (h', c'); the states default to zeros.
    Shape: input (N, H_in) or (H_in), h and c (N, H_out) or (H_out) -> h', c' of the same shape.

    Attributes:
        weight_ih: (4 * hidden_size, input_size); weight_hh: (4 * hidden_size, hidden_size);
        bias_ih, bias_hh: (4 * hidden_size,); all drawn from U(-sqrt(k), sqrt(k)) with k = 1 / hidden_size.

    Example:
        >>> cell = nn.LSTMCell(10, 20)
        >>> h, c = cell(ft.randn(3, 10))
        >>> h.shape, c.shape
        (fx.tensor.Size([3, 20]), fx.tensor.Size([3, 20]))
    """

GRUCell.__doc__ = """One GRU step: the new hidden state h' from x and h.

    r, z = sigmoid of their chunks of x W_ih^T + b_ih + h W_hh^T + b_hh;
    n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)); h' = (1 - z) * n + z * h.

    Args:
        input_size: the number of input features H_in.
        hidden_size: the number of features of the hidden state H_out.
        bias: whether to learn bias_ih and bias_hh (default True).
        device, dtype: where and of what dtype the parameters are created.
    forward(input, hx=None) -> h'; hx defaults to zeros.
    Shape: input (N, H_in) or (H_in), hx (N, H_out) or (H_out) -> h' of hx's shape.

    Attributes:
        weight_ih: (3 * hidden_size, input_size); weight_hh: (3 * hidden_size, hidden_size);
        bias_ih, bias_hh: (3 * hidden_size,); all drawn from U(-sqrt(k), sqrt(k)) with k = 1 / hidden_size.

    Example:
        >>> nn.GRUCell(10, 20)(ft.randn(3, 10), ft.randn(3, 20)).shape
        fx.tensor.Size([3, 20])
    """
