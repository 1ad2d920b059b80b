"""Specs: the top-level in-place functions (`torch.relu_(x)` style).

Each is run on a clone (the forward test checks that samples are left unchanged) and compared with the
out-of-place fx op on the same input (tested against NumPy in its own spec) and with torch's in-place
function. That they write into and return their input is tested in test_compat.py.
"""

import numpy as np

import fx.tensor as ft
from opspec import FLOATS, ErrorCase, OpSpec, Sample, add, make

# name -> (out-of-place fx callable, (low, high) of the input, extra args maker(dtype), dtypes)
_UNARY_DOMAIN = {"acos_": (-0.9, 0.9), "arccos_": (-0.9, 0.9), "asin_": (-0.9, 0.9), "arcsin_": (-0.9, 0.9),
                 "atanh_": (-0.9, 0.9), "arctanh_": (-0.9, 0.9), "acosh_": (1.1, 4), "arccosh_": (1.1, 4),
                 "log_": (0.1, 4), "log2_": (0.1, 4), "log10_": (0.1, 4), "log1p_": (-0.5, 4), "sqrt_": (0.1, 4),
                 "rsqrt_": (0.1, 4), "reciprocal_": (0.5, 3), "logit_": (0.1, 0.9)}
_NO_ARGS = {
    "abs_": ft.abs, "acos_": ft.acos, "acosh_": ft.acosh, "arccos_": ft.arccos, "arccosh_": ft.arccosh, "arcsin_": ft.arcsin,
    "arcsinh_": ft.arcsinh, "arctan_": ft.arctan, "arctanh_": ft.arctanh, "asin_": ft.asin, "asinh_": ft.asinh,
    "atan_": ft.atan, "atanh_": ft.atanh, "ceil_": ft.ceil, "cos_": ft.cos, "cosh_": ft.cosh, "deg2rad_": ft.deg2rad,
    "erf_": ft.erf, "erfc_": ft.erfc, "exp2_": ft.exp2, "exp_": ft.exp, "expm1_": ft.expm1, "fix_": ft.fix,
    "floor_": ft.floor, "frac_": ft.frac, "i0_": ft.i0, "log10_": ft.log10, "log1p_": ft.log1p, "log2_": ft.log2,
    "log_": ft.log, "logit_": ft.logit, "nan_to_num_": ft.nan_to_num, "neg_": ft.neg, "negative_": ft.negative,
    "rad2deg_": ft.rad2deg, "reciprocal_": ft.reciprocal, "relu_": ft.relu, "round_": ft.round, "rsqrt_": ft.rsqrt,
    "sigmoid_": ft.sigmoid, "sin_": ft.sin, "sinc_": ft.sinc, "sinh_": ft.sinh, "sqrt_": ft.sqrt, "square_": ft.square,
    "tan_": ft.tan, "tanh_": ft.tanh, "trunc_": ft.trunc, "detach_": ft.Tensor.detach, "zero_": ft.zeros_like,
    "selu_": lambda x: ft.selu(x), "celu_": lambda x: ft.celu(x),
}
_WITH_ARGS = {  # name -> (out-of-place fx callable, extra args of a float sample)
    "clamp_": (ft.clamp, lambda dt: (-1.0, 1.0)), "clip_": (ft.clip, lambda dt: (-0.5, 2.0)),
    "clamp_min_": (ft.clamp_min, lambda dt: (0.5,)), "clamp_max_": (ft.clamp_max, lambda dt: (0.5,)),
    "fill_": (lambda x, v: ft.full_like(x, v), lambda dt: (2.5,)),
    "xlogy_": (ft.xlogy, lambda dt: (make((4,), dt, 0.5, 3, seed=5),)),
    "ldexp_": (ft.ldexp, lambda dt: (make((4,), ft.int64, -3, 3, seed=6),)),
    "threshold_": (ft.threshold, lambda dt: (0.5, -2.0)),
    "addmv_": (ft.addmv, lambda dt: (make((3, 5), dt, seed=7), make((5,), dt, seed=8))),
    "resize_as_": (lambda x, other: x.reshape(other.shape), lambda dt: (make((4, 3), dt, seed=9),)),
    "as_strided_": (ft.as_strided, lambda dt: ((2, 2), (1, 2))),
}


def _on_clone(fn):
    def op(x, *args, **kwargs):
        return fn(x.clone() if isinstance(x, ft.Tensor) else x, *args, **kwargs)

    return op


def _out_of_place_ref(fn):
    def ref(x, *args, **kwargs):
        args = tuple(ft.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args)
        return fn(ft.from_numpy(x.copy()), *args, **kwargs).numpy()

    return ref


def _torch_inplace(name):
    def run(x, *args, **kwargs):
        return getattr(__import__("torch"), name)(x.clone(), *args, **kwargs)

    return run


def _samples(name, extra):
    low, high = _UNARY_DOMAIN.get(name, (-2.5, 2.5))

    def gen(dt):
        args = extra(dt) if extra else ()
        if name == "addmv_":
            return [Sample((make((3,), dt, low, high),) + args, name="1d")]
        return [Sample((make((3, 4), dt, low, high),) + args, name="2d"),
                Sample((make((3, 8), dt, low, high)[:, ::2],) + args, name="noncontig"),
                Sample((make((0, 4), dt, low, high),) + args, name="empty")] if name != "resize_as_" and name != "as_strided_" \
            else [Sample((make((3, 4), dt, low, high),) + args, name="2d")]

    return gen


def _errors(name, extra):
    def gen():
        args = extra(ft.float32) if extra else ()
        return [ErrorCase((bad,) + args, exc=TypeError, match=rf"{name}\(\): argument 'input' must be Tensor")
                for bad in (1.0, [1.0], None)]

    return gen


for _name, _fn in list(_NO_ARGS.items()) + [(n, f) for n, (f, _) in _WITH_ARGS.items()]:
    _extra = _WITH_ARGS[_name][1] if _name in _WITH_ARGS else None
    _needs_grad_error = _name not in ("detach_",)
    add(OpSpec(_name, op=_on_clone(getattr(ft, _name)), ref=_out_of_place_ref(_fn), torch_ref=_torch_inplace(_name),
               dtypes=FLOATS, differentiable=False, samples=_samples(_name, _extra),
               errors=_errors(_name, _extra) if _needs_grad_error else None))

# gcd_/lcm_ take integers.
for _name, _fn in (("gcd_", ft.gcd), ("lcm_", ft.lcm)):
    add(OpSpec(_name, op=_on_clone(getattr(ft, _name)), ref=_out_of_place_ref(_fn), torch_ref=_torch_inplace(_name),
               dtypes=(ft.int32, ft.int64), differentiable=False,
               samples=lambda dt: [Sample((make((3, 4), dt, -20, 20), make((4,), dt, 1, 12, seed=3)), name="broadcast")],
               errors=lambda n=_name: [ErrorCase((1, make((3,), ft.int64)), exc=TypeError, match="must be Tensor"),
                                       ErrorCase((make((3,), ft.int64), make((2, 3), ft.int64)), match="doesn't match the broadcast shape"),
                                       ErrorCase((make((3,), ft.float32), make((3,), ft.float32)), exc=NotImplementedError,
                                                 match="not implemented for 'Float'")]))
