"""Module system: registration, traversal, state_dict, hooks, repr, containers vs PyTorch."""

import copy
from collections import OrderedDict

import numpy as np
import pytest

import fx.autograd
import fx.tensor as ft
import fx.nn as nn
from fx.nn import Parameter

torch = pytest.importorskip("torch")


def _net(lib):
    """The same nested model built from fx.nn or torch.nn."""
    class Block(lib.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.Linear(4, 4)
            self.register_buffer("running", (ft if lib is nn else torch).zeros(4))
            self.register_buffer("tmp", (ft if lib is nn else torch).ones(2), persistent=False)
            self.act = lib.ReLU()

        def forward(self, x):
            return self.act(self.fc(x)) + self.running

    class Net(lib.Module):
        def __init__(self):
            super().__init__()
            self.scale = lib.Parameter((ft if lib is nn else torch).ones(1))
            self.encoder = lib.Sequential(Block(), lib.Linear(4, 3, bias=False), lib.Identity())
            self.heads = lib.ModuleList([lib.Linear(3, 2), lib.Linear(3, 2)])
            self.table = lib.ModuleDict({"b": lib.Linear(2, 2), "a": lib.Identity()})
            self.shared = self.heads[0]

        def forward(self, x):
            h = self.encoder(x) * self.scale
            return self.table["b"](self.heads[0](h) + self.heads[1](h))

    return Net()


def _copy_weights(fm, tm):
    fm.load_state_dict({k: ft.tensor(v.numpy()) for k, v in tm.state_dict().items()})


def test_traversal_names_match_torch():
    f, t = _net(nn), _net(torch.nn)
    assert [n for n, _ in f.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in f.named_parameters(remove_duplicate=False)] == \
        [n for n, _ in t.named_parameters(remove_duplicate=False)]
    assert [n for n, _ in f.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in f.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in f.named_modules(prefix="m", remove_duplicate=False)] == \
        [n for n, _ in t.named_modules(prefix="m", remove_duplicate=False)]
    assert [n for n, _ in f.named_children()] == [n for n, _ in t.named_children()]
    assert [n for n, _ in f.named_parameters(prefix="p", recurse=False)] == \
        [n for n, _ in t.named_parameters(prefix="p", recurse=False)]
    assert list(f.state_dict()) == list(t.state_dict())
    assert list(f.state_dict(prefix="x.")) == list(t.state_dict(prefix="x."))
    assert len(list(f.parameters())) == len(list(t.parameters()))
    assert len(list(f.modules())) == len(list(t.modules()))


def test_forward_matches_torch_with_copied_weights():
    f, t = _net(nn), _net(torch.nn)
    _copy_weights(f, t)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    tx = torch.tensor(x, requires_grad=True)
    fx_ = ft.tensor(x, requires_grad=True)
    to, fo = t(tx), f(fx_)
    np.testing.assert_allclose(fo.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-6)
    to.sum().backward()
    fo.sum().backward()
    np.testing.assert_allclose(fx_.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    for (n, p), (_, q) in zip(f.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-6, err_msg=n)


def test_repr_matches_torch():
    f, t = _net(nn), _net(torch.nn)
    assert repr(f) == repr(t)
    fl = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.Identity()])
    tl = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)] + [torch.nn.Identity()])
    assert repr(fl) == repr(tl)
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList())
    pl = nn.ParameterList([Parameter(ft.zeros(2, 3)), ft.ones(1)])
    tpl = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(2, 3)), torch.ones(1)])
    assert repr(pl) == repr(tpl).replace("torch.", "fx.tensor.")
    pd = nn.ParameterDict({"w": Parameter(ft.zeros(2))})
    tpd = torch.nn.ParameterDict({"w": torch.nn.Parameter(torch.zeros(2))})
    assert repr(pd) == repr(tpd).replace("torch.", "fx.tensor.")


