"""fx.nn.functional: the math of every layer, as functions (torch.nn.functional)."""

from ._activation import *  # noqa: F403
from ._linear import *  # noqa: F403
from ._conv import *  # noqa: F403
from ._pooling import *  # noqa: F403
from ._norm import *  # noqa: F403
from ._dropout import *  # noqa: F403
from ._embedding import *  # noqa: F403
from ._loss import *  # noqa: F403
from ._attention import *  # noqa: F403
from ._misc import *  # noqa: F403
from ._pixel_shuffle import *  # noqa: F403
from ._grid_sample import *  # noqa: F403
from ._gumbel import *  # noqa: F403
from ._pdist import *  # noqa: F403
from . import _activation, _attention, _conv, _dropout, _embedding, _linear, _loss, _misc, _norm, _pooling
from . import _grid_sample, _gumbel, _pdist, _pixel_shuffle

__all__ = [n for m in (_activation, _linear, _conv, _pooling, _norm, _dropout, _embedding, _loss, _attention, _misc,
                     _pixel_shuffle, _grid_sample, _gumbel, _pdist)
           for n in m.__all__]
