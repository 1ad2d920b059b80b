import pathlib
import sys

# fx.autograd's op tests are driven by fx.tensor's OpSpec table (one table for every op test).
_TENSOR_TESTS = pathlib.Path(__file__).resolve().parents[2] / "tensor-core" / "tests"
sys.path.insert(0, str(_TENSOR_TESTS))

import fx.autograd  # noqa: E402,F401  (installs the recorder for every test)
