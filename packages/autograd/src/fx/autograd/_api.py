"""`backward`, `grad`, and the autograd methods fx.autograd adds to Tensor."""

from __future__ import annotations

import weakref

import fx.tensor as ft
from fx.tensor import _tensor as _tensor_mod
from fx.tensor._tensor import Tensor

from . import _engine
from ._graph import gradient_edge, meta
from ._grad_mode import state

__all__ = ["backward", "grad"]


def _as_tuple(x):
    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _root_grads(outputs, grad_outputs, create_graph):
    grads = []
    for i, out in enumerate(outputs):
        g = grad_outputs[i] if grad_outputs is not None and i < len(grad_outputs) else None
        if g is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not out.dtype.is_floating_point:
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {out.dtype}")
            g = ft.ones_like(out)
        elif not isinstance(g, Tensor):
            raise TypeError(f"grad_outputs must be Tensors, got {type(g).__name__}")
        elif g.shape != out.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {tuple(g.shape)} and output[{i}] has a shape "
                f"of {tuple(out.shape)}."
            )
        grads.append(g)
    return grads


def _edges(outputs):
    edges = []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"outputs must be Tensors, got {type(out).__name__}")
        e = gradient_edge(out)
        if e is None:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        edges.append(e)
    return edges


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradients of `tensors` with respect to the graph's leaves into their `.grad`.

    Args:
        tensors: a Tensor or a sequence of Tensors to differentiate.
        grad_tensors: the gradient with respect to each of `tensors`; None for a scalar means ones.
        retain_graph: keep the graph for another backward (default: `create_graph`).
        create_graph: record the backward pass so the gradients can be differentiated again.
        inputs: accumulate only into these tensors' `.grad` (default: every leaf of the graph).

    Returns:
        None; gradients are added to `.grad` of the leaves (or of `inputs`).

    Example:
        >>> x = ft.tensor([1.0, 2.0], requires_grad=True)
        >>> autograd.backward((x * x).sum())
        >>> x.grad
        tensor([2., 4.])
    """
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) if grad_tensors is not None else None
    if retain_graph is None:
        retain_graph = create_graph
    edges = _edges(tensors)
    grads = _root_grads(tensors, grad_tensors, create_graph)
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("backward: 'inputs' argument to backward() cannot be empty.")
        captured = _engine.run(edges, grads, retain_graph, create_graph, capture=[_input_edge(t) for t in inputs])
        for t in inputs:
            g = captured.get(_input_edge(t))
            if g is not None:
                _store_grad(t, g, create_graph)
        return
    _engine.run(edges, grads, retain_graph, create_graph)


def _input_edge(t):
    e = gradient_edge(t)
    if e is None:
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    return e


def _store_grad(t, g, create_graph):
    if t.grad_fn is not None:
        t.grad = g if create_graph else g.detach()
        return
    from ._engine import _accumulate
    from ._graph import grad_accumulator

    _accumulate(grad_accumulator(t), g, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Gradients of `outputs` with respect to `inputs`, returned instead of accumulated into `.grad`.

    Args:
        outputs: a Tensor or a sequence of Tensors to differentiate.
        inputs: a Tensor or a sequence of Tensors to differentiate with respect to.
        grad_outputs: the gradient with respect to each output; None for a scalar means ones.
        retain_graph: keep the graph for another backward (default: `create_graph`).
        create_graph: record the backward pass so the result can be differentiated again.
        only_inputs: ignored (deprecated in PyTorch too).
        allow_unused: return None for an input the outputs do not depend on instead of raising.
        is_grads_batched: accepted for compatibility; batched grad_outputs are not supported
            (use `fx.autograd.func.vmap` over `grad` instead).
        materialize_grads: return zeros instead of None for unused inputs (implies allow_unused).

    Returns:
        A tuple with one gradient (or None) per input, even for a single input.

    Example:
        >>> x = ft.tensor([1.0, 2.0], requires_grad=True)
        >>> autograd.grad((x ** 3).sum(), x)
        (tensor([ 3., 12.]),)
    """
    outputs = _as_tuple(outputs)
    single = isinstance(inputs, Tensor)
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("grad requires non-empty inputs.")
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got "
                         "allow_unused=False.")
    if retain_graph is None:
        retain_graph = create_graph
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else None
    edges = _edges(outputs)
    grads = _root_grads(outputs, grad_outputs, create_graph)
    input_edges = [_input_edge(t) for t in inputs]
    captured = _engine.run(edges, grads, retain_graph, create_graph, capture=input_edges)
    result = []
    for i, (t, e) in enumerate(zip(inputs, input_edges)):
        g = captured.get(e)
        if g is None:
            if materialize_grads:
                g = ft.zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {i}) appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        elif not create_graph:
            g = g.detach()
        result.append(g)
    del single  # like PyTorch, always a tuple
    return tuple(result)


