"""fx.nn.summary and the shape-only forward pass under it: shapes against a real forward, parameter
counts, saved activations against what fx.autograd really saves, kernels that must not run, a huge
input, fallbacks, errors identical to a real forward, and every shape rule against its kernel."""

import tracemalloc
from contextlib import contextmanager, suppress

import numpy as np
import pytest

import fx.autograd as autograd
import fx.nn as nn
import fx.nn.functional as F
import fx.tensor as ft
from fx.autograd import no_grad
from fx.nn._meta_array import ZEROS, is_meta_array
from fx.nn._shape_infer import ShapeInference, is_meta, meta_tensor
from fx.nn._shape_rules import RULES
from fx.nn._summary import ModelSummary, summary
from fx.tensor import _dispatch
from fx.tensor._dispatch import PRIMITIVES
from fx.tensor._tensor import storage_root

# Primitives with no shape rule on purpose: their output sizes are values (they fall back).
DATA_DEPENDENT = {"nonzero", "unique", "unique_consecutive", "bincount"}
_CONTIGUOUS_METAS = meta_tensor((2, 3), ft.float32).is_contiguous()  # False where no lazy mapping can be made


def _mlp():
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Sequential(nn.Linear(256, 256), nn.ReLU()),
                         nn.Linear(256, 10))


class _LM(nn.Module):
    """Embedding + causal TransformerEncoder + head: the language-model shape of things."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 32)
        self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(32, 4, 64, dropout=0.1, batch_first=True), 2)
        self.head = nn.Linear(32, 100)

    def forward(self, idx):
        mask = nn.Transformer.generate_square_subsequent_mask(idx.shape[1])
        return self.head(self.enc(self.emb(idx), mask=mask, is_causal=True))


class _Attn(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 4, dropout=0.1)

    def forward(self, q, kv):
        return self.attn(q, kv, kv)


def _models():
    return {
        "mlp": (lambda: nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.Dropout(0.2), nn.Linear(16, 4)), [(5, 8)], None),
        "cnn": (lambda: nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, stride=2),
            nn.AvgPool2d(2), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Dropout(0.5), nn.Linear(16, 10)),
            [(2, 3, 32, 32)], None),
        "conv1d": (lambda: nn.Sequential(nn.Conv1d(4, 8, 3), nn.MaxPool1d(2), nn.ConvTranspose1d(8, 4, 3, stride=2),
                                         nn.GroupNorm(2, 4), nn.LayerNorm(9)), [(2, 4, 10)], None),
        "lstm": (lambda: nn.LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True, dropout=0.3),
                 [(3, 7, 10)], None),
        "gru": (lambda: nn.GRU(10, 20), [(7, 3, 10)], None),
        "encoder": (lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, 32, batch_first=True), 2),
                    [(2, 6, 16)], None),
        "transformer": (lambda: nn.Transformer(16, 2, 1, 1, 32), [(5, 2, 16), (4, 2, 16)], None),
        "lm": (_LM, [(2, 9)], ft.int64),
        "mha": (_Attn, [(5, 2, 16), (7, 2, 16)], None),
    }


def _real_shapes(model, shapes, dtype, training):
    """Every module's output shapes (first call) from a real forward on zeros."""
    found, handles = {}, []

    def record(mod, args, out, path):
        found.setdefault(path, [tuple(t.shape) for t in _flat(out)])

    for path, m in model.named_modules():
        handles.append(m.register_forward_hook(lambda mod, a, out, path=path: record(mod, a, out, path)))
    model.train(training)
    try:
        with no_grad():
            model(*[ft.zeros(s, dtype=dtype or ft.float32) for s in shapes])
    finally:
        for h in handles:
            h.remove()
    return found


def _flat(obj):
    if isinstance(obj, ft.Tensor):
        return [obj]
    if isinstance(obj, (tuple, list)):
        return [t for o in obj for t in _flat(o)]
    return []


def _real_saved_bytes(model, shapes, dtype, training):
    """Bytes of the storages fx.autograd saves for backward in a real forward (weights, buffers and
    inputs excluded), read through saved_tensors_hooks."""
    model.train(training)
    xs = [ft.zeros(s, dtype=dtype or ft.float32) for s in shapes]
    known = {id(storage_root(t._data)) for t in [*model.parameters(), *model.buffers(), *xs]}
    seen, total = set(), 0

    def pack(t):
        nonlocal total
        root = storage_root(t._data)
        if id(root) not in known and id(root) not in seen:
            seen.add(id(root))
            total += root.nbytes
        return t

    with autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(*xs)
    return total


