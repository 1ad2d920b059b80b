"""Weight averaging: AveragedModel (SWA and EMA), SWALR, update_bn (torch.optim.swa_utils).

fx.optim sits below fx.nn, so a "model" here is any object with `parameters()` (and optionally
`buffers()`) returning tensors; an fx.nn Module is one.
"""

from __future__ import annotations

import copy
import itertools
import math
import warnings

import fx.tensor as ft
from fx.autograd import no_grad

from ._lr_scheduler import LRScheduler, format_param

__all__ = ["AveragedModel", "SWALR", "update_bn", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn",
           "get_ema_avg_fn", "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay=0.999):
    """An in-place exponential moving average over lists of tensors, for `AveragedModel(multi_avg_fn=...)`.

    Each call updates ema = ema + (1 - decay) * (current - ema).

    Args:
        decay: the EMA decay in [0, 1] (default 0.999).

    Returns:
        `fn(ema_list, current_list, num_averaged)`, updating ema_list in place.

    Example:
        >>> ema = [ft.tensor([1.0])]
        >>> optim.swa_utils.get_ema_multi_avg_fn(0.9)(ema, [ft.tensor([2.0])], ft.tensor(1))
        >>> ema
        [tensor([1.1000])]
    """
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_params, current_params, num_averaged):
        for e, c in zip(ema_params, current_params):
            if e.dtype.is_floating_point:
                e.lerp_(c, 1 - decay)
            else:
                e.copy_(e * decay + c * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn():
    """An in-place running mean over lists of tensors (SWA), for `AveragedModel(multi_avg_fn=...)`.

    Each call updates avg = avg + (current - avg) / (n + 1), n the number averaged so far.

    Returns:
        `fn(averaged_list, current_list, num_averaged)`, updating averaged_list in place.

    Example:
        >>> avg = [ft.tensor([1.0])]
        >>> optim.swa_utils.get_swa_multi_avg_fn()(avg, [ft.tensor([4.0])], ft.tensor(2))
        >>> avg
        [tensor([2.])]
    """

    @no_grad()
    def swa_update(averaged_params, current_params, num_averaged):
        # like PyTorch, the weight 1 / (n + 1) is a float32 scalar when n is a tensor
        weight = 1 / (num_averaged + 1)
        for a, c in zip(averaged_params, current_params):
            if a.dtype.is_floating_point:
                a.lerp_(c, weight)
            else:
                a.copy_(a + (c - a) / (num_averaged + 1))

    return swa_update


def get_ema_avg_fn(decay=0.999):
    """The exponential moving average of one tensor, for `AveragedModel(avg_fn=...)`.

    Args:
        decay: the EMA decay in [0, 1] (default 0.999).

    Returns:
        `fn(ema, current, num_averaged)` returning decay * ema + (1 - decay) * current.

    Example:
        >>> optim.swa_utils.get_ema_avg_fn(0.9)(ft.tensor(1.0), ft.tensor(2.0), 1)
        tensor(1.1000)
    """
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn():
    """The running mean of one tensor (SWA), for `AveragedModel(avg_fn=...)`.

    Returns:
        `fn(averaged, current, num_averaged)` returning averaged + (current - averaged) / (num_averaged + 1).

    Example:
        >>> optim.swa_utils.get_swa_avg_fn()(ft.tensor(1.0), ft.tensor(4.0), ft.tensor(2))
        tensor(2.)
    """

    @no_grad()
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


def _buffers(model):
    buffers = getattr(model, "buffers", None)
    return list(buffers()) if callable(buffers) else []


class AveragedModel:
    """A copy of `model` whose parameters are the running average (SWA) or an EMA of `model`'s.

    Call `update_parameters(model)` after optimizer steps; the first call copies the parameters.
    Calling the AveragedModel runs the averaged copy.

    Args:
        model: any object with `parameters()` (and optionally `buffers()`), deep-copied.
        device: move the copy there (needs `model.to`).
        avg_fn: `fn(averaged, current, num_averaged) -> new averaged` for one tensor.
        multi_avg_fn: `fn(averaged_list, current_list, num_averaged)` updating in place.
            The default (neither) is the equal-weight running mean (SWA).
        use_buffers: average the buffers too (else they are copied from `model`).

    Example:
        >>> lin = nn.Linear(1, 1, bias=False)
        >>> swa = optim.swa_utils.AveragedModel(lin)
        >>> for w in [1.0, 2.0, 6.0]:
        ...     with autograd.no_grad():
        ...         _ = lin.weight.fill_(w)
        ...     swa.update_parameters(lin)
        >>> swa.module.weight.item(), swa.n_averaged.item()
        (3.0, 3)
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        if not callable(getattr(model, "parameters", None)):
            raise TypeError(f"AveragedModel: model must have a parameters() method, got {type(model).__name__}")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.n_averaged = ft.tensor(0, dtype=ft.int64, device=device)
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def __call__(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    forward = __call__

    def parameters(self):
        return self.module.parameters()

    def buffers(self):
        return itertools.chain(_buffers(self.module), [self.n_averaged])

    def update_parameters(self, model):
        """Fold `model`'s current parameters into the average (the first call copies them)."""
        if self.use_buffers:
            mine = list(itertools.chain(self.module.parameters(), _buffers(self.module)))
            theirs = list(itertools.chain(model.parameters(), _buffers(model)))
        else:
            mine, theirs = list(self.module.parameters()), list(model.parameters())
        with no_grad():
            mine = [p.detach() for p in mine]
            theirs = [p.detach().to(device=a.device) for a, p in zip(mine, theirs)]
            n = self.n_averaged.item()
            if n == 0:
                for a, p in zip(mine, theirs):
                    a.copy_(p)
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn(mine, theirs, self.n_averaged)
            else:
                avg_fn = self.avg_fn or get_swa_avg_fn()
                for a, p in zip(mine, theirs):
                    a.copy_(avg_fn(a, p, self.n_averaged))
            if not self.use_buffers:
                for b_mine, b_theirs in zip(_buffers(self.module), _buffers(model)):
                    b_mine.detach().copy_(b_theirs.detach().to(device=b_mine.device))
            self.n_averaged.add_(1)

    def state_dict(self):
        """The module's state_dict under "module." plus "n_averaged" (the module needs `state_dict`)."""
        state = {"module." + k: v for k, v in self.module.state_dict().items()}
        state["n_averaged"] = self.n_averaged
        return state

    def load_state_dict(self, state_dict):
        inner = {k[len("module."):]: v for k, v in state_dict.items() if k.startswith("module.")}
        self.module.load_state_dict(inner)
        self.n_averaged.copy_(state_dict["n_averaged"])


@no_grad()
def update_bn(loader, model, device=None):
    """Recompute batch-norm running statistics with one pass over `loader` (for SWA models).

    Batch-norm layers are the modules with `running_mean`, `momentum` and `reset_running_stats()`
    among `model.modules()`; the model is called on each batch (its first element if a list/tuple).

    Args:
        loader: an iterable of batches (a DataLoader).
        model: the model whose batch-norm statistics to recompute.
        device: move each batch there first (default: leave it).

    Returns:
        None; the running statistics are updated in place.

    Example:
        >>> model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        >>> optim.swa_utils.update_bn([ft.tensor([[1.0, 2.0], [3.0, 4.0]])], model)
        >>> model[1].num_batches_tracked
        tensor(1)
    """
    modules = model.modules() if callable(getattr(model, "modules", None)) else []
    momenta = {}
    for m in modules:
        if hasattr(m, "running_mean") and hasattr(m, "momentum") and callable(getattr(m, "reset_running_stats", None)):
            m.reset_running_stats()
            momenta[m] = m.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for m in momenta:
        m.momentum = None  # cumulative average over the whole pass
    for batch in loader:
        if isinstance(batch, (list, tuple)):
            batch = batch[0]
        if device is not None:
            batch = batch.to(device)
        model(batch)
    for m, momentum in momenta.items():
        m.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to `swa_lr` over `anneal_epochs` epochs ("cos" or "linear"), then hold it.

    Args:
        optimizer: the wrapped optimizer.
        swa_lr: the learning rate to reach, one per group or shared.
        anneal_epochs: epochs of the annealing (default 10).
        anneal_strategy: "cos" (default) or "linear".
        last_epoch: index of the last epoch when resuming (default -1: start).

    Example:
        >>> opt = optim.SGD([ft.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = optim.swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=2, anneal_strategy="linear")
        >>> lrs = []
        >>> for _ in range(4):
        ...     lrs.append(round(sched.get_last_lr()[0], 4)); opt.step(); sched.step()
        >>> lrs
        [1.0, 0.55, 0.1, 0.1]
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        for lr, group in zip(format_param("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._anneal_strategy = anneal_strategy
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t):
        return (1 - math.cos(math.pi * t)) / 2 if self._anneal_strategy == "cos" else t

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(self.optimizer.param_groups, prev_lrs)]
