"""Port a PyTorch program to fx by rewriting its imports only (the rule in ../shared/API.md).

Usage: ``python rewrite.py program.py > program_fx.py`` or ``rewrite_source(text)``.

Only import statements change; every other line of the program is kept byte for byte. Two kinds of
rewrite happen:

1. ``import torch.X as Y`` and ``from torch.X import a, b`` become imports of the fx module that
   API.md names for ``torch.X`` (longest prefix of MODULE_MAP wins). ``from torch import a, b``
   picks, per name, the fx module that holds it (NAME_MAP; any other name comes from ``fx.tensor``).
2. ``import torch`` (and ``import torch.X``, which binds ``torch`` too) binds ``torch`` to a small
   alias namespace: attribute lookups fall through to ``fx.tensor``, except the attribute paths that
   API.md places in another package (``torch.nn`` -> ``fx.nn``, ``torch.no_grad`` ->
   ``fx.autograd.no_grad``, ``torch.utils.data`` -> ``fx.data``, ...; see NAMESPACE). The namespace
   code is a prelude written once at the top of the program; it resolves targets lazily, so a
   program that never touches ``torch.distributed`` does not need fx-distributed installed.

The mapping (PyTorch -> fx), from API.md:

- ``torch`` and every name not listed below: ``fx.tensor`` (``torch.linalg``/``fft``/``cuda``/``autocast``
  -> ``fx.tensor.linalg``/``fft``/``cuda``/``autocast``)
- ``torch.autograd``: ``fx.autograd``; ``torch.no_grad``, ``enable_grad``, ``set_grad_enabled``,
  ``is_grad_enabled``, ``inference_mode``: ``fx.autograd.<same>``
- ``torch.func`` (and ``torch.vmap``): ``fx.autograd.func``; ``torch.utils.checkpoint.checkpoint``:
  ``fx.autograd.checkpoint``
- ``torch.nn`` and its submodules: ``fx.nn`` and the same submodules
- ``torch.optim`` and its submodules: ``fx.optim`` and the same submodules; ``torch.amp.GradScaler``:
  ``fx.optim.GradScaler`` (``torch.amp.autocast``: ``fx.tensor.autocast``)
- ``torch.utils.data`` (and its submodules): ``fx.data`` (and the same submodules)
- ``torch.distributed``, ``torch.nn.parallel.DistributedDataParallel``: ``fx.distributed``
- ``torch.jit.trace``/``save``/``load``: ``fx.script.trace``/``save``/``load``
"""

from __future__ import annotations

import ast
import sys

# torch module path -> fx module path; the longest matching prefix wins, the rest of the path is kept.
MODULE_MAP = {
    "torch": "fx.tensor",
    "torch.linalg": "fx.tensor.linalg",
    "torch.fft": "fx.tensor.fft",
    "torch.cuda": "fx.tensor.cuda",
    "torch.autograd": "fx.autograd",
    "torch.func": "fx.autograd.func",
    "torch.nn": "fx.nn",
    "torch.optim": "fx.optim",
    "torch.utils.data": "fx.data",
    "torch.utils.checkpoint": "fx.autograd",
    "torch.amp": "fx.optim",
    "torch.distributed": "fx.distributed",
    "torch.nn.parallel": "fx.distributed",
    "torch.jit": "fx.script",
}

# `from <torch module> import name`: names that live in a different fx module than MODULE_MAP gives.
NAME_MAP = {
    ("torch", "nn"): "fx",
    ("torch", "optim"): "fx",
    ("torch", "autograd"): "fx",
    ("torch", "func"): "fx.autograd",
    ("torch", "no_grad"): "fx.autograd",
    ("torch", "enable_grad"): "fx.autograd",
    ("torch", "set_grad_enabled"): "fx.autograd",
    ("torch", "is_grad_enabled"): "fx.autograd",
    ("torch", "inference_mode"): "fx.autograd",
    ("torch", "vmap"): "fx.autograd.func",
    ("torch", "linalg"): "fx.tensor",
    ("torch", "fft"): "fx.tensor",
    ("torch", "cuda"): "fx.tensor",
    ("torch", "distributed"): "fx",
    ("torch.amp", "autocast"): "fx.tensor",
    ("torch.utils", "data"): "fx",
}

# What `torch.<attr>` resolves to in the alias namespace: "module" or "module:attribute", or a nested
# dict for a sub-namespace (torch.utils, torch.amp). Anything not listed falls through to fx.tensor.
NAMESPACE = {
    "nn": "fx.nn",
    "optim": "fx.optim",
    "autograd": "fx.autograd",
    "func": "fx.autograd.func",
    "vmap": "fx.autograd.func:vmap",
    "no_grad": "fx.autograd:no_grad",
    "enable_grad": "fx.autograd:enable_grad",
    "set_grad_enabled": "fx.autograd:set_grad_enabled",
    "is_grad_enabled": "fx.autograd:is_grad_enabled",
    "inference_mode": "fx.autograd:inference_mode",
    "distributed": "fx.distributed",
    "utils": {"data": "fx.data", "checkpoint": {"checkpoint": "fx.autograd:checkpoint"}},
    "amp": {"GradScaler": "fx.optim:GradScaler", "autocast": "fx.tensor:autocast"},
    "jit": {"trace": "fx.script:trace", "save": "fx.script:save", "load": "fx.script:load"},
}

