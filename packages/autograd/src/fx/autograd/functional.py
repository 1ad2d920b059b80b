"""fx.autograd.functional: torch.autograd.functional's vjp, jvp, jacobian, hessian, vhp, hvp.

Inputs are a Tensor or a tuple of Tensors; results mirror that (a tuple per input / per output,
nested output-major for jacobian, input-major twice for hessian), as in PyTorch. Forward products
use the double-backward trick (jvp = d/du <vjp(u), v>). `vectorize=True` batches the rows of a
Jacobian with `fx.autograd.func.vmap` instead of one backward pass per output element.

Example:
    >>> import fx.tensor as ft
    >>> from fx.autograd.functional import jacobian
    >>> jacobian(lambda x: x ** 2, ft.tensor([1.0, 2.0])).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
"""

from __future__ import annotations

import fx.tensor as ft
from fx.tensor._tensor import Tensor

from ._api import grad as _grad
from ._grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


# ---- argument handling (PyTorch's messages) ----------------------------------------------------
def _as_tuple(x, arg_name, fn_name):
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"{where} has type {type(el)}.")
    return is_tuple, items


def _postprocess(res, is_tuple):
    """Drop the tuple levels the caller did not use (`is_tuple` is one flag or (outer, inner))."""
    if isinstance(is_tuple, tuple):
        outer, inner = is_tuple
        if not inner:
            res = tuple(r[0] for r in res)
        return res if outer else res[0]
    return res if is_tuple else res[0]


def _preprocess(inputs, create_graph, need_graph):
    return tuple(t.view_as(t) if create_graph and t.requires_grad else t.detach().requires_grad_(need_graph)
                 for t in inputs)


def _detach_all(res, create_graph):
    if create_graph:
        return res
    if isinstance(res, Tensor):
        return res.detach()
    return tuple(_detach_all(r, create_graph) for r in res)


def _validate_v(v, other, other_is_tuple):
    if len(v) != len(other):
        if other_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            prefix = f"Entry {i} in " if other_is_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {b.shape} but got {a.shape}.")


_NOT_DIFF = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be computed "
               "in a differentiable manner from the input when running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with respect "
                "to input {i} is independent of the input. This is not allowed in strict mode. You should ensure "
                "that your function is twice differentiable and that the jacobian depends on the inputs (this "
                "would be violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is independent of the input. "
               "This is not allowed in strict mode. You should ensure that your function is thrice differentiable "
               "and that the hessian depends on the inputs.",
}


def _check_requires_grad(tensors, kind, strict):
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode.")
        if not t.requires_grad:
            raise RuntimeError(_NOT_DIFF[kind].format(i=i))


