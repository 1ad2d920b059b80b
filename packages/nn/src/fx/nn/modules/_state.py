"""Module state: state_dict / load_state_dict and their hooks (PyTorch's formats and messages)."""

from __future__ import annotations

import itertools
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

import fx.tensor as ft
from fx.autograd import no_grad
from fx.tensor._tensor import Tensor

from ..parameter import Parameter, UninitializedParameter
from ._hooks import add_hook

__all__ = []


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _without_module(hook):
    def call(module, *args):
        return hook(*args)

    return call


class StateDictMixin:
    """state_dict, load_state_dict and their hooks; mixed into Module."""

    def get_extra_state(self):
        """Extra state saved under "<prefix>_extra_state" in state_dict; override with set_extra_state.

        Returns:
            Any value (plain Python data or tensors) that set_extra_state can restore.
        """
        raise RuntimeError("Reached a code path in StateDictMixin.get_extra_state() that should never be called.")

    def set_extra_state(self, state):
        """Restore what get_extra_state returned (called by load_state_dict when the class overrides it).

        Args:
            state: the value stored under "<prefix>_extra_state".
        """
        raise RuntimeError("Reached a code path in StateDictMixin.set_extra_state() that should never be called.")

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()
        if type(self).get_extra_state is not StateDictMixin.get_extra_state:
            destination[prefix + "_extra_state"] = self.get_extra_state()

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An OrderedDict of parameters and persistent buffers by dotted name (detached unless keep_vars).

        Args:
            destination: a mapping to fill instead of a new OrderedDict.
            prefix: a string put before every key.
            keep_vars: True gives the Parameters themselves instead of detached tensors.

        Returns:
            The mapping; save it with fx.tensor.save and restore it with load_state_dict.

        Example:
            >>> list(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)).state_dict())
            ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']
        """
        if args:  # PyTorch's deprecated positional form (destination, prefix, keep_vars)
            destination = args[0]
            if len(args) > 1:
                prefix = args[1]
            if len(args) > 2:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        local_metadata = {"version": self._version}
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            result = hook(self, destination, prefix, local_metadata)
            if result is not None:
                destination = result
        return destination

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        for hook in self._load_state_dict_pre_hooks.values():
            hook(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        persistent = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local_state = {k: v for k, v in itertools.chain(self._parameters.items(), persistent.items())
                       if v is not None}
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if isinstance(value, np.ndarray):
                value = ft.tensor(value)
            if not isinstance(value, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected fx.tensor.Tensor or '
                                  f"Tensor-like object from checkpoint but received {type(value)}")
                continue
            lazy = isinstance(param, UninitializedParameter)
            if not lazy and param.dim() == 0 and value.dim() == 1 and value.numel() == 1:
                value = value[0]
            if not lazy and value.shape != param.shape:
                error_msgs.append(f"size mismatch for {key}: copying a param with shape {value.shape} from "
                                  f"checkpoint, the shape in current model is {param.shape}.")
                continue
            try:
                with no_grad():
                    if assign:
                        if isinstance(param, Parameter):
                            value = (value.requires_grad_(param.requires_grad) if isinstance(value, Parameter)
                                     else Parameter(value, requires_grad=param.requires_grad))
                        setattr(self, name, value)
                    else:
                        if lazy:
                            param.materialize(value.shape, dtype=param.dtype)
                        param.copy_(value)
            except Exception as ex:
                error_msgs.append(f'While copying the parameter named "{key}", whose dimensions in the model are '
                                  f"{param.size()} and whose dimensions in the checkpoint are {value.size()}, an "
                                  f"exception occurred : {ex.args}.")
        extra_key = prefix + "_extra_state"
        if type(self).set_extra_state is not StateDictMixin.set_extra_state:
            if extra_key in state_dict:
                self.set_extra_state(state_dict[extra_key])
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict:
                if key.startswith(prefix) and key != extra_key:
                    head = key[len(prefix):].split(".", 1)
                    if len(head) > 1:
                        if head[0] not in self._modules:
                            unexpected_keys.append(key)
                    elif head[0] not in local_state:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy parameters and persistent buffers from `state_dict` (as state_dict() names them).

        Args:
            state_dict: a mapping of dotted names to tensors (or NumPy arrays).
            strict: True (default) raises RuntimeError listing missing and unexpected keys; shape
                mismatches raise either way.
            assign: True replaces the module's tensors by the given ones instead of copying into them.

        Returns:
            A named tuple (missing_keys, unexpected_keys), both empty when everything matched.

        Example:
            >>> src, dst = nn.Linear(2, 2), nn.Linear(2, 2)
            >>> dst.load_state_dict(src.state_dict())
            <All keys matched successfully>
            >>> bool((dst.weight == src.weight).all())
            True
            >>> dst.load_state_dict({"weight": src.weight}, strict=False)
            _IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)

        def load(module, local_state, prefix=""):
            meta = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
            if assign:
                meta["assign_to_params_buffers"] = True
            module._load_from_state_dict(local_state, prefix, meta, True, missing, unexpected, errors)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    load(child, {k: v for k, v in local_state.items() if k.startswith(child_prefix)}, child_prefix)
            result = _IncompatibleKeys(missing, unexpected)
            for hook in module._load_state_dict_post_hooks.values():
                if hook(module, result) is not None:
                    raise RuntimeError("Hooks registered with ``register_load_state_dict_post_hook`` are not"
                                       "expected to return new values, if incompatible_keys need to be modified,"
                                       "it should be done inplace.")

        load(self, state_dict)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(type(self).__name__,
                                                                                    "\n\t".join(errors)))
        return _IncompatibleKeys(missing, unexpected)

    def register_state_dict_pre_hook(self, hook):
        """Run `hook(module, prefix, keep_vars)` before state_dict() saves this module.

        Returns:
            A handle whose `remove()` unregisters the hook.
        """
        return add_hook(self._state_dict_pre_hooks, hook)

    def _register_state_dict_hook(self, hook):
        """Run `hook(module, state_dict, prefix, local_metadata)` after state_dict() saved this module;
        a non-None return replaces the state_dict (alias register_state_dict_post_hook).

        Returns:
            A handle whose `remove()` unregisters the hook.
        """
        return add_hook(self._state_dict_hooks, hook)

    register_state_dict_post_hook = _register_state_dict_hook

    def register_load_state_dict_pre_hook(self, hook):
        """Run `hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs)` before load_state_dict() loads this module; it may edit state_dict in place.

        Returns:
            A handle whose `remove()` unregisters the hook.
        """
        return add_hook(self._load_state_dict_pre_hooks, hook)

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        """PyTorch's private form, used by library code: the hook gets no module argument unless with_module."""
        if not with_module:
            hook = _without_module(hook)
        return add_hook(self._load_state_dict_pre_hooks, hook)

    def register_load_state_dict_post_hook(self, hook):
        """Run `hook(module, incompatible_keys)` after load_state_dict() loaded this module; it may
        edit incompatible_keys.missing_keys / unexpected_keys in place and must return None.

        Returns:
            A handle whose `remove()` unregisters the hook.
        """
        return add_hook(self._load_state_dict_post_hooks, hook)
