"""grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian: torch.func's transforms over fx.autograd.

Differentiated inputs become fresh leaves (or, when they already take part in an outer graph,
differentiable aliases, so an enclosing transform sees through them and an inner one does not mix
up the two). Inside vmap the leaves are built on the plain physical tensors with every active
batch level (an unbatched input is broadcast), so autograd computes per-example derivatives;
cotangents and tangents are moved to the same layout (`expose`) and results moved back (`absorb`).
Forward mode uses the double-vjp trick: jvp(u) = d/dv <vjp(v), u>, exact because vjp is linear.
Results stay differentiable (create_graph) only when the computation reached a tensor outside the
transform that requires grad, e.g. an enclosing transform's input.
"""

from __future__ import annotations

import functools

import fx.tensor as ft
from fx.tensor._tensor import Tensor

from .. import _api
from .._graph import AccumulateGrad
from .._grad_mode import enable_grad
from ._batched import absorb, active_levels, expose, unwrap_all
from ._pytree import spec_str, tree_flatten, tree_map, tree_unflatten
from ._vmap import vmap

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"]


# ---- argnums -----------------------------------------------------------------------------------
def _wrap_argnum(argnum, n):
    if not isinstance(argnum, int) or isinstance(argnum, bool):
        raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
    if -n <= argnum < n:
        return argnum % n
    raise RuntimeError(f"Got argnum={argnum}, but only {n} positional inputs")


def _argnums(argnums, n):
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        return _wrap_argnum(argnums, n)
    if isinstance(argnums, tuple):
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        out = tuple(_wrap_argnum(a, n) for a in argnums)
        if len(set(out)) != len(out):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
        return out
    raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")


def _select(args, argnums):
    return args[argnums] if isinstance(argnums, int) else tuple(args[i] for i in argnums)


def _replace(args, argnums, new):
    args = list(args)
    if isinstance(argnums, int):
        args[argnums] = new
    else:
        for i, v in zip(argnums, new):
            args[i] = v
    return tuple(args)


# ---- leaves and the graph ----------------------------------------------------------------------
class _Leaves:
    """The differentiable stand-ins of a pytree of inputs (plain leaves + their batch levels)."""

    def __init__(self, tree):
        flat, self.spec = tree_flatten(tree)
        for x in flat:
            if not isinstance(x, Tensor):
                raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
        self.inputs = flat
        self.external = any(x.requires_grad for x in flat)
        levels = [lv.id for lv in active_levels()]
        sizes = [lv.size for lv in active_levels()]
        self.levels = levels
        self.plain, wrapped = [], []
        for x in flat:
            p = expose(x, levels, sizes)
            leaf = p.view(p.shape) if p.requires_grad else p.detach().requires_grad_()
            self.plain.append(leaf)
            wrapped.append(absorb(leaf, levels))
        self.wrapped = tree_unflatten(wrapped, self.spec)

    def result(self, grads):
        """Per-input gradients (plain, or None) back in the inputs' batch layout, as the input tree."""
        return tree_unflatten(_row_grads(self, grads), self.spec)


def _reaches_outside(roots, leaves):
    """Whether the graph behind `roots` reaches a leaf requiring grad that is not one of `leaves`."""
    ours = {id(t) for t in leaves}
    seen = set()
    stack = [r.grad_fn for r in roots if r.grad_fn is not None]
    for r in roots:
        if r._rg and r.grad_fn is None and id(r) not in ours:
            return True
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            if id(node.variable) not in ours:
                return True
            continue
        for edge in node.next_functions:
            if edge is not None:
                stack.append(edge[0])
    return False


def _detach_tree(tree):
    return tree_map(lambda t: t.detach() if isinstance(t, Tensor) else t, tree)


def _split_aux(out, has_aux, api):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) if has_aux is True")
    return out


class _Pullback:
    """The reverse pass of one call: outputs (plain + levels) and the leaves they came from."""

    def __init__(self, leaves, flat_out):
        self.leaves = leaves
        self.outs = [unwrap_all(o) for o in flat_out]
        live = [p for p, _ in self.outs if p._rg]
        self.create_graph = leaves.external or _reaches_outside(live, leaves.plain)

    def __call__(self, cotangents, create_graph=False, exposed=False):
        """Plain per-leaf gradients (or None) for per-output cotangents (None = zero): logical values,
        or with `exposed`, already in the outputs' plain layout."""
        outs, cts = [], []
        for (p, levels), ct in zip(self.outs, cotangents):
            if ct is None or not p._rg:
                continue
            outs.append(p)
            cts.append(ct if exposed else expose(ct, levels, p.shape[:len(levels)]))
        if not outs:
            return [None] * len(self.leaves.plain)
        cg = create_graph or self.create_graph or any(c.requires_grad for c in cts)
        with enable_grad():
            return list(_api.grad(outs, self.leaves.plain, cts, retain_graph=True, create_graph=cg,
                                  allow_unused=True))


