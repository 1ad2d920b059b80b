"""Learning-rate schedulers (torch.optim.lr_scheduler): call `scheduler.step()` after `optimizer.step()`."""

from ._lr_cycles import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from ._lr_composite import ChainedScheduler, SequentialLR
from ._lr_scheduler import (
    ConstantLR, CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, LRScheduler, MultiplicativeLR, MultiStepLR,
    PolynomialLR, StepLR, _LRScheduler,  # noqa: F401  (private: the older base-class name)
)
from ._plateau import ReduceLROnPlateau

__all__ = [
    "LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
    "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR",
    "SequentialLR", "ChainedScheduler", "ReduceLROnPlateau",
]
