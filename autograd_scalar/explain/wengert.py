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

from dataclasses import dataclass

from ..core import backward as reverse_mode
from ..core.graph import Graph
from ..core.value import Value
from ..forms import op_forms
from ..forms.notation import bar, latex_bar, product
from .text import fmt, html_table, latex_partial, partial, tex, text_table

__all__ = ["TraceRow", "TraceTable", "adjoint_trace", "latex_names", "primal_trace"]


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
        return "\n".join([self.title, text_table(self.header, self.cells())])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return html_table(self.header, self.cells(), caption=self.title)

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

    An adjoint v̄ is the total derivative dy/dv of the output y; an update adds the local
    factor ∂child/∂v times the child's adjoint, written first as that product and then as
    the op's formula, as the survey writes v̄₋₁ = v̄₋₁ + ∂v₂/∂v₋₁ · v̄₂ = v̄₋₁ + v₀ · v̄₂. The
    pass is `backward()`'s own; no grad is left changed.
    """
    graph = _graph(output, "adjoint_trace")
    names, latex = graph.names, latex_names(graph)
    shares = reverse_mode.gradients(graph)
    out = graph.output
    rows = [TraceRow(bar(names[out]), "1", 1.0, latex_bar(latex[out]), "1")]
    for c in reverse_mode.contributions(graph, shares):
        child, parent = c.edge.child, c.edge.parent
        operand = c.edge.use + 1 if child.parents.count(parent) > 1 else None
        text = _Update(bar(names[parent]), bar(names[child]), " · ", c.first)
        tex_ = _Update(latex_bar(latex[parent]), latex_bar(latex[child]), r" \cdot ", c.first)
        rows.append(
            TraceRow(
                bar(names[parent]),
                text.write(
                    partial(names[child], names[parent], operand),
                    _local(child, c.edge.use, names),
                ),
                c.after,
                latex_bar(latex[parent]),
                tex_.write(
                    latex_partial(latex[child], latex[parent], operand),
                    _local(child, c.edge.use, latex, latex=True),
                ),
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


@dataclass(frozen=True)
class _Update:
    """How one update of an adjoint is written, in text or in LaTeX."""

    parent_bar: str
    child_bar: str
    times: str
    first: bool

    def write(self, factor: str, local: str) -> str:
        """`= [v̄ +] ∂child/∂v · child̄ = [v̄ +] local · child̄`, ±1 locals left out."""
        chain = f"{factor}{self.times}{self.child_bar}"
        term = product(local, self.child_bar, self.times)
        if self.first:
            return f"= {chain} = {term}"
        added = f"- {term[1:]}" if term.startswith("-") else f"+ {term}"
        return f"= {self.parent_bar} + {chain} = {self.parent_bar} {added}"


def latex_names(graph: Graph) -> dict[Value, str]:
    r"""Each node's name in LaTeX: `v_{-1}`, `x_{1}` for a label x1, others escaped."""
    return {node: tex(name) for node, name in graph.names.items()}
