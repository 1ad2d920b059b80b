"""fx.tensor.testing: PyTorch's torch.testing helpers (assert_close, make_tensor) for fx tensors.

Example:
    >>> ft.testing.assert_close(ft.tensor([0.1 + 0.2]), ft.tensor([0.3]))
"""

from ._comparison import assert_close
from ._creation import make_tensor

__all__ = ["assert_close", "make_tensor"]
