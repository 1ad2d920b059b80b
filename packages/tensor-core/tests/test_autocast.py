"""fx.tensor.autocast against torch.autocast (CPU): result dtypes and values op by op (float32, bfloat16,
mixed and float64 inputs), small models forward and backward, GradScaler training steps, vmap
(test_autocast_regions.py covers what needs no oracle)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import fx.tensor as ft
from fx.tensor import _autocast

torch = pytest.importorskip("torch")
autograd = pytest.importorskip("fx.autograd")
nn = pytest.importorskip("fx.nn")
F = pytest.importorskip("fx.nn.functional")

FX = SimpleNamespace(t=ft, F=F, linalg=ft.linalg)
TH = SimpleNamespace(t=torch, F=torch.nn.functional, linalg=torch.linalg)
TORCH_DTYPES = {ft.float16: torch.float16, ft.bfloat16: torch.bfloat16, ft.float32: torch.float32,
                ft.float64: torch.float64}


def _fx_name(torch_dtype):
    return str(torch_dtype).replace("torch.", "fx.tensor.")


def _rand(*shape, seed=0):
    return np.random.default_rng(seed + len(shape) + sum(shape)).standard_normal(shape)


def _spd(n):
    a = _rand(n, n, seed=7)
    return a @ a.T + n * np.eye(n)


def _pair(arrays, dtypes):
    """The same values as fx and torch tensors, array i in dtypes[i] (int arrays keep int64)."""
    fx_args, th_args = [], []
    for arr, dt in zip(arrays, dtypes):
        if arr.dtype.kind in "iu":
            fx_args.append(ft.tensor(arr))
            th_args.append(torch.tensor(arr))
        else:
            fx_args.append(ft.tensor(arr, dtype=dt))
            th_args.append(torch.tensor(arr, dtype=TORCH_DTYPES[dt]))
    return fx_args, th_args


def _tolerance(dtype_name):
    return {"fx.tensor.bfloat16": 4e-2, "fx.tensor.float16": 4e-3}.get(dtype_name, 1e-4)


def _compare(got, exp, what, check_values=True, inputs=()):
    """Same dtype as torch's result, and values within the tolerance of the least precise dtype involved."""
    if isinstance(exp, (tuple, list)):
        for i, (g, e) in enumerate(zip(got, exp)):
            _compare(g, e, f"{what}[{i}]", check_values, inputs)
        return
    assert str(got.dtype) == _fx_name(exp.dtype), f"{what}: dtype {got.dtype} vs torch {exp.dtype}"
    if check_values:
        e = exp.detach().to(torch.float64).numpy()
        g = got.detach().to(ft.float64).numpy()
        tol = max(_tolerance(str(d)) for d in (got.dtype, *inputs))
        scale = max(1.0, float(np.abs(e).max())) if e.size else 1.0
        np.testing.assert_allclose(g, e, rtol=tol, atol=tol * scale, err_msg=what)


def _idx(*values):
    return np.array(values, dtype=np.int64)


