"""The Optimizer base: parameter groups, zero_grad, hooks, state_dict round trips, bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft
from fx import optim
from fx.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

from optim_problems import Problem

ALL = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)), ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)), ("Adamax", dict()), ("NAdam", dict()), ("RAdam", dict()),
    ("RMSprop", dict(centered=True, momentum=0.5)), ("Adagrad", dict(lr_decay=0.01)), ("Adadelta", dict()),
    ("Lion", dict(weight_decay=0.1)), ("LBFGS", dict(history_size=4, max_iter=3, line_search_fn="strong_wolfe")),
]


def _snapshot(problem):
    return [a.copy() for a in problem.numpy()]


@pytest.mark.parametrize("name,kwargs", ALL, ids=[n for n, _ in ALL])
def test_state_dict_round_trip_resumes_exactly(name, kwargs, tmp_path):
    """Save after 6 steps, load into a fresh optimizer over copied parameters, continue: bitwise equal
    to a run that never stopped."""
    params = lambda p: [p.W, p.b] if name == "LBFGS" else p.params()  # noqa: E731
    straight = Problem(ft)
    opt = getattr(optim, name)(params(straight), **kwargs)
    for _ in range(12):
        opt.step(straight.closure(opt))

    first = Problem(ft)
    opt1 = getattr(optim, name)(params(first), **kwargs)
    for _ in range(6):
        opt1.step(first.closure(opt1))
    ft.save({"optim": opt1.state_dict(), "params": [p.detach() for p in first.params()]}, tmp_path / "ckpt.safetensors")

    ckpt = ft.load(tmp_path / "ckpt.safetensors")
    second = Problem(ft)
    with ag.no_grad():
        for p, saved in zip(second.params(), ckpt["params"]):
            p.copy_(saved)
    opt2 = getattr(optim, name)(params(second), **kwargs)
    opt2.load_state_dict(ckpt["optim"])
    for _ in range(6):
        opt2.step(second.closure(opt2))
    for a, b in zip(straight.numpy(), second.numpy()):
        np.testing.assert_array_equal(a, b)


def test_state_dict_round_trip_with_scheduler(tmp_path):
    def build(problem):
        opt = optim.AdamW(problem.params(), lr=0.05)
        warm = LinearLR(opt, start_factor=0.1, total_iters=3)
        sched = SequentialLR(opt, [warm, CosineAnnealingLR(opt, T_max=10)], milestones=[3])
        return opt, sched

    straight = Problem(ft)
    opt, sched = build(straight)
    for _ in range(10):
        opt.step(straight.closure(opt))
        sched.step()
    first = Problem(ft)
    opt1, sched1 = build(first)
    for _ in range(5):
        opt1.step(first.closure(opt1))
        sched1.step()
    ft.save({"o": opt1.state_dict(), "s": sched1.state_dict(), "p": [p.detach() for p in first.params()]},
            tmp_path / "c.safetensors")
    ckpt = ft.load(tmp_path / "c.safetensors")
    second = Problem(ft)

    with ag.no_grad():
        for p, saved in zip(second.params(), ckpt["p"]):
            p.copy_(saved)
    opt2, sched2 = build(second)
    opt2.load_state_dict(ckpt["o"])
    sched2.load_state_dict(ckpt["s"])
    for _ in range(5):
        opt2.step(second.closure(opt2))
        sched2.step()
    assert sched2.get_last_lr() == sched.get_last_lr()
    for a, b in zip(straight.numpy(), second.numpy()):
        np.testing.assert_array_equal(a, b)


def test_state_dict_structure_is_pytorchs():
    p = Problem(ft)
    opt = optim.Adam(p.groups(lr=0.5), lr=0.1)
    opt.step(p.closure(opt))
    sd = opt.state_dict()
    # W, unused in group 0 (ids 0, 1); b in group 1 (id 2); unused never had a gradient: no state.
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][1]["lr"] == 0.5 and sd["param_groups"][0]["lr"] == 0.1
    assert sorted(sd["state"]) == [0, 2]
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    assert sd["state"][0]["exp_avg"] is opt.state[p.W]["exp_avg"]


def test_load_state_dict_casts_to_the_parameter_dtype_and_copies():
    w = ft.randn(3, requires_grad=True)
    opt = optim.Adam([w])
    w.grad = ft.ones(3)
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["exp_avg"] = sd["state"][0]["exp_avg"].double()
    w2 = ft.randn(3, requires_grad=True)
    opt2 = optim.Adam([w2])
    opt2.load_state_dict(sd)
    assert opt2.state[w2]["exp_avg"].dtype == ft.float32
    assert opt2.state[w2]["exp_avg_sq"] is not sd["state"][0]["exp_avg_sq"]
    assert opt2.state[w2]["step"] == 1.0


def test_load_state_dict_mismatch_errors():
    a, b = ft.randn(2, requires_grad=True), ft.randn(2, requires_grad=True)
    sd = optim.SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD([a], lr=0.1).load_state_dict(sd)


def test_param_groups_and_add_param_group():
    a, b, c = (ft.randn(2, requires_grad=True) for _ in range(3))
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["params"] == [b]
    opt.add_param_group({"params": [c], "momentum": 0.0})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.0
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([a])
    named = optim.Adam([("weight", a), ("bias", b)])
    assert named.param_groups[0]["param_names"] == ["weight", "bias"]
    assert named.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]


def test_required_hyperparameter():
    class Custom(optim.Optimizer):
        def __init__(self, params, lr=optim._optimizer.required):
            super().__init__(params, {"lr": lr})

    p = ft.randn(2, requires_grad=True)
    with pytest.raises(ValueError, match="didn't specify a value of required optimization parameter lr"):
        Custom([p])
    assert Custom([{"params": [p], "lr": 0.1}]).param_groups[0]["lr"] == 0.1


def test_bad_parameter_lists():
    p = ft.randn(2, requires_grad=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": {p}}], lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors, but one of the params is int"):
        optim.SGD([p, 3], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([p, p], lr=0.1)


BAD = [
    ("SGD", dict(lr=-0.1), "Invalid learning rate: -0.1"),
    ("SGD", dict(lr=0.1, momentum=-1), "Invalid momentum value"),
    ("SGD", dict(lr=0.1, weight_decay=-1), "Invalid weight_decay value"),
    ("SGD", dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov momentum requires"),
    ("Adam", dict(lr=-1e-3), "Invalid learning rate"),
    ("Adam", dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    ("Adam", dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    ("Adam", dict(eps=-1e-8), "Invalid epsilon value"),
    ("AdamW", dict(weight_decay=-0.01), "Invalid weight_decay value"),
    ("Adamax", dict(betas=(0.9, 1.5)), "Invalid beta parameter at index 1"),
    ("NAdam", dict(momentum_decay=-1), "Invalid momentum_decay value"),
    ("RAdam", dict(eps=-1), "Invalid epsilon value"),
    ("RMSprop", dict(alpha=-0.5), "Invalid alpha value"),
    ("RMSprop", dict(momentum=-0.5), "Invalid momentum value"),
    ("Adagrad", dict(lr_decay=-1), "Invalid lr_decay value"),
    ("Adagrad", dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value value"),
    ("Adadelta", dict(rho=1.5), "Invalid rho value"),
    ("Lion", dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1"),
    ("LBFGS", dict(line_search_fn="armijo"), "line_search_fn must be None or 'strong_wolfe'"),
    ("Adam", dict(lr=ft.tensor([0.1, 0.2])), "Tensor lr must be 1-element"),
]


@pytest.mark.parametrize("name,kwargs,message", BAD, ids=[f"{n}-{m[:24]}" for n, _, m in BAD])
def test_bad_hyperparameters(name, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        getattr(optim, name)([ft.randn(2, requires_grad=True)], **kwargs)


def test_lbfgs_rejects_groups_and_needs_a_closure():
    a, b = ft.randn(2, requires_grad=True), ft.randn(2, requires_grad=True)
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [a]}, {"params": [b]}])
    with pytest.raises(RuntimeError, match="requires a closure"):
        optim.LBFGS([a]).step(None)


def test_zero_grad():
    p = ft.randn(3, requires_grad=True)
    (p * 2).sum().backward()
    opt = optim.SGD([p], lr=0.1)
    opt.zero_grad(set_to_none=False)
    assert p.grad is not None and p.grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_params_without_grad_are_skipped():
    a, b = ft.randn(3, requires_grad=True), ft.randn(3, requires_grad=True)
    before = b.detach().clone()
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = ft.ones(3)
    opt.step()
    assert ft.equal(b.detach(), before) and b not in opt.state


def test_tensor_lr_is_accepted():
    a = ft.randn(3, requires_grad=True)
    start = a.detach().clone()
    a.grad = ft.ones(3)
    optim.SGD([a], lr=ft.tensor(0.5)).step()
    np.testing.assert_allclose(a.detach().numpy(), start.numpy() - 0.5, rtol=1e-6)


def test_step_hooks_and_closure():
    p = ft.randn(3, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    seen = []
    h1 = opt.register_step_pre_hook(lambda o, args, kwargs: seen.append(("pre", o is opt)))
    h2 = opt.register_step_post_hook(lambda o, args, kwargs: seen.append(("post", o is opt)))
    g1 = optim.register_optimizer_step_pre_hook(lambda o, a, k: seen.append(("global-pre", None)))
    g2 = optim.register_optimizer_step_post_hook(lambda o, a, k: seen.append(("global-post", None)))

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert isinstance(loss, ft.Tensor) and loss.requires_grad
    assert seen == [("global-pre", None), ("pre", True), ("post", True), ("global-post", None)]
    for h in (h1, h2, g1, g2):
        h.remove()
    seen.clear()
    opt.step(closure)
    assert seen == []
    # a pre-hook may replace the arguments
    opt.register_step_pre_hook(lambda o, args, kwargs: ((), {"closure": closure}))
    assert opt.step() is not None
    bad = optim.SGD([p], lr=0.1)
    bad.register_step_pre_hook(lambda o, a, k: "nonsense")
    with pytest.raises(RuntimeError, match="must return None or a tuple"):
        bad.step()


def test_state_dict_hooks():
    p = ft.randn(3, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    calls = []
    opt.register_state_dict_pre_hook(lambda o: calls.append("pre"))
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    assert opt.state_dict()["extra"] == 1 and calls == ["pre"]
    opt.register_load_state_dict_pre_hook(lambda o, sd: calls.append("load-pre"))
    opt.register_load_state_dict_post_hook(lambda o: calls.append("load-post"))
    opt.load_state_dict(optim.SGD([ft.randn(3, requires_grad=True)], lr=0.3).state_dict())
    assert calls[-2:] == ["load-pre", "load-post"] and opt.param_groups[0]["lr"] == 0.3
    assert opt.param_groups[0]["params"] == [p]


def test_subclass_with_update_function():
    class SignSGD(optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        def _update(self, p, grad, state, group):
            p.add_(grad.sign(), alpha=-group["lr"])

    p = ft.tensor([1.0, -2.0], requires_grad=True)
    opt = SignSGD([p])
    hits = []
    opt.register_step_post_hook(lambda *a: hits.append(1))
    p.grad = ft.tensor([3.0, -0.5])
    opt.step()
    assert p.detach().tolist() == pytest.approx([0.9, -1.9]) and hits == [1]


def test_repr():
    text = repr(optim.Adam([ft.randn(2, requires_grad=True)], lr=0.01))
    assert text.startswith("Adam (\nParameter Group 0\n") and "    lr: 0.01" in text


def _numpy_adam(p, grads, lr, b1, b2, eps, wd, amsgrad, decoupled):
    m = v = vmax = np.zeros_like(p)
    for t, g in enumerate(grads, 1):
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vmax = np.maximum(vmax, v)
        denom = np.sqrt(vmax if amsgrad else v) / np.sqrt(1 - b2**t) + eps
        p = p - lr / (1 - b1**t) * m / denom
    return p


def _numpy_sgd(p, grads, lr, momentum, dampening, wd, nesterov):
    buf = None
    for g in grads:
        g = g + wd * p
        buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
        p = p - lr * (g + momentum * buf if nesterov else buf)
    return p


@pytest.mark.parametrize("fused", [True, False])
def test_update_equations_against_numpy(fused):
    """The documented update equations, in float64 NumPy (runs without the PyTorch oracle)."""
    from fx.optim import _fused

    rng = np.random.default_rng(5)
    start = rng.standard_normal(7)
    grads = [rng.standard_normal(7) for _ in range(30)]
    cases = [
        ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True),
         lambda: _numpy_adam(start, grads, 0.01, 0.8, 0.99, 1e-6, 0.1, True, False)),
        ("AdamW", dict(lr=0.01, weight_decay=0.1),
         lambda: _numpy_adam(start, grads, 0.01, 0.9, 0.999, 1e-8, 0.1, False, True)),
        ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
         lambda: _numpy_sgd(start, grads, 0.05, 0.9, 0.0, 0.01, True)),
        ("SGD", dict(lr=0.05, momentum=0.5, dampening=0.3),
         lambda: _numpy_sgd(start, grads, 0.05, 0.5, 0.3, 0.0, False)),
    ]
    saved, _fused.enabled = _fused.enabled, fused and _fused.AVAILABLE
    try:
        for name, kwargs, expected in cases:
            p = ft.tensor(start.copy(), requires_grad=True)
            opt = getattr(optim, name)([p], **kwargs)
            for g in grads:
                p.grad = ft.tensor(g)
                opt.step()
            np.testing.assert_allclose(p.detach().numpy(), expected(), rtol=1e-12, atol=1e-14, err_msg=name)
    finally:
        _fused.enabled = saved


def test_pytorch_implementation_flags_are_accepted():
    import fx.optim as optim

    p = ft.zeros(3, requires_grad=True)
    for cls in (optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad):
        cls([p], lr=0.1, foreach=False, fused=None, capturable=False, differentiable=False)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        optim.Adam([p], lr=0.1, bogus=True)
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        optim.SGD([p], lr=0.1, differentiable=True)
