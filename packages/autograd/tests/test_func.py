"""fx.autograd.func transforms against torch.func: grad, grad_and_value, vjp, jvp, jacrev, jacfwd,
hessian (results and pytree structures, composition, errors) and functional_call."""

from __future__ import annotations

import numpy as np
import pytest

import fx.autograd as ag
import fx.tensor as ft
from fx.autograd.func import functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp, vmap

torch = pytest.importorskip("torch")
tf = torch.func
rng = np.random.default_rng(1)


def _pair(*shape):
    a = rng.standard_normal(shape)
    return ft.tensor(a), torch.tensor(a)


def _same(got, exp, atol=1e-6):
    """Same nested structure (tuples/lists/dicts) and values."""
    if isinstance(exp, torch.Tensor):
        assert isinstance(got, ft.Tensor), f"expected a Tensor, got {type(got).__name__}"
        assert tuple(got.shape) == tuple(exp.shape), f"shape {tuple(got.shape)} != {tuple(exp.shape)}"
        np.testing.assert_allclose(got.numpy(force=True), exp.detach().numpy(), atol=atol, rtol=1e-5)
    elif isinstance(exp, dict):
        assert isinstance(got, dict) and set(got) == set(exp)
        for k in exp:
            _same(got[k], exp[k], atol)
    elif isinstance(exp, (tuple, list)):
        assert type(got) is type(exp) and len(got) == len(exp), f"{type(got).__name__} vs {type(exp).__name__}"
        for g, e in zip(got, exp):
            _same(g, e, atol)
    else:
        assert got == exp


# Small functions written once for both libraries (fx and torch share these method names).
def f_scalar(x):
    return (x.sin() * x).sum() + (x * x).mean()


def f_vec(w, x):
    return (w @ x).tanh() * x.sum()


def f_multi(x, y):
    return x * y.sum(), (x.exp() @ y).sum()


def f_dict(p, x):
    return ((x @ p["w"] + p["b"]).relu() ** 2).sum()


# ---- grad ---------------------------------------------------------------------------------------
def test_grad_and_value_match_torch():
    x, tx = _pair(4)
    _same(grad(f_scalar)(x), tf.grad(f_scalar)(tx))
    g, v = grad_and_value(f_scalar)(x)
    tg, tv = tf.grad_and_value(f_scalar)(tx)
    _same((g, v), (tg, tv))
    assert not v.requires_grad and not g.requires_grad


def test_grad_argnums_and_pytrees():
    w, tw = _pair(3, 3)
    b, tb = _pair(3)
    x, tx = _pair(5, 3)
    p, tp = {"w": w, "b": b}, {"w": tw, "b": tb}
    _same(grad(f_dict)(p, x), tf.grad(f_dict)(tp, tx))
    _same(grad(f_dict, argnums=(0, 1))(p, x), tf.grad(f_dict, argnums=(0, 1))(tp, tx))
    _same(grad(f_dict, argnums=-1)(p, x), tf.grad(f_dict, argnums=-1)(tp, tx))


def test_grad_has_aux():
    x, tx = _pair(4)
    got = grad(lambda a: (f_scalar(a), {"sq": a * a}), has_aux=True)(x)
    exp = tf.grad(lambda a: (f_scalar(a), {"sq": a * a}), has_aux=True)(tx)
    _same(got, exp)
    (g, (v, aux)) = grad_and_value(lambda a: (f_scalar(a), a.sum()), has_aux=True)(x)
    (tg, (tv, taux)) = tf.grad_and_value(lambda a: (f_scalar(a), a.sum()), has_aux=True)(tx)
    _same((g, v, aux), (tg, tv, taux))


def test_grad_of_unused_input_is_zero():
    x, tx = _pair(3)
    y, ty = _pair(2)
    _same(grad(lambda a, b: (a * 2).sum(), argnums=1)(x, y), tf.grad(lambda a, b: (a * 2).sum(), argnums=1)(tx, ty))


def test_nested_grad_and_perturbation_confusion():
    x, tx = _pair(4)
    _same(grad(lambda a: grad(f_scalar)(a).sum())(x), tf.grad(lambda a: tf.grad(f_scalar)(a).sum())(tx))
    # The inner grad must treat the outer variable as a constant (d/dy (x*y) = x, not 2x).
    s, ts = ft.tensor(3.0), torch.tensor(3.0, dtype=torch.float64)
    got = grad(lambda a: grad(lambda b: a * b)(a) * a)(s)
    exp = tf.grad(lambda a: tf.grad(lambda b: a * b)(a) * a)(ts)
    _same(got, exp)


