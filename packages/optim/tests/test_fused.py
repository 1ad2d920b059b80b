"""The fused C kernels of Adam/AdamW/SGD against the pure update functions: bitwise equal."""

from __future__ import annotations

import numpy as np
import pytest

import fx.tensor as ft
from fx import optim
from fx.optim import _fused

pytestmark = pytest.mark.skipif(not _fused.AVAILABLE, reason="fx.tensor's C library has no fused optimizer kernels")

# Shapes include an empty tensor, a scalar-like one and one big enough to be split across threads.
SHAPES = [(64, 256), (256,), (300, 300), (0,), (1,), (7, 3)]

CASES = [
    ("Adam", dict(lr=1e-2)),
    ("Adam", dict(lr=1e-2, amsgrad=True)),
    ("Adam", dict(lr=1e-2, weight_decay=0.1, betas=(0.8, 0.99), eps=1e-6)),
    ("Adam", dict(lr=1e-2, maximize=True, amsgrad=True, weight_decay=0.05)),
    ("AdamW", dict(lr=1e-2)),
    ("AdamW", dict(lr=1e-2, weight_decay=0.3, amsgrad=True, maximize=True)),
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.5, dampening=0.2, maximize=True)),
    ("SGD", dict(lr=0.05, weight_decay=0.1, maximize=True)),
]


def _params(dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [ft.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in SHAPES]


def _run(name, kwargs, dtype, fused, steps, skip_first=()):
    """`steps` steps with the same pseudo-random gradients; params in `skip_first` get none at step 0."""
    params = _params(dtype)
    opt = getattr(optim, name)(params, **kwargs)
    rng = np.random.default_rng(1)
    saved = _fused.enabled
    _fused.enabled = fused
    try:
        for step in range(steps):
            for i, p in enumerate(params):
                g = rng.standard_normal(p.shape).astype(dtype)
                # occasional huge and tiny gradients exercise the rounding of every operation
                g[..., :1] *= 1e3 if step % 7 == 0 else 1.0
                p.grad = None if (step == 0 and i in skip_first) else ft.tensor(g)
            opt.step()
    finally:
        _fused.enabled = saved
    return params, opt


def _assert_bitwise(a_params, a_opt, b_params, b_opt):
    for p, q in zip(a_params, b_params):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    sa, sb = a_opt.state_dict()["state"], b_opt.state_dict()["state"]
    assert sa.keys() == sb.keys()
    for i in sa:
        assert sa[i].keys() == sb[i].keys()
        for k, v in sa[i].items():
            if isinstance(v, ft.Tensor):
                np.testing.assert_array_equal(v.numpy(), sb[i][k].numpy(), err_msg=f"state {i} {k}")
            else:
                assert v == sb[i][k]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for n, kw in CASES])
def test_fused_equals_pure(case, dtype, monkeypatch):
    name, kwargs = case
    kernel = "adam" if name.startswith("Adam") else "sgd"
    calls = []
    real = getattr(_fused, kernel)
    monkeypatch.setattr(_fused, kernel, lambda batch, **kw: (calls.append(len(batch)), real(batch, **kw)))
    fused = _run(name, kwargs, dtype, True, steps=60, skip_first=(1,))
    # one call per group (Adam: per distinct step count; parameter 1 missed the first step)
    assert calls and max(calls) >= len(SHAPES) - 1 and len(calls) <= 2 * 60
    calls.clear()
    pure = _run(name, kwargs, dtype, False, steps=60, skip_first=(1,))
    assert not calls
    _assert_bitwise(*fused, *pure)


def test_fused_falls_back_for_unsupported_tensors():
    """Non-contiguous and float16 parameters take the pure path; the rest of the group stays fused."""
    base = ft.randn(5, 4)
    strided = base.t().detach().requires_grad_()  # a non-contiguous leaf
    half = ft.randn(6, dtype=ft.float16, requires_grad=True)
    plain = ft.randn(8, requires_grad=True)
    ref = [t.detach().clone().contiguous().requires_grad_() for t in (strided, half, plain)]
    opt = optim.Adam([strided, half, plain], lr=0.1)
    _fused.enabled, saved = False, _fused.enabled
    try:
        ref_opt = optim.Adam(ref, lr=0.1)
        for p in ref:
            p.grad = ft.ones_like(p)
        ref_opt.step()
    finally:
        _fused.enabled = saved
    for p in (strided, half, plain):
        p.grad = ft.ones_like(p)
    opt.step()
    for p, q in zip((strided, half, plain), ref):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_fused_step_bumps_the_version_counter():
    p = ft.randn(4, requires_grad=True)
    p.grad = ft.ones(4)
    before = p._version
    optim.SGD([p], lr=0.1).step()
    assert p._version > before


def test_fused_threads_give_the_same_result_as_one_thread():
    """Chunking over threads must not change results: a group split into many small tensors
    gives the same values as the same numbers in one big tensor."""
    rng = np.random.default_rng(3)
    data = rng.standard_normal(200_000).astype(np.float32)
    grad = rng.standard_normal(200_000).astype(np.float32)
    big = ft.tensor(data.copy(), requires_grad=True)
    parts = [ft.tensor(c.copy(), requires_grad=True) for c in np.array_split(data, 37)]
    o1, o2 = optim.AdamW([big], lr=1e-3), optim.AdamW(parts, lr=1e-3)
    for _ in range(3):
        big.grad = ft.tensor(grad)
        for p, g in zip(parts, np.array_split(grad, 37)):
            p.grad = ft.tensor(g.copy())
        o1.step()
        o2.step()
    np.testing.assert_array_equal(big.detach().numpy(), np.concatenate([p.detach().numpy() for p in parts]))