def test_parameter_basics():
    t = ft.randn(3)
    p = Parameter(t)
    assert isinstance(p, ft.Tensor) and p.requires_grad and p.is_leaf
    assert p.data_ptr() == t.data_ptr()
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert not Parameter(t, requires_grad=False).requires_grad
    assert Parameter().shape == (0,)
    y = p * 2
    assert type(y) is ft.Tensor
    with pytest.raises(TypeError):
        Parameter([1.0, 2.0])


def test_state_dict_roundtrip_and_errors():
    f, t = _net(nn), _net(torch.nn)
    sd = f.state_dict()
    assert not sd["scale"].requires_grad
    assert f.state_dict(keep_vars=True)["scale"] is f.scale
    res = f.load_state_dict(sd)
    assert res.missing_keys == [] and res.unexpected_keys == [] and repr(res) == "<All keys matched successfully>"

    bad = OrderedDict(sd)
    del bad["encoder.0.fc.bias"]
    bad["extra.weight"] = ft.zeros(1)
    tbad = OrderedDict(t.state_dict())
    del tbad["encoder.0.fc.bias"]
    tbad["extra.weight"] = torch.zeros(1)
    with pytest.raises(RuntimeError) as fe:
        f.load_state_dict(bad)
    with pytest.raises(RuntimeError) as te:
        t.load_state_dict(tbad)
    assert str(fe.value) == str(te.value)
    fr, tr = f.load_state_dict(bad, strict=False), t.load_state_dict(tbad, strict=False)
    assert fr.missing_keys == tr.missing_keys and fr.unexpected_keys == tr.unexpected_keys

    shape = OrderedDict(sd)
    shape["heads.1.weight"] = ft.zeros(5, 3)
    tshape = OrderedDict(t.state_dict())
    tshape["heads.1.weight"] = torch.zeros(5, 3)
    with pytest.raises(RuntimeError) as fe:
        f.load_state_dict(shape)
    with pytest.raises(RuntimeError) as te:
        t.load_state_dict(tshape)
    assert str(fe.value) == str(te.value).replace("torch.Size", "fx.tensor.Size")
    assert "size mismatch for heads.1.weight" in str(fe.value)
    with pytest.raises(TypeError, match="dict-like"):
        f.load_state_dict([1, 2])


def test_load_state_dict_copies_and_assign():
    m = nn.Linear(3, 2)
    w = m.weight
    new = {"weight": ft.ones(2, 3), "bias": ft.zeros(2)}
    m.load_state_dict(new)
    assert m.weight is w and m.weight.tolist() == [[1.0] * 3] * 2
    m.load_state_dict({"weight": ft.full((2, 3), 2.0), "bias": ft.zeros(2)}, assign=True)
    assert m.weight is not w and isinstance(m.weight, Parameter) and m.weight.requires_grad
    assert m.weight.tolist() == [[2.0] * 3] * 2


