"""Differential tests against PyTorch: random programs of fx ops, compared value for value.

A program is a short list of steps drawn by hypothesis (unary, broadcasting binary, reductions,
views, in-place writes on non-leaves, indexing), applied identically to fx and torch float64
leaves. Each step is a closure `fn(L, s)` over a library adapter `L` and a state `s` (current
tensor, the base of the current view chain, the leaves). The program is generated while it runs
on torch (the oracle gives the shapes); then it runs on fx from scratch and forward values, leaf
gradients and second-order gradients must match, and where torch raises, fx must raise too.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings, strategies as st

torch = pytest.importorskip("torch")

import fx.autograd as ag  # noqa: E402
import fx.tensor as ft  # noqa: E402

_SETTINGS = dict(deadline=None, derandomize=True, database=None, print_blob=False,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
_MAXN = 48  # numel cap for intermediates
_MAXD = 4  # ndim cap


class _Lib:
    """The few constructors a program needs, for torch or fx."""

    def __init__(self, mod, grad):
        self.grad = grad
        self.const = lambda a: mod.tensor(np.array(a, dtype=np.float64))
        self.leaf = lambda a: mod.tensor(np.array(a, dtype=np.float64), requires_grad=True)
        self.long = lambda a: mod.tensor(np.array(a, dtype=np.int64))
        self.mask = lambda a: mod.tensor(np.array(a, dtype=bool))


TORCH, FX = _Lib(torch, torch.autograd.grad), _Lib(ft, ag.grad)


class _State:
    def __init__(self, leaves):
        self.leaves, self.cur, self.base = leaves, leaves[0], None


# -- step builders: each returns (description, fn(L, s)) -----------------------------------------

def _plain(desc, f):
    """A non-view step: cur := f(L, cur); the view chain ends."""
    def fn(L, s):
        s.cur, s.base = f(L, s.cur, s), None
    fn.plain = True
    return desc, fn


def _view(desc, f, set_base):
    """A view step; `set_base` remembers cur as the base the chain can return to."""
    def fn(L, s):
        if set_base:
            s.base = s.cur
        s.cur = f(L, s.cur)
    return desc, fn


def _inplace(desc, f):
    def fn(L, s):
        f(L, s.cur, s)
    return desc, fn


def _to_base():
    def fn(L, s):
        s.cur, s.base = s.base, None
    return "to_base", fn


_UNARY = {
    "exp": lambda x: x.exp(), "tanh": lambda x: x.tanh(), "sigmoid": lambda x: x.sigmoid(), "sin": lambda x: x.sin(),
    "relu": lambda x: x.relu(), "abs": lambda x: x.abs(), "square": lambda x: x.square(), "neg": lambda x: -x,
    "log_abs1": lambda x: (x.abs() + 1).log(), "sqrt_sq1": lambda x: (x * x + 1).sqrt(),
}
_UNARY_INPLACE = {"tanh_": lambda x: x.tanh_(), "sigmoid_": lambda x: x.sigmoid_(), "relu_": lambda x: x.relu_()}
_BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "rsub": lambda a, b: b - a, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "maximum": lambda a, b: a.maximum(b) if hasattr(b, "shape") else a.clamp_min(b),
}
_BINARY_INPLACE = {
    "add_": lambda a, b: a.add_(b), "sub_": lambda a, b: a.sub_(b),
    "mul_": lambda a, b: a.mul_(b), "div_": lambda a, b: a.div_(b),
}


def _numel(shape):
    return int(np.prod(shape, dtype=np.int64))


def _bshape(draw, shape, grow):
    """A shape that broadcasts with `shape` (to `shape` itself unless `grow` adds a leading 2)."""
    nd = len(shape)
    k = draw(st.integers(0, nd))
    b = [d if draw(st.booleans()) else 1 for d in shape[nd - k:]]
    if grow and k == nd and nd < _MAXD and 2 * _numel(shape) <= _MAXN and draw(st.booleans()):
        b = [2] + b
    return tuple(b)


def _operand(draw, rng, shape, leaf_sizes, grow, nonzero):
    """(description, fn(L, s) -> operand): a python scalar, a constant, or a gather from a leaf."""
    kind = draw(st.sampled_from(["scalar", "const", "leaf", "leaf"]))
    if kind == "scalar":
        v = float(rng.uniform(0.5, 2.0) * rng.choice([-1, 1])) if nonzero else float(rng.normal())
        return f"{v:.3g}", lambda L, s: v
    b = _bshape(draw, shape, grow)
    if kind == "const":
        a = rng.uniform(0.5, 2.0, b) * rng.choice([-1, 1], b) if nonzero else rng.normal(size=b)
        return f"const{b}", lambda L, s: L.const(a)
    k = draw(st.integers(0, len(leaf_sizes) - 1))
    idx = rng.integers(0, leaf_sizes[k], size=_numel(b))

    def fn(L, s):
        v = s.leaves[k].reshape(-1)[L.long(idx)].reshape(b)
        return v * v + 0.5 if nonzero else v

    return f"leaf{k}[{idx.tolist()}]{b}", fn


def _reshape_target(draw, n):
    dims, rest = [], n
    for _ in range(draw(st.integers(0, 2))):
        divs = [d for d in range(1, rest + 1) if rest % d == 0]
        d = draw(st.sampled_from(divs))
        dims.append(d)
        rest //= d
    dims.append(rest)
    if draw(st.booleans()):
        dims.insert(draw(st.integers(0, len(dims))), 1)
    if draw(st.booleans()):
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return tuple(dims)


def _basic_key(draw, shape, allow_int=True):
    d = draw(st.integers(0, len(shape) - 1))
    n = shape[d]
    if allow_int and draw(st.booleans()):
        item = draw(st.integers(-n, n - 1))
    else:
        start = draw(st.integers(0, n - 1))
        item = slice(start, draw(st.integers(start + 1, n)), draw(st.integers(1, 3)))
    return (slice(None),) * d + (item,)


def _draw_view(draw, t, set_base):
    shape, nd = tuple(t.shape), t.dim()
    kinds = ["reshape", "unsqueeze"] + (["transpose", "permute", "slice", "select", "narrow", "squeeze", "expand"]
                                        if nd else []) + (["diagonal"] if nd >= 2 else [])
    if nd >= _MAXD:
        kinds.remove("unsqueeze")
    if "diagonal" in kinds and any(st_ == 0 and n > 1 for n, st_ in zip(shape, t.stride())):
        kinds.remove("diagonal")  # wrong gradient in fx on overlapping input (test_diagonal_of_expanded)
    kind = draw(st.sampled_from(kinds))
    if kind == "reshape":
        tgt = _reshape_target(draw, t.numel())
        try:
            t.view(tgt)
            return _view(f"view{tgt}", lambda L, x: x.view(tgt), set_base)
        except RuntimeError:  # not viewable: reshape copies, in torch as in fx
            return _plain(f"reshape{tgt}", lambda L, x, s: x.reshape(tgt))
    if kind == "unsqueeze":
        d = draw(st.integers(-nd - 1, nd))
        return _view(f"unsqueeze({d})", lambda L, x: x.unsqueeze(d), set_base)
    if kind == "transpose":
        a, b = draw(st.integers(-nd, nd - 1)), draw(st.integers(-nd, nd - 1))
        return _view(f"transpose({a},{b})", lambda L, x: x.transpose(a, b), set_base)
    if kind == "permute":
        p = tuple(draw(st.permutations(range(nd))))
        return _view(f"permute{p}", lambda L, x: x.permute(*p), set_base)
    if kind == "slice":
        key = _basic_key(draw, shape, allow_int=False)
        return _view(f"[{key}]", lambda L, x: x[key], set_base)
    if kind == "select":
        d = draw(st.integers(0, nd - 1))
        i = draw(st.integers(-shape[d], shape[d] - 1))
        return _view(f"select({d},{i})", lambda L, x: x.select(d, i), set_base)
    if kind == "narrow":
        d = draw(st.integers(0, nd - 1))
        start = draw(st.integers(0, shape[d] - 1))
        length = draw(st.integers(1, shape[d] - start))
        return _view(f"narrow({d},{start},{length})", lambda L, x: x.narrow(d, start, length), set_base)
    if kind == "squeeze":
        ones = [i for i, n in enumerate(shape) if n == 1]
        if ones and draw(st.booleans()):
            d = draw(st.sampled_from(ones))
            return _view(f"squeeze({d})", lambda L, x: x.squeeze(d), set_base)
        return _view("squeeze()", lambda L, x: x.squeeze(), set_base)
    if kind == "expand":
        tgt = [draw(st.sampled_from([1, 2, 3])) if n == 1 else draw(st.sampled_from([n, -1])) for n in shape]
        if nd < _MAXD and draw(st.booleans()):
            tgt = [2] + tgt
        tgt = tuple(tgt) if t.expand(*tgt).numel() <= _MAXN else shape
        return _view(f"expand{tgt}", lambda L, x: x.expand(*tgt), set_base)
    a, b = draw(st.permutations(range(nd)))[:2]
    off = draw(st.integers(-(shape[a] - 1), shape[b] - 1))
    return _view(f"diagonal({off},{a},{b})", lambda L, x: x.diagonal(off, a, b), set_base)


def _draw_index(draw, rng, t):
    shape, nd = tuple(t.shape), t.dim()
    kind = draw(st.sampled_from(["int", "int2", "mask", "gather", "index_select", "embed"] if nd >= 2 else
                                ["int", "mask", "gather", "index_select", "embed"]))
    d = draw(st.integers(0, nd - 1))
    # embed: a constant receives cur in a region (out[key] = cur). Not from a view: its grad_fn may be
    # stale after a write through another view, which fx's copy_ reads (test_copy_from_stale_view)
    if kind == "embed" and 2 * t.numel() <= _MAXN and t._base is None:
        big = list(shape)
        big[d] = 2 * shape[d]
        start, step = draw(st.integers(0, shape[d])), draw(st.integers(1, 2)) if shape[d] > 1 else 1
        key = (slice(None),) * d + (slice(start, start + step * (shape[d] - 1) + 1, step),)
        assume(key[-1].stop <= big[d])
        c = rng.normal(size=big)

        def embed(L, x, s):
            out = L.const(c)
            out[key] = x
            return out
        return _plain(f"embed into {tuple(big)} at {key}", embed)
    if kind == "int":
        idx = rng.integers(-shape[d], shape[d], size=draw(st.integers(1, 4)))
        key = (slice(None),) * d
        return _plain(f"[{key}, {idx.tolist()}]", lambda L, x, s: x[key + (L.long(idx),)])
    if kind == "int2":
        m = draw(st.integers(1, 3))
        i0, i1 = rng.integers(0, shape[0], size=(m, 1)), rng.integers(0, shape[1], size=m)
        return _plain(f"[{i0.tolist()}, {i1.tolist()}]", lambda L, x, s: x[L.long(i0), L.long(i1)])
    if kind == "mask":
        m = rng.random(shape) < 0.6
        m.flat[rng.integers(0, m.size)] = True
        return _plain(f"[mask {m.tolist()}]", lambda L, x, s: x[L.mask(m)])
    if kind == "gather":
        ishape = [draw(st.integers(1, 4)) if i == d else draw(st.integers(1, n)) for i, n in enumerate(shape)]
        idx = rng.integers(0, shape[d], size=ishape)
        return _plain(f"gather({d}, {idx.tolist()})", lambda L, x, s: x.gather(d, L.long(idx)))
    idx = rng.integers(0, shape[d], size=draw(st.integers(1, 4)))
    return _plain(f"index_select({d}, {idx.tolist()})", lambda L, x, s: x.index_select(d, L.long(idx)))


def _draw_reduce(draw, t):
    nd = t.dim()
    name = draw(st.sampled_from(["sum", "mean", "amax", "logsumexp"] if nd else ["sum", "mean"]))
    if not nd or (name in ("sum", "mean") and draw(st.integers(0, 3)) == 0):
        return _plain(f"{name}()", lambda L, x, s: getattr(x, name)())
    dims = draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True))
    dim = dims[0] - nd if len(dims) == 1 else tuple(dims)
    keep = draw(st.booleans())
    return _plain(f"{name}({dim}, keepdim={keep})", lambda L, x, s: getattr(x, name)(dim, keepdim=keep))


def _draw_inplace(draw, rng, t, sizes):
    shape, nd = tuple(t.shape), t.dim()
    kinds = ["binary_", "binary_", "unary_", "masked_fill_"] + (["copy_slice", "setitem"] if nd else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "binary_":
        name = draw(st.sampled_from(sorted(_BINARY_INPLACE)))
        desc, opnd = _operand(draw, rng, shape, sizes, False, name == "div_")
        f = _BINARY_INPLACE[name]
        return _inplace(f"{name}({desc})", lambda L, x, s: f(x, opnd(L, s)))
    if kind == "unary_":
        name = draw(st.sampled_from(sorted(_UNARY_INPLACE)))
        f = _UNARY_INPLACE[name]
        return _inplace(name, lambda L, x, s: f(x))
    if kind == "masked_fill_":
        m = rng.random(_bshape(draw, shape, False)) < 0.5
        v = float(rng.normal())
        return _inplace(f"masked_fill_({m.tolist()}, {v:.3g})", lambda L, x, s: x.masked_fill_(L.mask(m), v))
    if kind == "copy_slice":
        key = _basic_key(draw, shape)
        desc, opnd = _operand(draw, rng, tuple(t[key].shape), sizes, False, False)
        return _inplace(f"[{key}].copy_({desc})", lambda L, x, s: x[key].copy_(opnd(L, s)))
    how = draw(st.sampled_from(["basic", "int", "mask"]))
    if how == "basic":
        key = _basic_key(draw, shape)
        # a key that selects everything is a whole-tensor copy_ in fx (test_whole_write_keeps_history)
        assume(isinstance(key[-1], int) or t[key].numel() < t.numel())
        kd = f"{key}"
        mk = lambda L: key  # noqa: E731
    elif how == "int":
        idx = rng.permutation(shape[0])[:draw(st.integers(1, shape[0]))]  # no duplicate writes
        kd, mk = f"{idx.tolist()}", lambda L: L.long(idx)
    else:
        m = rng.random(shape) < 0.5
        kd, mk = f"mask {m.tolist()}", lambda L: L.mask(m)
    desc, opnd = _operand(draw, rng, tuple(t[mk(TORCH)].shape), sizes, False, False)

    def fn(L, x, s):
        x[mk(L)] = opnd(L, s)
    return _inplace(f"[{kd}] = {desc}", fn)


def _gen_program(draw, families):
    """Draw leaves and a program; run it on torch while drawing. Returns (leaves, steps, torch state, error)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shapes = draw(st.lists(st.lists(st.integers(1, 3), max_size=3).map(tuple), min_size=1, max_size=3))
    leaves = [rng.normal(size=sh) for sh in shapes]
    sizes = [max(1, _numel(sh)) for sh in shapes]
    s = _State([TORCH.leaf(a) for a in leaves])
    steps, saved_out, expanded, strided = [], False, False, False
    for _ in range(draw(st.sampled_from([2, 3, 4, 5, 6, 6, 7, 8]))):
        t = s.cur
        leafish = t.requires_grad and (t.is_leaf or (t._base is not None and t._base.is_leaf))
        overlap = any(st_ == 0 and n > 1 for n, st_ in zip(t.shape, t.stride()))
        fams = [f for f in families if not (f in ("index",) and t.dim() == 0)]
        if "inplace" in fams and (overlap or saved_out or expanded or strided):
            # Known fx divergences, each with its own xfail test: saved_out: x.tanh_() saves a copy
            # of its result, so a later write does not raise (test_inplace_after_inplace_unary_raises);
            # expanded: expand() is read-only even without overlap (test_inplace_on_trivial_expand);
            # strided: writes through diagonal() fail backward (test_inplace_through_diagonal)
            fams.remove("inplace")
        if "inplace" in fams and leafish and draw(st.integers(0, 7)):
            fams.remove("inplace")  # rarely keep it: torch raises, fx must raise too
        if s.base is not None and "view" in families:
            fams += ["to_base", "to_base"] + (["inplace"] if "inplace" in fams else [])
        fam = draw(st.sampled_from(fams))
        if fam == "unary":
            name = draw(st.sampled_from(sorted(_UNARY)))
            f = _UNARY[name]
            step = _plain(name, lambda L, x, s, f=f: f(x))
        elif fam == "binary":
            name = draw(st.sampled_from(sorted(_BINARY)))
            desc, opnd = _operand(draw, rng, tuple(t.shape), sizes, True, name == "div")
            f = _BINARY[name]
            step = _plain(f"{name}({desc})", lambda L, x, s, f=f, o=opnd: f(x, o(L, s)))
        elif fam == "reduce":
            step = _draw_reduce(draw, t)
        elif fam == "view":
            step = _draw_view(draw, t, s.base is None and not leafish)
        elif fam == "index":
            step = _draw_index(draw, rng, t)
        elif fam == "inplace":
            step = _draw_inplace(draw, rng, t, sizes)
        else:
            step = _to_base()
        if fam == "inplace" and step[0] in _UNARY_INPLACE:
            saved_out = True
        elif getattr(step[1], "plain", False):
            saved_out = expanded = strided = False
        elif fam == "to_base":  # saved_out stays: the base holds the in-place result
            expanded = strided = False
        expanded |= step[0].startswith("expand")
        strided |= step[0].startswith("diagonal")
        event(f"step family {fam}")
        steps.append(step)
        note(f"step {len(steps) - 1}: {step[0]} on shape {tuple(t.shape)}")
        try:
            step[1](TORCH, s)
        except RuntimeError as e:
            note(f"torch raises: {e}")
            event("torch raises in forward")
            return leaves, steps, s, len(steps) - 1
        # Keep intermediates moderate: huge values make torch's own double backward inexact
        # (e.g. log(exp(exp(x*x)) + 1) at x = 2.47: its 1e196 squared overflows).
        assume(s.cur.numel() == 0 or float(s.cur.detach().abs().max()) < 1e8)
        if s.cur.numel() > _MAXN:
            break
    return leaves, steps, s, None


