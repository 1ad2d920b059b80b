"""Reference texts of Module's methods (modules/module.py is at its size limit, so they live here).

Each text replaces the one-line summary written next to the method's code.
"""

from .modules.module import Module

Module.__doc__ = """Base class of all layers; assign Parameters, buffers and Modules as attributes to register them.

    Subclasses call `super().__init__()` first, create their parameters and children as attributes,
    and define `forward`; call the module (`m(x)`), not `m.forward(x)`, so hooks run. Registered
    tensors are found by `parameters()` / `state_dict()` and moved by `to()`; children are walked
    recursively by every traversal method.

    Example:
        >>> class Net(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = nn.Linear(4, 2)
        ...     def forward(self, x):
        ...         return self.fc(x).relu()
        >>> [n for n, _ in Net().named_parameters()]
        ['fc.weight', 'fc.bias']
        >>> Net()(ft.ones(3, 4)).shape
        fx.tensor.Size([3, 2])
    """

Module.forward.__doc__ = """The computation of the module; every subclass overrides it.

    Call the module itself (`module(*args)`) rather than `forward`, so that hooks run. The base
    class's forward raises NotImplementedError.
    """

Module.__call__.__doc__ = """Run `forward(*args, **kwargs)` with the registered hooks around it.

    Returns:
        What forward returns (or what a forward hook replaced it with). A RuntimeError raised
        inside is re-raised with the failing submodule's dotted path and input shapes in its message.

    Example:
        >>> nn.Linear(3, 1)(ft.zeros(2, 3)).shape
        fx.tensor.Size([2, 1])
    """

Module.register_buffer.__doc__ = """Register `tensor` as buffer `name`: state that is saved and moved but not trained.

    Args:
        name: the attribute name (a string without "." that is not already an attribute).
        tensor: a Tensor, or None (then the buffer is skipped by buffers() and state_dict()).
        persistent: False keeps the buffer out of state_dict (default True).

    Example:
        >>> m = nn.Module()
        >>> m.register_buffer("mean", ft.zeros(3))
        >>> m.mean
        tensor([0., 0., 0.])
    """

Module.register_parameter.__doc__ = """Register `param` as parameter `name` (what assigning a Parameter attribute does).

    Args:
        name: the attribute name (a string without "." that is not already an attribute).
        param: a Parameter (a leaf tensor), or None (then parameters() skips it).

    Example:
        >>> m = nn.Module()
        >>> m.register_parameter("w", nn.Parameter(ft.ones(2)))
        >>> [n for n, _ in m.named_parameters()]
        ['w']
    """

Module.add_module.__doc__ = """Register `module` as child `name` (what assigning a Module attribute does); alias register_module.

    Args:
        name: the attribute name (a string without "." that is not already an attribute).
        module: a Module, or None (then traversals skip it).

    Example:
        >>> m = nn.Module()
        >>> m.add_module("fc", nn.Linear(2, 2))
        >>> m
        Module(
          (fc): Linear(in_features=2, out_features=2, bias=True)
        )
    """

Module.get_submodule.__doc__ = """The submodule at the dotted path `target` ("" is the module itself).

    Args:
        target: a dotted name as named_modules() gives it, e.g. "encoder.layers.0".

    Returns:
        The Module; AttributeError if a step of the path does not exist or is not a Module.

    Example:
        >>> nn.Sequential(nn.Linear(2, 3), nn.ReLU()).get_submodule("1")
        ReLU()
    """

Module.set_submodule.__doc__ = """Replace the existing submodule at the dotted path `target` with `module`.

    Args:
        target: a dotted name as named_modules() gives it (not "").
        module: the new Module.

    Example:
        >>> m = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
        >>> m.set_submodule("1", nn.Tanh())
        >>> m[1]
        Tanh()
    """

Module.get_parameter.__doc__ = """The parameter at the dotted path `target` (AttributeError if there is none).

    Args:
        target: a dotted name as named_parameters() gives it, e.g. "0.weight".

    Example:
        >>> nn.Sequential(nn.Linear(2, 3)).get_parameter("0.bias").shape
        fx.tensor.Size([3])
    """

Module.get_buffer.__doc__ = """The buffer at the dotted path `target` (AttributeError if there is none).

    Args:
        target: a dotted name as named_buffers() gives it, e.g. "0.running_mean".

    Example:
        >>> nn.Sequential(nn.BatchNorm1d(3)).get_buffer("0.running_var")
        tensor([1., 1., 1.])
    """

