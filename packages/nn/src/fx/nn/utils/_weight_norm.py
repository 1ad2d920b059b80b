"""Legacy weight normalization (torch.nn.utils.weight_norm): a forward pre-hook recomputes the weight.

Superseded by `parametrizations.weight_norm`, but still what many models call (WaveNet/TCN-style
convolutions). The module gets parameters `<name>_g` and `<name>_v`, and `<name>` becomes a plain
tensor attribute recomputed as g * v / ||v|| before every forward.
"""

from __future__ import annotations

import warnings

from ..parameter import Parameter, UninitializedParameter
from .parametrizations import _weight_norm, norm_except_dim

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


class WeightNorm:
    """The forward pre-hook that `weight_norm` installs (one per reparametrized parameter)."""

    def __init__(self, name, dim):
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        return _weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    @staticmethod
    def apply(module, name, dim):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `WeightNorm` can't have uninitialized parameters. Make sure to run "
                             "the dummy forward before applying weight normalization")
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Reparametrize `module.<name>` as g * v / ||v|| with parameters `<name>_g` and `<name>_v` (legacy API).

    Deprecated in PyTorch in favour of `nn.utils.parametrizations.weight_norm` (it warns the same way),
    but kept with the same state_dict keys so existing models and checkpoints port unchanged.

    Args:
        module: the module.
        name: the parameter to reparametrize (default 'weight').
        dim: the dim that keeps one magnitude per slice (default 0); None: one magnitude in all.

    Returns:
        The module, with the hook installed.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     m = nn.utils.weight_norm(nn.Linear(4, 3))
        >>> m.weight_g.shape, m.weight_v.shape
        (fx.tensor.Size([3, 1]), fx.tensor.Size([3, 4]))
    """
    warnings.warn("`fx.nn.utils.weight_norm` is deprecated in favor of `fx.nn.utils.parametrizations.weight_norm`.",
                  FutureWarning, stacklevel=2)
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    """Undo `weight_norm`: `<name>` becomes one Parameter again, holding the current g * v / ||v||.

    Args:
        module: the module.
        name: the reparametrized parameter (default 'weight').

    Returns:
        The module.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     m = nn.utils.remove_weight_norm(nn.utils.weight_norm(nn.Linear(4, 3)))
        >>> sorted(m.state_dict())
        ['bias', 'weight']
    """
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
