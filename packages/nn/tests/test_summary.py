"""fx.nn.summary: shapes, parameter counts, memory totals."""

import pytest

import fx.tensor as ft
import fx.nn as nn
from fx.nn._summary import ModelSummary, summary


def _mlp():
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Sequential(nn.Linear(256, 256), nn.ReLU()),
                         nn.Linear(256, 10))


def test_summary_rows_and_totals():
    m = _mlp()
    s = summary(m, (32, 64))
    assert isinstance(s, ModelSummary)
    assert [li.path for li in s.layers] == [n for n, _ in m.named_modules()]
    by_path = {li.path: li for li in s.layers}
    assert by_path["0"].output_shapes == [(32, 256)] and by_path["0"].type == "Linear"
    assert by_path["3"].output_shapes == [(32, 10)] and by_path[""].output_shapes == [(32, 10)]
    assert by_path["2.0"].num_params == 256 * 256 + 256 and by_path["2.0"].depth == 2
    assert s.total_params == sum(p.numel() for p in m.parameters()) == 85002
    assert s.trainable_params == 85002 and s.param_bytes == 85002 * 4
    leaf_out = 32 * (256 * 4 + 10) * 4
    assert s.activation_bytes == leaf_out
    assert s.input_bytes == 32 * 64 * 4
    assert s.training_bytes == 85002 * 4 * 4 + leaf_out + 32 * 64 * 4
    text = str(s)
    for part in ("2.0 (Linear)", "[32, 256]", "16,640", "Total params: 85,002", "Estimated training memory"):
        assert part in text


def test_summary_frozen_shared_and_examples():
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
    assert a.calls == 2 and "a (Linear) x2" in str(s)
    s2 = summary(n, (ft.ones(5, 3), ft.ones(5, 4)))
    assert s2.layers[0].output_shapes == [(5, 4)]
    assert not any(m._forward_hooks for m in n.modules())


def test_summary_errors():
    with pytest.raises(TypeError, match="must be a Module"):
        summary(lambda x: x, (1, 2))
    with pytest.raises(TypeError, match="input_shape_or_example"):
        summary(_mlp(), "32x64")
    with pytest.raises(RuntimeError, match="in_features=64"):
        summary(_mlp(), (2, 65))
