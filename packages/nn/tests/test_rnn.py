"""RNN, LSTM, GRU and their cells vs PyTorch (state_dicts loaded by name): outputs, final states
and gradients of inputs, initial states and every parameter; packed sequences; the
nn.utils.rnn helpers; gradcheck; dropout; errors."""

import numpy as np
import pytest

import fx.autograd as ag
import fx.nn as nn
import fx.tensor as ft
from fx.nn.utils import rnn as R

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


def _flat(out):
    if hasattr(out, "batch_sizes"):
        return [out.data]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


def _compare(torch, fm, tm, fargs, targs, leaves, tol=1e-10):
    fo, to = _flat(fm(*fargs)), _flat(tm(*targs))
    assert len(fo) == len(to)
    for a, b in zip(fo, to):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)
    gs = [_arr(*t.shape) for t in to]
    ag.backward(fo, [ft.tensor(g) for g in gs])
    torch.autograd.backward(to, [torch.tensor(g) for g in gs])
    for a, b in leaves:
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=tol, atol=tol)
    tp = dict(tm.named_parameters())
    for n, p in fm.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tp[n].grad.numpy(), rtol=tol, atol=tol, err_msg=n)


def _pair(torch, a):
    return ft.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _states(torch, cls, cfg, n):
    dirs = 2 if cfg.get("bidirectional") else 1
    layers = cfg.get("num_layers", 1)
    out = cfg.get("proj_size") or cfg["hidden_size"]
    pairs = [_pair(torch, _arr(layers * dirs, n, out))]
    if cls == "LSTM":
        pairs.append(_pair(torch, _arr(layers * dirs, n, cfg["hidden_size"])))
        return (pairs[0][0], pairs[1][0]), (pairs[0][1], pairs[1][1]), pairs
    return pairs[0][0], pairs[0][1], pairs


CONFIGS = [
    ({"input_size": 3, "hidden_size": 4}, "basic"),
    ({"input_size": 3, "hidden_size": 4, "num_layers": 2}, "two-layers"),
    ({"input_size": 3, "hidden_size": 4, "bidirectional": True}, "bidirectional"),
    ({"input_size": 3, "hidden_size": 5, "num_layers": 2, "bidirectional": True, "batch_first": True}, "deep-bi-bf"),
    ({"input_size": 2, "hidden_size": 3, "bias": False}, "no-bias"),
]


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("cfg,name", CONFIGS, ids=[c[1] for c in CONFIGS])
@pytest.mark.parametrize("with_state", [False, True], ids=["zero-state", "given-state"])
def test_rnn_vs_torch(torch, cls, cfg, name, with_state):
    tm = getattr(torch.nn, cls)(**cfg).double()
    fm = getattr(nn, cls)(**cfg).double()
    _load(fm, tm)
    n, steps = 3, 5
    shape = (n, steps, cfg["input_size"]) if cfg.get("batch_first") else (steps, n, cfg["input_size"])
    fx_x, t_x = _pair(torch, _arr(*shape))
    fargs, targs, leaves = [fx_x], [t_x], [(fx_x, t_x)]
    if with_state:
        fh, th, pairs = _states(torch, cls, cfg, n)
        fargs.append(fh)
        targs.append(th)
        leaves += pairs
    _compare(torch, fm, tm, fargs, targs, leaves)


@pytest.mark.parametrize("cfg", [{"nonlinearity": "relu", "num_layers": 2}, {"nonlinearity": "relu", "bidirectional": True}],
                         ids=["relu-2", "relu-bi"])
def test_rnn_relu_vs_torch(torch, cfg):
    tm, fm = torch.nn.RNN(3, 4, **cfg).double(), nn.RNN(3, 4, **cfg).double()
    _load(fm, tm)
    fx_x, t_x = _pair(torch, _arr(6, 2, 3))
    _compare(torch, fm, tm, [fx_x], [t_x], [(fx_x, t_x)])


@pytest.mark.parametrize("cfg", [{"proj_size": 2}, {"proj_size": 3, "num_layers": 2, "bidirectional": True}],
                         ids=["proj", "proj-deep-bi"])
