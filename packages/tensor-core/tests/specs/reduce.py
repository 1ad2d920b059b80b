"""Specs: reductions, scans and order statistics."""

import warnings

import ml_dtypes
import numpy as np

import fx.tensor as ft
from opspec import ALL, FLOATS, INTS, LOWP, ErrorCase, OpSpec, Sample, add, make

FLOATISH = FLOATS + LOWP
NUMERIC = INTS + FLOATISH
NAN = float("nan")


# ---- samples ---------------------------------------------------------------------------------
def _uniq(shape, dtype, noncontig=False, seed=0):
    """Distinct, exactly representable values (no ties: median/sort indices are then unique)."""
    n = int(np.prod(shape)) * (2 if noncontig else 1)
    vals = np.random.default_rng(seed).permutation(n) - (0 if dtype is ft.uint8 else n // 2)
    if dtype.is_floating_point:
        vals = vals / 4
    if not shape:
        return ft.from_numpy(np.asarray(vals.reshape(()) + 1, dtype=dtype.np))
    full = vals.reshape(tuple(shape[:-1]) + (shape[-1] * (2 if noncontig else 1),)).astype(dtype.np)
    return ft.from_numpy(full[..., ::2] if noncontig else full)


def _nan_sample(dtype, all_nan_row=True):
    last = [NAN] * 4 if all_nan_row else [NAN, 4.0, NAN, 6.0]
    return ft.tensor([[1.0, NAN, 3.0, NAN], [2.0, 0.0, -1.0, 5.0], last], dtype=dtype)


def reduce_samples(kind="dims", identity=True, uniq=False, nan=True, low=-3.0, high=3.0, all_nan_row=True):
    """Inputs x dims variants. kind: 'dims' (None/int/tuple/keepdim), 'dim' (one int or None),
    'dim_only' (one int, required)."""

    def gen(dt):
        m = (lambda s, **kw: _uniq(s, dt, **kw)) if uniq else (lambda s, **kw: make(s, dt, low, high, **kw))
        x, nc, z, e = m((3, 4, 5)), m((4, 6), noncontig=True), m(()), make((0, 3), dt)
        tr = m((2, 3, 4)).transpose(0, 2)
        out = []
        if kind == "dims":
            out += [Sample((x,), {}, "all"), Sample((x,), {"dim": 1}, "dim1"), Sample((x,), {"dim": -1}, "dim-1"),
                    Sample((x,), {"dim": (0, 2)}, "dims02"), Sample((x,), {"dim": 1, "keepdim": True}, "keep"),
                    Sample((x,), {"dim": (-1, 0), "keepdim": True}, "dims-keep"), Sample((nc,), {"dim": 0}, "noncontig"),
                    Sample((tr,), {"dim": (0, 1)}, "transposed"), Sample((z,), {}, "0d"), Sample((z,), {"dim": 0}, "0d-dim"),
                    Sample((z,), {"dim": -1, "keepdim": True}, "0d-keep"), Sample((e,), {"dim": 1}, "empty-dim1")]
            if identity:
                out += [Sample((e,), {}, "empty-all"), Sample((e,), {"dim": 0}, "empty-dim0")]
        else:
            if kind == "dim":
                out += [Sample((x,), {}, "flat"), Sample((nc,), {}, "noncontig-flat"),
                        Sample((x,), {"dim": 0, "keepdim": True}, "keep"), Sample((z,), {"dim": -1, "keepdim": True}, "0d-keep")]
            out += [Sample((x,), {"dim": 1}, "dim1"), Sample((x,), {"dim": -1}, "dim-1"),
                    Sample((nc,), {"dim": 0}, "noncontig"), Sample((tr,), {"dim": 2}, "transposed"),
                    Sample((z,), {"dim": 0}, "0d-dim"), Sample((e,), {"dim": 1}, "empty-dim1")]
            if identity:
                out += [Sample((e,), {"dim": 0}, "empty-dim0")]
        if nan and dt.is_floating_point:
            s = _nan_sample(dt, all_nan_row)
            out += [Sample((s,), {"dim": 1} if kind != "dims" else {}, "nan"), Sample((s,), {"dim": 1}, "nan-dim1")]
        return out

    return gen


def _large(dt, flat=True):
    """Big enough for the C kernels' paths (full reductions run on 1024-wide rows)."""
    x = make((70, 1024), dt)
    return [Sample((x,), {"dim": -1}, "large-lastdim")] + ([Sample((x,), {}, "large-all")] if flat else [])


# ---- NumPy references ------------------------------------------------------------------------
def _axis(dim):
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    return tuple(dim) if isinstance(dim, (tuple, list)) else dim


def _wide(x):
    """Floats as float64 and integers/bool as int64: what exact references compute in."""
    if x.dtype.kind == "f" or x.dtype == ml_dtypes.bfloat16:
        return x.astype(np.float64)
    return x.astype(np.int64)


def _ref(fn, wide=True):
    def ref(x, dim=None, keepdim=False, **kw):
        kw.pop("dtype", None)
        a = _wide(x) if wide else x
        axis = _axis(dim)
        if a.ndim == 0:
            axis = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.asarray(fn(a, axis=axis, keepdims=keepdim, **kw))

    return ref


def _ddof(unbiased=None, correction=None):
    return correction if correction is not None else (0 if unbiased is False else 1)


def _var_ref(fn):
    def ref(x, dim=None, unbiased=None, keepdim=False, correction=None):
        return _ref(lambda a, **kw: fn(a, ddof=_ddof(unbiased, correction), **kw))(x, dim, keepdim)

    return ref


def _logsumexp(a, axis=None, keepdims=False):
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0)
    r = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return r if keepdims else (r.reshape(()) if axis is None else np.squeeze(r, axis))


