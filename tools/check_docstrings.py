"""List every public function and class whose docstring misses a part of the house convention (STYLE.md 13).

A public name is one in the module's `__all__` (or, without `__all__`, a name not starting with `_`).
Required: a one-line summary; `Args:` when the callable takes parameters (besides self); `Returns:`
(or `Yields:`) for functions (a class describes itself, or its forward under `Shape:`, instead); an
`Example:` section with `>>>` lines. Dtype objects, modules and other non-callables are exempt.

Usage: python tools/check_docstrings.py [--summary] [module ...]
Exits 1 listing each incomplete docstring; used by `nox -s docs`.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
from collections import Counter

MODULES = [
    "fx.tensor", "fx.tensor.linalg", "fx.tensor.testing", "fx.autograd", "fx.autograd.functional", "fx.autograd.func", "fx.nn",
    "fx.nn.functional", "fx.nn.init", "fx.nn.utils", "fx.nn.utils.rnn", "fx.optim", "fx.optim.lr_scheduler", "fx.data",
    "fx.data.datasets",
]
_SECTION = re.compile(r"^([A-Z][A-Za-z ]*):\s*$")


def public_objects(module):
    """(name, object) for each documented-by-contract callable of `module`."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name, None)
        if inspect.isclass(obj) or inspect.isroutine(obj):
            yield name, obj


def _sections(doc):
    """The section titles (Args, Returns, ...) of a Google-style docstring."""
    return {m.group(1) for line in doc.splitlines()[1:] if (m := _SECTION.match(line))}


def _takes_parameters(obj):
    if inspect.isclass(obj):
        # A constructor inherited from a builtin (an exception class, say) takes nothing to document.
        if not inspect.isfunction(obj.__init__) and not inspect.isfunction(obj.__new__):
            return False
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        return False
    if inspect.isclass(obj):
        # A bare (*args, **kwargs) constructor only forwards (a context manager usable as a decorator).
        return any(p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)
    return any(p.name not in ("self", "cls") for p in params)


def problems(obj):
    """The parts missing from `obj`'s docstring (empty when complete)."""
    doc = inspect.cleandoc(obj.__doc__ or "")
    if not doc.strip():
        return ["docstring"]
    missing = []
    lines = doc.splitlines()
    if len(lines) > 1 and lines[1].strip():
        missing.append("one-line summary")
    titles = _sections(doc)
    if _takes_parameters(obj) and not titles & {"Args", "Arguments", "Parameters"}:
        missing.append("Args")
    if not inspect.isclass(obj) and not titles & {"Returns", "Yields"}:
        missing.append("Returns")
    if not titles & {"Example", "Examples"} or ">>>" not in doc:
        missing.append("Example")
    return missing


def check(module_names):
    """{module: [(name, [missing parts])]} for every public callable, each object checked once."""
    seen, report = set(), {}
    for module_name in module_names:
        module = importlib.import_module(module_name)
        rows = report.setdefault(module_name, [])
        for name, obj in public_objects(module):
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            rows.append((name, problems(obj)))
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=MODULES)
    parser.add_argument("--summary", action="store_true", help="print counts per module instead of each name")
    args = parser.parse_args(argv)
    report = check(args.modules)
    bad = 0
    for module_name, rows in report.items():
        incomplete = [(n, m) for n, m in rows if m]
        bad += len(incomplete)
        if args.summary:
            parts = Counter(p for _, m in incomplete for p in m)
            detail = ", ".join(f"{p} {c}" for p, c in sorted(parts.items()))
            print(f"{module_name:24s} {len(rows) - len(incomplete):4d}/{len(rows):<4d} complete"
                  + (f"  (missing: {detail})" if detail else ""))
        else:
            for name, missing in incomplete:
                print(f"{module_name}.{name}: missing {', '.join(missing)}")
    total = sum(len(r) for r in report.values())
    print(f"{total - bad}/{total} public docstrings complete")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