def _np(t):
    if isinstance(t, np.ndarray):
        return t
    return t.detach().numpy(force=True) if isinstance(t, torch.Tensor) else t.detach().numpy()  # force: ZeroTensor


def _close(a, b, what, scale=0.0):
    a, b = np.asarray(_np(a)), np.asarray(_np(b))
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs torch {b.shape}"
    atol = 1e-9 * (1 + max(scale, np.abs(b).max(initial=0)))
    np.testing.assert_allclose(a, b, rtol=1e-7, atol=atol, err_msg=what)


def _backward_all(L, leaves, out, w, second):
    """Leaf grads of sum(out * w) via .backward(); then second-order grads for the leaves in `second`."""
    loss = (out * L.const(w)).sum()
    loss.backward(retain_graph=True)
    grads = [x.grad for x in leaves]
    gs = L.grad(loss, [leaves[i] for i in second], create_graph=True, allow_unused=True)
    total = None
    for g, i in zip(gs, second):
        if g is not None and g.requires_grad:
            v = np.linspace(0.5, 1.5, leaves[i].numel()).reshape(tuple(leaves[i].shape))  # sum far from 0
            term = (g * L.const(v)).sum()
            total = term if total is None else total + term
    if total is None:
        gg = [None] * len(leaves)
    else:
        gg = L.grad(total, leaves, allow_unused=True)
    gg = [np.zeros(tuple(x.shape)) if g is None else _np(g) for g, x in zip(gg, leaves)]
    return loss, grads, gg


