"""Recurrent layers (torch.nn.RNN / LSTM / GRU and their cells): PyTorch's parameter names,
shapes, gate order (LSTM i, f, g, o; GRU r, z, n) and initialization, so state_dicts load.

The recurrence runs one time step at a time in fx ops (autograd records it; double backward
works). The input projections of all time steps are one matmul per layer and direction; a
sequence is cut into its time steps by one split node whose backward is a single
concatenation. PackedSequence inputs shrink the batch as sequences end (the final hidden state
of a sequence is the one after its last step).
"""

from __future__ import annotations

import math
import numbers
import warnings

import fx.tensor as ft
from fx.tensor._tensor import Tensor

from .. import functional as F
from .. import init
from ..functional._attention import _split
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


# ---- one time step: xg is the input's projection (with the biases folded in where they can be) --
def _rnn_step(xg, h, c, w, relu):
    pre = xg + h.matmul(w["hh"])
    return (pre.relu() if relu else pre.tanh()), None


def _lstm_cell(gates, c):
    i, f, g, o = _split(gates, (c.shape[1],) * 4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def _lstm_step(xg, h, c, w, relu):
    h, c = _lstm_cell(xg + h.matmul(w["hh"]), c)
    return (h if w["hr"] is None else h.matmul(w["hr"])), c


def _gru_step(xg, h, c, w, relu):
    n_h = h.shape[1]
    gh = h.matmul(w["hh"]) if w["b_hh"] is None else h.matmul(w["hh"]) + w["b_hh"]
    x_rz, x_n = _split(xg, (2 * n_h, n_h), 1)
    h_rz, h_n = _split(gh, (2 * n_h, n_h), 1)
    r, z = _split((x_rz + h_rz).sigmoid(), (n_h, n_h), 1)
    n = (x_n + r * h_n).tanh()
    return n + z * (h - n), None


_STEPS = {"RNN_TANH": _rnn_step, "RNN_RELU": _rnn_step, "LSTM": _lstm_step, "GRU": _gru_step}


def _direction(step, xs, sizes, h0, c0, w, relu, reverse):
    """Run one direction over the time steps xs[t] (batch sizes[t], non-increasing); returns the
    per-step outputs (in time order) and the final (h, c) of every sequence."""
    outs = [None] * len(xs)
    if not reverse:
        h, c, done_h, done_c = h0, c0, [], []
        for t, x in enumerate(xs):
            bs = sizes[t]
            if bs < h.shape[0]:  # sequences that ended: keep their last state
                done_h.append(h[bs:])
                h = h[:bs]
                if c is not None:
                    done_c.append(c[bs:])
                    c = c[:bs]
            h, c = step(x, h, c, w, relu)
            outs[t] = h
        if done_h:
            h = ft.cat([h] + done_h[::-1])
            c = None if c is None else ft.cat([c] + done_c[::-1])
        return outs, h, c
    n = sizes[-1] if xs else h0.shape[0]
    h, c = (h0, c0) if n == h0.shape[0] else (h0[:n], None if c0 is None else c0[:n])
    for t in range(len(xs) - 1, -1, -1):
        bs = sizes[t]
        if bs > h.shape[0]:  # sequences that start at this step (counted from their end)
            h = ft.cat([h, h0[h.shape[0]:bs]])
            c = None if c is None else ft.cat([c, c0[c.shape[0]:bs]])
        h, c = step(xs[t], h, c, w, relu)
        outs[t] = h
    return outs, h, c


def _layers(mode, x, sizes, hx, cx, weights, num_dirs, dropout, training):
    """The stacked recurrence on time-major rows x (sum(sizes), input_size): (output rows, h_n, c_n)."""
    step = _STEPS[mode]
    n = hx.shape[1]
    n_states = hx.shape[0]
    h0s = _split(hx.reshape(n_states * n, hx.shape[2]), (n,) * n_states)
    c0s = [None] * n_states if cx is None else _split(cx.reshape(n_states * n, cx.shape[2]), (n,) * n_states)
    hs, cs = [], []
    num_layers = n_states // num_dirs
    for layer in range(num_layers):
        outs = []
        for d in range(num_dirs):
            w = weights[layer * num_dirs + d]
            xg = F.linear(x, w["ih"], w["b"])
            per_step = _split(xg, sizes) if sizes else ()
            k = layer * num_dirs + d
            out, h, c = _direction(step, per_step, sizes, h0s[k], c0s[k], w, mode == "RNN_RELU", d == 1)
            outs.append(ft.cat(out) if out else x.new_zeros((0, h.shape[1])))
            hs.append(h)
            cs.append(c)
        x = outs[0] if num_dirs == 1 else ft.cat(outs, 1)
        if dropout and training and layer < num_layers - 1:
            x = F.dropout(x, dropout, True)
    return x, ft.stack(hs), (None if cx is None else ft.stack(cs))


class RNNBase(Module):
    """Shared parameters and forward of RNN, LSTM and GRU (mode "RNN_TANH", "RNN_RELU", "LSTM", "GRU").

    Per layer k and direction (suffix "" or "_reverse"): weight_ih_l{k} (gates * hidden,
    input), weight_hh_l{k} (gates * hidden, hidden or proj_size), bias_ih_l{k}, bias_hh_l{k},
    and weight_hr_l{k} (proj_size, hidden) for an LSTM with proj_size; all ~ U(-1/sqrt(hidden),
    1/sqrt(hidden)).
    """

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                     "bidirectional", "proj_size"]

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                             "being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          stacklevel=2)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int), ("hidden_size", hidden_size, int)):
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        gates = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}.get(mode)
        if gates is None:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        kw = {"device": device, "dtype": dtype}
        num_dirs = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names, self._all_weights = [], []
        for layer in range(num_layers):
            for d in range(num_dirs):
                layer_input = input_size if layer == 0 else real_hidden * num_dirs
                shapes = [("weight_ih_l{}{}", (gates * hidden_size, layer_input)),
                          ("weight_hh_l{}{}", (gates * hidden_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih_l{}{}", (gates * hidden_size,)), ("bias_hh_l{}{}", (gates * hidden_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr_l{}{}", (proj_size, hidden_size))]
                names = []
                for fmt, shape in shapes:
                    name = fmt.format(layer, "_reverse" if d == 1 else "")
                    setattr(self, name, Parameter(ft.empty(shape, **kw)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters per layer and direction, as lists in PyTorch's order."""
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op (PyTorch packs weights for cuDNN here)."""

    def reset_parameters(self):
        """Redraw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _weights(self):
        """Per layer and direction: the transposed recurrent weights and the folded biases."""
        out = []
        for names in self._all_weights:
            p = dict(zip([n.split("_l")[0] for n in names], [getattr(self, n) for n in names]))
            b_ih, b_hh = p.get("bias_ih"), p.get("bias_hh")
            w = {"ih": p["weight_ih"], "hh": p["weight_hh"].t(), "b_hh": None,
                 "hr": p["weight_hr"].t() if "weight_hr" in p else None}
            if b_ih is None:
                w["b"] = None
            elif self.mode == "GRU":  # b_hn sits inside r * (W_hn h + b_hn): it cannot fold
                w["b"], w["b_hh"] = b_ih, b_hh
            else:
                w["b"] = b_ih + b_hh
            out.append(w)
        return out

    def _check_input(self, input, packed):
        dt = self.weight_ih_l0.dtype
        if input.dtype != dt:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({dt}). Convert input: "
                             f"input.to({dt}), or convert model: model.to({input.dtype})")
        if input.dim() != (2 if packed else 3):
            raise RuntimeError(f"input must have {2 if packed else 3} dimensions, got {input.dim()}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.shape[-1]}")

    def _state(self, given, n, size, batched, what, fmt):
        """An initial state: zeros, or `given` checked against (layers * dirs, n, size)."""
        want = (self.num_layers * (2 if self.bidirectional else 1), n, size)
        if given is None:
            return None, want
        if not isinstance(given, Tensor):
            raise TypeError(f"{self._get_name()}: {what} must be a Tensor, got {type(given).__name__}")
        if batched is not None and given.dim() != (3 if batched else 2):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            raise RuntimeError(f"For {kind} input, {what} should also be {3 if batched else 2}-D but got "
                               f"{given.dim()}-D tensor")
        if batched is False:
            given = given.unsqueeze(1)
        if tuple(given.shape) != want:
            raise RuntimeError(fmt.format(want, list(given.shape)))
        return given, want

    def forward(self, input, hx=None):
        """input (L, N, H_in) ((N, L, H_in) with batch_first), (L, H_in) unbatched, or a PackedSequence;
        hx: initial hidden state(s) (layers * directions, N, H_out), zeros by default.
        Returns (output, h_n) ((output, (h_n, c_n)) for LSTM), output (L, N, directions * H_out)."""
        lstm = self.mode == "LSTM"
        packed = isinstance(input, PackedSequence)
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(self.mode, self.mode)
        if packed:
            data, batch_sizes, sorted_idx, unsorted_idx = input
            self._check_input(data, True)
            sizes = [int(s) for s in batch_sizes.tolist()]
            n, batched, x = (sizes[0] if sizes else 0), None, data
        else:
            if not isinstance(input, Tensor):
                raise TypeError(f"{name}: input must be a Tensor or a PackedSequence, got {type(input).__name__}")
            if input.dim() not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D tensor instead")
            batched = input.dim() == 3
            if not batched:
                input = input.unsqueeze(1 if not self.batch_first else 0)
            self._check_input(input, False)
            seq = input.transpose(0, 1) if self.batch_first else input
            steps, n = seq.shape[0], seq.shape[1]
            x, sizes, sorted_idx, unsorted_idx = seq.reshape(steps * n, seq.shape[2]), [n] * steps, None, None
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        if lstm and hx is not None:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError("LSTM: hx must be a tuple (h_0, c_0)")
            if batched is not None and (hx[0].dim() != hx[1].dim() or hx[0].dim() != (3 if batched else 2)):
                kind, nd = ("batched 3-D", 3) if batched else ("unbatched 2-D", 2)
                raise RuntimeError(f"For {kind} input, hx and cx should also be {nd}-D but got ({hx[0].dim()}-D, "
                                   f"{hx[1].dim()}-D) tensors")
            h0, shape = self._state(hx[0], n, real_hidden, batched, "hx", "Expected hidden[0] size {}, got {}")
            c0, cshape = self._state(hx[1], n, self.hidden_size, batched, "cx", "Expected hidden[1] size {}, got {}")
        else:
            h0, shape = self._state(hx, n, real_hidden, batched, "hx", "Expected hidden size {}, got {}")
            c0, cshape = None, (shape[0], n, self.hidden_size)
        if h0 is None:
            h0 = ft.zeros(shape, dtype=x.dtype, device=x.device)
        if lstm and c0 is None:
            c0 = ft.zeros(cshape, dtype=x.dtype, device=x.device)
        if sorted_idx is not None:
            h0 = h0.index_select(1, sorted_idx)
            c0 = None if c0 is None else c0.index_select(1, sorted_idx)
        out, h_n, c_n = _layers(self.mode, x, sizes, h0, c0, self._weights(), 2 if self.bidirectional else 1,
                                self.dropout, self.training)
        if unsorted_idx is not None:
            h_n = h_n.index_select(1, unsorted_idx)
            c_n = None if c_n is None else c_n.index_select(1, unsorted_idx)
        hidden = (h_n, c_n) if lstm else h_n
        if packed:
            return PackedSequence(out, batch_sizes, sorted_idx, unsorted_idx), hidden
        out = out.reshape(len(sizes), n, out.shape[1])
        if self.batch_first:
            out = out.transpose(0, 1)
        if not batched:
            out = out.squeeze(0 if self.batch_first else 1)
            hidden = (h_n.squeeze(1), c_n.squeeze(1)) if lstm else h_n.squeeze(1)
        return out, hidden


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu); full text in fx/nn/_docs_rnn.py."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self_nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self_nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self_nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{self_nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_TANH" if self_nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)
        self.nonlinearity = self_nonlinearity


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o = split(x W_ih^T + b_ih + h W_hh^T + b_hh);
    c = sigmoid(f) c + sigmoid(i) tanh(g); h = sigmoid(o) tanh(c) (then h W_hr^T with proj_size).
    Full text in fx/nn/_docs_rnn.py.
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit: r, z = sigmoid(x W_i{r,z}^T + b_i{r,z} + h W_h{r,z}^T + b_h{r,z});
    n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)); h = (1 - z) n + z h. Full text in fx/nn/_docs_rnn.py."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


