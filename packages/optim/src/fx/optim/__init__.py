"""fx.optim: optimizers, learning-rate schedulers, gradient scaling and weight averaging.

PyTorch's torch.optim names and semantics: each optimizer is a pure per-parameter update function
plus a thin class that owns the parameter groups, the state and `state_dict`. Adam, AdamW and SGD
update CPU float32/float64 parameters with one fused C kernel per parameter group.

Example:
    >>> import fx.tensor as ft
    >>> from fx import optim
    >>> w = ft.randn(3, requires_grad=True)
    >>> opt = optim.AdamW([w], lr=1e-2)
    >>> sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
    >>> for _ in range(3):
    ...     opt.zero_grad(); (w * w).sum().backward(); opt.step(); sched.step()
"""

from . import lr_scheduler, optimizer, swa_utils
from ._adadelta import Adadelta
from ._adagrad import Adagrad
from ._adam import Adam, AdamW
from ._adamax import Adamax
from ._asgd import ASGD
from ._grad_scaler import GradScaler
from ._lbfgs import LBFGS
from ._lion import Lion
from ._nadam import NAdam
from ._optimizer import Optimizer, register_optimizer_step_post_hook, register_optimizer_step_pre_hook
from ._radam import RAdam
from ._rmsprop import RMSprop
from ._rprop import Rprop
from ._sgd import SGD

__all__ = [
    "Optimizer", "SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad", "Adadelta", "LBFGS",
    "Lion", "Rprop", "ASGD", "GradScaler", "lr_scheduler", "swa_utils", "register_optimizer_step_pre_hook",
    "register_optimizer_step_post_hook",
]
