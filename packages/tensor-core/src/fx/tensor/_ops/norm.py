"""Normalization primitives: layer norm, RMS norm, group norm and batch norm (training statistics).

Inputs are (x, weight?, bias?): params `weight` / `bias` (bools) say which are present.
  layer_norm(x, w?, b?) -> (y, mean, rstd): ndim (trailing dims normalized), eps. mean/rstd have
      x's leading shape followed by ndim ones.
  rms_norm(x, w?) -> (y, rstd): ndim, eps.
  group_norm(x, w?, b?) -> (y, mean, rstd): groups, eps; x is (N, C, *), mean/rstd (N, groups).
  batch_norm(x, w?, b?) -> (y, mean, var): eps; x is (N, C, *); mean and biased var per channel.
The matching *_backward primitives take (gy, x, <saved statistics>, w?) and return (gx, gw, gb)
(zero-size for those not in param `need`); they are not differentiable: the rules use them unless
a graph of the gradient is wanted (create_graph), where they compose the gradient from fx ops.
Eval-mode batch norm is an affine map of x and needs no primitive.
"""

from __future__ import annotations

from .._dispatch import define
from .._dtype import finfo
from ._common import cast, check_tensor

__all__: list = []

P_layer_norm = define("layer_norm", nout=3)
P_rms_norm = define("rms_norm", nout=2)
P_group_norm = define("group_norm", nout=3)
P_batch_norm = define("batch_norm", nout=3)
P_layer_norm_backward = define("layer_norm_backward", nout=3, differentiable=False)
P_rms_norm_backward = define("rms_norm_backward", nout=3, differentiable=False)
P_group_norm_backward = define("group_norm_backward", nout=3, differentiable=False)
P_batch_norm_backward = define("batch_norm_backward", nout=3, differentiable=False)


def _float_input(x, op):
    check_tensor(x, op)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"{op}: expected a floating point input, but got {x.dtype}")


def _affine(x, weight, bias, shape, op, what):
    """The present weight/bias cast to x's dtype, checked against `shape`."""
    out = []
    for name, t in (("weight", weight), ("bias", bias)):
        if t is None:
            continue
        check_tensor(t, op, name)
        if tuple(t._data.shape) != tuple(shape):
            raise RuntimeError(f"{op}: Expected {name} to be {what}, but got {name} of shape {list(t.shape)} and "
                               f"input of shape {list(x.shape)}")
        out.append(cast(t, x.dtype))
    return out


def _normalized(x, normalized_shape, op):
    shape = tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0:
        raise RuntimeError(f"{op}: Expected normalized_shape to be at least 1-dimensional, i.e., containing at least "
                           "one element, but got normalized_shape = []")
    if x._data.shape[x._data.ndim - k:] != shape or x._data.ndim < k:
        raise RuntimeError(f"{op}: Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{list(x.shape)}")
    return shape


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5, op="layer_norm"):
    """(y, mean, rstd) of layer normalization over the trailing `normalized_shape`."""
    _float_input(x, op)
    shape = _normalized(x, normalized_shape, op)
    ab = _affine(x, weight, bias, shape, op, f"of same shape as normalized_shape {list(shape)}")
    return P_layer_norm(x, *ab, ndim=len(shape), eps=float(eps), weight=weight is not None, bias=bias is not None)


def rms_norm(x, normalized_shape, weight=None, eps=None, op="rms_norm"):
    """(y, rstd) of RMS normalization; eps None is the dtype's machine epsilon (PyTorch)."""
    _float_input(x, op)
    shape = _normalized(x, normalized_shape, op)
    ab = _affine(x, weight, None, shape, op, f"of same shape as normalized_shape {list(shape)}")
    if eps is None:
        eps = finfo(x.dtype).eps
    return P_rms_norm(x, *ab, ndim=len(shape), eps=float(eps), weight=weight is not None)


def _channels(x, op, what="input"):
    if x._data.ndim < 2:
        raise RuntimeError(f"{op}: Expected at least 2 dimensions for {what} tensor but received {x._data.ndim}")
    return x._data.shape[1]


def group_norm(x, num_groups, weight=None, bias=None, eps=1e-5, op="group_norm"):
    """(y, mean, rstd) of group normalization of x (N, C, *) in num_groups groups of channels."""
    _float_input(x, op)
    c = _channels(x, op)
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"{op}: Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(x.shape)} and num_groups={num_groups}")
    ab = _affine(x, weight, bias, (c,), op, "a vector of size equal to the number of channels in input")
    return P_group_norm(x, *ab, groups=int(num_groups), eps=float(eps), weight=weight is not None,
                        bias=bias is not None)


def batch_norm_train(x, weight=None, bias=None, eps=1e-5, op="batch_norm"):
    """(y, mean, biased var) of batch normalization with the batch's statistics per channel."""
    _float_input(x, op)
    c = _channels(x, op)
    ab = _affine(x, weight, bias, (c,), op, f"a vector of size {c} (the number of channels)")
    return P_batch_norm(x, *ab, eps=float(eps), weight=weight is not None, bias=bias is not None)
