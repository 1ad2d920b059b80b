"""Embedding layers: Embedding and EmbeddingBag."""

from __future__ import annotations

import fx.tensor as ft
from fx.autograd import no_grad

from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Embedding", "EmbeddingBag"]


def _padding_idx(padding_idx, num_embeddings):
    if padding_idx is None:
        return None
    if padding_idx > 0:
        assert padding_idx < num_embeddings, "Padding_idx must be within num_embeddings"
    elif padding_idx < 0:
        assert padding_idx >= -num_embeddings, "Padding_idx must be within num_embeddings"
        padding_idx = num_embeddings + padding_idx
    return padding_idx


def _init_weight(module, num_embeddings, embedding_dim, _weight, _freeze, device, dtype):
    if _weight is None:
        module.weight = Parameter(ft.empty((num_embeddings, embedding_dim), device=device, dtype=dtype),
                                  requires_grad=not _freeze)
        module.reset_parameters()
    else:
        if list(_weight.shape) != [num_embeddings, embedding_dim]:
            raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
        module.weight = Parameter(_weight, requires_grad=not _freeze)


class Embedding(Module):
    """A lookup table: row i of `weight` (num_embeddings, embedding_dim) for each index i of the input.

    Args:
        num_embeddings: the number of rows (the vocabulary size).
        embedding_dim: the size of each row.
        padding_idx: a row that starts at zero and gets no gradient (default None).
        max_norm: rows looked up are first renormalized in place to p-norm at most max_norm (default None).
        norm_type: the p of that norm (default 2.0).
        scale_grad_by_freq: divide each row's gradient by its count in the batch (default False).
        sparse: accepted for PyTorch compatibility; gradients are dense.
        device, dtype: where and of what dtype the weight is created.
    Shape: input (*) int64 or int32 indices -> output (*, embedding_dim).

    Attributes:
        weight: (num_embeddings, embedding_dim), drawn from N(0, 1) (the padding_idx row zero).

    Example:
        >>> nn.Embedding(10, 3)(ft.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])).shape
        fx.tensor.Size([2, 4, 3])
        >>> nn.Embedding(10, 3, padding_idx=0).weight[0].tolist()
        [0.0, 0.0, 0.0]
    """

    __constants__ = ["num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq",
                     "sparse"]

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = _padding_idx(padding_idx, num_embeddings)
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        _init_weight(self, num_embeddings, embedding_dim, _weight, _freeze, device, dtype)

    def reset_parameters(self):
        """Redraw weight from N(0, 1), with the padding_idx row zero."""
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self):
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse:
            s += ", sparse=True"
        return s

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        """An Embedding whose weight is `embeddings` (2-d); freeze=True keeps it out of training.

        Args:
            embeddings: the (num_embeddings, embedding_dim) weight (its storage is shared).
            freeze: whether the weight gets no gradient (default True).
            padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse: as in the constructor.

        Example:
            >>> emb = nn.Embedding.from_pretrained(ft.arange(6.).reshape(3, 2))
            >>> emb(ft.tensor([[2, 0]]))
            tensor([[[4., 5.],
                     [0., 1.]]])
        """
        if embeddings.ndim != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(rows, cols, _weight=embeddings, _freeze=freeze, padding_idx=padding_idx, max_norm=max_norm,
                   norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


class EmbeddingBag(Module):
    """Sums, means or maxima of bags of embeddings, without materializing the looked-up rows per bag.

    forward(input, offsets=None, per_sample_weights=None): bags are the rows of a 2-d input, or the
    runs of a 1-d input that start at `offsets`; per_sample_weights (mode "sum") scales each row.

    Args:
        num_embeddings: the number of rows (the vocabulary size).
        embedding_dim: the size of each row.
        max_norm: rows looked up are first renormalized in place to p-norm at most max_norm (default None).
        norm_type: the p of that norm (default 2.0).
        scale_grad_by_freq: divide each row's gradient by its count in the batch (default False).
        mode: "sum", "mean" (default) or "max" of each bag.
        sparse: accepted for PyTorch compatibility; gradients are dense.
        include_last_offset: offsets has one more entry, the end of the last bag (default False).
        padding_idx: a row that starts at zero and is left out of every bag (default None).
        device, dtype: where and of what dtype the weight is created.
    Shape: input (B, L) or (M,) with offsets (B,) -> output (B, embedding_dim); an empty bag gives zeros.

    Attributes:
        weight: (num_embeddings, embedding_dim), drawn from N(0, 1).

    Example:
        >>> bag = nn.EmbeddingBag.from_pretrained(ft.arange(6.).reshape(3, 2), mode="sum")
        >>> bag(ft.tensor([0, 1, 2, 2]), ft.tensor([0, 2]))
        tensor([[ 2.,  4.],
                [ 8., 10.]])
    """

    __constants__ = ["num_embeddings", "embedding_dim", "max_norm", "norm_type", "scale_grad_by_freq", "mode",
                     "sparse", "include_last_offset", "padding_idx"]

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode="mean", sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None,
                 dtype=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.padding_idx = _padding_idx(padding_idx, num_embeddings)
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset
        _init_weight(self, num_embeddings, embedding_dim, _weight, False, device, dtype)

    reset_parameters = Embedding.reset_parameters
    _fill_padding_idx_with_zero = Embedding._fill_padding_idx_with_zero

    def forward(self, input, offsets=None, per_sample_weights=None):
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                               self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                        mode="mean", sparse=False, include_last_offset=False, padding_idx=None):
        """An EmbeddingBag whose weight is `embeddings` (2-d); freeze=True keeps it out of training.

        Args:
            embeddings: the (num_embeddings, embedding_dim) weight (its storage is shared).
            freeze: whether the weight gets no gradient (default True).
            max_norm, norm_type, scale_grad_by_freq, mode, sparse, include_last_offset, padding_idx:
                as in the constructor.

        Example:
            >>> bag = nn.EmbeddingBag.from_pretrained(ft.arange(6.).reshape(3, 2), mode="max")
            >>> bag(ft.tensor([[0, 1], [2, 0]]))
            tensor([[2., 3.],
                    [4., 5.]])
        """
        if embeddings.ndim != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        bag = cls(rows, cols, _weight=embeddings, max_norm=max_norm, norm_type=norm_type,
                  scale_grad_by_freq=scale_grad_by_freq, mode=mode, sparse=sparse,
                  include_last_offset=include_last_offset, padding_idx=padding_idx)
        bag.weight.requires_grad_(not freeze)
        return bag
