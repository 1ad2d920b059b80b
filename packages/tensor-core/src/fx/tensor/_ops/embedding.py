"""Embedding primitives: row lookup and its index-accumulate backward.

  embedding(weight, indices) -> weight[indices]: weight (num, d), indices int64 of any shape;
      output indices.shape + (d,); param padding_idx (-1: none) is for the gradient:
      embedding_backward(g, indices).
  embedding_backward(g, indices) -> gw (num, d): params num_weights, padding_idx (-1: none). Rows
      of g summed into the rows they index (C kernel, parallel over weight rows), nothing into
      padding_idx. Linear in g: its gradient is the lookup of gg, zero where indices == padding_idx.
"""

from __future__ import annotations

from .._dispatch import define

__all__: list = []

P_embedding = define("embedding")
P_embedding_backward = define("embedding_backward")
