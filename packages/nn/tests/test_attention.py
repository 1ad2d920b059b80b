"""scaled_dot_product_attention, multi_head_attention_forward and MultiheadAttention: outputs and
gradients vs PyTorch (weights copied by name), float64 gradcheck, dropout, errors."""

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn as nn
import fx.nn.functional as F
import fx.tensor as ft

RNG = np.random.default_rng(0)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _arr(*shape):
    return RNG.standard_normal(shape)


def _leaf(a):
    return ft.tensor(a, requires_grad=True)


def _close(a, b, tol=1e-10):
    a = a.detach().numpy() if isinstance(a, ft.Tensor) else a
    np.testing.assert_allclose(a, b.detach().numpy(), rtol=tol, atol=tol)


def _load(fm, tm):
    result = fm.load_state_dict({k: ft.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys


# ---- scaled_dot_product_attention -------------------------------------------------------------
SDPA_CASES = [
    ({}, "plain"),
    ({"is_causal": True}, "causal"),
    ({"scale": 0.3}, "scale"),
    ({"attn_mask": "bool"}, "bool-mask"),
    ({"attn_mask": "float"}, "float-mask"),
    ({"attn_mask": "bool-empty-row"}, "bool-mask-empty-row"),
]


def _mask(kind, L, S):
    if kind == "float":
        return _arr(L, S)
    m = RNG.random((L, S)) > 0.4
    m[:, 0] = True
    if kind == "bool-empty-row":
        m[1] = False
    return m


@pytest.mark.parametrize("kwargs,name", SDPA_CASES, ids=[c[1] for c in SDPA_CASES])
def test_sdpa_vs_torch(torch, kwargs, name):
    q, k, v = _arr(2, 3, 4, 5), _arr(2, 3, 6, 5), _arr(2, 3, 6, 7)
    fin, tin = [_leaf(a) for a in (q, k, v)], [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    fkw, tkw = dict(kwargs), dict(kwargs)
    if "attn_mask" in kwargs:
        m = _mask(kwargs["attn_mask"], 4, 6)
        fkw["attn_mask"], tkw["attn_mask"] = ft.tensor(m), torch.tensor(m)
        if m.dtype != bool:
            fkw["attn_mask"].requires_grad_()
            tkw["attn_mask"].requires_grad_()
    fo = F.scaled_dot_product_attention(*fin, **fkw)
    to = torch.nn.functional.scaled_dot_product_attention(*tin, **tkw)
    _close(fo, to)
    g = _arr(*to.shape)
    fo.backward(ft.tensor(g))
    to.backward(torch.tensor(g))
    for a, b in zip(fin, tin):
        _close(a.grad, b.grad)
    if "attn_mask" in kwargs and kwargs["attn_mask"] == "float":
        _close(fkw["attn_mask"].grad, tkw["attn_mask"].grad)


def test_sdpa_float32_gqa_and_broadcast(torch):
    q, k, v = (a.astype(np.float32) for a in (_arr(2, 4, 3, 8), _arr(2, 2, 5, 8), _arr(2, 2, 5, 8)))
    fo = F.scaled_dot_product_attention(ft.tensor(q), ft.tensor(k), ft.tensor(v), enable_gqa=True)
    to = torch.nn.functional.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v),
                                                          enable_gqa=True)
    assert fo.dtype == ft.float32
    _close(fo, to, 1e-5)
    q2 = ft.tensor(q[:1, :1])  # (1, 1, 3, 8) against (2, 2, 5, 8)
    out = F.scaled_dot_product_attention(q2, ft.tensor(k), ft.tensor(v))
    assert out.shape == (2, 2, 3, 8)


def test_sdpa_float16(torch):
    q, k, v = (a.astype(np.float16) for a in (_arr(2, 3, 4), _arr(2, 5, 4), _arr(2, 5, 4)))
    fo = F.scaled_dot_product_attention(ft.tensor(q), ft.tensor(k), ft.tensor(v), is_causal=True)
    to = torch.nn.functional.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v),
                                                          is_causal=True)
    assert fo.dtype == ft.float16
    np.testing.assert_allclose(fo.numpy().astype(np.float32), to.float().numpy(), atol=2e-3, rtol=2e-3)


@pytest.mark.parametrize("kwargs", [{}, {"is_causal": True}, {"scale": 0.5}], ids=["plain", "causal", "scale"])
def test_sdpa_gradcheck(kwargs):
    args = [_leaf(_arr(2, 3, 2)), _leaf(_arr(2, 4, 2)), _leaf(_arr(2, 4, 3))]
    fn = lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **kwargs)  # noqa: E731
    assert ag.gradcheck(fn, args)
    assert ag.gradgradcheck(fn, args)


