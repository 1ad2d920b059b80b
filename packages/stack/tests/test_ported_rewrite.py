"""The import rewriter (tests/ported/rewrite.py): only imports change, each maps where API.md says."""

from __future__ import annotations

import subprocess
import sys

import pytest

import rewrite
from rewrite import rewrite_source


@pytest.mark.parametrize("line, expected", [
    ("import torch.nn as nn", "import fx.nn as nn"),
    ("import torch.nn.functional as F", "import fx.nn.functional as F"),
    ("import torch.optim as optim", "import fx.optim as optim"),
    ("import torch.utils.data as tud", "import fx.data as tud"),
    ("from torch import nn, optim", "from fx import nn, optim"),
    ("from torch import Tensor, no_grad as ng", "from fx.tensor import Tensor; from fx.autograd import no_grad as ng"),
    ("from torch import vmap", "from fx.autograd.func import vmap"),
    ("from torch.utils.data import DataLoader, Dataset", "from fx.data import DataLoader, Dataset"),
    ("from torch.utils.data.dataloader import default_collate", "from fx.data.dataloader import default_collate"),
    ("from torch.utils import data", "from fx import data"),
    ("from torch.utils.checkpoint import checkpoint", "from fx.autograd import checkpoint"),
    ("from torch.nn.utils.rnn import pad_sequence", "from fx.nn.utils.rnn import pad_sequence"),
    ("from torch.func import functional_call, vmap", "from fx.autograd.func import functional_call, vmap"),
    ("from torch.autograd import Function", "from fx.autograd import Function"),
    ("from torch.optim.lr_scheduler import StepLR", "from fx.optim.lr_scheduler import StepLR"),
    ("from torch.amp import GradScaler", "from fx.optim import GradScaler"),
    ("from torch.amp import autocast", "from fx.tensor import autocast"),
    ("from torch.nn.parallel import DistributedDataParallel as DDP", "from fx.distributed import DistributedDataParallel as DDP"),
    ("import torch.distributed as dist", "import fx.distributed as dist"),
    ("import numpy as np", "import numpy as np"),
    ("from torchvision import datasets", "from torchvision import datasets"),
])
def test_import_forms(line, expected):
    assert rewrite_source(line + "\n") == expected + "\n"


def test_only_import_lines_change_and_prelude_follows_docstring():
    src = '"""Doc."""\nfrom __future__ import annotations\nimport torch\nx = torch.ones(2)  # import torch\n\ndef f():\n    import torch.nn\n    return torch.nn\n'
    out = rewrite_source(src)
    assert out.startswith('"""Doc."""\nfrom __future__ import annotations\n# fx port')
    body = out[out.index("_fx_torch = _FxTorchAlias"):].splitlines()[1:]
    assert body == ["torch = _fx_torch", "x = torch.ones(2)  # import torch", "", "def f():", "    torch = _fx_torch", "    return torch.nn"]


def test_multibyte_text_before_an_import_on_the_same_line():
    assert rewrite_source('s = "é"; import torch.nn as nn\n') == 's = "é"; import fx.nn as nn\n'


def test_alias_namespace_resolves_api_md_paths():
    import fx.autograd
    import fx.autograd.func
    import fx.data
    import fx.nn
    import fx.optim
    import fx.tensor

    ns = {}
    exec(rewrite_source("import torch\n"), ns)
    torch = ns["torch"]
    assert torch.nn is fx.nn and torch.optim is fx.optim and torch.autograd is fx.autograd
    assert torch.no_grad is fx.autograd.no_grad and torch.inference_mode is fx.autograd.inference_mode
    assert torch.func is fx.autograd.func and torch.vmap is fx.autograd.func.vmap
    assert torch.utils.data is fx.data and torch.utils.data.DataLoader is fx.data.DataLoader
    assert torch.utils.checkpoint.checkpoint is fx.autograd.checkpoint
    assert torch.amp.GradScaler is fx.optim.GradScaler
    assert torch.zeros is fx.tensor.zeros and torch.float32 is fx.tensor.float32 and torch.Tensor is fx.tensor.Tensor
    with pytest.raises(AttributeError, match="torch.utils.tensorboard has no fx counterpart"):
        torch.utils.tensorboard  # noqa: B018
    with pytest.raises(AttributeError):
        torch.no_such_function  # noqa: B018


def test_command_line(tmp_path):
    program = tmp_path / "p.py"
    program.write_text("import torch.nn as nn\n")
    run = subprocess.run([sys.executable, rewrite.__file__, str(program)], capture_output=True, text=True, check=True)
    assert run.stdout == "import fx.nn as nn\n"
    bad = subprocess.run([sys.executable, rewrite.__file__], capture_output=True, text=True)
    assert bad.returncode == 2 and "usage" in bad.stderr