def _run_fx(leaves, steps, stop):
    s = _State([FX.leaf(a) for a in leaves])
    for i, (_, fn) in enumerate(steps):
        if i == stop:
            with pytest.raises(RuntimeError):
                fn(FX, s)
            return None
        fn(FX, s)
    return s


def _check(data, families):
    leaves, steps, ts, stop = _gen_program(data.draw, families)
    fs = _run_fx(leaves, steps, stop)
    if stop is not None:
        return
    assume(np.isfinite(_np(ts.cur)).all())
    _close(fs.cur, ts.cur, "forward")
    rng = np.random.default_rng(len(steps))
    w = rng.normal(size=tuple(ts.cur.shape))
    second = data.draw(st.lists(st.integers(0, len(leaves) - 1), min_size=1, unique=True))
    try:
        t_loss, t_grads, t_gg = _backward_all(TORCH, ts.leaves, ts.cur, w, second)
    except RuntimeError as e:  # e.g. a tensor saved for backward was modified in place
        note(f"torch backward raises: {e}")
        event("torch raises in backward")
        with pytest.raises(RuntimeError):
            _backward_all(FX, fs.leaves, fs.cur, w, second)
        return
    assume(all(np.isfinite(_np(g)).all() for g in t_grads if g is not None))
    assume(all(np.isfinite(g).all() for g in t_gg))
    event("compared")
    f_loss, f_grads, f_gg = _backward_all(FX, fs.leaves, fs.cur, w, second)
    _close(f_loss, t_loss, "loss")
    for i, (fg, tg) in enumerate(zip(f_grads, t_grads)):
        assert (fg is None) == (tg is None), f"leaf {i}: .grad is {fg} vs torch {tg}"
        if tg is not None:
            _close(fg, tg, f"leaf {i} .grad")
    scale = max(np.abs(g).max(initial=0) for g in t_gg)  # roundoff follows the largest entry
    for i, (fg, tg) in enumerate(zip(f_gg, t_gg)):
        _close(fg, tg, f"leaf {i} second-order grad", scale)


