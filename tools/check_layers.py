"""Lint: imports point down the layers (../shared/DESIGN.md "Layering"), no fx/__init__.py anywhere,
and no fx package imports torch (PyTorch is a test oracle, never a dependency).

Usage: python tools/check_layers.py  (exit status 1 and one line per problem on failure)
"""

from __future__ import annotations

import ast
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
ALLOWED = {
    "tensor": set(),
    "autograd": {"tensor"},
    "nn": {"tensor", "autograd"},
    "optim": {"tensor", "autograd"},
    "data": {"tensor"},
    "distributed": {"tensor", "autograd", "nn"},
    "script": {"tensor", "autograd", "nn"},
}
FORBIDDEN_TOP = {"torch", "jax", "tensorflow"}


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            if node.module == "fx":
                for alias in node.names:
                    yield node.lineno, f"fx.{alias.name}"


def check() -> list[str]:
    problems = []
    for init in ROOT.glob("packages/*/src/fx/__init__.py"):
        problems.append(f"{init.relative_to(ROOT)}: fx is a PEP 420 namespace package; remove fx/__init__.py")
    for pkg_dir in sorted(ROOT.glob("packages/*/src/fx/*")):
        me = pkg_dir.name
        if not pkg_dir.is_dir() or me not in ALLOWED:
            continue
        for f in sorted(pkg_dir.rglob("*.py")):
            tree = ast.parse(f.read_text(), filename=str(f))
            for lineno, mod in imported_modules(tree):
                parts = mod.split(".")
                where = f"{f.relative_to(ROOT)}:{lineno}"
                if parts[0] in FORBIDDEN_TOP:
                    problems.append(f"{where}: fx.{me} imports {mod}; PyTorch is a test oracle, never a dependency")
                if parts[0] == "fx" and len(parts) > 1:
                    other = parts[1]
                    if other != me and other in ALLOWED and other not in ALLOWED[me]:
                        problems.append(f"{where}: fx.{me} imports fx.{other}, a layer above it")
    return problems


if __name__ == "__main__":
    found = check()
    for p in found:
        print(p)
    print(f"check_layers: {len(found)} problem(s)")
    sys.exit(1 if found else 0)
