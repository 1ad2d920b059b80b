"""fx.autograd.func: composable function transforms (torch.func): grad, vjp, jvp, jacobians, vmap.

Example:
    >>> import fx.tensor as ft
    >>> from fx.autograd.func import grad, vmap
    >>> per_example = vmap(grad(lambda w, x: (w * x).sum()), in_dims=(None, 0))(ft.ones(3), ft.ones(4, 3))
    >>> tuple(per_example.shape)
    (4, 3)
"""

from ._functional_call import functional_call
from ._transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp
from ._vmap import vmap

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap", "functional_call"]
