"""Rules: reductions and scans (fx.tensor _ops/reduce.py, _ops/scan.py)."""

from __future__ import annotations

from . import rule


def expand_back(ctx, g):
    """g of a reduction over params dims/keepdim, reshaped to broadcast against the input."""
    shape = ctx.shapes[0]
    dims = ctx.params.get("dims")
    if not ctx.params.get("keepdim") and shape:
        kept = [1 if (dims is None or i in dims) else s for i, s in enumerate(shape)]
        g = g.reshape(kept)
    return g.expand(shape)


@rule("sum", save=None)
def _sum(ctx, g):
    return expand_back(ctx, g)
