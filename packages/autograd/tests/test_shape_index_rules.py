"""Shape, joining, indexing and scatter rules: first and second derivatives against torch autograd.

Each case is `fn(lib, *inputs)` run once with fx.tensor and once with torch (float64 inputs take
gradients, integer/bool inputs are indices). The check compares the outputs, the vector-Jacobian
products for a random cotangent, and the gradients of <vjp, w> with respect to the inputs and the
cotangent (double backward through every rule, including the rules the first backward used).
"""

from __future__ import annotations

import gc
import weakref
import zlib

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft
from fx.tensor._ops.index import P_setitem_basic

torch = pytest.importorskip("torch")
rng = np.random.default_rng(0)


def F(*shape):
    return rng.standard_normal(shape)


def I(v):  # noqa: E743
    return np.array(v, dtype=np.int64)


def B(v):
    return np.array(v, dtype=bool)


def pad(lib):
    return ft.pad if lib is ft else torch.nn.functional.pad


def setitem(key_fn, scalar=None):
    """y = x * 1; y[key] = v (v an input or a number): gradients through an in-place write."""
    def fn(lib, x, *rest):
        y = x * 1
        idx = [r for r in rest if not r.dtype.is_floating_point]
        vals = [r for r in rest if r.dtype.is_floating_point]
        y[key_fn(*idx)] = scalar if scalar is not None else vals[0]
        return y
    return fn


def setitem_fresh(lib, v, i):
    """A write of a grad-requiring value into a tensor that has no history of its own."""
    z = lib.zeros(4, 3, dtype=lib.float64)
    z[i] = v
    return z * 2


def index_put_inplace(lib, x, v, i, j):
    y = x * 1
    y.index_put_((i, j), v, accumulate=True)
    return y


def write_through_view(lib, x, v, i):
    y = x * 1
    y[1][i] = v
    y.t()[0, 1:] = v[:2] * 3
    return y


def masked_fill_inplace(lib, x, k):
    y = x * 1
    y.masked_fill_(k, -1.0)
    return y


def scatter_inplace(lib, x, i, s):
    y = x * 1
    y.scatter_add_(0, i, s)
    return y * y


def setitem_basic(lib, x, v):  # the primitive no frontend calls yet: x[0:3:2, 1] = v, out of place
    if lib is ft:
        return P_setitem_basic(x, v, key=((0, 3, 2), 1))
    y = x.clone()
    y[0:3:2, 1] = v
    return y


MASK34 = B([[1, 0, 1, 1], [0, 0, 0, 0], [1, 1, 0, 1]])
DUP = I([0, 2, 0, -1, 3])