def test_lstm_proj_vs_torch(torch, cfg):
    tm, fm = torch.nn.LSTM(3, 5, **cfg).double(), nn.LSTM(3, 5, **cfg).double()
    _load(fm, tm)
    assert fm.weight_hr_l0.shape == (cfg["proj_size"], 5)
    fx_x, t_x = _pair(torch, _arr(4, 2, 3))
    fh, th, pairs = _states(torch, "LSTM", dict(cfg, hidden_size=5), 2)
    _compare(torch, fm, tm, [fx_x, fh], [t_x, th], [(fx_x, t_x)] + pairs)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_vs_torch(torch, cls, enforce_sorted, bidirectional):
    cfg = {"input_size": 3, "hidden_size": 4, "num_layers": 2, "bidirectional": bidirectional}
    tm, fm = getattr(torch.nn, cls)(**cfg).double(), getattr(nn, cls)(**cfg).double()
    _load(fm, tm)
    lengths = [6, 4, 4, 1] if enforce_sorted else [4, 6, 1, 4]
    fx_x, t_x = _pair(torch, _arr(6, 4, 3))
    fp = R.pack_padded_sequence(fx_x, lengths, enforce_sorted=enforce_sorted)
    tp = torch.nn.utils.rnn.pack_padded_sequence(t_x, lengths, enforce_sorted=enforce_sorted)
    fh, th, pairs = _states(torch, cls, cfg, 4)
    fo, fstate = fm(fp, fh)
    assert isinstance(fo, R.PackedSequence)
    np.testing.assert_array_equal(fo.batch_sizes.numpy(), tp.batch_sizes.numpy())
    _compare(torch, fm, tm, [fp, fh], [tp, th], [(fx_x, t_x)] + pairs)
    padded, lens = R.pad_packed_sequence(fm(fp, fh)[0])
    t_padded, t_lens = torch.nn.utils.rnn.pad_packed_sequence(tm(tp, th)[0])
    np.testing.assert_allclose(padded.detach().numpy(), t_padded.detach().numpy(), atol=1e-10)
    np.testing.assert_array_equal(lens.numpy(), t_lens.numpy())


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_unbatched_vs_torch(torch, cls):
    tm, fm = getattr(torch.nn, cls)(3, 4, num_layers=2).double(), getattr(nn, cls)(3, 4, num_layers=2).double()
    _load(fm, tm)
    fx_x, t_x = _pair(torch, _arr(5, 3))
    fh, th, pairs = _states(torch, cls, {"hidden_size": 4, "num_layers": 2}, 1)
    squeeze = (lambda s: tuple(t.squeeze(1) for t in s)) if cls == "LSTM" else (lambda s: s.squeeze(1))
    fo = fm(fx_x, squeeze(fh))
    to = tm(t_x, squeeze(th))
    for a, b in zip(_flat(fo), _flat(to)):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-10)


@pytest.mark.parametrize("cls,kw", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}),
                                    ("GRUCell", {}), ("GRUCell", {"bias": False})])
@pytest.mark.parametrize("batched", [True, False])
def test_cells_vs_torch(torch, cls, kw, batched):
    tm, fm = getattr(torch.nn, cls)(3, 4, **kw).double(), getattr(nn, cls)(3, 4, **kw).double()
    _load(fm, tm)
    lead = (2,) if batched else ()
    fx_x, t_x = _pair(torch, _arr(*lead, 3))
    leaves = [(fx_x, t_x)]
    if cls == "LSTMCell":
        (fh, th), (fc, tc) = _pair(torch, _arr(*lead, 4)), _pair(torch, _arr(*lead, 4))
        fargs, targs = [fx_x, (fh, fc)], [t_x, (th, tc)]
        leaves += [(fh, th), (fc, tc)]
    else:
        fh, th = _pair(torch, _arr(*lead, 4))
        fargs, targs = [fx_x, fh], [t_x, th]
        leaves.append((fh, th))
    _compare(torch, fm, tm, fargs, targs, leaves)
    fo = fm(ft.tensor(_arr(*lead, 3)))  # no state: zeros
    assert _flat(fo)[0].shape == (*lead, 4)


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_gradcheck(cls):
    ft.manual_seed(0)
    m = getattr(nn, cls)(2, 3).double()
    x = ft.tensor(_arr(2, 2), requires_grad=True)
    h = ft.tensor(_arr(2, 3), requires_grad=True)
    params = list(m.parameters())

    def fn(x, h, *ps):
        out = m(x, (h, h * 0.5) if cls == "LSTMCell" else h)
        return out if cls != "LSTMCell" else out[0] + out[1]

    assert ag.gradcheck(fn, (x, h, *params))
    assert ag.gradgradcheck(lambda x, h: fn(x, h), (x, h))


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_layers_gradcheck(cls):
    ft.manual_seed(0)
    m = getattr(nn, cls)(2, 2, bidirectional=True).double()
    x = ft.tensor(_arr(3, 1, 2), requires_grad=True)
    params = list(m.parameters())
    assert ag.gradcheck(lambda x, *ps: m(x)[0], (x, *params))
    packed = lambda x: m(R.pack_padded_sequence(x, [3, 1]))[0].data  # noqa: E731
    assert ag.gradcheck(packed, (ft.tensor(_arr(3, 2, 2), requires_grad=True),))


