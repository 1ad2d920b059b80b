"""Transformer layers vs PyTorch (state_dicts loaded by name): outputs and gradients of inputs and
every parameter, masks and causal hints, norm_first, activations, dropout, gradcheck, errors."""

import copy

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


def _load(fm, tm):
    result = fm.load_state_dict({k: ft.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys
    assert [n for n, _ in fm.named_parameters()] == [n for n, _ in tm.named_parameters()]


def _compare(torch, fm, tm, arrays, tol=1e-9, **masks):
    fin = [ft.tensor(a, requires_grad=True) for a in arrays]
    tin = [torch.tensor(a, requires_grad=True) for a in arrays]
    fkw = {k: (ft.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in masks.items()}
    tkw = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in masks.items()}
    fo, to = fm(*fin, **fkw), tm(*tin, **tkw)
    np.testing.assert_allclose(fo.detach().numpy(), to.detach().numpy(), rtol=tol, atol=tol)
    g = _arr(*to.shape)
    fo.backward(ft.tensor(g))
    to.backward(torch.tensor(g))
    for a, b in zip(fin, tin):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=tol, atol=tol)
    tp = dict(tm.named_parameters())
    for n, p in fm.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tp[n].grad.numpy(), rtol=tol, atol=tol, err_msg=n)


def _causal(n):
    return np.triu(np.full((n, n), -np.inf), 1)


LAYER_CONFIGS = [
    ({}, "post-norm"),
    ({"norm_first": True}, "pre-norm"),
    ({"batch_first": True, "activation": "gelu"}, "batch-first-gelu"),
    ({"bias": False, "layer_norm_eps": 1e-3}, "no-bias"),
]


@pytest.mark.parametrize("cfg,name", LAYER_CONFIGS, ids=[c[1] for c in LAYER_CONFIGS])
def test_encoder_layer_vs_torch(torch, cfg, name):
    tm = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **cfg).double()
    fm = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, dtype=ft.float64, **cfg)
    _load(fm, tm)
    shape = (3, 5, 8) if cfg.get("batch_first") else (5, 3, 8)
    _compare(torch, fm, tm, [_arr(*shape)])
    kpm = RNG.random((3, 5)) > 0.7
    kpm[:, 0] = False
    fm.zero_grad()
    tm.zero_grad()
    _compare(torch, fm, tm, [_arr(*shape)], src_mask=_causal(5), src_key_padding_mask=kpm)


@pytest.mark.parametrize("cfg,name", LAYER_CONFIGS, ids=[c[1] for c in LAYER_CONFIGS])
def test_decoder_layer_vs_torch(torch, cfg, name):
    tm = torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **cfg).double()
    fm = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, dtype=ft.float64, **cfg)
    _load(fm, tm)
    bf = cfg.get("batch_first")
    tgt, mem = (_arr(3, 4, 8), _arr(3, 6, 8)) if bf else (_arr(4, 3, 8), _arr(6, 3, 8))
    mkpm = RNG.random((3, 6)) > 0.7
    mkpm[:, 0] = False
    _compare(torch, fm, tm, [tgt, mem], tgt_mask=_causal(4), memory_key_padding_mask=mkpm, tgt_is_causal=True)


@pytest.mark.parametrize("norm_first", [False, True])
def test_stacks_vs_torch(torch, norm_first):
    tl = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, norm_first=norm_first)
    te = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(8), enable_nested_tensor=False).double()
    fe = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, norm_first=norm_first), 2,
                               norm=nn.LayerNorm(8)).double()
    _load(fe, te)
    _compare(torch, fe, te, [_arr(5, 2, 8)], mask=_causal(5))  # causal detected from the mask
    td = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, norm_first=norm_first), 2)
    fd = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, norm_first=norm_first), 2)
    td, fd = td.double(), fd.double()
    _load(fd, td)
    _compare(torch, fd, td, [_arr(4, 2, 8), _arr(6, 2, 8)], tgt_mask=_causal(4))


@pytest.mark.parametrize("cfg", [{}, {"batch_first": True, "norm_first": True}, {"activation": "gelu"}],
                         ids=["default", "batch-first-pre-norm", "gelu"])