CASES = [
    # ---- joining / splitting
    ("cat", lambda m, a, b, c: m.cat([a, b.transpose(0, 1), c], -1), [F(3, 2), F(4, 3), F(3, 1)]),
    ("cat_legacy_empty", lambda m, a, e, b: m.cat([a, e, b]), [F(2), F(0), F(3)]),
    ("stack", lambda m, a, b: m.stack([a, b[:, ::2]], 1), [F(3, 4), F(3, 8)]),
    ("hstack", lambda m, a, b: m.hstack([a, b]), [F(2), F(3)]),
    ("split", lambda m, x: x.split([1, 3], dim=1), [F(2, 4)]),
    ("split_int", lambda m, x: m.split(x, 2), [F(5, 2)]),
    ("chunk", lambda m, x: x.chunk(3, dim=0), [F(5, 2)]),
    ("unbind", lambda m, x: m.unbind(x, 1), [F(2, 3)]),
    ("repeat", lambda m, x: x.repeat(2, 1, 3), [F(3, 2)]),
    ("tile", lambda m, x: m.tile(x.t(), (2,)), [F(3, 2)]),
    ("expand_reshape", lambda m, x: x.unsqueeze(1).expand(3, 2, 4).reshape(6, 4).t().reshape(-1), [F(3, 4)]),
    ("repeat_interleave_int", lambda m, x: m.repeat_interleave(x, 2, dim=0), [F(3, 2)]),
    ("repeat_interleave_flat", lambda m, x: x.repeat_interleave(3), [F(2, 2)]),
    ("repeat_interleave_tensor", lambda m, x, r: m.repeat_interleave(x, r, dim=1), [F(2, 3), I([1, 0, 2])]),
    # ---- data-moving shape ops
    ("flip", lambda m, x: m.flip(x.transpose(0, 2), (0, -1)), [F(2, 3, 4)]),
    ("fliplr", lambda m, x: m.fliplr(x), [F(2, 3)]),
    ("rot90", lambda m, x: (m.rot90(x), m.rot90(x, 2, (1, 0)), m.rot90(x, 3)), [F(2, 3)]),
    ("roll_flat", lambda m, x: m.roll(x, 3), [F(3, 4)]),
    ("roll_dims", lambda m, x: m.roll(x.t(), (1, -2, 5), (0, 1, 0)), [F(3, 4)]),
    ("tril", lambda m, x: m.tril(x, -1), [F(2, 3, 4)]),
    ("triu", lambda m, x: m.triu(x.transpose(1, 2), 1), [F(2, 3, 4)]),
    ("tril_", lambda m, x: (x * 1).tril_(), [F(3, 3)]),
    ("diag_embed", lambda m, x: m.diag_embed(x, 1, 0, 2), [F(2, 3)]),
    ("diag_embed_neg", lambda m, x: m.diag_embed(x.t(), -2), [F(3, 2)]),
    ("diag_1d", lambda m, x: m.diag(x, -1), [F(3)]),
    ("diag_2d", lambda m, x: m.diag(x, 1), [F(3, 4)]),
    ("diagflat", lambda m, x: m.diagflat(x), [F(2, 2)]),
    ("pad_constant", lambda m, x: pad(m)(x, (1, 2, 0, 1), value=3.0), [F(2, 3)]),
    ("pad_crop", lambda m, x: pad(m)(x.t(), (-1, 2, 1, -2)), [F(4, 3)]),
    ("pad_reflect", lambda m, x: pad(m)(x, (2, 1), mode="reflect"), [F(2, 3, 5)]),
    ("pad_reflect_neg", lambda m, x: pad(m)(x, (-1, 2), mode="reflect"), [F(2, 3, 5)]),
    ("pad_reflect_2d", lambda m, x: pad(m)(x, (1, 2, 2, 0), mode="reflect"), [F(1, 2, 4, 5)]),
    ("pad_replicate_3d", lambda m, x: pad(m)(x, (1, 0, 2, 1, 0, 2), mode="replicate"), [F(1, 1, 3, 3, 4)]),
    ("pad_circular", lambda m, x: pad(m)(x.transpose(2, 3), (2, 1, 1, 2), mode="circular"), [F(1, 2, 4, 3)]),
    ("pad_circular_neg", lambda m, x: pad(m)(x, (-1, 3), mode="circular"), [F(2, 4)]),
    # ---- x[key]
    ("index_dup_neg", lambda m, x, i: x[i], [F(4, 3), DUP]),
    ("index_dim1", lambda m, x, i: x[:, i], [F(3, 4), I([[1, -1], [1, 0]])]),
    ("index_pair", lambda m, x, i, j: x[i, j], [F(3, 4), I([[0], [2], [2]]), I([1, -1])]),
    ("index_separated", lambda m, x, i, j: x[i, :, j], [F(3, 2, 4), I([0, 2, 0]), I([1, 1, 3])]),
    ("index_none_ellipsis", lambda m, x, i: x[None, ..., i, 1:], [F(2, 3, 4), I([2, 2, 0])]),
    ("index_int_tensor", lambda m, x, i: x.t()[1, i], [F(4, 3), I([3, 3, -4])]),
    ("index_mask", lambda m, x, k: x[k], [F(3, 4), MASK34]),
    ("index_mask_rows", lambda m, x, k: x.t()[1:, k], [F(3, 4), B([1, 0, 1])]),
    ("index_mask_mixed", lambda m, x, k, i: x[k, i], [F(3, 4), B([1, 0, 1]), I([3, 0])]),
    ("index_list", lambda m, x: x[[0, 0, 1]], [F(3, 2)]),
    ("index_bool_scalar", lambda m, x: x[True], [F(2, 3)]),
    ("masked_select", lambda m, x, k: m.masked_select(x, k), [F(2, 3, 4), MASK34[1:2] | MASK34[0:1]]),
    # ---- x[key] = v
    ("setitem_dup", setitem(lambda i: i), [F(4, 3), F(5, 3), DUP]),
    ("setitem_broadcast_value", setitem(lambda i: (i, slice(1, None))), [F(4, 3), F(2), I([1, 3])]),
    ("setitem_mask", setitem(lambda k: k), [F(3, 4), F(6), MASK34]),
    ("setitem_mask_0d", setitem(lambda k: k), [F(3, 4), F(), MASK34]),
    ("setitem_basic_slice", setitem(lambda: (slice(1, None), 0)), [F(3, 4), F(2)]),
    ("setitem_number", setitem(lambda i: (slice(None), i), scalar=2.0), [F(3, 4), I([0, -1])]),
    ("setitem_fresh", setitem_fresh, [F(2, 3), I([3, 0])]),
    ("setitem_view", write_through_view, [F(3, 4), F(3), I([0, 2, 3])]),
    ("setitem_basic_prim", setitem_basic, [F(3, 4), F(2)]),
    ("setitem_basic_prim_lead1", setitem_basic, [F(3, 4), F(1, 2)]),
    # ---- index_put and the masked ops
    ("index_put_acc", lambda m, x, v, i: x.index_put((i,), v, accumulate=True), [F(4, 3), F(5, 3), DUP]),
    ("index_put", lambda m, x, v, i: x.t().index_put((i,), v), [F(4, 3), F(4), I([2, 0])]),
    ("index_put_pair", lambda m, x, v, i, j: m.index_put(x, (i, j), v), [F(3, 4), F(2), I([0, 2]), I([-1, 1])]),
    ("index_put_mask", lambda m, x, v, k: x.index_put((k,), v), [F(3, 4), F(6), MASK34]),
    ("index_put_inplace", index_put_inplace, [F(3, 4), F(3), I([0, 2, 0]), I([1, 1, 1])]),
    ("masked_fill", lambda m, x, k: x.masked_fill(k, 2.0), [F(3, 4), MASK34[1:2] | True]),
    ("masked_fill_value", lambda m, x, k, v: x.masked_fill(k, v), [F(2, 3, 4), MASK34, F()]),
    ("masked_fill_inplace", masked_fill_inplace, [F(3, 4), MASK34]),
    ("masked_scatter", lambda m, x, k, s: x.masked_scatter(k, s), [F(3, 4), MASK34, F(9)]),
    ("where", lambda m, k, x, y: m.where(k, x, y), [MASK34, F(3, 4), F(4)]),
    # ---- index_* along one dim, take/put
    ("index_select", lambda m, x, i: m.index_select(x.t(), 1, i), [F(4, 3), I([3, 0, 3])]),
    ("index_select_0d", lambda m, x, i: m.index_select(x, 0, i), [F(), I(0)]),
    ("index_add", lambda m, x, i, s: x.index_add(0, i, s, alpha=2.0), [F(4, 3), I([0, 2, 0]), F(3, 3)]),
    ("index_copy", lambda m, x, i, s: x.index_copy(1, i, s), [F(2, 4), I([3, 0]), F(2, 2)]),
    ("index_fill", lambda m, x, i: x.index_fill(1, i, -1.0), [F(2, 4), I([3, 0, 3])]),
    ("index_fill_value", lambda m, x, i, v: x.index_fill(0, i, v), [F(3, 2), I([1]), F()]),
    ("take", lambda m, x, i: m.take(x.t(), i), [F(3, 4), I([[0, 11], [-1, 0]])]),
    ("put_acc", lambda m, x, i, s: x.put(i, s, accumulate=True), [F(3, 4), I([0, 5, 0, -1]), F(4)]),
    ("put", lambda m, x, i, s: x.put(i, s), [F(3, 4), I([1, 5, -1]), F(3)]),
    ("take_along_dim", lambda m, x, i: m.take_along_dim(x, i, 1), [F(3, 4), I([[0, 3], [1, 1], [2, 0]])]),
    ("take_along_dim_flat", lambda m, x, i: m.take_along_dim(x, i), [F(3, 4), I([11, 0, 0])]),
    # ---- gather / scatter
    ("gather", lambda m, x, i: m.gather(x, 1, i), [F(3, 4), I([[0, 3, 3], [1, 1, 0]])]),
    ("gather_dim0", lambda m, x, i: m.gather(x.t(), 0, i), [F(3, 4), I([[2, 0], [2, 2]])]),
    ("gather_0d", lambda m, x, i: m.gather(x, 0, i), [F(), I(0)]),
    ("scatter", lambda m, x, i, s: m.scatter(x, 0, i, s), [F(3, 4), I([[0, 1, 2], [2, 0, 1]]), F(2, 3)]),
    ("scatter_dup", lambda m, x, i, s: m.scatter(x.t(), 1, i, s), [F(3, 4), I([[0, 0], [2, 2]]), F(2, 2)]),
    ("scatter_value", lambda m, x, i: x.scatter(1, i, 1.5), [F(3, 4), I([[0, 1], [3, 3], [2, 0]])]),
    ("scatter_add", lambda m, x, i, s: x.scatter_add(1, i, s), [F(2, 4), I([[0, 0, 3], [1, 1, 1]]), F(2, 3)]),
    ("scatter_add_inplace", scatter_inplace, [F(3, 2), I([[0, 0], [2, 0]]), F(2, 2)]),
    ("scatter_sum_noself", lambda m, x, i, s: x.scatter_reduce(0, i, s, "sum", include_self=False),
     [F(4, 2), I([[0, 0], [2, 0], [0, 1]]), F(3, 2)]),
    ("scatter_mean", lambda m, x, i, s: x.scatter_reduce(1, i, s, "mean"), [F(2, 3), I([[0, 0, 2], [1, 1, 1]]), F(2, 3)]),
    ("scatter_mean_noself", lambda m, x, i, s: x.scatter_reduce(1, i, s, "mean", include_self=False),
     [F(2, 3), I([[0, 0, 2], [1, 1, 1]]), F(2, 3)]),
    ("scatter_prod", lambda m, x, i, s: x.scatter_reduce(0, i, s, "prod"), [F(3, 2), I([[0, 0], [2, 0], [0, 1]]), F(3, 2)]),
    ("scatter_prod_zero", lambda m, x, i, s: x.scatter_reduce(0, i, s, "prod", include_self=False),
     [np.array([0.0, 2.0, 3.0, 4.0]), I([0, 0, 1, 1, 2]), np.array([0.0, 5.0, 0.0, 0.5, 0.0])]),
    ("scatter_multiply", (lambda m, x, i, s: x.scatter(0, i, s, reduce="multiply"),  # torch: no derivative
                          lambda m, x, i, s: x.scatter_reduce(0, i, s, "prod")), [F(4), I([1, 1, 3]), F(3)]),
    ("scatter_amax_ties", lambda m, x, i, s: x.scatter_reduce(0, i, s, "amax"),
     [np.array([1.0, 5.0, 0.0]), I([0, 0, 1, 2, 2]), np.array([3.0, 3.0, 5.0, -1.0, -2.0])]),
    ("scatter_amin_noself", lambda m, x, i, s: x.scatter_reduce(1, i, s, "amin", include_self=False),
     [F(2, 3), I([[0, 0, 2], [1, 2, 1]]), F(2, 3)]),
    ("index_reduce_prod", lambda m, x, i, s: x.index_reduce(0, i, s, "prod"), [F(3, 2), I([0, 2, 0]), F(3, 2)]),
    ("index_reduce_amax", lambda m, x, i, s: x.index_reduce(1, i, s, "amax", include_self=False),
     [F(2, 3), I([0, 0, 1]), F(2, 3)]),
    ("index_reduce_mean", lambda m, x, i, s: x.index_reduce(0, i, s, "mean"), [F(3, 2), I([0, 2, 0]), F(3, 2)]),
]

