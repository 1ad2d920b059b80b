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
from ._anomaly import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from ._checkpoint import checkpoint
from ._function import Function, FunctionCtx, once_differentiable
from ._variable import Variable
from ._graph import install as _install
from ._gradcheck import GradcheckError, gradcheck, gradgradcheck
from ._grad_mode import (
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled,
)
from . import graph
from . import functional, func
from . import function, variable

_rules.load_all()
install_methods()
_install()

__all__ = [
    "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
    "is_inference_mode_enabled", "graph",
    "Function", "FunctionCtx", "once_differentiable", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled", "checkpoint",
    "gradcheck", "gradgradcheck", "GradcheckError", "Variable", "function", "variable",
]