# (name, fn(m, *args) for m in (FX, TH), input arrays, compare values?)
CASES = [
    ("matmul", lambda m, a, b: m.t.matmul(a, b), [_rand(3, 4), _rand(4, 5)], True),
    ("matmul 1d", lambda m, a, b: m.t.matmul(a, b), [_rand(4), _rand(4)], True),
    ("matmul batched", lambda m, a, b: m.t.matmul(a, b), [_rand(2, 3, 4), _rand(4, 5)], True),
    ("@", lambda m, a, b: a @ b, [_rand(3, 4), _rand(4, 2)], True),
    ("Tensor.mm", lambda m, a, b: a.mm(b), [_rand(3, 4), _rand(4, 2)], True),
    ("mm", lambda m, a, b: m.t.mm(a, b), [_rand(3, 4), _rand(4, 5)], True),
    ("bmm", lambda m, a, b: m.t.bmm(a, b), [_rand(2, 3, 4), _rand(2, 4, 5)], True),
    ("addmm", lambda m, c, a, b: m.t.addmm(c, a, b), [_rand(3, 5), _rand(3, 4), _rand(4, 5)], True),
    ("addbmm", lambda m, c, a, b: m.t.addbmm(c, a, b), [_rand(3, 5), _rand(2, 3, 4), _rand(2, 4, 5)], True),
    ("baddbmm", lambda m, c, a, b: m.t.baddbmm(c, a, b, alpha=0.5), [_rand(2, 3, 5), _rand(2, 3, 4), _rand(2, 4, 5)],
     True),
    ("linalg.vecdot", lambda m, a, b: m.linalg.vecdot(a, b), [_rand(3, 4), _rand(3, 4)], True),
    ("einsum contracting", lambda m, a, b: m.t.einsum("ij,kj->ik", a, b), [_rand(3, 4), _rand(5, 4)], True),
    ("einsum implicit", lambda m, a, b: m.t.einsum("bij,bjk", a, b), [_rand(2, 3, 4), _rand(2, 4, 5)], True),
    ("einsum dot", lambda m, a, b: m.t.einsum("i,i->", a, b), [_rand(4), _rand(4)], True),
    ("einsum elementwise", lambda m, a, b: m.t.einsum("ij,ij->ij", a, b), [_rand(3, 4), _rand(3, 4)], True),
    ("einsum trace", lambda m, a: m.t.einsum("ii->i", a), [_rand(4, 4)], True),
    ("conv1d", lambda m, x, w, b: m.F.conv1d(x, w, b, padding=1), [_rand(2, 2, 6), _rand(3, 2, 3), _rand(3)], True),
    ("conv2d", lambda m, x, w, b: m.F.conv2d(x, w, b, stride=2), [_rand(1, 2, 5, 5), _rand(3, 2, 3, 3), _rand(3)], True),
    ("conv_transpose1d", lambda m, x, w, b: m.F.conv_transpose1d(x, w, b), [_rand(1, 2, 5), _rand(2, 3, 3), _rand(3)],
     True),
    ("conv_transpose2d", lambda m, x, w, b: m.F.conv_transpose2d(x, w, b, stride=2),
     [_rand(1, 2, 3, 3), _rand(2, 3, 3, 3), _rand(3)], True),
    ("sdpa", lambda m, q, k, v: m.F.scaled_dot_product_attention(q, k, v), [_rand(2, 3, 4), _rand(2, 5, 4), _rand(2, 5, 6)],
     True),
    ("sdpa float mask", lambda m, q, k, v, mask: m.F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
     [_rand(2, 3, 4), _rand(2, 5, 4), _rand(2, 5, 6), _rand(3, 5)], True),
    ("prod", lambda m, a: m.t.prod(a), [_rand(3, 2) * 0.5 + 1], True),
    ("Tensor.prod dim", lambda m, a: a.prod(1), [_rand(3, 4) * 0.5 + 1], True),
    ("trace", lambda m, a: m.t.trace(a), [_rand(4, 4)], True),
    ("cdist", lambda m, a, b: m.t.cdist(a, b), [_rand(3, 4), _rand(5, 4)], True),
    ("quantile", lambda m, a: m.t.quantile(a, 0.25), [_rand(10)], True),
    ("pad reflect", lambda m, a: m.F.pad(a, (2, 1), mode="reflect"), [_rand(1, 2, 5)], True),
    ("pad constant", lambda m, a: m.F.pad(a, (2, 1)), [_rand(1, 2, 5)], True),
    ("linalg.inv", lambda m, a: m.linalg.inv(a), [_spd(4)], True),
    ("inverse", lambda m, a: m.t.inverse(a), [_spd(3)], True),
    ("linalg.solve", lambda m, a, b: m.linalg.solve(a, b), [_spd(4), _rand(4, 2)], True),
    ("linalg.cholesky", lambda m, a: m.linalg.cholesky(a), [_spd(4)], True),
    ("cholesky", lambda m, a: m.t.cholesky(a), [_spd(3)], True),
    ("linalg.svdvals", lambda m, a: m.linalg.svdvals(a), [_rand(4, 3)], True),
    ("linalg.eigvalsh", lambda m, a: m.linalg.eigvalsh(a), [_spd(4)], True),
    ("linalg.eigh", lambda m, a: m.linalg.eigh(a), [_spd(4)], False),
    ("linalg.qr", lambda m, a: m.linalg.qr(a), [_rand(4, 3)], False),
    ("linalg.lstsq", lambda m, a, b: m.linalg.lstsq(a, b).solution, [_rand(5, 3), _rand(5, 2)], True),
    ("linalg.matrix_rank", lambda m, a: m.linalg.matrix_rank(a), [_rand(4, 3)], True),
    ("linalg.cond", lambda m, a: m.linalg.cond(a), [_spd(3)], True),
    ("cross_entropy", lambda m, x, t: m.F.cross_entropy(x, t), [_rand(4, 5), _idx(0, 3, 1, 4)], True),
    ("cross_entropy weighted", lambda m, x, t, w: m.F.cross_entropy(x, t, weight=w.abs()),
     [_rand(4, 5), _idx(0, 3, 1, 4), _rand(5)], True),
    ("nll_loss", lambda m, x, t: m.F.nll_loss(x.log_softmax(1), t), [_rand(4, 5), _idx(0, 3, 1, 4)], True),
    ("index_copy", lambda m, a, i, s: a.index_copy(0, i, s), [_rand(3, 4), _idx(2, 0), _rand(2, 4)], True),
    # not on PyTorch's CPU lists: they run in the dtypes they are given
    ("mv", lambda m, a, b: m.t.mv(a, b), [_rand(3, 4), _rand(4)], True),
    ("dot", lambda m, a, b: m.t.dot(a, b), [_rand(4), _rand(4)], True),
    ("add", lambda m, a, b: a + b, [_rand(3, 4), _rand(3, 4)], True),
    ("softmax", lambda m, a: a.softmax(-1), [_rand(3, 4)], True),
    ("layer_norm", lambda m, a: m.F.layer_norm(a, (4,)), [_rand(3, 4)], True),
    ("sum", lambda m, a: a.sum(0), [_rand(3, 4)], True),
]
_ALWAYS_F32 = {"linalg.inv", "inverse", "linalg.solve", "linalg.cholesky", "cholesky", "linalg.svdvals",
               "linalg.eigvalsh", "linalg.eigh", "linalg.qr", "linalg.lstsq", "linalg.matrix_rank", "linalg.cond",
               "cdist", "quantile"}  # fx (like PyTorch) has no low-precision kernels for these outside autocast


