"""Run the `>>>` examples in public docstrings with the docs' global setup.

Usage: python tools/run_doctests.py [fx.tensor fx.nn ...] [--names exp,add,Module.state_dict]
Without modules it runs all of MODULES. A public class brings its own members and the members it
inherits from non-public bases (Module.state_dict is defined in the mixin of fx/nn/modules/_state.py);
each function object runs once, under the first public name that reaches it.
Exits non-zero listing every failing example; used while writing docstrings.
"""

import argparse
import doctest
import importlib
import inspect
import sys

MODULES = [
    "fx.tensor", "fx.tensor.linalg", "fx.tensor.testing", "fx.autograd", "fx.autograd.functional", "fx.autograd.func", "fx.nn",
    "fx.nn.functional", "fx.nn.init", "fx.nn.utils", "fx.nn.utils.rnn", "fx.optim", "fx.optim.lr_scheduler",
    "fx.data", "fx.data.datasets",
]

SETUP = """
import numpy as np
import fx.tensor as ft
import fx.autograd as autograd
from fx import nn, optim, data
import fx.nn.functional as F
"""


def _public(module):
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name, None)
        if inspect.isfunction(obj) or inspect.isclass(obj) or inspect.isbuiltin(obj):
            yield name, obj


def _globs():
    globs = {}
    exec(SETUP, globs)
    return globs


def _function_of(member):
    """The object whose docstring documents a class attribute (the function behind a static/class method
    or a property's getter), or None for attributes that carry no examples of their own."""
    if isinstance(member, (staticmethod, classmethod)):
        return member.__func__
    if isinstance(member, property):
        return member
    if inspect.isroutine(member) or inspect.isclass(member):
        return member
    return None


def _private_bases(cls, public_ids):
    """The bases of `cls` defined in fx but not public anywhere (mixins such as the state_dict one)."""
    return [base for base in cls.__mro__[1:]
            if base.__module__.startswith("fx.") and id(base) not in public_ids]


def _documented(name, obj, public_ids):
    """(qualified name, object) of `obj` and, for a class, of its members and of those it inherits from
    non-public bases; a nested class is walked the same way."""
    yield name, obj
    if not inspect.isclass(obj):
        return
    for owner in [obj] + _private_bases(obj, public_ids):
        for attr, member in vars(owner).items():
            target = _function_of(member)
            if target is None or (attr.startswith("_") and not attr.startswith("__")):
                continue
            if inspect.isclass(target):
                yield from _documented(f"{name}.{attr}", target, public_ids)
            else:
                yield f"{name}.{attr}", target


def run(module_names, only=None):
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    modules = {name: importlib.import_module(name) for name in dict.fromkeys(MODULES + list(module_names))}
    public_ids = {id(obj) for module in modules.values() for _, obj in _public(module)}
    seen = set()
    for module_name in module_names:
        module = modules[module_name]
        for name, obj in _public(module):
            for qualname, target in _documented(name, obj, public_ids):
                wanted = not only or name in only or qualname in only
                if not wanted or id(target) in seen:
                    continue
                seen.add(id(target))
                home = inspect.getmodule(target) or module
                for test in finder.find(target, f"{module_name}.{qualname}", module=home, globs=_globs()):
                    if test.examples:
                        runner.run(test)
    return runner.summarize(verbose=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=MODULES)
    parser.add_argument("--names", default="", help="comma-separated public names (or Class.member) to run (default: all)")
    args = parser.parse_args(argv)
    only = set(filter(None, args.names.split(",")))
    result = run(args.modules, only or None)
    print(f"{result.attempted} examples, {result.failed} failed")
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
