"""fx.tensor: n-dimensional tensors on CPU (and CUDA), with PyTorch's names and semantics.

Example:
    >>> import fx.tensor as ft
    >>> x = ft.arange(6, dtype=ft.float32).reshape(2, 3)
    >>> (x * 2 + 1).sum(dim=1).tolist()
    [9.0, 27.0]
"""

from ._dtype import *  # noqa: F403
from ._dtype import __all__ as _dtype_all
from ._device import device
from ._size import Size
from ._tensor import Tensor, is_tensor
from ._factory import *  # noqa: F403
from ._factory import __all__ as _factory_all
from ._ops.copying import clone
from ._ops.unary import *  # noqa: F403
from ._ops.unary import __all__ as _unary_all
from ._ops.binary import *  # noqa: F403
from ._ops.binary import __all__ as _binary_all
from ._ops.reduce import *  # noqa: F403
from ._ops.reduce import __all__ as _reduce_all
from ._ops.views import *  # noqa: F403
from ._ops.views import __all__ as _views_all
from ._ops.shape import *  # noqa: F403
from ._ops.shape import __all__ as _shape_all
from ._ops.index import *  # noqa: F403
from ._ops.index import __all__ as _index_all
from ._ops.sorting import *  # noqa: F403
from ._ops.sorting import __all__ as _sorting_all
from ._ops.matmul import *  # noqa: F403
from ._ops.matmul import __all__ as _matmul_all
from ._ops.conv import *  # noqa: F403
from ._ops.conv import __all__ as _conv_all
from ._ops.nn import *  # noqa: F403
from ._ops.nn import __all__ as _nn_all
from ._ops.compat_math import *  # noqa: F403
from ._ops.compat_math import __all__ as _compat_math_all
from ._ops.special import *  # noqa: F403
from ._ops.special import __all__ as _special_all
from ._ops.compat_reduce import *  # noqa: F403
from ._ops.compat_reduce import __all__ as _compat_reduce_all
from ._ops.predicates import *  # noqa: F403
from ._ops.predicates import __all__ as _predicates_all
from ._ops.windows import *  # noqa: F403
from ._ops.windows import __all__ as _windows_all
from ._ops.tensor_compat import *  # noqa: F403
from ._ops.tensor_compat import __all__ as _tensor_compat_all
from ._ops.runtime_flags import *  # noqa: F403
from ._ops.runtime_flags import __all__ as _runtime_flags_all
from ._ops.compat_inplace import *  # noqa: F403
from ._ops.compat_inplace import __all__ as _compat_inplace_all
from ._random import *  # noqa: F403
from ._random import __all__ as _random_all
from ._serialize import save, load
from ._repr import set_printoptions
from ._threads import get_num_threads, set_num_threads
from ._interop import from_dlpack
from . import backends, cuda, linalg
from ._backend import cpu as _cpu_backend  # noqa: F401  (registers the CPU kernels)
from ._backend.cpu import compat as _cpu_compat  # noqa: F401  (kernels of the primitives of _ops/compat_*, special)
from ._autocast import *  # noqa: F403
from ._autocast import __all__ as _autocast_all
from ._memory_format import *  # noqa: F403
from ._memory_format import __all__ as _memory_format_all
from ._legacy import *  # noqa: F403
from ._legacy import __all__ as _legacy_all
from ._compile import compile
from ._version import __version__
from . import testing

__all__ = (
    ["device", "Size", "Tensor", "is_tensor", "clone", "save", "load", "from_dlpack", "linalg", "cuda", "backends", "set_printoptions",
     "get_num_threads", "set_num_threads"]
    + _dtype_all + _factory_all + _unary_all + _binary_all + _reduce_all + _views_all + _shape_all + _index_all
    + _sorting_all + _matmul_all + _nn_all + _conv_all + _random_all
    + _compat_math_all + _special_all + _compat_reduce_all + _predicates_all + _windows_all + _tensor_compat_all
    + _runtime_flags_all + _compat_inplace_all + _autocast_all + _memory_format_all + _legacy_all + ["compile", "testing"]
)

from ._autocast import install_frontend_policies as _install_autocast  # noqa: E402

_install_autocast()  # wraps the ops autocast changes, before upper layers import them by name

from . import _docs as _docs  # noqa: E402  (attaches the public docstrings)
