import pathlib
import sys

# The import rewriter and the program runner (tests/ported/*.py) are imported by name.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "ported"))
