"""Rules: sort, topk, kthvalue, mode (fx.tensor _ops/sorting.py): the values' gradient goes back
to the input positions their int64 indices name; the indices take none."""

from __future__ import annotations

from . import rule
from .reduce import select_back


@rule("sort", "topk", "kthvalue", "mode", save="output", outputs=(1,))
def _select(ctx, g, _):
    return select_back(ctx, g, ctx.outputs[1])
