"""Parametrizations (torch.nn.utils.parametrize): a tensor of a module computed from other tensors.

`register_parametrization(module, "weight", P)` moves the parameter to
`module.parametrizations.weight.original` (or `original0`, `original1`, ... when `P.right_inverse`
returns several tensors) and makes `module.weight` a property that returns `P(original)` on every
access. The module's class is swapped for a subclass `Parametrized<Class>` that holds the property,
so other instances of the class are unaffected; removing the last parametrization swaps it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager, suppress

from fx.autograd import no_grad
from fx.tensor._tensor import Tensor

from ..modules.container import ModuleDict, ModuleList
from ..parameter import Parameter

__all__ = ["ParametrizationList", "register_parametrization", "remove_parametrizations", "is_parametrized", "cached",
           "type_before_parametrizations"]

_cache_depth = 0
_cache: dict = {}


@contextmanager
def cached():
    """Inside this block each parametrized tensor is computed once, on first access, and then reused.

    Useful when a parametrized weight is read several times in one forward (e.g. a recurrent layer).

    Returns:
        A context manager; the cache is dropped when the outermost block exits.

    Example:
        >>> m = nn.utils.parametrize.register_parametrization(nn.Linear(2, 2), "weight", nn.Identity())
        >>> with nn.utils.parametrize.cached():
        ...     print(m.weight is m.weight)
        True
    """
    global _cache_depth
    _cache_depth += 1
    try:
        yield
    finally:
        _cache_depth -= 1
        if not _cache_depth:
            _cache.clear()


def _register_tensor(module, name, tensor):
    if isinstance(tensor, Parameter):
        module.register_parameter(name, tensor)
    else:
        module.register_buffer(name, tensor)


def _check_like(value, shape, dtype, what):
    if not isinstance(value, Tensor):
        raise ValueError(f"{what} must return a tensor. Got {type(value).__name__}.")
    if value.dtype != dtype:
        raise ValueError(f"{what} may not change the dtype of the tensor, unless `unsafe` flag is enabled.\n"
                         f"unparametrized dtype: {dtype}\nparametrized dtype: {value.dtype}")
    if value.shape != shape:
        raise ValueError(f"{what} may not change the shape of the tensor, unless `unsafe` flag is enabled.\n"
                         f"unparametrized shape: {shape}\nparametrized shape: {value.shape}")


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and the original tensor(s) they start from.

    Args:
        modules: the parametrizations (at least one).
        original: the tensor being parametrized (a Parameter or a buffer).
        unsafe: skip the checks that the parametrized tensor keeps the original's shape and dtype.

    Example:
        >>> pl = nn.utils.parametrize.ParametrizationList([nn.Tanh()], nn.Parameter(ft.zeros(2)))
        >>> pl()
        tensor([0., 0.], grad_fn=<TanhBackward0>)
    """

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        shape, dtype = original.shape, original.dtype
        with no_grad():
            new = original
            for module in reversed(list(self)):
                inverse = getattr(module, "right_inverse", None)
                if inverse is not None:
                    with suppress(NotImplementedError):  # no right inverse: start from the original as it is
                        new = inverse(new)
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                             f"Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if new.dtype != dtype:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                                 f"original.dtype: {dtype}\nright_inverse(original).dtype: {new.dtype}")
            if new is not original:
                with no_grad():
                    original.data = new  # the same tensor object, so optimizers holding it keep working
            _register_tensor(self, "original", original)
        else:
            for i, part in enumerate(new):
                if not isinstance(part, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                                     f"Got element {i} of the sequence with type {type(part).__name__}.")
                if isinstance(original, Parameter):
                    part = Parameter(part.detach(), original.requires_grad)
                else:
                    part = part.detach().requires_grad_(original.requires_grad)
                _register_tensor(self, f"original{i}", part)
        if not unsafe:
            _check_like(self(), shape, dtype, "Registering a parametrization")

    def right_inverse(self, value):
        """Set the original tensor(s) so that the parametrized tensor becomes `value` (runs each right_inverse)."""
        with no_grad():
            for module in reversed(list(self)):
                inverse = getattr(module, "right_inverse", None)
                if inverse is None:
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
                value = inverse(value)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype {value.dtype} while "
                                     f"`original` has dtype {self.original.dtype}")
                self.original.data = value
            else:
                if not isinstance(value, Sequence) or len(value) != self.ntensors:
                    raise ValueError(f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. "
                                     f"Got {type(value).__name__}")
                for i, part in enumerate(value):
                    getattr(self, f"original{i}").data = part

    def forward(self):
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _getstate(self):
    raise RuntimeError("Serialization of parametrized modules is only supported through state_dict().")


