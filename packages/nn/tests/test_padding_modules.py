"""Zero/Constant/Reflection/Replication/CircularPad1d/2d/3d vs PyTorch: values, gradients, reprs, errors."""

from __future__ import annotations

import numpy as np
import pytest

import fx.nn as nn
import fx.tensor as ft

_rng = np.random.default_rng(0)
LAYERS = [
    ("ZeroPad1d", (2,), (2, 3, 4)), ("ZeroPad1d", ((1, -1),), (3, 4)),
    ("ZeroPad2d", ((1, 0, 2, 1),), (2, 3, 4, 5)), ("ZeroPad2d", (1,), (3, 4)),
    ("ZeroPad3d", ((1, 0, 0, 1, 2, 0),), (1, 2, 2, 3, 2)),
    ("ConstantPad1d", ((2, 0), 1.5), (2, 3, 4)), ("ConstantPad1d", (1, -2), (4, 3)),
    ("ConstantPad2d", ((0, 1, 2, 3), 3.5), (1, 2, 3, 3)), ("ConstantPad2d", (2, 0.25), (2, 3)),
    ("ConstantPad3d", (1, 2.0), (2, 2, 1, 3)),
    ("ReflectionPad1d", (2,), (2, 3, 4)), ("ReflectionPad1d", ((3, 1),), (3, 5)),
    ("ReflectionPad2d", ((1, 2, 0, 1),), (2, 3, 3, 4)), ("ReflectionPad2d", (1,), (2, 2, 3)),
    ("ReflectionPad3d", (1,), (1, 2, 2, 3, 3)),
    ("ReplicationPad1d", ((0, 3),), (2, 3, 4)), ("ReplicationPad1d", (2,), (3, 1)),
    ("ReplicationPad2d", ((2, 0, 1, 3),), (1, 2, 3, 4)), ("ReplicationPad2d", (1,), (2, 2, 2)),
    ("ReplicationPad3d", ((1, 0, 2, 0, 0, 1),), (2, 2, 2, 2)),
    ("CircularPad1d", ((1, 3),), (2, 3, 4)), ("CircularPad1d", (2,), (3, 4)),
    ("CircularPad2d", ((1, 0, 2, 2),), (1, 2, 3, 4)), ("CircularPad2d", (1,), (2, 3, 3)),
    ("CircularPad3d", (1,), (1, 1, 2, 3, 2)),
]


def _id(case):
    return f"{case[0]}{case[1]}-{'x'.join(map(str, case[2]))}"


@pytest.mark.parametrize("name,args,shape", LAYERS, ids=[_id(c) for c in LAYERS])
def test_matches_torch(name, args, shape):
    torch = pytest.importorskip("torch")
    layer, ref = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(layer) == repr(ref) and layer.padding == ref.padding
    a = _rng.standard_normal(shape)
    x, tx = ft.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = layer(x), ref(tx)
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    w = _rng.standard_normal(tuple(ty.shape))
    (y * ft.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_values_without_torch():
    row = ft.tensor([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(nn.ReflectionPad1d((2, 1))(row).numpy(), [[3, 2, 1, 2, 3, 2]])
    np.testing.assert_array_equal(nn.ReplicationPad1d((2, 1))(row).numpy(), [[1, 1, 1, 2, 3, 3]])
    np.testing.assert_array_equal(nn.CircularPad1d((2, 1))(row).numpy(), [[2, 3, 1, 2, 3, 1]])
    np.testing.assert_array_equal(nn.ConstantPad1d((1, 0), -1.0)(row).numpy(), [[-1, 1, 2, 3]])
    np.testing.assert_array_equal(nn.ZeroPad2d((0, 1, 1, 0))(row.unsqueeze(0)).numpy(), [[[0, 0, 0, 0], [1, 2, 3, 0]]])


def test_attributes_and_hierarchy():
    assert nn.ZeroPad2d(2).padding == (2, 2, 2, 2) and nn.ZeroPad2d(2).value == 0.0
    assert nn.ConstantPad1d((1, 2, 3), 1.5).padding == (1, 2, 3)  # unchecked, as in PyTorch; F.pad rejects it
    assert isinstance(nn.ZeroPad1d(1), nn.ConstantPad1d) and isinstance(nn.ZeroPad3d(1), nn.ConstantPad3d)
    assert repr(nn.ConstantPad2d(1, 3)) == "ConstantPad2d(padding=(1, 1, 1, 1), value=3)"
    assert repr(nn.ZeroPad1d((1, 2))) == "ZeroPad1d((1, 2))"
    assert repr(nn.CircularPad3d(1)) == "CircularPad3d((1, 1, 1, 1, 1, 1))"


ERRORS = [
    ("ReflectionPad2d", (2,), (1, 3, 2, 2), RuntimeError, "Padding size should be less than"),
    ("CircularPad2d", (2,), (3, 2), ValueError, r"expected 3D or 4D input \(got 2D input\)"),
    ("CircularPad1d", (2,), (2,), ValueError, r"expected 2D or 3D input \(got 1D input\)"),
    ("CircularPad3d", (1,), (2, 2, 2), ValueError, r"expected 4D or 5D input \(got 3D input\)"),
    ("ConstantPad2d", (2, 1.5), (2,), RuntimeError, "Padding length should be less than or equal to two times"),
    ("ConstantPad1d", ((1, 2, 3), 1.5), (2, 3, 4), RuntimeError, "Padding length must be divisible by 2"),
    ("ReplicationPad1d", (2,), (2, 3, 4, 5), NotImplementedError, "Padding size 2 is not supported for 4D input"),
]


@pytest.mark.parametrize("name,args,shape,exc,match", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, args, shape, exc, match):
    with pytest.raises(exc, match=match):
        getattr(nn, name)(*args)(ft.zeros(*shape))
    try:
        import torch
    except ImportError:
        return
    with pytest.raises(exc, match=match):
        getattr(torch.nn, name)(*args)(torch.zeros(*shape))