@pytest.mark.parametrize("name", sorted(_models()))
@pytest.mark.parametrize("mode", ["eval", "train"])
def test_shapes_params_and_saved_activations_match_a_real_forward(name, mode):
    make, shapes, dtype = _models()[name]
    ft.manual_seed(0)
    model = make()
    s = summary(model, shapes, dtype=dtype, mode=mode)
    real = _real_shapes(model, shapes, dtype, mode == "train")
    got = {li.path: li.output_shapes for li in s.layers if li.calls}
    assert got == real
    assert not s.fallback_ops and s.shape_only_ops > 0
    assert s.total_params == sum(p.numel() for p in model.parameters())
    assert all(li.num_params == sum(p.numel() for p in m._parameters.values() if p is not None)
               for li, (_, m) in zip(s.layers, model.named_modules()))
    if _CONTIGUOUS_METAS:  # zero-strided metas never copy on reshape: the count is exact only with strides
        assert s.activation_bytes == _real_saved_bytes(model, shapes, dtype, mode == "train")
    assert s.layers[0].activation_bytes == s.activation_bytes  # the root row holds everything


def test_summary_rows_and_totals():
    m = _mlp()
    s = summary(m, (32, 64))
    assert isinstance(s, ModelSummary)
    assert [li.path for li in s.layers] == [n for n, _ in m.named_modules()]
    by_path = {li.path: li for li in s.layers}
    assert by_path["0"].output_shapes == [(32, 256)] and by_path["0"].type == "Linear"
    assert by_path["3"].output_shapes == [(32, 10)] and by_path[""].output_shapes == [(32, 10)]
    assert by_path["2.0"].num_params == 256 * 256 + 256 and by_path["2.0"].depth == 2
    assert by_path["2"].total_params == 256 * 256 + 256 and by_path["2"].num_params == 0
    assert s.total_params == sum(p.numel() for p in m.parameters()) == 85002
    assert s.trainable_params == 85002 and s.param_bytes == s.trainable_bytes == 85002 * 4
    relu_out = 32 * 256 * 4  # relu saves its output; the next matmul saves the same tensor
    assert by_path["1"].activation_bytes == by_path["2.1"].activation_bytes == relu_out
    assert by_path["0"].activation_bytes == by_path["3"].activation_bytes == 0  # input / already saved
    assert s.activation_bytes == 2 * relu_out and s.input_bytes == 32 * 64 * 4
    assert s.training_bytes == 85002 * 4 * (1 + 1 + 2) + 32 * 64 * 4 + 2 * relu_out
    text = str(s)
    for part in ("2.0 (Linear)", "[32, 256]", "65,792", "Total params: 85,002", "Estimated training memory: ",
                 "2 optimizer states per weight", "8 ops from shape rules, 0 ran their kernel"):
        assert part in text
    assert summary(m, (32, 64), optimizer_states=0).training_bytes == s.training_bytes - 2 * 85002 * 4


def test_depth_hides_rows_and_counts_their_params_above():
    s = summary(_mlp(), (2, 64), depth=1)
    text = str(s)
    assert "2.0 (Linear)" not in text and "2 (Sequential)" in text
    row = next(line for line in text.splitlines() if "2 (Sequential)" in line)
    assert "65,792" in row  # its hidden child's parameters
    assert len(s.layers) == 7  # the data keeps every module


def test_frozen_shared_examples_and_multiple_inputs():
    lin = nn.Linear(4, 4)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = lin
            self.emb = nn.Linear(3, 4)
            self.emb.requires_grad_(False)
            self.register_buffer("stat", ft.zeros(10))

        def forward(self, x, y):
            return self.a(self.a(self.emb(x))) + y

    n = Net()
    s = summary(n, [(2, 3), (2, 4)])
    assert s.trainable_params == 20 and s.non_trainable_params == 16 and s.buffer_bytes == 40
    a = next(li for li in s.layers if li.path == "a")
    assert a.calls == 2 and "a (Linear) x2" in str(s) and "16 (frozen)" in str(s)
    x, y = ft.ones(5, 3), ft.full((5, 4), 7.0)
    s2 = summary(n, (x, y))
    assert s2.layers[0].output_shapes == [(5, 4)] and s2.input_bytes == 5 * 7 * 4
    assert x.tolist() == [[1.0] * 3] * 5 and y[0, 0].item() == 7.0  # examples only lend their shapes
    assert not any(m._forward_hooks or m._forward_pre_hooks for m in n.modules())
    lstm = summary(nn.LSTM(3, 5), [(4, 2, 3), ((1, 2, 5), (1, 2, 5))])  # a nested list gives the (h0, c0) tuple
    assert lstm.layers[0].output_shapes == [(4, 2, 5), (1, 2, 5), (1, 2, 5)]
    mixed = summary(_LM(), [(2, 9)], dtype=[ft.int64])
    assert mixed.layers[0].output_shapes == [(2, 9, 100)]