# Cases whose double backward torch refuses (two zero sources on one position of a product).
FIRST_ORDER_ONLY = {"scatter_prod_zero"}


def _run(lib, fn, arrays, cot_seed, second):
    is_float = [a.dtype.kind == "f" for a in arrays]
    if lib is ft:
        inputs = [ft.tensor(a, requires_grad=f) for a, f in zip(arrays, is_float)]
        grad = ag.grad
    else:
        inputs = [torch.tensor(a, requires_grad=f) for a, f in zip(arrays, is_float)]
        grad = torch.autograd.grad
    if isinstance(fn, tuple):
        fn = fn[lib is torch]
    outs = fn(lib, *inputs)
    outs = tuple(outs) if isinstance(outs, (tuple, list)) else (outs,)
    r = np.random.default_rng(cot_seed)
    cots = [lib.tensor(r.standard_normal(tuple(o.shape)), requires_grad=True) for o in outs]
    wrt = [t for t, f in zip(inputs, is_float) if f]
    firsts = grad(outs, wrt, cots, create_graph=second, allow_unused=True)
    res = {"out": [o.detach().numpy() for o in outs], "vjp": [_np(g, t) for g, t in zip(firsts, wrt)]}
    if second:
        live = [(g, t) for g, t in zip(firsts, wrt) if g is not None and g.requires_grad]
        if live:
            s = sum((g * lib.tensor(r.standard_normal(tuple(t.shape)))).sum() for g, t in live)
            res["vjp2"] = [_np(g, t) for g, t in zip(grad(s, wrt + cots, allow_unused=True), wrt + cots)]
    return res


