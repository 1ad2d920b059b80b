"""Gradients of every differentiable fx.tensor op, driven by fx.tensor's OpSpec table.

For each spec with `differentiable=True` and a float dtype: its float64 samples, with every float
tensor argument (inside lists too; only `spec.grad_args` positions when set) made a float64 leaf
requiring grad, go through `gradcheck` and `gradgradcheck` on a wrapper returning the op's float
outputs. Small samples only (the Jacobians are built element by element), at least one per spec.
Meta-tests: every differentiable primitive has a rule and is reached by some spec's gradcheck.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

import fx.tensor as ft
from fx.autograd import grad, gradcheck, gradgradcheck, no_grad
from fx.autograd._rules import RULES
from fx.tensor._dispatch import PRIMITIVES
from fx.tensor._tensor import Tensor
from opspec import OpSpec, load_all, unary_samples

SPECS = load_all()
GRAD_SPECS = [s for s in SPECS if s.differentiable and any(d.is_floating_point for d in s.dtypes)]

# Total float-input numel above which a sample is skipped (the smallest sample always runs).
MAX_NUMEL = 64
MAX_NUMEL_GRADGRAD = 24

# Specs whose gradcheck is expected to fail, with the reason (strict: an unexpected pass fails).
XFAIL = {}
XFAIL_GRADGRAD = {}

# Order statistics: a sample whose float inputs repeat a value sits on a tie, where the derivative
# does not exist (PyTorch's gradcheck fails there too), so such samples are skipped for these ops.
TIE_SENSITIVE = {
    "sort", "msort", "topk", "kthvalue", "mode", "median", "nanmedian", "max", "min", "amax", "amin", "aminmax",
    "cummax", "cummin", "maximum", "minimum", "fmax", "fmin", "quantile", "nanquantile",
}


def _square_sym(args, kwargs):
    """Like PyTorch's gradcheck_wrapper_hermitian_input: differentiate op(A + A^T), since the op reads
    one triangle only (or assumes symmetry) and an element-wise perturbation breaks the symmetry."""
    a = args[0]
    return (a + a.transpose(-2, -1),) + tuple(args[1:])


def _hermitian_kwarg(args, kwargs):
    return _square_sym(args, kwargs) if kwargs.get("hermitian") else args


# Spec name -> fn(args, kwargs) -> args, applied inside the differentiated function.
INPUT_WRAPPERS = {
    "linalg.cholesky": _square_sym, "cholesky": _square_sym, "linalg.cholesky_ex": _square_sym,
    "linalg.eigh": _square_sym, "linalg.eigvalsh": _square_sym, "linalg.pinv": _hermitian_kwarg,
    "pinverse": _hermitian_kwarg,
}

# grad_args to use where the spec's default (every float tensor) includes a non-differentiable
# float argument. These belong in the OpSpec table (tensor-core/tests/specs): move them there.
GRAD_ARGS = {
    "quantile": (0,), "nanquantile": (0,),  # q: perturbing q = 0 or 1 leaves [0, 1]; torch gives q no gradient
}


def _non_square(s):
    a = s.args[0]
    return a.shape[-1] != a.shape[-2]


# Spec name -> (predicate(sample), reason): samples at which the op has no derivative.
SKIP_SAMPLES = {
    "linalg.svd": (lambda s: s.kwargs.get("full_matrices", True) and _non_square(s),
                   "full_matrices=True on a non-square input: the extra singular vectors are not unique"),
    "svd": (lambda s: s.kwargs.get("some") is False and _non_square(s),
            "some=False on a non-square input: the extra singular vectors are not unique"),
    "linalg.pinv": (lambda s: s.name == "rank2", "pinv is not differentiable at rank-deficient inputs"),
    "pinverse": (lambda s: s.name == "rank2", "pinv is not differentiable at rank-deficient inputs"),
}

# The same for gradgradcheck only: first derivative fine, second one undefined at the sample.
SKIP_SAMPLES_GRADGRAD = {
    "linalg.vector_norm": (lambda s: s.name == "zeros", "a norm is not twice differentiable at zero"),
    "std": (lambda s: s.args[0].numel() == 1, "std of one element is sqrt(0): no second derivative"),
    "std_mean": (lambda s: s.args[0].numel() == 1, "std of one element is sqrt(0): no second derivative"),
}

_GRADGRAD_SKIPS = {**SKIP_SAMPLES, **SKIP_SAMPLES_GRADGRAD}
assert not set(SKIP_SAMPLES) & set(SKIP_SAMPLES_GRADGRAD), "merge the predicates of a spec skipped in both"

# Differentiable primitives that need no derivative rule, with the reason. Keep it empty if you can.
RULELESS = {}

# Differentiable primitives that no public op's float64 sample reaches, with the reason.
UNREACHED = {"to_device": "needs a second device: the CUDA tests check it"}
# fx.nn's fused primitives are reached through fx.nn.functional, which fx.autograd's tests cannot
# import (it is a layer above): packages/nn/tests gradchecks each of them in float64.
UNREACHED.update({name: "gradchecked through fx.nn.functional in packages/nn/tests" for name in (
    "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward", "adaptive_avg_pool2d",
    "adaptive_avg_pool2d_backward", "adaptive_max_pool2d", "layer_norm", "rms_norm", "group_norm", "batch_norm",
    "cross_entropy", "nll_loss", "nll_loss_backward", "ctc_loss", "embedding", "embedding_backward",
)})


def _to_float32(x):
    return x.to(ft.float32) * 2


def _setitem_basic(x, v):
    from fx.tensor._ops.index import P_setitem_basic

    return P_setitem_basic(x, v, key=((0, 2, 1), 1))  # x[0:2, 1] = v, out of place


def _f64(*shape):
    return ft.from_numpy(np.random.default_rng(len(shape)).uniform(-2, 2, shape)).requires_grad_()


# Primitives no float64 OpSpec sample records, gradchecked directly: (name, fn, inputs, gradcheck kwargs).
DIRECT = [
    # cast: float32 rounding needs a large step (its error is ~1e-7 / eps).
    ("cast", _to_float32, lambda: (ft.tensor([0.5, -1.25, 2.0], dtype=ft.float64).requires_grad_(),),
     {"eps": 1e-2, "atol": 1e-4}),
    ("setitem_basic", _setitem_basic, lambda: (_f64(3, 4), _f64(2)), {}),  # no public op records it
]


def _ids(spec):
    return spec.name


def _params(specs, xfail):
    return [pytest.param(s, marks=pytest.mark.xfail(reason=xfail[s.name], strict=True)) if s.name in xfail else s
            for s in specs]


# ---- turning a sample into gradcheck inputs --------------------------------------------------------
def _has_tensor(obj):
    if isinstance(obj, Tensor):
        return True
    if isinstance(obj, (list, tuple)):
        return any(_has_tensor(o) for o in obj)
    if isinstance(obj, dict):
        return any(_has_tensor(o) for o in obj.values())
    return False


def _leaf(t, leaves):
    """A float64 leaf requiring grad with t's values; a fresh copy when t overlaps itself or another leaf."""
    leaf = t.detach() if t.dtype is ft.float64 else t.detach().to(ft.float64)
    arr = leaf.numpy()
    overlaps = leaf.numel() > 1 and any(st == 0 and n > 1 for st, n in zip(arr.strides, arr.shape))
    if overlaps or any(np.may_share_memory(arr, other.detach().numpy()) for other in leaves):
        leaf = leaf.clone()
    leaf.requires_grad_()
    leaves.append(leaf)
    return leaf


