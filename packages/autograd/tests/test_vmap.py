"""fx.autograd.func.vmap: batching rules for every primitive, in_dims/out_dims, nesting, randomness,
composition with grad, errors, and that the function runs once (not once per example)."""

from __future__ import annotations

import numpy as np
import pytest

import fx.tensor as ft
from fx.autograd.func import grad, jacrev, vjp, vmap
from fx.autograd.func._batching_random import RANDOM
from fx.autograd.func._batching_rules import RULES, UNSUPPORTED
from fx.autograd.func._pytree import tree_flatten, tree_unflatten
from fx.tensor import _dispatch
from fx.tensor._dispatch import PRIMITIVES
from opspec import load_all


def _np(t):
    return t.numpy(force=True)


def _close(a, b, atol=1e-6):
    np.testing.assert_allclose(_np(a).astype(np.float64), np.asarray(b, dtype=np.float64), atol=atol, rtol=1e-5)


# ---- every primitive has a rule ----------------------------------------------------------------
def test_every_primitive_has_a_batching_rule_or_is_listed_unsupported():
    missing = sorted(n for n in PRIMITIVES if n not in RULES and n not in UNSUPPORTED)
    assert not missing, f"primitives without a batching rule: {missing}"
    assert not set(RULES) & set(UNSUPPORTED)
    assert set(UNSUPPORTED) <= set(PRIMITIVES)


# ---- vmap == a per-example loop, over the OpSpec table ----------------------------------------------
SPECS = [s for s in load_all() if not s.nondeterministic]
B = 3
# Ops whose frontends read tensor values in Python (data-dependent), or wrap the op in checks that
# call .numpy(): vmap raises a clear error for them instead.
_DATA_DEPENDENT = ("vmap: It looks like", "vmap: cannot")