@settings(max_examples=300, **_SETTINGS)
@given(st.data())
def test_elementwise_broadcast_reduce_programs(data):
    _check(data, ["unary", "binary", "reduce"])


@settings(max_examples=450, **_SETTINGS)
@given(st.data())
def test_view_and_inplace_programs(data):
    _check(data, ["unary", "binary", "view", "inplace"])


@settings(max_examples=400, **_SETTINGS)
@given(st.data())
def test_indexing_programs(data):
    _check(data, ["unary", "binary", "index", "view", "inplace"])


@settings(max_examples=450, **_SETTINGS)
@given(st.data())
def test_mixed_programs(data):
    _check(data, ["unary", "binary", "reduce", "view", "index", "inplace"])


# -- invalid programs: torch raises <=> fx raises, at the same point ----------------------------

_BINARY_BOTH = {"mul2": lambda a, b: a * b, "div2": lambda a, b: a / (b * b + 0.5), "maximum2": lambda a, b: a.maximum(b)}
_MODIFY = {
    "add_": lambda t: t.add_(1.5),
    "mul_": lambda t: t.mul_(2.0),
    "setitem": lambda t: t.__setitem__(0 if t.dim() else (), 3.0),
    "zero_": lambda t: t.zero_(),
}


def _invalid_program(L, a, b, op, target, how, no_grad, loss_kind, twice):
    """Run one program; return (stage where RuntimeError was raised or None, leaf grads)."""
    x, y = L.leaf(a), L.leaf(b)
    h, h2 = x.clone(), y.clone()
    out = _UNARY[op](h) if op in _UNARY else _BINARY_BOTH[op](h, h2)
    t = {"leaf": x, "input": h, "output": out}[target.split("_")[0]]
    if target.endswith("_view"):
        t = t[0] if t.dim() else t.view(1)
    try:
        if no_grad:
            with (torch.no_grad() if L is TORCH else ag.no_grad()):
                _MODIFY[how](t)
        else:
            _MODIFY[how](t)
    except RuntimeError:
        return "modify", None
    loss = (out * L.const(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)))).sum() if loss_kind == "weighted" \
        else out.sum()
    try:
        loss.backward()
    except RuntimeError:
        return "backward", None
    if twice:
        try:
            loss.backward()
        except RuntimeError:
            return "backward twice", None
    return None, [None if g.grad is None else _np(g.grad) for g in (x, y)]


