"""Ready-made parametrizations (torch.nn.utils.parametrizations): weight_norm and spectral_norm.

weight_norm: w = g * v / ||v||, the norm taken over every dim but `dim`, so that the direction `v`
and the magnitude `g` are learned separately (Salimans & Kingma, 2016).
spectral_norm: w = W / sigma(W), sigma the largest singular value of W reshaped to a matrix with
`dim` first, estimated by power iteration on persistent vectors u, v (one step per training
forward; Miyato et al., 2018).
"""

from __future__ import annotations

import fx.tensor as ft
from fx.autograd import no_grad

from .. import functional as F
from ..modules.conv import ConvTranspose1d, ConvTranspose2d
from ..modules.module import Module
from . import parametrize

__all__ = ["weight_norm", "spectral_norm"]


def norm_except_dim(v, pow=2, dim=0):
    """The `pow`-norm of `v` over every dim except `dim`, shaped to broadcast against `v`; dim=-1: the whole norm."""
    if dim == -1:
        return v.norm(pow)
    moved = v.movedim(dim, 0)
    norms = moved.reshape(moved.shape[0], -1).norm(pow, dim=1)
    shape = [1] * v.dim()
    shape[dim] = v.shape[dim]
    return norms.reshape(shape)


def _weight_norm(v, g, dim):
    return v * (g / norm_except_dim(v, 2, dim))


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def _weight_norm_compat_hook(name):
    """Load a state_dict saved with the legacy `nn.utils.weight_norm` (keys `<name>_g`, `<name>_v`)."""

    def hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    return hook


def weight_norm(module, name="weight", dim=0):
    """Reparametrize `module.<name>` as g * v / ||v|| with magnitude g and direction v learned separately.

    The originals are `module.parametrizations.<name>.original0` (g, shaped like the norm) and
    `original1` (v, the initial weight); the norm is over every dim but `dim`.

    Args:
        module: the module.
        name: the parameter to reparametrize (default 'weight').
        dim: the dim that keeps one magnitude per slice (default 0, the output features); None:
            one magnitude for the whole tensor.

    Returns:
        The module, parametrized.

    Example:
        >>> m = nn.utils.parametrizations.weight_norm(nn.Linear(4, 3))
        >>> m.parametrizations.weight.original0.shape, m.parametrizations.weight.original1.shape
        (fx.tensor.Size([3, 1]), fx.tensor.Size([3, 4]))
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook(name))
    return module


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got n_power_iterations={n_power_iterations}")
        self.dim = dim % ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.movedim(self.dim, 0)
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        # u, v are updated in place: they are state carried across forwards, not part of the graph.
        with no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(F.normalize(ft.mv(weight_mat, self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(ft.mv(weight_mat.mH, self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = ft.vdot(u, ft.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Reparametrize `module.<name>` as W / sigma(W), sigma its largest singular value (power-iteration estimate).

    Each forward in training mode runs `n_power_iterations` steps that refine the buffers
    `module.parametrizations.<name>[0]._u` / `._v`; in eval mode they are left as they are.

    Args:
        module: the module.
        name: the parameter to reparametrize (default 'weight').
        n_power_iterations: power-iteration steps per training forward (default 1).
        eps: added to norms for stability (default 1e-12).
        dim: the dim that becomes the matrix rows (default None: 1 for ConvTranspose, else 0).

    Returns:
        The module, parametrized.

    Example:
        >>> m = nn.utils.parametrizations.spectral_norm(nn.Linear(3, 2))
        >>> sorted(m.state_dict())
        ['bias', 'parametrizations.weight.0._u', 'parametrizations.weight.0._v', 'parametrizations.weight.original']
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, ft.Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d)) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
