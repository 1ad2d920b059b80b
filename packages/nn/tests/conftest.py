import pathlib
import sys

# Op tests may reuse fx.tensor's OpSpec helpers (packages/tensor-core/tests).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tensor-core" / "tests"))

import fx.autograd  # noqa: E402,F401
