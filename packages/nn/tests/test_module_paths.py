"""The torch.nn.modules.* import paths PyTorch code uses: batchnorm, instancenorm, utils, upsampling,
pixelshuffle, padding, distance, fold, conv._ConvNd and loss._Loss / _WeightedLoss."""

from __future__ import annotations

import importlib
from collections import OrderedDict

import numpy as np
import pytest

import fx.nn as nn
import fx.tensor as ft

PATHS = {
    "batchnorm": ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "_BatchNorm", "_NormBase"],
    "instancenorm": ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "_InstanceNorm"],
    "upsampling": ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"],
    "pixelshuffle": ["PixelShuffle", "PixelUnshuffle"],
    "padding": ["ZeroPad2d", "ConstantPad1d", "ReflectionPad2d", "ReplicationPad1d", "CircularPad2d"],
    "distance": ["CosineSimilarity", "PairwiseDistance"],
    "fold": ["Fold", "Unfold"],
    "conv": ["_ConvNd", "Conv2d"],
    "loss": ["_Loss", "_WeightedLoss", "MSELoss"],
    "utils": ["_single", "_pair", "_triple", "_quadruple", "_ntuple", "_reverse_repeat_tuple", "_list_with_default",
              "consume_prefix_in_state_dict_if_present"],
}


@pytest.mark.parametrize("module", sorted(PATHS))
def test_names_importable_where_torch_has_them(module):
    mod = importlib.import_module(f"fx.nn.modules.{module}")
    assert getattr(nn.modules, module) is mod  # reachable as an attribute after `import fx.nn`
    for name in PATHS[module]:
        obj = getattr(mod, name)
        if not name.startswith("_") and module != "utils":
            assert obj is getattr(nn, name)
    try:
        tmod = importlib.import_module(f"torch.nn.modules.{module}")
    except ImportError:
        return
    assert all(hasattr(tmod, name) for name in PATHS[module])


def test_upsample_moved_out_of_pooling():
    from fx.nn.modules import pooling, upsampling

    assert not hasattr(pooling, "Upsample") and nn.Upsample is upsampling.Upsample
    assert issubclass(nn.UpsamplingBilinear2d, nn.Upsample)
    assert nn.Upsample(scale_factor=2)(ft.ones(1, 1, 2, 2)).shape == (1, 1, 4, 4)


def test_ntuple_helpers_match_torch():
    from fx.nn.modules import utils

    cases = [3, (1, 2), [4, 5, 6], (7,)]
    for n, fn in ((1, utils._single), (2, utils._pair), (3, utils._triple), (4, utils._quadruple)):
        for c in cases:
            expected = tuple(c) if isinstance(c, (tuple, list)) else (c,) * n
            assert fn(c) == expected
    assert utils._ntuple(5, "_quintuple")(0) == (0,) * 5 and utils._ntuple(5, "_quintuple").__name__ == "_quintuple"
    assert utils._pair.__name__ == "_pair"
    assert utils._reverse_repeat_tuple((1, 2, 3), 2) == (3, 3, 2, 2, 1, 1)
    assert utils._list_with_default([None, 4], [1, 2, 7, 9]) == [7, 4]
    assert utils._list_with_default(5, [1, 2]) == 5
    with pytest.raises(ValueError, match="Input dimension should be at least 3"):
        utils._list_with_default([None, 4], [1, 2])
    try:
        from torch.nn.modules import utils as tutils
    except ImportError:
        return
    for name in ("_single", "_pair", "_triple", "_quadruple"):
        for c in cases:
            assert getattr(utils, name)(c) == getattr(tutils, name)(c)
    assert utils._reverse_repeat_tuple((1, 2, 3), 2) == tutils._reverse_repeat_tuple((1, 2, 3), 2)
    assert utils._list_with_default([None, 4], [1, 2, 7, 9]) == tutils._list_with_default([None, 4], [1, 2, 7, 9])


def test_consume_prefix_in_state_dict_if_present():
    from fx.nn.modules.utils import consume_prefix_in_state_dict_if_present

    class Wrapper(nn.Module):
        def __init__(self):
            super().__init__()
            self.module = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))

    sd = Wrapper().state_dict()
    consume_prefix_in_state_dict_if_present(sd, "module.")
    assert list(sd) == list(Wrapper().module.state_dict())
    assert set(sd._metadata) == {"", "0", "1"}  # the wrapper's "module" entry becomes the root's ""
    model = Wrapper().module
    model.load_state_dict(sd)
    plain = OrderedDict(a=1, b=2)
    consume_prefix_in_state_dict_if_present(plain, "x.")
    assert plain == OrderedDict(a=1, b=2)


def test_batchnorm_subclass_checks_its_own_input_dims():
    """The PyTorch pattern: subclass _BatchNorm and override _check_input_dim."""
    from fx.nn.modules.batchnorm import _BatchNorm

    class AnyDimBatchNorm(_BatchNorm):
        def _check_input_dim(self, input):
            if input.dim() < 2:
                raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    bn = AnyDimBatchNorm(3)
    x = ft.tensor(np.random.default_rng(0).standard_normal((4, 3, 2, 2, 2)), dtype=ft.float32)
    y = bn(x)
    np.testing.assert_allclose(y.mean((0, 2, 3, 4)).detach().numpy(), np.zeros(3), atol=1e-6)
    assert int(bn.num_batches_tracked) == 1
    with pytest.raises(ValueError, match="at least 2D"):
        bn(ft.zeros(3))
