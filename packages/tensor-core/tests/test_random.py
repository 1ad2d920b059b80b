"""Random numbers: Philox known answers, C vs NumPy streams, reproducibility, statistics, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import fx.tensor as ft
from fx.tensor._backend.cpu import random as rk
from opspec import SPECS, to_torch

import specs.random  # noqa: F401  (registers the random specs used below)

# Random123's known-answer tests for philox4x32-10: (counter, key, expected output).
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]
needs_c = pytest.mark.skipif(rk._C is None, reason="the C library is not built")


@pytest.fixture
def no_c(monkeypatch):
    """Run the NumPy implementation instead of the C library."""
    monkeypatch.setattr(rk, "_C", None)


# ---- Philox ----------------------------------------------------------------------------------
@pytest.mark.parametrize("ctr,key,expected", KAT)
def test_kat_numpy(ctr, key, expected):
    words = rk.philox_np(*(np.array([c], np.uint64) for c in ctr), *key)
    assert [int(w[0]) for w in words] == list(expected)


@needs_c
@pytest.mark.parametrize("ctr,key,expected", KAT)
def test_kat_c(ctr, key, expected):
    assert rk.philox_block(ctr, key) == list(expected)


def test_stream_is_blocks_in_order():
    seed, subseq = 0x299F31D0A4093822, 0x0370734413198A2E
    words = rk.philox_words(seed, subseq, 0x85A308D3243F6A88, 8)
    assert words[:4].tolist() == [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]
    # the counter is offset + block index, carried into the high word
    assert rk.philox_words(seed, subseq, 0x85A308D3243F6A89, 4).tolist() == words[4:].tolist()


@needs_c
@pytest.mark.parametrize("seed,subseq,offset,n", [(0, 0, 0, 1), (1, 0, 0, 37), (2**64 - 1, 5, 2**64 - 3, 101),
                                                  (12345, 0, 2**32 - 2, 1000), (7, 2**40, 99, 70001)])
def test_c_and_numpy_streams_identical(seed, subseq, offset, n):
    c = rk.philox_words(seed, subseq, offset, n)
    ref = rk.philox_words_np(seed, subseq, offset, n)
    assert c.dtype == np.uint32 and np.array_equal(c, ref)


@needs_c
@pytest.mark.parametrize("n", [1, 5, 1000, 100_003])
def test_c_and_numpy_samplers_agree(n, monkeypatch):
    args = (99, 12)
    got = {
        "u32": rk.uniform(n, np.float32, *args, -1.0, 3.0), "u64": rk.uniform(n, np.float64, *args, 2.0, 5.0),
        "u16": rk.uniform(n, np.float16, *args), "i32": rk.randint(n, *args, -7, 1000),
        "i64": rk.randint(n, *args, -(2**40), 2**50), "ifull": rk.randint(n, *args, -(2**63), 0),
        "n32": rk.normal(n, np.float32, *args, 1.0, 2.0), "n64": rk.normal(n, np.float64, *args, 1.0, 2.0),
    }
    monkeypatch.setattr(rk, "_C", None)
    ref = {
        "u32": rk.uniform(n, np.float32, *args, -1.0, 3.0), "u64": rk.uniform(n, np.float64, *args, 2.0, 5.0),
        "u16": rk.uniform(n, np.float16, *args), "i32": rk.randint(n, *args, -7, 1000),
        "i64": rk.randint(n, *args, -(2**40), 2**50), "ifull": rk.randint(n, *args, -(2**63), 0),
        "n32": rk.normal(n, np.float32, *args, 1.0, 2.0), "n64": rk.normal(n, np.float64, *args, 1.0, 2.0),
    }
    for k in ("u32", "u64", "u16", "i32", "i64", "ifull"):
        assert got[k].dtype == ref[k].dtype and np.array_equal(got[k], ref[k]), k
    # Box-Muller goes through libm (C) vs NumPy's log/sin/cos: equal to a few ulps.
    np.testing.assert_allclose(got["n64"], ref["n64"], rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(got["n32"], ref["n32"], rtol=2e-6, atol=2e-6)


@needs_c
def test_thread_count_does_not_change_values():
    lib = rk._C.lib
    before = lib.fx_num_threads()
    n = 300_001  # far above the size where the kernels go parallel
    try:
        lib.fx_set_num_threads(1)
        one = [rk.uniform(n, np.float32, 5, 7), rk.normal(n, np.float64, 5, 7), rk.randint(n, 5, 7, 0, 10**12),
               rk.philox_words(5, 0, 7, n)]
        lib.fx_set_num_threads(max(2, before))
        many = [rk.uniform(n, np.float32, 5, 7), rk.normal(n, np.float64, 5, 7), rk.randint(n, 5, 7, 0, 10**12),
                rk.philox_words(5, 0, 7, n)]
    finally:
        lib.fx_set_num_threads(before)
    for a, b in zip(one, many):
        assert np.array_equal(a, b)
    assert np.array_equal(many[3], rk.philox_words_np(5, 0, 7, n))


def _tensor_draws():
    g = ft.Generator().manual_seed(3)
    return [ft.rand(9, generator=g), ft.randint(-4, 4, (9,), generator=g), ft.randperm(20, generator=g),
            ft.bernoulli(ft.full((9,), 0.5), generator=g), ft.multinomial(ft.ones(6), 4, generator=g),
            ft.empty(5, dtype=ft.float64).uniform_(generator=g), ft.poisson(ft.tensor([2.0, 30.0]), generator=g)]


def test_fallback_runs(no_c):
    assert ft.rand(3).shape == (3,) and ft.randn(3, dtype=ft.float64).shape == (3,)
    assert ft.randint(3, (2,)).dtype is ft.int64


@needs_c
def test_fallback_matches_c(monkeypatch):
    with_c = _tensor_draws()
    monkeypatch.setattr(rk, "_C", None)
    for a, b in zip(with_c, _tensor_draws()):
        assert np.array_equal(a.numpy(), b.numpy())


# ---- generator state and reproducibility -----------------------------------------------------
def _draws(generator=None):
    return [ft.rand(5, generator=generator), ft.randn(3, 2, generator=generator, dtype=ft.float64),
            ft.randint(0, 1000, (4,), generator=generator), ft.randperm(8, generator=generator),
            ft.empty(7).uniform_(-1, 1, generator=generator), ft.empty(3).normal_(generator=generator),
            ft.poisson(ft.tensor([1.0, 50.0]), generator=generator)]


def _same(a, b):
    return all(np.array_equal(x.numpy(), y.numpy()) for x, y in zip(a, b))


def test_manual_seed_reproduces_a_sequence():
    ft.manual_seed(1234)
    first = _draws()
    ft.manual_seed(1234)
    assert _same(first, _draws())
    assert ft.initial_seed() == 1234
    ft.manual_seed(1235)
    assert not np.array_equal(first[0].numpy(), ft.rand(5).numpy())


def test_known_values_are_stable_across_runs():
    g = ft.Generator().manual_seed(0)
    w = rk.philox_words(0, 0, 0, 4)
    u = ft.rand(4, generator=g).numpy()
    np.testing.assert_array_equal(u, (w >> 8).astype(np.float32) * np.float32(2**-24))
    assert g.get_offset() == 1


def test_rng_state_roundtrip():
    ft.manual_seed(7)
    ft.rand(3)
    state = ft.get_rng_state()
    assert state.dtype is ft.uint8 and state.shape == (16,)
    a = _draws()
    ft.set_rng_state(state)
    assert _same(a, _draws())


def test_generator_state_and_clone():
    g = ft.Generator().manual_seed(99)
    assert g.initial_seed() == 99 and g.get_offset() == 0
    ft.rand(10, generator=g)
    assert g.get_offset() == 3  # 10 float32 draws = 10 words = 3 counters
    state, twin = g.get_state(), g.clone_state()
    a = _draws(g)
    assert _same(a, _draws(twin))
    g.set_state(state)
    assert _same(a, _draws(g))
    assert ft.Generator().initial_seed() == 67280421310721
    assert ft.Generator("cpu").device == ft.device("cpu")


@pytest.mark.parametrize("call,words", [
    (lambda g: ft.rand(5, generator=g), 5), (lambda g: ft.rand(5, dtype=ft.float64, generator=g), 10),
    (lambda g: ft.randn(5, generator=g), 6), (lambda g: ft.randn(3, dtype=ft.float64, generator=g), 8),
    (lambda g: ft.randint(10, (9,), generator=g), 9), (lambda g: ft.randint(2**33, (3,), generator=g), 6),
    (lambda g: ft.randperm(5, generator=g), 10), (lambda g: ft.multinomial(ft.ones(2, 3), 4, True, generator=g), 16),
    (lambda g: ft.poisson(ft.ones(3), generator=g), 12)])
def test_offset_advances_by_counters_used(call, words):
    g = ft.Generator().manual_seed(5)
    g.set_offset(2**64 - 1)  # the counter wraps like the C one
    call(g)
    assert g.get_offset() == (2**64 - 1 + (words + 3) // 4) % 2**64


def test_generators_are_independent():
    ft.manual_seed(11)
    expected = ft.rand(6).numpy()
    g1, g2 = ft.Generator().manual_seed(11), ft.Generator().manual_seed(11)
    ft.manual_seed(11)
    ft.rand(100, generator=g1)
    assert np.array_equal(ft.rand(6).numpy(), expected)
    assert np.array_equal(ft.rand(6, generator=g2).numpy(), expected)
    assert not np.array_equal(ft.rand(6, generator=g1).numpy(), expected)


def test_seed_and_negative_seeds():
    s = ft.seed()
    assert 0 <= s < 2**64 and ft.initial_seed() == s
    assert ft.Generator().manual_seed(-1).initial_seed() == 2**64 - 1
    assert ft.manual_seed(2**64 - 1) is ft.default_generator


def test_values_depend_on_element_index_only():
    g = ft.Generator().manual_seed(4)
    dense = ft.empty(6, 4).normal_(generator=g).numpy()
    arr = np.zeros((6, 8), np.float32)
    ft.from_numpy(arr[:, ::2]).normal_(generator=g.manual_seed(4))
    np.testing.assert_array_equal(arr[:, ::2], dense)
    assert not arr[:, 1::2].any()
    head = ft.rand(1000, generator=g.manual_seed(4)).numpy()
    np.testing.assert_array_equal(ft.rand(10, generator=g.manual_seed(4)).numpy(), head[:10])


def test_default_dtype_and_dtypes():
    old = ft.get_default_dtype()
    try:
        ft.set_default_dtype(ft.float64)
        assert ft.rand(2).dtype is ft.float64 and ft.randn(2).dtype is ft.float64
        assert ft.normal(0.0, 1.0, (2,)).dtype is ft.float64
    finally:
        ft.set_default_dtype(old)
    assert ft.randint(3, (2,)).dtype is ft.int64 and ft.randperm(3).dtype is ft.int64
    for dt in (ft.float16, ft.bfloat16, ft.float32, ft.float64):
        u = ft.rand(20000, dtype=dt).numpy().astype(np.float64)
        assert u.min() >= 0.0 and u.max() < 1.0
    x = ft.rand(2, 3, requires_grad=True)
    assert x.requires_grad and x.is_leaf and x._version == 0


def test_inplace_bumps_version_and_returns_self():
    x = ft.zeros(4)
    for fill in (lambda t: t.uniform_(), lambda t: t.normal_(), lambda t: t.bernoulli_(0.5), lambda t: t.random_(3),
                 lambda t: t.exponential_(), lambda t: t.geometric_(0.5), lambda t: t.log_normal_(),
                 lambda t: t.cauchy_(), lambda t: t.bernoulli_(ft.full((4,), 0.5))):
        v = x._version
        assert fill(x) is x and x._version == v + 1


# ---- statistics ------------------------------------------------------------------------------
N = 200_000


def _chi2_ok(counts, expected):
    """Pearson's chi-square below the 99.9% quantile (Wilson-Hilferty approximation)."""
    k = len(counts) - 1
    stat = float(((counts - expected) ** 2 / expected).sum())
    return stat < k * (1 - 2 / (9 * k) + 3.09 * math.sqrt(2 / (9 * k))) ** 3


