"""CPU kernels: cast, copy_, clone, to_device."""

import numpy as np

from ._util import register


@register("cast")
def cast(x, dtype):
    return x.astype(dtype)


@register("copy_")
def copy_(dst, src):
    np.copyto(dst, src, casting="unsafe")
    return dst


@register("clone")
def clone(x):
    return np.array(x, order="C", copy=True)


@register("to_device")
def to_device(x, device):
    if device.type == "cpu":
        return x
    raise RuntimeError(
        f"cannot move a tensor to {device}: the CUDA backend is not available here "
        "(it needs an NVIDIA GPU and `pip install fx-tensor[cuda]`)"
    )
