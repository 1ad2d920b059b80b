"""Module call machinery: hook handles, full backward hooks and module-path error messages."""

from __future__ import annotations

import threading
import warnings
import weakref
from collections import OrderedDict

from fx.autograd import Function
from fx.tensor._tensor import Tensor

__all__ = []

_local = threading.local()


def call_stack() -> list:
    """The modules being called on this thread, outermost first."""
    try:
        return _local.stack
    except AttributeError:
        _local.stack = []
        return _local.stack


class RemovableHandle:
    """A handle that removes the hook it was returned for (`handle.remove()` or `with handle:`)."""

    next_id = 0

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        if extra_dict is None:
            extra_dict = ()
        elif isinstance(extra_dict, dict):
            extra_dict = (extra_dict,)
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dict)

    def remove(self):
        hooks = self.hooks_dict_ref()
        if hooks is not None and self.id in hooks:
            del hooks[self.id]
        for ref in self.extra_dict_ref:
            d = ref()
            if d is not None and self.id in d:
                del d[self.id]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def add_hook(hooks: OrderedDict, hook, prepend=False, extra=None) -> RemovableHandle:
    handle = RemovableHandle(hooks, extra_dict=extra)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


_global_forward_pre_hooks: OrderedDict = OrderedDict()
_global_forward_hooks: OrderedDict = OrderedDict()
_global_forward_hooks_always_called: OrderedDict = OrderedDict()
_global_forward_hooks_with_kwargs: OrderedDict = OrderedDict()
_global_backward_hooks: OrderedDict = OrderedDict()
_global_backward_pre_hooks: OrderedDict = OrderedDict()


