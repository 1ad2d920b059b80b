"""Sphinx configuration of the fx documentation (built by `nox -s docs`; no network access needed)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "_ext"))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))  # the tutorials import the example programs
os.environ.setdefault("TQDM_DISABLE", "1")  # the examples' progress bars would flood the build log

project = "fx"
author = "the fx developers"
copyright = "the fx developers"
release = version = "0.1.0"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "myst_parser",
    "plain_docstrings",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "requirements.txt"]
root_doc = "index"

html_theme = "furo"
html_title = "fx"
pygments_style = "friendly"
default_role = "code"  # `name` in docstrings renders as code, as the docstrings mean it

# Docstrings follow the Google style (STYLE.md 13); "Shape" is the section layers use.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_custom_sections = [("Shape", "notes")]
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"  # signatures in PyTorch's style; types are stated in Args
autodoc_inherit_docstrings = False
add_module_names = False
toc_object_entries_show_parents = "hide"

# Every `>>>` line of the pages and of the API docstrings runs in the doctest builder, with the
# same global setup the docstrings assume (tools/run_doctests.py uses it too).
doctest_global_setup = """
import numpy as np
import fx.tensor as ft
import fx.autograd as autograd
from fx import nn, optim, data
import fx.nn.functional as F
"""
doctest_test_doctest_blocks = "default"
import doctest  # noqa: E402

doctest_default_flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.DONT_ACCEPT_TRUE_FOR_1
