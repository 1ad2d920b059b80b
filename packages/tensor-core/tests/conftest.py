import pathlib
import sys

# The OpSpec table (opspec.py, specs/) is shared with fx.autograd's tests: make it importable.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
