"""Rules: reductions and scans (fx.tensor _ops/reduce.py, _ops/scan.py)."""

from __future__ import annotations

import math

import fx.tensor as ft
from fx.tensor._ops.scatter import P_scatter, P_scatter_reduce

from fx.tensor._ops.views import P_expand, P_view

from . import rule


# ---- helpers ---------------------------------------------------------------------------------
def _kept_shape(ctx):
    shape, dims = ctx.shapes[0], ctx.params.get("dims")
    return tuple(1 if dims is None or i in dims else s for i, s in enumerate(shape))


def unreduce(ctx, t):
    """A reduction's output (or its gradient) reshaped to keepdim form, so it broadcasts against the input."""
    if ctx.params.get("keepdim") or not ctx.shapes[0]:
        return t
    return P_view(t, shape=_kept_shape(ctx))  # the primitives directly: shapes are known valid here


def expand_back(ctx, g):
    """g of a reduction over params dims/keepdim, reshaped and expanded to the input's shape."""
    return P_expand(unreduce(ctx, g), shape=ctx.shapes[0])


def _numel(ctx):
    """Number of input elements reduced into each output element."""
    return math.prod(ctx.shapes[0]) // math.prod(_kept_shape(ctx)) if all(ctx.shapes[0]) else 0


def _reduce_dims(ctx):
    dims = ctx.params.get("dims")
    return tuple(range(len(ctx.shapes[0]))) if dims is None else dims


def _split_among(g, mask, dims):
    """g (keepdim form) shared evenly among the True elements of `mask` in each reduced slice."""
    return (g / mask.sum(dim=dims, keepdim=True)) * mask


def select_back(ctx, g, idx):
    """Gradient of values taken from the input at `idx` along params dim: g scattered back.

    `idx` holds distinct positions per slice (max_dim, sort, ...); keepdim=False outputs are unsqueezed.
    """
    shape, d = ctx.shapes[0], ctx.params["dim"]
    if d is None or not shape:  # 0-d input: the value is the input
        return g
    if not ctx.params.get("keepdim", True):
        g, idx = g.unsqueeze(d), idx.unsqueeze(d)
    return P_scatter(ft.zeros(shape, dtype=g.dtype, device=g.device), idx.detach(), g, dim=d)


def reverse_cumsum(t, d):
    """sum of t[i] over i >= k along dim d."""
    return t.flip(d).cumsum(d).flip(d)


# ---- sums, means, products -------------------------------------------------------------------
@rule("sum", save=None)
def _sum(ctx, g):
    return expand_back(ctx, g)  # the engine casts it back when `dtype` changed the result's


@rule("mean", save=None)
def _mean(ctx, g):
    n = _numel(ctx)
    return expand_back(ctx, g / n if n else g)


@rule("prod", save="both")
def _prod(ctx, g):
    (x,) = ctx.inputs
    if not ctx.shapes[0]:
        return g
    out, g = unreduce(ctx, ctx.out), unreduce(ctx, g)
    if not bool((x == 0).any()):
        return g * (out / x)
    # Zeros: the product of all the others, without dividing (torch's prod_safe_zeros_backward).
    dims = ctx.params["dims"]
    if dims is None:
        return (g.reshape(1) * _prod_of_others(x.reshape(-1), 0)).reshape(x.shape)
    return g * _prod_of_others(x, dims[0])


def _prod_of_others(x, d):
    """prod over j != k of x[j] along dim d, for each k."""
    shape = tuple(x.shape)
    n = shape[d]
    if n == 1:
        return ft.ones_like(x)
    one = ft.ones(shape[:d] + (1,) + shape[d + 1:], dtype=x.dtype, device=x.device)
    before = ft.cat([one, x.narrow(d, 0, n - 1)], d).cumprod(d)
    after = ft.cat([one, x.narrow(d, 1, n - 1).flip(d)], d).cumprod(d).flip(d)
    return before * after


# ---- extremes --------------------------------------------------------------------------------
@rule("amax", "amin", save="both")
def _amax(ctx, g):
    (x,) = ctx.inputs
    out = unreduce(ctx, ctx.out)
    mask = x == out
    nan = out.isnan()
    if bool(nan.any()):  # a NaN result: its gradient goes to the NaNs (like torch's max())
        mask = mask | (x.isnan() & nan)
    return _split_among(unreduce(ctx, g), mask, _reduce_dims(ctx))


@rule("max_dim", "min_dim", save="output", outputs=(1,))
def _max_dim(ctx, g, _):
    return select_back(ctx, g, ctx.outputs[1])