# ---- grad --------------------------------------------------------------------------------------
def grad_and_value(func, argnums=0, has_aux=False):
    """Transform a scalar function `f` into one returning (gradient wrt args[argnums], f(*args)).

    Args:
        func: a function returning a 0-d Tensor (or (0-d Tensor, aux) with `has_aux`).
        argnums: which positional argument(s) to differentiate: an int or a tuple of ints.
        has_aux: f returns (scalar, aux); the result is then (gradient, (value, aux)).

    Returns:
        A function of f's arguments returning (gradient, value); the gradient is a tuple for tuple argnums.

    Example:
        >>> autograd.func.grad_and_value(lambda x: (x * x).sum())(ft.tensor([1.0, 2.0]))
        (tensor([2., 4.]), tensor(5.))
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        api = "grad_and_value(f)(*args)"
        nums = _argnums(argnums, len(args))
        with enable_grad():
            leaves = _Leaves(_select(args, nums))
            out = func(*_replace(args, nums, leaves.wrapped), **kwargs)
            out, aux = _split_aux(out, has_aux, api)
            if not isinstance(out, Tensor):
                raise RuntimeError(f"{api}: Expected f(*args) to return a Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"{api}: Expected f(*args) to return a scalar Tensor, got tensor with "
                                   f"{out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")
            pull = _Pullback(leaves, [out])
            plain = pull.outs[0][0]
            grads = pull([ft.ones_like(out)]) if plain._rg else [None] * len(leaves.plain)
        result = leaves.result(grads)
        if not pull.create_graph:
            out, aux = out.detach(), _detach_tree(aux)
        if has_aux:
            return result, (out, aux)
        return result, out

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """Transform a scalar function `f` into the function computing its gradient wrt args[argnums].

    Composes with itself, vmap, vjp and the jacobians (`vmap(grad(f))` gives per-example gradients).

    Args:
        func: a function returning a 0-d Tensor (or (0-d Tensor, aux) with `has_aux`).
        argnums: which positional argument(s) to differentiate: an int or a tuple of ints.
        has_aux: f returns (scalar, aux); the result is then (gradient, aux).

    Returns:
        A function of f's arguments returning the gradient (a tuple for tuple argnums).

    Example:
        >>> autograd.func.grad(lambda x: (x ** 3).sum())(ft.tensor([1.0, 2.0]))
        tensor([ 3., 12.])
        >>> autograd.func.grad(lambda w, b: (w * b).sum(), argnums=(0, 1))(ft.tensor([1.0, 2.0]), ft.tensor([3.0, 4.0]))
        (tensor([3., 4.]), tensor([1., 2.]))
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, v = gv(*args, **kwargs)
        return (g, v[1]) if has_aux else g

    return wrapper


# ---- vjp ---------------------------------------------------------------------------------------
def _check_outputs(flat, api):
    if not flat or (len(flat) == 1 and flat[0] is None):
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output (got output = {flat})")
    for o in flat:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got unsupported type {type(o)}")


def _check_float(flat):
    for o in flat:
        if not o.dtype.is_floating_point:
            raise RuntimeError(f"vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got Tensor "
                               f"with dtype {o.dtype}")


def vjp(func, *primals, has_aux=False):
    """Evaluate `func` at `primals` and return a function computing vector-Jacobian products there.

    Args:
        func: a function of the primals returning a Tensor or a pytree of Tensors.
        *primals: the arguments of `func` (Tensors or pytrees of Tensors).
        has_aux: func returns (output, aux); aux is returned as a third value.

    Returns:
        (func(*primals), vjp_fn) (plus aux): `vjp_fn(cotangents)`, cotangents shaped like the
        output, returns a tuple with one vector-Jacobian product per primal.

    Example:
        >>> out, vjp_fn = autograd.func.vjp(ft.sin, ft.zeros(2))
        >>> vjp_fn(ft.ones(2))
        (tensor([1., 1.]),)
    """
    api = "vjp(f, *primals)"
    with enable_grad():
        leaves = _Leaves(primals)
        out = func(*leaves.wrapped)
        out, aux = _split_aux(out, has_aux, api)
        flat, out_spec = tree_flatten(out)
        _check_outputs(flat, api)
        _check_float(flat)
        pull = _Pullback(leaves, flat)
    shapes = [o.shape for o in flat]

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        flat_ct, ct_spec = tree_flatten(cotangents)
        if ct_spec != out_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure of outputs "
                               f"to the function. cotangents: {spec_str(ct_spec)}, primal output: {spec_str(out_spec)}")
        for i, (c, s) in enumerate(zip(flat_ct, shapes)):
            if not isinstance(c, Tensor):
                raise TypeError(f"vjp_fn: cotangents must be Tensors, got {type(c).__name__}")
            if c.shape != s:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {tuple(c.shape)} and "
                                   f"output[{i}] has a shape of {tuple(s)}.")
        grads = pull(flat_ct, bool(create_graph))
        return leaves.result(grads)

    if not pull.create_graph:
        out, aux = _detach_tree(out), _detach_tree(aux)
    if has_aux:
        return out, vjp_fn, aux
    return out, vjp_fn