def test_registration_rules():
    m = nn.Module()
    m.p = Parameter(ft.zeros(1))
    m.b = nn.Buffer(ft.zeros(2))
    m.c = nn.Linear(1, 1)
    m.x = 3
    assert list(m._parameters) == ["p"] and list(m._buffers) == ["b"] and list(m._modules) == ["c"]
    assert type(m.b) is ft.Tensor
    with pytest.raises(TypeError, match="cannot assign 'fx.tensor.FloatTensor' as parameter 'p'"):
        m.p = ft.zeros(1)
    m.p = None
    assert m.p is None and "p" in m._parameters
    with pytest.raises(TypeError, match="as child module 'c'"):
        m.c = 3
    m.b = ft.ones(2)
    assert m.b.tolist() == [1.0, 1.0]
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("x", ft.zeros(1))
    with pytest.raises(KeyError, match='contain'):
        m.register_parameter("a.b", None)
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("z", 3)
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'nope'"):
        _ = m.nope
    with pytest.raises(ValueError, match="non-leaf"):
        m.register_parameter("q", _nonleaf())
    del m.c
    assert "c" not in m._modules
    m.c = Parameter(ft.zeros(1))  # a parameter replacing a former module name
    assert "c" in m._parameters
    assert "p" in dir(m) and "c" in dir(m)

    class Early(nn.Module):
        def __init__(self):
            self.w = Parameter(ft.zeros(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def _nonleaf():
    p = Parameter(ft.zeros(1))
    q = p * 2
    q.__class__ = Parameter
    return q


def test_get_submodule_parameter_buffer():
    f = _net(nn)
    assert f.get_submodule("encoder.0.fc") is f.encoder[0].fc
    assert f.get_parameter("encoder.0.fc.weight") is f.encoder[0].fc.weight
    assert f.get_buffer("encoder.0.running") is f.encoder[0].running
    with pytest.raises(AttributeError, match="Sequential has no attribute `9`"):
        f.get_submodule("encoder.9")
    with pytest.raises(AttributeError, match="`scale` is not an nn.Module"):
        f.get_submodule("scale.x")
    with pytest.raises(AttributeError, match="is not an nn.Parameter"):
        f.get_parameter("encoder.0.running")
    f.set_submodule("encoder.2", nn.Linear(3, 3))
    assert isinstance(f.encoder[2], nn.Linear)


def test_train_eval_zero_grad_requires_grad_apply():
    f = _net(nn)
    assert all(m.training for m in f.modules())
    f.eval()
    assert not any(m.training for m in f.modules())
    f.train()
    assert all(m.training for m in f.modules())
    with pytest.raises(ValueError):
        f.train("yes")
    f(ft.randn(2, 4)).sum().backward()
    assert all(p.grad is not None for p in f.parameters())
    f.zero_grad(set_to_none=False)
    assert all(p.grad.abs().sum().item() == 0 for p in f.parameters())
    f.zero_grad()
    assert all(p.grad is None for p in f.parameters())
    f.requires_grad_(False)
    assert not any(p.requires_grad for p in f.parameters())
    seen = []
    f.apply(lambda m: seen.append(type(m).__name__))
    t_seen = []
    _net(torch.nn).apply(lambda m: t_seen.append(type(m).__name__))
    assert seen == t_seen


def test_to_dtype_in_place():
    m = nn.Linear(3, 2)
    w = m.weight
    m.register_buffer("idx", ft.tensor([1, 2]))
    m.double()
    assert m.weight is w and w.dtype == ft.float64 and m.idx.dtype == ft.int64
    m.to(ft.float32)
    assert w.dtype == ft.float32
    m.half()
    assert w.dtype == ft.float16
    m.float().to("cpu")
    assert w.dtype == ft.float32
    with pytest.raises(TypeError, match="floating point"):
        m.to(ft.int32)


def test_forward_hooks_order_and_results():
    for lib, mk in ((nn, ft.ones), (torch.nn, torch.ones)):
        calls = []
        m = lib.Linear(2, 2)
        m.register_forward_pre_hook(lambda mod, args: calls.append("pre1"))
        m.register_forward_pre_hook(lambda mod, args: calls.append("pre0"), prepend=True)
        h = m.register_forward_pre_hook(lambda mod, args, kw: calls.append("prekw") or ((args[0] * 0,), kw),
                                        with_kwargs=True)
        m.register_forward_hook(lambda mod, args, out: calls.append("post") or out + 1)
        m.register_forward_hook(lambda mod, args, kw, out: calls.append("postkw"), with_kwargs=True)
        out = m(mk(1, 2))
        if lib is nn:
            fcalls, fout = calls, out.tolist()
            fb = m.bias.tolist()
        else:
            assert calls == fcalls
            assert np.allclose(np.array(fout) - 1, fb)
    h.remove()


def test_forward_hook_always_call():
    m = nn.Linear(2, 2)
    seen = []
    m.register_forward_hook(lambda mod, args, out: seen.append(out), always_call=True)
    with pytest.raises(RuntimeError):
        m(ft.ones(1, 3))
    assert seen == [None]


def test_full_backward_hooks_match_torch():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 2)).astype(np.float32)
    results = {}
    for lib, mk in ((nn, lambda a: ft.tensor(a, requires_grad=True)), (torch.nn, lambda a: torch.tensor(a, requires_grad=True))):
        m = lib.Linear(2, 2)
        with (torch.no_grad() if lib is torch.nn else fx.autograd.no_grad()):
            m.weight.copy_((ft if lib is nn else torch).tensor([[1.0, 2.0], [3.0, 4.0]]))
            m.bias.zero_()
        log = []
        m.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", go[0].tolist())))
        m.register_full_backward_hook(lambda mod, gi, go: log.append(("full", gi[0].tolist(), go[0].tolist())))
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 2,))
        xi = mk(x)
        (m(xi) * 3).sum().backward()
        results[lib] = (log, xi.grad.tolist())
    flog, fgrad = results[nn]
    tlog, tgrad = results[torch.nn]
    assert [e[0] for e in flog] == [e[0] for e in tlog]
    for a, b in zip(flog, tlog):
        for u, v in zip(a[1:], b[1:]):
            np.testing.assert_allclose(u, v, rtol=1e-6)
    np.testing.assert_allclose(fgrad, tgrad, rtol=1e-6)


