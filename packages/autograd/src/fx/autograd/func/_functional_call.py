"""`functional_call`: call a module with some of its parameters/buffers replaced for one call.

Works with any object: names are dotted attribute paths ("encoder.0.weight"). A name that lives in
the owner's `_parameters` / `_buffers` dict (torch-style modules) is swapped there, anything else
with setattr; everything is restored afterwards, also when the call raises.
"""

from __future__ import annotations

_MISSING = object()


def _named(module, method):
    fn = getattr(module, method, None)
    if fn is None:
        return []
    try:
        return list(fn(remove_duplicate=False))
    except TypeError:
        return list(fn())


def _owner(module, path):
    obj = module
    for part in path[:-1]:
        try:
            obj = getattr(obj, part)
        except AttributeError:
            if part.lstrip("-").isdigit() and hasattr(obj, "__getitem__"):
                obj = obj[int(part)]
            else:
                raise AttributeError(f"functional_call: {type(obj).__name__} has no submodule '{part}' "
                                     f"(in '{'.'.join(path)}')") from None
    return obj


def _swap(module, name, value):
    """Put `value` at `name`; return a function restoring the previous state."""
    path = name.split(".")
    owner, attr = _owner(module, path), path[-1]
    for store_name in ("_parameters", "_buffers"):
        store = getattr(owner, store_name, None)
        if isinstance(store, dict) and attr in store:
            old = store[attr]
            store[attr] = value

            def restore(store=store, old=old):
                store[attr] = old

            return restore
    old = owner.__dict__.get(attr, _MISSING) if hasattr(owner, "__dict__") else getattr(owner, attr, _MISSING)
    setattr(owner, attr, value)

    def restore_attr():
        if old is _MISSING:
            delattr(owner, attr)
        else:
            setattr(owner, attr, old)

    return restore_attr


def _merge(dicts):
    if isinstance(dicts, dict):
        return dict(dicts)
    merged = {}
    for d in dicts:
        for k, v in d.items():
            if k in merged:
                raise ValueError(f"{k} appeared in multiple dictionaries; behavior of functional call is ambiguous")
            merged[k] = v
    return merged


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """`module(*args, **kwargs)` with the named parameters/buffers replaced by the given tensors.

    The module is restored afterwards; gradients flow to the given tensors, which makes a module
    usable inside `grad`/`vmap` (e.g. per-example gradients).

    Args:
        module: the module to call (an `fx.nn.Module`, or any callable object with attributes).
        parameter_and_buffer_dicts: a dict name -> tensor, or a tuple of such dicts (keys unique).
        args: the positional args (a single non-tuple value is one argument).
        kwargs: the keyword args.
        tie_weights: a tensor registered under several names is replaced under all of them.
        strict: the names must be exactly the module's parameters and buffers.

    Returns:
        What `module(*args, **kwargs)` returns with the replacements in place.

    Example:
        >>> lin = nn.Linear(2, 1)
        >>> autograd.func.functional_call(lin, {"weight": ft.ones(1, 2), "bias": ft.zeros(1)}, (ft.tensor([1.0, 2.0]),))
        tensor([3.])
    """
    values = _merge(parameter_and_buffer_dicts)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    kwargs = {} if kwargs is None else kwargs
    named = _named(module, "named_parameters") + _named(module, "named_buffers")
    if tie_weights:
        values = _tie(named, values)
    if strict:
        _check_strict(module, named, values)
    restores = []
    try:
        for name, value in values.items():
            restores.append(_swap(module, name, value))
        return module(*args, **kwargs)
    finally:
        for restore in reversed(restores):
            restore()


def _tie(named, values):
    """Extend `values` to every other name of a tensor that is registered under several names."""
    groups = {}
    for name, t in named:
        groups.setdefault(id(t), []).append(name)
    out = dict(values)
    for names in groups.values():
        if len(names) < 2:
            continue
        given = [n for n in names if n in values]
        if not given:
            continue
        first = values[given[0]]
        for n in given[1:]:
            if values[n] is not first:
                raise ValueError(f"functional_call got multiple values for keys {sorted(given)}, which are tied. "
                                 "Consider using tie_weights=False")
        for n in names:
            out.setdefault(n, first)
    return out


def _check_strict(module, named, values):
    expected = {n for n, _ in named}
    missing = sorted(expected - set(values))
    unexpected = sorted(set(values) - expected)
    errors = []
    if unexpected:
        errors.append("Unexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".")
    if missing:
        errors.append("Missing key(s): " + ", ".join(repr(k) for k in missing) + ".")
    if errors:
        raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t" + "\n\t".join(errors))