@pytest.mark.parametrize("dtype", [ft.float32, ft.float64, ft.bfloat16])
def test_uniform_and_normal_moments(dtype):
    g = ft.Generator().manual_seed(21)
    u = ft.empty(N, dtype=dtype).uniform_(-2, 4, generator=g).numpy().astype(np.float64)
    assert abs(u.mean() - 1.0) < 0.03 and abs(u.var() - 3.0) < 0.05 and u.min() >= -2 and u.max() <= 4
    z = ft.randn(N, generator=g, dtype=dtype).numpy().astype(np.float64)
    assert abs(z.mean()) < 0.015 and abs(z.var() - 1) < 0.02
    assert abs((np.abs(z) < 1).mean() - 0.6827) < 0.01 and np.isfinite(z).all()
    m = ft.empty(N, dtype=dtype).normal_(3, 0.5, generator=g).numpy().astype(np.float64)
    assert abs(m.mean() - 3) < 0.01 and abs(m.std() - 0.5) < 0.01


def test_normal_overloads_statistics():
    g = ft.Generator().manual_seed(8)
    mean = np.repeat(np.array([-5.0, 0.0, 5.0])[:, None, None], 4000, axis=2)  # (3, 1, 4000)
    std = np.array([0.1, 1.0, 2.0, 3.0]).reshape(1, 4, 1)
    x = ft.normal(ft.tensor(mean, dtype=ft.float32), ft.tensor(std, dtype=ft.float32), generator=g).numpy()
    assert x.shape == (3, 4, 4000) and x.dtype == np.float32
    np.testing.assert_allclose(x.mean(-1), np.broadcast_to(mean[:, :, 0], (3, 4)), atol=0.2)
    np.testing.assert_allclose(x.std(-1), np.broadcast_to(std[:, :, 0], (3, 4)), rtol=0.06)
    y = ft.normal(2.0, ft.full((N,), 0.5, dtype=ft.float64), generator=g).numpy()
    assert y.dtype == np.float64 and abs(y.mean() - 2) < 0.01 and abs(y.std() - 0.5) < 0.01
    assert ft.normal(ft.zeros(2, 3), 0.0).numpy().tolist() == [[0.0] * 3] * 2


