"""Embedding lookups (torch.nn.functional): embedding (fused lookup with an index-accumulate
backward in C) and embedding_bag (sums, means or maxima of bags of embeddings)."""

from __future__ import annotations

import numpy as np

import fx.tensor as ft
from fx.autograd import no_grad
from fx.tensor._ops.embedding import P_embedding

__all__ = ["embedding", "embedding_bag"]


def _indices(input, op):
    if not isinstance(input, ft.Tensor):
        raise TypeError(f"{op}(): argument 'indices' must be Tensor, not {type(input).__name__}")
    if input.dtype not in (ft.int64, ft.int32):
        raise RuntimeError(f"{op}: Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {input.dtype} instead")
    return input if input.dtype == ft.int64 else input.long()


def _padding_idx(padding_idx, num, op):
    if padding_idx is None:
        return -1
    if padding_idx >= num or padding_idx < -num:
        raise AssertionError(f"{op}: Padding_idx must be within num_embeddings (got {padding_idx} for {num} rows)")
    return padding_idx + num if padding_idx < 0 else padding_idx


def _weight(weight, op):
    if not isinstance(weight, ft.Tensor):
        raise TypeError(f"{op}(): argument 'weight' must be Tensor, not {type(weight).__name__}")
    if weight.ndim != 2:
        raise RuntimeError(f"{op}: 'weight' must be 2-D, got a tensor of shape {list(weight.shape)}")
    return weight


def renorm_rows_(weight, indices, max_norm, norm_type):
    """Scale the rows of `weight` used by `indices` whose norm exceeds max_norm down to max_norm, in
    place and outside autograd (torch.embedding_renorm_)."""
    with no_grad():
        rows = ft.unique(indices.reshape(-1))
        if rows.numel() == 0:
            return weight
        sel = weight[rows]
        norms = sel.norm(norm_type, dim=1, keepdim=True)
        scale = ft.where(norms > max_norm, max_norm / (norms + 1e-7), ft.ones_like(norms))
        weight[rows] = sel * scale
    return weight


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Rows of `weight` (num_embeddings, dim) at the integer `input` indices.

    Args:
        input: int64 or int32 indices of any shape.
        weight: the (num_embeddings, embedding_dim) table.
        padding_idx: a row that gets no gradient (default None).
        max_norm: rows looked up are first renormalized in place to p-norm at most max_norm (default None).
        norm_type: the p of that norm (default 2.0).
        scale_grad_by_freq: divide each row's gradient by its count in `input` (default False).
        sparse: accepted for PyTorch compatibility; gradients are dense.

    Returns:
        A tensor of shape input.shape + (embedding_dim,).

    Example:
        >>> F.embedding(ft.tensor([2, 0]), ft.arange(6.).reshape(3, 2)).tolist()
        [[4.0, 5.0], [0.0, 1.0]]
    """
    op = "embedding"
    idx = _indices(input, op)
    weight = _weight(weight, op)
    pad = _padding_idx(padding_idx, weight.shape[0], op)
    if max_norm is not None:
        renorm_rows_(weight, idx, max_norm, norm_type)
    if scale_grad_by_freq:
        return _scaled_by_freq(weight, idx, pad)
    return P_embedding(weight, idx, padding_idx=pad)


def _scaled_by_freq(weight, idx, pad):
    """The lookup with each row's gradient divided by the number of times it occurs."""
    counts = ft.bincount(idx.reshape(-1), minlength=weight.shape[0]).to(weight.dtype).clamp_min(1)
    out = P_embedding(weight, idx, padding_idx=pad)
    # forward value unchanged, gradient g / count[idx]: the scale enters only through a detached path
    inv = (1.0 / counts)[idx].unsqueeze(-1)
    return out.detach() + (out - out.detach()) * inv if out.requires_grad else out