def test_sdpa_gradcheck_masks():
    q, k, v = _leaf(_arr(3, 2)), _leaf(_arr(4, 2)), _leaf(_arr(4, 2))
    fmask = _leaf(_arr(3, 4))
    assert ag.gradcheck(lambda a, b, c, m: F.scaled_dot_product_attention(a, b, c, attn_mask=m), (q, k, v, fmask))
    bmask = ft.tensor([[True, False, True, True], [False] * 4, [True, True, False, False]])
    fn = lambda a, b, c: F.scaled_dot_product_attention(a, b, c, attn_mask=bmask)  # noqa: E731
    assert ag.gradcheck(fn, (q, k, v))
    assert ag.gradgradcheck(fn, (q, k, v))


def _seeded_dropout_sdpa(q, k, v, p=0.3, **kwargs):
    ft.manual_seed(3)
    return F.scaled_dot_product_attention(q, k, v, dropout_p=p, **kwargs)


def test_sdpa_dropout_matches_composition():
    q, k, v = _leaf(_arr(2, 4, 3)), _leaf(_arr(2, 5, 3)), _leaf(_arr(2, 5, 2))
    out = _seeded_dropout_sdpa(q, k, v, is_causal=True)
    ft.manual_seed(3)
    keep = ft.empty(2, 4, 5, dtype=ft.float64).bernoulli_(0.7)
    q2, k2, v2 = (ft.tensor(t.detach().numpy(), requires_grad=True) for t in (q, k, v))
    causal = ft.ones(4, 5, dtype=ft.bool).triu(1)
    w = ft.softmax((q2 @ k2.transpose(-2, -1) / np.sqrt(3)).masked_fill(causal, float("-inf")), -1)
    ref = (w * keep / 0.7) @ v2
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), atol=1e-12)
    g = ft.tensor(_arr(2, 4, 2))
    out.backward(g)
    ref.backward(g)
    for a, b in zip((q, k, v), (q2, k2, v2)):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-12)


def test_sdpa_dropout_gradcheck():
    args = [_leaf(_arr(2, 3, 2)), _leaf(_arr(2, 4, 2)), _leaf(_arr(2, 4, 3))]
    assert ag.gradcheck(_seeded_dropout_sdpa, args)
    assert ag.gradgradcheck(_seeded_dropout_sdpa, args)


def test_sdpa_fully_masked_row_is_zero():
    q, k, v = _leaf(_arr(3, 2)), _leaf(_arr(4, 2)), _leaf(_arr(4, 5))
    mask = ft.tensor([[True] * 4, [False] * 4, [True, False, False, False]])
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert np.all(out.detach().numpy()[1] == 0)
    out.sum().backward()
    assert np.isfinite(q.grad.numpy()).all() and np.all(q.grad.numpy()[1] == 0)


def test_sdpa_dropout():
    q, k, v = ft.tensor(_arr(2, 4, 3)), ft.tensor(_arr(2, 6, 3)), ft.ones(2, 6, 5, dtype=ft.float64)
    assert np.allclose(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).numpy(), 0)
    ft.manual_seed(0)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    ft.manual_seed(0)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # the masks come from fx's generator
    # v = 1: each output is the sum of the kept weights * 2, 1 on average
    big = F.scaled_dot_product_attention(ft.zeros(64, 32, 3), ft.zeros(64, 40, 3), ft.ones(64, 40, 1), dropout_p=0.3)
    assert abs(float(big.mean().item()) - 1.0) < 0.02
    qg = _leaf(_arr(4, 3))
    ft.manual_seed(1)
    F.scaled_dot_product_attention(qg, ft.tensor(_arr(6, 3)), ft.tensor(_arr(6, 2)), dropout_p=0.4).sum().backward()
    assert qg.grad.shape == (4, 3) and np.isfinite(qg.grad.numpy()).all()


def test_sdpa_empty_and_unbatched(torch):
    out = F.scaled_dot_product_attention(ft.zeros(2, 3, 4), ft.zeros(2, 0, 4), ft.zeros(2, 0, 5))
    assert out.shape == (2, 3, 5) and np.all(out.numpy() == 0)
    assert F.scaled_dot_product_attention(ft.zeros(2, 0, 4), ft.zeros(2, 3, 4), ft.zeros(2, 3, 4)).shape == (2, 0, 4)
    q, k, v = _arr(3, 4), _arr(5, 4), _arr(5, 2)
    _close(F.scaled_dot_product_attention(ft.tensor(q), ft.tensor(k), ft.tensor(v)),
           torch.nn.functional.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v)))


