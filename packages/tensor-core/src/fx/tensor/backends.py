"""`fx.tensor.backends`: the backend switches PyTorch programs set (`torch.backends.cudnn.benchmark = True`).

The flags are kept so such programs port unchanged and read back what they set; on the CPU backend they
change nothing (fx's CPU kernels are deterministic for a given thread count and have no autotuner), and
the availability queries answer for this build.
"""

from __future__ import annotations

__all__ = ["cudnn", "cuda", "mps"]


class _Flags:
    """A namespace of switches whose unknown attributes raise AttributeError naming the namespace."""

    def __init__(self, name, **flags):
        object.__setattr__(self, "_name", name)
        for key, value in flags.items():
            object.__setattr__(self, key, value)

    def __setattr__(self, key, value):
        if not hasattr(self, key):
            raise AttributeError(f"fx.tensor.backends.{self._name} has no setting {key!r}")
        object.__setattr__(self, key, value)

    def __repr__(self):
        flags = {k: v for k, v in vars(self).items() if not k.startswith("_") and not callable(v)}
        return f"fx.tensor.backends.{self._name}({flags})"


def _cuda_available():
    from . import cuda as _cuda

    return _cuda.is_available()


cudnn = _Flags("cudnn", enabled=True, benchmark=False, deterministic=False, allow_tf32=True,
               is_available=_cuda_available, version=lambda: None)
cudnn.__doc__ = "cuDNN switches (enabled, benchmark, deterministic, allow_tf32); no effect on the CPU backend."

cuda = _Flags("cuda", matmul=_Flags("cuda.matmul", allow_tf32=False, allow_fp16_reduced_precision_reduction=True),
              is_built=_cuda_available)
cuda.__doc__ = "CUDA switches (matmul.allow_tf32, ...); no effect on the CPU backend."

mps = _Flags("mps", is_available=lambda: False, is_built=lambda: False)
mps.__doc__ = "Apple's Metal backend: fx has none, so both queries answer False."
