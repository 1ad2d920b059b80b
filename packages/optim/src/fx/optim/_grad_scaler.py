"""GradScaler: dynamic loss scaling for mixed-precision training (torch.amp.GradScaler)."""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from enum import Enum

import numpy as np

import fx.tensor as ft
from fx.autograd import no_grad

__all__ = ["GradScaler", "OptState"]


class OptState(Enum):
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _fresh_state():
    return {"stage": OptState.READY, "found_inf_per_device": {}}


def _cuda_available():
    try:
        from fx.tensor import cuda
    except ImportError:
        return False
    return bool(cuda.is_available())


class GradScaler:
    """Scale the loss so small float16 gradients do not underflow; skip steps whose gradients overflow.

    Each iteration: `scaler.scale(loss).backward()`, then `scaler.step(optimizer)` (unscales the
    gradients and runs `optimizer.step()` only if they are all finite), then `scaler.update()`
    (multiplies the scale by backoff_factor after an overflow and by growth_factor after
    `growth_interval` clean steps).

    Args:
        device: "cuda" (PyTorch's default; disabled with a warning where CUDA is unavailable) or "cpu".
        init_scale: the first scale (default 2**16).
        growth_factor: scale multiplier after growth_interval clean steps, > 1 (default 2).
        backoff_factor: scale multiplier after an overflow, < 1 (default 0.5).
        growth_interval: clean steps between growths (default 2000).
        enabled: False makes every method a pass-through.

    Example:
        >>> w = ft.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1)
        >>> scaler = optim.GradScaler("cpu", init_scale=1024.0)
        >>> scaler.scale((w * w).sum()).backward()
        >>> w.grad
        tensor([ 2048., -4096.])
        >>> scaler.step(opt)
        >>> scaler.update()
        >>> w, scaler.get_scale()
        (tensor([ 0.8000, -1.6000], requires_grad=True), 1024.0)
    """

    def __init__(self, device="cuda", init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        self._device = str(device)
        self._enabled = enabled
        if self._device.startswith("cuda") and enabled and not _cuda_available():
            warnings.warn("GradScaler is enabled, but CUDA is not available.  Disabling.", stacklevel=2)
            self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
        self._init_scale = init_scale
        self._scale = None
        self._growth_factor = growth_factor
        self._backoff_factor = backoff_factor
        self._growth_interval = growth_interval
        self._init_growth_tracker = 0
        self._growth_tracker = None
        self._per_optimizer_states = defaultdict(_fresh_state)

    def _check_scale_growth_tracker(self, funcname):
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  This may indicate your script did not "
                               "use scaler.scale(loss or outputs) earlier in the iteration.")
        return self._scale, self._growth_tracker

    def _lazy_init(self, device):
        self._scale = ft.full((), self._init_scale, dtype=ft.float32, device=device)
        self._growth_tracker = ft.full((), self._init_growth_tracker, dtype=ft.int32, device=device)

    def scale(self, outputs):
        """outputs * scale: a tensor, or (nested) lists/tuples/iterables of tensors."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, ft.Tensor):
            if self._scale is None:
                self._lazy_init(outputs.device)
            return outputs * self._scale.to(device=outputs.device)

        def apply(val):
            if isinstance(val, ft.Tensor):
                if self._scale is None:
                    self._lazy_init(val.device)
                return val * self._scale.to(device=val.device)
            if isinstance(val, (list, tuple)):
                return type(val)(apply(v) for v in val)
            if hasattr(val, "__iter__"):
                return map(apply, val)
            raise ValueError("outputs must be a Tensor or an iterable of Tensors")

        return apply(outputs)

    def _unscale_grads_(self, optimizer, inv_scale, allow_fp16):
        """Multiply every gradient by inv_scale; per device, a float32 flag: 1 if any was inf/NaN."""
        per_device = defaultdict(list)
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if not allow_fp16 and p.grad.dtype == ft.float16:
                    raise ValueError("Attempting to unscale FP16 gradients.")
                per_device[p.grad.device].append(p.grad)
        found = {}
        with no_grad():
            for device, grads in per_device.items():
                inv = inv_scale.to(device=device)
                bad = ft.zeros((), dtype=ft.bool, device=device)
                for g in grads:
                    bad = bad | ft.logical_not(ft.isfinite(g).all())
                    g.mul_(inv)
                found[device] = bad.to(dtype=ft.float32)
        return found

    def unscale_(self, optimizer):
        """Divide the optimizer's gradients by the scale now (e.g. before clipping them); once per step."""
        if not self._enabled:
            return
        self._check_scale_growth_tracker("unscale_")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inv_scale = ft.full((), float(np.float32(1.0 / self._scale.item())), dtype=ft.float32,
                            device=self._scale.device)
        state["found_inf_per_device"] = self._unscale_grads_(optimizer, inv_scale, False)
        state["stage"] = OptState.UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """Unscale (unless done), then `optimizer.step(*args, **kwargs)` only if no gradient is inf/NaN."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale_growth_tracker("step")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if len(state["found_inf_per_device"]) == 0:
            raise AssertionError("No inf checks were recorded for this optimizer (did it have any gradients?).")
        result = None
        if not sum(v.item() for v in state["found_inf_per_device"].values()):
            result = optimizer.step(*args, **kwargs)
        state["stage"] = OptState.STEPPED
        return result

    def update(self, new_scale=None):
        """Set the scale for the next iteration: `new_scale` if given, else back off or grow it."""
        if not self._enabled:
            return
        scale, tracker = self._check_scale_growth_tracker("update")
        if new_scale is not None:
            if isinstance(new_scale, ft.Tensor):
                if new_scale.numel() != 1 or new_scale.requires_grad:
                    raise ValueError("new_scale should be a float or a 1-element tensor with requires_grad=False.")
                new_scale = new_scale.item()
            scale.fill_(float(new_scale))
        else:
            found = [f for s in self._per_optimizer_states.values() for f in s["found_inf_per_device"].values()]
            if not found:
                raise AssertionError("No inf checks were recorded prior to update.")
            current = scale.item()
            if sum(f.item() for f in found):
                scale.fill_(float(np.float32(current * self._backoff_factor)))
                tracker.fill_(0)
            else:
                successful = int(tracker.item()) + 1
                if successful == self._growth_interval:
                    grown = float(np.float32(current * self._growth_factor))
                    if math.isfinite(grown):
                        scale.fill_(grown)
                    tracker.fill_(0)
                else:
                    tracker.fill_(successful)
        self._per_optimizer_states = defaultdict(_fresh_state)

    def get_scale(self) -> float:
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else self._scale.item()

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = new_interval

    def _get_growth_tracker(self) -> int:
        if not self._enabled:
            return 0
        return self._init_growth_tracker if self._growth_tracker is None else int(self._growth_tracker.item())

    def is_enabled(self) -> bool:
        return self._enabled

    def state_dict(self) -> dict:
        """{"scale", "growth_factor", "backoff_factor", "growth_interval", "_growth_tracker"} ({} if disabled)."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": self._get_growth_tracker()}

    def load_state_dict(self, state_dict):
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from a disabled "
                               "instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale.fill_(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(state_dict["_growth_tracker"])