# ---- Tensor methods --------------------------------------------------------------------------
def _tensor_backward(self, gradient, retain_graph, create_graph, inputs):
    backward(self, gradient, retain_graph, create_graph, inputs)


def register_hook(self, hook):
    """Register `hook(grad)`, called with this tensor's gradient when backward computes it.

    Args:
        hook: returns a replacement gradient, or None to keep it.

    Returns:
        A handle whose `remove()` unregisters the hook.

    Example:
        >>> w = ft.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = w.register_hook(lambda g: g * 10)
        >>> (w * w).sum().backward()
        >>> w.grad
        tensor([20., 40.])
    """
    if not self._rg:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self.grad_fn is None:
        m = meta(self)
        if m.hooks is None:
            m.hooks = []
        m.hooks.append(hook)
        return _ListHandle(m.hooks, hook)
    nr = _engine.output_nr(self)

    def prehook(grads):
        g = grads[nr]
        if g is None:
            return None
        r = hook(g)
        if r is None:
            return None
        grads = list(grads)
        grads[nr] = r
        return tuple(grads)

    return self.grad_fn.register_prehook(prehook)


def register_post_accumulate_grad_hook(self, hook):
    """Register `hook(tensor)`, called after backward has accumulated into this leaf's `.grad`.

    Args:
        hook: receives the leaf tensor; its result is ignored.

    Returns:
        A handle whose `remove()` unregisters the hook.

    Example:
        >>> w = ft.tensor([1.0, 2.0], requires_grad=True)
        >>> _ = w.register_post_accumulate_grad_hook(lambda t: print("grad", t.grad))
        >>> (w * 3).sum().backward()
        grad tensor([3., 3.])
    """
    if self.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    if not self._rg:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    m = meta(self)
    if m.post_acc_hooks is None:
        m.post_acc_hooks = []
    m.post_acc_hooks.append(hook)
    return _ListHandle(m.post_acc_hooks, hook)


def retain_grad(self):
    """Keep `.grad` for this non-leaf tensor after backward (leaves keep it anyway).

    Returns:
        None.

    Example:
        >>> x = ft.tensor([1.0, 2.0], requires_grad=True)
        >>> y = x * 2
        >>> y.retain_grad()
        >>> (y * y).sum().backward()
        >>> y.grad
        tensor([4., 8.])
    """
    if not self._rg:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if self.grad_fn is None:
        return
    m = meta(self)
    if m.retains_grad:
        return
    m.retains_grad = True
    ref = weakref.ref(self)  # the hook must not keep the tensor alive (no cycle through grad_fn)
    nr = _engine.output_nr(self)

    def keep(grads):
        t = ref()
        g = grads[nr]
        if t is not None and g is not None:
            g = g if state.enabled else g.detach()
            t.grad = g.clone() if t.grad is None else t.grad + g
        return None

    self.grad_fn.register_prehook(keep)


class _ListHandle:
    def __init__(self, lst, fn):
        self._lst, self._fn = lst, fn

    def remove(self):
        if self._fn in self._lst:
            self._lst.remove(self._fn)


def _retains_grad(self):
    return self._ag is not None and self._ag.retains_grad


def install_methods():
    _tensor_mod.autograd_backward = _tensor_backward
    Tensor.register_hook = register_hook
    Tensor.register_post_accumulate_grad_hook = register_post_accumulate_grad_hook
    Tensor.retain_grad = retain_grad
    Tensor.retains_grad = property(_retains_grad)