def test_transformer_vs_torch(torch, cfg):
    tm = torch.nn.Transformer(8, 2, 2, 2, 16, dropout=0.0, **cfg).double()
    fm = nn.Transformer(8, 2, 2, 2, 16, dropout=0.0, **cfg).double()
    _load(fm, tm)
    bf = cfg.get("batch_first")
    src, tgt = (_arr(2, 6, 8), _arr(2, 4, 8)) if bf else (_arr(6, 2, 8), _arr(4, 2, 8))
    kpm = RNG.random((2, 6)) > 0.7
    kpm[:, 0] = False
    mask = nn.Transformer.generate_square_subsequent_mask(4).double().numpy()
    _compare(torch, fm, tm, [src, tgt], tgt_mask=mask, src_key_padding_mask=kpm, memory_key_padding_mask=kpm)


def test_transformer_unbatched_and_bool_masks(torch):
    tm = torch.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0).double()
    fm = nn.Transformer(8, 2, 1, 1, 16, dropout=0.0).double()
    _load(fm, tm)
    bool_causal = np.triu(np.ones((4, 4), bool), 1)
    _compare(torch, fm, tm, [_arr(6, 8), _arr(4, 8)], tgt_mask=bool_causal)


def test_custom_activation_and_modules(torch):
    tm = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=torch.nn.functional.silu).double()
    fm = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=F.silu).double()
    _load(fm, tm)
    _compare(torch, fm, tm, [_arr(4, 2, 8)])
    gm = nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU())
    assert gm.activation_relu_or_gelu == 2 and isinstance(gm.activation, nn.GELU)
    assert nn.TransformerEncoderLayer(8, 2, activation="relu").activation is F.relu


def test_generate_square_subsequent_mask(torch):
    m = nn.Transformer.generate_square_subsequent_mask(4)
    assert m.dtype == ft.float32 and m.shape == (4, 4)
    np.testing.assert_array_equal(m.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=ft.float64).dtype == ft.float64


def test_dropout_train_eval():
    ft.manual_seed(0)
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.5), 2)
    x = ft.randn(5, 2, 8)
    enc.eval()
    a, b = enc(x), enc(x)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    enc.train()
    assert all(m.training for m in enc.modules())
    assert not np.allclose(enc(x).detach().numpy(), a.detach().numpy())


def test_layers_are_deep_copies():
    layer = nn.TransformerEncoderLayer(8, 2, 16)
    enc = nn.TransformerEncoder(layer, 3)
    ws = [m.linear1.weight for m in enc.layers]
    assert len({id(w) for w in ws}) == 3
    np.testing.assert_array_equal(ws[0].detach().numpy(), ws[2].detach().numpy())
    assert len(list(enc.parameters())) == 3 * len(list(layer.parameters()))
    other = copy.deepcopy(enc)
    assert other.layers[0].linear1.weight is not enc.layers[0].linear1.weight


def test_transformer_init_and_state_dict_keys(torch):
    ft.manual_seed(0)
    fm = nn.Transformer(16, 4, 1, 1, 32)
    tm = torch.nn.Transformer(16, 4, 1, 1, 32)
    assert list(fm.state_dict()) == list(tm.state_dict())
    w = fm.encoder.layers[0].linear1.weight.detach().numpy()
    bound = np.sqrt(6 / (16 + 32))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound


def test_encoder_layer_gradcheck():
    ft.manual_seed(0)
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, norm_first=True).double()
    x = ft.tensor(_arr(3, 1, 4), requires_grad=True)
    mask = ft.tensor(_causal(3))
    params = list(layer.parameters())
    assert ag.gradcheck(lambda x, *ps: layer(x, src_mask=mask, is_causal=True), (x, *params))


def test_transformer_errors():
    m = nn.Transformer(8, 2, 1, 1, 16)
    with pytest.raises(RuntimeError, match="batch number of src and tgt must be equal"):
        m(ft.zeros(5, 2, 8), ft.zeros(4, 3, 8))
    with pytest.raises(RuntimeError, match="feature number of src and tgt must be equal to d_model"):
        m(ft.zeros(5, 2, 8), ft.zeros(4, 2, 6))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
    with pytest.raises(AssertionError, match="divisible by num_heads"):
        nn.TransformerDecoderLayer(8, 3)
    with pytest.raises(RuntimeError, match="encoder.layers.0.self_attn"):
        m(ft.zeros(5, 2, 8), ft.zeros(4, 2, 8), src_mask=ft.zeros(3, 3))