def _examples(sample):
    flat, spec = tree_flatten((sample.args, sample.kwargs))
    pos = [i for i, a in enumerate(flat) if isinstance(a, ft.Tensor)]
    out = []
    for b in range(B):
        fl = list(flat)
        for i in pos:
            t = flat[i]
            fl[i] = t * (1 + 0.01 * b) + 0.001 * b if t.dtype.is_floating_point and t.numel() else t.clone()
        out.append(fl)
    return flat, spec, pos, out


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("mode", ["all", "first", "last"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_vmap_matches_loop_over_opspec_samples(spec, mode):
    fn = spec.fn()
    dtype = ft.float64 if ft.float64 in spec.dtypes else spec.dtypes[0]
    for sample in spec.samples(dtype):
        if "out" in sample.kwargs:
            continue
        flat, tspec, pos, ex = _examples(sample)
        if not pos or (mode == "last" and spec.name == "as_strided"):
            continue  # as_strided addresses memory: an interleaved batch layout changes its meaning
        if mode == "first":
            for b in range(1, B):
                for i in pos[1:]:
                    ex[b][i] = ex[0][i]
        try:
            expected = [fn(*a, **k) for a, k in (tree_unflatten(e, tspec) for e in ex)]
        except Exception:
            continue  # the op rejects this sample anyway
        exp_flat = [tree_flatten(e)[0] for e in expected]
        if not exp_flat[0] or not all(isinstance(o, ft.Tensor) for o in exp_flat[0]):
            continue
        sd = -1 if mode == "last" else 0
        batched = [ft.stack([ex[b][i] for b in range(B)], dim=sd) for i in pos]
        in_dims = tuple(sd for _ in pos)
        if mode == "first":
            batched = [batched[0]] + [ex[0][i] for i in pos[1:]]
            in_dims = (0,) + (None,) * (len(pos) - 1)

        def call(*ts):
            fl = list(flat)
            for i, t in zip(pos, ts):
                fl[i] = t
            a, k = tree_unflatten(fl, tspec)
            return fn(*a, **k)

        try:
            got = vmap(call, in_dims=in_dims)(*batched)
        except (RuntimeError, NotImplementedError) as e:
            if str(e).startswith(_DATA_DEPENDENT):
                continue
            raise AssertionError(f"{spec.name}[{sample.name}] ({mode}): {type(e).__name__}: {e}") from e
        got_flat = tree_flatten(got)[0]
        for k, g in enumerate(got_flat):
            e = np.stack([_np(x[k].float() if x[k].dtype == ft.bfloat16 else x[k]) for x in exp_flat])
            what = f"{spec.name}[{sample.name}] ({mode}) output {k}"
            assert tuple(g.shape) == e.shape, f"{what}: shape {tuple(g.shape)} != {e.shape}"
            assert g.dtype == exp_flat[0][k].dtype, f"{what}: dtype {g.dtype}"
            gv = _np(g.float() if g.dtype == ft.bfloat16 else g).astype(np.float64)
            np.testing.assert_allclose(gv, e.astype(np.float64), atol=1e-6, rtol=1e-5, equal_nan=True, err_msg=what)


# ---- against torch.func.vmap -------------------------------------------------------------------
try:
    import torch
except ImportError:  # the torch comparisons are skipped; the loop-oracle tests above still run
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is the oracle for these tests")
rng = np.random.default_rng(0)


def _pair(*shape):
    a = rng.standard_normal(shape)
    return ft.tensor(a), (torch.tensor(a) if torch is not None else None)


CASES = [
    # name, fx fn, torch fn, arg shapes, in_dims
    ("add-broadcast", lambda a, b: a + b, lambda a, b: a + b, [(4, 3, 5), (5,)], (0, None)),
    ("add-both-ranks", lambda a, b: a * b, lambda a, b: a * b, [(4, 5), (4, 3, 5)], 0),
    ("unbatched-higher-rank", lambda a, b: a - b, lambda a, b: a - b, [(4, 5), (2, 3, 5)], (0, None)),
    ("where", lambda a, b: ft.where(a > 0, a, b), lambda a, b: torch.where(a > 0, a, b), [(4, 3), (3,)], (0, None)),
    ("sum-dims-keepdim", lambda a: a.sum((0, -1), keepdim=True), lambda a: a.sum((0, -1), keepdim=True),
     [(4, 2, 3, 5)], 0),
    ("mean-all", lambda a: a.mean(), lambda a: a.mean(), [(4, 2, 3)], 0),
    ("amax-neg", lambda a: a.amax(-2), lambda a: a.amax(-2), [(4, 2, 3)], 0),
    ("var", lambda a: a.var(1, keepdim=True), lambda a: a.var(1, keepdim=True), [(4, 2, 3)], 0),
    ("logsumexp", lambda a: a.logsumexp(-1), lambda a: a.logsumexp(-1), [(4, 2, 3)], 0),
    ("argmax-flat", lambda a: a.argmax(), lambda a: a.argmax(), [(4, 2, 3)], 0),
    ("max-dim", lambda a: a.max(1).indices, lambda a: a.max(1).indices, [(4, 2, 3)], 0),
    ("cumsum", lambda a: a.cumsum(-1), lambda a: a.cumsum(-1), [(4, 2, 3)], 0),
    ("sort", lambda a: a.sort(0, descending=True).values, lambda a: a.sort(0, descending=True).values,
     [(4, 5, 3)], 0),
    ("matmul-1d-1d", lambda a, b: a @ b, lambda a, b: a @ b, [(4, 3), (4, 3)], 0),
    ("matmul-1d-2d", lambda a, b: a @ b, lambda a, b: a @ b, [(4, 3), (3, 5)], (0, None)),
    ("matmul-2d-1d", lambda a, b: a @ b, lambda a, b: a @ b, [(4, 2, 3), (3,)], (0, None)),
    ("matmul-1d-batchedvec", lambda a, b: a @ b, lambda a, b: a @ b, [(3,), (4, 3)], (None, 0)),
    ("matmul-2d-batchedvec", lambda a, b: a @ b, lambda a, b: a @ b, [(2, 3), (4, 3)], (None, 0)),
    ("matmul-3d-2d", lambda a, b: a @ b, lambda a, b: a @ b, [(4, 6, 2, 3), (4, 3, 5)], 0),
    ("matmul-2d-3d-unbatched", lambda a, b: a @ b, lambda a, b: a @ b, [(4, 2, 3), (6, 3, 5)], (0, None)),
    ("matmul-unbatched-3d", lambda a, b: a @ b, lambda a, b: a @ b, [(6, 2, 3), (4, 3, 5)], (None, 0)),
    ("matmul-1d-3d", lambda a, b: a @ b, lambda a, b: a @ b, [(4, 3), (4, 6, 3, 5)], 0),
    ("einsum", lambda a, b: ft.einsum("ij,jk->ik", a, b), lambda a, b: torch.einsum("ij,jk->ik", a, b),
     [(4, 2, 3), (3, 5)], (0, None)),
    ("view", lambda a: a.reshape(6, -1).t(), lambda a: a.reshape(6, -1).t(), [(4, 2, 3, 5)], 0),
    ("view-in-dim-2", lambda a: a.reshape(-1), lambda a: a.reshape(-1), [(2, 3, 4)], 2),
    ("permute", lambda a: a.permute(2, 0, 1), lambda a: a.permute(2, 0, 1), [(4, 2, 3, 5)], 0),
    ("expand", lambda a: a.unsqueeze(0).expand(2, 3, 5), lambda a: a.unsqueeze(0).expand(2, 3, 5),
     [(4, 3, 5)], 0),
    ("slice-select", lambda a: a[1:, 2], lambda a: a[1:, 2], [(4, 3, 5)], 0),
    ("narrow-step", lambda a: a[:, ::2].narrow(0, 1, 2), lambda a: a[:, ::2].narrow(0, 1, 2), [(4, 3, 5)], 0),
    ("diagonal", lambda a: a.diagonal(0, -2, -1), lambda a: a.diagonal(0, -2, -1), [(4, 3, 3)], 0),
    ("unfold", lambda a: a.unfold(1, 2, 1), lambda a: a.unfold(1, 2, 1), [(4, 3, 5)], 0),
    ("index-tensor", lambda a: a[ft.tensor([2, 0, 2])], lambda a: a[torch.tensor([2, 0, 2])], [(4, 3, 5)], 0),
    ("index-separated", lambda a: a[ft.tensor([0, 1]), :, ft.tensor([1, 2])],
     lambda a: a[torch.tensor([0, 1]), :, torch.tensor([1, 2])], [(4, 3, 2, 5)], 0),
    ("gather", lambda a: a.gather(1, ft.tensor([[0, 2], [1, 1], [2, 0]])),
     lambda a: a.gather(1, torch.tensor([[0, 2], [1, 1], [2, 0]])), [(4, 3, 5)], 0),
    ("cat", lambda a, b: ft.cat([a, b, a], dim=-1), lambda a, b: torch.cat([a, b, a], dim=-1),
     [(4, 3, 2), (3, 5)], (0, None)),
    ("stack", lambda a, b: ft.stack([a, b], 1), lambda a, b: torch.stack([a, b], 1), [(4, 3, 2), (3, 2)],
     (0, None)),
    ("softmax", lambda a: ft.softmax(a, -1), lambda a: torch.softmax(a, -1), [(4, 3, 5)], 0),
    ("log-softmax-dim0", lambda a: ft.log_softmax(a, 0), lambda a: torch.log_softmax(a, 0), [(4, 3, 5)], 0),
    ("softmax-composite", lambda a: (a - a.amax(-1, keepdim=True)).exp() / (a - a.amax(-1, keepdim=True)).exp().sum(
        -1, keepdim=True), lambda a: torch.softmax(a, -1), [(4, 3, 5)], 0),
    ("linalg-solve", lambda a, b: ft.linalg.solve(a @ a.mT + ft.eye(3), b),
     lambda a, b: torch.linalg.solve(a @ a.mT + torch.eye(3, dtype=a.dtype), b), [(4, 3, 3), (3, 2)], (0, None)),
    ("inv", lambda a: ft.linalg.inv(a @ a.mT + ft.eye(3)), lambda a: torch.linalg.inv(a @ a.mT + torch.eye(3,
     dtype=a.dtype)), [(4, 3, 3)], 0),
    ("flip-roll", lambda a: a.flip(0).roll(1, -1), lambda a: a.flip(0).roll(1, -1), [(4, 3, 5)], 0),
    ("pad-tril", lambda a: ft.tril(a).clone(), lambda a: torch.tril(a), [(4, 3, 5)], 0),
    ("topk", lambda a: a.topk(2, dim=0).indices, lambda a: a.topk(2, dim=0).indices, [(4, 5, 3)], 0),
    ("in-place-on-batched", lambda a: a.clone().mul_(2).add_(1), lambda a: a.clone().mul_(2).add_(1),
     [(4, 3)], 0),
    ("setitem", lambda a: _setitem(a, ft), lambda a: _setitem(a, torch), [(4, 3, 5)], 0),
]


def _setitem(a, lib):
    a = a.clone()
    a[1, :2] = 7.0
    a[0] = a[2] * 2
    return a


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@needs_torch
def test_vmap_matches_torch(case):
    _, f, tf, shapes, in_dims = case
    args = [_pair(*s) for s in shapes]
    got = vmap(f, in_dims=in_dims)(*[a for a, _ in args])
    exp = torch.func.vmap(tf, in_dims=in_dims)(*[t for _, t in args])
    assert tuple(got.shape) == tuple(exp.shape)
    _close(got, exp.numpy())


# ---- in_dims / out_dims ------------------------------------------------------------------------
@needs_torch
def test_in_dims_variants():
    x, tx = _pair(3, 4)
    y, ty = _pair(4, 3)
    f = lambda a, b: a * b.sum()  # noqa: E731
    tf = lambda a, b: a * b.sum()  # noqa: E731
    for dims in [(0, 1), (1, None), (-1, -2), (None, 0)]:
        _close(vmap(f, in_dims=dims)(x, y), torch.func.vmap(tf, in_dims=dims)(tx, ty).numpy())


@needs_torch
def test_nested_in_dims_and_pytree_inputs_outputs():
    x, tx = _pair(3, 4)
    y, ty = _pair(4, 3)

    def f(d, pair):
        return {"s": d["a"] + pair[0], "t": (pair[1] * 2,)}

    def tf(d, pair):
        return {"s": d["a"] + pair[0], "t": (pair[1] * 2,)}

    in_dims = ({"a": 0}, [1, None])
    got = vmap(f, in_dims=in_dims, out_dims={"s": 1, "t": (0,)})({"a": x}, [y, x])
    exp = torch.func.vmap(tf, in_dims=in_dims, out_dims={"s": 1, "t": (0,)})({"a": tx}, [ty, tx])
    assert set(got) == {"s", "t"} and isinstance(got["t"], tuple)
    _close(got["s"], exp["s"].numpy())
    _close(got["t"][0], exp["t"][0].numpy())


@needs_torch
def test_out_dims_variants_and_unbatched_outputs():
    x, tx = _pair(3, 4)
    w, tw = _pair(4)
    f = lambda a: (a * 2, w + 1)  # noqa: E731
    tf = lambda a: (a * 2, tw + 1)  # noqa: E731
    for od in [0, (1, 0), (-1, 0), (-2, 0)]:
        got = vmap(f, out_dims=od)(x)
        exp = torch.func.vmap(tf, out_dims=od)(tx)
        for g, e in zip(got, exp):
            assert tuple(g.shape) == tuple(e.shape)
            _close(g, e.numpy())
    got = vmap(f, out_dims=(0, None))(x)
    assert tuple(got[1].shape) == (4,)
    _close(got[1], (tw + 1).numpy())


@needs_torch
def test_kwargs_are_not_batched():
    x, tx = _pair(3, 4)
    got = vmap(lambda a, scale: a * scale)(x, scale=ft.ones(4) * 2)
    _close(got, (tx * 2).numpy())


@needs_torch
def test_nested_vmap():
    x, tx = _pair(2, 3, 4)
    y, ty = _pair(3, 4)
    f = lambda a, b: (a * b).sum(-1)  # noqa: E731
    got = vmap(vmap(f, in_dims=(0, 0)), in_dims=(0, None))(x, y)
    exp = torch.func.vmap(torch.func.vmap(f, in_dims=(0, 0)), in_dims=(0, None))(tx, ty)
    _close(got, exp.numpy())
    # the inner vmap maps the outer's captured batched value
    got = vmap(lambda a: vmap(lambda b: a @ b, in_dims=1)(y.t()))(x)
    exp = torch.func.vmap(lambda a: torch.func.vmap(lambda b: a @ b, in_dims=1)(ty.t()))(tx)
    _close(got, exp.numpy())


@needs_torch
def test_chunk_size_gives_the_same_result():
    x, tx = _pair(7, 3)
    f = lambda a: (a.sin(), a.sum())  # noqa: E731
    full = vmap(f)(x)
    for cs in (1, 2, 3, 7, 10):
        got = vmap(f, chunk_size=cs)(x)
        for g, e in zip(got, full):
            _close(g, _np(e))


# ---- composition with autograd -----------------------------------------------------------------
@needs_torch
def test_vmap_of_grad_gives_per_example_gradients():
    w, tw = _pair(3, 2)
    x, tx = _pair(5, 3)

    def loss(w, x):
        return (x @ w).tanh().pow(2).sum()

    def tloss(w, x):
        return (x @ w).tanh().pow(2).sum()

    got = vmap(grad(loss), in_dims=(None, 0))(w, x)
    exp = torch.func.vmap(torch.func.grad(tloss), in_dims=(None, 0))(tw, tx)
    assert tuple(got.shape) == (5, 3, 2)
    _close(got, exp.numpy())
    got = vmap(grad(loss, argnums=1), in_dims=(None, 0))(w, x)
    _close(got, torch.func.vmap(torch.func.grad(tloss, argnums=1), in_dims=(None, 0))(tw, tx).numpy())


@needs_torch
def test_grad_of_vmap_and_vmap_of_vjp_and_jacrev():
    x, tx = _pair(4, 3)
    got = grad(lambda a: vmap(lambda r: (r * r).sum().sqrt())(a).sum())(x)
    exp = torch.func.grad(lambda a: torch.func.vmap(lambda r: (r * r).sum().sqrt())(a).sum())(tx)
    _close(got, exp.numpy())
    out, fn = vjp(ft.sin, x)
    got = vmap(fn)(ft.ones(5, 4, 3))[0]
    _close(got, np.broadcast_to(np.cos(_np(x)), (5, 4, 3)))
    got = vmap(jacrev(lambda r: r.exp() * r.sum()))(x)
    exp = torch.func.vmap(torch.func.jacrev(lambda r: r.exp() * r.sum()))(tx)
    _close(got, exp.numpy())


def test_vmap_records_autograd_through_the_batch():
    x = ft.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    y = vmap(lambda r: (r * r).sum())(x)
    y.sum().backward()
    _close(x.grad, 2 * _np(x.detach()))


# ---- randomness --------------------------------------------------------------------------------
def test_randomness_error_same_different():
    x = ft.zeros(4, 3)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        vmap(lambda a: a + ft.rand(3))(x)
    same = vmap(lambda a: a + ft.rand(3), randomness="same")(x)
    assert np.all(_np(same) == _np(same)[0])
    diff = vmap(lambda a: a + ft.randn(3), randomness="different")(x)
    assert tuple(diff.shape) == (4, 3) and len({tuple(r) for r in _np(diff).tolist()}) == 4
    inplace = vmap(lambda a: a.clone().normal_(), randomness="different")(x)
    assert len({tuple(r) for r in _np(inplace).tolist()}) == 4
    inplace_same = vmap(lambda a: a.clone().uniform_(), randomness="same")(x)
    assert np.all(_np(inplace_same) == _np(inplace_same)[0])
    perm = vmap(lambda a: ft.randperm(5) + a.sum().long(), randomness="different")(x)
    assert sorted(_np(perm)[0].tolist()) == list(range(5))
    with pytest.raises(RuntimeError, match="randomness"):
        vmap(lambda a: a, randomness="sometimes")


def test_randomness_error_is_per_thread():
    import threading

    seen = []

    def other_thread():
        seen.append(tuple(ft.rand(2).shape))

    def f(a):
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
        return a * 2

    vmap(f)(ft.ones(3, 2))
    assert seen == [(2,)]


def test_random_prims_are_listed():
    assert set(RULES) >= RANDOM


# ---- errors ------------------------------------------------------------------------------------
def test_errors_match_torch():
    x = ft.ones(3, 4)
    with pytest.raises(ValueError, match="in_dims is not compatible with the structure"):
        vmap(lambda a, b: a, in_dims=(0, 0, 0))(x, x)
    with pytest.raises(ValueError, match="expected `in_dims` to be int or a"):
        vmap(lambda a: a, in_dims=[0])(x)
    with pytest.raises(ValueError, match="Got in_dim=0 for an input but the input is of type"):
        vmap(lambda a, b: a, in_dims=(0, 0))(x, 3.0)
    with pytest.raises(ValueError, match="expected in_dim to satisfy -2 <= in_dim < 2"):
        vmap(lambda a: a, in_dims=2)(x)
    with pytest.raises(ValueError, match="same size in the mapped dimension, got sizes \\[3, 2\\]"):
        vmap(lambda a, b: a)(x, ft.ones(2))
    with pytest.raises(ValueError, match="at least one Tensor to vmap over"):
        vmap(lambda a: a, in_dims=(None,))(x)
    with pytest.raises(ValueError, match="got no inputs"):
        vmap(lambda: x)()
    with pytest.raises(ValueError, match="can not return a BatchedTensor when out_dim is None"):
        vmap(lambda a: a, out_dims=None)(x)
    with pytest.raises(ValueError, match="must only return Tensors, got type"):
        vmap(lambda a: 3.0)(x)
    with pytest.raises(ValueError, match="out_dims is not compatible"):
        vmap(lambda a: (a, a), out_dims=(0, 0, 0))(x)
    with pytest.raises(ValueError, match="chunk_size should be None or greater than 0"):
        vmap(lambda a: a, chunk_size=0)


def test_data_dependent_python_raises():
    x = ft.ones(3, 4)
    with pytest.raises(RuntimeError, match="item"):
        vmap(lambda a: a.sum().item())(x)
    with pytest.raises(RuntimeError, match="data-dependent control flow"):
        vmap(lambda a: a if a.sum() > 0 else -a)(x)
    with pytest.raises(RuntimeError, match="cannot batch the primitive 'nonzero'"):
        vmap(ft.nonzero)(x)
    with pytest.raises(RuntimeError, match="not possible because there exists a Tensor `other`"):
        buf = ft.zeros(4)
        vmap(lambda a: buf.copy_(a))(x)


def test_missing_rule_raises_not_implemented_naming_the_primitive():
    prim = _dispatch.define("vmap_test_dummy")
    prim.kernels[np.ndarray] = lambda a: a.copy()
    try:
        with pytest.raises(NotImplementedError, match="'vmap_test_dummy' has no batching rule"):
            vmap(lambda a: prim(a))(ft.ones(3, 2))
        assert vmap(lambda a: prim(ft.ones(2)) + a)(ft.ones(3, 2)).shape == (3, 2)  # unbatched inputs pass
    finally:
        del PRIMITIVES["vmap_test_dummy"]


# ---- no per-example loop -----------------------------------------------------------------------
def _model(x):
    h = (x @ ft.ones(3, 8)).relu()
    return ft.cat([h, h * 2], -1).softmax(-1).sum() if hasattr(ft.Tensor, "softmax") else ft.cat([h, h * 2], -1).sum()


def _counted(batch):
    calls = {"fn": 0, "prims": 0}

    def counter(prim, inputs, params):
        calls["prims"] += 1
        return prim.call_next(counter, inputs, params)

    def f(x):
        calls["fn"] += 1
        return grad(_model)(x) * x[0]

    _dispatch.push_interposer(counter)
    try:
        out = vmap(f)(ft.ones(batch, 3))
    finally:
        _dispatch.pop_interposer(counter)
    assert tuple(out.shape) == (batch, 3)
    return calls


def test_function_runs_once_and_primitive_calls_do_not_grow_with_the_batch():
    small, big = _counted(2), _counted(64)
    assert small["fn"] == 1 and big["fn"] == 1
    assert small["prims"] == big["prims"] > 0