def _run(case, autocast_dtype, input_dtypes):
    name, fn, arrays, check_values = case
    fx_args, th_args = _pair(arrays, input_dtypes)
    what = f"{name} under {autocast_dtype.name} autocast, inputs {[d.name for d in input_dtypes]}"
    try:
        with torch.autocast("cpu", dtype=TORCH_DTYPES[autocast_dtype]):
            expected = fn(TH, *th_args)
    except RuntimeError:  # torch refuses these inputs (mixed dtypes for an op off the lists): so must fx
        with ft.autocast("cpu", dtype=autocast_dtype), pytest.raises(RuntimeError, match="dtype"):
            fn(FX, *fx_args)
        return
    with ft.autocast("cpu", dtype=autocast_dtype):
        got = fn(FX, *fx_args)
    _compare(got, expected, what, check_values, input_dtypes)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("autocast_dtype", [ft.bfloat16, ft.float16], ids=["bf16", "f16"])
def test_op_matches_torch_for_float32_inputs(case, autocast_dtype):
    _run(case, autocast_dtype, [ft.float32] * len(case[2]))


@pytest.mark.parametrize("case", [c for c in CASES if c[0] not in _ALWAYS_F32], ids=lambda c: c[0])
def test_op_matches_torch_for_bfloat16_inputs(case):
    _run(case, ft.bfloat16, [ft.bfloat16] * len(case[2]))