class RNNCellBase(Module):
    """Shared parameters of the cells: weight_ih (chunks * hidden, input), weight_hh (chunks *
    hidden, hidden), bias_ih, bias_hh; all ~ U(-1/sqrt(hidden), 1/sqrt(hidden))."""

    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(ft.empty((num_chunks * hidden_size, input_size), **kw))
        self.weight_hh = Parameter(ft.empty((num_chunks * hidden_size, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(ft.empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(ft.empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self):
        """Redraw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prepare(self, input, hx, lstm=False):
        """(batched input, batched states, whether the input was batched), checking dims and sizes."""
        name = self._get_name()
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a Tensor, got {type(input).__name__}")
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        states = (hx if lstm else (hx,)) if hx is not None else None
        for s in states or ():
            if s.dim() not in (1, 2):
                raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {s.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"{name}: input has inconsistent input_size: got {input.shape[1]} expected "
                               f"{self.input_size}")
        n = input.shape[0]
        if states is None:
            zero = ft.zeros((n, self.hidden_size), dtype=input.dtype, device=input.device)
            states = (zero, zero) if lstm else (zero,)
        else:
            states = tuple(s if batched else s.unsqueeze(0) for s in states)
            for i, s in enumerate(states):
                if tuple(s.shape) != (n, self.hidden_size):
                    which = f"hidden[{i}]" if lstm else "hidden"
                    raise RuntimeError(f"{name}: Expected {which} size {(n, self.hidden_size)}, got {list(s.shape)}")
        return input, states, batched

    def _gates(self, input, h):
        return F.linear(input, self.weight_ih, self.bias_ih), F.linear(h, self.weight_hh, self.bias_hh)


class RNNCell(RNNCellBase):
    """One Elman RNN step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, (h,), batched = self._prepare(input, hx)
        gi, gh = self._gates(input, h)
        out = (gi + gh).relu() if self.nonlinearity == "relu" else (gi + gh).tanh()
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step (gates i, f, g, o): returns (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, (h, c), batched = self._prepare(input, hx, lstm=True)
        gi, gh = self._gates(input, h)
        h, c = _lstm_cell(gi + gh, c)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step (gates r, z, n): h' = (1 - z) n + z h."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, (h,), batched = self._prepare(input, hx)
        gi, gh = self._gates(input, h)
        x_r, x_z, x_n = gi.chunk(3, 1)
        h_r, h_z, h_n = gh.chunk(3, 1)
        r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
        n = (x_n + r * h_n).tanh()
        out = n + z * (h - n)
        return out if batched else out.squeeze(0)
