"""The recorded graph: nodes (grad_fn), leaf accumulators, saved tensors, and the recorder.

The recorder is installed as fx.tensor's grad hook: the dispatcher calls it only for primitives
with an input that requires grad. It runs the kernel, then links a Node to the inputs' gradient
edges. Nodes hold their inputs' edges and the tensors their rule asked to save; outputs point at
their node but a node never points at its outputs (a saved output is kept as a detached alias), so
a finished graph is freed by reference counting alone.
"""

from __future__ import annotations

import traceback
import weakref

from fx.tensor import _dispatch
from fx.tensor._tensor import Tensor, wrap

from . import _anomaly_state
from ._grad_mode import state
from ._rules import RULES
from ._saved import pack_saved, saved_hooks_active

_FLOAT_KINDS = ("f", "V")  # NumPy kinds of float16/32/64 ("f") and ml_dtypes' bfloat16 ("V")
_ONE_FLOAT, _ONE_OTHER = (True,), (False,)


class Meta:
    """Per-tensor autograd state, created on first need (`Tensor._ag`)."""

    __slots__ = ("acc", "hooks", "post_acc_hooks", "retains_grad", "output_nr", "view_version")

    def __init__(self):
        self.acc = None  # weakref to the leaf's AccumulateGrad
        self.hooks = None
        self.post_acc_hooks = None
        self.retains_grad = False
        self.output_nr = 0
        self.view_version = None


def meta(t) -> Meta:
    m = t._ag
    if m is None:
        m = t._ag = Meta()
    return m


def output_nr(t) -> int:
    m = t._ag
    return 0 if m is None else m.output_nr


def _camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.strip("_").split("_"))


class Node:
    """A recorded primitive call: `grad_fn` of its outputs; `apply` runs its derivative rule."""

    __slots__ = ("prim", "rule", "params", "next_functions", "shapes", "dtypes", "n_out", "saved", "saved_out",
                 "_freed", "_pre_hooks", "_post_hooks", "_trace", "_metadata", "out_float", "out_shapes", "out_dtypes",
                 "__weakref__")

    def name(self) -> str:
        return _camel(self.prim.name) + "Backward0"

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"

    @property
    def metadata(self) -> dict:
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) after this node's backward; may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(fn)
        return _Handle(self._post_hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) before this node's backward; may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        return _Handle(self._pre_hooks, fn)

    # Read by rules ------------------------------------------------------------------------------
    @property
    def inputs(self):
        return self._unpack(self.saved, "input")

    @property
    def outputs(self):
        return self._unpack(self.saved_out, "output")

    @property
    def out(self):
        return self.outputs[0]

    @property
    def needs_input_grad(self):
        return tuple(e is not None for e in self.next_functions)

    def _unpack(self, saved, what):
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors after they "
                "have already been freed). Saved intermediate values of the graph are freed when you call "
                ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                "graph a second time or if you need to access saved tensors after calling backward."
            )
        if saved is None:
            raise RuntimeError(f"{self.name()}: the derivative rule reads its {what}s but did not ask to save them")
        return tuple(None if s is None else s.unpack(self, what, i) for i, s in enumerate(saved))


class _Handle:
    __slots__ = ("_list", "_fn")

    def __init__(self, lst, fn):
        self._list, self._fn = lst, fn

    def remove(self):
        if self._fn in self._list:
            self._list.remove(self._fn)


class AccumulateGrad:
    """The node of a leaf tensor: runs the leaf's hooks and accumulates into `.grad`."""

    __slots__ = ("variable", "_pre_hooks", "_post_hooks", "_metadata", "__weakref__")
    next_functions = ()
    n_out = 1

    def __init__(self, variable):
        self.variable = variable
        self._pre_hooks = self._post_hooks = self._metadata = None

    def name(self):
        return "AccumulateGrad"

    register_hook = Node.register_hook
    register_prehook = Node.register_prehook
    metadata = Node.metadata

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


def grad_accumulator(t) -> AccumulateGrad:
    m = meta(t)
    acc = m.acc() if m.acc is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        m.acc = weakref.ref(acc)
    return acc


