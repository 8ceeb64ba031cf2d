"""What pyproject.toml promises: the Python versions it claims, and the type hints it ships."""

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