@pytest.mark.parametrize("args,kwargs,exc,match", [
    ((3,), {}, RuntimeError, "at least 2 dimensional"),
    ((2, 3), {"dropout_p": -0.1}, RuntimeError, "between 0 and 1"),
    ((2, 3), {"is_causal": True, "attn_mask": True}, RuntimeError, "is_causal"),
    ((2, 3), {"scale": "x"}, TypeError, "scale"),
])
def test_sdpa_errors(args, kwargs, exc, match):
    x = ft.zeros(*args)
    if kwargs.get("attn_mask") is True:
        kwargs = dict(kwargs, attn_mask=ft.ones(2, 2, dtype=ft.bool))
    with pytest.raises(exc, match=match):
        F.scaled_dot_product_attention(x, x, x, **kwargs)


# ---- MultiheadAttention ---------------------------------------------------------------------------
MHA_CONFIGS = [
    ({}, "default"),
    ({"batch_first": True}, "batch-first"),
    ({"kdim": 5, "vdim": 7}, "kdim-vdim"),
    ({"add_bias_kv": True, "add_zero_attn": True}, "bias-kv-zero-attn"),
    ({"bias": False}, "no-bias"),
]


def _mha_inputs(cfg, n=3, L=4, S=5, e=8):
    bf = cfg.get("batch_first", False)

    def shape(seq, dim):
        return (n, seq, dim) if bf else (seq, n, dim)

    return _arr(*shape(L, e)), _arr(*shape(S, cfg.get("kdim", e))), _arr(*shape(S, cfg.get("vdim", e)))


