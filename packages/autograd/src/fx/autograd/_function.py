"""Custom differentiable operations: `Function` (PyTorch's `torch.autograd.Function`).

`Function.apply` runs `forward` under no_grad and, when an input requires grad, links one graph
node (`<Name>Backward`) to the float outputs. To the engine that node is an ordinary `Node`
whose rule calls the user's `backward(ctx, *grads)`; the gradients it returns are checked here
(count, types, shapes) and un-broadcast / cast by the engine like every other rule's.
"""

from __future__ import annotations

import functools
import inspect
import traceback
import warnings
import weakref

import fx.tensor as ft
from fx.tensor._tensor import Tensor, shared_counter, wrap

from . import _anomaly_state
from ._anomaly import note_forward_trace
from ._graph import Node, _is_float, gradient_edge, meta, refresh_view
from ._grad_mode import no_grad, state
from ._saved import pack_saved

__all__ = ["Function", "FunctionCtx", "once_differentiable", "BackwardCFunction"]


class FunctionCtx:
    """The `ctx` handed to a custom `Function`'s `forward`/`setup_context`/`backward`.

    Tensors needed by backward go through `save_for_backward` (so in-place changes to them are
    detected); other values can be stored as plain attributes. `ctx.needs_input_grad` tells
    backward which inputs want a gradient.

    Example:
        >>> class Scale(autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x, factor):
        ...         ctx.factor = factor
        ...         return x * factor
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         return g * ctx.factor, None  # no gradient for the number `factor`
        >>> x = ft.ones(2, requires_grad=True)
        >>> Scale.apply(x, 3.0).sum().backward()
        >>> x.grad
        tensor([3., 3.])
    """

    def save_for_backward(self, *tensors):
        """Save tensors (or None) for backward; read them back with `ctx.saved_tensors`."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                f"{type(t).__name__}")
        self.to_save = tensors

    def mark_dirty(self, *tensors):
        """Declare inputs that forward modified in place (they must also be returned)."""
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise RuntimeError(f"mark_dirty can only accept variables, but argument {i} is of type "
                                   f"{type(t).__name__}")
        self.dirty_tensors = tensors

    def mark_non_differentiable(self, *tensors):
        """Declare outputs that take no gradient (they will not require grad)."""
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise RuntimeError(f"mark_non_differentiable can only accept variables, but argument {i} is of "
                                   f"type {type(t).__name__}")
        self.non_differentiable = tensors

    def set_materialize_grads(self, value):
        """Whether backward sees zeros (True, the default) or None for outputs that got no gradient."""
        self.materialize_grads = bool(value)

    @property
    def saved_tensors(self):
        ref = self.__dict__.get("_node")
        node = ref() if ref is not None else None
        roles = self.__dict__.get("_saved_roles")
        if node is None or roles is None:
            return tuple(self.__dict__.get("to_save", ()))
        if node._freed:
            node._unpack((), "")  # raises the "backward through the graph a second time" error
        return tuple(None if s is None else s.unpack(node, *role) for s, role in zip(node.saved, roles))


class BackwardCFunction(Node):
    """The graph node of one `Function.apply` call (`grad_fn` of its outputs)."""

    __slots__ = ("ctx", "_arg_is_tensor", "_out_devices")
    _forward_cls = None
    _prims = {}

    def name(self):
        return type(self).__name__

    @property
    def needs_input_grad(self):
        return self.ctx.needs_input_grad

    def __getattr__(self, name):
        # Like PyTorch, where grad_fn is the ctx: grad_fn.saved_tensors, grad_fn.<attr set in forward>.
        if name.startswith("__") or name == "ctx":
            raise AttributeError(name)
        try:
            ctx = object.__getattribute__(self, "ctx")
        except AttributeError:
            raise AttributeError(name) from None
        return getattr(ctx, name)

    def apply(self, *grads):
        """Run the user's backward on `grads` (one per forward output); returns its raw result."""
        return self._forward_cls.backward(self.ctx, *grads)


class _FunctionPrim:
    """Stands in for a primitive on Function nodes (the engine reads `name` for messages)."""

    __slots__ = ("name", "nout")

    def __init__(self, name, nout):
        self.name, self.nout = name, nout


class _FunctionRule:
    """The rule of every Function node: call the user's backward and check what it returns."""

    __slots__ = ()
    name = "custom_function"
    save_inputs = save_output = False

    @staticmethod
    def fn(node, *grads):
        ctx = node.ctx
        if ctx.materialize_grads:
            grads = _materialize(node, grads)
        try:
            result = node._forward_cls.backward(ctx, *grads)
        except BaseException as e:
            if _anomaly_state.enabled:
                note_forward_trace(e, node)
            raise
        return _check_grads(node, result)


_RULE = _FunctionRule()