@settings(max_examples=250, **_SETTINGS)
@given(st.data())
def test_invalid_programs_raise_like_torch(data):
    draw = data.draw
    shape = draw(st.lists(st.integers(1, 3), max_size=2).map(tuple))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    a, b = rng.normal(size=shape), rng.normal(size=shape)
    args = (draw(st.sampled_from(sorted(_UNARY) + sorted(_BINARY_BOTH))),
            draw(st.sampled_from(["leaf", "leaf_view", "input", "input_view", "output", "output_view"])),
            draw(st.sampled_from(sorted(_MODIFY))), draw(st.booleans()),
            draw(st.sampled_from(["weighted", "plain"])), draw(st.booleans()))
    # fx's copy_/zero_ over a whole non-view tensor cuts its old history (test_whole_write_keeps_history)
    assume(not (args[1] == "output" and (args[2] == "zero_" or shape == () and args[2] == "setitem")))
    # torch raises on a second backward through CopySlices, fx does not (test_backward_twice_through_copy_slices)
    assume(not (args[5] and (args[1].endswith("_view") or args[2] == "setitem") and not args[3]))
    t_stage, t_grads = _invalid_program(TORCH, a, b, *args)
    f_stage, f_grads = _invalid_program(FX, a, b, *args)
    assert f_stage == t_stage, f"fx raises at {f_stage!r}, torch at {t_stage!r}"
    for fg, tg in zip(f_grads or (), t_grads or ()):
        assert (fg is None) == (tg is None)
        if tg is not None:
            _close(fg, tg, "leaf grad")