def _bags(idx, offsets, include_last_offset, op):
    """(flat indices (M,), bag of each index (M,), number of bags) for 2-d input or 1-d + offsets."""
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             "fixed length sequences.")
        b, length = idx.shape
        seg = np.repeat(np.arange(b), length)
        return idx.reshape(-1), seg, b
    if idx.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if not isinstance(offsets, ft.Tensor) or offsets.ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    off = offsets.long().numpy()
    m = idx.shape[0]
    if off.size and (off[0] != 0 or (np.diff(off) < 0).any() or off[-1] > m):
        raise RuntimeError(f"{op}: offsets must start with 0, be non-decreasing and at most the input length {m}, "
                           f"got {off.tolist()}")
    b = off.size - 1 if include_last_offset else off.size
    starts = off[:b]
    seg = np.searchsorted(starts, np.arange(m), side="right") - 1 if b else np.zeros(m, np.int64)
    if include_last_offset and b:
        seg = np.where(np.arange(m) < off[-1], seg, b)  # indices after the last offset belong to no bag
    return idx, seg, max(b, 0)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Per bag, the sum / mean / max of the embeddings of its indices.

    Bags are the rows of a 2-d input, or the runs of a 1-d input starting at `offsets`.

    Args:
        input: (B, L) or (M,) int64 or int32 indices.
        weight: the (num_embeddings, embedding_dim) table.
        offsets: (B,) start of each bag in a 1-d input (None for a 2-d input).
        max_norm: rows looked up are first renormalized in place to p-norm at most max_norm (default None).
        norm_type: the p of that norm (default 2).
        scale_grad_by_freq: divide each row's gradient by its count in `input` (default False).
        mode: "sum", "mean" (default) or "max".
        sparse: accepted for PyTorch compatibility; gradients are dense.
        per_sample_weights: input-shaped weights of each embedding, mode "sum" only (default None).
        include_last_offset: offsets has one more entry, the end of the last bag (default False).
        padding_idx: indices equal to it are left out of their bag (default None).

    Returns:
        (B, embedding_dim); an empty bag gives zeros.

    Example:
        >>> w = ft.arange(6.).reshape(3, 2)
        >>> F.embedding_bag(ft.tensor([0, 1, 2, 2]), w, ft.tensor([0, 2]), mode="sum")
        tensor([[ 2.,  4.],
                [ 8., 10.]])
    """
    op = "embedding_bag"
    idx = _indices(input, op)
    weight = _weight(weight, op)
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode!r}")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                      f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                                      "on GitHub.")
        if per_sample_weights.shape != input.shape:
            raise ValueError(f"embedding_bag: If per_sample_weights ({list(per_sample_weights.shape)}) is not None, "
                             f"then it must have the same shape as the input ({list(input.shape)})")
    pad = _padding_idx(padding_idx, weight.shape[0], op)
    flat, seg, b = _bags(idx, offsets, include_last_offset, op)
    if max_norm is not None:
        renorm_rows_(weight, flat, max_norm, norm_type)
    emb = embedding(flat, weight, pad if pad >= 0 else None, scale_grad_by_freq=scale_grad_by_freq)
    if per_sample_weights is not None:
        emb = emb * per_sample_weights.reshape(-1, 1).to(emb.dtype)
    if pad >= 0:
        seg = np.where(flat.numpy() == pad, b, seg)  # padding goes to a discarded extra bag
    seg_t = ft.from_numpy(np.ascontiguousarray(seg, dtype=np.int64))
    d = weight.shape[1]
    if mode == "max":
        out = ft.zeros(b + 1, d, dtype=emb.dtype).scatter_reduce(0, seg_t.unsqueeze(1).expand(-1, d), emb, "amax",
                                                                   include_self=False)
        return out[:b]
    out = ft.zeros(b + 1, d, dtype=emb.dtype).index_add(0, seg_t, emb)[:b]
    if mode == "mean":
        counts = np.bincount(seg, minlength=b + 1)[:b].clip(min=1)
        out = out / ft.from_numpy(counts.astype(np.float64)).to(out.dtype).unsqueeze(1)
    return out
