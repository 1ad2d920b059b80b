"""Docstrings of fx.tensor's public functions, kept beside the op frontends instead of inside them (as
PyTorch keeps _torch_docs.py) so the op files stay small; each family module attaches its texts at import."""

import importlib
import inspect
import pkgutil


def add_docstr(obj, doc):
    """Attach `doc` (dedented) to a public function or class and return it."""
    obj.__doc__ = inspect.cleandoc(doc)
    return obj


for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