def _norm(a, axis=None, keepdims=False, p=2):
    p = 2 if p == "fro" else p
    if p == np.inf:
        return np.max(np.abs(a), axis=axis, keepdims=keepdims)
    if p == -np.inf:
        return np.min(np.abs(a), axis=axis, keepdims=keepdims)
    if p == 0:
        return np.sum(a != 0, axis=axis, keepdims=keepdims).astype(np.float64)
    return np.sum(np.abs(a) ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def _norm_ref(x, p="fro", dim=None, keepdim=False, dtype=None):
    if p == "nuc":
        return np.linalg.norm(x.astype(np.float64), "nuc")
    return _ref(lambda a, **kw: _norm(a, p=p, **kw))(x, dim, keepdim)


def _along(x, dim, fn, keepdim=False):
    """Apply fn(1-d row) -> (value, index) to every row along `dim` (dim None: flattened)."""
    a = _wide(x)
    if dim is None or a.ndim == 0:
        v, i = fn(a.reshape(-1))
        return np.asarray(v), np.asarray(i)
    moved = np.moveaxis(a, dim, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    res = [fn(r) for r in rows]
    vals = np.array([r[0] for r in res], dtype=a.dtype).reshape(moved.shape[:-1])
    idx = np.array([r[1] for r in res], dtype=np.int64).reshape(moved.shape[:-1])
    if keepdim:
        vals, idx = np.expand_dims(vals, dim), np.expand_dims(idx, dim)
    return vals, idx


def _ext_row(fn, argfn):
    return lambda r: (fn(r), argfn(r))


def _max_ref(x, dim=None, keepdim=False):
    if isinstance(dim, np.ndarray):
        return np.maximum(x, dim)
    if dim is None:
        return np.max(_wide(x))
    return _along(x, dim, _ext_row(np.max, np.argmax), keepdim)


def _min_ref(x, dim=None, keepdim=False):
    if isinstance(dim, np.ndarray):
        return np.minimum(x, dim)
    if dim is None:
        return np.min(_wide(x))
    return _along(x, dim, _ext_row(np.min, np.argmin), keepdim)


def _arg_ref(fn):
    def ref(x, dim=None, keepdim=False):
        a = _wide(x)
        if dim is None or a.ndim == 0:
            r = fn(a.reshape(-1))
            return np.full((1,) * a.ndim, r) if keepdim else np.asarray(r)
        return fn(a, axis=dim, keepdims=keepdim)

    return ref


def _median_row(ignore_nan):
    def row(r):
        isn = np.isnan(r) if r.dtype.kind == "f" else np.zeros(r.shape, bool)
        if isn.any() and not ignore_nan:
            return np.nan, int(np.argmax(isn))
        valid = np.flatnonzero(~isn)
        if not len(valid):
            return np.nan, 0
        order = valid[np.argsort(r[valid], kind="stable")]
        k = order[(len(order) - 1) // 2]
        return r[k], k

    return row


def _median_ref(ignore_nan):
    def ref(x, dim=None, keepdim=False):
        if dim is None:
            if x.size == 0:
                return np.asarray(np.nan)
            return _along(x, None, _median_row(ignore_nan))[0]
        return _along(x, dim, _median_row(ignore_nan), keepdim)

    return ref


def _cum_ext_ref(better):
    def ref(x, dim):
        a = _wide(x)
        if a.ndim == 0 or a.size == 0:
            return a.copy(), np.zeros(a.shape, np.int64)
        moved = np.moveaxis(a, dim, -1).copy()
        idx = np.zeros(moved.shape, np.int64)
        flat_v, flat_i = moved.reshape(-1, moved.shape[-1]), idx.reshape(-1, moved.shape[-1])
        for v, i in zip(flat_v, flat_i):
            best, bi = None, 0
            for j, e in enumerate(v):
                if best is None or np.isnan(e) or (not np.isnan(best) and better(e, best)):
                    best, bi = e, j
                v[j], i[j] = best, bi
        return np.moveaxis(moved, -1, dim), np.moveaxis(idx, -1, dim)

    return ref


def _cum_ref(fn):
    def ref(x, dim, dtype=None):
        a = _wide(x)
        return fn(a.reshape(1), axis=0).reshape(()) if a.ndim == 0 else fn(a, axis=dim)

    return ref


def _quantile_ref(fn):
    def ref(x, q, dim=None, keepdim=False, interpolation="linear"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(x.astype(np.float64), q, axis=None if x.ndim == 0 else dim, keepdims=keepdim and x.ndim > 0,
                      method=interpolation)

    return ref


# ---- errors ----------------------------------------------------------------------------------
def _f32(shape=(2, 3)):
    return make(shape, ft.float32)


def _common_errors(extra=(), dim_kw="dim", tuple_ok=True):
    def errors():
        out = [ErrorCase((np.ones(3),), {dim_kw: 0}, exc=TypeError, match="must be Tensor"),
               ErrorCase((_f32(),), {dim_kw: 2}, exc=IndexError, match="Dimension out of range"),
               ErrorCase((_f32(),), {dim_kw: -3}, exc=IndexError, match="Dimension out of range"),
               ErrorCase((_f32(),), {dim_kw: "a"}, exc=TypeError, match="dim")]
        if tuple_ok:
            out.append(ErrorCase((_f32(),), {dim_kw: (1, -1)}, exc=RuntimeError, match="multiple times"))
        else:
            out.append(ErrorCase((_f32(),), {dim_kw: (0, 1)}, exc=TypeError, match="must be int"))
        return out + list(extra)

    return errors


def _no_identity_errors(op, dim_kw="dim", tuple_ok=True, flat_exc=RuntimeError):
    e = make((0, 3), ft.float32)
    extra = [ErrorCase((e,), {dim_kw: 0}, exc=IndexError, match=f"{op}\\(\\): Expected reduction dim 0 to have non-zero size")]
    if flat_exc is not None:
        extra.append(ErrorCase((e,), exc=flat_exc, match=f"{op}\\(\\): Expected reduction dim to be specified"))
    return _common_errors(extra, dim_kw, tuple_ok)


def _float_only_errors(match):
    return [ErrorCase((make((3,), ft.int64),), exc=RuntimeError, match=match),
            ErrorCase((make((3,), ft.bool),), exc=RuntimeError, match=match)]


def _torch_f32_acc(name):
    """torch.<name> accumulating bfloat16 in float32 (fx does; PyTorch's nansum does not)."""

    def ref(x, **kw):
        import torch

        fn = getattr(torch, name)
        if x.dtype == torch.bfloat16 and "dtype" not in kw:
            return fn(x.float(), **kw).to(torch.bfloat16)
        return fn(x, **kw)

    return ref


# ---- the table -------------------------------------------------------------------------------
_sum_ref = _ref(np.sum)
add(
    OpSpec("sum", ref=_sum_ref, samples=lambda dt: reduce_samples()(dt) + _large(dt) + [
        Sample((make((3, 4), dt),), {"dim": ()}, "dim()"), Sample((make((3, 4), dt),), {"dtype": ft.float64}, "dtype")],
        dtypes=ALL, method="sum",
        errors=_common_errors([ErrorCase((_f32(),), {"dim": 1.5}, exc=TypeError, match="dim")])),
    OpSpec("nansum", ref=_ref(np.nansum), samples=reduce_samples(), torch_ref=_torch_f32_acc("nansum"), dtypes=FLOATISH + (ft.int32,), method="nansum",
           errors=_common_errors()),
    OpSpec("mean", ref=_ref(np.mean), samples=lambda dt: reduce_samples()(dt) + _large(dt) + [
        Sample((make((3, 4), dt),), {"dim": (), "dtype": ft.float64}, "dtype")], dtypes=FLOATISH, method="mean",
        errors=_common_errors(_float_only_errors("mean\\(\\): could not infer output dtype") + [
            ErrorCase((_f32(),), {"dtype": ft.int64}, exc=RuntimeError, match="Optional dtype")])),
    OpSpec("nanmean", ref=_ref(np.nanmean), samples=reduce_samples(), dtypes=FLOATISH, method="nanmean",
           errors=_common_errors(_float_only_errors("nanmean\\(\\): expected input to have floating point"))),
    OpSpec("prod", ref=_ref(np.prod), dtypes=ALL, method="prod",
           samples=lambda dt: [s for s in reduce_samples("dim", low=-2, high=2)(dt)] + [
               Sample((make((3, 4), dt, -2, 2),), {"dim": 0, "keepdim": True, "dtype": ft.float64}, "dtype"),
               Sample((make((0, 3), dt),), {}, "empty-all")],
           errors=_common_errors(tuple_ok=False)),
    OpSpec("amax", ref=_ref(np.max), samples=lambda dt: reduce_samples(identity=False)(dt) + _large(dt), dtypes=ALL,
           method="amax",
           errors=_no_identity_errors("amax")),
    OpSpec("amin", ref=_ref(np.min), samples=reduce_samples(identity=False), dtypes=ALL, method="amin",
           errors=_no_identity_errors("amin")),
    OpSpec("max", ref=_max_ref, samples=lambda dt: reduce_samples("dim", identity=False)(dt) + _large(dt) + [
        Sample((make((3, 4), dt), make((4,), dt, seed=3)), {}, "binary")], dtypes=ALL, method="max",
        errors=_no_identity_errors("max", tuple_ok=False)),
    OpSpec("min", ref=_min_ref, samples=lambda dt: reduce_samples("dim", identity=False)(dt) + [
        Sample((make((3, 4), dt), make((4,), dt, seed=3)), {}, "binary")], dtypes=ALL, method="min",
        errors=_no_identity_errors("min", tuple_ok=False)),
    OpSpec("argmax", ref=_arg_ref(np.argmax), samples=lambda dt: reduce_samples("dim", identity=False)(dt) + [
        Sample((make((3, 4), dt),), {"keepdim": True}, "flat-keep")], dtypes=NUMERIC, method="argmax",
        differentiable=False, errors=_no_identity_errors("argmax", tuple_ok=False, flat_exc=IndexError)),
    OpSpec("argmin", ref=_arg_ref(np.argmin), samples=reduce_samples("dim", identity=False), dtypes=NUMERIC,
           method="argmin", differentiable=False,
           errors=_no_identity_errors("argmin", tuple_ok=False, flat_exc=IndexError)),
)


def _aminmax_ref(x, dim=None, keepdim=False):
    return _ref(np.min)(x, dim, keepdim), _ref(np.max)(x, dim, keepdim)


def _kw_samples(base, extra_kwargs):
    def gen(dt):
        return [Sample(s.args, {**s.kwargs, **kw}, f"{s.name}{kw}") for s in base(dt) for kw in extra_kwargs]

    return gen


def _norm_special(dt):
    x = make((3, 4), dt)
    return [Sample((x,), {"p": float("inf")}), Sample((x,), {"p": -float("inf"), "dim": 1}),
            Sample((x,), {"p": "fro", "dim": (0, 1)}), Sample((x,), {"p": -1, "dim": 0, "keepdim": True}),
            Sample((x,), {"p": 2, "dtype": ft.float64}), Sample((make((0, 3), dt),), {"p": float("inf"), "dim": 1}),
            Sample((make((0, 3), dt),), {})] + ([Sample((x,), {"p": "nuc"}, "nuc")] if dt in FLOATS else [])

_VAR_KW = [{}, {"unbiased": False}, {"correction": 2}]
add(
    OpSpec("aminmax", ref=_aminmax_ref, samples=reduce_samples("dim", identity=False), dtypes=ALL,
           method="aminmax", errors=lambda: [
               ErrorCase((np.ones(3),), exc=TypeError, match="must be Tensor"),
               ErrorCase((_f32(),), {"dim": 2}, exc=IndexError, match="Dimension out of range"),
               ErrorCase((make((0, 3), ft.float32),), exc=RuntimeError, match="cannot compute aminmax"),
               ErrorCase((make((0, 3), ft.float32),), {"dim": 0}, exc=IndexError, match="non-zero size")]),
    OpSpec("var", ref=_var_ref(np.var), samples=_kw_samples(reduce_samples(), _VAR_KW), dtypes=FLOATISH,
           method="var", errors=_common_errors(_float_only_errors("std and var only support floating point"))),
    OpSpec("std", ref=_var_ref(np.std), samples=_kw_samples(reduce_samples(), _VAR_KW), dtypes=FLOATISH,
           method="std", errors=_common_errors(_float_only_errors("std and var only support floating point"))),
    OpSpec("var_mean", ref=lambda x, dim=None, **kw: (_var_ref(np.var)(x, dim, **kw), _ref(np.mean)(x, dim, kw.get("keepdim", False))),
           samples=_kw_samples(reduce_samples(), [{}, {"correction": 0}]), dtypes=FLOATISH,
           errors=_common_errors(_float_only_errors("std and var"))),
    OpSpec("std_mean", ref=lambda x, dim=None, **kw: (_var_ref(np.std)(x, dim, **kw), _ref(np.mean)(x, dim, kw.get("keepdim", False))),
           samples=_kw_samples(reduce_samples(), [{}, {"unbiased": False}]), dtypes=FLOATISH,
           errors=_common_errors(_float_only_errors("std and var"))),
    OpSpec("logsumexp", ref=_ref(lambda a, **kw: _logsumexp(a.astype(np.float64), **kw)), dtypes=FLOATISH + (ft.int64,), method="logsumexp",
           samples=lambda dt: [s for s in reduce_samples()(dt) if "dim" in s.kwargs] + (
               [Sample((ft.tensor([[NAN, 1.0], [float("inf"), 1.0], [-float("inf"), -float("inf")]], dtype=dt),),
                       {"dim": 1}, "special")] if dt.is_floating_point else []),
           errors=lambda: _common_errors()() + [ErrorCase((_f32(),), exc=TypeError, match="dim")]),
    OpSpec("norm", ref=_norm_ref, dtypes=FLOATISH, method="norm",
           samples=lambda dt: _kw_samples(reduce_samples(nan=False), [{}, {"p": 1}, {"p": 3}, {"p": 0}, {"p": 0.5}])(dt)
           + _norm_special(dt),
           errors=lambda: [ErrorCase((make((3,), ft.int64),), exc=RuntimeError, match="floating point"),
                           ErrorCase((_f32(),), {"dim": 2}, exc=IndexError, match="Dimension out of range"),
                           ErrorCase((_f32(),), {"p": "abc"}, exc=RuntimeError, match="Order abc not supported"),
                           ErrorCase((make((0, 3), ft.float32),), {"p": float("inf")}, exc=RuntimeError,
                                     match="inf norm on an empty tensor"),
                           ErrorCase((1.0,), exc=TypeError, match="must be Tensor")]),
)


_ALL_ERRS = lambda: _common_errors()()  # noqa: E731
add(
    OpSpec("all", ref=_ref(np.all, wide=False), samples=reduce_samples(), dtypes=ALL, method="all",
           differentiable=False, errors=_ALL_ERRS),
    OpSpec("any", ref=_ref(np.any, wide=False), samples=reduce_samples(), dtypes=ALL, method="any",
           differentiable=False, errors=_ALL_ERRS),
    OpSpec("count_nonzero", ref=lambda x, dim=None: np.asarray(np.count_nonzero(x, axis=None if x.ndim == 0 else _axis(dim))),
           samples=lambda dt: [Sample(s.args, {"dim": s.kwargs["dim"]} if "dim" in s.kwargs else {}, s.name)
                               for s in reduce_samples()(dt)], dtypes=ALL, method="count_nonzero",
           differentiable=False, errors=_common_errors()),
    OpSpec("cumsum", ref=_cum_ref(np.cumsum), samples=lambda dt: reduce_samples("dim_only")(dt) + [
        Sample((make((3, 4), dt),), {"dim": 0, "dtype": ft.float64}, "dtype")], dtypes=ALL, method="cumsum",
        errors=_common_errors([ErrorCase((_f32(),), {"dim": 0, "dtype": ft.bool}, match="Bool")], tuple_ok=False)),
    OpSpec("cumprod", ref=_cum_ref(np.cumprod), samples=reduce_samples("dim_only", low=-2, high=2), dtypes=ALL,
           method="cumprod", errors=_common_errors(tuple_ok=False)),
    OpSpec("cummax", ref=_cum_ext_ref(lambda a, b: a >= b), samples=reduce_samples("dim_only"), dtypes=ALL,
           method="cummax", errors=_common_errors(tuple_ok=False)),
    OpSpec("cummin", ref=_cum_ext_ref(lambda a, b: a <= b), samples=reduce_samples("dim_only"), dtypes=ALL,
           method="cummin", errors=_common_errors(tuple_ok=False)),
    OpSpec("median", ref=_median_ref(False), samples=lambda dt: reduce_samples("dim", identity=False, uniq=True)(dt) + [
        Sample((make((0, 3), dt),), {}, "empty-flat")] * dt.is_floating_point, dtypes=NUMERIC, method="median",
        errors=_no_identity_errors("median", tuple_ok=False, flat_exc=None)),
    # Which index PyTorch reports for an all-NaN row is unspecified: only values are checked there.
    OpSpec("nanmedian", ref=_median_ref(True), samples=lambda dt: reduce_samples(
        "dim", identity=False, uniq=True, all_nan_row=False)(dt) + [Sample((ft.tensor([NAN, NAN], dtype=dt),), {}, "all-nan")]
        * dt.is_floating_point,
           dtypes=FLOATISH + (ft.int32,), method="nanmedian",
           errors=_no_identity_errors("nanmedian", tuple_ok=False, flat_exc=None)),
)


def _quantile_samples(dt):
    x, nc, z = make((3, 4, 5), dt), make((4, 6), dt, noncontig=True), make((), dt)
    q = ft.tensor([0.0, 0.25, 0.5, 1.0], dtype=dt)
    out = [Sample((x, 0.3), {}, "flat"), Sample((x, 0.3), {"dim": 1}, "dim1"), Sample((x, q), {"dim": -1}, "qvec"),
           Sample((x, q), {"dim": 0, "keepdim": True}, "qvec-keep"), Sample((x, 0.7), {"keepdim": True}, "flat-keep"),
           Sample((nc, 0.5), {"dim": 0}, "noncontig"), Sample((x.transpose(0, 2), q), {"dim": 1}, "transposed"),
           Sample((z, 0.5), {}, "0d"), Sample((z, q), {"dim": 0}, "0d-dim"),
           Sample((x, ft.tensor(0.4, dtype=dt)), {"dim": 2}, "q0d"), Sample((_nan_sample(dt), q), {"dim": 1}, "nan"),
           Sample((_nan_sample(dt), 0.5), {}, "nan-flat")]
    for interp in ("lower", "higher", "midpoint", "nearest"):
        out.append(Sample((x, q), {"dim": 1, "interpolation": interp}, interp))
    return out


def _quantile_errors(op):
    x = _f32()
    return lambda: [
        ErrorCase((make((3,), ft.int64), 0.5), match=f"{op}\\(\\) input tensor must be either float or double"),
        ErrorCase((x, 1.5), match="q must be in the range \\[0, 1\\] but got 1.5"),
        ErrorCase((x, ft.tensor([0.5, 1.2])), match="q values must be in the range"),
        ErrorCase((x, ft.tensor([[0.5]])), match="q must be a scalar or 1D tensor"),
        ErrorCase((x, ft.tensor([0.5], dtype=ft.float64)), match="same dtype"),
        ErrorCase((x, 0.5), {"interpolation": "foo"}, match="interpolation must be one of"),
        ErrorCase((make((0, 3), ft.float32), 0.5), match="non-empty"),
        ErrorCase((x, 0.5), {"dim": 2}, exc=IndexError, match="Dimension out of range"),
        ErrorCase((x, "a"), exc=TypeError, match="q"),
    ]


add(
    OpSpec("quantile", ref=_quantile_ref(np.quantile), samples=_quantile_samples, method="quantile",
           errors=_quantile_errors("quantile")),
    OpSpec("nanquantile", ref=_quantile_ref(np.nanquantile), samples=_quantile_samples, method="nanquantile",
           errors=_quantile_errors("nanquantile")),
)