# -- known divergences, each a minimal reproduction --------------------------------------------

def _both(fn):
    out = []
    for L in (TORCH, FX):
        try:
            fn(L)
            out.append(None)
        except (RuntimeError, AttributeError, TypeError) as e:
            out.append(type(e).__name__)
    return out


@pytest.mark.xfail(strict=True, reason="fx: x.relu_() (also tanh_/sigmoid_) saves a copy of its result, so a later "
                   "in-place write to x does not raise at backward as in torch: "
                   "y = x.abs(); y.relu_(); y.add_(1); y.sum().backward() raises in torch only")
def test_inplace_after_inplace_unary_raises():
    def prog(L):
        y = L.leaf([1.0, -2.0]).abs()
        y.relu_()
        y.add_(1)
        y.sum().backward()

    assert _both(prog) == ["RuntimeError", "RuntimeError"]


@pytest.mark.xfail(strict=True, reason="fx: mul saves both inputs even when only one needs grad, so "
                   "h = x.clone(); y = h * c (c constant); h.add_(1); y.sum().backward() raises in fx, "
                   "not in torch (torch saves only c)")
def test_modify_input_of_mul_by_constant():
    def prog(L):
        h = L.leaf([1.0, 2.0]).clone()
        y = h * L.const([3.0, 4.0])
        h.add_(1)
        y.sum().backward()

    assert _both(prog) == [None, None]


