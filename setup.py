"""setuptools build of the latticepol Python module, driving CMake.

Works offline with Debian 12 packages only (python3-setuptools, python3-pip,
pybind11-dev, cmake and the C++ dependencies of tools/deps.sh):

    pip install --no-build-isolation .                     # Debian: add --break-system-packages, or use a venv
    pip install --no-build-isolation --target DIR .        # into a directory

The extension is built by the project's own CMake (bindings/python/CMakeLists.txt)
for the interpreter running this script, in build-pip/ (not build/, which
tools/build.sh owns).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def _version():
    for line in (ROOT / "CMakeLists.txt").read_text().splitlines():
        line = line.strip()
        if line.startswith("project(latticepol") and "VERSION" in line:
            return line.split("VERSION", 1)[1].split()[0].rstrip(")")
    return "0.0.0"


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Configures the whole project with LATTICEPOL_BUILD_PYTHON=ON and builds
    only the `_latticepol` target straight into the package directory."""

    def build_extension(self, ext):
        target = Path(self.get_ext_fullpath(ext.name)).resolve()
        out_dir = target.parent
        out_dir.mkdir(parents=True, exist_ok=True)
        build_dir = Path(self.build_temp).resolve() / "cmake"
        build_dir.mkdir(parents=True, exist_ok=True)
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            "-DLATTICEPOL_BUILD_PYTHON=ON",
            "-DLATTICEPOL_BUILD_TESTS=OFF",
            "-DPython3_EXECUTABLE=" + sys.executable,
            "-DLATTICEPOL_PYTHON_OUTPUT_DIR=" + str(out_dir),
        ]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        if shutil.which("ccache"):
            configure += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
        configure += os.environ.get("LATTICEPOL_CMAKE_ARGS", "").split()
        subprocess.check_call(configure)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.check_call(["cmake", "--build", str(build_dir), "--target", "_latticepol",
                               "-j", jobs])
        if not target.exists():
            raise RuntimeError("CMake did not produce %s" % target)


setup(
    name="latticepol",
    version=_version(),
    description="Check AWS VPC Lattice auth policies before you attach them",
    long_description=(ROOT / "README.md").read_text(encoding="utf-8") if (ROOT / "README.md").exists() else "",
    long_description_content_type="text/markdown",
    python_requires=">=3.8",
    package_dir={"": "bindings/python"},
    packages=["latticepol"],
    package_data={"latticepol": ["py.typed", "*.pyi"]},
    ext_modules=[CMakeExtension("latticepol._latticepol")],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": "build-pip"}},
    zip_safe=False,
)
