"""The derivative table: one rule per differentiable fx.tensor primitive, keyed by its name.

A rule is `fn(ctx, *grads) -> grads for the inputs` (a tuple with one entry per input, `None` for
inputs that take no gradient; a single tensor when the primitive has one input). `grads` holds one
gradient per output (zeros for float outputs nothing flowed into). `ctx` is the graph node:
`ctx.inputs` / `ctx.outputs` / `ctx.out` (saved tensors, when the rule asked for them with
`save=`), `ctx.params` (the primitive's keyword params), `ctx.shapes` / `ctx.dtypes` (of the
inputs) and `ctx.needs_input_grad`. Rules are written in fx ops so that double backward works, and
never un-broadcast: the engine sums each gradient to its input's shape in one place.
"""

from __future__ import annotations

import importlib

RULES: dict = {}


class Rule:
    __slots__ = ("fn", "save_inputs", "save_output", "name")

    def __init__(self, name, fn, save_inputs, save_output):
        self.name, self.fn = name, fn
        self.save_inputs, self.save_output = save_inputs, save_output


def rule(*names, save="inputs", outputs=None):
    """Register `fn` as the derivative of the primitives `names`.

    save: what backward reads (kept alive until then): "inputs", "output", "both", None, or a
    tuple of input positions, optionally with "output" (e.g. `save=(0, "output")`); inputs that are
    not saved read as None in `ctx.inputs`.
    outputs: for a multi-output primitive whose rule reads only some outputs (e.g. a norm's
    mean/rstd, a max-pool's indices), their positions; the others are not saved, so an in-place op
    on them afterwards (ReLU(inplace=True) after BatchNorm) does not invalidate backward, as in PyTorch.
    """
    if isinstance(save, tuple):
        positions = tuple(i for i in save if isinstance(i, int))
        if len(positions) + ("output" in save) != len(save):
            raise ValueError(f"save tuple may hold input positions and 'output' only, got {save!r}")
        save_inputs, save_output = positions or False, "output" in save
    elif save in ("inputs", "output", "both", None):
        save_inputs, save_output = save in ("inputs", "both"), save in ("output", "both")
    else:
        raise ValueError(f"save must be 'inputs', 'output', 'both', None or a tuple, got {save!r}")

    if outputs is not None:
        if not save_output or not all(isinstance(i, int) for i in outputs):
            raise ValueError(f"outputs= lists output positions of a rule that saves its output, got {outputs!r}")
        save_output = tuple(outputs)

    def register(fn):
        for n in names:
            if n in RULES:
                raise ValueError(f"a derivative rule for {n!r} is already registered")
            RULES[n] = Rule(n, fn, save_inputs, save_output)
        return fn

    return register


def load_all():
    """Import every rule module (each registers its rules)."""
    import pkgutil

    from . import __path__ as here

    for info in pkgutil.iter_modules(here):
        importlib.import_module(f"{__name__}.{info.name}")