PRELUDE = '''\
# fx port (tests/ported/rewrite.py): `torch` is fx.tensor plus the attribute paths API.md maps elsewhere.
import importlib as _fx_importlib
import types as _fx_types


class _FxTorchAlias(_fx_types.ModuleType):
    def __init__(self, name, table, fallback):
        super().__init__(name)
        self._fx_table, self._fx_fallback = table, fallback

    def __getattr__(self, attr):
        if attr.startswith("_fx_"):
            raise AttributeError(attr)
        target = self._fx_table.get(attr)
        if target is None:
            if self._fx_fallback is None:
                raise AttributeError(f"fx port: {self.__name__}.{attr} has no fx counterpart")
            return getattr(_fx_importlib.import_module(self._fx_fallback), attr)
        if isinstance(target, dict):
            return _FxTorchAlias(f"{self.__name__}.{attr}", target, None)
        module, _, name = target.partition(":")
        value = _fx_importlib.import_module(module)
        return getattr(value, name) if name else value


_fx_torch = _FxTorchAlias("torch", {namespace!r}, "fx.tensor")
'''


def _fx_module(torch_module: str) -> str:
    parts = torch_module.split(".")
    for cut in range(len(parts), 0, -1):
        head = ".".join(parts[:cut])
        if head in MODULE_MAP:
            return ".".join([MODULE_MAP[head], *parts[cut:]])
    raise ValueError(f"not a torch module: {torch_module}")


def _is_torch(module: str | None) -> bool:
    return module is not None and (module == "torch" or module.startswith("torch."))


def _rewrite_import(node: ast.Import) -> tuple[str, bool]:
    """New source for `import ...`; the flag says whether the alias namespace is used."""
    stmts, uses_alias = [], False
    for alias in node.names:
        if not _is_torch(alias.name):
            stmts.append(f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else ""))
        elif alias.name == "torch" or alias.asname is None:
            # `import torch` and `import torch.nn` both bind the name `torch` (or the asname).
            stmts.append(f"{alias.asname or 'torch'} = _fx_torch")
            uses_alias = True
        else:
            stmts.append(f"import {_fx_module(alias.name)} as {alias.asname}")
    return "; ".join(stmts), uses_alias


def _rewrite_from(node: ast.ImportFrom) -> str:
    groups: dict[str, list[str]] = {}
    for alias in node.names:
        target = NAME_MAP.get((node.module, alias.name)) or _fx_module(node.module)
        groups.setdefault(target, []).append(alias.name + (f" as {alias.asname}" if alias.asname else ""))
    return "; ".join(f"from {module} import {', '.join(names)}" for module, names in groups.items())


def _offsets(source: str) -> list[int]:
    starts, pos = [], 0
    for line in source.splitlines(keepends=True):
        starts.append(pos)
        pos += len(line)
    starts.append(pos)
    return starts


def _chars(line: str, byte_offset: int) -> int:
    """ast column offsets count UTF-8 bytes; string slicing counts characters."""
    return len(line.encode()[:byte_offset].decode())


def _prelude_line(tree: ast.Module) -> int:
    """0-based line after the docstring and `from __future__` imports, where the prelude goes."""
    line = 0
    for stmt in tree.body:
        is_doc = isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
        is_future = isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"
        if not (is_doc or is_future):
            break
        line = stmt.end_lineno
    return line


def rewrite_source(source: str) -> str:
    """Return the fx version of a PyTorch program's source: its torch imports rewritten."""
    tree = ast.parse(source)
    starts = _offsets(source)
    lines = source.splitlines(keepends=True)
    edits, uses_alias = [], False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(_is_torch(a.name) for a in node.names):
            text, alias = _rewrite_import(node)
            uses_alias |= alias
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_torch(node.module):
            text = _rewrite_from(node)
        else:
            continue
        begin = starts[node.lineno - 1] + _chars(lines[node.lineno - 1], node.col_offset)
        end = starts[node.end_lineno - 1] + _chars(lines[node.end_lineno - 1], node.end_col_offset)
        edits.append((begin, end, text))
    out = source
    for begin, end, text in sorted(edits, reverse=True):
        out = out[:begin] + text + out[end:]
    if uses_alias:
        at = _offsets(out)[_prelude_line(ast.parse(out))]
        out = out[:at] + PRELUDE.replace("{namespace!r}", repr(NAMESPACE)) + out[at:]
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python rewrite.py PROGRAM.py > PROGRAM_fx.py", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        sys.stdout.write(rewrite_source(f.read()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