def _flat_tensors(obj):
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _flat_tensors(o)]
    return []


def _convert(obj, leaves):
    if isinstance(obj, Tensor):
        return _leaf(obj, leaves) if obj.dtype.is_floating_point else obj
    if isinstance(obj, (list, tuple)) and not isinstance(obj, ft.Size) and _has_tensor(obj):
        return type(obj)(_convert(o, leaves) for o in obj)
    return obj


def prepare(spec, sample, skips=SKIP_SAMPLES):
    """(args, kwargs, leaves) ready for gradcheck, or None when the sample can't be gradchecked."""
    if _has_tensor(sample.kwargs):  # out= and friends: autograd does not record through out=
        return None
    skip = skips.get(spec.name)
    if skip is not None and skip[0](sample):
        return None
    grad_args = GRAD_ARGS.get(spec.name, spec.grad_args)
    leaves = []
    args = tuple(_convert(a, leaves) if grad_args is None or i in grad_args else a for i, a in enumerate(sample.args))
    if not leaves or any(t.numel() == 0 for t in leaves):
        return None
    values = np.concatenate([t.detach().numpy().reshape(-1) for t in leaves])
    if not np.isfinite(values).all():
        return None  # finite differences are meaningless at inf/nan
    if spec.name in TIE_SENSITIVE and np.unique(values).size < values.size:
        return None
    with no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. var()'s degrees-of-freedom warning, NumPy's invalid value
        outs = wrapper(spec, sample.kwargs)(*args)
    if not all(np.isfinite(o.detach().numpy()).all() for o in outs):
        return None  # e.g. logdet of a matrix with negative determinant, var of one element
    return args, sample.kwargs, leaves


