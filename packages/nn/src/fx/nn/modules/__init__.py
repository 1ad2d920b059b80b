"""Every layer class; each family lives in its own module."""

from .module import *  # noqa: F403
from .container import *  # noqa: F403
from .linear import *  # noqa: F403
from .activation import *  # noqa: F403
from .flatten import *  # noqa: F403
from .conv import *  # noqa: F403
from .pooling import *  # noqa: F403
from .normalization import *  # noqa: F403
from .dropout import *  # noqa: F403
from .sparse import *  # noqa: F403
from .loss import *  # noqa: F403
from .rnn import *  # noqa: F403
from .attention import *  # noqa: F403
from .transformer import *  # noqa: F403
from .upsampling import *  # noqa: F403
from .pixelshuffle import *  # noqa: F403
from .padding import *  # noqa: F403
from .distance import *  # noqa: F403
from .fold import *  # noqa: F403
from . import module, container, linear, activation, flatten, conv, pooling, normalization, dropout, sparse, loss
from . import rnn, attention, transformer
from . import upsampling, pixelshuffle, padding, distance, fold, batchnorm, instancenorm, utils

__all__ = [n for m in (module, container, linear, activation, flatten, conv, pooling, normalization, dropout, sparse,
                       loss, rnn, attention, transformer, upsampling, pixelshuffle, padding, distance, fold)
           for n in m.__all__]
