"""fx.nn.summary: a per-module table of output shapes, parameter counts and activation memory, found by
a shape-only forward pass (_shape_infer.py) that runs no kernel on the input's data where a shape
rule exists, plus totals and an estimate of training memory."""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import dataclass, field

import fx.tensor as ft
from fx.autograd import no_grad
from fx.autograd._rules import RULES as GRAD_RULES
from fx.tensor._tensor import Tensor

from ._shape_infer import ShapeInference, meta_tensor
from .modules.module import Module

__all__ = ["summary", "ModelSummary", "LayerInfo"]

_FLOAT_KINDS = ("f", "V")  # NumPy kinds of the float dtypes (bfloat16 is "V"): the ones autograd tracks
_MODES = ("same", "train", "eval")


@dataclass
class LayerInfo:
    """One module's row: dotted path, depth, type, output shapes, parameters, saved activations."""

    path: str
    depth: int
    type: str
    output_shapes: list = field(default_factory=list)
    num_params: int = 0  # its own parameters
    trainable_params: int = 0  # its own parameters that require grad
    total_params: int = 0  # its parameters and its submodules' (each tensor once)
    activation_bytes: int = 0  # saved for backward by the ops run inside it (submodules included)
    calls: int = 0
    is_leaf: bool = True


@dataclass
class ModelSummary:
    """The result of `summary`; `str()` gives the table, the fields hold the numbers."""

    layers: list
    total_params: int
    trainable_params: int
    param_bytes: int
    trainable_bytes: int
    buffer_bytes: int
    input_bytes: int
    activation_bytes: int
    optimizer_states: int
    depth: int = 3
    shape_only_ops: int = 0
    fallback_ops: Counter = field(default_factory=Counter)

    @property
    def non_trainable_params(self) -> int:
        return self.total_params - self.trainable_params

    @property
    def training_bytes(self) -> int:
        """Weights and buffers + one gradient and `optimizer_states` tensors per trainable weight +
        inputs + activations saved for backward."""
        return (self.param_bytes + self.buffer_bytes + self.trainable_bytes * (1 + self.optimizer_states)
                + self.input_bytes + self.activation_bytes)

    def __str__(self):
        header = ("Layer (type)", "Output Shape", "Param #", "Activations")
        rows = [_row(info, self.depth) for info in self.layers if info.depth <= self.depth]
        widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
        line = "=" * (sum(widths) + 6)
        fmt = lambda r: f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}"
        fallback = ", ".join(f"{name} x{n}" for name, n in sorted(self.fallback_ops.items()))
        return "\n".join([line, fmt(header), line] + [fmt(r) for r in rows] + [
            line,
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.non_trainable_params:,}",
            line,
            f"Input size: {_fmt_bytes(self.input_bytes)}",
            f"Params + buffers size: {_fmt_bytes(self.param_bytes + self.buffer_bytes)}",
            f"Activations saved for backward: {_fmt_bytes(self.activation_bytes)}",
            f"Estimated training memory: {_fmt_bytes(self.training_bytes)} (weights, gradients, "
            f"{self.optimizer_states} optimizer states per weight, inputs, saved activations)",
            line,
            f"Shape inference: {self.shape_only_ops} ops from shape rules, "
            f"{sum(self.fallback_ops.values())} ran their kernel" + (f" ({fallback})" if fallback else ""),
        ])

    __repr__ = __str__


def _row(info, max_depth):
    name = ("  " * info.depth) + (f"{info.path} ({info.type})" if info.path else info.type)
    if info.calls > 1:
        name += f" x{info.calls}"
    shapes = ", ".join(_fmt_shape(s) for s in info.output_shapes) or "--"
    act = _fmt_bytes(info.activation_bytes) if info.calls else "--"
    if not info.is_leaf and info.depth == max_depth:  # its submodules are not shown: count theirs here
        params = f"{info.total_params:,}"
    elif not info.is_leaf and not info.num_params:
        params = "--"
    else:
        params = f"{info.num_params:,}"
        if info.num_params and info.trainable_params != info.num_params:
            params += " (frozen)" if not info.trainable_params else f" ({info.trainable_params:,} trainable)"
    return name, shapes, params, act


