"""fx.autograd: define-by-run reverse-mode differentiation for fx.tensor.

Importing this package installs the recorder into fx.tensor's dispatcher.

Example:
    >>> import fx.tensor as ft
    >>> import fx.autograd as ag
    >>> x = ft.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad.tolist()
    [2.0, 4.0]
"""

from . import _rules
from ._api import backward, grad, install_methods
from ._graph import install as _install
from ._grad_mode import (
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled,
)
from . import graph

_rules.load_all()
install_methods()
_install()

__all__ = [
    "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
    "is_inference_mode_enabled", "graph",
]
