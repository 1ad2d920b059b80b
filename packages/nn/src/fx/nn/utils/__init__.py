"""fx.nn.utils: gradient clipping, parameter vectors, and `rnn` sequence packing."""

from ._clip import *  # noqa: F403
from ._convert import *  # noqa: F403
from . import rnn, _clip, _convert

__all__ = ["rnn"] + _clip.__all__ + _convert.__all__