def register_module_forward_pre_hook(hook):
    """A forward pre-hook run before every Module's forward (`hook(module, args)`)."""
    return add_hook(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    """A forward hook run after every Module's forward (`hook(module, args, output)`)."""
    handle = add_hook(_global_forward_hooks, hook,
                      extra=[_global_forward_hooks_always_called, _global_forward_hooks_with_kwargs])
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    return handle


def register_module_full_backward_hook(hook):
    """A full backward hook on every Module (`hook(module, grad_input, grad_output)`)."""
    return add_hook(_global_backward_hooks, hook)


def register_module_full_backward_pre_hook(hook):
    """A backward pre-hook on every Module (`hook(module, grad_output)`)."""
    return add_hook(_global_backward_pre_hooks, hook)


def call_with_hooks(self, args, kwargs):
    """Module.__call__ when any hook is registered (PyTorch's _call_impl order)."""
    pre_hooks = [*_global_backward_pre_hooks.values(), *self._backward_pre_hooks.values()]
    bw_hooks = [*_global_backward_hooks.values(), *self._backward_hooks.values()]
    for hid, hook in (*_global_forward_pre_hooks.items(), *self._forward_pre_hooks.items()):
        if hid in self._forward_pre_hooks_with_kwargs:
            res = hook(self, args, kwargs)
            if res is not None:
                if isinstance(res, tuple) and len(res) == 2:
                    args, kwargs = res
                else:
                    raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {res}.")
        else:
            res = hook(self, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
    bw_hook = None
    if pre_hooks or bw_hooks:
        bw_hook = BackwardHook(self, bw_hooks, pre_hooks)
        args = bw_hook.setup_input_hook(args)
    called = set()
    try:
        result = self.forward(*args, **kwargs)
        for hid, hook in (*_global_forward_hooks.items(), *self._forward_hooks.items()):
            called.add(hid)
            if hid in self._forward_hooks_with_kwargs or hid in _global_forward_hooks_with_kwargs:
                res = hook(self, args, kwargs, result)
            else:
                res = hook(self, args, result)
            if res is not None:
                result = res
    except Exception:
        for hid, hook in (*_global_forward_hooks.items(), *self._forward_hooks.items()):
            if hid in called or not (hid in self._forward_hooks_always_called
                                     or hid in _global_forward_hooks_always_called):
                continue
            try:
                if hid in self._forward_hooks_with_kwargs or hid in _global_forward_hooks_with_kwargs:
                    hook(self, args, kwargs, None)
                else:
                    hook(self, args, None)
            except Exception:
                pass
        raise
    if bw_hook is not None:
        warn_bad_output(result)
        result = bw_hook.setup_output_hook(result)
    return result


# ---- full backward hooks --------------------------------------------------------------------
class _HookIdentity(Function):
    """Identity whose backward hands the gradients flowing through it to a BackwardHook."""

    @staticmethod
    def forward(ctx, hook, which, *tensors):
        ctx.hook, ctx.which = hook, which
        ctx.set_materialize_grads(False)
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        return (None, None) + ctx.hook.on_grads(ctx.which, grads)


class BackwardHook:
    """Runs a module's backward pre-hooks on its grad_output and full backward hooks on grad_input.

    Inputs and outputs of the call pass through identity Functions; the output one sees all of
    grad_output at once and the input one all of grad_input (PyTorch's BackwardHook).
    """

    def __init__(self, module, hooks, pre_hooks):
        self.module = module
        self.hooks = hooks
        self.pre_hooks = pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_index = None
        self.output_index = None

    def _wrap(self, values, which):
        index = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
        if not index:
            return values, None
        out = list(values)
        wrapped = _HookIdentity.apply(self, which, *[values[i] for i in index])
        for i, t in zip(index, wrapped):
            out[i] = t
        return out, index

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        wrapped, index = self._wrap(args, "input")
        if index is None or not any(wrapped[i].requires_grad for i in index):
            return args
        self.input_index = index
        return tuple(wrapped)

    def setup_output_hook(self, result):
        is_tensor = isinstance(result, Tensor)
        values = (result,) if is_tensor else result
        if not isinstance(values, tuple):
            return result
        wrapped, index = self._wrap(values, "output")
        if index is None:
            return result
        self.output_index = index
        self.n_outputs = len(values)
        return wrapped[0] if is_tensor else tuple(wrapped)

    def _pack(self, grads, index, n):
        out = [None] * n
        for i, g in zip(index, grads):
            out[i] = g
        return tuple(out)

    def _unpack(self, grads, index, n, kind):
        if len(grads) != n:
            raise RuntimeError(f"Backward hook returned an invalid number of grad_{kind}, got {len(grads)}, "
                               f"but expected {n}")
        return tuple(grads[i] for i in index)

    def on_grads(self, which, grads):
        module = self.module
        if which == "output":
            grad_outputs = self._pack(grads, self.output_index, self.n_outputs)
            for hook in self.pre_hooks:
                res = hook(module, grad_outputs)
                if res is not None:
                    grad_outputs = tuple(res) if isinstance(res, (tuple, list)) else (res,)
                    grads = self._unpack(grad_outputs, self.output_index, self.n_outputs, "output")
            self.grad_outputs = grad_outputs
            if self.input_index is None:
                for hook in self.hooks:
                    if hook(module, (None,) * self.n_inputs, grad_outputs) is not None:
                        raise RuntimeError("Backward hook for Modules where no input requires gradient should "
                                           "always return None or None for all gradients.")
            return tuple(grads)
        grad_inputs = self._pack(grads, self.input_index, self.n_inputs)
        for hook in self.hooks:
            res = hook(module, grad_inputs, self.grad_outputs)
            if res is not None:
                grad_inputs = tuple(res) if isinstance(res, (tuple, list)) else (res,)
        grads = self._unpack(grad_inputs, self.input_index, self.n_inputs, "input")
        return tuple(grads)


# ---- module-path errors ---------------------------------------------------------------------
def _describe(module) -> str:
    extra = module.extra_repr()
    if extra and "\n" not in extra:
        return f"{module._get_name()}({extra})"
    return module._get_name()


def _path(stack) -> str:
    """The dotted name of stack[-1] below stack[0] (pairwise when a call skipped a registration)."""
    if len(stack) < 2:
        return ""
    target = stack[-1]
    for name, m in stack[0].named_modules(remove_duplicate=False):
        if m is target:
            return name
    parts = []
    for parent, child in zip(stack, stack[1:]):
        for name, m in parent.named_modules(remove_duplicate=False):
            if m is child and name:
                parts.append(name)
                break
    return ".".join(parts)


def _shape_text(args) -> str:
    shapes = [str(tuple(a.shape)) for a in args if isinstance(a, Tensor)]
    if not shapes:
        return ""
    return (" on input of shape " if len(shapes) == 1 else " on inputs of shapes ") + ", ".join(shapes)


def annotate(exc, stack, args):
    """A copy of `exc` (same type) whose message names the failing module's path, layer and input."""
    module = stack[-1]
    path = _path(stack)
    where = f"{path} ({_describe(module)})" if path else _describe(module)
    msg = f"in module {where}{_shape_text(args)}: {exc}"
    try:
        new = type(exc)(msg)
    except Exception:
        new = None
    if new is None or str(new) != msg:
        exc.args = (msg,)
        exc._fx_module_path = True
        return exc
    new._fx_module_path = True
    return new


def warn_bad_output(result):
    if not isinstance(result, (Tensor, tuple)):
        warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple of Tensors "
                      f"but received {type(result)}", stacklevel=3)
