"""The CPU backend: NumPy arrays, NumPy/OpenBLAS kernels, and C kernels from c_src/cpu."""

from . import copying, elementwise  # noqa: F401  (importing a kernel module registers its kernels)