# ---- jvp (double vjp) --------------------------------------------------------------------------
class _Pushforward:
    """Forward-mode products of one call, via the reverse pass differentiated wrt its cotangents."""

    def __init__(self, pull):
        self.pull = pull
        self.dummies = []
        for p, _ in pull.outs:
            self.dummies.append(ft.zeros(tuple(p.shape), dtype=p.dtype, device=p.device).requires_grad_()
                                if p._rg and p.dtype.is_floating_point else None)
        with enable_grad():
            self.back = pull(self.dummies, create_graph=True, exposed=True)

    def __call__(self, tangents):
        """Plain per-output tangents (or None) for per-leaf tangents (logical, in the inputs' layout)."""
        outs, cts = [], []
        for g, t, levels in zip(self.back, tangents, [self.pull.leaves.levels] * len(tangents)):
            if g is None or not g._rg or t is None:
                continue
            outs.append(g)
            cts.append(expose(t, levels))
        live = [d for d in self.dummies if d is not None]
        if not outs or not live:
            return [None] * len(self.dummies)
        cg = self.pull.create_graph or any(c.requires_grad for c in cts)
        with enable_grad():
            res = _api.grad(outs, live, cts, retain_graph=True, create_graph=cg, allow_unused=True)
        it = iter(res)
        return [next(it) if d is not None else None for d in self.dummies]


def _out_result(flat_out, pull, jvps):
    out = []
    for o, (_, levels), j in zip(flat_out, pull.outs, jvps):
        out.append(ft.zeros_like(o) if j is None else absorb(j, levels))
    return out


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """Evaluate `func` at `primals` and its Jacobian-vector product with `tangents` (J @ tangents).

    Computed by differentiating the reverse pass (jvp(u) = d/dv <vjp(v), u>), not by forward-mode
    dual numbers; the values are the same.

    Args:
        func: a function of the primals returning a Tensor or a pytree of Tensors.
        primals: a tuple of the arguments of `func`.
        tangents: a tuple with the same structure and shapes as `primals`.
        strict: raise when the output does not depend on the primals.
        has_aux: func returns (output, aux); aux is returned as a third value.

    Returns:
        (func(*primals), jvp_out) (plus aux), jvp_out shaped like the output.

    Example:
        >>> autograd.func.jvp(ft.exp, (ft.zeros(2),), (ft.ones(2),))
        (tensor([1., 1.]), tensor([1., 1.]))
    """
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{api}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    flat_p, p_spec = tree_flatten(primals)
    flat_t, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(f"{api}: Expected primals and tangents to have the same python structure. For example, "
                           "if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure "
                           f"{spec_str(p_spec)} and tangents with structure {spec_str(t_spec)}")
    for name, flat in (("primals", flat_p), ("tangents", flat_t)):
        if not flat:
            raise RuntimeError(f"{api}: Expected {name} to contain at least one Tensor.")
        for x in flat:
            if not isinstance(x, Tensor):
                raise RuntimeError(f"{api}: Expected {name} to only contain Tensors, got {type(x)}")
    for p, t in zip(flat_p, flat_t):
        if p.shape != t.shape:
            raise RuntimeError(f"{api}: a tangent has shape {tuple(t.shape)} but its primal has shape "
                               f"{tuple(p.shape)}; they must match")
    with enable_grad():
        leaves = _Leaves(primals)
        out = func(*leaves.wrapped)
        out, aux = _split_aux(out, has_aux, api)
        flat, out_spec = tree_flatten(out)
        _check_outputs(flat, api)
        pull = _Pullback(leaves, flat)
        push = _Pushforward(pull)
        jv = push(flat_t)
    if strict and any(j is None for j in jv):
        raise RuntimeError("jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. "
                           "This is not allowed with strict=True.")
    result = tree_unflatten(_out_result(flat, pull, jv), out_spec)
    if not pull.create_graph:
        out, aux = _detach_tree(out), _detach_tree(aux)
    if has_aux:
        return out, result, aux
    return out, result