def test_grad_works_under_no_grad_and_stays_differentiable_for_outer_graphs():
    x, tx = _pair(3)
    with ag.no_grad():
        _same(grad(f_scalar)(x), tf.grad(f_scalar)(tx))
    w = ft.tensor(rng.standard_normal(3), requires_grad=True)
    g = grad(lambda a: (a * w).sin().sum())(x)
    assert g.requires_grad
    g.sum().backward()
    tw = torch.tensor(w.detach().numpy(), requires_grad=True)
    tf.grad(lambda a: (a * tw).sin().sum())(tx).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), atol=1e-6)


def test_grad_errors():
    x = ft.ones(3)
    with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a scalar Tensor, got tensor with 1 dims"):
        grad(lambda a: a * 2)(x)
    with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a Tensor, got"):
        grad(lambda a: 3.0)(x)
    with pytest.raises(RuntimeError, match="Got argnum=2, but only 1 positional inputs"):
        grad(f_scalar, argnums=2)(x)
    with pytest.raises(RuntimeError, match="argnums must be non-empty"):
        grad(f_scalar, argnums=())(x)
    with pytest.raises(RuntimeError, match="argnums elements must be unique"):
        grad(lambda a, b: a.sum(), argnums=(0, 0))(x, x)
    with pytest.raises(RuntimeError, match="output of function f should be a tuple: \\(output, aux\\)"):
        grad(lambda a: a.sum(), has_aux=True)(x)
    with pytest.raises(ValueError, match="must be Tensor, got"):
        grad(lambda a: ft.ones(()), argnums=0)(3.0)


# ---- vjp / jvp ----------------------------------------------------------------------------------
def test_vjp_matches_torch_with_pytrees_and_aux():
    w, tw = _pair(3, 3)
    x, tx = _pair(3)
    out, fn = vjp(f_vec, w, x)
    tout, tfn = tf.vjp(f_vec, tw, tx)
    _same(out, tout)
    ct, tct = _pair(3)
    _same(fn(ct), tfn(tct))
    y, ty = _pair(3)
    out, fn = vjp(f_multi, x, y)
    tout, tfn = tf.vjp(f_multi, tx, ty)
    _same(out, tout)
    cts = (ft.ones(3), ft.tensor(2.0, dtype=ft.float64))
    _same(fn(cts), tfn((torch.ones(3, dtype=torch.float64), torch.tensor(2.0, dtype=torch.float64))))
    out, fn, aux = vjp(lambda a: (a.exp(), [a.sum()]), x, has_aux=True)
    tout, tfn, taux = tf.vjp(lambda a: (a.exp(), [a.sum()]), tx, has_aux=True)
    _same((out, aux), (tout, taux))


def test_vjp_errors():
    x = ft.ones(3)
    _, fn = vjp(lambda a: (a, a * 2), x)
    with pytest.raises(RuntimeError, match="Expected pytree structure of cotangents to be the same"):
        fn(ft.ones(3))
    _, fn = vjp(ft.sin, x)
    with pytest.raises(RuntimeError, match="Mismatch in shape: grad_output\\[0\\] has a shape of \\(2,\\)"):
        fn(ft.ones(2))
    with pytest.raises(RuntimeError, match="All outputs of f must be floating-point"):
        vjp(lambda a: a.argmax(), x)
    with pytest.raises(RuntimeError, match="expected f\\(\\*primals\\) to return only tensors"):
        vjp(lambda a: (a, 2), x)


def test_jvp_matches_torch():
    w, tw = _pair(3, 3)
    x, tx = _pair(3)
    u, tu = _pair(3, 3)
    v, tv = _pair(3)
    _same(jvp(f_vec, (w, x), (u, v)), tf.jvp(f_vec, (tw, tx), (tu, tv)))
    y, ty = _pair(3)
    _same(jvp(f_multi, (x, y), (v, x)), tf.jvp(f_multi, (tx, ty), (tv, tx)))
    got = jvp(lambda a: (a.exp().sum(), a), (x,), (v,), has_aux=True)
    exp = tf.jvp(lambda a: (a.exp().sum(), a), (tx,), (tv,), has_aux=True)
    _same(got, exp)


def test_jvp_errors():
    x = ft.ones(3)
    with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
        jvp(ft.sin, x, (x,))
    with pytest.raises(RuntimeError, match="Expected primals and tangents to have the same python structure"):
        jvp(ft.sin, (x,), (x, x))
    with pytest.raises(RuntimeError, match="Expected primals to only contain Tensors"):
        jvp(ft.sin, (3.0,), (3.0,))
    with pytest.raises(RuntimeError, match="The output of f is independent of the inputs"):
        jvp(lambda a: ft.ones(2), (x,), (x,), strict=True)


