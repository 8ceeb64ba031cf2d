"""The primal trace and the adjoint trace: reverse mode as the two tables of the textbooks.

Baydin et al., "Automatic differentiation in machine learning: a survey" (JMLR 2018),
Tables 2 and 3, teach reverse mode with them:

- `primal_trace(output)`: the evaluation trace (Wengert list), one row per node: its name,
  its formula over earlier names, its value;
- `adjoint_trace(output)`: one row per edge, from the output back: the update of the
  parent's adjoint (`w̄5 += h1 · ȳ`) and its value after it.

Names are the graph snapshot's: a node's label, else v₋ₙ … v₀ for unlabelled leaves and
v₁ … vₖ for the rest, as in the survey. The order is the engine's topological order, which
is depth-first (in the survey's example: ln x₁, x₁·x₂, +, sin x₂, −), so a v number can
differ from the survey's while every row computes the same thing. Both tables print as
text, and show as HTML or LaTeX in Jupyter.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..core import backward as reverse_mode
from ..core.graph import Graph
from ..core.value import Value
from ..forms import op_forms
from ..forms.notation import bar, latex_bar, product
from .draw import fmt


@dataclass(frozen=True)
class TraceRow:
    """One line of a trace: what it computes, as text and as LaTeX, and the number."""

    name: str
    formula: str
    value: float
    latex_name: str
    latex_formula: str


class TraceTable:
    """A trace as a table: `rows`, and text, HTML and LaTeX renderings of them."""

    def __init__(self, title: str, header: tuple[str, str, str], rows: list[TraceRow]) -> None:
        self.title = title
        self.header = header
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> TraceRow:
        return self.rows[i]

    def cells(self) -> list[list[str]]:
        """The rows as text cells: name, formula, value to six significant digits."""
        return [[r.name, r.formula, fmt(r.value)] for r in self.rows]

    def __str__(self) -> str:
        lines = [list(self.header), *self.cells()]
        widths = [max(len(line[i]) for line in lines) for i in range(3)]
        body = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines]
        return "\n".join([self.title, *body])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self.cells()
        )
        caption = f"<caption>{html.escape(self.title)}</caption>"
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def _repr_latex_(self) -> str:
        head = " & ".join(rf"\text{{{h}}}" for h in self.header)
        lines = [rf"{r.latex_name} & {r.latex_formula} & {fmt(r.value)} \\" for r in self.rows]
        body = "\n".join([rf"{head} \\", r"\hline", *lines])
        return f"$$\\begin{{array}}{{lll}}\n{body}\n\\end{{array}}$$"


def primal_trace(output: Value) -> TraceTable:
    """The evaluation trace of the graph ending at `output`: one row per node, in order."""
    graph = _graph(output, "primal_trace")
    names, latex = graph.names, latex_names(graph)
    rows = []
    for node in graph.reading_order:
        if not node.parents:
            rows.append(TraceRow(names[node], "input", node.data, latex[node], r"\text{input}"))
            continue
        op = node.op
        assert op is not None
        operands = [names[p] for p in node.parents]
        latex_operands = [latex[p] for p in node.parents]
        formula = op_forms.shown_forward(op, operands, node.constant)
        latex_formula = op_forms.shown_forward(op, latex_operands, node.constant, latex=True)
        rows.append(TraceRow(names[node], formula, node.data, latex[node], latex_formula))
    return TraceTable("primal trace", ("node", "formula", "value"), rows)


def adjoint_trace(output: Value) -> TraceTable:
    """The adjoint trace of `output.backward()`: the seed, then one row per edge in the
    order the pass takes them, each the update of the parent's adjoint and its value after.

    The pass is `backward()`'s own; no grad is left changed.
    """
    graph = _graph(output, "adjoint_trace")
    names, latex = graph.names, latex_names(graph)
    shares = reverse_mode.gradients(graph)
    out = graph.output
    rows = [TraceRow(bar(names[out]), "1", 1.0, latex_bar(latex[out]), "1")]
    for c in reverse_mode.contributions(graph, shares):
        child, parent = c.edge.child, c.edge.parent
        local = _local(child, c.edge.use, names)
        latex_local = _local(child, c.edge.use, latex, latex=True)
        rows.append(
            TraceRow(
                bar(names[parent]),
                _update(c.first, local, bar(names[child]), " · "),
                c.after,
                latex_bar(latex[parent]),
                _update(c.first, latex_local, latex_bar(latex[child]), r" \cdot ", latex=True),
            )
        )
    return TraceTable("adjoint trace", ("adjoint", "update", "value"), rows)


def _graph(output: Value, caller: str) -> Graph:
    if not isinstance(output, Value):
        raise TypeError(f"{caller}() takes a Value, got {type(output).__name__}")
    return Graph.of(output)


def _local(child: Value, use: int, names: dict[Value, str], latex: bool = False) -> str:
    op = child.op
    assert op is not None
    operands = [names[p] for p in child.parents]
    return op_forms.shown_locals(op, operands, child.constant, names[child], latex)[use]


def _update(first: bool, local: str, child_bar: str, times: str, latex: bool = False) -> str:
    """`+= local · child̄` (or `=` for the first), the local left out when it is ±1."""
    term = product(local, child_bar, times)
    if first:
        return f"= {term}"
    return rf"\mathrel{{+}}= {term}" if latex else f"+= {term}"


_NUMBERED = re.compile(r"v([₋]?[₀-₉]+)")
_SUBSCRIPT_DIGITS = str.maketrans("₋₀₁₂₃₄₅₆₇₈₉", "-0123456789")


def latex_names(graph: Graph) -> dict[Value, str]:
    r"""Each node's name in LaTeX: `v_{-1}`, `x_{1}` for a label x1, other labels as text."""
    return {node: _latex_name(name) for node, name in graph.names.items()}


def _latex_name(name: str) -> str:
    numbered = _NUMBERED.fullmatch(name)
    if numbered:
        return f"v_{{{numbered[1].translate(_SUBSCRIPT_DIGITS)}}}"
    indexed = re.fullmatch(r"([A-Za-z])(\d+)", name)
    if indexed:
        return f"{indexed[1]}_{{{indexed[2]}}}"
    if re.fullmatch(r"[A-Za-z]", name):
        return name
    escaped = re.sub(r"([_&%$#{}])", r"\\\1", name)
    return rf"\mathrm{{{escaped}}}"
