"""The README's Python examples run, and print exactly what the README says they print.

Every ```python block runs, in order, in one namespace, inside a temporary directory. When a
```output block follows it, the block's printed output must equal that text.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

from autograd_scalar import Value
from autograd_scalar.core import ops

README = Path(__file__).parent.parent / "README.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def readme_examples() -> list[tuple[str, str | None]]:
    """(code, expected output or None) for each python block of the README."""
    blocks = BLOCK.findall(README.read_text(encoding="utf-8"))
    examples = []
    for i, (kind, text) in enumerate(blocks):
        if kind == "python":
            following = blocks[i + 1] if i + 1 < len(blocks) else ("", "")
            examples.append((text, following[1] if following[0] == "output" else None))
    return examples


def test_readme_has_examples() -> None:
    assert len(readme_examples()) >= 2


def test_readme_examples_run_and_print_what_they_show(tmp_path, monkeypatch) -> None:
    """The README registers an op of its own: the table and `Value` are put back after."""
    monkeypatch.chdir(tmp_path)
    table = dict(ops.OPS)
    monkeypatch.setattr(Value, "softplus", None, raising=False)
    try:
        _run_every_example()
    finally:
        ops.OPS.clear()
        ops.OPS.update(table)


def _run_every_example() -> None:
    namespace: dict = {"__name__": "__readme__"}
    for code, expected in readme_examples():
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), namespace)
        if expected is not None:
            assert printed.getvalue() == expected, code


@pytest.mark.parametrize("command", ["pip install -e .", 'pip install -e ".[test]" && pytest'])
def test_readme_states_the_install_and_test_commands(command: str) -> None:
    assert command in README.read_text(encoding="utf-8")