# ---- spread, soft maximum, norms ------------------------------------------------------------
@rule("var")
def _var(ctx, g):
    (x,) = ctx.inputs
    centred = x - x.mean(dim=ctx.params["dims"], keepdim=True)
    dof = _numel(ctx) - ctx.params["correction"]
    # no degrees of freedom: 2 / dof is inf (times 0 is nan where x equals the mean), like torch
    return (unreduce(ctx, g) * (2.0 / dof if dof > 0 else math.inf)) * centred


@rule("std", save="both")
def _std(ctx, g):
    # d std = d var / (2 std); where std is 0 torch defines the gradient as 0 (not 0/0).
    out = ctx.out
    safe = out.masked_fill(out == 0, 1.0)
    return _var(ctx, (g / (2 * safe)).masked_fill(out == 0, 0.0))


@rule("logsumexp", save="both")
def _logsumexp(ctx, g):
    (x,) = ctx.inputs
    return unreduce(ctx, g) * (x - unreduce(ctx, ctx.out)).exp()


@rule("vector_norm", save="both")
def _vector_norm(ctx, g):
    # torch's norm_backward: 0 where the norm is 0 (and, for ord < 1, where x is 0); safe
    # denominators keep 0/0 out of the branches `where` discards
    (x,) = ctx.inputs
    p = ctx.params["ord"]
    norm, g = unreduce(ctx, ctx.out), unreduce(ctx, g)
    if p == 0:
        return ft.zeros_like(x)
    if p == 1:
        return x.sign() * g
    if math.isinf(p):
        a = x.abs()
        return x.sign() * _split_among(g, (a == norm) | a.isnan(), _reduce_dims(ctx))
    if p < 1:
        zero = x == 0
        scaled = x.sign() * ft.where(zero, 0.0, ft.where(zero, 1.0, x.abs()).pow(p - 1))
        return scaled * g * norm.pow(1 - p)
    zero = norm == 0
    norm = ft.where(zero, 1.0, norm)
    if p == 2:
        return ft.where(zero, 0.0, g * (x / norm))
    scaled = x.sign() * x.abs().pow(p - 1) if p < 2 else x * x.abs().pow(p - 2)
    return scaled * ft.where(zero, 0.0, g / norm.pow(p - 1))


# ---- scans -----------------------------------------------------------------------------------
@rule("cumsum", save=None)
def _cumsum(ctx, g):
    d = ctx.params["dim"]
    return g if d is None else reverse_cumsum(g, d)


@rule("cumprod", save="both")
def _cumprod(ctx, g):
    (x,) = ctx.inputs
    d = ctx.params["dim"]
    if d is None or ctx.shapes[0][d] <= 1:
        return g
    return cumprod_backward(x, ctx.out, g, d)


def cumprod_backward(x, out, g, d):
    """d/dx[k] of sum_i g[i] cumprod(x)[i] along dim d, exact at zeros and differentiable again.

    Before the first zero z of a slice it is reverse_cumsum(g * out) / x; from z on it is
    c * G, with G the same gradient for x with x[z] replaced by 1 (one zero fewer, recursively),
    c = 1 at z and x[z] (= 0, but its derivative counts) after it.
    """
    zero = x == 0
    if not bool(zero.any()):
        return reverse_cumsum(g * out, d) / x
    seen = zero.cumsum(d)
    before = seen == 0
    first = zero & (seen == 1)
    x1 = ft.where(first, 1.0, x)
    rest = cumprod_backward(x1, x1.cumprod(d), g, d)
    x_at_zero = (x * first).sum(d, keepdim=True)
    rest = ft.where(first, 1.0, x_at_zero) * rest
    head = reverse_cumsum(g * out, d) / ft.where(before, x, 1.0)
    return ft.where(before, head, rest)


@rule("cummax", "cummin", save="output", outputs=(1,))
def _cummax(ctx, g, _):
    d = ctx.params["dim"]
    if d is None:
        return g
    zeros = g.new_zeros(ctx.shapes[0])
    return P_scatter_reduce(zeros, ctx.outputs[1].detach(), g, dim=d, reduce="sum", include_self=True)


@rule("median", save="both")
def _median(ctx, g, _):
    if ctx.params["dim"] is not None:
        return select_back(ctx, g, ctx.outputs[1])
    # median of all elements: shared among the elements equal to it (NaN: among the NaNs), like torch
    (x,) = ctx.inputs
    value = ctx.out
    mask = (x == value) | (x.isnan() & value.isnan())
    return (g / mask.sum()) * mask
