"""pip install --no-build-isolation .   (Debian 12: python3-pip, python3-setuptools, and the
packages of scripts/debian-packages.txt). Builds the engine and the redline._core module with
CMake and installs the `redline` Python package."""
import os
import pathlib
import shutil
import subprocess

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

ROOT = pathlib.Path(__file__).resolve().parent


class CMakeBuildPy(build_py):
    def run(self):
        super().run()  # the pure-Python files of bindings/redline
        build = ROOT / "build-pip"
        subprocess.check_call(["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                               "-DREDLINE_BUILD_TESTS=OFF", "-DREDLINE_BUILD_BENCHMARKS=OFF",
                               f"-DPython_EXECUTABLE={os.environ.get('PYTHON', shutil.which('python3'))}"])
        subprocess.check_call(["cmake", "--build", str(build), "--target", "_core"])
        target = pathlib.Path(self.build_lib) / "redline"
        target.mkdir(parents=True, exist_ok=True)
        for f in (build / "bindings" / "redline").glob("_core*.so"):
            shutil.copy2(f, target / f.name)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(name="redline", version="0.1.0", description="Exact, ellipsoidal land-use x planning-layer analysis",
      packages=["redline"], package_dir={"redline": "bindings/redline"},
      package_data={"redline": ["*.pyi", "py.typed"]}, cmdclass={"build_py": CMakeBuildPy}, distclass=BinaryDistribution,
      python_requires=">=3.9", install_requires=["numpy", "pandas"])
