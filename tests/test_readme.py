"""The README is the manual, and it stays true.

- Every ```python block runs on its own, in a fresh namespace inside a temporary folder,
  unless its first line is `# continues the block above`: then it runs after that block, in
  its namespace. When an ```output block follows, what the code prints must equal that text.
- Every name that the public modules export (their `__all__`) is imported by some example.
- Every reference to a section (`see "…"`, `shown in "…"`) names a heading, above or below as
  it says; the sections the manual must keep are there; every notebook is listed.
- No command of the README writes into the project's own folders or over its files.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograd_scalar import Value
from autograd_scalar.core import ops

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.DOTALL | re.MULTILINE)
CONTINUES = "# continues the block above"
PUBLIC_MODULES = (
    "autograd_scalar",
    "autograd_scalar.derivatives",
    "autograd_scalar.explain",
    "autograd_scalar.compile",
    "autograd_scalar.nn",
    "autograd_scalar.extend",
    "autograd_scalar.testing",
)
KEPT_SECTIONS = (
    "Gradients of gradients and a functional API",
    "Trusting the gradients",
    "gradcheck",
    "An op of your own",
    "Property tests in three lines",
    "Anomaly mode and no_grad",
    "Speed of replay",
)
OUTPUT_OPTIONS = ("--svg", "--small-svg", "--save", "--plot")


@dataclass(frozen=True)
class Example:
    """One ```python block: its code, the output it must print (or None), its README line."""

    code: str
    expected: str | None
    line: int


def blocks() -> list[tuple[str, str, int]]:
    """(kind, text, line) of every fenced block, in order."""
    return [(m[1], m[2], TEXT.count("\n", 0, m.start()) + 1) for m in BLOCK.finditer(TEXT)]


def examples() -> list[Example]:
    found = blocks()
    result = []
    for i, (kind, text, line) in enumerate(found):
        if kind == "python":
            following = found[i + 1] if i + 1 < len(found) else ("", "", 0)
            result.append(Example(text, following[1] if following[0] == "output" else None, line))
    return result


def chains() -> list[list[Example]]:
    """The examples grouped: each one that does not continue another starts a group."""
    groups: list[list[Example]] = []
    for example in examples():
        if example.code.startswith(CONTINUES + "\n") and groups:
            groups[-1].append(example)
        else:
            groups.append([example])
    return groups


CHAINS = chains()


def test_a_continuing_block_has_a_block_to_continue() -> None:
    assert examples() and not examples()[0].code.startswith(CONTINUES)


@pytest.fixture
def restored_op_table(tmp_path, monkeypatch):
    """Run in a temporary folder; put back the op table and `Value`'s methods afterwards
    (the README registers an op of its own and gives `Value` a method for it)."""
    monkeypatch.chdir(tmp_path)
    table, methods = dict(ops.OPS), dict(vars(Value))
    yield
    ops.OPS.clear()
    ops.OPS.update(table)
    for name in set(vars(Value)) - set(methods):
        delattr(Value, name)
    for name, method in methods.items():
        if vars(Value).get(name) is not method:
            setattr(Value, name, method)


@pytest.mark.parametrize("chain", CHAINS, ids=[f"line {c[0].line}" for c in CHAINS])
def test_each_example_runs_alone_and_prints_what_the_readme_shows(
    chain: list[Example], restored_op_table
) -> None:
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for example in chain:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(example.code, f"README.md, line {example.line}", "exec"), namespace)
        if example.expected is not None:
            assert printed.getvalue() == example.expected, f"README.md, line {example.line}"


def taken(module_name: str, name: str) -> object:
    """What `from module_name import name` gives: an attribute, or else a submodule."""
    module = importlib.import_module(module_name)
    if hasattr(module, name):
        return getattr(module, name)
    return importlib.import_module(f"{module_name}.{name}")


def imported_objects(code: str) -> list[object]:
    """The objects an example takes from the package: `from m import x` and `m.x` after
    `import m`."""
    tree = ast.parse(code)
    modules: dict[str, str] = {}
    found: list[object] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd_scalar"):
            found += [taken(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("autograd_scalar"):
                    modules[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = ast.unparse(node.value)
            if owner in modules:
                found.append(taken(modules[owner], node.attr))
    return found


def test_every_public_name_has_an_example() -> None:
    shown = {id(obj) for example in examples() for obj in imported_objects(example.code)}
    missing = []
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        missing += [
            f"{name}.{export}"
            for export in module.__all__
            if id(getattr(module, export)) not in shown
        ]
    assert not missing, f"public names no README example imports: {', '.join(missing)}"


def prose() -> str:
    """The README without its fenced blocks, each run of white space one space."""
    return " ".join(BLOCK.sub("", TEXT).split())


def headings() -> list[str]:
    return [
        line.lstrip("#").strip()
        for line in BLOCK.sub("", TEXT).splitlines()
        if line.startswith("#")
    ]


def test_every_section_a_reference_names_is_there_where_it_says() -> None:
    text, titles = prose(), headings()
    references = re.findall(r'(?:[Ss]ee|shown in) "([^"]+)"(?: (below|above))?', text)
    assert references
    for title, where in references:
        assert title in titles, f'the README refers to a section "{title}" it does not have'
        heading = text.index(f"# {title}")  # the flattened heading: "## Title"
        reference = text.index(f'"{title}"')
        if where:
            assert (heading > reference) == (where == "below"), f'"{title}" is not {where}'


@pytest.mark.parametrize("title", KEPT_SECTIONS)
def test_the_manual_keeps_its_sections(title: str) -> None:
    assert title in headings()


@pytest.mark.parametrize("notebook", sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_every_notebook_is_listed(notebook: str) -> None:
    assert f"`{notebook}`" in TEXT


def written_paths(command: str) -> list[str]:
    """The files a README command writes: the values of its output options."""
    words = shlex.split(command, comments=True)
    return [words[i + 1] for i, word in enumerate(words[:-1]) if word in OUTPUT_OPTIONS]


def test_no_command_writes_into_the_projects_folders() -> None:
    commands = [line for kind, text, _ in blocks() if kind == "bash" for line in text.splitlines()]
    paths = [path for command in commands for path in written_paths(command)]
    assert paths  # the commands that draw, save and plot are found
    for path in paths:
        target = ROOT / path
        assert not target.exists(), f"a README command overwrites {path}"
        assert target.parent == ROOT or not target.parent.exists(), (
            f"a README command writes {path} into the project's folder {target.parent.name}/"
        )


@pytest.mark.parametrize(
    "command", ["pip install -e .", 'pip install -e ".[test]" && pytest', "pytest --full"]
)
def test_the_readme_states_the_install_and_test_commands(command: str) -> None:
    assert command in TEXT
