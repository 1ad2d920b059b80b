"""Every optimizer and option against PyTorch: 100 steps from the same start, compared after each step."""

from __future__ import annotations

import numpy as np
import pytest

import fx.tensor as ft
from fx import optim

from optim_problems import Problem, assert_close, loss

torch = pytest.importorskip("torch")

# (class name, kwargs); every case also runs with two parameter groups (the second with half the lr).
CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, weight_decay=0.05, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01, maximize=True)),
    ("Adamax", dict(lr=0.01)),
    ("Adamax", dict(lr=0.01, weight_decay=0.1, betas=(0.8, 0.99))),
    ("Adamax", dict(lr=0.01, maximize=True)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RMSprop", dict(lr=0.005)),
    ("RMSprop", dict(lr=0.005, centered=True)),
    ("RMSprop", dict(lr=0.005, momentum=0.9)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.5, weight_decay=0.1, alpha=0.95, eps=1e-4)),
    ("RMSprop", dict(lr=0.005, maximize=True)),
    ("Adagrad", dict(lr=0.05)),
    ("Adagrad", dict(lr=0.05, lr_decay=0.01, initial_accumulator_value=0.1)),
    ("Adagrad", dict(lr=0.05, weight_decay=0.1, eps=1e-6, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.5, eps=1e-4, maximize=True)),
]
# float64 must agree to round-off; float32 to a few ulp amplified over 100 steps.
TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-4, atol=2e-5)}
STATE_RTOL = {np.float64: 1e-9, np.float32: 1e-2}


def _ids(case):
    name, kw = case
    return name + "-" + ("-".join(f"{k}={v}" for k, v in kw.items()) or "defaults")


def _run_pair(name, kwargs, dtype, grouped, steps=100):
    sign = -1.0 if kwargs.get("maximize") else 1.0
    mine, theirs = Problem(ft, dtype), Problem(torch, dtype)
    if grouped:
        lr2 = kwargs.get("lr", 1.0) * 0.5
        opt = getattr(optim, name)(mine.groups(lr=lr2), **kwargs)
        ref = getattr(torch.optim, name)(theirs.groups(lr=lr2), **kwargs)
    else:
        opt = getattr(optim, name)(mine.params(), **kwargs)
        ref = getattr(torch.optim, name)(theirs.params(), **kwargs)
    for step in range(steps):
        opt.step(mine.closure(opt, sign))
        ref.step(theirs.closure(ref, sign))
        assert_close(mine.numpy(), theirs.numpy(), what=f"{name} step {step}", **TOL[dtype])
    return opt, ref


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_matches_torch(case, dtype):
    name, kwargs = case
    opt, ref = _run_pair(name, kwargs, dtype, grouped=False)
    # The state has the same keys and values as PyTorch's (fx keeps "step" as a number).
    mine, theirs = opt.state_dict(), ref.state_dict()
    assert sorted(mine["state"]) == sorted(theirs["state"])
    for i, st in mine["state"].items():
        assert set(st) == set(theirs["state"][i]), (name, st.keys(), theirs["state"][i].keys())
        for k, v in st.items():
            tv = theirs["state"][i][k]
            if isinstance(v, ft.Tensor):  # state amplifies round-off more than parameters: norm-wise
                err = np.linalg.norm(v.numpy() - tv.numpy())
                assert err <= STATE_RTOL[dtype] * np.linalg.norm(tv.numpy()) + 1e-12, (k, err)
            else:
                assert float(v) == pytest.approx(float(tv), rel=1e-6), k


@pytest.mark.parametrize("case", CASES[::3], ids=[_ids(c) for c in CASES[::3]])
def test_matches_torch_param_groups(case):
    _run_pair(*case, np.float64, grouped=True)


@pytest.mark.parametrize("kwargs", [dict(), dict(line_search_fn="strong_wolfe"),
                                    dict(history_size=3, max_iter=4, line_search_fn="strong_wolfe"),
                                    dict(lr=0.5, max_iter=5, history_size=5)],
                         ids=["plain", "wolfe", "wolfe-short-history", "plain-short"])
def test_lbfgs_matches_torch(kwargs):
    mine, theirs = Problem(ft), Problem(torch)
    opt = optim.LBFGS([mine.W, mine.b], **kwargs)
    ref = torch.optim.LBFGS([theirs.W, theirs.b], **kwargs)
    for step in range(25):
        loss_fx = opt.step(mine.closure(opt))
        loss_torch = ref.step(theirs.closure(ref))
        assert float(loss_fx) == pytest.approx(loss_torch.item(), rel=1e-9, abs=1e-12)
        assert_close(mine.numpy()[:2], theirs.numpy()[:2], rtol=1e-8, atol=1e-10, what=f"LBFGS step {step}")
    state = opt.state_dict()["state"][0]
    assert state["n_iter"] == ref.state_dict()["state"][0]["n_iter"]
    assert state["func_evals"] == ref.state_dict()["state"][0]["func_evals"]


def _torch_lion(params, state, lr, beta1, beta2, weight_decay, maximize):
    """Lion as the paper writes it (Chen et al., 2023, Program 1), in torch."""
    with torch.no_grad():
        for p in params:
            if p.grad is None:
                continue
            g = -p.grad if maximize else p.grad
            m = state.setdefault(id(p), torch.zeros_like(p))
            p.mul_(1 - lr * weight_decay)
            p.add_(torch.sign(beta1 * m + (1 - beta1) * g), alpha=-lr)
            m.mul_(beta2).add_((1 - beta2) * g)


@pytest.mark.parametrize("kwargs", [dict(lr=1e-3), dict(lr=1e-3, betas=(0.8, 0.95), weight_decay=0.5),
                                    dict(lr=1e-3, maximize=True)], ids=["defaults", "wd", "maximize"])
def test_lion_matches_reference(kwargs):
    sign = -1.0 if kwargs.get("maximize") else 1.0
    mine, theirs = Problem(ft), Problem(torch)
    opt = optim.Lion(mine.params(), **kwargs)
    hp = dict(lr=kwargs["lr"], beta1=kwargs.get("betas", (0.9, 0.99))[0], beta2=kwargs.get("betas", (0.9, 0.99))[1],
              weight_decay=kwargs.get("weight_decay", 0.0), maximize=kwargs.get("maximize", False))
    state = {}
    for step in range(100):
        opt.step(mine.closure(opt, sign))
        for p in theirs.params():
            p.grad = None
        loss(torch, theirs.W, theirs.b, theirs.X, theirs.Y, sign).backward()
        _torch_lion(theirs.params(), state, **hp)
        assert_close(mine.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12, what=f"Lion step {step}")
