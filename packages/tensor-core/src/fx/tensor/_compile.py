"""`compile`: PyTorch's torch.compile entry point, for programs that call it; fx runs them eagerly."""

from __future__ import annotations

__all__ = ["compile"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
# The names torch._dynamo knows (list_backends() with its debug and testing backends).
_BACKENDS = ("inductor", "eager", "aot_eager", "aot_eager_decomp_partition", "aot_eager_default_partitioner",
             "aot_ts", "cudagraphs", "openxla", "openxla_eval", "tvm", "ts", "onnxrt", "pre_dispatch_eager", "eager_debug",
             "eager_noexcept", "invoke_subgraph", "dynamo_minifier_backend", "dynamo_accuracy_minifier_backend")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None, disable=False):
    """Return `model` unchanged: fx has no JIT compiler, so the program runs eagerly, as written.

    The arguments are checked as torch.compile checks them, so a program that calls it ports by
    changing its imports; nothing is traced or rewritten (a module comes back as itself, not as
    a wrapper). A captured, exportable graph of a model is what fx.script provides.

    Args:
        model: a module or function (default None: return a decorator that takes it).
        fullgraph: accepted (there are no graph breaks to report).
        dynamic: None, True or False: accepted.
        backend: one of torch._dynamo's backend names or a callable: accepted, never called.
        mode: None or one of "default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs",
            "max-autotune"; not together with options.
        options: None or a dict of backend options; not together with mode.
        disable: accepted (the result is the same).

    Returns:
        `model` itself, or a decorator when model is None.

    Example:
        >>> f = ft.compile(lambda x: x * 2, mode="max-autotune")
        >>> f(ft.tensor([1.0, 2.0]))
        tensor([2., 4.])
    """
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if options is not None and not isinstance(options, dict):
        raise TypeError(f"compile(): options must be a dict, not {type(options).__name__}")
    if dynamic is not None and not isinstance(dynamic, bool):
        raise AssertionError(f"Expected dynamic to be a bool or None, got {type(dynamic)}")
    if isinstance(backend, str):
        if backend not in _BACKENDS:
            raise RuntimeError(f"Invalid backend: '{backend}', see `torch._dynamo.list_backends()` for the names "
                               "torch.compile accepts")
    elif not callable(backend):
        raise TypeError(f"compile(): backend must be a backend name or a callable, not {type(backend).__name__}")
    if model is None:
        def decorate(fn):
            return compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                           disable=disable)

        return decorate
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model
