"""CPU kernels of the embedding primitives (c_src/cpu/embedding.c); see fx/tensor/_ops/embedding.py."""

from __future__ import annotations

import numpy as np

from ..._ops import embedding as _prims  # noqa: F401  (defines the primitives)
from ._nnc import contig, floats, fn, ptr
from ._util import register


def _out_of_range(i, num):
    raise IndexError(f"index {int(i)} is out of range in self (embedding of {num} rows)")


@register("embedding")
def embedding(w, idx, *, padding_idx):
    if idx.size:
        lo, hi = idx.min(), idx.max()
        if lo < 0 or hi >= w.shape[0]:
            _out_of_range(lo if lo < 0 else hi, w.shape[0])
    return w.take(idx, axis=0)


@register("embedding_backward")
def embedding_backward(g, idx, *, num_weights, padding_idx):
    def body(g, idx):
        d = g.shape[-1]
        flat = contig(idx.reshape(-1))
        gw = np.empty((num_weights, d), g.dtype)
        bad = fn("fx_embedding_backward", g.dtype)(ptr(g.reshape(-1, d) if g.size else g), ptr(flat), ptr(gw),
                                                   flat.shape[0], d, num_weights, padding_idx)
        if bad >= 0:
            _out_of_range(flat[bad], num_weights)
        return gw

    return floats(body, g.dtype, g, contig(idx))