# ---- jacobians and hessian ---------------------------------------------------------------------
@pytest.mark.parametrize("jac, tjac", [(jacrev, tf.jacrev), (jacfwd, tf.jacfwd)], ids=["jacrev", "jacfwd"])
def test_jacobians_match_torch(jac, tjac):
    w, tw = _pair(3, 3)
    x, tx = _pair(3)
    y, ty = _pair(3)
    _same(jac(f_vec)(w, x), tjac(f_vec)(tw, tx))
    _same(jac(f_vec, argnums=(0, 1))(w, x), tjac(f_vec, argnums=(0, 1))(tw, tx))
    _same(jac(f_multi, argnums=1)(x, y), tjac(f_multi, argnums=1)(tx, ty))
    _same(jac(f_multi, argnums=(0, 1))(x, y), tjac(f_multi, argnums=(0, 1))(tx, ty))
    p, tp = {"w": w, "b": x}, {"w": tw, "b": tx}
    _same(jac(f_dict)(p, w), tjac(f_dict)(tp, tw))
    _same(jac(lambda a: (a.sin(), a.sum()), has_aux=True)(x), tjac(lambda a: (a.sin(), a.sum()), has_aux=True)(tx))


def test_jacrev_chunk_size_and_vmap():
    x, tx = _pair(4, 3)
    _same(jacrev(ft.sin, chunk_size=2)(x), tf.jacrev(torch.sin, chunk_size=2)(tx))
    _same(vmap(jacfwd(lambda a: a.exp() * a.sum()))(x), tf.vmap(tf.jacfwd(lambda a: a.exp() * a.sum()))(tx))


def test_hessian_matches_torch():
    x, tx = _pair(4)
    _same(hessian(f_scalar)(x), tf.hessian(f_scalar)(tx))
    w, tw = _pair(3, 3)
    _same(hessian(lambda a, b: f_vec(a, b).sum(), argnums=(0, 1))(w, x[:3]),
          tf.hessian(lambda a, b: f_vec(a, b).sum(), argnums=(0, 1))(tw, tx[:3]))
    _same(vmap(hessian(f_scalar))(w), tf.vmap(tf.hessian(f_scalar))(tw))


def test_jacrev_through_slicing():
    x, tx = _pair(5)
    _same(jacrev(lambda a: a[1:] * a[0])(x), tf.jacrev(lambda a: a[1:] * a[0])(tx))


# ---- functional_call ---------------------------------------------------------------------------
class Linear:
    def __init__(self, n, m):
        self.weight = ft.tensor(rng.standard_normal((m, n)))
        self.bias = ft.tensor(rng.standard_normal(m))

    def named_parameters(self, prefix=""):
        yield prefix + "weight", self.weight
        yield prefix + "bias", self.bias

    def __call__(self, x):
        return x @ self.weight.t() + self.bias


class TorchStyle:
    """Parameters in a `_parameters` dict, read through __getattr__ (like torch.nn.Module)."""

    def __init__(self):
        self._parameters = {"scale": ft.tensor(2.0, dtype=ft.float64)}
        self._buffers = {"shift": ft.tensor(1.0, dtype=ft.float64)}

    def __getattr__(self, name):
        for store in ("_parameters", "_buffers"):
            d = self.__dict__.get(store, {})
            if name in d:
                return d[name]
        raise AttributeError(name)

    def named_parameters(self):
        return iter(self._parameters.items())

    def named_buffers(self):
        return iter(self._buffers.items())

    def __call__(self, x):
        return x * self.scale + self.shift


class MLP:
    def __init__(self):
        self.layers = [Linear(3, 4), Linear(4, 2)]
        self.layers[1].weight = self.layers[1].weight  # tensors addressed as "layers.1.weight"
        self.norm = TorchStyle()

    def named_parameters(self):
        for i, layer in enumerate(self.layers):
            yield from layer.named_parameters(f"layers.{i}.")
        for n, p in self.norm.named_parameters():
            yield "norm." + n, p

    def __call__(self, x):
        return self.norm(self.layers[1](self.layers[0](x).tanh()))


