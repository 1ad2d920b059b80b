"""In-place forms PyTorch has and fx lacked: view changes in place (squeeze_, unsqueeze_, t_, transpose_,
swapdims_/swapaxes_, as_strided_), the top-level `torch.relu_(x)`-style functions, and `x.op_()`
methods of the comparison aliases and of the ops in compat_math/special.

An in-place view change is recorded like PyTorch records it: a marker primitive (which autograd
checks like any in-place op: a leaf requiring grad is refused, and the version counter moves), then
the view op applied to an alias of the old tensor, whose result's array and history `self` takes over.
Hooks registered on `self` before the change stay with the old version, as with other in-place ops.
"""

from __future__ import annotations

from .._dispatch import define
from .._tensor import Tensor
from ._common import _tname, check_tensor, inplace, inplace_source
from .unary import celu, float_power, selu, threshold
from .views import as_strided, squeeze, t, transpose, unsqueeze

_VIEW_OPS = ("squeeze_", "unsqueeze_", "t_", "transpose_", "swapdims_", "swapaxes_", "as_strided_")
_MARKERS = {name: define(name, inplace=True, differentiable=False) for name in _VIEW_OPS}

# torch.<name>_(input, ...) for methods fx already has.
_TOP_LEVEL_METHODS = (
    "abs_", "acos_", "acosh_", "addmv_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_",
    "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "cos_",
    "cosh_", "deg2rad_", "detach_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_",
    "gcd_", "i0_", "lcm_", "ldexp_", "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_",
    "negative_", "rad2deg_", "reciprocal_", "relu_", "resize_as_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_",
    "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_", "as_strided_",
)

__all__ = list(_TOP_LEVEL_METHODS) + ["selu_", "celu_", "threshold_"]


def _alias(t):
    """A second Tensor object with all of t's state: it stands for t's value before an in-place view change."""
    a = object.__new__(Tensor)
    a._data, a._vc, a._rg, a.grad, a.grad_fn = t._data, t._vc, t._rg, None, t.grad_fn
    a._base, a._view, a._ag = t._base, t._view, t._ag
    return a


def _inplace_view(self, name, view_fn, *args):
    check_tensor(self, name)
    _MARKERS[name](self)
    old = _alias(self)
    v = view_fn(old, *args)
    self._data = v._data
    if v.grad_fn is not None:
        self._rg, self.grad_fn, self._ag = True, v.grad_fn, v._ag
        if self._base is not None:
            self._view = v._view  # still a view of the same base, one step further
    return self


def squeeze_(self, dim=None):
    return _inplace_view(self, "squeeze_", squeeze, dim)


def unsqueeze_(self, dim):
    return _inplace_view(self, "unsqueeze_", unsqueeze, dim)


def t_(self):
    if self._data.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
    return _inplace_view(self, "t_", t)


def transpose_(self, dim0, dim1):
    return _inplace_view(self, "transpose_", transpose, dim0, dim1)


def swapdims_(self, dim0, dim1):
    return _inplace_view(self, "swapdims_", transpose, dim0, dim1)


def swapaxes_(self, axis0, axis1):
    return _inplace_view(self, "swapaxes_", transpose, axis0, axis1)


def as_strided_(self, size, stride, storage_offset=None):
    return _inplace_view(self, "as_strided_", as_strided, size, stride, storage_offset)


def _top_level(name):
    def fn(input, *args, **kwargs):
        check_tensor(input, name)
        return getattr(input, name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"In-place `input.{name}(...)` as a function."
    return fn


def _write_back(fn, name):
    def op_(self, *args, **kwargs):
        check_tensor(self, name)
        return inplace(self, fn(inplace_source(self), *args, **kwargs), name)

    op_.__name__ = op_.__qualname__ = name
    return op_


selu_ = _write_back(selu, "selu_")
celu_ = _write_back(celu, "celu_")
threshold_ = _write_back(threshold, "threshold_")


def float_power_(self, exponent):
    """In-place float_power: self must already be float64 (the dtype float_power computes in)."""
    if self.dtype.name != "float64":
        raise RuntimeError(f"the base given to float_power_ has dtype {_tname(self.dtype)} but the operation's result "
                           "requires dtype Double")
    return inplace(self, float_power(inplace_source(self), exponent), "float_power_")


def _install_methods():
    from . import compat_math, special

    for name, fn in (("squeeze_", squeeze_), ("unsqueeze_", unsqueeze_), ("t_", t_), ("transpose_", transpose_),
                     ("swapdims_", swapdims_), ("swapaxes_", swapaxes_), ("as_strided_", as_strided_),
                     ("float_power_", float_power_)):
        setattr(Tensor, name, fn)
    for alias, existing in (("greater_", "gt_"), ("greater_equal_", "ge_"), ("less_", "lt_"), ("less_equal_", "le_"),
                            ("not_equal_", "ne_"), ("arctan2_", "atan2_"), ("arcsinh_", "asinh_"),
                            ("arccosh_", "acosh_"), ("arctanh_", "atanh_")):
        setattr(Tensor, alias, getattr(Tensor, existing))
    for name in ("deg2rad", "rad2deg", "sinc", "ldexp", "gcd", "lcm", "heaviside", "nextafter"):
        setattr(Tensor, name + "_", _write_back(getattr(compat_math, name), name + "_"))
    Tensor.i0_ = _write_back(special.i0, "i0_")
    Tensor.polygamma_ = _write_back(lambda x, n: special.polygamma(n, x), "polygamma_")
    Tensor.mvlgamma_ = _write_back(special.mvlgamma, "mvlgamma_")


_install_methods()
_g = globals()
for _name in _TOP_LEVEL_METHODS:
    if _name not in _g:
        _g[_name] = _top_level(_name)
