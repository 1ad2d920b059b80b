import pathlib
import sys

# Helpers shared by the test modules (optim_problems.py) live next to this file.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import fx.autograd  # noqa: E402,F401  (installs the recorder: backward() works in every test)
