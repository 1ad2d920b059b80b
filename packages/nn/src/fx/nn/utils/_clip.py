"""Gradient clipping: clip_grad_norm_, clip_grad_value_, get_total_norm, clip_grads_with_norm_."""

from __future__ import annotations

import fx.tensor as ft
from fx.autograd import no_grad
from fx.tensor._tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _as_list(tensors):
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The p-norm of all `tensors` together: the norm of their norms (as if concatenated into one vector).

    Args:
        tensors: a tensor or an iterable of tensors (None entries are skipped), typically gradients.
        norm_type: the p of the p-norm, a float or inf (default 2.0).
        error_if_nonfinite: raise RuntimeError when the total norm is nan or inf (default False).
        foreach: accepted for PyTorch compatibility (ignored).

    Returns:
        A 0-d tensor (0.0 for no tensors).

    Example:
        >>> nn.utils.get_total_norm([ft.tensor([3.0, 4.0]), ft.tensor([12.0])])
        tensor(13.)
    """
    tensors = [t for t in _as_list(tensors) if t is not None]
    norm_type = float(norm_type)
    if not tensors:
        return ft.tensor(0.0)
    with no_grad():
        norms = [ft.linalg.vector_norm(t, norm_type) for t in tensors]
        dtype = norms[0].dtype
        total = ft.linalg.vector_norm(ft.stack([n.to(dtype) for n in norms]), norm_type)
    if error_if_nonfinite and not bool(ft.isfinite(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
                           "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients of `parameters` in place by min(1, max_norm / (total_norm + 1e-6)).

    Args:
        parameters: a tensor or an iterable of tensors whose `.grad` is scaled.
        max_norm: the largest allowed total norm.
        total_norm: the total norm of the gradients, e.g. from get_total_norm.
        foreach: accepted for PyTorch compatibility (ignored).

    Returns:
        None; the gradients are scaled in place.

    Example:
        >>> p = nn.Parameter(ft.zeros(2))
        >>> p.grad = ft.tensor([3.0, 4.0])
        >>> nn.utils.clip_grads_with_norm_([p], 1.0, ft.tensor(5.0))
        >>> p.grad
        tensor([0.6000, 0.8000])
    """
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    with no_grad():
        coef = ft.clamp(float(max_norm) / (total_norm + 1e-6), max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale the gradients of `parameters` in place so their total norm is at most `max_norm`.

    Args:
        parameters: a tensor or an iterable of tensors whose `.grad` is clipped.
        max_norm: the largest allowed total norm.
        norm_type: the p of the p-norm ('inf' for the max norm).
        error_if_nonfinite: raise RuntimeError when the total norm is nan or inf.
        foreach: accepted for PyTorch compatibility (ignored).

    Returns:
        The total norm of the gradients before clipping (a 0-d tensor).

    Example:
        >>> p = nn.Parameter(ft.zeros(2))
        >>> p.grad = ft.tensor([3.0, 4.0])
        >>> nn.utils.clip_grad_norm_([p], max_norm=1.0)
        tensor(5.)
        >>> p.grad
        tensor([0.6000, 0.8000])
    """
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of `clip_grad_norm_`: it warns with a FutureWarning, then clips the same way.

    Args:
        parameters: a tensor or an iterable of tensors whose `.grad` is clipped.
        max_norm: the largest allowed total norm.
        norm_type: the p of the p-norm ('inf' for the max norm).
        error_if_nonfinite: raise RuntimeError when the total norm is nan or inf.
        foreach: accepted for PyTorch compatibility (ignored).

    Returns:
        The total norm of the gradients before clipping (a 0-d tensor).

    Example:
        >>> import warnings
        >>> p = nn.Parameter(ft.zeros(2))
        >>> p.grad = ft.tensor([3.0, 4.0])
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     total = nn.utils.clip_grad_norm([p], max_norm=1.0)
        >>> caught[0].category.__name__, total, p.grad
        ('FutureWarning', tensor(5.), tensor([0.6000, 0.8000]))
    """
    import warnings

    warnings.warn("`fx.nn.utils.clip_grad_norm` is now deprecated in favor of `fx.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient of `parameters` into [-clip_value, clip_value] in place.

    Args:
        parameters: a tensor or an iterable of tensors whose `.grad` is clamped.
        clip_value: the largest allowed absolute value.
        foreach: accepted for PyTorch compatibility (ignored).

    Returns:
        None; the gradients are clamped in place.

    Example:
        >>> p = nn.Parameter(ft.zeros(2))
        >>> p.grad = ft.tensor([3.0, -4.0])
        >>> nn.utils.clip_grad_value_([p], 1.0)
        >>> p.grad
        tensor([ 1., -1.])
    """
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