def _autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """fx.autograd.grad over the outputs that require grad; all None when none does."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    outs, gos = [], []
    for o, g in zip(outputs, grad_outputs):
        if o is not None and o.requires_grad:
            outs.append(o)
            gos.append(g)
    if not outs:
        return (None,) * len(inputs)
    return _grad(outs, inputs, gos, retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)


_ZERO_MSG = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict "
            "mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in "
                  "strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed "
                   "in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                         "backward trick to replace forward mode AD.",
}


def _fill_zeros(grads, refs, strict, create_graph, stage):
    res = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_ZERO_MSG[stage].format(i=i))
            g = ft.zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode when create_graph=True.")
        res.append(g)
    return tuple(res)


def _v_or_none(v, reference, ref_is_tuple, create_graph, fn_name, what):
    if v is not None:
        _, v = _as_tuple(v, "v", fn_name)
        v = _preprocess(v, create_graph, need_graph=False)
        _validate_v(v, reference, ref_is_tuple)
        return v
    if len(reference) != 1 or reference[0].numel() != 1:
        raise RuntimeError(f"The vector v can only be None if the {what} a single Tensor with a single element.")
    return None


# ---- products ----------------------------------------------------------------------------------
def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """The vector-Jacobian product v^T J of `func` at `inputs` (one backward pass).

    Args:
        func: a function of Tensors returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        v: the vector, shaped like func's output(s); may be None for a single-element output.
        create_graph: record the computation so the result can be differentiated again.
        strict: raise when an output does not depend on an input instead of returning zeros.

    Returns:
        (func(inputs), vjp), each a Tensor or a tuple mirroring the outputs / the inputs.

    Example:
        >>> autograd.functional.vjp(lambda x: x ** 2, ft.tensor([1.0, 2.0]), ft.ones(2))
        (tensor([1., 4.]), tensor([2., 4.]))
    """
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        v = _v_or_none(v, outputs, out_tuple, create_graph, "vjp", "user-provided function returns")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
        res = _fill_zeros(res, inputs, strict, create_graph, "back")
    return (_postprocess(_detach_all(outputs, create_graph), out_tuple),
            _postprocess(_detach_all(res, create_graph), in_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """The Jacobian-vector product J v of `func` at `inputs` (two backward passes, no forward mode).

    Args:
        func: a function of Tensors returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        v: the vector, shaped like the input(s); may be None for a single-element input.
        create_graph: record the computation so the result can be differentiated again.
        strict: raise when an output does not depend on an input instead of returning zeros.

    Returns:
        (func(inputs), jvp), each a Tensor or a tuple mirroring the outputs.

    Example:
        >>> autograd.functional.jvp(lambda x: x ** 2, ft.tensor([1.0, 2.0]), ft.ones(2))
        (tensor([1., 4.]), tensor([2., 4.]))
    """
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _v_or_none(v, inputs, in_tuple, create_graph, "jvp", "input to the user-provided function is")
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        dummies = tuple(ft.zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, dummies, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = _autograd_grad(grad_inputs, dummies, v, create_graph=create_graph)
        res = _fill_zeros(res, outputs, strict, create_graph, "back_trick")
    return (_postprocess(_detach_all(outputs, create_graph), out_tuple),
            _postprocess(_detach_all(res, create_graph), out_tuple))


def _single_output(func, fn_name, strict):
    def wrapped(*inp):
        out = func(*inp)
        out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", fn_name)
        _check_requires_grad(t_out, "outputs", strict)
        if out_tuple or not isinstance(out, Tensor):
            raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single "
                               "element")
        return out

    return wrapped


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """The vector-Hessian product v^T H of a scalar `func` at `inputs`.

    Args:
        func: a function of Tensors returning a single-element Tensor.
        inputs: a Tensor or a tuple of Tensors.
        v: the vector, shaped like the input(s); may be None for a single-element input.
        create_graph: record the computation so the result can be differentiated again.
        strict: raise when an output does not depend on an input instead of returning zeros.

    Returns:
        (func(inputs), vhp), the product a Tensor or a tuple mirroring the inputs.

    Example:
        >>> autograd.functional.vhp(lambda x: (x ** 3).sum(), ft.tensor([1.0, 2.0]), ft.ones(2))
        (tensor(9.), tensor([ 6., 12.]))
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp", trick=False)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """The Hessian-vector product H v of a scalar `func` at `inputs` (double-backward trick).

    Args:
        func: a function of Tensors returning a single-element Tensor.
        inputs: a Tensor or a tuple of Tensors.
        v: the vector, shaped like the input(s); may be None for a single-element input.
        create_graph: record the computation so the result can be differentiated again.
        strict: raise when an output does not depend on an input instead of returning zeros.

    Returns:
        (func(inputs), hvp), the product a Tensor or a tuple mirroring the inputs.

    Example:
        >>> autograd.functional.hvp(lambda x: (x ** 3).sum(), ft.tensor([1.0, 2.0]), ft.tensor([1.0, 0.0]))
        (tensor(9.), tensor([6., 0.]))
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp", trick=True)


