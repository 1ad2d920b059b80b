"""The CPU backend: NumPy arrays, NumPy/OpenBLAS kernels, and C kernels from c_src/cpu."""

# Importing a kernel module registers its kernels.
from . import copying, elementwise, index, linalg, matmul, nn, random, reduce, shape, sorting, views  # noqa: F401
from . import embedding, loss, norm, pooling  # noqa: F401,E402  (nn primitives: fx.nn.functional)
from . import conv  # noqa: F401,E402  (convolutions: fx.nn.functional.conv*)
from . import attention  # noqa: F401,E402  (fused attention: fx.nn.functional.scaled_dot_product_attention)