Module.named_parameters.__doc__ = """(dotted name, Parameter) pairs: this module's first, then each child's, in registration order.

    Args:
        prefix: a string put before every name.
        recurse: False gives only this module's own parameters.
        remove_duplicate: False also yields a parameter shared under several names each time.

    Example:
        >>> m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        >>> [(n, tuple(p.shape)) for n, p in m.named_parameters()]
        [('0.weight', (3, 2)), ('0.bias', (3,)), ('2.weight', (1, 3)), ('2.bias', (1,))]
    """

Module.parameters.__doc__ = """An iterator over the parameters (what optimizers take), in named_parameters() order.

    Args:
        recurse: False gives only this module's own parameters.

    Example:
        >>> sum(p.numel() for p in nn.Linear(20, 30).parameters())
        630
    """

Module.named_buffers.__doc__ = """(dotted name, buffer) pairs, in the order of named_parameters().

    Args:
        prefix: a string put before every name.
        recurse: False gives only this module's own buffers.
        remove_duplicate: False also yields a buffer shared under several names each time.

    Example:
        >>> [n for n, _ in nn.BatchNorm1d(3).named_buffers()]
        ['running_mean', 'running_var', 'num_batches_tracked']
    """

Module.buffers.__doc__ = """An iterator over the buffers, in named_buffers() order.

    Args:
        recurse: False gives only this module's own buffers.

    Example:
        >>> [tuple(b.shape) for b in nn.BatchNorm1d(3).buffers()]
        [(3,), (3,), ()]
    """

Module.named_children.__doc__ = """(name, Module) pairs of the direct children (each child once).

    Example:
        >>> [n for n, _ in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).named_children()]
        ['0', '1']
    """

Module.children.__doc__ = """An iterator over the direct children.

    Example:
        >>> list(nn.Sequential(nn.ReLU(), nn.Tanh()).children())
        [ReLU(), Tanh()]
    """

Module.named_modules.__doc__ = """(dotted name, Module) pairs of every module in the tree, pre-order, starting with (prefix, self).

    Args:
        memo: a set of modules to skip (filled as modules are visited).
        prefix: a string put before every name.
        remove_duplicate: False also yields a module shared under several names each time.

    Example:
        >>> m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
        >>> [n for n, _ in m.named_modules()]
        ['', '0', '1', '1.0']
    """

Module.modules.__doc__ = """An iterator over every module in the tree (self first), each once.

    Example:
        >>> [type(m).__name__ for m in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).modules()]
        ['Sequential', 'Linear', 'ReLU']
    """

Module.train.__doc__ = """Set training mode (`mode=True`) or evaluation mode on this module and every descendant.

    The mode changes what Dropout and BatchNorm-like layers do.

    Args:
        mode: True for training, False for evaluation (a bool).

    Returns:
        self.

    Example:
        >>> m = nn.Sequential(nn.Dropout()).train(False)
        >>> m.training, m[0].training
        (False, False)
    """

Module.eval.__doc__ = """Set evaluation mode on this module and every descendant (the same as train(False)); returns self.

    Example:
        >>> nn.Dropout().eval().training
        False
    """

Module.requires_grad_.__doc__ = """Set requires_grad on every parameter (False freezes the module); returns self.

    Args:
        requires_grad: whether autograd records operations on the parameters (default True).

    Example:
        >>> nn.Linear(2, 2).requires_grad_(False).weight.requires_grad
        False
    """

Module.zero_grad.__doc__ = """Reset the gradients of every parameter.

    Args:
        set_to_none: True (default) sets each .grad to None; False zeroes it in place.

    Example:
        >>> m = nn.Linear(2, 1)
        >>> m(ft.ones(1, 2)).sum().backward()
        >>> m.zero_grad()
        >>> m.weight.grad is None
        True
    """

Module.apply.__doc__ = """Call `fn(m)` on every descendant (children first, recursively) and then on self.

    Args:
        fn: a function of one Module, typically an initializer.

    Returns:
        self.

    Example:
        >>> def init_weights(m):
        ...     if isinstance(m, nn.Linear):
        ...         nn.init.ones_(m.weight)
        >>> nn.Sequential(nn.Linear(2, 2), nn.ReLU()).apply(init_weights)[0].weight
        Parameter containing:
        tensor([[1., 1.],
                [1., 1.]], requires_grad=True)
    """