def _np(g, like):
    return np.zeros(tuple(like.shape)) if g is None else g.detach().numpy()


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_first_and_second_derivatives_match_torch(name, fn, arrays):
    seed = zlib.crc32(name.encode())
    second = name not in FIRST_ORDER_ONLY
    got, want = _run(ft, fn, arrays, seed, second), _run(torch, fn, arrays, seed, second)
    assert set(got) == set(want), f"{name}: double backward ran on only one side"
    for key in want:
        assert len(got[key]) == len(want[key])
        for i, (a, b) in enumerate(zip(got[key], want[key])):
            assert a.shape == b.shape, f"{name} {key}[{i}]: shape {a.shape} vs torch {b.shape}"
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"{name} {key}[{i}]")


@pytest.mark.parametrize("op", [
    lambda x, i, s: x.scatter(1, i, s),
    lambda x, i, s: x.scatter_add(1, i, s),
    lambda x, i, s: x.scatter_reduce(1, i, s, "mean", include_self=False),
    lambda x, i, s: x.scatter_reduce(1, i, s, "prod"),
    lambda x, i, s: x.scatter_reduce(1, i, s, "amax"),
])
def test_scatter_source_larger_than_index(op):
    """Only src[:i.shape[0], :i.shape[1]] is read: the rest gets zero (torch's rule returns a wrong shape)."""
    xa, sa, ia = F(3, 4), F(3, 5), I([[0, 0, 3], [1, 2, 1]])
    x, s = ft.tensor(xa, requires_grad=True), ft.tensor(sa, requires_grad=True)
    xt, st = torch.tensor(xa, requires_grad=True), torch.tensor(sa[:2, :3], requires_grad=True)
    v = F(3, 4)
    gx, gs = ag.grad(op(x, ft.tensor(ia), s), (x, s), ft.tensor(v))
    gxt, gst = torch.autograd.grad(op(xt, torch.tensor(ia), st), (xt, st), torch.tensor(v))
    want = np.zeros((3, 5))
    want[:2, :3] = gst.numpy()
    np.testing.assert_allclose(gx.numpy(), gxt.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gs.numpy(), want, rtol=1e-12)