# ---- jacobians ---------------------------------------------------------------------------------
def _basis(n, like):
    return ft.eye(n, dtype=like.dtype, device=like.device)


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """Transform `func` into the function computing its Jacobian wrt args[argnums] by reverse mode.

    Args:
        func: a function returning a Tensor or a pytree of Tensors.
        argnums: which positional argument(s) to differentiate: an int or a tuple of ints.
        has_aux: func returns (output, aux); the result is then (jacobian, aux).
        chunk_size: compute this many rows per vmapped backward pass (bounds memory).

    Returns:
        A function returning, per output (f's output structure), the Jacobian of shape
        output.shape + input.shape per differentiated input (a tuple for tuple argnums).

    Example:
        >>> autograd.func.jacrev(ft.sin)(ft.zeros(2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        api = "vjp(f, *primals)"
        nums = _argnums(argnums, len(args))
        with enable_grad():
            leaves = _Leaves(_select(args, nums))
            out = func(*_replace(args, nums, leaves.wrapped), **kwargs)
            out, aux = _split_aux(out, has_aux, api)
            flat, out_spec = tree_flatten(out)
            _check_outputs(flat, api)
            _check_float(flat)
            pull = _Pullback(leaves, flat)
        jacs = []
        for k, o in enumerate(flat):
            n = o.numel()

            def row(ct, k=k):
                cts = [None] * len(flat)
                cts[k] = ct
                return tuple(_row_grads(leaves, pull(cts)))

            rows = vmap(row, chunk_size=chunk_size)(_basis(n, o).reshape((n,) + tuple(o.shape)))
            jacs.append(tree_unflatten([r.reshape(tuple(o.shape) + tuple(x.shape))
                                        for r, x in zip(rows, leaves.inputs)], leaves.spec))
        if not pull.create_graph:
            jacs, aux = _detach_tree(jacs), _detach_tree(aux)
        result = tree_unflatten(jacs, out_spec)
        return (result, aux) if has_aux else result

    return wrapper


def _row_grads(leaves, grads):
    return [ft.zeros_like(x) if g is None else absorb(g, leaves.levels) for g, x in zip(grads, leaves.inputs)]


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """Transform `func` into the function computing its Jacobian wrt args[argnums], column by column.

    Args:
        func: a function returning a Tensor or a pytree of Tensors.
        argnums: which positional argument(s) to differentiate: an int or a tuple of ints.
        has_aux: func returns (output, aux); the result is then (jacobian, aux).
        randomness: how random ops behave in the vmapped columns ("error", "different", "same").

    Returns:
        A function returning the Jacobian, with the same structure as `jacrev`'s.

    Example:
        >>> autograd.func.jacfwd(lambda x: x ** 2)(ft.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        api = "jvp(f, primals, tangents)"
        nums = _argnums(argnums, len(args))
        with enable_grad():
            leaves = _Leaves(_select(args, nums))
            out = func(*_replace(args, nums, leaves.wrapped), **kwargs)
            out, aux = _split_aux(out, has_aux, api)
            flat, out_spec = tree_flatten(out)
            _check_outputs(flat, api)
            pull = _Pullback(leaves, flat)
            push = _Pushforward(pull)
        per_input = []
        for i, x in enumerate(leaves.inputs):
            n = x.numel()

            def column(t, i=i):
                ts = [None] * len(leaves.inputs)
                ts[i] = t
                return tuple(_out_result(flat, pull, push(ts)))

            cols = vmap(column, randomness=randomness)(_basis(n, x).reshape((n,) + tuple(x.shape)))
            per_input.append([c.movedim(0, -1).reshape(tuple(o.shape) + tuple(x.shape)) for c, o in zip(cols, flat)])
        jacs = [tree_unflatten([per_input[i][k] for i in range(len(leaves.inputs))], leaves.spec)
                for k in range(len(flat))]
        if not pull.create_graph:
            jacs, aux = _detach_tree(jacs), _detach_tree(aux)
        result = tree_unflatten(jacs, out_spec)
        return (result, aux) if has_aux else result

    return wrapper


def hessian(func, argnums=0):
    """Transform a scalar `func` into the function computing its Hessian wrt args[argnums].

    Same structure as PyTorch's `jacfwd(jacrev(func, argnums), argnums)`; computed as reverse-over-reverse.

    Args:
        func: a function returning a 0-d Tensor.
        argnums: which positional argument(s) to differentiate: an int or a tuple of ints.

    Returns:
        A function returning the Hessian, of shape input.shape + input.shape.

    Example:
        >>> autograd.func.hessian(lambda x: (x ** 3).sum())(ft.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return jacrev(jacrev(func, argnums), argnums)
