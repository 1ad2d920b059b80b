"""Every dev and CI task of the fx monorepo (`nox -l` lists them; ../shared/DESIGN.md "Sessions")."""

from __future__ import annotations

import pathlib

import nox

ROOT = pathlib.Path(__file__).resolve().parent
# Package directories in dependency order: (directory, distribution, fx packages it depends on).
PACKAGES = [
    ("tensor-core", "fx-tensor", []),
    ("autograd", "fx-autograd", ["tensor-core"]),
    ("nn", "fx-nn", ["tensor-core", "autograd"]),
    ("optim", "fx-optim", ["tensor-core", "autograd"]),
    ("data", "fx-data", ["tensor-core"]),
    ("stack", "fx-stack", ["tensor-core", "autograd", "nn", "optim", "data"]),  # tests: ported PyTorch programs
]
LOCAL_DEPS = {d: deps for d, _, deps in PACKAGES}
TEST_DEPS = ["pytest>=8", "hypothesis>=6", "pytest-xdist>=3", "safetensors>=0.4"]
TORCH = "torch==2.13.0"  # the CPU build lies on disk here; pip (not uv) finds it offline
PYTEST = ["pytest", "--import-mode=importlib", "-p", "no:cacheprovider", "-q", "-n", "2"]

nox.options.sessions = ["lint", "tests"]
nox.options.default_venv_backend = "venv"


def _package_dirs():
    return [str(ROOT / "packages" / d) for d, _, _ in PACKAGES]


def _test_dirs():
    return [str(ROOT / "packages" / d / "tests") for d, _, _ in PACKAGES if (ROOT / "packages" / d / "tests").is_dir()]


def _install_editable(session):
    # One installer call, so local siblings satisfy each other's pinned requirements.
    args = []
    for d in _package_dirs():
        args += ["-e", d]
    session.install(*args, *TEST_DEPS)


@nox.session
def tests(session):
    """The whole suite against editable installs (the README's test command)."""
    _install_editable(session)
    session.run(*PYTEST, *_test_dirs(), *session.posargs)


@nox.session
def conformance(session):
    """The same suite with PyTorch installed, so every comparison with the oracle runs."""
    _install_editable(session)
    session.install(TORCH)
    session.run(*PYTEST, *_test_dirs(), *session.posargs)


@nox.session
@nox.parametrize("package", [d for d, _, _ in PACKAGES])
def isolated(session, package):
    """One package installed (not editable) with only its declared dependencies, and its tests.

    Its fx dependencies come from their sibling directories (they are not on PyPI), in the same
    installer call; everything else comes from the index.
    """
    pkg = ROOT / "packages" / package
    siblings = [str(ROOT / "packages" / d) for d in LOCAL_DEPS[package]]
    session.install(*siblings, str(pkg), *TEST_DEPS)
    tests_dir = pkg / "tests"
    if tests_dir.is_dir():
        # Run from a scratch directory so the checkout's sources cannot shadow the installed package.
        session.chdir(session.create_tmp())
        session.run(*PYTEST, str(tests_dir), *session.posargs)


@nox.session
def lint(session):
    """ruff, plus the layering check (imports point down; no fx/__init__.py; no torch in packages)."""
    session.install("ruff>=0.6")
    paths = [p for p in ("packages", "tools", "benchmarks", "examples", "noxfile.py") if (ROOT / p).exists()]
    session.run("ruff", "check", *paths)
    session.run("python", "tools/check_layers.py")


@nox.session
def build(session):
    """Wheels and sdists of every package; each wheel is built from its sdist (so the sdist is complete)."""
    session.install("build>=1.2")
    out = ROOT / "dist"
    for d in _package_dirs():
        session.run("python", "-m", "build", "--outdir", str(out), d)


EXAMPLE_DEPS = ["scikit-learn", "tqdm", "matplotlib"]


@nox.session
def demo(session):
    """The README's main job: train the digits CNN (examples/digits.py)."""
    _install_editable(session)
    session.install(*EXAMPLE_DEPS)
    session.run("python", "examples/digits.py", *session.posargs)


@nox.session
def examples(session):
    """Every example briefly, as smoke tests, and the bitwise resume check."""
    _install_editable(session)
    session.install(*EXAMPLE_DEPS)
    tmp = session.create_tmp()
    session.run("python", "examples/digits.py", "--epochs", "2", "--out", f"{tmp}/digits")
    session.run("python", "examples/check_resume.py")
    session.run("python", "examples/char_lm.py", "--steps", "20", "--sample-len", "50", "--out", f"{tmp}/char_lm")


@nox.session
def docs(session):
    """The documentation site: complete docstrings, the HTML build, and every example run as a doctest."""
    editable = [arg for d in _package_dirs() for arg in ("-e", d)]
    session.install(*editable, "-r", str(ROOT / "docs" / "requirements.txt"))
    session.run("python", "tools/check_docstrings.py")
    build = ROOT / "docs" / "_build"
    # One doctree cache for both builders: the doctest run reuses what the HTML build parsed.
    sphinx = ["sphinx-build", "-W", "--keep-going", "-d", str(build / "doctrees")]
    session.run(*sphinx, "-b", "html", "docs", str(build / "html"))
    session.run(*sphinx, "-b", "doctest", "docs", str(build / "doctest"))


@nox.session
def bench(session):
    """Performance against PyTorch and NumPy, side by side in one run (never in CI)."""
    _install_editable(session)
    session.install(TORCH, *EXAMPLE_DEPS)
    session.run("python", "benchmarks/run.py", *session.posargs)
