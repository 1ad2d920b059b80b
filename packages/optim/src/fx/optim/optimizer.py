"""The Optimizer base class at PyTorch's module path (torch.optim.optimizer), for hand-written optimizers.

`from fx.optim.optimizer import Optimizer, required` is what `from torch.optim.optimizer import
Optimizer, required` ports to; `required` marks a hyperparameter every parameter group must set.
"""

from ._optimizer import Optimizer, register_optimizer_step_post_hook, register_optimizer_step_pre_hook, required

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]