def test_module_path_error():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Linear(16, 768), nn.ReLU(), nn.Linear(512, 10))

        def forward(self, x):
            return self.encoder(x)

    with pytest.raises(RuntimeError) as e:
        Model()(ft.randn(32, 16))
    msg = str(e.value)
    assert type(e.value) is RuntimeError
    for part in ("encoder.2", "Linear", "in_features=512", "(32, 768)"):
        assert part in msg, msg
    assert msg.count("encoder.2") == 1  # annotated once, not at every level


def test_module_path_error_keeps_subclass():
    class MyErr(RuntimeError):
        pass

    class Bad(nn.Module):
        def forward(self, x):
            raise MyErr("boom")

    outer = nn.Sequential(nn.Identity(), Bad())
    with pytest.raises(MyErr, match=r"in module 1 \(Bad\).*boom"):
        outer(ft.zeros(1))


def test_missing_forward():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(ft.zeros(1))


def test_sequential_ops():
    a, b, c = nn.Linear(1, 1), nn.Identity(), nn.Linear(1, 2)
    s = nn.Sequential(a, b, c)
    assert s[0] is a and s[-1] is c and len(s) == 3 and list(s) == [a, b, c]
    assert isinstance(s[1:], nn.Sequential) and list(s[1:]) == [b, c]
    assert list(s[1:]._modules) == ["1", "2"]
    s2 = nn.Sequential(OrderedDict([("first", a), ("second", b)]))
    assert list(s2._modules) == ["first", "second"] and s2.first is a
    s.append(nn.Identity())
    assert len(s) == 4
    s.insert(1, nn.Identity())
    assert s[2] is b and len(s) == 5
    popped = s.pop(1)
    assert isinstance(popped, nn.Identity) and s[1] is b and list(s._modules) == ["0", "1", "2", "3"]
    del s[-1]
    assert len(s) == 3
    t = s + nn.Sequential(nn.Identity())
    assert len(t) == 4
    s.extend([nn.Identity()])
    assert len(s) == 4
    s[0] = nn.Identity()
    assert isinstance(s[0], nn.Identity)
    with pytest.raises(IndexError, match="index 9 is out of range"):
        s[9]
    with pytest.raises(ValueError, match="only objects of Sequential"):
        s + [1]
    assert len(s * 2) == 8


def test_modulelist_moduledict():
    ml = nn.ModuleList([nn.Identity(), nn.Linear(1, 1)])
    ml.append(nn.Identity())
    ml.extend([nn.Identity()])
    ml.insert(0, nn.Linear(2, 2))
    assert len(ml) == 5 and isinstance(ml[0], nn.Linear) and isinstance(ml[1:3], nn.ModuleList)
    del ml[0]
    assert list(ml._modules) == ["0", "1", "2", "3"]
    ml += [nn.Identity()]
    assert len(ml) == 5
    md = nn.ModuleDict([("x", nn.Identity()), ("y", nn.Linear(1, 1))])
    assert list(md.keys()) == ["x", "y"] and "x" in md and len(md) == 2
    md["z"] = nn.Identity()
    assert md.pop("x") is not None and list(md) == ["y", "z"]
    with pytest.raises(ValueError, match="has length 1"):
        nn.ModuleDict([("a",)])


