"""The C kernels (c_src/cpu) through their NumPy-level bindings: accuracy in ulps against float64
references, IEEE special values, sizes around the SIMD widths and the threading threshold,
layouts, reductions, softmax and its backward passes, and the NumPy fallback."""

from __future__ import annotations

import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from fx.tensor._backend.cpu import _c

pytestmark = pytest.mark.skipif(not _c.AVAILABLE, reason="the C library is not built")

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
INF, NAN = math.inf, math.nan
# Around the vector widths (8, 16, 32 lanes), the 256/1024 blocks and the 32K threading threshold.
SIZES = (1, 7, 8, 9, 15, 17, 33, 255, 257, 1025, 40_001)
_erf = np.vectorize(math.erf, otypes=[np.float64])
_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _sigmoid64(x):
    with np.errstate(over="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _gelu_tanh64(x):
    # 0.5 x (1 + tanh u) written as x sigmoid(2u): the same function without cancellation
    u = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
    with np.errstate(over="ignore"):
        return x / (1 + np.exp(-2 * u))


REF = {
    "exp": np.exp, "log": np.log, "tanh": np.tanh, "sigmoid": _sigmoid64, "silu": lambda x: x * _sigmoid64(x),
    "gelu": lambda x: 0.5 * x * _erfc(-x / math.sqrt(2)), "gelu_tanh": _gelu_tanh64, "erf": _erf, "erfc": _erfc,
    "relu": lambda x: np.maximum(x, 0),
}
# Worst case in float32 ulps over the ranges below (a check over every 13th float32 found exp 1.0,
# log 0.94, tanh 1.5, sigmoid 2.4, erf 1.3, erfc 3.0, gelu 3.8, gelu_tanh 2.0).
ULPS = {"exp": 2, "log": 2, "tanh": 2, "sigmoid": 3, "silu": 4, "gelu": 4, "gelu_tanh": 4, "erf": 2, "erfc": 3,
        "relu": 0}
RANGE = {"exp": (-103, 88.7), "log": (1e-30, 1e30), "tanh": (-12, 12), "sigmoid": (-90, 90), "silu": (-87, 90),
         "gelu": (-5, 10), "gelu_tanh": (-4, 10), "erf": (-5, 5), "erfc": (-5, 10), "relu": (-5, 5)}


def _points(name, n=200_000, seed=0):
    lo, hi = RANGE[name]
    rng = np.random.default_rng(seed)
    if name == "log":
        x = np.exp(rng.uniform(math.log(lo), math.log(hi), n))
    else:
        x = np.concatenate([rng.uniform(lo, hi, n // 2), rng.normal(0, 2, n // 2).clip(lo, hi)])
    return x.astype(np.float32)


def _ulp_error(got, ref):
    """|got - ref| in units of the float32 spacing at ref (subnormal spacing near 0)."""
    ref32 = np.abs(ref).astype(np.float32)
    ulp = np.spacing(ref32).astype(np.float64)
    return np.abs(got.astype(np.float64) - ref) / ulp


@pytest.mark.parametrize("name", _c.UNARY)
def test_unary_f32_accuracy(name):
    x = _points(name)
    got = _c.unary_f(name, x)
    ref = REF[name](x.astype(np.float64))
    err = _ulp_error(got, ref)
    assert err.max() <= ULPS[name], f"{name}: {err.max():.2f} ulp at x={x[err.argmax()]!r}"


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh"])
def test_gelu_negative_tail(name):
    # Both are x * P(x) with P tiny here; the fused forms keep ~1e-6 relative accuracy where
    # 0.5 x (1 + erf(...)) cancels to nothing.
    x = np.linspace(-15, -5, 10_001).astype(np.float32)
    got = _c.unary_f(name, x).astype(np.float64)
    ref = REF[name](x.astype(np.float64))
    ok = np.abs(ref) > 1e-37
    np.testing.assert_allclose(got[ok], ref[ok], rtol=2e-5)
    assert np.all(got[~ok] == np.float32(ref[~ok]).astype(np.float64)) or np.all(np.abs(got[~ok]) < 2e-37)


@pytest.mark.parametrize("name", _c.UNARY)
@pytest.mark.parametrize("n", SIZES)
def test_unary_sizes(name, n):
    # Every element is computed: tails after the SIMD body and the per-thread chunk edges.
    lo, hi = RANGE[name]
    x = np.linspace(max(lo, -20), min(hi, 20), n, dtype=np.float32)
    got = _c.unary_f(name, x)
    ref = REF[name](x.astype(np.float64))
    assert got.shape == x.shape and got.dtype == F32
    assert _ulp_error(got, ref).max() <= max(ULPS[name], 1)


# (x, expected) for both dtypes, as lists (0.0 and -0.0 are one dict key). -inf in silu and gelu
# gives NaN, as in PyTorch (-inf * 0).
SPECIAL = {
    "exp": [(INF, INF), (-INF, 0.0), (0.0, 1.0)],
    "log": [(INF, INF), (0.0, -INF), (-0.0, -INF), (-1.0, NAN), (1.0, 0.0)],
    "tanh": [(INF, 1.0), (-INF, -1.0), (50.0, 1.0), (-50.0, -1.0), (-0.0, -0.0), (1e-30, 1e-30)],
    "sigmoid": [(INF, 1.0), (-INF, 0.0), (800.0, 1.0), (0.0, 0.5)],
    "silu": [(INF, INF), (-INF, NAN), (0.0, 0.0), (-0.0, -0.0)],
    "gelu": [(INF, INF), (-INF, NAN), (0.0, 0.0), (-0.0, -0.0)],
    "gelu_tanh": [(INF, INF), (-INF, NAN), (0.0, 0.0), (1e30, 1e30)],
    "erf": [(INF, 1.0), (-INF, -1.0), (0.0, 0.0), (-0.0, -0.0), (30.0, 1.0)],
    "erfc": [(INF, 0.0), (-INF, 2.0), (0.0, 1.0), (30.0, 0.0), (-30.0, 2.0)],
    "relu": [(INF, INF), (-INF, 0.0), (-0.0, -0.0), (-1.0, 0.0)],
}
# float32 overflow, underflow and subnormal edges.
SPECIAL32 = {
    "exp": [(89.0, INF), (-104.0, 0.0), (88.72, math.exp(88.72)), (-100.0, math.exp(-100.0))],
    "log": [(1e-45, math.log(1.401298464324817e-45)), (3.4e38, math.log(3.4e38))],
    "sigmoid": [(100.0, 1.0), (-100.0, math.exp(-100.0))],
    "silu": [(-200.0, -0.0)],
    "gelu": [(-30.0, -0.0)],
    "gelu_tanh": [(-30.0, -0.0)],
    "erfc": [(11.0, 0.0)],
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", _c.UNARY)
def test_unary_special_values(name, dtype):
    cases = SPECIAL[name] + (SPECIAL32.get(name, []) if dtype == F32 else []) + [(NAN, NAN)]
    x = np.array([c[0] for c in cases], dtype=dtype)
    # Specials inside a SIMD body and in a tail: the vector and scalar paths both see them.
    xs = np.concatenate([np.full(16, 0.5, dtype), x, np.full(16, 0.5, dtype), x])
    got = _c.unary_f(name, xs)
    want = np.array([c[1] for c in cases], dtype=dtype)
    for part in (got[16:16 + len(x)], got[-len(x):]):
        np.testing.assert_allclose(part, want, rtol=2e-6 if dtype == F32 else 1e-14, equal_nan=True,
                                   err_msg=f"{name} at {x}")
        assert np.array_equal(np.signbit(part[want == 0]), np.signbit(want[want == 0])), f"{name}: sign of zero"


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "erf", "erfc"])
def test_unary_f64_is_libm(name):
    x = _points(name, 20_000, seed=3).astype(np.float64) * (1 + 1e-9)
    got = _c.unary_f(name, x)
    ref = np.array([getattr(math, name)(v) for v in x])
    np.testing.assert_array_equal(got, ref)  # the same libm, called per element


@pytest.mark.parametrize("name", ["sigmoid", "silu", "gelu", "gelu_tanh"])
def test_unary_f64_formulas(name):
    x = np.linspace(-30, 30, 30_001)
    got = _c.unary_f(name, x)
    ref = REF[name](x)
    ok = np.abs(ref) > 1e-300
    # gelu's reference rounds x / sqrt2 differently: erfc amplifies that by 2 z^2 in the tail
    np.testing.assert_allclose(got[ok], ref[ok], rtol=4e-15 if name in ("sigmoid", "silu") else 1e-12)


def test_unary_layouts():
    x = np.random.default_rng(0).normal(size=(6, 5)).astype(np.float32)
    np.testing.assert_allclose(_c.unary_f("exp", x.T), np.exp(x.T), rtol=2e-7)
    assert _c.unary_f("exp", x.T).flags.f_contiguous  # the transpose's layout is kept
    assert _c.unary_f("exp", x[:, ::2]) is None  # strided: the caller falls back to NumPy
    np.testing.assert_allclose(_c.unary_f("exp", x[:, ::2], copy=True), np.exp(x[:, ::2]), rtol=2e-7)
    assert _c.unary_f("exp", x.astype(np.float16)) is None
    assert _c.unary_f("exp", np.arange(3)) is None
    assert _c.unary_f("exp", np.float32(2.0) * np.ones((), np.float32)).shape == ()
    assert _c.unary_f("exp", np.ones((0, 3), np.float32)).shape == (0, 3)
    y = x.copy()
    out = _c.unary_f("relu", y)
    assert out is not y and np.array_equal(y, x)  # inputs are never written


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name,fn", [("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                                     ("div", np.divide)])
def test_binary_exact(name, fn, dtype):
    rng = np.random.default_rng(1)
    for n in (1, 9, 33, 40_001):
        a, b = rng.normal(size=n).astype(dtype), rng.normal(size=n).astype(dtype)
        b[:3] = [0.0, -0.0, NAN][: min(n, 3)]
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(_c.binary_f(name, a, b), fn(a, b))
    assert _c.binary_f(name, a, b[:-1]) is None
    assert _c.binary_f(name, a[::2], b[::2]) is None
    assert _c.binary_f(name, a, b.astype(np.float16)) is None


# ---- softmax ------------------------------------------------------------------------------------
def _softmax64(x, dim, log):
    x = x.astype(np.float64)
    m = np.max(x, axis=dim, keepdims=True)
    with np.errstate(invalid="ignore"):
        s = x - m
        lse = np.log(np.sum(np.exp(s), axis=dim, keepdims=True))
        return s - lse if log else np.exp(s - lse)


SOFTMAX_SHAPES = [((3, 1), 1), ((4, 7), 1), ((2, 8), 1), ((5, 17), 1), ((3, 257), 1), ((2, 4097), 1),
                  ((64, 1024), 1), ((7, 5), 0), ((2, 9, 3), 1), ((3, 5, 64), 1), ((2, 4, 130), 1),
                  ((3, 2, 2, 5), 2), ((40, 900), 0), ((9,), 0)]


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape,dim", SOFTMAX_SHAPES)
def test_softmax(shape, dim, dtype, log):
    x = (np.random.default_rng(len(shape) + shape[-1]).normal(size=shape) * 4).astype(dtype)
    got = _c.softmax(x, dim, log)
    want = _softmax64(x, dim, log)
    rtol, atol = (2e-6, 1e-7) if dtype == F32 else (1e-13, 1e-15)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", [F32, F64])
def test_softmax_special_rows(dtype):
    rows = [[-INF, 0.0, 1.0, -INF] * 5, [NAN] + [0.0] * 19, [INF] + [0.0] * 19, [-INF] * 20,
            [1e4, 1e4 - 1] + [-1e4] * 18, [-1e30] * 20]
    x = np.array(rows, dtype=dtype)
    for log in (False, True):
        got = _c.softmax(x, 1, log)
        want = _softmax64(x, 1, log)
        np.testing.assert_allclose(got, want, rtol=1e-6, equal_nan=True)
    p = _c.softmax(x, 1)
    assert np.all(p[0][np.isneginf(x[0])] == 0)  # masked positions are exactly zero
    assert np.all(np.isnan(p[1])) and np.all(np.isnan(p[2])) and np.all(np.isnan(p[3]))


def test_softmax_rejects():
    x = np.ones((3, 4), np.float32)
    assert _c.softmax(x[:, ::2], 1) is None
    assert _c.softmax(x.astype(np.float16), 1) is None
    assert _c.softmax(np.ones((0, 4), np.float32), 1).shape == (0, 4)


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape,dim", [((4, 7), 1), ((3, 1025), 1), ((7, 5), 0), ((2, 9, 70), 1), ((50, 800), 1)])
def test_softmax_backward_formula(shape, dim, dtype, log):
    rng = np.random.default_rng(7)
    x = rng.normal(size=shape).astype(dtype)
    gy = rng.normal(size=shape).astype(dtype)
    y = _c.softmax(x, dim, log)
    got = _c.softmax_backward(gy, y, dim, log)
    g, yy = gy.astype(np.float64), y.astype(np.float64)
    if log:
        want = g - np.exp(yy) * g.sum(dim, keepdims=True)
    else:
        want = yy * (g - (g * yy).sum(dim, keepdims=True))
    np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == F32 else 1e-12, atol=1e-6 if dtype == F32 else 1e-14)