def test_copy_from_python_scalar():
    def prog(L):
        t = L.const([0.0, 0.0, 0.0])
        t[0:2].copy_(-0.5)
        assert t.tolist() == [-0.5, -0.5, 0.0]

    assert _both(prog) == [None, None]


@pytest.mark.xfail(strict=True, reason="fx.tensor: expand() returns a read-only view even when no element repeats "
                   "(same shape or only new size-1 dims); torch allows the write: "
                   "ft.tensor([1.0, 2.0]).expand(1, 2).add_(1) raises 'copy_: assignment destination is read-only'")
def test_inplace_on_trivial_expand():
    def prog(L):
        L.const([1.0, 2.0]).expand(1, 2).add_(1)
        L.const([1.0, 2.0]).expand(2).relu_()

    assert _both(prog) == [None, None]


_WHOLE_WRITES = {
    "zero_": lambda y: y.zero_(),
    "fill_": lambda y: y.fill_(1.0),
    "setitem_ellipsis": lambda y: y.__setitem__(Ellipsis, 1.0),
    "setitem_full_slices": lambda y: y.__setitem__((slice(None), slice(None)), 1.0),
}


@pytest.mark.parametrize("write", sorted(_WHOLE_WRITES))
@pytest.mark.xfail(strict=True, reason="fx.autograd: a write over a whole non-view tensor (copy_, so zero_/fill_, and "
                   "y[...] = v / y[:, :] = v) drops the tensor's old history instead of sending a zero gradient "
                   "through it: x = leaf(2, 2); y = x.abs(); y.zero_(); y.sum().backward() leaves x.grad None "
                   "(torch: zeros), and with y = x.exp() the version check of exp's saved output is skipped "
                   "(torch raises)")
