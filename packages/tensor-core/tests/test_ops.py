"""Every OpSpec: forward against NumPy and (when installed) PyTorch, methods, and error inputs."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import fx.tensor as ft
from opspec import assert_close, from_torch, load_all, to_numpy_args, to_torch, tolerance

SPECS = load_all()
try:
    import torch
except ImportError:
    torch = None

# Public names that are not ops on tensors, each covered by the test module named.
NOT_OPS = {
    "set_default_dtype": "test_dtype.py", "get_default_dtype": "test_dtype.py", "promote_types": "test_dtype.py",
    "result_type": "test_dtype.py", "can_cast": "test_dtype.py", "finfo": "test_dtype.py", "iinfo": "test_dtype.py",
    "is_tensor": "test_tensor.py", "save": "test_serialize.py", "load": "test_serialize.py",
    "from_dlpack": "test_interop.py", "from_numpy": "test_interop.py", "manual_seed": "test_random.py",
    "seed": "test_random.py", "initial_seed": "test_random.py", "get_rng_state": "test_random.py",
    "set_rng_state": "test_random.py", "Generator": "test_random.py", "set_printoptions": "test_repr.py",
    "get_num_threads": "test_threads.py", "set_num_threads": "test_threads.py",
}


def _ids(spec):
    return spec.name


def _clone_args(args):
    return tuple(a.clone() if isinstance(a, ft.Tensor) else a for a in args)


def _run_torch(spec, args, kwargs):
    fn = getattr(torch, spec.name) if spec.torch_ref == "same" else spec.torch_ref
    return fn(*to_torch(args), **to_torch(kwargs))


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
def test_forward(spec):
    fn = spec.fn()
    for dtype in spec.dtypes:
        for s in spec.samples(dtype):
            what = f"{spec.name}[{dtype.name}, {s.name}]"
            before = [a.clone() for a in s.args if isinstance(a, ft.Tensor)]
            out = fn(*s.args, **s.kwargs)
            after = [a for a in s.args if isinstance(a, ft.Tensor)]
            for b, a in zip(before, after):
                assert np.array_equal(b.numpy(), a.numpy(), equal_nan=True), f"{what}: input modified"
            tol_dtype = dtype
            if isinstance(out, ft.Tensor) and out.dtype.is_floating_point and not dtype.is_floating_point:
                tol_dtype = out.dtype  # an int input computed in float: float tolerances apply
            atol, rtol = tolerance(tol_dtype, spec)
            if spec.nondeterministic:
                continue
            if spec.ref is not None and dtype not in spec.skip_ref_dtypes:
                exp = spec.ref(*to_numpy_args(s.args), **to_numpy_args(s.kwargs))
                assert_close(out, exp, tol_dtype, atol, rtol, what=what + " vs numpy")
            if torch is not None and spec.torch_ref is not None:
                exp = from_torch(_run_torch(spec, s.args, s.kwargs))
                assert_close(out, exp, tol_dtype, atol, rtol, check_dtype=spec.check_dtype, what=what + " vs torch")


@pytest.mark.parametrize("spec", [s for s in SPECS if s.method], ids=_ids)
def test_method_matches_function(spec):
    fn = spec.fn()
    dtype = spec.dtypes[0]
    for s in spec.samples(dtype):
        if spec.nondeterministic or not isinstance(s.args[0], ft.Tensor):
            continue
        expected = fn(*s.args, **s.kwargs)
        got = getattr(s.args[0], spec.method)(*s.args[1:], **s.kwargs)
        assert_close(got, _as_np(expected), dtype, check_dtype=True, what=f"{spec.name}.{spec.method}")


def _as_np(x):
    if isinstance(x, ft.Tensor):
        return x.numpy(force=True)
    if isinstance(x, (tuple, list)):
        return type(x)(_as_np(v) for v in x)
    return x


@pytest.mark.parametrize("spec", [s for s in SPECS if s.errors], ids=_ids)
def test_errors(spec):
    fn = spec.fn()
    for case in spec.errors():
        before = [a.clone() for a in case.args if isinstance(a, ft.Tensor)]
        with pytest.raises(case.exc, match=case.match):
            fn(*case.args, **case.kwargs)
        for b, a in zip(before, [a for a in case.args if isinstance(a, ft.Tensor)]):
            assert np.array_equal(b.numpy(), a.numpy(), equal_nan=True), f"{spec.name}: failed call modified its input"


def test_every_public_op_has_a_spec():
    covered = {s.name for s in SPECS}
    missing = []
    for name in ft.__all__:
        obj = getattr(ft, name)
        if inspect.isclass(obj) or isinstance(obj, ft.dtype) or inspect.ismodule(obj):
            continue
        if not callable(obj) or name in NOT_OPS or name in covered:
            continue
        missing.append(name)
    assert not missing, f"public ops without an OpSpec: {sorted(missing)}"
