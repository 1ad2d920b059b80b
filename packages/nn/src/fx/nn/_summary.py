"""fx.nn.summary: a per-module table of output shapes, parameter counts and activation memory.

Output shapes come from forward hooks during one forward pass under no_grad on an all-zeros input
of the given shape (or on the example tensors given); no gradients or optimizer state are made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import fx.tensor as ft
from fx.autograd import no_grad
from fx.tensor._tensor import Tensor

from .modules.module import Module

__all__ = ["summary", "ModelSummary", "LayerInfo"]


@dataclass
class LayerInfo:
    """One module's row: dotted path, depth, type, output shapes, own parameters, output bytes."""

    path: str
    depth: int
    type: str
    output_shapes: list = field(default_factory=list)
    num_params: int = 0
    trainable_params: int = 0
    activation_bytes: int = 0
    calls: int = 0
    is_leaf: bool = True


@dataclass
class ModelSummary:
    """The result of `summary`; `str()` gives the table, the fields hold the numbers."""

    layers: list
    total_params: int
    trainable_params: int
    param_bytes: int
    buffer_bytes: int
    input_bytes: int
    activation_bytes: int
    optimizer_states: int

    @property
    def non_trainable_params(self) -> int:
        return self.total_params - self.trainable_params

    @property
    def training_bytes(self) -> int:
        """Estimated training memory: weights + their grads + optimizer state + saved activations + inputs."""
        trainable_bytes = self.param_bytes * self.trainable_params // max(self.total_params, 1)
        return (self.param_bytes + self.buffer_bytes + trainable_bytes * (1 + self.optimizer_states)
                + self.activation_bytes + self.input_bytes)

    def __str__(self):
        header = ("Layer (type)", "Output Shape", "Param #", "Activations")
        rows = []
        for info in self.layers:
            name = ("  " * info.depth) + (f"{info.path} ({info.type})" if info.path else info.type)
            if info.calls > 1:
                name += f" x{info.calls}"
            shapes = ", ".join(_fmt_shape(s) for s in info.output_shapes) or "--"
            act = _fmt_bytes(info.activation_bytes) if info.calls else "--"
            params = "--" if not info.is_leaf and not info.num_params else f"{info.num_params:,}"
            rows.append((name, shapes, params, act))
        widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
        line = "=" * (sum(widths) + 6)
        fmt = lambda r: f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}"
        out = [line, fmt(header), line] + [fmt(r) for r in rows] + [line]
        out += [
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.non_trainable_params:,}",
            line,
            f"Input size: {_fmt_bytes(self.input_bytes)}",
            f"Params + buffers size: {_fmt_bytes(self.param_bytes + self.buffer_bytes)}",
            f"Activations (leaf outputs, forward): {_fmt_bytes(self.activation_bytes)}",
            f"Estimated training memory (weights, grads, {self.optimizer_states} optimizer states/param, "
            f"activations): {_fmt_bytes(self.training_bytes)}",
            line,
        ]
        return "\n".join(out)

    __repr__ = __str__


def _fmt_shape(s):
    return "[" + ", ".join(str(d) for d in s) + "]"


def _fmt_bytes(n):
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.2f} {unit}" if unit != "B" else f"{n} B"
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
    return isinstance(x, (tuple, list, ft.Size)) and all(isinstance(d, int) for d in x)


def _make_inputs(input_shape_or_example, dtype, device):
    spec = input_shape_or_example
    if isinstance(spec, Tensor):
        return (spec,)
    if _is_shape(spec):
        return (ft.zeros(tuple(spec), dtype=dtype, device=device),)
    if isinstance(spec, (tuple, list)):
        dtypes = dtype if isinstance(dtype, (tuple, list)) else [dtype] * len(spec)
        return tuple(s if isinstance(s, Tensor) else ft.zeros(tuple(s), dtype=dt, device=device)
                     for s, dt in zip(spec, dtypes))
    raise TypeError(f"summary(): input_shape_or_example must be a shape, a Tensor or a sequence of them, got "
                    f"{type(spec).__name__}")


def summary(model, input_shape_or_example, dtype=None, device=None, optimizer_states=2, **kwargs):
    """A table of every module of `model`: path, type, output shape, parameter count, activation memory.

    Args:
        model: the Module to describe.
        input_shape_or_example: an input shape (tuple of ints), a list of shapes (several inputs), or
            example tensors. Shapes are fed as zeros of `dtype` (default float32; use int64 for
            Embedding inputs).
        optimizer_states: tensors of optimizer state per trainable parameter for the training
            memory estimate (Adam: 2, SGD with momentum: 1).
        kwargs: extra keyword arguments for model.forward.
    Returns:
        ModelSummary (print it for the table).

    Example:
        >>> print(fx.nn.summary(fx.nn.Sequential(fx.nn.Linear(64, 256), fx.nn.ReLU()), (32, 64)))
    """
    if not isinstance(model, Module):
        raise TypeError(f"summary(): model must be a Module, got {type(model).__name__}")
    dtype = dtype or ft.float32
    inputs = _make_inputs(input_shape_or_example, dtype, device)
    infos, handles = {}, []
    for path, m in model.named_modules():
        own = [p for p in m._parameters.values() if p is not None]
        info = LayerInfo(path, path.count(".") + 1 if path else 0, type(m).__name__,
                         num_params=sum(p.numel() for p in own),
                         trainable_params=sum(p.numel() for p in own if p.requires_grad),
                         is_leaf=not m._modules)
        infos[id(m)] = info

        def hook(mod, args, out, info=info):
            info.calls += 1
            outs = list(_tensors(out))
            if info.calls == 1:
                info.output_shapes = [tuple(t.shape) for t in outs]
            info.activation_bytes += sum(t.nbytes for t in outs)

        handles.append(m.register_forward_hook(hook))
    try:
        with no_grad():
            model(*inputs, **kwargs)
    finally:
        for h in handles:
            h.remove()
    params = list(model.parameters())
    layers = list(infos.values())
    return ModelSummary(
        layers=layers,
        total_params=sum(p.numel() for p in params),
        trainable_params=sum(p.numel() for p in params if p.requires_grad),
        param_bytes=sum(p.nbytes for p in params),
        buffer_bytes=sum(b.nbytes for b in model.buffers()),
        input_bytes=sum(t.nbytes for t in inputs),
        activation_bytes=sum(i.activation_bytes for i in layers if i.is_leaf),
        optimizer_states=optimizer_states,
    )