def test_no_kernel_runs_on_the_input(monkeypatch):
    on_meta, calls = [], dict.fromkeys(("conv2d", "matmul", "max_pool2d", "batch_norm", "layer_norm", "sdpa"), 0)
    for prim in PRIMITIVES.values():
        kernel = prim.kernels.get(np.ndarray)
        if kernel is None:
            continue

        def counted(*arrays, _kernel=kernel, _prim=prim, **params):
            if _prim.name in calls:
                calls[_prim.name] += 1
            if not _prim.view and any(isinstance(a, np.ndarray) and is_meta_array(a) for a in arrays):
                on_meta.append(_prim.name)
            return _kernel(*arrays, **params)

        monkeypatch.setitem(prim.kernels, np.ndarray, counted)
    for key in ("cnn", "lm", "encoder"):
        make, shapes, dtype = _models()[key]
        assert not summary(make(), shapes, dtype=dtype, mode="train").fallback_ops
    # Only views of the input (which read nothing) ran; kernels ran on weights and constants only.
    assert on_meta == [] and calls == dict.fromkeys(calls, 0)
    make, shapes, dtype = _models()["lstm"]
    summary(make(), shapes)
    assert on_meta == [] and calls["matmul"] == 4  # the zero initial states (a factory's) times W_hh: real
    make, shapes, dtype = _models()["cnn"]  # the counting itself works: a real forward calls them
    calls.update(dict.fromkeys(calls, 0))
    make().train()(ft.zeros(shapes[0]))
    assert calls["conv2d"] == 2 and calls["matmul"] == 1 and calls["batch_norm"] == 1


def test_huge_input_costs_no_memory():
    # A real forward would need 48 GiB for the input alone and ~1 TiB for the activations.
    model = nn.Sequential(nn.Conv2d(3, 64, 7, stride=2, padding=3), nn.BatchNorm2d(64), nn.ReLU(),
                          nn.MaxPool2d(3, 2, 1), nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                          nn.Flatten(), nn.Linear(128, 1000))
    tracemalloc.start()
    try:
        s = summary(model, (4096, 3, 1024, 1024), mode="train")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 2**20
    assert [li.output_shapes[0] for li in s.layers[1:5]] == [(4096, 64, 512, 512)] * 3 + [(4096, 64, 256, 256)]
    assert s.layers[0].output_shapes == [(4096, 1000)] and not s.fallback_ops
    # Training memory at least holds the first conv's output (saved by BatchNorm for its backward).
    assert s.input_bytes == 4096 * 3 * 1024 * 1024 * 4 and s.training_bytes > 4096 * 64 * 512 * 512 * 4


def test_zero_strided_metas_where_no_mapping(monkeypatch):
    monkeypatch.setattr(ZEROS, "buffer", lambda nbytes: None)
    x = meta_tensor((4096, 3, 1024, 1024), ft.float32)
    assert is_meta(x) and x._data.strides == (0, 0, 0, 0) and x.nbytes == 4096 * 3 * 2**22
    make, shapes, dtype = _models()["cnn"]
    model = make()
    s = summary(model, shapes)
    assert {li.path: li.output_shapes for li in s.layers} == _real_shapes(model, shapes, dtype, False)


def test_data_dependent_shapes_fall_back_and_are_counted():
    class Positive(nn.Module):
        def forward(self, x):
            return x[x > 0] * 2

    s = summary(Positive(), (3, 4))
    assert s.layers[0].output_shapes == [(0,)]  # what an all-zero input gives
    assert s.fallback_ops == {"index": 1} and "1 ran their kernel (index x1)" in str(s)


def _error_text(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value)