def test_dropout_between_layers_train_eval():
    ft.manual_seed(0)
    m = nn.LSTM(4, 8, num_layers=3, dropout=0.5)
    x = ft.randn(5, 2, 4)
    m.eval()
    a, b = m(x)[0], m(x)[0]
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    m.train()
    assert not np.allclose(m(x)[0].detach().numpy(), a.detach().numpy())
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.GRU(4, 8, dropout=0.3)


def test_parameters_init_and_repr(torch):
    ft.manual_seed(0)
    m = nn.LSTM(10, 20, num_layers=2, bidirectional=True)
    t = torch.nn.LSTM(10, 20, num_layers=2, bidirectional=True)
    assert list(m.state_dict()) == list(t.state_dict())
    assert [tuple(p.shape) for p in m.parameters()] == [tuple(p.shape) for p in t.parameters()]
    bound = 1 / np.sqrt(20)
    w = m.weight_hh_l1_reverse.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert repr(m) == repr(t)
    for cfg in ({"proj_size": 3, "batch_first": True}, {"bias": False, "dropout": 0.2, "num_layers": 2}):
        assert repr(nn.LSTM(4, 5, **cfg)) == repr(torch.nn.LSTM(4, 5, **cfg))
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == repr(torch.nn.RNNCell(3, 4, nonlinearity="relu"))
    assert repr(nn.GRUCell(3, 4, bias=False)) == repr(torch.nn.GRUCell(3, 4, bias=False))
    assert len(m.all_weights) == 4 and m.all_weights[1][0] is m.weight_ih_l0_reverse
    assert nn.RNN(3, 4, 1, "relu").nonlinearity == "relu"


@pytest.mark.parametrize("make,call,exc,match", [
    (lambda: nn.LSTM(3, 4), lambda m: m(ft.zeros(5, 2, 6)), RuntimeError, "Expected 3, got 6"),
    (lambda: nn.GRU(3, 4), lambda m: m(ft.zeros(5, 2, 3), ft.zeros(1, 3, 4)), RuntimeError,
     r"Expected hidden size \(1, 2, 4\), got \[1, 3, 4\]"),
    (lambda: nn.LSTM(3, 4), lambda m: m(ft.zeros(5, 2, 3), (ft.zeros(1, 2, 4), ft.zeros(1, 2, 5))), RuntimeError,
     r"Expected hidden\[1\] size"),
    (lambda: nn.RNN(3, 4), lambda m: m(ft.zeros(2, 5, 2, 3)), ValueError, "Expected input to be 2D or 3D"),
    (lambda: nn.RNN(3, 4), lambda m: m(ft.zeros(5, 2, 3), ft.zeros(1, 4)), RuntimeError, "hx should also be 3-D"),
    (lambda: nn.RNN(3, 4), lambda m: m(ft.zeros(5, 2, 3, dtype=ft.float64)), ValueError, "does not match weight dtype"),
    (lambda: nn.LSTMCell(3, 4), lambda m: m(ft.zeros(2, 2, 3)), ValueError, "Expected input to be 1D or 2D"),
    (lambda: nn.GRUCell(3, 4), lambda m: m(ft.zeros(2, 3), ft.zeros(3, 4)), RuntimeError, "Expected hidden size"),
    (lambda: nn.RNNCell(3, 4), lambda m: m(ft.zeros(2, 5)), RuntimeError, "inconsistent input_size"),
])
def test_forward_errors(make, call, exc, match):
    with pytest.raises(exc, match=match):
        call(make())


@pytest.mark.parametrize("make,exc,match", [
    (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError, "Unknown nonlinearity 'sigmoid'"),
    (lambda: nn.GRU(3, 4, proj_size=2), ValueError, "proj_size argument is only supported for LSTM"),
    (lambda: nn.LSTM(3, 4, proj_size=4), ValueError, "proj_size has to be smaller than hidden_size"),
    (lambda: nn.LSTM(3, 4, dropout=1.5), ValueError, "dropout should be a number in range"),
    (lambda: nn.LSTM(3, 0), ValueError, "hidden_size must be greater than zero"),
    (lambda: nn.LSTM(3, 4, num_layers=0), ValueError, "num_layers must be greater than zero"),
    (lambda: nn.LSTM(3.0, 4), TypeError, "input_size should be of type int"),
    (lambda: nn.RNNCell(3, 4, nonlinearity="gelu"), ValueError, "Unknown nonlinearity"),
])
def test_constructor_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


