"""The OpSpec table: one entry per public fx.tensor op, driving every op test.

Each spec gives the fx callable, a NumPy reference and/or a PyTorch oracle (used only when torch is
installed: `nox -s conformance`), sample inputs (non-contiguous, broadcast, 0-d, empty), dtypes,
error inputs, and differentiability (read by fx.autograd's gradcheck tests).

Specs live in specs/<family>.py; each module appends to SPECS with `add(OpSpec(...))`.
"""

from __future__ import annotations

import dataclasses
import zlib
import importlib
import pkgutil
from typing import Any
from collections.abc import Callable

import numpy as np

import fx.tensor as ft

FLOATS = (ft.float32, ft.float64)
LOWP = (ft.float16, ft.bfloat16)
INTS = (ft.uint8, ft.int8, ft.int16, ft.int32, ft.int64)
ALL = (ft.bool,) + INTS + LOWP + FLOATS


@dataclasses.dataclass
class Sample:
    """One call: positional args and kwargs; Tensors inside are fx tensors."""

    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    name: str = ""


@dataclasses.dataclass
class ErrorCase:
    """A call that must raise `exc` with a message matching `match` (a regex)."""

    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    exc: type = RuntimeError
    match: str = ""


@dataclasses.dataclass
class OpSpec:
    name: str
    op: Callable | None = None  # default: getattr(fx.tensor, name)
    ref: Callable | None = None  # NumPy reference on np arrays (same args/kwargs)
    torch_ref: Callable | str | None = "same"  # "same": torch.<name>; None: no torch oracle
    samples: Callable[[Any], list] | None = None  # dtype -> [Sample]
    dtypes: tuple = FLOATS
    errors: Callable[[], list] | None = None  # -> [ErrorCase]
    atol: float | None = None
    rtol: float | None = None
    differentiable: bool = True  # float64 gradcheck in fx.autograd's tests
    grad_args: tuple | None = None  # positional indices that take gradients (None: every float tensor)
    check_dtype: bool = True  # compare the result dtype with torch's
    nondeterministic: bool = False  # outputs only checked for shape/dtype (e.g. random)
    method: str | None = None  # Tensor method name to check alongside the function (default: none)
    skip_ref_dtypes: tuple = ()

    def fn(self):
        return self.op if self.op is not None else getattr(ft, self.name)


SPECS: list[OpSpec] = []


def add(*specs):
    for s in specs:
        SPECS.append(s)


def load_all():
    """Import every specs/ module once and return the table."""
    import os

    import specs

    only = os.environ.get("FX_SPECS")  # e.g. FX_SPECS=reduce,shape: run just those families
    wanted = set(only.split(",")) if only else None
    for info in pkgutil.iter_modules(specs.__path__):
        if wanted is None or info.name in wanted:
            importlib.import_module(f"specs.{info.name}")
    return SPECS


# ---- sample construction ---------------------------------------------------------------------
_rng = np.random.default_rng(0)


def make(shape, dtype, low=-3.0, high=3.0, noncontig=False, seed=None):
    """A deterministic fx tensor; `noncontig` makes it a strided view of a larger array."""
    key = repr((tuple(shape), dtype.name, low, high)).encode()  # str hash() changes per process: crc32 does not
    rng = np.random.default_rng(seed if seed is not None else zlib.crc32(key))
    full_shape = tuple(shape[:-1]) + (shape[-1] * 2,) if noncontig and shape else tuple(shape)
    if dtype is ft.bool:
        arr = rng.random(full_shape) > 0.5
    elif dtype.is_floating_point:
        arr = rng.uniform(low, high, full_shape)
    else:
        lo = max(int(low), 0) if dtype is ft.uint8 else int(low)
        arr = rng.integers(lo, max(int(high), lo + 1) + 1, full_shape)
    arr = np.asarray(arr).astype(dtype.np)
    if noncontig and shape:
        arr = arr[..., ::2]
    return ft.from_numpy(arr)


def unary_samples(low=-3.0, high=3.0):
    """Standard shapes for an elementwise op of one tensor."""

    def gen(dtype):
        return [
            Sample((make((3, 4), dtype, low, high),), name="2d"),
            Sample((make((5, 6), dtype, low, high, noncontig=True),), name="noncontig"),
            Sample((make((), dtype, low, high),), name="0d"),
            Sample((make((0, 3), dtype, low, high),), name="empty"),
            Sample((make((2, 3, 4), dtype, low, high).transpose(0, 2),), name="transposed"),
        ]

    return gen