@pytest.mark.parametrize("log", [False, True])
def test_softmax_backward_finite_differences(log):
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(3, 6)), rng.normal(size=(3, 6))
    grad = _c.softmax_backward(w, _c.softmax(x, 1, log), 1, log)
    eps = 1e-6
    fd = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        fd[i] = (np.sum(w * _c.softmax(x + d, 1, log)) - np.sum(w * _c.softmax(x - d, 1, log))) / (2 * eps)
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-8)


# ---- reductions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("cols", [1, 3, 8, 31, 32, 33, 255, 256, 257, 1000, 5000])
def test_sum_lastdim(cols, dtype):
    rows = max(1, 40_000 // cols)
    x = np.random.default_rng(cols).normal(size=(rows, cols)).astype(dtype)
    got = _c.sum_lastdim(x)
    assert got.dtype == dtype and got.shape == (rows,)
    x64 = x.astype(np.float64)
    exact = np.array([math.fsum(r) for r in x64])
    # As accurate as NumPy's pairwise sum: errors relative to the size of the partial sums.
    scale = np.sqrt((x64 * x64).sum(-1)) * np.finfo(dtype).eps
    err = np.abs(got.astype(np.float64) - exact) / scale
    np_err = np.abs(x.sum(-1).astype(np.float64) - exact) / scale
    assert err.mean() <= 1.25 * np_err.mean() + 0.05 and err.max() <= 2 * np_err.max() + 0.5


def test_sum_all_accuracy_and_determinism():
    x = (np.random.default_rng(5).normal(size=3_000_017) + 0.25).astype(np.float32)
    exact = math.fsum(x.astype(np.float64))
    assert abs(_c.sum_all(x) - exact) <= 1e-9 * abs(exact)  # double accumulation: no float rounding
    threads = _c.num_threads()
    try:
        _c.set_num_threads(1)
        one = _c.sum_all(x)
    finally:
        _c.set_num_threads(threads)
    assert _c.sum_all(x) == one  # fixed partials, combined in order
    assert _c.sum_all(np.zeros(0, np.float32)) == 0.0
    assert _c.sum_all(x.astype(np.float64)) == pytest.approx(exact, rel=1e-15)


def _nan_positions(cols):
    # first lane, a later lane of the first vectors, the SIMD body, and the scalar tail
    return sorted({0, min(9, cols - 1), min(40, cols - 1), cols - 1})


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("cols", [1, 5, 16, 17, 64, 100, 1001])
def test_extrema_lastdim(cols, dtype):
    rng = np.random.default_rng(cols)
    x = rng.integers(-50, 50, size=(40, cols)).astype(dtype)  # many ties: first index must win
    for r, j in enumerate(_nan_positions(cols)):
        x[r, j] = NAN
    x[10, :] = -INF
    x[11, cols // 2] = INF
    np.testing.assert_array_equal(_c.amax_lastdim(x), x.max(-1))
    np.testing.assert_array_equal(_c.amin_lastdim(x), x.min(-1))
    for fn, vals, idx in ((_c.max_lastdim, np.max, np.argmax), (_c.min_lastdim, np.min, np.argmin)):
        v, i = fn(x)
        np.testing.assert_array_equal(v, vals(x, -1))
        np.testing.assert_array_equal(i, idx(x, -1))  # NumPy: first occurrence, NaN first
        assert i.dtype == np.int64


def test_extrema_inf_without_nan():
    # An inf sets the NaN tracker off (inf * 0); the rescan must not invent a NaN.
    x = np.zeros((2, 100), np.float32)
    x[0, 50], x[1, 3] = INF, -INF
    np.testing.assert_array_equal(_c.amax_lastdim(x), [INF, 0])
    np.testing.assert_array_equal(_c.amin_lastdim(x), [0, -INF])


def test_reduce_rejects():
    x = np.ones((3, 4), np.float32)
    assert _c.sum_lastdim(x[:, ::2]) is None
    assert _c.amax_lastdim(np.ones((3, 0), np.float32)) is None
    assert _c.max_lastdim(np.ones((3, 0), np.float32)) is None
    np.testing.assert_array_equal(_c.sum_lastdim(np.ones((3, 0), np.float32)), np.zeros(3, np.float32))
    assert _c.sum_lastdim(np.ones((3, 4), np.int64)) is None
    assert _c.sum_lastdim(np.ones((0, 4), np.float32)).shape == (0,)


def test_thread_count_does_not_change_results():
    x = np.random.default_rng(9).normal(size=(300, 333)).astype(np.float32)
    threads = _c.num_threads()
    results = []
    for n in (1, threads):
        _c.set_num_threads(n)
        try:
            results.append((_c.softmax(x, 1), _c.sum_lastdim(x), _c.unary_f("gelu", x), _c.max_lastdim(x)[1]))
        finally:
            _c.set_num_threads(threads)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


# ---- build and fallback ------------------------------------------------------------------------
def test_newer_source_detects_an_edited_file(tmp_path):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "fx_kernels.h").write_text("")
    (tmp_path / "cpu" / "a.c").write_text("")
    built = max(p.stat().st_mtime for p in tmp_path.rglob("*.[ch]")) + 1
    assert _c.newer_source(tmp_path, built) is None
    os.utime(tmp_path / "cpu" / "a.c", (built + 5, built + 5))
    assert _c.newer_source(tmp_path, built).endswith("a.c")


def test_numpy_fallback_without_the_library():
    src = pathlib.Path(_c.__file__).resolve().parents[4]
    code = (
        "import sys, warnings\n"
        "sys.modules['fx.tensor._C'] = None\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    import fx.tensor as ft\n"
        "msgs = [str(x.message) for x in w if 'C kernels' in str(x.message)]\n"
        "assert len(msgs) == 1, msgs\n"
        "x = ft.tensor([[0.5, -1.0, 2.0]])\n"
        "print(ft.exp(x).sum().item(), ft.softmax(x, 1).sum().item(), ft.erf(x).tolist())\n"
    )
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    total, one, erf = out.stdout.split(" ", 2)
    assert float(total) == pytest.approx(math.exp(0.5) + math.exp(-1) + math.exp(2), rel=1e-6)
    assert float(one) == pytest.approx(1.0, rel=1e-6)
    assert "0.5204" in erf
