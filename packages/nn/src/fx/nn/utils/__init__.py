"""fx.nn.utils: gradient clipping, parameter vectors, `rnn` sequence packing, and parametrizations (weight/spectral norm)."""

from ._clip import *  # noqa: F403
from ._convert import *  # noqa: F403
from . import rnn, _clip, _convert
from . import parametrize, parametrizations
from ._weight_norm import remove_weight_norm, weight_norm
from ._spectral_norm import remove_spectral_norm, spectral_norm

__all__ = (["rnn", "parametrize", "parametrizations", "weight_norm", "remove_weight_norm", "spectral_norm",
            "remove_spectral_norm"] + _clip.__all__ + _convert.__all__)