@pytest.mark.parametrize("cfg,name", MHA_CONFIGS, ids=[c[1] for c in MHA_CONFIGS])
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("masks", ["none", "bool", "float"])
def test_mha_vs_torch(torch, cfg, name, need_weights, masks):
    tm = torch.nn.MultiheadAttention(8, 2, **cfg).double()
    fm = nn.MultiheadAttention(8, 2, dtype=ft.float64, **cfg)
    _load(fm, tm)
    assert [n for n, _ in fm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    q, k, v = _mha_inputs(cfg)
    fkw, tkw = {"need_weights": need_weights}, {"need_weights": need_weights}
    if masks != "none":
        am, kpm = RNG.random((4, 5)) > 0.7, RNG.random((3, 5)) > 0.8
        am[:, 0] = kpm[:, 0] = False
        if masks == "float":
            am, kpm = np.where(am, -1e9, 0.0) + _arr(4, 5) * 0.1, np.where(kpm, -np.inf, 0.0)
        fkw.update(attn_mask=ft.tensor(am), key_padding_mask=ft.tensor(kpm))
        tkw.update(attn_mask=torch.tensor(am), key_padding_mask=torch.tensor(kpm))
    fin, tin = [_leaf(a) for a in (q, k, v)], [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    fo, fw = fm(*fin, **fkw)
    to, tw = tm(*tin, **tkw)
    _close(fo, to)
    if need_weights:
        _close(fw, tw)
    else:
        assert fw is None and tw is None
    g = _arr(*to.shape)
    fo.backward(ft.tensor(g))
    to.backward(torch.tensor(g))
    for a, b in zip(fin, tin):
        _close(a.grad, b.grad)
    tp = dict(tm.named_parameters())
    for n, p in fm.named_parameters():
        _close(p.grad, tp[n].grad)


def test_mha_self_attention_3d_mask_unbatched_per_head_weights(torch):
    tm = torch.nn.MultiheadAttention(6, 3).double()
    fm = nn.MultiheadAttention(6, 3).double()
    _load(fm, tm)
    x = _arr(4, 2, 6)
    mask = RNG.random((6, 4, 4)) > 0.7
    mask[..., 0] = False
    for kw in ({"average_attn_weights": False}, {"need_weights": False}):
        fo, fw = fm(ft.tensor(x), ft.tensor(x), ft.tensor(x), attn_mask=ft.tensor(mask), **kw)
        tx = torch.tensor(x)
        to, tw = tm(tx, tx, tx, attn_mask=torch.tensor(mask), **kw)
        _close(fo, to)
        if tw is not None:
            assert fw.shape == (2, 3, 4, 4)
            _close(fw, tw)
    u = x[:, 0]
    m2 = mask[:3]
    fo, fw = fm(ft.tensor(u), ft.tensor(u), ft.tensor(u), attn_mask=ft.tensor(m2))
    to, tw = tm(*(torch.tensor(u),) * 3, attn_mask=torch.tensor(m2))
    _close(fo, to)
    _close(fw, tw)


def test_mha_is_causal(torch):
    tm = torch.nn.MultiheadAttention(8, 2, batch_first=True).double()
    fm = nn.MultiheadAttention(8, 2, batch_first=True).double()
    _load(fm, tm)
    x = _arr(2, 5, 8)
    causal = np.triu(np.full((5, 5), -np.inf), 1)
    fo = fm(*(ft.tensor(x),) * 3, attn_mask=ft.tensor(causal), is_causal=True, need_weights=False)[0]
    to = tm(*(torch.tensor(x),) * 3, attn_mask=torch.tensor(causal), is_causal=True, need_weights=False)[0]
    _close(fo, to)
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        fm(*(ft.tensor(x),) * 3, is_causal=True)


def test_mha_functional_matches_module(torch):
    fm = nn.MultiheadAttention(8, 2).double()
    q, k, v = (ft.tensor(a) for a in _mha_inputs({}))
    out, w = F.multi_head_attention_forward(q, k, v, 8, 2, fm.in_proj_weight, fm.in_proj_bias, None, None, False, 0.0,
                                            fm.out_proj.weight, fm.out_proj.bias, training=False)
    mo, mw = fm(q, k, v)
    np.testing.assert_allclose(out.detach().numpy(), mo.detach().numpy())
    np.testing.assert_allclose(w.detach().numpy(), mw.detach().numpy())


def test_mha_gradcheck():
    ft.manual_seed(0)
    fm = nn.MultiheadAttention(4, 2, kdim=3, vdim=2).double()
    q, k, v = _leaf(_arr(2, 1, 4)), _leaf(_arr(3, 1, 3)), _leaf(_arr(3, 1, 2))
    params = list(fm.parameters())

    def fn(q, k, v, *ps):
        return fm(q, k, v, need_weights=False)[0]

    assert ag.gradcheck(fn, (q, k, v, *params))


def test_mha_dropout_train_eval():
    ft.manual_seed(0)
    m = nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True)
    x = ft.randn(2, 6, 8)
    m.eval()
    a, b = m(x, x, x)[0], m(x, x, x)[0]
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    m.train()
    c = m(x, x, x, need_weights=False)[0]
    d = m(x, x, x)[0]
    assert not np.allclose(c.detach().numpy(), a.detach().numpy())
    assert not np.allclose(d.detach().numpy(), a.detach().numpy())


def test_mha_init_and_state_dict(torch):
    ft.manual_seed(0)
    m = nn.MultiheadAttention(16, 4, add_bias_kv=True)
    assert list(m.state_dict()) == list(torch.nn.MultiheadAttention(16, 4, add_bias_kv=True).state_dict())
    assert np.all(m.in_proj_bias.detach().numpy() == 0) and np.all(m.out_proj.bias.detach().numpy() == 0)
    bound = np.sqrt(6 / (16 + 48))
    w = m.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    sep = nn.MultiheadAttention(16, 4, kdim=8, vdim=8)
    assert sep.in_proj_weight is None and sep.k_proj_weight.shape == (16, 8)
    assert [n for n, _ in sep.named_parameters()] == [
        n for n, _ in torch.nn.MultiheadAttention(16, 4, kdim=8, vdim=8).named_parameters()]


@pytest.mark.parametrize("call,exc,match", [
    (lambda m: m(ft.zeros(4, 2, 8), ft.zeros(5, 2, 8), ft.zeros(5, 2)), AssertionError, "expected `key` and `value`"),
    (lambda m: m(ft.zeros(4, 8), ft.zeros(5, 8), ft.zeros(5, 8), key_padding_mask=ft.zeros(2, 5, dtype=ft.bool)),
     AssertionError, "key_padding_mask"),
    (lambda m: m(*(ft.zeros(4, 2, 8),) * 3, attn_mask=ft.zeros(3, 4, dtype=ft.bool)), RuntimeError,
     "shape of the 2D attn_mask"),
    (lambda m: m(*(ft.zeros(4, 2, 6),) * 3), AssertionError, "expecting embedding dimension of 8"),
    (lambda m: m(*(ft.zeros(4, 2, 8),) * 3, attn_mask=ft.zeros(4, 4, dtype=ft.int64)), AssertionError,
     "only bool and floating"),
    (lambda m: m(*(ft.zeros(2, 4, 2, 8),) * 3), AssertionError, "unbatched 2D or batched 3D"),
])
def test_mha_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call(nn.MultiheadAttention(8, 2))


def test_mha_constructor_errors():
    with pytest.raises(ValueError, match="greater than 0"):
        nn.MultiheadAttention(0, 2)
    with pytest.raises(AssertionError, match="divisible by num_heads"):
        nn.MultiheadAttention(10, 3)
