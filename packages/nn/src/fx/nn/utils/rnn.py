"""Variable-length sequences for the recurrent layers (torch.nn.utils.rnn).

A PackedSequence holds the time steps of a batch of sequences sorted by decreasing length, one
after the other: `data` (sum of lengths, *), and `batch_sizes[t]`, how many sequences are longer
than t. Packing and padding are one differentiable gather (index_select) each.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

import fx.tensor as ft
from fx.tensor._tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


def invert_permutation(permutation):
    """The inverse permutation q with q[p[i]] = i (None stays None).

    Args:
        permutation: a 1-D int64 tensor holding a permutation of 0..n-1, or None.

    Returns:
        A 1-D int64 tensor, or None.

    Example:
        >>> nn.utils.rnn.invert_permutation(ft.tensor([2, 0, 1]))
        tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    inv = np.empty(permutation.shape[0], np.int64)
    inv[permutation.numpy()] = np.arange(permutation.shape[0])
    return ft.tensor(inv)


class PackedSequence(namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """Packed time steps of sequences sorted by decreasing length (see the module docstring).

    Args:
        data: (sum of lengths, *), the time steps, step 0 of every sequence first.
        batch_sizes: int64 (max length,), how many sequences are longer than each step.
        sorted_indices: the batch order that sorted the sequences by length (None when they came sorted).
        unsorted_indices: its inverse (computed from sorted_indices when None).

    Build it with pack_padded_sequence or pack_sequence, not by hand; the recurrent layers take it
    as input and return their output as one.

    Example:
        >>> a, b, c = ft.tensor([1.0, 2.0, 3.0]), ft.tensor([4.0, 5.0]), ft.tensor([6.0])
        >>> nn.utils.rnn.pack_sequence([a, b, c])
        PackedSequence(data=tensor([1., 4., 6., 2., 5., 3.]), batch_sizes=tensor([3, 2, 1]), sorted_indices=None, unsorted_indices=None)
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            raise TypeError("PackedSequence: batch_sizes is required (build it with pack_padded_sequence)")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with(self, data):
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def to(self, *args, **kwargs):
        """The same sequence with `data` moved or cast like Tensor.to (the indices follow a device change).

        Example:
            >>> nn.utils.rnn.pack_sequence([ft.tensor([1.0])]).to(ft.float64).data.dtype
            fx.tensor.float64
        """
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        dev = data.device
        idx = [None if t is None else t.to(device=dev) for t in (self.sorted_indices, self.unsorted_indices)]
        return type(self)(data, self.batch_sizes, *idx)

    def cpu(self):
        """The same sequence with its tensors on the CPU."""
        return self.to("cpu")

    def cuda(self, *args, **kwargs):
        """The same sequence with its tensors on the current CUDA device."""
        return self.to("cuda")

    def double(self):
        """The same sequence with float64 data."""
        return self._with(self.data.double())

    def float(self):
        """The same sequence with float32 data."""
        return self._with(self.data.float())

    def half(self):
        """The same sequence with float16 data."""
        return self._with(self.data.half())

    def long(self):
        """The same sequence with int64 data."""
        return self._with(self.data.long())

    def int(self):
        """The same sequence with int32 data."""
        return self._with(self.data.int())

    @property
    def is_cuda(self):
        """Whether the data is on a CUDA device."""
        return self.data.device.type == "cuda"


def _lengths_array(lengths, batch):
    if isinstance(lengths, Tensor):
        if lengths.dim() != 1 or lengths.dtype.is_floating_point:
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D "
                               f"{lengths.dtype} tensor")
        arr = lengths.cpu().numpy().astype(np.int64)
    else:
        arr = np.asarray(list(lengths), dtype=np.int64)
    if arr.shape[0] != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {arr.shape[0]} "
                           f"(batch_size={batch})")
    return arr


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) ((B, T, *) with batch_first) of sequences of `lengths`.

    Args:
        input: the padded batch.
        lengths: the length of each sequence (a 1-D int tensor or a list), each in 1..T.
        batch_first: the input is (B, T, *) (default False).
        enforce_sorted: the lengths must be in decreasing order (default True); False sorts them and
            records the order in sorted_indices / unsorted_indices.

    Returns:
        A PackedSequence.

    Example:
        >>> padded = ft.tensor([[1.0, 2.0, 0.0], [3.0, 4.0, 5.0]])
        >>> packed = nn.utils.rnn.pack_padded_sequence(padded, [2, 3], batch_first=True, enforce_sorted=False)
        >>> packed.data, packed.batch_sizes
        (tensor([3., 1., 4., 2., 5.]), tensor([2, 2, 1]))
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pack_padded_sequence(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.dim() < 2:
        raise RuntimeError(f"pack_padded_sequence: expected input of at least 2 dims (T, B, *), got {input.dim()}D")
    bdim, tdim = (0, 1) if batch_first else (1, 0)
    steps, batch = input.shape[tdim], input.shape[bdim]
    lens = _lengths_array(lengths, batch)
    order = None
    if enforce_sorted:
        if np.any(lens[1:] > lens[:-1]):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                               "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
    if batch and lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is "
                           "<= 0")
    if batch and lens[0] > steps:
        raise RuntimeError(f"pack_padded_sequence: a length of {lens[0]} exceeds the input's {steps} time steps")
    sizes = (lens[None, :] > np.arange(lens[0] if batch else 0)[:, None]).sum(1)
    rows = np.concatenate([np.arange(b) for b in sizes]) if sizes.size else np.zeros(0, np.int64)
    t = np.repeat(np.arange(sizes.size), sizes)
    src = rows if order is None else order[rows]
    flat = src * steps + t if batch_first else t * batch + src
    data = input.reshape(steps * batch, *input.shape[2:]).index_select(0, ft.tensor(flat.astype(np.int64)))
    sorted_indices = None if order is None else ft.tensor(order.astype(np.int64))
    return PackedSequence(data, ft.tensor(sizes.astype(np.int64)), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Unpack a PackedSequence into a padded batch, in the original batch order.

    The inverse of pack_padded_sequence.

    Args:
        sequence: the PackedSequence.
        batch_first: return (B, T, *) instead of (T, B, *) (default False).
        padding_value: the value of the padding (default 0.0).
        total_length: pad to this T instead of the longest length (default None).

    Returns:
        (padded batch, lengths as an int64 (B,) tensor).

    Example:
        >>> a, b, c = ft.tensor([1.0, 2.0, 3.0]), ft.tensor([4.0, 5.0]), ft.tensor([6.0])
        >>> nn.utils.rnn.pad_packed_sequence(nn.utils.rnn.pack_sequence([a, b, c]), batch_first=True)
        (tensor([[1., 2., 3.],
                [4., 5., 0.],
                [6., 0., 0.]]), tensor([3, 2, 1]))
    """
    sizes = sequence.batch_sizes.numpy().astype(np.int64)
    data = sequence.data
    steps = int(sizes.size)
    if total_length is not None:
        if total_length < steps:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but got "
                             f"total_length={total_length} and max sequence length being {steps}")
        steps = int(total_length)
    batch = int(sizes[0]) if sizes.size else 0
    offsets = np.concatenate([[0], np.cumsum(sizes)])  # one extra entry: t past the longest length
    lens = (sizes[None, :] > np.arange(batch)[:, None]).sum(1)
    # position in data of (t, sorted row b); the padding row (index len(data)) beyond each length
    t = np.arange(steps)[:, None]
    inside = t < lens[None, :]
    pos = np.where(inside, offsets[np.minimum(t, sizes.size)] + np.arange(batch)[None, :], data.shape[0])
    if sequence.unsorted_indices is not None:
        order = sequence.unsorted_indices.numpy()
        pos, lens = pos[:, order], lens[order]
    if batch_first:
        pos = pos.T
    pad = ft.full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    padded = ft.cat([data, pad]).index_select(0, ft.tensor(np.ascontiguousarray(pos).reshape(-1).astype(np.int64)))
    return padded.reshape(*pos.shape, *data.shape[1:]), ft.tensor(lens.astype(np.int64))


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences (L_i, *) into one padded batch, T the longest length.

    Args:
        sequences: a list of tensors (L_i, *) with the same trailing dims (or a tensor, unbound along dim 0).
        batch_first: return (B, T, *) instead of (T, B, *) (default False).
        padding_value: the value of the padding (default 0.0).
        padding_side: "right" (default) or "left".

    Returns:
        (T, B, *) or (B, T, *).

    Example:
        >>> a, b, c = ft.tensor([1.0, 2.0, 3.0]), ft.tensor([4.0, 5.0]), ft.tensor([6.0])
        >>> nn.utils.rnn.pad_sequence([a, b, c])
        tensor([[1., 4., 6.],
                [2., 5., 0.],
                [3., 0., 0.]])
        >>> nn.utils.rnn.pad_sequence([a, b, c], batch_first=True, padding_side="left")
        tensor([[1., 2., 3.],
                [0., 4., 5.],
                [0., 0., 6.]])
    """
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    trailing = tuple(sequences[0].shape[1:])
    for i, s in enumerate(sequences):
        if not isinstance(s, Tensor):
            raise TypeError(f"pad_sequence(): expected a sequence of Tensors, got {type(s).__name__} at {i}")
        if s.dim() == 0 or tuple(s.shape[1:]) != trailing:
            raise RuntimeError(f"pad_sequence: sequences must share their trailing dims {list(trailing)}, got shape "
                               f"{list(s.shape)} at index {i}")
    lens = np.array([s.shape[0] for s in sequences], np.int64)
    steps = int(lens.max())
    starts = np.concatenate([[0], np.cumsum(lens)])[:-1]
    t = np.arange(steps)[:, None]
    shift = (steps - lens)[None, :] if padding_side == "left" else 0
    local = t - shift
    inside = (local >= 0) & (local < lens[None, :])
    pos = np.where(inside, starts[None, :] + local, lens.sum())
    if batch_first:
        pos = pos.T
    first = sequences[0]
    pad = ft.full((1, *trailing), padding_value, dtype=first.dtype, device=first.device)
    flat = ft.cat([*sequences, pad]).index_select(0, ft.tensor(np.ascontiguousarray(pos).reshape(-1)))
    return flat.reshape(*pos.shape, *trailing)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences (L_i, *) inside a padded batch (the inverse of pad_sequence).

    Args:
        padded_sequences: (T, B, *) or (B, T, *) with batch_first.
        lengths: the length of each sequence, a 1-D int64 tensor (fx also takes a list).
        batch_first: the batch is (B, T, *) (default False).

    Returns:
        A list of B tensors.

    Example:
        >>> padded = ft.tensor([[1.0, 2.0, 0.0], [3.0, 4.0, 5.0]])
        >>> nn.utils.rnn.unpad_sequence(padded, ft.tensor([2, 3]), batch_first=True)
        [tensor([1., 2.]), tensor([3., 4., 5.])]
    """
    seqs = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    lens = _lengths_array(lengths, seqs.shape[0])
    return [seqs[i, :int(n)] for i, n in enumerate(lens)]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences (L_i, *) into a PackedSequence.

    Args:
        sequences: a list of tensors (L_i, *) with the same trailing dims.
        enforce_sorted: the sequences must come in decreasing length (default True); False sorts them.

    Returns:
        A PackedSequence.

    Example:
        >>> a, b, c = ft.tensor([1.0, 2.0, 3.0]), ft.tensor([4.0, 5.0]), ft.tensor([6.0])
        >>> nn.utils.rnn.pack_sequence([a, b, c]).batch_sizes
        tensor([3, 2, 1])
    """
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences (L_i, *) of a PackedSequence, in the original order (the inverse of pack_sequence).

    Args:
        packed_sequences: the PackedSequence.

    Returns:
        A list of tensors.

    Example:
        >>> packed = nn.utils.rnn.pack_sequence([ft.tensor([1.0, 2.0]), ft.tensor([3.0, 4.0, 5.0])], enforce_sorted=False)
        >>> nn.utils.rnn.unpack_sequence(packed)
        [tensor([1., 2.]), tensor([3., 4., 5.])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