@pytest.mark.parametrize("case", [c for c in CASES if c[0] not in _ALWAYS_F32 | {"linalg.vecdot"}], ids=lambda c: c[0])
def test_op_matches_torch_for_mixed_inputs(case):
    dtypes = [ft.bfloat16 if i % 2 else ft.float32 for i in range(len(case[2]))]
    _run(case, ft.bfloat16, dtypes)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_float64_inputs_are_never_cast(case):
    _run(case, ft.bfloat16, [ft.float64] * len(case[2]))


# ---- models: forward dtypes and values, gradients ----------------------------------------------------
@pytest.fixture
def linear_autocast(monkeypatch):
    """F.linear with autocast's policy, as fx.nn should declare it (its bias add is a separate op)."""
    if not hasattr(F.linear, "_autocast_policies"):
        monkeypatch.setattr(F, "linear", _autocast.autocast_op("lower_precision_fp")(F.linear))


def _copy_params(fx_model, torch_model):
    with autograd.no_grad():
        for p, q in zip(fx_model.parameters(), torch_model.parameters(), strict=True):
            p.copy_(ft.tensor(q.detach().numpy()))


def _models():
    def mlp(m):
        return m.Sequential(m.Linear(6, 8), m.ReLU(), m.Linear(8, 3))

    def cnn(m):
        return m.Sequential(m.Conv2d(2, 4, 3, padding=1), m.ReLU(), m.MaxPool2d(2), m.Conv2d(4, 4, 3), m.ReLU(),
                            m.Flatten(), m.Linear(4, 3))

    return {"mlp": (mlp, (5, 6)), "cnn": (cnn, (5, 2, 6, 6))}


@pytest.mark.parametrize("name", ["mlp", "cnn"])
@pytest.mark.parametrize("dtype", [ft.bfloat16, ft.float16], ids=["bf16", "f16"])
def test_model_forward_and_gradients_match_torch(name, dtype, linear_autocast):
    build, shape = _models()[name]
    torch.manual_seed(0)
    tm, fm = build(torch.nn), build(nn)
    _copy_params(fm, tm)
    x = _rand(*shape)
    target = _idx(0, 2, 1, 1, 0)
    with torch.autocast("cpu", dtype=TORCH_DTYPES[dtype]):
        t_out = tm(torch.tensor(x, dtype=torch.float32))
        t_loss = torch.nn.functional.cross_entropy(t_out, torch.tensor(target))
    with ft.autocast("cpu", dtype=dtype):
        f_out = fm(ft.tensor(x, dtype=ft.float32))
        f_loss = F.cross_entropy(f_out, ft.tensor(target))
    _compare(f_out, t_out, f"{name} output")
    _compare(f_loss, t_loss, f"{name} loss")
    t_loss.backward()
    f_loss.backward()
    for (pname, q), p in zip(tm.named_parameters(), fm.parameters()):
        assert p.grad.dtype is ft.float32, pname
        _compare(p.grad, q.grad, f"{name} grad of {pname}", inputs=(dtype,))


