"""Reference texts of the container methods (modules/container.py is near its size limit)."""

from .modules.container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential

Sequential.append.__doc__ = """Add `module` at the end (named str(len(self))).

    Args:
        module: the Module to add.

    Returns:
        self.

    Example:
        >>> nn.Sequential(nn.Linear(2, 2)).append(nn.ReLU())
        Sequential(
          (0): Linear(in_features=2, out_features=2, bias=True)
          (1): ReLU()
        )
    """

Sequential.insert.__doc__ = """Insert `module` before position `index` (negative counts from the end); returns self.

    Args:
        index: the position, -len(self) <= index <= len(self).
        module: the Module to insert.

    Example:
        >>> list(nn.Sequential(nn.ReLU(), nn.Tanh()).insert(1, nn.Sigmoid()))
        [ReLU(), Sigmoid(), Tanh()]
    """

Sequential.extend.__doc__ = """Append every module of the iterable `sequential`; returns self.

    Example:
        >>> len(nn.Sequential(nn.ReLU()).extend([nn.Tanh(), nn.Sigmoid()]))
        3
    """

Sequential.pop.__doc__ = """Remove the module at index `key` and return it (the rest are renumbered).

    Example:
        >>> m = nn.Sequential(nn.ReLU(), nn.Tanh())
        >>> m.pop(0), list(m)
        (ReLU(), [Tanh()])
    """

Sequential.forward.__doc__ = """Call each module in order on the previous one's output; returns the last output."""

ModuleList.append.__doc__ = """Add `module` at the end; returns self.

    Example:
        >>> len(nn.ModuleList().append(nn.ReLU()))
        1
    """

ModuleList.extend.__doc__ = """Append every module of the iterable `modules`; returns self.

    Example:
        >>> len(nn.ModuleList([nn.ReLU()]).extend([nn.Tanh(), nn.Sigmoid()]))
        3
    """

ModuleList.insert.__doc__ = """Insert `module` before position `index`.

    Example:
        >>> m = nn.ModuleList([nn.ReLU(), nn.Tanh()])
        >>> m.insert(1, nn.Sigmoid())
        >>> list(m)
        [ReLU(), Sigmoid(), Tanh()]
    """

ModuleList.pop.__doc__ = """Remove the module at index `key` and return it (the rest are renumbered).

    Example:
        >>> m = nn.ModuleList([nn.ReLU(), nn.Tanh()])
        >>> m.pop(-1), len(m)
        (Tanh(), 1)
    """

ModuleDict.update.__doc__ = """Add or replace modules from a mapping or an iterable of (key, module) pairs.

    Example:
        >>> d = nn.ModuleDict({"act": nn.ReLU()})
        >>> d.update({"act": nn.Tanh(), "fc": nn.Linear(2, 2)})
        >>> list(d.keys()), d["act"]
        (['act', 'fc'], Tanh())
    """

ModuleDict.pop.__doc__ = """Remove the module under `key` and return it.

    Example:
        >>> d = nn.ModuleDict({"act": nn.ReLU()})
        >>> d.pop("act"), len(d)
        (ReLU(), 0)
    """

ModuleDict.clear.__doc__ = """Remove every module."""
ModuleDict.keys.__doc__ = """The keys, in insertion order."""
ModuleDict.items.__doc__ = """(key, module) pairs, in insertion order."""
ModuleDict.values.__doc__ = """The modules, in insertion order."""

ParameterList.append.__doc__ = """Add `value` at the end (a tensor is wrapped in a Parameter); returns self.

    Example:
        >>> ps = nn.ParameterList().append(ft.zeros(2))
        >>> type(ps[0]).__name__
        'Parameter'
    """

ParameterList.extend.__doc__ = """Append every tensor of the iterable `values`; returns self.

    Example:
        >>> len(nn.ParameterList().extend([ft.zeros(1), ft.zeros(2)]))
        2
    """

ParameterDict.update.__doc__ = """Add or replace parameters from a mapping or an iterable of (key, tensor) pairs.

    A plain dict is added in sorted key order; an OrderedDict, a ParameterDict or pairs keep their order.

    Example:
        >>> ps = nn.ParameterDict()
        >>> ps.update([("b", ft.zeros(1)), ("a", ft.zeros(1))])
        >>> list(ps)
        ['b', 'a']
    """

ParameterDict.pop.__doc__ = """Remove the parameter under `key` and return it.

    Example:
        >>> ps = nn.ParameterDict({"w": ft.ones(1)})
        >>> ps.pop("w").requires_grad, len(ps)
        (True, 0)
    """

ParameterDict.get.__doc__ = """The parameter under `key`, or `default` when there is none.

    Example:
        >>> nn.ParameterDict({"w": ft.ones(1)}).get("b") is None
        True
    """

ParameterDict.copy.__doc__ = """A new ParameterDict holding the same Parameter objects."""
ParameterDict.setdefault.__doc__ = """The parameter under `key`, first setting it to `default` when absent."""
ParameterDict.clear.__doc__ = """Remove every parameter."""
ParameterDict.popitem.__doc__ = """Remove and return the last inserted (key, parameter) pair."""
ParameterDict.fromkeys.__doc__ = """A new ParameterDict with every key of `keys` set to `default`."""
ParameterDict.keys.__doc__ = """The keys, in insertion order."""
ParameterDict.items.__doc__ = """(key, parameter) pairs, in insertion order."""
ParameterDict.values.__doc__ = """The parameters, in insertion order."""