def test_amax_include_self_false_ignores_self_ties():
    """torch counts an excluded self value that ties with the max (halving the source's gradient); fx doesn't."""
    x = ft.tensor([3.0, 1.0], requires_grad=True)
    s = ft.tensor([3.0, 2.0], requires_grad=True)
    x.scatter_reduce(0, ft.tensor([0, 0]), s, "amax", include_self=False).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0] and s.grad.tolist() == [1.0, 0.0]


def test_pad_backward_rule_is_pad():
    """pad_backward's own gradient (used by pad's double backward) is pad, for every mode."""
    from fx.tensor._ops.shape import pad_backward

    for mode, pads in (("reflect", (1, -1)), ("replicate", (1, 2, 0, 1)), ("circular", (1, 1)), ("constant", (2, -1))):
        g = ft.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
        v = ft.tensor(rng.standard_normal(tuple(pad_backward(g.detach(), pads, mode).shape)))
        (got,) = ag.grad(pad_backward(g, pads, mode), g, v)
        want = ft.pad(v, pads, mode=mode)
        np.testing.assert_allclose(got.numpy(), want.numpy())


def test_integer_index_inputs_take_no_gradient():
    x = ft.tensor(F(3, 4), requires_grad=True)
    i = ft.tensor([[0, 1], [2, 2]])
    y = ft.gather(x, 1, i)
    assert [e is None for e in y.grad_fn.next_functions] == [False, True]
    assert y.grad_fn.name() == "GatherBackward0"