def test_whole_write_keeps_history(write):
    def grad(L, op):
        x = L.leaf([[1.0, 2.0], [3.0, 4.0]])
        y = op(x)
        _WHOLE_WRITES[write](y)
        y.sum().backward()
        return x.grad

    g = grad(FX, lambda x: x.abs())
    assert g is not None and g.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert _both(lambda L: grad(L, lambda x: x.exp())) == ["RuntimeError", "RuntimeError"]


@pytest.mark.xfail(strict=True, reason="fx.autograd: the as_strided rule (used by diagonal/unfold) saves its whole "
                   "input to read its geometry, so any in-place write through the view fails backward: "
                   "y = leaf(2, 2).abs(); y.diagonal().add_(1); y.sum().backward() raises 'input 0 of "
                   "AsStridedBackward0 ... is at version 1; expected version 0' (torch: grad of ones)")
def test_inplace_through_diagonal():
    def prog(L):
        y = L.leaf([[1.0, -2.0], [3.0, 4.0]]).abs()
        y.diagonal().add_(1)
        y.sum().backward()

    assert _both(prog) == [None, None]


@pytest.mark.xfail(strict=True, reason="fx.autograd: the as_strided rule maps gradients through storage positions, "
                   "which over-counts when its input overlaps itself: x = leaf([1.0]); "
                   "x.expand(2, 2).diagonal().sum().backward() gives x.grad [8.] (torch [2.]); "
                   "x = leaf([1., 2., 3.]); x.expand(2, 3).unfold(1, 2, 1).sum() gives [4, 8, 4] (torch [2, 4, 2])")
def test_diagonal_of_expanded():
    x = FX.leaf([1.0])
    x.expand(2, 2).diagonal().sum().backward()
    assert x.grad.tolist() == [2.0]


@pytest.mark.xfail(strict=True, reason="fx.autograd: a second backward without retain_graph through an in-place "
                   "write on a view (CopySlices) succeeds in fx, torch raises 'Trying to backward through the graph "
                   "a second time': x = leaf([1., 2.]); out = -x.clone(); out[0:1].add_(1.5); loss = out.sum(); "
                   "loss.backward(); loss.backward()")
def test_backward_twice_through_copy_slices():
    def prog(L):
        out = -L.leaf([1.0, 2.0]).clone()
        out[0:1].add_(1.5)
        loss = out.sum()
        loss.backward()
        loss.backward()

    assert _both(prog) == ["RuntimeError", "RuntimeError"]


def test_float64_sum_of_inf():
    inf = float("inf")
    for v, want in (([inf, 1.0], inf), ([-inf], -inf), ([1e308, 1e308], inf)):
        t = ft.tensor(v, dtype=ft.float64)
        assert t.sum().item() == want and t.mean().item() == want, v


@pytest.mark.xfail(strict=True, reason="fx.autograd: copy_ (so out[k] = src) records the source's gradient edge without "
                   "refreshing it when the source is a view whose base was written through another view, so the "
                   "gradient skips that write: x = leaf([.5, 1.5]); w = (x * 1).view(2); w[0:1].mul_(10); "
                   "out = ft.zeros(2); out.copy_(w); out.sum().backward() gives x.grad [1, 1] (torch [10, 1]); "
                   "record_inplace should refresh_view its view inputs as record() does")
def test_copy_from_stale_view():
    x = FX.leaf([0.5, 1.5])
    w = (x * 1).view(2)
    w[0:1].mul_(10.0)
    out = ft.zeros(2, dtype=ft.float64)
    out.copy_(w)
    out.sum().backward()
    assert x.grad.tolist() == [10.0, 1.0]


def test_diagonal_of_diagonal():
    t = ft.arange(16.0).reshape(4, 4)
    assert t.diagonal(1).storage_offset() == 1
    assert t.diagonal(1).unsqueeze(0).diagonal(1, 0, 1).tolist() == [6.0]
    assert ft.arange(4.0).reshape(2, 2, 1).diagonal(0, 0, 1).diagonal(1, 0, 1).tolist() == [3.0]
