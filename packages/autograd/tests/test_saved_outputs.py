"""Multi-output primitives save only the outputs their rule reads: an in-place op on the main output
afterwards (ReLU(inplace=True) after BatchNorm or MaxPool, `out += shortcut`) leaves backward valid, as in PyTorch."""

import numpy as np
import pytest

import fx.autograd  # noqa: F401  (installs the recorder)
import fx.tensor as ft

F = pytest.importorskip("fx.nn.functional")  # the norm/pool primitives are reached through fx.nn

torch = pytest.importorskip("torch")


def _pair(shape, seed):
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return ft.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


@pytest.mark.parametrize("norm", ["batch_norm", "layer_norm", "group_norm"])
def test_inplace_relu_after_norm_and_max_pool(norm):
    (x, tx), (w, tw) = _pair((2, 4, 6, 6), 0), _pair((4,), 1)
    outs = []
    for lib, fn, xx, ww in ((ft, F, x, w), (torch, torch.nn.functional, tx, tw)):
        if norm == "batch_norm":
            h = fn.batch_norm(xx, None, None, ww, None, training=True)
        elif norm == "layer_norm":
            h = fn.layer_norm(xx, (6,))
        else:
            h = fn.group_norm(xx, 2, ww)
        h = fn.relu(h, inplace=True)
        h = fn.max_pool2d(h, 2)
        h.add_(1.0)  # `out += shortcut` on a max-pool output
        fn.relu_(h) if lib is ft else torch.relu_(h)
        (h * h).sum().backward()
        outs.append(h)
    np.testing.assert_allclose(outs[0].detach().numpy(), outs[1].detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    if norm != "layer_norm":
        np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("op", ["sort", "topk", "max_dim", "cummax", "cross_entropy"])
def test_inplace_on_the_values_of_an_indexed_result(op):
    (x, tx) = _pair((3, 5), 2)
    grads = []
    for lib, xx in ((ft, x), (torch, tx)):
        if op == "sort":
            v = lib.sort(xx, dim=1).values
        elif op == "topk":
            v = lib.topk(xx, 2).values
        elif op == "max_dim":
            v = lib.max(xx, dim=1).values
        elif op == "cummax":
            v = lib.cummax(xx, dim=1).values
        else:
            tgt = lib.tensor([0, 3, 1])
            v = (F if lib is ft else torch.nn.functional).cross_entropy(xx, tgt, reduction="none")
        v.mul_(2.0)
        v.sum().backward()
        grads.append(xx.grad)
    np.testing.assert_allclose(grads[0].numpy(), grads[1].numpy(), rtol=1e-5, atol=1e-6)


def test_outputs_must_name_a_saved_output_rule():
    from fx.autograd._rules import rule

    with pytest.raises(ValueError, match="outputs= lists output positions"):
        rule("no_such_primitive", save="inputs", outputs=(1,))
    with pytest.raises(ValueError, match="outputs= lists output positions"):
        rule("no_such_primitive", save="output", outputs=("1",))