def _fmt_shape(s):
    return "[" + ", ".join(str(d) for d in s) + "]"


def _fmt_bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n} B" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1024


def _tensors(obj):
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _tensors(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _tensors(o)


def _is_shape(x):
    return isinstance(x, (tuple, list, ft.Size)) and all(isinstance(d, int) and not isinstance(d, bool) for d in x)


def _build(spec, dtype):
    """A meta tensor for a shape or an example tensor; nested sequences give nested tuples."""
    if isinstance(spec, Tensor):
        return meta_tensor(spec.shape, spec.dtype)
    if _is_shape(spec):
        if any(d < 0 for d in spec):
            raise ValueError(f"summary(): input shapes must not hold negative sizes, got {list(spec)}")
        return meta_tensor(tuple(spec), dtype)
    if isinstance(spec, (tuple, list)) and spec:
        return tuple(_build(s, dtype) for s in spec)
    raise TypeError("summary(): input_shape_or_example must be a shape, a Tensor or a sequence of them, got "
                    f"{type(spec).__name__}")


def _make_inputs(spec, dtype):
    if isinstance(spec, Tensor) or _is_shape(spec):
        return (_build(spec, dtype[0] if isinstance(dtype, (tuple, list)) else dtype),)
    if not isinstance(spec, (tuple, list)) or not spec:
        _build(spec, dtype)  # raises the TypeError
    dtypes = list(dtype) if isinstance(dtype, (tuple, list)) else [dtype] * len(spec)
    if len(dtypes) != len(spec):
        raise ValueError(f"summary(): got {len(dtypes)} dtypes for {len(spec)} inputs")
    return tuple(_build(s, dt) for s, dt in zip(spec, dtypes))


class _SavedActivations:
    """Counts the tensors fx.autograd would save for backward if this forward ran with gradients:
    per primitive call with an input that would require grad, the inputs/outputs its derivative
    rule saves (fx.autograd's table), each storage once; weights, buffers and inputs are counted
    elsewhere."""

    def __init__(self, known):
        self.bytes = 0
        self._requires: dict = {}
        self._counted = {id(t): weakref.ref(t) for t in known}

    @staticmethod
    def _holds(table, t):
        r = table.get(id(t))
        return r is not None and r() is t

    def __call__(self, prim, inputs, params, out):
        if not prim.differentiable or not any(t._rg or self._holds(self._requires, t) for t in inputs):
            return
        outs = (out,) if prim.nout == 1 else out
        for o in outs:
            if o._data.dtype.kind in _FLOAT_KINDS:
                self._requires[id(o)] = weakref.ref(o)
        grad_rule = GRAD_RULES.get(prim.name)
        if grad_rule is None:
            return
        if grad_rule.save_inputs:
            which = grad_rule.save_inputs
            for i, t in enumerate(inputs):
                if (which is True or i in which) and not (prim.inplace and i == 0):
                    self._save(t)
        if grad_rule.save_output:
            keep = grad_rule.save_output
            for i, o in enumerate(outs):
                if keep is True or i in keep:
                    self._save(o)

    def _save(self, t):
        storage = t._base if t._base is not None else t
        if not self._holds(self._counted, storage):
            self._counted[id(storage)] = weakref.ref(storage)
            self.bytes += storage.nbytes


def summary(model, input_shape_or_example, dtype=None, *, depth=3, mode="same", optimizer_states=2, **kwargs):
    """A table of every module of `model`: path, type, output shape, parameter count, activation memory.

    The forward pass runs on meta tensors (_shape_infer.py: a real tensor's shape, dtype and
    strides, but no memory): each primitive applied to the input, or to anything computed from it,
    returns its output shapes from a shape rule without running its kernel, so a summary of a huge
    input costs no memory and almost no time. Work that does not involve the input (on weights,
    buffers, tensors made inside forward) runs as usual. Primitives without a rule, or whose output
    shape depends on values (nonzero, boolean masks), run their kernel on an all-zero stand-in; the
    last line counts them. Autograd records nothing, and parameters and buffers are left as they
    were.

    Memory: "Activations" are the tensors fx.autograd would keep for backward if this forward ran
    with gradients, found from its derivative table (each storage once; weights, buffers and inputs
    excluded; a row counts what is first saved while it runs, submodules included). Estimated
    training memory = weights + buffers + one gradient and `optimizer_states` tensors per
    trainable weight + inputs + saved activations: what is held when backward starts, without the
    loss, the backward pass's temporaries or allocator overhead.

    Args:
        model: the Module to describe.
        input_shape_or_example: an input shape (tuple of ints), a list of shapes (one per
            positional input; a nested list gives a tuple input), or example tensors (only their
            shapes and dtypes are used).
        dtype: dtype of the inputs given as shapes (default float32; int64 for Embedding
            indices); a list gives one dtype per input.
        depth: deepest module level shown (the root is 0); deeper modules still count in totals.
        mode: "same" (default) keeps the model's modes, "train" or "eval" puts it in that mode
            for the pass (a training estimate is exact in train mode); modes are restored after.
        optimizer_states: tensors of optimizer state per trainable weight (Adam: 2, SGD with
            momentum: 1, plain SGD: 0).
        kwargs: extra keyword arguments for model.forward (passed unchanged).

    Returns:
        ModelSummary (print it for the table).

    Example:
        >>> s = nn.summary(nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10)), (32, 64))
        >>> s.total_params, s.layers[1].output_shapes
        (19210, [(32, 256)])
    """
    if not isinstance(model, Module):
        raise TypeError(f"summary(): model must be a Module, got {type(model).__name__}")
    if mode not in _MODES:
        raise ValueError(f"summary(): mode must be one of {_MODES}, got {mode!r}")
    inputs = _make_inputs(input_shape_or_example, dtype or ft.float32)
    infos, handles, stack = {}, [], []
    params, buffers = list(model.parameters()), list(model.buffers())
    saved = _SavedActivations(params + buffers + list(_tensors(inputs)))
    for path, m in model.named_modules():
        own = [p for p in m._parameters.values() if p is not None]
        infos[id(m)] = info = LayerInfo(path, path.count(".") + 1 if path else 0, type(m).__name__,
                                        num_params=sum(p.numel() for p in own),
                                        trainable_params=sum(p.numel() for p in own if p.requires_grad),
                                        total_params=sum(p.numel() for p in m.parameters()), is_leaf=not m._modules)

        def enter(mod, args):
            stack.append(saved.bytes)

        def leave(mod, args, out, info=info):
            info.calls += 1
            if info.calls == 1:
                info.output_shapes = [tuple(t.shape) for t in _tensors(out)]
            info.activation_bytes += saved.bytes - stack.pop()

        handles.append(m.register_forward_pre_hook(enter, prepend=True))
        handles.append(m.register_forward_hook(leave))
    modes = [(m, m.training) for m in model.modules()]
    state = [(b, b.clone()) for b in buffers]
    if mode != "same":
        model.train(mode == "train")
    try:
        with no_grad(), ShapeInference(observer=saved) as inference:
            model(*inputs, **kwargs)
    finally:
        for h in handles:
            h.remove()
        for m, training in modes:
            m.training = training
        with no_grad():
            for b, value in state:
                b.copy_(value)
    layers = list(infos.values())
    return ModelSummary(
        layers=layers,
        total_params=sum(p.numel() for p in params),
        trainable_params=sum(p.numel() for p in params if p.requires_grad),
        param_bytes=sum(p.nbytes for p in params),
        trainable_bytes=sum(p.nbytes for p in params if p.requires_grad),
        buffer_bytes=sum(b.nbytes for b in buffers),
        input_bytes=sum(t.nbytes for t in _tensors(inputs)),
        activation_bytes=saved.bytes,
        optimizer_states=optimizer_states,
        depth=depth,
        shape_only_ops=sum(inference.shape_only.values()),
        fallback_ops=+inference.fallbacks,
    )