def test_functional_call_swaps_and_restores():
    m = MLP()
    x = ft.tensor(rng.standard_normal((5, 3)))
    params = dict(m.named_parameters())
    before = {k: v for k, v in params.items()}
    np.testing.assert_allclose(functional_call(m, params, (x,)).numpy(), m(x).numpy())
    new = {k: v * 0 for k, v in params.items()}
    np.testing.assert_allclose(functional_call(m, new, x).numpy(), np.ones((5, 2)))
    assert all(a is b for a, b in zip(dict(m.named_parameters()).values(), before.values()))
    # several dicts, kwargs, a buffer of a torch-style module
    out = functional_call(m.norm, ({"scale": ft.tensor(3.0, dtype=ft.float64)}, {"shift": ft.tensor(0.0, dtype=ft.float64)}),
                          args=(), kwargs={"x": ft.tensor(2.0, dtype=ft.float64)})
    assert out.item() == 6.0 and m.norm.scale.item() == 2.0


def test_functional_call_restores_after_an_exception_and_strict_errors():
    m = Linear(3, 2)
    w = m.weight
    with pytest.raises(RuntimeError):
        functional_call(m, {"weight": ft.ones(5, 5)}, (ft.ones(4, 3),))
    assert m.weight is w
    with pytest.raises(RuntimeError, match="Error\\(s\\) in reparametrizing for Linear:\n\tUnexpected key\\(s\\): 'w'.\n"
                                           "\tMissing key\\(s\\): 'bias', 'weight'."):
        functional_call(m, {"w": ft.ones(2, 3)}, (ft.ones(3),), strict=True)
    with pytest.raises(ValueError, match="weight appeared in multiple dictionaries"):
        functional_call(m, ({"weight": w}, {"weight": w}), (ft.ones(3),))
    extra = functional_call(m, {"weight": w, "temp": ft.ones(1)}, (ft.ones(3, dtype=ft.float64),))
    assert extra.shape == (2,) and not hasattr(m, "temp")


def test_functional_call_ties_weights():
    class Tied:
        def __init__(self):
            self.a = ft.ones(2)
            self.b = self.a

        def named_parameters(self):
            return iter([("a", self.a), ("b", self.b)])

        def __call__(self, x):
            return x * self.a + self.b

    m = Tied()
    out = functional_call(m, {"a": ft.full((2,), 3.0)}, (ft.ones(2),))
    assert out.tolist() == [6.0, 6.0]
    out = functional_call(m, {"a": ft.full((2,), 3.0)}, (ft.ones(2),), tie_weights=False)
    assert out.tolist() == [4.0, 4.0]
    with pytest.raises(ValueError, match="which are tied"):
        functional_call(m, {"a": ft.ones(2), "b": ft.zeros(2)}, (ft.ones(2),))


def test_grad_and_vmap_through_functional_call_match_torch():
    m = Linear(3, 2)
    tm = torch.nn.Linear(3, 2, dtype=torch.float64)
    with torch.no_grad():
        tm.weight.copy_(torch.tensor(m.weight.numpy()))
        tm.bias.copy_(torch.tensor(m.bias.numpy()))
    x, tx = _pair(6, 3)
    params = dict(m.named_parameters())
    tparams = {k: v.detach() for k, v in tm.named_parameters()}

    def loss(p, xb):
        return (functional_call(m, p, (xb,)) ** 2).sum()

    def tloss(p, xb):
        return (torch.func.functional_call(tm, p, (xb,)) ** 2).sum()

    _same(grad(loss)(params, x), tf.grad(tloss)(tparams, tx))
    _same(vmap(grad(loss), in_dims=(None, 0))(params, x), tf.vmap(tf.grad(tloss), in_dims=(None, 0))(tparams, tx))


def test_deep_compositions_match_torch():
    w, tw = _pair(3, 2)
    x, tx = _pair(5, 3)

    def loss(w, x):
        return (x @ w).tanh().pow(2).sum()

    got = grad(lambda v: vmap(grad(loss), in_dims=(None, 0))(v, x).pow(2).sum())(w)
    exp = tf.grad(lambda v: tf.vmap(tf.grad(loss), in_dims=(None, 0))(v, tx).pow(2).sum())(tw)
    _same(got, exp)
    xx, txx = x.reshape(5, 1, 3).expand(5, 2, 3), tx.reshape(5, 1, 3).expand(5, 2, 3)
    got = vmap(vmap(grad(loss), in_dims=(None, 0)), in_dims=(None, 0))(w, xx)
    exp = tf.vmap(tf.vmap(tf.grad(loss), in_dims=(None, 0)), in_dims=(None, 0))(tw, txx)
    _same(got, exp)
    _same(jacfwd(jacrev(loss))(w, x), tf.jacfwd(tf.jacrev(loss))(tw, tx))
    got = vmap(lambda r: jacrev(jacrev(loss, argnums=1), argnums=1)(w, r))(x)
    exp = tf.vmap(lambda r: tf.jacrev(tf.jacrev(loss, argnums=1), argnums=1)(tw, r))(tx)
    _same(got, exp)