Module.to.__doc__ = """Move and/or cast the parameters and buffers in place: to(device), to(dtype), to(device, dtype), to(tensor).

    A dtype applies to floating-point tensors only (integer buffers keep theirs); gradients move
    along. Keyword forms: to(device=..., dtype=..., non_blocking=...).

    Args:
        device: an fx.tensor.device, "cpu", "cuda" or "cuda:N".
        dtype: a floating-point dtype (TypeError otherwise).
        tensor: take the device and dtype of this tensor.

    Returns:
        self.

    Example:
        >>> m = nn.Linear(2, 2).to(ft.float64)
        >>> m.weight.dtype, m.bias.dtype
        (fx.tensor.float64, fx.tensor.float64)
    """

_CAST = """Cast every floating-point parameter and buffer to {dtype} in place; returns self.

    Example:
        >>> nn.Linear(2, 2).{name}().weight.dtype
        fx.tensor.{dtype}
    """
for _name, _dtype in (("half", "float16"), ("float", "float32"), ("double", "float64"), ("bfloat16", "bfloat16")):
    getattr(Module, _name).__doc__ = _CAST.format(name=_name, dtype=_dtype)

Module.type.__doc__ = """Cast every parameter and buffer (floating or not) to `dst_type`; returns self.

    Args:
        dst_type: the dtype.

    Example:
        >>> nn.Linear(2, 2).type(ft.float64).bias.dtype
        fx.tensor.float64
    """

Module.cpu.__doc__ = """Move every parameter and buffer to the CPU; returns self.

    Example:
        >>> nn.Linear(2, 2).cpu().weight.device
        device(type='cpu')
    """

Module.cuda.__doc__ = """Move every parameter and buffer to a CUDA device; returns self.

    Args:
        device: the device index (default: the current CUDA device).
    """

Module.share_memory.__doc__ = """Returns self (fx tensors are not shared between processes through this call)."""

Module.register_forward_pre_hook.__doc__ = """Run `hook(module, args)` before every forward; it may return new positional args.

    Args:
        hook: the function; a non-None return (a tuple, or a single value wrapped into one)
            replaces args.
        prepend: run this hook before the ones already registered.
        with_kwargs: call `hook(module, args, kwargs)` instead; it may return (args, kwargs).

    Returns:
        A handle whose `remove()` unregisters the hook.

    Example:
        >>> m = nn.Identity()
        >>> h = m.register_forward_pre_hook(lambda mod, args: (args[0] * 10,))
        >>> m(ft.ones(2))
        tensor([10., 10.])
        >>> h.remove()
        >>> m(ft.ones(2))
        tensor([1., 1.])
    """

Module.register_forward_hook.__doc__ = """Run `hook(module, args, output)` after every forward; it may return a new output.

    Args:
        hook: the function; a non-None return replaces the output.
        prepend: run this hook before the ones already registered.
        with_kwargs: call `hook(module, args, kwargs, output)` instead.
        always_call: also run it when forward raises.

    Returns:
        A handle whose `remove()` unregisters the hook.

    Example:
        >>> m = nn.Identity()
        >>> h = m.register_forward_hook(lambda mod, args, out: out + 1)
        >>> m(ft.zeros(2))
        tensor([1., 1.])
        >>> h.remove()
    """

Module.register_full_backward_pre_hook.__doc__ = """Run `hook(module, grad_output)` when the gradients of the module's outputs are known.

    Args:
        hook: the function; a non-None return (a tuple like grad_output) replaces grad_output.
        prepend: run this hook before the ones already registered.

    Returns:
        A handle whose `remove()` unregisters the hook.

    Example:
        >>> m = nn.Linear(2, 1)
        >>> h = m.register_full_backward_pre_hook(lambda mod, g_out: print(g_out))
        >>> m(ft.ones(1, 2)).sum().backward()
        (tensor([[1.]]),)
    """

Module.register_full_backward_hook.__doc__ = """Run `hook(module, grad_input, grad_output)` once the module's input gradients are known.

    grad_input and grad_output are tuples with one entry per tensor input / output (None where
    there is no gradient); register_backward_hook is an alias.

    Args:
        hook: the function; a non-None return (a tuple like grad_input) replaces grad_input.
        prepend: run this hook before the ones already registered.

    Returns:
        A handle whose `remove()` unregisters the hook.

    Example:
        >>> m = nn.Identity()
        >>> h = m.register_full_backward_hook(lambda mod, g_in, g_out: (g_in[0] * 3,))
        >>> x = ft.ones(2, requires_grad=True)
        >>> m(x).sum().backward()
        >>> x.grad
        tensor([3., 3.])
    """

Module.extra_repr.__doc__ = """The text inside this module's repr parentheses; layers override it to show their settings.

    Example:
        >>> nn.Linear(2, 3).extra_repr()
        'in_features=2, out_features=3, bias=True'
    """