def binary_samples(low=-3.0, high=3.0, low2=None, high2=None):
    """Standard shape pairs for an elementwise op of two tensors, broadcasting included."""
    low2 = low if low2 is None else low2
    high2 = high if high2 is None else high2

    def gen(dtype):
        m = lambda shape, **kw: make(shape, dtype, low, high, **kw)  # noqa: E731
        n = lambda shape, **kw: make(shape, dtype, low2, high2, seed=7, **kw)  # noqa: E731
        return [
            Sample((m((3, 4)), n((3, 4))), name="same"),
            Sample((m((3, 4)), n((4,))), name="broadcast"),
            Sample((m((2, 1, 4)), n((3, 1))), name="broadcast2"),
            Sample((m((5, 6), noncontig=True), n((5, 6), noncontig=True)), name="noncontig"),
            Sample((m(()), n((2, 3))), name="0d"),
            Sample((m((0, 3)), n((3,))), name="empty"),
        ]

    return gen


# ---- conversion for references ---------------------------------------------------------------
def to_numpy_args(obj):
    if isinstance(obj, ft.Tensor):
        return np.array(obj.numpy(force=True), copy=True)
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_numpy_args(o) for o in obj)
    if isinstance(obj, dict):
        return {k: to_numpy_args(v) for k, v in obj.items()}
    if isinstance(obj, ft.dtype):
        return obj.np
    return obj


def to_torch(obj):
    import torch

    if isinstance(obj, ft.Tensor):
        arr = np.array(obj.numpy(force=True), copy=True)
        if obj.dtype is ft.bfloat16:
            return torch.from_numpy(arr.astype(np.float32)).to(torch.bfloat16)
        return torch.from_numpy(arr)
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_torch(o) for o in obj)
    if isinstance(obj, dict):
        return {k: to_torch(v) for k, v in obj.items()}
    if isinstance(obj, ft.dtype):
        return getattr(torch, obj.name)
    if isinstance(obj, ft.device):
        return torch.device(str(obj))
    return obj


def from_torch(obj):
    import torch

    if isinstance(obj, torch.Tensor):
        t = obj.detach()
        if t.dtype == torch.bfloat16:
            import ml_dtypes

            return t.float().numpy().astype(ml_dtypes.bfloat16)
        return t.numpy()
    if isinstance(obj, (list, tuple)):
        return type(obj)(from_torch(o) for o in obj)
    return obj


def tolerance(dtype, spec=None):
    default = {ft.float16: (1e-3, 1e-2), ft.bfloat16: (1e-2, 2e-2), ft.float32: (1e-5, 1.3e-5),
               ft.float64: (1e-7, 1e-7)}.get(dtype, (0, 0))
    atol = spec.atol if spec is not None and spec.atol is not None and dtype.is_floating_point else default[0]
    rtol = spec.rtol if spec is not None and spec.rtol is not None and dtype.is_floating_point else default[1]
    return atol, rtol


def assert_close(actual, expected, dtype=None, atol=None, rtol=None, check_dtype=False, what=""):
    """Compare an fx result (tensor, number, or nested tuple) with a NumPy/torch result."""
    if isinstance(actual, (tuple, list)) and not isinstance(actual, ft.Size):
        assert isinstance(expected, (tuple, list)), f"{what}: expected a single value, got a sequence"
        assert len(actual) == len(expected), f"{what}: {len(actual)} outputs vs {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, dtype, atol, rtol, check_dtype, f"{what}[{i}]")
        return
    if isinstance(actual, ft.Tensor):
        got = actual.numpy(force=True)
        exp = np.asarray(expected)
        assert got.shape == exp.shape, f"{what}: shape {got.shape} != expected {exp.shape}"
        if check_dtype:
            assert got.dtype == exp.dtype, f"{what}: dtype {got.dtype} != expected {exp.dtype}"
        if got.dtype.kind in "biu" and exp.dtype.kind in "biu":
            # A wider NumPy reference wraps to the same values modulo 2**bits.
            np.testing.assert_array_equal(got, exp.astype(got.dtype), err_msg=what)
            return
        g = got.astype(np.float64)
        e = exp.astype(np.float64)
        dt = actual.dtype if dtype is None else dtype
        a, r = tolerance(dt) if atol is None else (atol, rtol)
        np.testing.assert_allclose(g, e, atol=a, rtol=r, equal_nan=True, err_msg=what)
        return
    if isinstance(actual, float) or isinstance(expected, float):
        assert np.isclose(actual, expected, equal_nan=True), f"{what}: {actual} != {expected}"
        return
    assert actual == expected, f"{what}: {actual!r} != {expected!r}"