def test_parameterlist_parameterdict():
    pl = nn.ParameterList([ft.zeros(2), Parameter(ft.ones(3))])
    assert all(isinstance(p, Parameter) for p in pl) and len(pl) == 2
    pl.append(ft.zeros(1))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    with pytest.raises(RuntimeError, match="should not be called"):
        pl()
    pd = nn.ParameterDict({"b": ft.zeros(1), "a": ft.zeros(2)})
    assert list(pd.keys()) == ["a", "b"]  # plain dicts are sorted, like PyTorch
    pd["c"] = ft.zeros(3)
    assert isinstance(pd["c"], Parameter) and "c" in pd and len(pd) == 3
    assert [n for n, _ in pd.named_parameters()] == ["a", "b", "c"]
    pd.pop("a")
    assert list(pd) == ["b", "c"]


def test_deepcopy_and_extra_state():
    m = _net(nn)
    c = copy.deepcopy(m)
    assert c.scale is not m.scale and c.shared is c.heads[0]
    assert [n for n, _ in c.named_parameters()] == [n for n, _ in m.named_parameters()]

    class WithExtra(nn.Module):
        def __init__(self):
            super().__init__()
            self.v = 0

        def get_extra_state(self):
            return {"v": self.v}

        def set_extra_state(self, s):
            self.v = s["v"]

    w = WithExtra()
    w.v = 5
    sd = w.state_dict()
    assert sd["_extra_state"] == {"v": 5}
    w2 = WithExtra()
    w2.load_state_dict(sd)
    assert w2.v == 5


def test_lazy_linear():
    m = nn.LazyLinear(4)
    assert m.in_features == 0
    y = m(ft.randn(2, 7))
    assert type(m) is nn.Linear and m.weight.shape == (4, 7) and y.shape == (2, 4)
    lazy = nn.LazyLinear(4)
    lazy.load_state_dict(m.state_dict())
    assert type(lazy) is nn.Linear and lazy.weight.tolist() == m.weight.tolist()


def test_global_hooks_and_handles():
    from fx.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook

    seen = []
    h1 = register_module_forward_pre_hook(lambda m, a: seen.append(("pre", type(m).__name__)))
    h2 = register_module_forward_hook(lambda m, a, o: seen.append(("post", type(m).__name__)))
    try:
        nn.Sequential(nn.Identity())(ft.zeros(1))
    finally:
        h1.remove()
        h2.remove()
    assert seen == [("pre", "Sequential"), ("pre", "Identity"), ("post", "Identity"), ("post", "Sequential")]
    nn.Identity()(ft.zeros(1))
    assert len(seen) == 4
    m = nn.Identity()
    with m.register_forward_hook(lambda mod, a, o: o + 1):
        assert m(ft.zeros(1)).item() == 1
    assert m(ft.zeros(1)).item() == 0


def test_backward_hook_when_input_needs_no_grad():
    m = nn.Linear(2, 2)
    got = []
    m.register_full_backward_hook(lambda mod, gi, go: got.append((gi, go[0].shape)))
    m(ft.ones(3, 2)).sum().backward()
    assert got == [((None,), (3, 2))]
    assert m.weight.grad is not None


def test_state_dict_metadata_and_hooks():
    m = nn.Sequential(nn.Linear(2, 2))
    sd = m.state_dict()
    assert sd._metadata[""] == {"version": 1} and "0" in sd._metadata
    calls = []
    m[0].register_load_state_dict_post_hook(lambda mod, keys: calls.append(list(keys.missing_keys)))
    m.load_state_dict(sd)
    assert calls == [[]]