def gradient_edge(t):
    """(node, output_nr) through which a gradient for `t` flows, or None."""
    if not t._rg:
        return None
    fn = t.grad_fn
    if fn is not None:
        return (fn, output_nr(t))
    return (grad_accumulator(t), 0)


def _is_float(t):
    return t._data.dtype.kind in _FLOAT_KINDS


def _make_node(prim, rule, params, inputs, edges):
    node = Node.__new__(Node)
    node.prim, node.rule, node.params = prim, rule, params
    node.next_functions = edges
    node.shapes = tuple([t._data.shape for t in inputs])
    node.dtypes = tuple([t._data.dtype for t in inputs])
    node.n_out = prim.nout
    node.saved = node.saved_out = None
    node._freed = False
    node._pre_hooks = node._post_hooks = node._metadata = None
    node._trace = traceback.format_stack()[:-3] if _anomaly_state.enabled else None
    if rule is not None and rule.save_inputs:
        which = rule.save_inputs
        if which is True:
            saved = [pack_saved(t, False) for t in inputs]
        else:
            saved = [pack_saved(t, False) if i in which else None for i, t in enumerate(inputs)]
        if prim.inplace:
            # The destination of an in-place op is overwritten by it: saving it would hold a stale
            # value (and a cycle through its new grad_fn). Rules of in-place ops never read input 0.
            saved[0] = None
        node.saved = tuple(saved)
    return node


def _edges(inputs):
    """gradient_edge of each input, inlined: this runs for every recorded op."""
    edges = []
    for t in inputs:
        if not t._rg:
            edges.append(None)
        elif t.grad_fn is not None:
            m = t._ag
            edges.append((t.grad_fn, 0 if m is None else m.output_nr))
        else:
            m = t._ag
            acc = m.acc() if m is not None and m.acc is not None else None
            edges.append((acc if acc is not None else grad_accumulator(t), 0))
    return tuple(edges)


def _attach(node, out, rule):
    """Point the float outputs at `node` (and save them if the rule reads them)."""
    outs = (out,) if node.n_out == 1 else out
    flags = []
    for i, o in enumerate(outs):
        f = _is_float(o)
        flags.append(f)
        if f:
            o._rg = True
            o.grad_fn = node
            if i:
                meta(o).output_nr = i
    node.out_float = tuple(flags)
    if node.n_out > 1:
        node.out_shapes = tuple(o._data.shape for o in outs)
        node.out_dtypes = tuple(o._data.dtype for o in outs)
    if rule is not None and rule.save_output:
        keep = rule.save_output
        node.saved_out = tuple(pack_saved(o, True, i) if keep is True or i in keep else None for i, o in enumerate(outs))


def record(prim, inputs, params):
    """fx.tensor's grad hook: run `prim` and record it when grad mode is on."""
    if not state.enabled:
        return prim.run(inputs, params)
    if prim.inplace:
        from ._inplace import record_inplace

        return record_inplace(prim, inputs, params)
    for t in inputs:
        if t._view is not None and t._rg:
            refresh_view(t)
    out = prim.run(inputs, params)
    if not prim.differentiable:
        return out
    rule = RULES.get(prim.name)
    node = _make_node(prim, rule, params, inputs, _edges(inputs))
    if prim.nout == 1:  # _attach for the common single output, inlined
        if out._data.dtype.kind in _FLOAT_KINDS:
            out._rg = True
            out.grad_fn = node
            node.out_float = _ONE_FLOAT
        else:
            node.out_float = _ONE_OTHER
        if rule is not None and rule.save_output:
            node.saved_out = (pack_saved(out, True, 0),)
    else:
        _attach(node, out, rule)
    if prim.view and out._rg:
        meta(out).view_version = out._version
    return out


def refresh_view(t):
    """Re-derive a view's grad_fn from its base after the base was changed in place through autograd."""
    from ._inplace import replay_view

    m = t._ag
    if m is None or m.view_version is None or m.view_version == t._version:
        return
    if t._base is None or not t._base._rg:
        return
    t.grad_fn = replay_view(t, t._base).grad_fn
    m.view_version = t._version


def install():
    _dispatch.set_grad_hook(record)


__all__ = ["Node", "AccumulateGrad", "record", "install", "gradient_edge", "grad_accumulator", "meta", "Tensor",
           "wrap", "saved_hooks_active"]