class _Broken(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.kind, self.lin = kind, nn.Linear(6, 6)
        self.register_buffer("offset", ft.zeros(5))

    def forward(self, x):
        x = self.lin(x)
        if self.kind == "broadcast":
            return x + self.offset
        return x.transpose(0, 1).view(-1)  # a view that needs a copy


@pytest.mark.parametrize("make, shape", [
    (_mlp, (2, 65)),
    (lambda: nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Conv2d(4, 8, 3)), (1, 3, 9, 9)),
    (lambda: nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(5)), (2, 4)),
    (lambda: _Broken("broadcast"), (2, 6)),
    (lambda: _Broken("view"), (3, 6)),
    (lambda: nn.LSTM(4, 8), (5, 2, 3)),
], ids=["linear", "conv", "layernorm", "broadcast", "view", "lstm"])
def test_errors_are_those_of_a_real_forward(make, shape, request):
    if "view" in request.node.name and not _CONTIGUOUS_METAS:
        pytest.skip("zero-strided metas (no lazily committed mapping here) can always be viewed")
    model = make().eval()
    expected = _error_text(lambda: model(ft.zeros(shape)))
    assert _error_text(lambda: summary(model, shape)) == expected
    assert expected[0] in (RuntimeError, ValueError)
    assert not _dispatch._interposers and not any(m._forward_hooks for m in model.modules())


def test_argument_errors():
    with pytest.raises(TypeError, match="must be a Module"):
        summary(lambda x: x, (1, 2))
    with pytest.raises(TypeError, match="input_shape_or_example"):
        summary(_mlp(), "32x64")
    with pytest.raises(TypeError, match="input_shape_or_example"):
        summary(_mlp(), [(2, 64), "x"])
    with pytest.raises(ValueError, match="mode must be one of"):
        summary(_mlp(), (2, 64), mode="test")
    with pytest.raises(ValueError, match="2 dtypes for 1 inputs"):
        summary(_mlp(), [(2, 64)], dtype=[ft.float32, ft.float32])
    with pytest.raises(ValueError, match="negative"):
        summary(_mlp(), (-1, 64))


def test_model_state_and_modes_are_left_as_they_were():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Dropout(0.5))
    model.train()
    model[2].eval()
    bn = model[1]
    before = [b.clone() for b in model.buffers()]
    for mode in ("train", "eval", "same"):
        summary(model, (4, 1, 6, 6), mode=mode)
        assert [m.training for m in model.modules()] == [True, True, True, False]
        assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(before, model.buffers()))
    assert bn.num_batches_tracked.item() == 0 and not _dispatch._interposers


def test_meta_tensors_and_the_interposer():
    x = meta_tensor((2**16, 2**18), ft.float32)  # 64 GiB that are never committed
    assert is_meta(x) and x.shape == (2**16, 2**18) and x.nbytes == 2**36 and x[5, 7].item() == 0.0
    assert x.is_contiguous() or ZEROS.disabled  # contiguous wherever the mapping can be made
    assert not is_meta(ft.zeros(3)) and not is_meta(np.zeros(3))
    real = ft.tensor([1.0, 2.0, 3.0])
    with no_grad(), ShapeInference() as si:
        y = real * 2  # no meta input: runs for real
        z = meta_tensor((3,), ft.float32) + real
        real.copy_(z)  # a meta source is never written into a real tensor
        t = x.t()
    assert y.tolist() == [2.0, 4.0, 6.0] and real.tolist() == [1.0, 2.0, 3.0]
    assert is_meta(z) and is_meta(t) and t._base is x and not t.is_contiguous()
    assert si.shape_only == {"add": 1, "copy_": 1, "permute": 1} and not si.fallbacks


