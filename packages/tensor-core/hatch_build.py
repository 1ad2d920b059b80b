"""Build hook: compile c_src/cpu/*.c with cffi (API mode, OpenMP) into fx/tensor/_C.

Used by hatchling for wheels (and editable installs), and runnable by hand after editing c_src:
    python packages/tensor-core/hatch_build.py
"""

from __future__ import annotations

import pathlib
import re
import shutil
import sys
import sysconfig
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
PKG_DIR = HERE / "src" / "fx" / "tensor"


def find_c_src() -> pathlib.Path:
    """c_src inside an sdist, or at the monorepo root for a checkout."""
    for cand in (HERE / "c_src", HERE.parent.parent / "c_src"):
        if (cand / "fx_kernels.h").is_file():
            return cand
    raise FileNotFoundError("c_src/fx_kernels.h not found next to the package or at the repository root")


def cdefs(c_src: pathlib.Path) -> str:
    """Declarations for cffi: fx_kernels.h and the local headers it includes, minus preprocessor lines."""
    seen: set[str] = set()
    out: list[str] = []

    def read(name):
        if name in seen:
            return
        seen.add(name)
        for line in (c_src / name).read_text().splitlines():
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m:
                read(m.group(1))
            elif not line.lstrip().startswith("#"):
                out.append(line)

    read("fx_kernels.h")
    text = re.sub(r"/\*.*?\*/", "", "\n".join(out), flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def compile_library(dest: pathlib.Path = PKG_DIR) -> pathlib.Path:
    """Compile the CPU kernels into `dest` and return the extension's path."""
    import cffi

    c_src = find_c_src()
    sources = sorted(str(p) for p in (c_src / "cpu").glob("*.c"))
    ffi = cffi.FFI()
    ffi.cdef(cdefs(c_src))
    flags = ["-O3", "-fopenmp", "-std=c11", "-fno-math-errno", "-Wall", "-Wno-unused-function"]
    ffi.set_source(
        "fx.tensor._C",
        '#include "fx_kernels.h"',
        sources=sources,
        include_dirs=[str(c_src)],
        extra_compile_args=flags,
        extra_link_args=["-fopenmp", "-lm"],
    )
    with tempfile.TemporaryDirectory() as tmp:
        built = pathlib.Path(ffi.compile(tmpdir=tmp, verbose=False))
        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        target = dest / ("_C" + suffix)
        for old in dest.glob("_C.*"):
            if old.suffix in (".so", ".pyd"):
                old.unlink()
        shutil.copy2(built, target)
    return target


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # running as a script without hatchling installed
    BuildHookInterface = object


class CustomBuildHook(BuildHookInterface):
    """Compile the kernels for wheels; editable installs get the library in the source tree."""

    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        target = compile_library()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            # The .so is git-ignored (so not collected by default): include it explicitly.
            rel = target.relative_to(HERE / "src").as_posix()
            build_data["force_include"][str(target)] = rel


if __name__ == "__main__":
    print(f"built {compile_library()}", file=sys.stderr)