def test_attention_block_matches_torch(linear_autocast):
    torch.manual_seed(1)
    t_proj, f_proj = torch.nn.Linear(8, 24), nn.Linear(8, 24)
    t_out, f_out = torch.nn.Linear(8, 8), nn.Linear(8, 8)
    _copy_params(f_proj, t_proj)
    _copy_params(f_out, t_out)
    x = _rand(2, 5, 8)

    def block(m, proj, out, inp):
        q, k, v = proj(inp).reshape(2, 5, 3, 2, 4).permute(2, 0, 3, 1, 4).unbind(0)
        y = m.F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return out(y.transpose(1, 2).reshape(2, 5, 8))

    with torch.autocast("cpu"):
        expected = block(TH, t_proj, t_out, torch.tensor(x, dtype=torch.float32))
    with ft.autocast("cpu"):
        got = block(FX, f_proj, f_out, ft.tensor(x, dtype=ft.float32))
    _compare(got, expected, "attention output")
    expected.float().square().sum().backward()
    got.float().square().sum().backward()
    for q, p in zip(list(t_proj.parameters()) + list(t_out.parameters()),
                    list(f_proj.parameters()) + list(f_out.parameters())):
        _compare(p.grad, q.grad, "attention grad", inputs=(ft.bfloat16,))


def test_input_gradient_comes_back_in_the_input_dtype():
    x = ft.tensor(_rand(3, 4), dtype=ft.float32, requires_grad=True)
    w = ft.tensor(_rand(4, 2), dtype=ft.float32, requires_grad=True)
    with ft.autocast("cpu"):
        y = x @ w
    assert y.dtype is ft.bfloat16
    y.float().sum().backward()
    assert x.grad.dtype is ft.float32 and w.grad.dtype is ft.float32
    tx = torch.tensor(_rand(3, 4), dtype=torch.float32, requires_grad=True)
    tw = torch.tensor(_rand(4, 2), dtype=torch.float32, requires_grad=True)
    with torch.autocast("cpu"):
        (tx @ tw).float().sum().backward()
    _compare(x.grad, tx.grad, "x.grad", inputs=(ft.bfloat16,))
    _compare(w.grad, tw.grad, "w.grad", inputs=(ft.bfloat16,))


def test_grad_scaler_training_steps_match_torch(linear_autocast):
    optim = pytest.importorskip("fx.optim")
    torch.manual_seed(2)
    tm = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    fm = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3))
    _copy_params(fm, tm)
    t_opt, f_opt = torch.optim.SGD(tm.parameters(), lr=0.1), optim.SGD(fm.parameters(), lr=0.1)
    # float16 and a huge first scale: the first step overflows and is skipped, as in PyTorch
    t_scaler = torch.amp.GradScaler("cpu", init_scale=2.0**40, growth_interval=2)
    f_scaler = optim.GradScaler("cpu", init_scale=2.0**40, growth_interval=2)
    scales = []
    for step in range(5):
        x, target = _rand(4, 6, seed=step), _idx(0, 1, 2, step % 3)
        for model, opt, scaler, m, mod in ((tm, t_opt, t_scaler, TH, torch), (fm, f_opt, f_scaler, FX, ft)):
            opt.zero_grad()
            with mod.autocast("cpu", dtype=mod.float16):
                loss = m.F.cross_entropy(model(mod.tensor(x, dtype=mod.float32)), mod.tensor(target))
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        scales.append((t_scaler.get_scale(), f_scaler.get_scale()))
    assert [s[0] for s in scales] == [s[1] for s in scales]
    assert scales[0][0] < 2.0**40  # the overflow really happened
    for q, p in zip(tm.parameters(), fm.parameters()):
        _compare(p, q, "parameter after training", inputs=(ft.float16,))


def test_vmap_inside_autocast():
    func = pytest.importorskip("fx.autograd.func")
    x, w = ft.tensor(_rand(4, 3), dtype=ft.float32), ft.tensor(_rand(3, 2), dtype=ft.float32)
    with ft.autocast("cpu"):
        y = func.vmap(lambda row: row @ w)(x)
    assert y.dtype is ft.bfloat16
    with torch.autocast("cpu"):
        expected = torch.vmap(lambda row: row @ torch.tensor(_rand(3, 2), dtype=torch.float32))(
            torch.tensor(_rand(4, 3), dtype=torch.float32))
    _compare(y, expected, "vmap")