def _materialize(node, grads):
    out = list(grads)
    for i, g in enumerate(out):
        dev = node._out_devices[i]
        if g is None and dev is not None:
            out[i] = ft.zeros(node.out_shapes[i], dtype=ft._dtype.FROM_NP[node.out_dtypes[i]], device=dev)
    return out


def _expandable(shape, to):
    if len(shape) > len(to):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(to)))


def _check_grads(node, result):
    """PyTorch's checks on a custom backward's result; returns one gradient per tensor input."""
    name = node.name()
    if not isinstance(result, tuple):
        result = (result,)
    is_tensor = node._arg_is_tensor
    expected, got = len(is_tensor), len(result)
    if got > expected and all(g is None for g in result[expected:]):
        result = result[:expected]
    elif got != expected:
        raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected {expected}, got "
                           f"{got})")
    grads = []
    for pos, (g, is_t) in enumerate(zip(result, is_tensor)):
        if not is_t:
            if g is not None:
                raise RuntimeError(f"function {name} returned a gradient different than None at position {pos + 1}, "
                                   "but the corresponding forward input was not a Variable")
            continue
        if g is not None and not isinstance(g, Tensor):
            raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
        grads.append(g)
    for i, (g, edge, shape) in enumerate(zip(grads, node.next_functions, node.shapes)):
        if g is None or edge is None:
            grads[i] = None
            continue
        gshape = g._data.shape
        if gshape != shape and not _expandable(shape, gshape):
            raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - got {list(gshape)} but "
                               f"expected shape compatible with {list(shape)}")
    return tuple(grads)