def cases(spec, limit, skips=SKIP_SAMPLES):
    """The (sample, args, kwargs) to check: those within `limit` elements, else the smallest one."""
    ready = []
    for s in spec.samples(ft.float64):
        p = prepare(spec, s, skips)
        if p is not None:
            ready.append((sum(t.numel() for t in p[2]), s, p[0], p[1]))
    small = [r for r in ready if r[0] <= limit]
    if not small and ready:
        small = [min(ready, key=lambda r: r[0])]
    return [(s, args, kwargs) for _, s, args, kwargs in small]


def wrapper(spec, kwargs):
    """spec's op as a function of its positional args, returning its float outputs."""
    fn = spec.fn()
    wrap_inputs = INPUT_WRAPPERS.get(spec.name)

    def run(*args):
        if wrap_inputs is not None:
            args = wrap_inputs(args, kwargs)
        out = fn(*args, **kwargs)
        outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        return tuple(o for o in outs if isinstance(o, Tensor) and o.dtype.is_floating_point)

    return run


def _check_all(spec, limit, check, skips):
    todo = cases(spec, limit, skips)
    if not todo:
        if any(cases(other, limit, skips) for other in GRAD_SPECS if other.name == spec.name and other is not spec):
            pytest.skip(f"no sample of this {spec.name} spec can be gradchecked; another {spec.name} spec is checked")
        pytest.fail(f"{spec.name}: no float64 sample can be gradchecked (all empty, non-finite, out= or without "
                    "float inputs): add a finite, non-empty sample to its OpSpec")
    failures = []
    for s, args, kwargs in todo:
        try:
            check(wrapper(spec, kwargs), args)
        except Exception as e:  # noqa: BLE001  (collect every sample's failure, then report them together)
            msg = str(e)
            failures.append(f"[{s.name}] {type(e).__name__}: {msg[:1500]}{' ...' if len(msg) > 1500 else ''}")
    if failures:
        pytest.fail(f"{spec.name}: {len(failures)}/{len(todo)} samples failed\n" + "\n".join(failures), pytrace=False)


def _as_outputs(out):
    return tuple(o for o in (out if isinstance(out, tuple) else (out,)) if o.requires_grad)