def _hessian_product(func, inputs, v, create_graph, strict, name, trick):
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", name)
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _v_or_none(v, inputs, in_tuple, create_graph, name, "input to the user-provided function is")
        out = _single_output(func, name, strict)(*inputs)
        jac = _autograd_grad((out,), inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        if trick:
            dummies = tuple(ft.zeros_like(t, requires_grad=True) for t in inputs)
            double_back = _autograd_grad(jac, inputs, dummies, create_graph=True)
            _check_requires_grad(jac, "hessian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        if trick:
            res = _autograd_grad(double_back, dummies, v, create_graph=create_graph)
            res = _fill_zeros(res, inputs, strict, create_graph, "double_back_trick")
        else:
            res = _autograd_grad(jac, inputs, v, create_graph=create_graph)
            res = _fill_zeros(res, inputs, strict, create_graph, "double_back")
    return _postprocess(_detach_all((out,), create_graph), False), _postprocess(_detach_all(res, create_graph),
                                                                                in_tuple)


# ---- jacobian / hessian ------------------------------------------------------------------------
def _basis(tensors):
    """Rows of the identity over all elements of `tensors`, split into one (N, *shape) block each."""
    numels = [t.numel() for t in tensors]
    total = sum(numels)
    eye = ft.eye(total, dtype=tensors[0].dtype, device=tensors[0].device)
    out, start = [], 0
    for t, n in zip(tensors, numels):
        out.append(eye[:, start:start + n].reshape((total,) + tuple(t.shape)).to(t.dtype))
        start += n
    return tuple(out), numels


def _jacobian_forward(func, inputs, strict, vectorize):
    if strict:
        raise RuntimeError('fx.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not '
                           'supported together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.')
    if not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
                                  "implemented for `vectorize=True`.")
    from .func import vmap

    in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        inputs = _preprocess(inputs, False, need_graph=True)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs", "jacobian")
        dummies = tuple(ft.zeros_like(o, requires_grad=o.dtype.is_floating_point) for o in outputs)
        back = _autograd_grad(outputs, inputs, dummies, create_graph=True)
    basis, numels = _basis(inputs)
    live = [(g, i) for i, g in enumerate(back) if g is not None and g.requires_grad]
    wrt = [d for d in dummies if d.requires_grad]

    def push(*tangents):
        res = iter((None,) * len(wrt))
        if live and wrt:
            with enable_grad():
                res = iter(_autograd_grad(tuple(g for g, _ in live), wrt, tuple(tangents[i] for _, i in live),
                                          retain_graph=True))
        res = [next(res) if d.requires_grad else None for d in dummies]
        return tuple(ft.zeros_like(o) if r is None else r for r, o in zip(res, outputs))

    cols = vmap(push)(*basis)  # per output: (N, *out_shape)
    jac = []
    for col, o in zip(cols, outputs):
        col = col.detach().movedim(0, -1)
        row, start = [], 0
        for t, n in zip(inputs, numels):
            row.append(col[..., start:start + n].reshape(tuple(o.shape) + tuple(t.shape)))
            start += n
        jac.append(row)
    return _postprocess(jac, (out_tuple, in_tuple))  # lists, as PyTorch's forward-mode jacobian returns


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of `func` at `inputs`: one block of shape out.shape + in.shape per (output, input).

    Args:
        func: a function of Tensors returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        create_graph: record the computation so the result can be differentiated again.
        strict: raise when an output does not depend on an input instead of returning zeros.
        vectorize: compute all rows in one vmapped backward pass instead of one pass per element.
        strategy: "reverse-mode" or "forward-mode" (needs vectorize=True).

    Returns:
        A Tensor for one output and one input; otherwise tuples, nested output-major.

    Example:
        >>> autograd.functional.jacobian(lambda x: x ** 2, ft.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
        >>> autograd.functional.jacobian(lambda a, b: a * b, (ft.tensor([1.0, 2.0]), ft.tensor([3.0, 4.0])))[1]
        tensor([[1., 0.],
                [0., 2.]])
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function '
                         'has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, '
                         'prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError('fx.autograd.functional.jacobian: `create_graph=True` and '
                                      '`strategy="forward-mode"` are not supported together (yet). Please either set '
                                      '`create_graph=False` or `strategy="reverse-mode"`.')
        return _jacobian_forward(func, inputs, strict, vectorize)
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        if vectorize:
            if strict:
                raise RuntimeError("fx.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                                   "supported together. Please either set `strict=False` or `vectorize=False`.")
            jac = _jacobian_vectorized(outputs, inputs, create_graph)
        else:
            jac = tuple(_jacobian_rows(i, out, inputs, create_graph, strict) for i, out in enumerate(outputs))
        return _postprocess(_detach_all(jac, create_graph), (out_tuple, in_tuple))


def _jacobian_rows(i, out, inputs, create_graph, strict):
    """One backward pass per element of `out` (PyTorch's non-vectorized jacobian)."""
    rows = [[] for _ in inputs]
    flat = out.reshape(-1)
    for j in range(out.numel()):
        vj = _autograd_grad((flat[j],), inputs, retain_graph=True, create_graph=create_graph)
        for k, (g, t) in enumerate(zip(vj, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is independent of input {k}. "
                                       "This is not allowed in strict mode.")
                g = ft.zeros_like(t)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(f"The jacobian of the user-provided function is independent of input {i}. This "
                                   "is not allowed in strict mode when create_graph=True.")
            rows[k].append(g)
    return tuple(ft.stack(r, 0).reshape(tuple(out.shape) + tuple(t.shape)) if r else
                 ft.zeros(tuple(out.shape) + tuple(t.shape), dtype=t.dtype, device=t.device)
                 for r, t in zip(rows, inputs))


def _jacobian_vectorized(outputs, inputs, create_graph):
    from .func import vmap

    basis, numels = _basis(outputs)

    def pull(*cts):
        vj = _autograd_grad(outputs, inputs, cts, create_graph=create_graph, retain_graph=True)
        return tuple(ft.zeros_like(t) if g is None else g for g, t in zip(vj, inputs))

    per_input = vmap(pull)(*basis)  # (total, *in_shape) each
    jac = []
    for k, o in enumerate(outputs):
        start = sum(numels[:k])
        jac.append(tuple(p[start:start + numels[k]].reshape(tuple(o.shape) + tuple(t.shape))
                         for p, t in zip(per_input, inputs)))
    return tuple(jac)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar `func` at `inputs`: blocks of shape in_i.shape + in_j.shape.

    Args:
        func: a function of Tensors returning a single-element Tensor.
        inputs: a Tensor or a tuple of Tensors.
        create_graph: record the computation so the result can be differentiated again.
        strict: raise when an output does not depend on an input instead of returning zeros.
        vectorize: vmap the outer Jacobian's rows (see `jacobian`).
        outer_jacobian_strategy: "reverse-mode" or "forward-mode" for the outer Jacobian.

    Returns:
        A Tensor for a single input; otherwise a tuple of tuples, [i][j] the block for inputs i, j.

    Example:
        >>> autograd.functional.hessian(lambda x: (x ** 3).sum(), ft.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    in_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    single = _single_output(func, "hessian", strict)

    def scalar(*inp):
        return single(*inp).reshape(())

    def jac_func(*inp):
        if outer_jacobian_strategy == "forward-mode":
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(scalar, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                   strategy=outer_jacobian_strategy)
    return _postprocess(res, (in_tuple, in_tuple))
