"""`gradcheck` / `gradgradcheck`: analytical gradients against central finite differences.

The numerical Jacobian perturbs each element of each differentiable input in place (writing the
backend array directly, so no version counter moves and the recorded graph stays valid) and
evaluates the function twice; the analytical one runs one vector-Jacobian product per output
element through `fx.autograd.grad`. Jacobians are held on the host in float64, shaped
(input numel, output numel) like PyTorch's. Fast mode compares the projections v^T J u instead.
"""

from __future__ import annotations

import warnings

import numpy as np

import fx.tensor as ft
from fx.tensor._tensor import Tensor

from ._api import grad as _grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by `gradcheck` / `gradgradcheck` when a check fails (and `raise_exception=True`).

    A RuntimeError subclass, as in PyTorch; the message names the output and input and shows the
    numerical and analytical Jacobians.

    Example:
        >>> class BadExp(autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         return x.exp()
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         return g  # wrong: the factor exp(x) is missing
        >>> x = ft.ones(2, dtype=ft.float64, requires_grad=True)
        >>> try:
        ...     autograd.gradcheck(BadExp.apply, (x,))
        ... except autograd.GradcheckError as e:
        ...     print(str(e).splitlines()[0])
        Jacobian mismatch for output 0 with respect to input 0,
    """


# ---- helpers ---------------------------------------------------------------------------------
def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _iter_tensors(obj, only_requiring_grad=False):
    """Tensors in `obj` (nested lists/tuples included); with the flag, float ones requiring grad."""
    if isinstance(obj, Tensor):
        if not only_requiring_grad or (obj._rg and obj.dtype.is_floating_point):
            yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _iter_tensors(o, only_requiring_grad)


def _diff_outputs(out):
    return tuple(o for o in _as_tuple(out) if isinstance(o, Tensor) and o._rg)


def _host64(t):
    """A float64 NumPy copy of `t` (on the host)."""
    return np.array(t.numpy(force=True), dtype=np.float64)


def _to_tensor(arr, like):
    t = ft.from_numpy(np.array(arr, dtype=like.dtype.np, order="C"))  # keeps 0-d arrays 0-d
    return t if like.device.type == "cpu" else t.to(like.device)


def _show(arr):
    return repr(ft.from_numpy(arr)) if isinstance(arr, np.ndarray) else repr(arr)


def _allclose(a, n, rtol, atol):
    return bool(np.all(np.abs(a - n) <= atol + rtol * np.abs(n)))


def _mismatch(a, n, out_idx, in_idx):
    return (f"Jacobian mismatch for output {out_idx:d} with respect to input {in_idx:d},\n"
            f"numerical:{_show(n)}\nanalytical:{_show(a)}\n")


def _check_inputs(tupled):
    any_rg = False
    for idx, inp in enumerate(tupled):
        for t in _iter_tensors(inp, True):
            if t.dtype is not ft.float64:
                warnings.warn(
                    f"Input #{idx} requires gradient and is not a double precision floating point. This check will "
                    "likely fail if all the inputs are not of double precision floating point. ", stacklevel=4)
            if t.numel() and not all(st > 0 or sz <= 1 for st, sz in zip(t.stride(), t.shape)):
                raise RuntimeError(
                    f"The {idx}th input has a dimension with stride 0. gradcheck only supports inputs that are "
                    "non-overlapping to be able to compute the numerical gradients correctly. You should call "
                    ".contiguous on the input before passing it to gradcheck.")
            any_rg = True
    if not any_rg:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")


# ---- numerical -------------------------------------------------------------------------------
def _evaluate(func, inputs, out_idx):
    """Run `func` and return float64 host copies of the outputs at `out_idx`."""
    outs = _as_tuple(func(*inputs))
    return [_host64(outs[k]) for k in out_idx]


def _numerical_jacobian(func, inputs, diff_inputs, out_idx, eps):
    """J[i][j] (numel of input i, numel of output j) by central differences, one element at a time."""
    jac = []
    for x in diff_inputs:
        arr = x._data
        cols = None
        for k, idx in enumerate(np.ndindex(arr.shape)):
            orig = arr[idx].copy()
            arr[idx] = orig + eps
            plus = _evaluate(func, inputs, out_idx)
            arr[idx] = orig - eps
            minus = _evaluate(func, inputs, out_idx)
            arr[idx] = orig
            if cols is None:
                cols = [np.zeros((x.numel(), p.size)) for p in plus]
            for j, (p, m) in enumerate(zip(plus, minus)):
                cols[j][k] = ((p - m) / (2 * eps)).reshape(-1)
        if cols is None:  # an empty input: one evaluation only gives the output sizes
            cols = [np.zeros((0, o.size)) for o in _evaluate(func, inputs, out_idx)]
        jac.append(cols)
    return jac


def _numerical_jvps(func, inputs, x, u, out_idx, eps):
    """(J u) for every output at `out_idx`, perturbing input `x` along the direction `u`."""
    arr = x._data
    orig = arr.copy()
    step = u.reshape(arr.shape) * eps
    try:
        arr[...] = orig + step
        plus = _evaluate(func, inputs, out_idx)
        arr[...] = orig - step
        minus = _evaluate(func, inputs, out_idx)
    finally:
        arr[...] = orig
    return [((p - m) / (2 * eps)).reshape(-1) for p, m in zip(plus, minus)]


# ---- analytical ------------------------------------------------------------------------------
def _vjps(output, diff_inputs, grad_output):
    return _grad(output, diff_inputs, grad_output, retain_graph=True, allow_unused=True)


def _collect_rows(output, diff_inputs, vectors, n_rows):
    """Stack the vjps of `output` with each grad_output in `vectors` as columns; check their metadata."""
    jac = [np.zeros((x.numel(), n_rows)) for x in diff_inputs]
    types_ok = sizes_ok = True
    for j, v in enumerate(vectors):
        for i, (g, x) in enumerate(zip(_vjps(output, diff_inputs, v), diff_inputs)):
            if g is None:
                continue
            if g.dtype != x.dtype:
                types_ok = False
            if tuple(g.shape) != tuple(x.shape):
                sizes_ok = False
                continue
            jac[i][:, j] = _host64(g).reshape(-1)
    return jac, types_ok, sizes_ok


def _one_hots(output):
    n = output.numel()
    for j in range(n):
        flat = ft.zeros(n, dtype=output.dtype, device=output.device)
        flat._data[j] = 1
        yield flat.reshape(output.shape)


def _analytical_jacobian(output, diff_inputs, nondet_tol, check_grad_dtypes, v=None):
    """Rows of d output / d inputs (or the single row v^T J when `v` is given), computed twice."""
    def rows():
        if v is None:
            return _collect_rows(output, diff_inputs, _one_hots(output), output.numel())
        return _collect_rows(output, diff_inputs, [v], 1)

    jac1, types_ok, sizes_ok = rows()
    jac2, _, _ = rows()
    if not types_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not sizes_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    for a, b in zip(jac1, jac2):
        if a.size and np.max(np.abs(a - b)) > nondet_tol:
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and grad_output multiple times "
                "gives different values, although analytical gradient matches numerical gradient. "
                f"The tolerance for nondeterminism was {nondet_tol}.")
    return jac1


# ---- the checks --------------------------------------------------------------------------------
def _check_no_differentiable_outputs(func, inputs, diff_inputs, func_out, eps):
    outs = _as_tuple(func_out)
    idx = [k for k, o in enumerate(outs) if isinstance(o, Tensor) and o.dtype.is_floating_point]
    for per_input in _numerical_jacobian(func, inputs, diff_inputs, idx, eps):
        for jac in per_input:
            if np.any(jac != 0):
                raise GradcheckError("Numerical gradient for function expected to be zero")
    return True


def _slow_check(func, inputs, diff_inputs, outputs, out_idx, eps, rtol, atol, nondet_tol, check_grad_dtypes):
    numerical = _numerical_jacobian(func, inputs, diff_inputs, out_idx, eps)
    for j, o in enumerate(outputs):
        analytical = _analytical_jacobian(o, diff_inputs, nondet_tol, check_grad_dtypes)
        for i, a in enumerate(analytical):
            n = numerical[i][j]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_mismatch(a, n, j, i))


def _unit_vector(rng, n):
    v = rng.random(n)
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def _fast_check(func, inputs, diff_inputs, outputs, out_idx, eps, rtol, atol, nondet_tol, check_grad_dtypes):
    # Own generator: fast mode must not move the user's random stream, and must be reproducible.
    rng = np.random.default_rng(0)
    all_u = [_unit_vector(rng, x.numel()) for x in diff_inputs]
    all_v = [_unit_vector(rng, o.numel()) for o in outputs]
    numerical = [[float(v @ jvp) for v, jvp in zip(all_v, _numerical_jvps(func, inputs, x, u, out_idx, eps))]
                 for x, u in zip(diff_inputs, all_u)]
    for j, (o, v) in enumerate(zip(outputs, all_v)):
        vj = _analytical_jacobian(o, diff_inputs, nondet_tol, check_grad_dtypes, v=_to_tensor(v.reshape(o.shape), o))
        for i, (row, u) in enumerate(zip(vj, all_u)):
            a, n = float(row[:, 0] @ u), numerical[i][j]
            if not _allclose(a, n, rtol, atol * float(u.sum()) * float(v.sum())):
                raise GradcheckError(_mismatch(a, n, j, i) + _slow_mode_report(
                    func, inputs, diff_inputs, o, out_idx[j], i, eps, rtol, atol))


def _slow_mode_report(func, inputs, diff_inputs, output, out_pos, in_idx, eps, rtol, atol):
    n = _numerical_jacobian(func, inputs, [diff_inputs[in_idx]], [out_pos], eps)[0][0]
    a = _collect_rows(output, [diff_inputs[in_idx]], _one_hots(output), output.numel())[0][0]
    diff = float(np.max(np.abs(a - n))) if a.size else 0.0
    msg = ("\nThe above quantities relating the numerical and analytical jacobians are computed \nin fast mode. "
           "Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
           f"Numerical:\n {_show(n)}\nAnalytical:\n{_show(a)}\n\n"
           f"The max per-element difference (slow mode) is: {diff}.\n")
    if _allclose(a, n, rtol, atol):
        msg += ("\nFast gradcheck failed but element-wise differences are small. This means that the test might've "
                "passed in slow_mode! Call gradcheck/gradgradcheck with fast_mode=False.\n")
    return msg


def _check_backward_mul_by_grad_output(outputs, diff_inputs):
    zeros = [ft.zeros_like(o) for o in outputs]
    grads = _grad(outputs, diff_inputs, zeros, retain_graph=True, allow_unused=True)
    for g, x in zip(grads, diff_inputs):
        if g is None:
            continue
        if not bool((g == 0).all()):
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype != x.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.device != x.device:
            raise GradcheckError("grad is incorrect device")
        if tuple(g.shape) != tuple(x.shape):
            raise GradcheckError("grad is incorrect size")


def _check_undefined_grad(outputs, diff_inputs):
    # fx has no "undefined" gradient: leaving an output out of grad() makes the engine hand its
    # rule zeros for it (multi-output primitives), and all-zero output grads must give zero.
    subsets = [list(outputs)]
    if len(outputs) > 1:
        subsets += [[o for k, o in enumerate(outputs) if k != skip] for skip in range(len(outputs))]
    for outs in subsets:
        try:
            grads = _grad(outs, diff_inputs, [ft.zeros_like(o) for o in outs], retain_graph=True, allow_unused=True)
        except RuntimeError as e:
            raise GradcheckError("Expected backward function to handle undefined output grads "
                                 f"(zero or missing output gradients), got: {e}") from e
        for g in grads:
            if g is not None and not bool((g == 0).all()):
                raise GradcheckError("Expected all input grads to be undefined or zero when all output grads are "
                                     "undefined or zero.")


def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, check_grad_dtypes, fast_mode):
    tupled = _as_tuple(inputs)
    _check_inputs(tupled)
    diff_inputs = list(_iter_tensors(tupled, True))
    func_out = func(*tupled)
    outs = _as_tuple(func_out)
    out_idx = [k for k, o in enumerate(outs) if isinstance(o, Tensor) and o._rg]
    outputs = [outs[k] for k in out_idx]
    if not outputs:
        return _check_no_differentiable_outputs(func, tupled, diff_inputs, func_out, eps)
    check = _fast_check if fast_mode else _slow_check
    check(func, tupled, diff_inputs, outputs, out_idx, eps, rtol, atol, nondet_tol, check_grad_dtypes)
    _check_backward_mul_by_grad_output(outputs, diff_inputs)
    if check_undefined_grad:
        _check_undefined_grad(outputs, diff_inputs)
    return True


def _unsupported(**flags):
    for name, on in flags.items():
        if on:
            raise NotImplementedError(f"gradcheck: {name}=True needs forward-mode AD / vmap, which fx.autograd's "
                                      "gradcheck does not check yet")


# ---- public ----------------------------------------------------------------------------------
def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """Check the gradients of `func` at `inputs` against central finite differences.

    Differentiates with respect to every floating-point tensor in `inputs` (nested lists/tuples
    included) that requires grad; use float64 inputs. Elementwise test: |a - n| <= atol + rtol * |n|.

    Args:
        func: a function of the inputs returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of arguments.
        eps: finite-difference step.
        atol: absolute tolerance.
        rtol: relative tolerance.
        raise_exception: raise `GradcheckError` on failure (else return False).
        nondet_tol: allowed difference between two backward passes with the same inputs.
        check_undefined_grad: check that backward accepts undefined (zero) output gradients.
        check_grad_dtypes: check that each gradient has its input's dtype.
        check_batched_grad: not supported (True raises NotImplementedError).
        check_batched_forward_grad: not supported (True raises NotImplementedError).
        check_forward_ad: not supported (True raises NotImplementedError).
        check_backward_ad: check reverse mode (must be True).
        fast_mode: compare v^T J u for random unit vectors u, v instead of the full Jacobians.
        masked: accepted for compatibility (sparse inputs do not exist in fx).

    Returns:
        True when every check passes.

    Example:
        >>> x = ft.tensor([0.5, -1.0, 2.0], dtype=ft.float64, requires_grad=True)
        >>> autograd.gradcheck(lambda t: (t * t.sin()).sum(), (x,))
        True
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    _unsupported(check_forward_ad=check_forward_ad, check_batched_grad=check_batched_grad,
                 check_batched_forward_grad=check_batched_forward_grad)
    try:
        return _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, check_grad_dtypes,
                          fast_mode)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _random_grad_output(out, rng, noncontig):
    dtype = out.dtype if out.dtype.is_floating_point else ft.float64
    shape = tuple(out.shape)
    full = shape[:-1] + (shape[-1] * 2,) if noncontig and shape else shape
    arr = rng.uniform(-1, 1, full).astype(dtype.np)
    if noncontig and shape:
        arr = arr[..., ::2]
    t = ft.from_numpy(arr)
    if out.device.type != "cpu":
        t = t.to(out.device)
    return t.requires_grad_()


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0, check_undefined_grad=True,
                  check_grad_dtypes=False, check_batched_grad=False, check_fwd_over_rev=False,
                  check_rev_over_rev=True, fast_mode=False, masked=False):
    """Check second derivatives against finite differences of the first derivatives.

    Runs `gradcheck` on (inputs, grad_outputs) -> grad(func(inputs), inputs, grad_outputs) with
    create_graph=True, so the backward pass itself is differentiated.

    Args:
        func: a function of the inputs returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of arguments (float64 tensors that require grad).
        grad_outputs: the output gradients to use; default random values in [-1, 1) that require grad.
        gen_non_contig_grad_outputs: make the default grad_outputs non-contiguous.
        check_fwd_over_rev: not supported (True raises NotImplementedError).
        check_rev_over_rev: check reverse-over-reverse (must be True).
        eps: finite-difference step; it and atol, rtol, raise_exception, nondet_tol, check_undefined_grad,
            check_grad_dtypes, check_batched_grad, fast_mode, masked mean what they do in `gradcheck`.

    Returns:
        True when every check passes (False on failure with raise_exception=False).

    Example:
        >>> x = ft.tensor([0.5, -1.0], dtype=ft.float64, requires_grad=True)
        >>> autograd.gradgradcheck(lambda t: t.exp() * t, (x,))
        True
    """
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError("Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_undefined_grad=True requires check_rev_over_rev to be True")
    tupled = _as_tuple(inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outs = tuple(_random_grad_output(o, rng, gen_non_contig_grad_outputs)
                          for o in _diff_outputs(func(*tupled)))
    else:
        grad_outs = _as_tuple(grad_outputs)
    n_in = len(tupled)

    def grads_of_func(*args):
        outputs = _diff_outputs(func(*args[:n_in]))
        diff_inputs = list(_iter_tensors(args[:n_in], True))
        grads = _grad(outputs, diff_inputs, args[n_in:], create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(grads_of_func, tupled + grad_outs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad, check_grad_dtypes=check_grad_dtypes,
                     check_batched_grad=check_batched_grad, fast_mode=fast_mode, check_forward_ad=check_fwd_over_rev,
                     check_backward_ad=check_rev_over_rev, masked=masked)