@pytest.mark.parametrize("make", [
    lambda x, v: x.index_put((ft.tensor([0, 0]),), v, accumulate=True),
    lambda x, v: ft.scatter_add(x, 0, ft.tensor([1, 1]), v),
    lambda x, v: ft.cat([x, v])[ft.tensor([0, 3])],
])
def test_graph_is_freed_by_refcount(make):
    gc.disable()
    try:
        x = ft.tensor(F(3), requires_grad=True)
        v = ft.tensor(F(2), requires_grad=True)
        y = make(x * 1, v * 1)
        node = weakref.ref(y.grad_fn)
        y.sum().backward()
        del y
        assert node() is None
    finally:
        gc.enable()


def test_inplace_index_put_graph_is_freed_without_backward():
    gc.disable()
    try:
        x = ft.tensor(F(4), requires_grad=True)
        y = x * 1
        y[ft.tensor([0, 2])] = ft.tensor(F(2))
        node = weakref.ref(y.grad_fn)
        del y
        assert node() is None
    finally:
        gc.enable()


def test_writes_after_the_forward_fail_only_rules_that_read_the_value():
    x = ft.tensor(F(4, 3), requires_grad=True)
    y = x * 1
    picked = y[ft.tensor([0, 0, 2])]  # the index rule reads only the index
    y[ft.tensor([1])] = 0.0
    y[ft.tensor([3, 1])] = ft.tensor(F(3))  # a second in-place write over the first
    (picked.sum() + y.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.array([[3.0] * 3, [0.0] * 3, [2.0] * 3, [0.0] * 3]))
    s = x * 1
    out = ft.zeros(2, 3, dtype=ft.float64).scatter_reduce(0, ft.tensor([[0, 1, 0]]), s[:1], "prod")
    s.mul_(2)  # prod's rule reads its source
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()
