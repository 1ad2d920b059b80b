"""Rprop and ASGD: 100 steps against PyTorch and against NumPy transcriptions of their update equations,
state_dict round trips, and bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

import fx.tensor as ft
from fx import optim

from optim_problems import Problem, assert_close

CASES = [
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2))),
    ("Rprop", dict(lr=0.02, maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=1e-3, alpha=0.6, t0=20, weight_decay=0.1)),
    ("ASGD", dict(lr=0.05, t0=0, maximize=True)),
]
TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-4, atol=2e-5)}


def _ids(case):
    name, kw = case
    return name + "-" + ("-".join(f"{k}={v}" for k, v in kw.items()) or "defaults")


# ---- NumPy transcriptions of the docstrings' equations ----------------------------------------------
def _numpy_rprop(params, grads, state, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), maximize=False):
    for i, (p, g) in enumerate(zip(params, grads)):
        if g is None:
            continue
        g = -g if maximize else g
        prev, size = state.setdefault(i, [np.zeros_like(p), np.full_like(p, lr)])
        agree = g * prev
        size = np.where(agree > 0, np.minimum(size * etas[1], step_sizes[1]), size)
        size = np.where(agree < 0, np.maximum(size * etas[0], step_sizes[0]), size)
        g = np.where(agree < 0, 0.0, g)
        p -= np.sign(g) * size
        state[i] = [g, size]


def _numpy_asgd(params, grads, state, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, maximize=False):
    for i, (p, g) in enumerate(zip(params, grads)):
        if g is None:
            continue
        st = state.setdefault(i, {"t": 0, "eta": float(np.float32(lr)), "mu": 1.0, "ax": np.zeros_like(p)})
        st["t"] += 1
        g = (-g if maximize else g) + weight_decay * p
        p[...] = p * (1 - lambd * st["eta"]) - st["eta"] * g
        st["ax"] = st["ax"] + st["mu"] * (p - st["ax"])
        st["eta"] = float(np.float32(lr / (1 + lambd * lr * st["t"]) ** alpha))
        st["mu"] = float(np.float32(1 / max(1, st["t"] - t0)))


def _numpy_grads(problem, sign):
    """Gradients of the shared problem's loss at problem's current parameters (through fx, as arrays)."""
    probe = Problem(ft)
    for mine, theirs in zip(probe.params(), problem.params()):
        mine.data.copy_(theirs.data)
    probe.closure(optim.SGD(probe.params(), lr=0.0), sign)()
    return [None if p.grad is None else p.grad.numpy().copy() for p in probe.params()]


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_matches_numpy_equations(case):
    name, kwargs = case
    sign = -1.0 if kwargs.get("maximize") else 1.0
    mine = Problem(ft)
    opt = getattr(optim, name)(mine.params(), **kwargs)
    ref_params = [a.copy() for a in mine.numpy()]
    ref = Problem(ft)
    state = {}
    update = _numpy_rprop if name == "Rprop" else _numpy_asgd
    for step in range(100):
        for p, a in zip(ref.params(), ref_params):
            p.data.copy_(ft.from_numpy(a))
        grads = _numpy_grads(ref, sign)
        update(ref_params, grads, state, **kwargs)
        opt.step(mine.closure(opt, sign))
        assert_close(mine.numpy(), ref_params, what=f"{name} step {step}", rtol=1e-10, atol=1e-12)
    if name == "ASGD":
        for i, p in enumerate([mine.W, mine.b]):
            np.testing.assert_allclose(opt.state[p]["ax"].numpy(), state[i]["ax"], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_matches_torch(case, dtype):
    torch = pytest.importorskip("torch")
    name, kwargs = case
    sign = -1.0 if kwargs.get("maximize") else 1.0
    mine, theirs = Problem(ft, dtype), Problem(torch, dtype)
    opt = getattr(optim, name)(mine.params(), **kwargs)
    ref = getattr(torch.optim, name)(theirs.params(), **kwargs)
    for step in range(100):
        opt.step(mine.closure(opt, sign))
        ref.step(theirs.closure(ref, sign))
        assert_close(mine.numpy(), theirs.numpy(), what=f"{name} step {step}", **TOL[dtype])
    state, ref_state = opt.state_dict()["state"], ref.state_dict()["state"]
    assert sorted(state) == sorted(ref_state)
    for i, st in state.items():
        assert set(st) == set(ref_state[i])
        for k, v in st.items():
            tv = ref_state[i][k]
            if isinstance(v, ft.Tensor):
                np.testing.assert_allclose(v.numpy(), tv.numpy(), **TOL[dtype])
            else:
                assert float(v) == pytest.approx(float(tv), rel=1e-7), k


@pytest.mark.parametrize("name", ["Rprop", "ASGD"])
def test_param_groups_match_torch(name):
    torch = pytest.importorskip("torch")
    mine, theirs = Problem(ft), Problem(torch)
    opt = getattr(optim, name)(mine.groups(lr=0.004), lr=0.02)
    ref = getattr(torch.optim, name)(theirs.groups(lr=0.004), lr=0.02)
    for step in range(50):
        opt.step(mine.closure(opt))
        ref.step(theirs.closure(ref))
        assert_close(mine.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-12, what=f"{name} step {step}")
    assert opt.param_groups[1]["lr"] == 0.004


@pytest.mark.parametrize("name,kwargs", [("Rprop", dict(lr=0.05)), ("ASGD", dict(lr=0.05, t0=3))])
def test_state_dict_round_trip_resumes_exactly(name, kwargs):
    straight = Problem(ft)
    opt = getattr(optim, name)(straight.params(), **kwargs)
    for _ in range(10):
        opt.step(straight.closure(opt))
    first = Problem(ft)
    opt1 = getattr(optim, name)(first.params(), **kwargs)
    for _ in range(5):
        opt1.step(first.closure(opt1))
    second = Problem(ft)
    for p, q in zip(second.params(), first.params()):
        p.data.copy_(q.data)
    opt2 = getattr(optim, name)(second.params(), **kwargs)
    opt2.load_state_dict(opt1.state_dict())
    for _ in range(5):
        opt2.step(second.closure(opt2))
    for a, b in zip(second.numpy(), straight.numpy()):
        np.testing.assert_array_equal(a, b)


def test_rprop_step_size_bounds_and_rest_after_sign_change():
    w = ft.tensor([1.0], requires_grad=True)
    opt = optim.Rprop([w], lr=0.5, etas=(0.5, 2.0), step_sizes=(0.1, 0.8))
    values = []
    for _ in range(4):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
        values.append(w.item())
    # 1 -> 0.5 (size 0.5) -> -0.3 (size 0.8, capped) -> sign flipped: size 0.4, no move -> 0.1 (size 0.4)
    np.testing.assert_allclose(values, [0.5, -0.3, -0.3, 0.1])
    assert opt.state[w]["step_size"].item() == pytest.approx(0.4)


def test_asgd_average_starts_at_t0():
    w = ft.tensor([4.0], requires_grad=True)
    opt = optim.ASGD([w], lr=0.1, lambd=0.0, t0=2)
    seen = []
    for _ in range(5):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
        seen.append(w.item())
    # mu at step t is 1 / max(1, t - 1 - t0): 1 through step 4 (ax = p), then 1/2 at step 5
    np.testing.assert_allclose(opt.state[w]["ax"].item(), seen[3] + 0.5 * (seen[4] - seen[3]), rtol=1e-6)
    assert opt.state[w]["mu"] == pytest.approx(1 / 3)


@pytest.mark.parametrize("call,exc,match", [
    (lambda p: optim.Rprop(p, lr=-0.1), ValueError, "Invalid learning rate: -0.1"),
    (lambda p: optim.Rprop(p, etas=(1.5, 1.2)), ValueError, "Invalid eta values: 1.5, 1.2"),
    (lambda p: optim.Rprop(p, etas=(0.5, 0.9)), ValueError, "Invalid eta values: 0.5, 0.9"),
    (lambda p: optim.Rprop(p, differentiable=True), NotImplementedError, "differentiable=True"),
    (lambda p: optim.Rprop(p, momentum=0.9), TypeError, "unexpected keyword argument 'momentum'"),
    (lambda p: optim.ASGD(p, lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
    (lambda p: optim.ASGD(p, weight_decay=-0.1), ValueError, "Invalid weight_decay value: -0.1"),
    (lambda p: optim.ASGD(p, differentiable=True), NotImplementedError, "differentiable=True"),
    (lambda p: optim.ASGD(p, lr=ft.tensor([0.1, 0.2])), ValueError, "Tensor lr must be 1-element"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call([ft.zeros(2, requires_grad=True)])


def test_torch_accepts_the_same_bad_arguments_alike():
    torch = pytest.importorskip("torch")
    p = [torch.zeros(2, requires_grad=True)]
    for call, match in [(lambda: torch.optim.Rprop(p, etas=(1.5, 1.2)), "Invalid eta values: 1.5, 1.2"),
                        (lambda: torch.optim.ASGD(p, weight_decay=-0.1), "Invalid weight_decay value: -0.1")]:
        with pytest.raises(ValueError, match=match):
            call()
