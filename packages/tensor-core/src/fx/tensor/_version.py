"""`fx.tensor.__version__`: the installed fx-tensor distribution's version.

In a source checkout that is not installed (the package directories on PYTHONPATH), it is read
from packages/tensor-core/pyproject.toml, and failing that it is "0+unknown".
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["__version__"]


def _package_version() -> str:
    try:
        return version("fx-tensor")
    except PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parents[3] / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return "0+unknown"
    if not re.search(r'^name\s*=\s*"fx-tensor"', text, re.MULTILINE):
        return "0+unknown"
    found = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    return found.group(1) if found else "0+unknown"


__version__ = _package_version()