# ---- nn.utils.rnn -------------------------------------------------------------------------------
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths,enforce_sorted", [([5, 3, 1], True), ([2, 5, 3], False)])
def test_pack_pad_roundtrip_vs_torch(torch, batch_first, lengths, enforce_sorted):
    a = _arr(3, 5, 2) if batch_first else _arr(5, 3, 2)
    fx_x, t_x = _pair(torch, a)
    fp = R.pack_padded_sequence(fx_x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    tp = torch.nn.utils.rnn.pack_padded_sequence(t_x, torch.tensor(lengths), batch_first=batch_first,
                                                 enforce_sorted=enforce_sorted)
    np.testing.assert_array_equal(fp.data.detach().numpy(), tp.data.detach().numpy())
    for f, t in zip(fp[1:], tp[1:]):
        assert (f is None and t is None) or np.array_equal(f.numpy(), t.numpy())
    for total in (None, 7):
        fo, fl = R.pad_packed_sequence(fp, batch_first=batch_first, padding_value=-2.0, total_length=total)
        to, tl = torch.nn.utils.rnn.pad_packed_sequence(tp, batch_first=batch_first, padding_value=-2.0,
                                                        total_length=total)
        np.testing.assert_array_equal(fo.detach().numpy(), to.detach().numpy())
        np.testing.assert_array_equal(fl.numpy(), tl.numpy())
        assert fl.dtype == ft.int64
    g = _arr(*fp.data.shape)
    fp.data.backward(ft.tensor(g))
    tp.data.backward(torch.tensor(g))
    np.testing.assert_array_equal(fx_x.grad.numpy(), t_x.grad.numpy())


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_vs_torch(torch, batch_first, side):
    seqs = [_arr(n, 2) for n in (2, 4, 1)]
    fs = [ft.tensor(s, requires_grad=True) for s in seqs]
    fo = R.pad_sequence(fs, batch_first=batch_first, padding_value=3.0, padding_side=side)
    to = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first=batch_first,
                                         padding_value=3.0, padding_side=side)
    np.testing.assert_array_equal(fo.detach().numpy(), to.numpy())
    fo.sum().backward()
    assert all(np.all(s.grad.numpy() == 1) for s in fs)


def test_pack_sequence_unpack_unpad(torch):
    seqs = [ft.tensor(_arr(n, 3)) for n in (2, 4, 1)]
    packed = R.pack_sequence(seqs, enforce_sorted=False)
    tpacked = torch.nn.utils.rnn.pack_sequence([torch.tensor(s.numpy()) for s in seqs], enforce_sorted=False)
    np.testing.assert_array_equal(packed.data.numpy(), tpacked.data.numpy())
    for a, b in zip(R.unpack_sequence(packed), seqs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    padded = R.pad_sequence(seqs, batch_first=True)
    for a, b in zip(R.unpad_sequence(padded, ft.tensor([2, 4, 1]), batch_first=True), seqs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert packed.double().data.dtype == ft.float64 and packed.to(ft.float32).data.dtype == ft.float32
    assert R.PackedSequence._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    np.testing.assert_array_equal(R.invert_permutation(ft.tensor([2, 0, 1])).numpy(), [1, 2, 0])


@pytest.mark.parametrize("call,exc,match", [
    (lambda: R.pack_padded_sequence(ft.zeros(5, 3, 2), [2, 5, 3]), RuntimeError, "sorted in decreasing order"),
    (lambda: R.pack_padded_sequence(ft.zeros(5, 3, 2), [5, 3, 0]), RuntimeError, "greater than 0"),
    (lambda: R.pack_padded_sequence(ft.zeros(5, 3, 2), [5, 3]), RuntimeError, "equal to batch_size"),
    (lambda: R.pack_padded_sequence(ft.zeros(5, 3, 2), [6, 3, 1]), RuntimeError, "exceeds the input's 5 time steps"),
    (lambda: R.pad_packed_sequence(R.pack_padded_sequence(ft.zeros(5, 2, 1), [5, 2]), total_length=3), ValueError,
     "Expected total_length to be at least"),
    (lambda: R.pad_sequence([]), RuntimeError, "empty list of sequences"),
    (lambda: R.pad_sequence([ft.zeros(2, 3), ft.zeros(2, 4)]), RuntimeError, "trailing dims"),
    (lambda: R.pad_sequence([ft.zeros(2)], padding_side="mid"), RuntimeError, "padding_side"),
])
def test_utils_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