def _graph_primitives(outputs):
    """Names of the primitives recorded in the graphs of `outputs`."""
    seen, names = set(), set()
    stack = [o.grad_fn for o in outputs if o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        prim = getattr(node, "prim", None)
        if prim is not None:
            names.add(prim.name)
        stack.extend(e[0] for e in node.next_functions if e is not None)
    return names


# ---- the checks ------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", _params(GRAD_SPECS, XFAIL), ids=_ids)
def test_gradcheck(spec):
    _check_all(spec, MAX_NUMEL, gradcheck, SKIP_SAMPLES)


@pytest.mark.parametrize("spec", _params(GRAD_SPECS, {**XFAIL, **XFAIL_GRADGRAD}), ids=_ids)
def test_gradgradcheck(spec):
    _check_all(spec, MAX_NUMEL_GRADGRAD, gradgradcheck, _GRADGRAD_SKIPS)


@pytest.mark.parametrize("name, fn, inputs, kw", DIRECT, ids=[d[0] for d in DIRECT])
def test_direct_gradcheck(name, fn, inputs, kw):
    assert name in _graph_primitives(_as_outputs(fn(*inputs())))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # float32 intermediates: gradcheck's precision warning is expected
        assert gradcheck(fn, inputs(), **kw)
        assert gradgradcheck(fn, inputs(), **kw)


def test_harness_catches_wrong_rules(monkeypatch):
    """A wrong first derivative fails gradcheck; a right one that is not differentiable fails gradgradcheck."""
    spec = OpSpec("exp", samples=unary_samples())
    rule = RULES["exp"]
    monkeypatch.setattr(rule, "fn", lambda ctx, g: g)  # d/dx exp(x) is exp(x), not 1
    with pytest.raises(pytest.fail.Exception, match=r"exp: (\d+)/\1 samples failed\n\[2d\] GradcheckError: Jacobian mismatch"):
        _check_all(spec, MAX_NUMEL, gradcheck, SKIP_SAMPLES)
    monkeypatch.setattr(rule, "fn", lambda ctx, g: g * ctx.out.detach())  # right values, cut graph
    _check_all(spec, MAX_NUMEL, gradcheck, SKIP_SAMPLES)
    with pytest.raises(pytest.fail.Exception, match=r"exp: (\d+)/\1 samples failed"):
        _check_all(spec, MAX_NUMEL_GRADGRAD, gradgradcheck, _GRADGRAD_SKIPS)


# ---- meta-tests ------------------------------------------------------------------------------------
def _differentiable_primitives():
    return {n for n, p in PRIMITIVES.items() if p.differentiable}


def test_every_differentiable_primitive_has_a_rule():
    missing = sorted(_differentiable_primitives() - set(RULES) - set(RULELESS))
    assert not missing, f"differentiable primitives without a derivative rule: {missing}"


@pytest.mark.skipif(bool(os.environ.get("FX_SPECS")), reason="needs the whole OpSpec table")
def test_every_differentiable_primitive_is_gradchecked():
    # The first derivative's graph counts too: it holds the primitives the rules call (pad_backward, ...).
    reached = {d[0] for d in DIRECT}
    for spec in GRAD_SPECS:
        try:
            for _, args, kwargs in cases(spec, MAX_NUMEL):
                outs = _as_outputs(wrapper(spec, kwargs)(*args))
                leaves = [t for t in _flat_tensors(args) if t.requires_grad]
                gouts = [ft.ones_like(o).requires_grad_() for o in outs]  # so the rules are recorded too
                grads = grad(outs, leaves, gouts, create_graph=True, allow_unused=True)
                reached |= _graph_primitives(outs) | _graph_primitives(_as_outputs(tuple(g for g in grads if g is not None)))
        except Exception:  # noqa: BLE001  (the op's own gradcheck test reports it)
            pass
    missing = sorted(_differentiable_primitives() - reached - set(RULELESS) - set(UNREACHED))
    assert not missing, f"differentiable primitives that no spec's gradcheck reaches: {missing}"
