"""Run the `>>>` examples in public docstrings with the docs' global setup.

Usage: python tools/run_doctests.py fx.tensor [fx.nn ...] [--names exp,add]
Exits non-zero listing every failing example; used while writing docstrings and by `nox -s docs`.
"""

import argparse
import doctest
import importlib
import inspect
import sys

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


def run(module_names, only=None):
    finder = doctest.DocTestFinder(recurse=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    seen = set()
    for module_name in module_names:
        module = importlib.import_module(module_name)
        for name, obj in _public(module):
            if (only and name not in only) or id(obj) in seen:
                continue
            seen.add(id(obj))
            for test in finder.find(obj, f"{module_name}.{name}", globs=_globs()):
                # Class docstrings pull in methods defined elsewhere; keep only this object's own text.
                if test.examples:
                    runner.run(test)
    return runner.summarize(verbose=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="+")
    parser.add_argument("--names", default="", help="comma-separated public names to run (default: all)")
    args = parser.parse_args(argv)
    only = set(filter(None, args.names.split(",")))
    result = run(args.modules, only or None)
    print(f"{result.attempted} examples, {result.failed} failed")
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
