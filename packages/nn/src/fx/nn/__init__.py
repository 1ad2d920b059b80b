"""fx.nn: neural-network modules, layers and losses (PyTorch's torch.nn names and semantics)."""

from . import functional, init, utils
from .modules import *  # noqa: F403
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter, UninitializedParameter
from ._summary import summary

__all__ = ["functional", "init", "utils", "Parameter", "Buffer", "UninitializedParameter", "summary"] + _modules_all
from . import _docs_container, _docs_functional_activation, _docs_functional_loss, _docs_module, _docs_rnn  # noqa: E402,F401  (reference texts of files at their size limit)