def test_randint_and_random_frequencies():
    g = ft.Generator().manual_seed(2)
    x = ft.randint(-3, 7, (N,), generator=g).numpy()
    assert x.min() == -3 and x.max() == 6
    assert _chi2_ok(np.bincount(x + 3, minlength=10), N / 10)
    big = ft.randint(-(2**62), 2**62, (N,), generator=g).numpy()
    assert big.min() < -(2**61) and big.max() > 2**61
    full = ft.empty(N, dtype=ft.int64).random_(-(2**63), None, generator=g).numpy()
    assert (full < 0).mean() == pytest.approx(0.5, abs=0.01)
    assert set(np.unique(ft.empty(1000, dtype=ft.bool).random_(generator=g).numpy())) == {False, True}
    u8 = ft.empty(N, dtype=ft.uint8).random_(generator=g).numpy()
    assert _chi2_ok(np.bincount(u8, minlength=256), N / 256)
    f = ft.empty(1000, dtype=ft.float32).random_(generator=g).numpy()
    assert f.min() >= 0 and f.max() <= 2**24 and (f == np.round(f)).all()


def test_bernoulli_frequencies():
    g = ft.Generator().manual_seed(3)
    p = ft.tensor([0.0, 0.1, 0.5, 0.9, 1.0])
    x = ft.bernoulli(ft.tensor(np.repeat(p.numpy()[:, None], N // 10, axis=1)), generator=g).numpy()
    np.testing.assert_allclose(x.mean(1), p.numpy(), atol=0.01)
    assert x[0].sum() == 0 and x[4].all()
    assert abs(ft.bernoulli(ft.empty(N), 0.25, generator=g).numpy().mean() - 0.25) < 0.005
    b = ft.empty(N, dtype=ft.int64).bernoulli_(0.75, generator=g).numpy()
    assert set(np.unique(b)) == {0, 1} and abs(b.mean() - 0.75) < 0.005


def test_multinomial_frequencies():
    g = ft.Generator().manual_seed(4)
    p = np.array([0.1, 0.0, 0.2, 0.3, 0.4])
    x = ft.multinomial(ft.tensor(p * 7), N, True, generator=g).numpy()
    assert x.dtype == np.int64 and (x != 1).all()
    counts = np.bincount(x, minlength=5)
    assert _chi2_ok(np.delete(counts, 1), np.delete(p, 1) * N)
    rows = ft.multinomial(ft.tensor([[1.0, 0, 0], [0, 0, 1]]), 4, True, generator=g).numpy()
    assert rows.tolist() == [[0] * 4, [2] * 4]
    # many rows take a blocked path; it must pick exactly what a per-row CDF search picks
    probs = np.random.default_rng(0).random((3000, 7))
    probs[:, [0, 3, 6]] = 0
    seed, offset = g.initial_seed(), g.get_offset()
    many = ft.multinomial(ft.tensor(probs), 20, True, generator=g).numpy()
    u = rk.uniform(3000 * 20, np.float64, seed, offset).reshape(3000, 20)
    cdf = np.cumsum(probs, 1)
    cdf /= cdf[:, -1:]
    assert np.array_equal(many, [np.searchsorted(c, r, side="right") for c, r in zip(cdf, u)])
    assert not np.isin(many, [0, 3, 6]).any()
    # without replacement: each row is distinct categories; the first pick follows p
    draws = ft.multinomial(ft.tensor(np.tile(p, (20000, 1))), 3, generator=g).numpy()
    assert all(len(set(r)) == 3 for r in draws[:500].tolist()) and (draws != 1).all()
    assert _chi2_ok(np.delete(np.bincount(draws[:, 0], minlength=5), 1), np.delete(p, 1) * 20000)
    assert sorted(ft.multinomial(ft.ones(7), 7, generator=g).tolist()) == list(range(7))
    assert ft.multinomial(ft.tensor([1.0, 0.0, 0.0]), 3, generator=g).tolist() == [0, 1, 2]


def test_randperm_is_a_permutation():
    g = ft.Generator().manual_seed(5)
    for n in (0, 1, 2, 17, 10000):
        p = ft.randperm(n, generator=g).numpy()
        assert np.array_equal(np.sort(p), np.arange(n))
    first = np.array([ft.randperm(4, generator=g).numpy()[0] for _ in range(4000)])
    assert _chi2_ok(np.bincount(first, minlength=4), 1000)
    assert ft.randperm(5, dtype=ft.float32).dtype is ft.float32


def test_continuous_distributions():
    g = ft.Generator().manual_seed(6)
    e = ft.empty(N, dtype=ft.float64).exponential_(2.0, generator=g).numpy()
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.01 and abs(e.var() - 0.25) < 0.02
    geo = ft.empty(N).geometric_(0.25, generator=g).numpy()
    assert geo.min() >= 1 and (geo == np.round(geo)).all() and abs(geo.mean() - 4) < 0.06
    ln = ft.empty(N).log_normal_(1.0, 0.5, generator=g).numpy()
    assert ln.min() > 0 and abs(np.median(np.log(ln)) - 1.0) < 0.01 and abs(np.log(ln).std() - 0.5) < 0.01
    c = ft.empty(N).cauchy_(2.0, 3.0, generator=g).numpy()
    q25, q50, q75 = np.quantile(c, [0.25, 0.5, 0.75])
    assert abs(q50 - 2) < 0.1 and abs(q25 + 1) < 0.15 and abs(q75 - 5) < 0.15


@pytest.mark.parametrize("lam", [0.0, 0.3, 4.0, 9.99, 10.0, 37.5, 1e4])
def test_poisson_moments(lam):
    g = ft.Generator().manual_seed(7)
    x = ft.poisson(ft.full((N // 2,), lam, dtype=ft.float64), generator=g).numpy()
    assert (x == np.round(x)).all() and x.min() >= 0
    tol = 0.02 * max(lam, 1) + 0.01
    assert abs(x.mean() - lam) < tol and abs(x.var() - lam) < 4 * tol
    if 0 < lam < 50:
        k = np.arange(int(lam + 6 * math.sqrt(lam) + 5))
        pmf = np.exp(k * math.log(lam) - lam - np.array([math.lgamma(v + 1) for v in k]))
        counts = np.bincount(x.astype(np.int64), minlength=len(k))[:len(k)]
        keep = pmf * len(x) > 20
        assert _chi2_ok(counts[keep], pmf[keep] * len(x))


def test_poisson_inf_and_dtypes():
    assert ft.poisson(ft.tensor([float("inf"), 0.0])).tolist() == [float("inf"), 0.0]
    assert ft.poisson(ft.ones(3, dtype=ft.float16)).dtype is ft.float16


# ---- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("call,exc,match", [
    (lambda: ft.Generator().manual_seed(1.5), RuntimeError, "expected a long"),
    (lambda: ft.Generator().manual_seed(2**64), ValueError, "64 bits"),
    (lambda: ft.Generator().set_state(ft.zeros(16)), TypeError, "ByteTensor"),
    (lambda: ft.Generator().set_state(ft.zeros(3, dtype=ft.uint8)), RuntimeError, "16 bytes"),
    (lambda: ft.Generator().set_state([1]), TypeError, "ByteTensor"),
    (lambda: ft.Generator().set_offset(-1), RuntimeError, "offset"),
    (lambda: ft.Generator("gpu"), RuntimeError, "device type"),
    (lambda: ft.rand(2, generator=ft.Generator("cuda")), RuntimeError, "'cpu' device type for generator"),
    (lambda: ft.empty(2).uniform_(0, float("inf")), RuntimeError, "to is out of bounds"),
    (lambda: ft.empty(2).uniform_(float("nan"), 1), RuntimeError, "from is out of bounds"),
    (lambda: ft.empty(2, dtype=ft.float16).uniform_(-6e4, 6e4), RuntimeError, "to-from"),
    (lambda: ft.empty(2, dtype=ft.int64).exponential_(), RuntimeError, "continuous"),
    (lambda: ft.empty(2, dtype=ft.int64).random_(2**63), ValueError, "int64"),
    (lambda: ft.empty(2).random_(1, 2, 3), TypeError, "at most 2"),
    (lambda: ft.normal(ft.zeros(2), ft.ones(2), (2,)), TypeError, "size"),
    (lambda: ft.multinomial(ft.ones(2), 1, out=ft.empty(1, dtype=ft.bool)), RuntimeError, "can't be cast"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_failed_calls_leave_the_generator_alone():
    g = ft.Generator().manual_seed(1)
    for bad in (lambda: ft.multinomial(ft.tensor([1.0, -1.0]), 1, generator=g),
                lambda: ft.empty(2).bernoulli_(ft.tensor([2.0, 0.0]), generator=g),
                lambda: ft.randint(5, 3, (2,), generator=g), lambda: ft.poisson(ft.tensor([-1.0]), generator=g)):
        with pytest.raises(RuntimeError):
            bad()
    assert g.get_offset() == 0


# ---- shapes and dtypes against PyTorch --------------------------------------------------------
def _torch_args(obj):
    import torch

    if isinstance(obj, ft.Generator):
        return torch.Generator().manual_seed(obj.initial_seed())
    if isinstance(obj, dict):
        return {("from" if k == "from_" else k): _torch_args(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_torch_args(o) for o in obj)
    return to_torch(obj)


RANDOM_SPECS = [s for s in SPECS if s.name in ft._random.__all__ or s.name[7:] in specs.random.INPLACE
                or s.name in ("Tensor.geometric_", "Tensor.random_", "Tensor.bernoulli_")]


@pytest.mark.parametrize("spec", [s for s in RANDOM_SPECS if s.nondeterministic], ids=lambda s: s.name)
def test_shapes_and_dtypes_match_torch(spec):
    torch = pytest.importorskip("torch")
    for dtype in spec.dtypes:
        for s in spec.samples(dtype):
            out = spec.fn()(*s.args, **s.kwargs)
            targs, tkw = _torch_args(s.args), _torch_args(s.kwargs)
            if spec.name.startswith("Tensor."):
                exp = getattr(targs[0].clone(), spec.name[7:])(*targs[1:], **tkw)
            else:
                exp = getattr(torch, spec.name)(*targs, **tkw)
            what = f"{spec.name}[{dtype.name}, {s.name}]"
            assert tuple(out.shape) == tuple(exp.shape), what
            assert out.dtype.name == str(exp.dtype).replace("torch.", ""), what
            assert out.requires_grad == exp.requires_grad or spec.name == "normal", what