@contextmanager
def _checking_rules(problems):
    """Every primitive call runs for real and its shape rule must give the kernel's shapes and dtypes."""

    def check(prim, inputs, params):
        out = prim.call_next(check, inputs, params)
        rule = RULES.get(prim.name)
        if rule is None or prim.inplace:
            return out
        arrays = [t._data for t in inputs]
        try:
            specs = rule(prim, arrays, params)
        except Exception as e:  # declining is fine only where the kernel is cheap: an empty input
            if not any(a.size == 0 for a in arrays):
                problems.append(f"{prim.name}{[a.shape for a in arrays]} {params}: rule raised {e!r}")
            return out
        if specs is None:
            return out
        if prim.nout == 1:
            specs, out_list = [specs], [out]
        else:
            out_list = out
        for o, spec in zip(out_list, specs):
            shape, dtype = (spec.shape, spec.dtype) if isinstance(spec, np.ndarray) else spec
            if tuple(o._data.shape) != tuple(shape) or o._data.dtype != np.dtype(dtype):
                problems.append(f"{prim.name}{[(a.shape, a.dtype) for a in arrays]} {params}: kernel "
                                f"{o._data.shape} {o._data.dtype}, rule {shape} {dtype}")
        return out

    _dispatch.push_interposer(check)
    try:
        yield
    finally:
        _dispatch.pop_interposer(check)


def test_shape_rules_agree_with_the_kernels_on_every_op_sample():
    from opspec import load_all

    problems = []
    with _checking_rules(problems), np.errstate(all="ignore"):
        for spec in load_all():
            fn = spec.fn()
            for dtype in spec.dtypes:
                for s in spec.samples(dtype):
                    with suppress(Exception):  # samples of invalid calls raise before or in the kernel
                        fn(*s.args, **s.kwargs)
    assert not problems, "\n".join(problems[:20])


def test_shape_rules_agree_with_the_kernels_on_nn_functions():
    x4, x3 = ft.randn(2, 4, 7, 9), ft.randn(2, 4, 10)
    logits, target = ft.randn(6, 5), ft.tensor([0, 1, 4, 2, 3, 1])
    q, k = ft.randn(2, 3, 5, 8), ft.randn(2, 3, 6, 8)
    calls = [
        lambda: F.conv2d(x4, ft.randn(6, 2, 3, 2), ft.randn(6), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2),
        lambda: F.conv_transpose2d(x4, ft.randn(4, 3, 3, 3), stride=2, output_padding=1),
        lambda: F.conv1d(x3, ft.randn(5, 4, 3), padding=2),
        lambda: F.max_pool2d(x4, 3, 2, 1, ceil_mode=True, return_indices=True),
        lambda: F.avg_pool2d(x4, (2, 3), count_include_pad=False),
        lambda: F.adaptive_avg_pool2d(x4, (3, 5)),
        lambda: F.adaptive_max_pool2d(x4, 2),
        lambda: F.layer_norm(x3, (10,), ft.ones(10), ft.zeros(10)),
        lambda: F.group_norm(x4, 2, ft.ones(4), ft.zeros(4)),
        lambda: F.batch_norm(x4, ft.zeros(4), ft.ones(4), training=True),
        lambda: F.rms_norm(x3, (4, 10)),
        lambda: F.softmax(x3, 1), lambda: F.log_softmax(x3, -1),
        lambda: F.dropout(x3, 0.3),
        lambda: F.embedding(ft.tensor([[1, 2], [0, 3]]), ft.randn(4, 6)),
        lambda: F.cross_entropy(logits, target, reduction="none"), lambda: F.cross_entropy(logits, target),
        lambda: F.nll_loss(F.log_softmax(logits, 1), target),
        lambda: F.scaled_dot_product_attention(q, k, ft.randn(2, 3, 6, 4), is_causal=False),
        lambda: F.scaled_dot_product_attention(q.half(), k.half(), ft.randn(3, 6, 4).half(),
                                               attn_mask=ft.ones(5, 6, dtype=ft.bool)),
        lambda: F.scaled_dot_product_attention(ft.randn(5, 8), ft.randn(6, 8), ft.randn(6, 3)),
        lambda: F.pad(x3, (1, 2, -1, 0), mode="constant"),
        lambda: F.pad(x3, (2, 3), mode="reflect"),
        lambda: ft.einsum("bij,bjk->bik", ft.randn(2, 3, 4), ft.randn(1, 4, 5)),
    ]
    problems = []
    with _checking_rules(problems):
        for call in calls:
            call()
    assert not problems, "\n".join(problems)


def test_every_primitive_has_a_shape_rule_or_a_reason():
    # In-place primitives keep their target's shape; *_backward ones never run in a forward pass.
    missing = sorted(n for n, p in PRIMITIVES.items()
                     if n not in RULES and not p.inplace and not n.endswith("_backward") and n not in DATA_DEPENDENT)
    assert not missing, f"add shape rules (fx/nn/_shape_rules*.py) for: {missing}"
    assert not DATA_DEPENDENT & set(RULES)