class Function:
    """Base class of custom differentiable operations (PyTorch's `torch.autograd.Function`).

    Subclass with static `forward(ctx, *args)` (or `forward(*args)` plus
    `setup_context(ctx, inputs, output)`) and `backward(ctx, *grad_outputs)` returning one
    gradient per forward input (None for non-tensor inputs); call it with `apply`, never by
    instantiating the class. `forward` runs under no_grad; the gradients backward returns are
    checked (count, shapes) and un-broadcast like any built-in rule's.

    Example:
        >>> class Exp(autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = x.exp()
        ...         ctx.save_for_backward(y)
        ...         return y
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (y,) = ctx.saved_tensors
        ...         return g * y
        >>> x = ft.tensor([0.0, 1.0], requires_grad=True)
        >>> Exp.apply(x).sum().backward()
        >>> x.grad
        tensor([1.0000, 2.7183])
    """

    _backward_cls = BackwardCFunction
    _fwd_signature = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(f"{cls.__name__}Backward", (BackwardCFunction,),
                                 {"__slots__": (), "_forward_cls": cls, "_prims": {}})
        cls._fwd_signature = None

    def __init__(self, *args, **kwargs):
        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, so you "
            "should invoke them on the class itself. Instantiating an autograd function will raise an error in a "
            "future version of fx.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method.")

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward on `args` and record the call for backward."""
        new_style = cls.setup_context is not Function.setup_context
        if new_style or kwargs:
            args, kwargs = cls._bind(args, kwargs, new_style)
        ctx = FunctionCtx()
        ctx.materialize_grads = True
        needs = tuple(isinstance(a, Tensor) and a._rg for a in args)
        ctx.needs_input_grad = needs
        executable = state.enabled and True in needs
        edges = None
        if executable:
            for a in args:
                if isinstance(a, Tensor) and a._view is not None and a._rg:
                    refresh_view(a)
            edges = tuple([gradient_edge(a) for a in args if isinstance(a, Tensor)])
        prev = state.enabled
        state.enabled = False
        try:
            if new_style:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        finally:
            state.enabled = prev
        if not executable:
            return output
        trace = traceback.format_stack()[:-1] if _anomaly_state.enabled else None
        return _link(cls, ctx, args, edges, output, trace)

    @classmethod
    def _bind(cls, args, kwargs, new_style):
        sig = cls.__dict__.get("_fwd_signature")
        if sig is None:
            sig = cls._fwd_signature = inspect.signature(cls.forward)
        if new_style:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            return bound.args, bound.kwargs
        bound = sig.bind(None, *args, **kwargs)  # old style: bind the ctx slot too
        return bound.args[1:], bound.kwargs


def _link(cls, ctx, args, edges, output, trace):
    """Make the node of one apply and point the differentiable outputs at it."""
    is_tuple = isinstance(output, tuple)
    outs = list(output) if is_tuple else [output]
    n = len(outs)
    bcls = cls._backward_cls
    node = bcls.__new__(bcls)
    node.ctx = ctx
    prim = bcls._prims.get(n)
    if prim is None:
        prim = bcls._prims[n] = _FunctionPrim(cls.__name__, n)
    node.prim, node.rule, node.params = prim, _RULE, None
    node.next_functions = edges
    tensor_args = [a for a in args if isinstance(a, Tensor)]
    node._arg_is_tensor = tuple([isinstance(a, Tensor) for a in args])
    node.shapes = tuple([a._data.shape for a in tensor_args])
    node.dtypes = tuple([a._data.dtype for a in tensor_args])
    node.n_out = n
    node.saved = node.saved_out = None
    node._freed = False
    node._pre_hooks = node._post_hooks = node._metadata = None
    node._trace = trace
    ctx._node = weakref.ref(node)
    d = ctx.__dict__
    dirty = d.get("dirty_tensors", ())
    if dirty:
        _check_dirty(cls, dirty, tensor_args, outs)
    non_diff = d.get("non_differentiable", ())

    shapes, dtypes, devices = [None] * n, [None] * n, [None] * n
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            continue
        if _among(o, tensor_args) and not _among(o, dirty):
            o = outs[i] = _alias(o)  # an input returned as is: a new tensor object gets the history
        shapes[i], dtypes[i], devices[i] = o._data.shape, o._data.dtype, o.device
        if (non_diff and _among(o, non_diff)) or not _is_float(o):
            continue
        o._rg = True
        o.grad_fn = node
        # A view made inside forward is this node's output, not a view in the graph: an in-place
        # op on it must rebase its own history, not its base's.
        o._base = o._view = None
        if i or o._ag is not None:
            meta(o).output_nr = i
    node.out_float = (False,) * n  # zeros for missing grads are made here, per materialize_grads
    node.out_shapes, node.out_dtypes, node._out_devices = tuple(shapes), tuple(dtypes), tuple(devices)

    to_save = d.get("to_save")
    if to_save is not None:
        roles, saved = [], []
        for j, t in enumerate(to_save):
            if t is None:
                roles.append(None)
                saved.append(None)
            elif t.grad_fn is node:
                nr = t._ag.output_nr if t._ag is not None else 0
                roles.append(("output", nr))
                saved.append(pack_saved(t, True, nr))
            else:
                k = next((k for k, a in enumerate(args) if a is t), j)
                roles.append(("input", k))
                saved.append(pack_saved(t, False))
        ctx._saved_roles = tuple(roles)
        node.saved = tuple(saved)
    return tuple(outs) if is_tuple else outs[0]


def _among(t, tensors):
    return any(a is t for a in tensors)


def _check_dirty(cls, dirty, tensor_args, outs):
    for t in dirty:
        if not _among(t, tensor_args):
            warnings.warn("ctx.mark_dirty() received a tensor that was not an input. Only input Tensors that have "
                          "been mutated should be passed to ctx.mark_dirty().", stacklevel=4)
        elif not _among(t, outs):
            raise RuntimeError("Some elements marked as dirty during the forward method were not returned as output. "
                               "The inputs that are modified inplace must all be outputs of the Function.")
        elif t._rg and t.grad_fn is None and t._base is None:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
        elif t._base is not None:
            raise RuntimeError(f"{cls.__name__}: an in-place custom Function (mark_dirty) on a view is not "
                               "supported; pass a tensor that is not a view (e.g. x.clone())")


def _alias(t):
    a = wrap(t._data)
    a._vc = shared_counter(t)
    return a


# ---- once_differentiable -------------------------------------------------------------------------
class _DelayedError(Function):
    """Identity whose backward raises: marks gradients that must not be differentiated again."""

    @staticmethod
    def forward(ctx, msg, *tensors):
        ctx.msg = msg
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(ctx.msg)


_DelayedError._backward_cls.__name__ = "Error"


def once_differentiable(fn):
    """Decorator for a custom `Function.backward` that is not itself differentiable.

    The decorated backward runs under no_grad; differentiating its result again (a double
    backward through `create_graph=True`) raises a RuntimeError instead of giving wrong values.

    Args:
        fn: the `backward(ctx, *grad_outputs)` static method.

    Returns:
        The wrapped backward.

    Example:
        >>> class Cube(autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     @autograd.once_differentiable
        ...     def backward(ctx, g):
        ...         (x,) = ctx.saved_tensors
        ...         return g * 3 * x ** 2
        >>> x = ft.tensor([2.0], requires_grad=True)
        >>> Cube.apply(x).sum().backward()
        >>> x.grad
        tensor([12.])
    """

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not state.enabled or not any(isinstance(a, Tensor) and a._rg for a in args):
            return outputs
        outs = outputs if isinstance(outputs, tuple) else (outputs,)
        fakes = []
        for v in outs:
            if isinstance(v, Tensor) and _is_float(v):
                v = v.detach()
                v._rg = True
            fakes.append(v)
        res = _DelayedError.apply("trying to differentiate twice a function that was marked with @once_differentiable",
                                  *fakes)
        return res if isinstance(outputs, tuple) else res[0]

    return wrapper
