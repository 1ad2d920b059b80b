"""Optimizer: parameter groups, per-parameter state, state_dict, hooks (torch.optim.Optimizer).

An algorithm subclass either overrides `step`, or implements `_init_state(p, group)` (a dict of
fresh state) and `_update(p, grad, state, group)` (one parameter's in-place update) and inherits
the loop below.
"""

from __future__ import annotations

import functools
import itertools
import warnings
from collections import OrderedDict, defaultdict

from fx.autograd import enable_grad, no_grad
from fx.tensor import Tensor

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]


class _RequiredParameter:
    """Marks a default that every parameter group must set itself."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

_global_pre_hooks: OrderedDict = OrderedDict()
_global_post_hooks: OrderedDict = OrderedDict()


class RemovableHandle:
    """Returned by the register_* methods: `handle.remove()` unregisters the hook."""

    _next_id = itertools.count()

    def __init__(self, hooks: dict):
        self.hooks = hooks
        self.id = next(RemovableHandle._next_id)

    def remove(self):
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _register(table, hook, prepend=False):
    handle = RemovableHandle(table)
    table[handle.id] = hook
    if prepend:
        table.move_to_end(handle.id, last=False)
    return handle


def register_optimizer_step_pre_hook(hook):
    """Register `hook(optimizer, args, kwargs)` to run before the `step()` of every optimizer.

    Args:
        hook: called with the optimizer and step's arguments; may return new (args, kwargs).

    Returns:
        A handle whose `remove()` unregisters the hook (also a context manager).

    Example:
        >>> calls = []
        >>> w = ft.ones(1, requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1)
        >>> with optim.register_optimizer_step_pre_hook(lambda o, args, kwargs: calls.append(type(o).__name__)):
        ...     opt.step()
        >>> calls
        ['SGD']
    """
    return _register(_global_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """Register `hook(optimizer, args, kwargs)` to run after the `step()` of every optimizer.

    Args:
        hook: called with the optimizer and step's arguments; its result is ignored.

    Returns:
        A handle whose `remove()` unregisters the hook (also a context manager).

    Example:
        >>> steps = []
        >>> w = ft.ones(1, requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1)
        >>> handle = optim.register_optimizer_step_post_hook(lambda o, args, kwargs: steps.append(1))
        >>> opt.step(); opt.step()
        >>> handle.remove()
        >>> len(steps)
        2
    """
    return _register(_global_post_hooks, hook)


def _hooked(step):
    """Wrap an Optimizer.step so the global and per-optimizer pre/post hooks run around it once."""

    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        if self._in_step:  # a subclass step calling super().step(): hooks already ran
            return step(self, *args, **kwargs)
        for hook in itertools.chain(_global_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step.__qualname__} pre-hook must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {result!r}.")
                args, kwargs = result
        self._in_step = True
        try:
            out = step(self, *args, **kwargs)
        finally:
            self._in_step = False
        self._opt_called = True
        for hook in itertools.chain(self._optimizer_step_post_hooks.values(), _global_post_hooks.values()):
            hook(self, args, kwargs)
        return out

    wrapper._fx_hooked = True
    return wrapper


def to_scalar(x):
    """A hyperparameter as a Python number (1-element tensors allowed, like PyTorch's lr)."""
    return x.item() if isinstance(x, Tensor) else x


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not to_scalar(lr) >= 0.0:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_betas(betas):
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
        raise ValueError(f"betas must be a pair of floats, got {betas!r}")
    for i, b in enumerate(betas):
        if not 0.0 <= to_scalar(b) < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")


def check_nonnegative(name, value, label=None):
    if not value >= 0.0:
        raise ValueError(f"Invalid {label or name} value: {value}")


def run_closure(closure):
    """The closure's loss, computed with gradients enabled (None without a closure)."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


class Optimizer:
    """Base class of all optimizers: parameter groups, per-parameter state, `state_dict`, hooks.

    Each parameter group is a dict with "params" and its hyperparameters (`lr`, ...), which a
    learning-rate scheduler or the user may change between steps. `state` maps each parameter to
    its algorithm state (moment buffers, step counts). A subclass either overrides `step`, or
    implements `_init_state(p, group)` and `_update(p, grad, state, group)` and inherits the loop.

    Args:
        params: an iterable of Tensors, of (name, Tensor) pairs, or of dicts (parameter groups:
            "params" plus any hyperparameters that override `defaults` for that group). Use an
            ordered collection: the order defines the parameter ids of `state_dict`.
        defaults: the default hyperparameters of every group.

    Example:
        >>> w, b = ft.ones(2, requires_grad=True), ft.zeros(1, requires_grad=True)
        >>> opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
        >>> [group["lr"] for group in opt.param_groups]
        [0.1, 0.5]
        >>> sorted(opt.state_dict())
        ['param_groups', 'state']
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_fx_hooked", False):
            cls.step = _hooked(step)

    def __init__(self, params, defaults: dict):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self._in_step = False
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got fx.tensor.Tensor")
        if isinstance(params, dict):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got a dict (pass [group] for one parameter group)")
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self):
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"

    # ---- parameter groups -------------------------------------------------------------------

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters (with optional per-group hyperparameters) to optimize."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)
        tensors, names = [], []
        for p in params:
            if isinstance(p, tuple) and len(p) == 2:
                names.append(p[0])
                p = p[1]
            tensors.append(p)
        if names and len(names) != len(tensors):
            raise ValueError("all optimizer params should be with/without names. Some param names are missing")
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not (p.is_leaf or getattr(p, "retains_grad", False)):
                raise ValueError("can't optimize a non-leaf Tensor")
        param_group["params"] = tensors
        if names:
            param_group["param_names"] = names
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        if len({id(p) for p in tensors}) != len(tensors):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error", stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in group) != ("param_names" in param_group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if any(id(p) in seen for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (default), or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    # ---- stepping ---------------------------------------------------------------------------

    def step(self, closure=None):
        """One optimization step over every parameter that has a gradient.

        Args:
            closure: optional callable that re-evaluates the model and returns the loss.
        Returns:
            the closure's loss, or None.
        """
        loss = run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state[p]
                    if not state:
                        state.update(self._init_state(p, group))
                    self._update(p, p.grad, state, group)
        return loss

    def _init_state(self, p, group) -> dict:
        return {}

    def _update(self, p, grad, state, group) -> None:
        raise NotImplementedError(f"{self.__class__.__name__} must implement step() or _update()")

    # ---- hooks ------------------------------------------------------------------------------

    def register_step_pre_hook(self, hook):
        """`hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs)`, run before step()."""
        return _register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """`hook(optimizer, args, kwargs)`, run after step()."""
        return _register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """`hook(optimizer)`, run before state_dict() builds its result."""
        return _register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """`hook(optimizer, state_dict) -> None or a new state_dict`, run on state_dict()'s result."""
        return _register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """`hook(optimizer, state_dict) -> None or a new state_dict`, run before loading."""
        return _register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """`hook(optimizer)`, run after load_state_dict()."""
        return _register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---- state_dict -------------------------------------------------------------------------

    def state_dict(self) -> dict:
        """{"state": {param_id: {...}}, "param_groups": [{..., "params": [param_id, ...]}]}.

        Parameter ids number the parameters of all groups in order; the state holds references to
        the optimizer's own tensors. The result saves with `fx.tensor.save`.
        """
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        result = {"state": state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            out = hook(self, result)
            if out is not None:
                result = out
        return result

    def load_state_dict(self, state_dict: dict) -> None:
        """Load a `state_dict()` (e.g. from `fx.tensor.load`) into an optimizer over the same parameters.

        Tensors are copied (floating ones to their parameter's dtype); the group hyperparameters
        are replaced by the saved ones.
        """
        state_dict = dict(state_dict)
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            out = hook(self, state_dict)
            if out is not None:
                state_dict = out
        groups = self.param_groups
        saved_groups = _copy(state_dict["param_groups"], None)
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for g, s in zip(groups, saved_groups):
            if len(g["params"]) != len(s["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                                 "optimizer's group")
        id_map = dict(zip(itertools.chain.from_iterable(g["params"] for g in saved_groups),
                          itertools.chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            param = id_map.get(k)
            if param is None:
                state[k] = v
            else:
                state[param] = {key: _copy(val, param, key) for key, val in v.items()}
        for g, s in zip(groups, saved_groups):
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
        self.state = state
        self.param_groups = saved_groups
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)


def _copy(value, param, key=None):
    """A copy of a state value: tensors cloned (floating ones cast to `param`'s dtype), containers rebuilt."""
    if isinstance(value, Tensor):
        if key == "step":  # PyTorch keeps step as a tensor; fx as a number
            return float(value.item())
        if param is not None and param.dtype.is_floating_point and value.dtype.is_floating_point:
            value = value.to(dtype=param.dtype, device=param.device)
        elif param is not None:
            value = value.to(device=param.device)
        return value.detach().clone().contiguous()
    if isinstance(value, dict):
        return {k: _copy(v, param, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v, param) for v in value)
    return value


Optimizer.step = _hooked(Optimizer.step)


# PyTorch's implementation-selection flags. fx picks the fused kernel by itself, so ported code may
# pass them and they change nothing; `differentiable=True` (a graph through step()) is not supported.
TORCH_FLAGS = ("foreach", "fused", "capturable", "differentiable")


def check_torch_flags(name, flags):
    for key, value in flags.items():
        if key not in TORCH_FLAGS:
            raise TypeError(f"{name}.__init__() got an unexpected keyword argument '{key}'")
        if key == "differentiable" and value:
            raise NotImplementedError(f"{name}: differentiable=True is not supported by fx.optim")
