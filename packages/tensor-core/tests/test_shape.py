"""Shape ops beyond the OpSpec table: which results are views, pad's adjoint, in-place variants."""

import numpy as np
import pytest

import fx.tensor as ft
from fx.tensor._ops.shape import pad_backward


def _base():
    return ft.arange(24, dtype=ft.float32).reshape(4, 6)


@pytest.mark.parametrize("split", [
    lambda x: ft.split(x, 2, 1),
    lambda x: x.split([1, 2, 3], 1),
    lambda x: ft.chunk(x, 3, 1),
    lambda x: x.chunk(2),
    lambda x: ft.unbind(x, 1),
    lambda x: x.unbind(),
    lambda x: ft.tensor_split(x, [1, 4], 1),
    lambda x: ft.hsplit(x, 3),
    lambda x: ft.vsplit(x, [1]),
], ids=["split", "split_sizes", "chunk", "chunk_method", "unbind", "unbind_method", "tensor_split", "hsplit", "vsplit"])
def test_splits_are_views(split):
    x = _base()
    pieces = split(x)
    assert len(pieces) >= 2
    piece = pieces[1]
    v0 = x._version
    expected = x.numpy().copy()
    piece.copy_(ft.full(tuple(piece.shape), -1.0))
    # The write lands in the base tensor, and every alias sees the bumped version counter.
    assert x._version == v0 + 1 == piece._version == pieces[0]._version
    assert (x.numpy() == -1).sum() == piece.numel()
    assert np.array_equal(np.asarray(piece.numpy()), np.full(tuple(piece.shape), -1.0))
    assert not np.array_equal(x.numpy(), expected)
    assert piece._base is (x if x._base is None else x._base)


@pytest.mark.parametrize("op", [
    lambda x: x.repeat(1, 1),
    lambda x: ft.tile(x, (1,)),
    lambda x: ft.repeat_interleave(x, 1, dim=0),
    lambda x: ft.flip(x, (0,)),
    lambda x: ft.flip(x.reshape(1, 24), (0,)),
    lambda x: ft.roll(x, 0),
    lambda x: ft.rot90(x, 0),
    lambda x: ft.rot90(x, 1),
    lambda x: ft.cat([x]),
    lambda x: ft.pad(x, ()),
    lambda x: ft.pad(x, (0, 0), mode="replicate"),
    lambda x: ft.diag(x),
    lambda x: ft.tril(x, 10),
    lambda x: ft.block_diag(x),
], ids=["repeat", "tile", "repeat_interleave", "flip", "flip_size1", "roll", "rot90_0", "rot90_1", "cat1", "pad",
        "pad_replicate", "diag", "tril", "block_diag"])
def test_copies_have_their_own_storage(op):
    x = _base()
    out = op(x)
    assert not np.shares_memory(out.numpy(), x.numpy())
    assert out._base is None or out._base is not x and not np.shares_memory(out._base.numpy(), x.numpy())
    v = x._version
    out.copy_(ft.zeros(tuple(out.shape)))
    assert x._version == v
    assert np.array_equal(x.numpy(), _base().numpy())


@pytest.mark.parametrize("op", [lambda x: ft.flip(x, (0, 1)), lambda x: ft.roll(x.t(), 1, 0),
                                lambda x: ft.tril(x.t()), lambda x: ft.pad(x.t(), (1, 1), mode="reflect"),
                                lambda x: ft.cat([x.t(), x.t()], 1), lambda x: ft.diag_embed(x.t())])
def test_copies_are_contiguous(op):
    assert op(_base()).is_contiguous()


def test_meshgrid_and_atleast_are_views():
    a, b = ft.arange(3.0), ft.arange(2.0)
    ga, gb = ft.meshgrid(a, b, indexing="ij")
    assert np.shares_memory(ga.numpy(), a.numpy()) and np.shares_memory(gb.numpy(), b.numpy())
    assert ga.stride() == (1, 0) and gb.stride() == (0, 1)
    y = ft.atleast_3d(a)
    assert tuple(y.shape) == (1, 3, 1) and y._base is a


def test_tril_triu_inplace():
    x = _base()
    v = x._version
    assert x.tril_(1) is x and x._version == v + 1
    assert np.array_equal(x.numpy(), np.tril(_base().numpy(), 1))
    y = _base()
    y.triu_(-1)
    assert np.array_equal(y.numpy(), np.triu(_base().numpy(), -1))


_PAD_CASES = [
    ((2, 3, 5), (2, 3)), ((2, 3, 5), (-1, 2)), ((1, 2, 4, 5), (3, 1, 2, 3)), ((1, 2, 4, 5), (-1, 2, 1, -1)),
    ((2, 3, 3, 4, 5), (1, 2, 2, 1, 0, 2)), ((3, 4), (3, 3)), ((2, 6), (2, -2)), ((2, 1, 4), (1, 1)),
]


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape,pads", _PAD_CASES)
def test_pad_backward_is_the_adjoint(mode, shape, pads):
    """<pad(x), g> == <x, pad_backward(g)>: the rule fx.autograd uses for the non-constant modes."""
    try:
        y = ft.pad(ft.from_numpy(np.random.default_rng(0).standard_normal(shape)), pads, mode=mode)
    except RuntimeError:
        pytest.skip("padding too large for this mode")
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    g = rng.standard_normal(tuple(y.shape))
    lhs = float((ft.pad(ft.from_numpy(x), pads, mode=mode).numpy() * g).sum())
    gx = pad_backward(ft.from_numpy(g), pads, mode)
    assert tuple(gx.shape) == shape
    assert np.isclose(lhs, float((x * gx.numpy()).sum()))
    half = pad_backward(ft.from_numpy(g).half(), pads, mode)
    assert half.dtype is ft.float16
    np.testing.assert_allclose(half.float().numpy(), gx.numpy(), atol=2e-2, rtol=2e-2)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "constant"])
def test_pad_backward_matches_torch_autograd(mode):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    x = torch.randn(2, 3, 5, 6, dtype=torch.float64, requires_grad=True)
    pads = (2, 1, -1, 3)
    y = F.pad(x, pads, mode=mode)
    g = torch.randn_like(y)
    y.backward(g)
    if mode == "constant":
        got = ft.pad(ft.from_numpy(g.numpy()), tuple(-p for p in pads))
    else:
        got = pad_backward(ft.from_numpy(g.numpy()), pads, mode)
    np.testing.assert_allclose(got.numpy(), x.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_cat_dtype_promotion_and_legacy_empty():
    a = ft.ones(2, 2, dtype=ft.int8)
    out = ft.cat([ft.empty(0, dtype=ft.float64), a])
    assert out.dtype is ft.float64 and tuple(out.shape) == (2, 2)
    assert ft.cat([a, ft.ones(1, 2, dtype=ft.uint8)]).dtype is ft.int16
    assert ft.stack([a, a.bool()]).dtype is ft.int8


def test_cat_out_resizes():
    out = ft.empty(1)
    res = ft.cat([ft.ones(2), ft.zeros(3)], out=out)
    assert res is out and out.tolist() == [1, 1, 0, 0, 0]


def test_pad_value_casts_like_torch():
    x = ft.ones(2, dtype=ft.uint8)
    assert ft.pad(x, (1, 1), value=2.7).tolist() == [2, 1, 1, 2]
    assert ft.pad(x, (1, 0), value=257).tolist() == [1, 1, 1]
    assert ft.pad(ft.zeros(1, dtype=ft.bool), (1, 0), value=0.5).tolist() == [True, False]