def _inject_class(module):
    cls = module.__class__
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {"__getstate__": _getstate})


def _inject_property(module, name):
    def get_parametrized(self):
        parametrization = self.parametrizations[name]
        if not _cache_depth:
            return parametrization()
        key = (id(self), name)
        if key not in _cache:
            _cache[key] = parametrization()
        return _cache[key]

    def set_original(self, value):
        self.parametrizations[name].right_inverse(value)

    setattr(module.__class__, name, property(get_parametrized, set_original))


def is_parametrized(module, tensor_name=None):
    """Whether `module` has any parametrization, or one on `tensor_name`.

    Args:
        module: the module.
        tensor_name: a tensor name, or None for any.

    Returns:
        A bool.

    Example:
        >>> m = nn.Linear(2, 2)
        >>> _ = nn.utils.parametrize.register_parametrization(m, "weight", nn.Identity())
        >>> nn.utils.parametrize.is_parametrized(m, "weight"), nn.utils.parametrize.is_parametrized(m, "bias")
        (True, False)
    """
    parametrizations = getattr(module, "parametrizations", None)
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def type_before_parametrizations(module):
    """The class of `module` as it was before any parametrization was registered.

    Args:
        module: the module.

    Returns:
        A class.

    Example:
        >>> m = nn.utils.parametrize.register_parametrization(nn.Linear(2, 2), "weight", nn.Identity())
        >>> type(m).__name__, nn.utils.parametrize.type_before_parametrizations(m).__name__
        ('ParametrizedLinear', 'Linear')
    """
    return module.__class__.__bases__[0] if is_parametrized(module) else type(module)


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make `module.<tensor_name>` the output of `parametrization` applied to the stored original tensor.

    Registering a second parametrization on the same tensor chains it after the first. If
    `parametrization` has `right_inverse(X)`, the originals are initialised from it (and assigning
    `module.<tensor_name> = X` calls it); otherwise the original tensor is kept as it is.

    Args:
        module: the module owning the parameter or buffer.
        tensor_name: the name of the parameter or buffer to parametrize.
        parametrization: a Module whose forward maps the original tensor(s) to the parametrized one.
        unsafe: skip the checks that the parametrization keeps shape and dtype (default False).

    Returns:
        The module.

    Example:
        >>> class Symmetric(nn.Module):
        ...     def forward(self, X):
        ...         return X.triu() + X.triu(1).transpose(-1, -2)
        >>> m = nn.utils.parametrize.register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
        >>> bool((m.weight == m.weight.T).all())
        True
        >>> sorted(m.state_dict())
        ['bias', 'parametrizations.weight.original']
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        plist = module.parametrizations[tensor_name]
        if not unsafe:
            current = getattr(module, tensor_name)
            _check_like(parametrization(current), current.shape, current.dtype, "Registering a parametrization")
            inverse = getattr(parametrization, "right_inverse", None)
            if inverse is not None:
                back = inverse(current)
                if not isinstance(back, Tensor):
                    raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(back).__name__}")
                _check_like(back, current.shape, current.dtype, "parametrization.right_inverse")
        plist.append(parametrization)
        plist.unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        plist = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = plist
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with name "
                         f"'{tensor_name}'")
    return module


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo the parametrizations on `tensor_name`: it becomes a plain parameter or buffer again.

    Args:
        module: the parametrized module.
        tensor_name: the parametrized tensor's name.
        leave_parametrized: keep the current parametrized value (default True) rather than the original.

    Returns:
        The module.

    Example:
        >>> m = nn.utils.parametrize.register_parametrization(nn.Linear(2, 2), "weight", nn.Identity())
        >>> type(nn.utils.parametrize.remove_parametrizations(m, "weight")).__name__
        'Linear'
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    if plist.is_tensor:
        original = plist.original
        if leave_parametrized:
            with no_grad():
                original.data = getattr(module, tensor_name)
    elif leave_parametrized:
        value = getattr(module, tensor_name)
        original = Parameter(value.detach(), value.requires_grad)
    else:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in "
                         "terms of a sequence of tensors.")
    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_tensor(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = module.__class__.__bases__[0]
    return module
