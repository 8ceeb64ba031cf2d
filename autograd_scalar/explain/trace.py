"""Step through `backward()` one edge, one neuron or one layer at a time.

`trace_backward(output)` does exactly what `output.backward()` does, in the same order and
with the same arithmetic, and records one `ChainRuleStep` per edge: which node passes its
grad on, to which parent, the local derivative, the contribution added, and the parent's
actual `.grad` before and after. With `level="neuron"` one step is one neuron passing its
gradient on (`level="layer"`: one layer), drawn on the neuron view. Steps count from 0
everywhere: `trace[i]`, row i of the table, `trace.drawing(i)` and step i of the stepper are one
step. `trace.stepper()` (Jupyter) and `trace.save_html(path)` (a web page that needs no Python)
step through the same script over the same per-step data (`stepper_data`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import backward as reverse_mode
from ..core.graph import Edge, Graph
from ..core.value import Value
from .draw import HIGHLIGHT, Drawing, draw, drawn_edge_titles
from .page import stepper_fragment, stepper_page
from .text import fmt, html_table, text_table, visible
from .views import layers, neuron_edges, neurons

__all__ = [
    "LEVELS",
    "MAX_STEPS",
    "BackwardTrace",
    "ChainRuleStep",
    "PassingStep",
    "Stepper",
    "stepper_data",
    "trace_backward",
]

LEVELS = ("op", "neuron", "layer")

MAX_STEPS = 20_000
"""Past this many steps a stepper's table is too long to read; trace a smaller graph."""


@dataclass(frozen=True)
class ChainRuleStep:
    """One application of the chain rule: parent.grad += local × upstream.

    `upstream` is d output / d child, this pass's share of the child's grad; `before` and
    `after` are the parent's actual `.grad`, earlier passes included.
    """

    index: int
    child: Value
    parent: Value
    use: int  # which use of the parent this edge is (x * x uses x twice: 0 and 1)
    local: float
    upstream: float
    before: float
    after: float

    @property
    def contribution(self) -> float:
        return self.local * self.upstream


@dataclass(frozen=True)
class PassingStep:
    """One neuron (or layer) passing its gradient on: the edge steps it takes, the edges of
    the neuron view they run along, and each receiving node's actual `.grad` before and after.
    """

    index: int
    senders: tuple[Value, ...]
    upstream: tuple[float, ...]  # each sender's share of the output's gradient
    edges: tuple[Edge, ...]  # edges of the neuron view, d sender / d receiver
    changes: tuple[tuple[Value, float, float], ...]  # (receiver, grad before, grad after)
    ops: tuple[ChainRuleStep, ...]


Step = ChainRuleStep | PassingStep


class BackwardTrace:
    """The steps of one backward pass, printable as a table and steppable in a page."""

    def __init__(
        self,
        output: Value,
        steps: Sequence[Step],
        names: dict[Value, str],
        start: dict[Value, float] | None = None,
        level: str = "op",
    ) -> None:
        self.output = output
        self.steps = list(steps)
        self.names = names
        self.start = {output: 1.0} if start is None else start
        self.level = level

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, i: int) -> Step:
        if not isinstance(i, int) or not -len(self) <= i < len(self):
            valid = f"0 to {len(self) - 1} (or -{len(self)} to -1)" if self.steps else "none"
            raise IndexError(f"step {i!r} is not in this trace of {len(self)} steps: valid {valid}")
        return self.steps[i]

    def grads_after(self, i: int) -> dict[Value, float]:
        """Every shown node's `.grad` once steps 0..i are done (i = -1: only the output seeded).

        Grads from earlier passes are included: the numbers are what `.grad` really held.
        """
        grads = dict(self.start)
        for step in self.steps[: i + 1]:
            for node, _, after in _changes(step):
                grads[node] = after
        return grads

    def drawing(self, i: int, **draw_options: Any) -> Drawing:
        """The graph after step i, its edges highlighted, with the grads as they were then.

        `i` counts from 0, as `trace[i]`, the table and the stepper do (-1 is the last step).
        In a collapsed drawing a step along a hidden edge has no edge to colour.
        """
        step = self[i]
        grads = self.grads_after(step.index)
        if isinstance(step, ChainRuleStep):
            highlight = (step.child, step.parent, step.use)
            return draw(self.output, grads=grads, highlight=highlight, **draw_options)
        picture = draw(self.output, grads=grads, level="neuron", **draw_options)
        names = dot_names(self.output, "neuron", draw_options)
        lit = {title for title, _ in _step_edges(names, step, picture.source)}
        picture.digraph.body = [_lit_line(line, lit) for line in picture.digraph.body]
        return picture

    @property
    def header(self) -> list[str]:
        if self.level == "op":
            return ["step", "edge", "local", "upstream", "added", "grad before", "grad after"]
        return ["step", "passes on", "grad", "receivers: grad before → after"]

    def rows(self) -> list[list[str]]:
        """The table: one row per step, as text."""
        return [self._row(s) for s in self.steps]

    def _row(self, s: Step) -> list[str]:
        if isinstance(s, ChainRuleStep):
            return [
                str(s.index),
                f"{self.names[s.child]} → {self.names[s.parent]}",
                fmt(s.local),
                fmt(s.upstream),
                fmt(s.contribution),
                fmt(s.before),
                fmt(s.after),
            ]
        received = (
            ", ".join(f"{self.names[n]} {fmt(b)} → {fmt(a)}" for n, b, a in s.changes)
            or "its weights only"
        )
        return [
            str(s.index),
            ", ".join(self.names[n] for n in s.senders),
            ", ".join(fmt(u) for u in s.upstream),
            received,
        ]

    def _no_steps(self) -> str:
        return f"no steps: {self.names[self.output]} is a leaf; backward() only sets its grad to 1"

    def __str__(self) -> str:
        if not self.steps:
            return self._no_steps()
        return text_table(self.header, self.rows())

    __repr__ = __str__  # at a Python prompt, the table

    def _repr_html_(self) -> str:
        if not self.steps:
            return f"<p>{html.escape(visible(self._no_steps()))}</p>"
        return html_table(self.header, self.rows())

    def caption(self, i: int) -> str:
        """Step i in words: the edge, and the parent's grad before, plus local × upstream; at
        neuron level, who passes which grad on and each receiver's grad before and after."""
        step = self[i]
        row = self._row(step)
        where = f"step {row[0]} of 0–{len(self) - 1}"
        if isinstance(step, ChainRuleStep):
            parent = self.names[step.parent]
            return f"{where}: {row[1]}: {parent}.grad = {row[5]} + {row[2]} × {row[3]} = {row[6]}"
        verb = "passes its grad" if len(step.senders) == 1 else "pass their grads"
        return f"{where}: {row[1]} {verb} {row[2]} on: {row[3]}"

    def save_html(
        self, path: str | Path, max_steps: int | None = None, **draw_options: Any
    ) -> Path:
        """Write the stepper as one self-contained web page: one drawing, each step's colours,
        numbers and caption as data, previous / next buttons, a slider and the arrow keys.

        The page is written to a temporary file beside `path`, then put in its place: a
        failure leaves an earlier page as it was. `path` must end in .html or .htm.
        """
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"save_html writes a web page: {str(path)!r} must end in .html")
        self._check_steppable(MAX_STEPS if max_steps is None else max_steps)
        backend = draw_options.get("backend", "auto")
        page = stepper_page(stepper_data(self, **draw_options), backend)
        temporary = path.with_name(f".{path.name}.tmp")
        try:
            temporary.write_text(page, encoding="utf-8", errors="backslashreplace")
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
        return path

    def _check_steppable(self, max_steps: int) -> None:
        """A page needs a step to show, and a table short enough to read."""
        if not self.steps:
            raise ValueError(f"{self._no_steps()}: there is nothing to step through")
        if len(self) > max_steps:
            raise ValueError(
                f"the trace has {len(self)} steps, more than max_steps={max_steps}: trace a "
                "smaller graph, step at level='neuron', or raise max_steps"
            )

    def stepper(self, **draw_options: Any) -> Stepper | BackwardTrace:
        """The stepper for a notebook: the page's script inline in the cell's HTML output, so
        stepping runs in the browser and never waits on the kernel. With no steps to take it
        returns this trace, which displays as a static table."""
        if not self.steps:
            return self
        return Stepper(self, draw_options)


class Stepper:
    """A trace's stepper as notebook output (HTML with the stepper script inline)."""

    def __init__(self, trace: BackwardTrace, draw_options: dict[str, Any]) -> None:
        self.trace = trace
        self.draw_options = draw_options

    def __repr__(self) -> str:
        return str(self.trace)

    def _repr_html_(self) -> str:
        self.trace._check_steppable(MAX_STEPS)
        data = stepper_data(self.trace, **self.draw_options)
        return stepper_fragment(data, self.draw_options.get("backend", "auto"))


def _changes(step: Step) -> tuple[tuple[Value, float, float], ...]:
    if isinstance(step, ChainRuleStep):
        return ((step.parent, step.before, step.after),)
    return step.changes


def trace_backward(output: Value, level: str = "op") -> BackwardTrace:
    """Run `output.backward()` and record every edge it took (grads end up the same).

    The pass is `backward()`'s own (the same loop, bookkeeping and rollback); the steps are
    read off it: each edge adds local × upstream (d output / d child) to its parent's grad.
    `level="neuron"` groups the edges into one step per neuron passing its gradient on,
    `level="layer"` one per layer; the numbers shown are still the pass's own.
    """
    if not isinstance(output, Value):
        raise TypeError(f"trace_backward() takes a Value, got {type(output).__name__}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    graph = Graph.of(output)
    return reverse_mode.backward_with_contributions(
        graph, lambda before, found: _trace(graph, before, found, level)
    )


def _trace(
    graph: Graph, before: list[float], found: list[reverse_mode.Contribution], level: str
) -> BackwardTrace:
    """The trace read off a pass: the grads before it, then each edge's contribution."""
    output = graph.output
    earlier = dict(zip(graph.order, before))
    start = dict(earlier)
    start[output] = earlier[output] + 1.0  # the seed
    steps = [
        ChainRuleStep(
            i,
            c.edge.child,
            c.edge.parent,
            c.edge.use,
            c.edge.local,
            c.upstream,
            earlier[c.edge.parent] + c.before,
            earlier[c.edge.parent] + c.after,
        )
        for i, c in enumerate(found)
    ]
    if level == "op":
        return BackwardTrace(output, steps, graph.names, start)
    return _grouped(graph, steps, start, level)


def _grouped(
    graph: Graph, steps: list[ChainRuleStep], start: dict[Value, float], level: str
) -> BackwardTrace:
    """The edge steps grouped by the node of the neuron view that passes them on (each
    hidden node belongs to the shown node backward() reached last before it)."""
    found = neurons(graph)
    view = neuron_edges(graph, found)
    shown = {graph.output} | set(view) | {e.parent for into in view.values() for e in into}
    owner: dict[Value, Value] = {}
    current = graph.output
    for node in reversed(graph.order):
        current = node if node in shown else current
        owner[node] = current
    runs: list[list[ChainRuleStep]] = []
    for step in steps:
        if runs and owner[runs[-1][0].child] is owner[step.child]:
            runs[-1].append(step)
        else:
            runs.append([step])
    if level == "layer":
        runs = _by_layer(runs, owner, found)
    grads = dict(start)
    passing = []
    for i, run in enumerate(runs):
        senders = tuple(dict.fromkeys(owner[s.child] for s in run))
        upstream = tuple(next(s.upstream for s in run if owner[s.child] is n) for n in senders)
        edges = tuple(e for n in senders for e in view.get(n, ()))
        before = {e.parent: grads.get(e.parent, 0.0) for e in edges}
        for s in run:
            grads[s.parent] = s.after
        changes = tuple((n, b, grads.get(n, 0.0)) for n, b in before.items())
        passing.append(PassingStep(i, senders, upstream, edges, changes, tuple(run)))
    shown_start = {n: g for n, g in start.items() if n in shown}
    return BackwardTrace(graph.output, passing, graph.names, shown_start, level)


def _by_layer(
    runs: list[list[ChainRuleStep]], owner: dict[Value, Value], found: Sequence[Any]
) -> list[list[ChainRuleStep]]:
    """Neighbouring runs of neurons of one layer joined into one step."""
    layer_of = {n.output: i for i, group in enumerate(layers(list(found))) for n in group}
    joined: list[list[ChainRuleStep]] = []
    last: int | None = None
    for run in runs:
        layer = layer_of.get(owner[run[0].child])
        if joined and layer is not None and layer == last:
            joined[-1].extend(run)
        else:
            joined.append(list(run))
        last = layer
    return joined


def dot_names(output: Value, level: str, draw_options: dict[str, Any]) -> dict[Value, str]:
    """Each drawn node's name in the drawing's DOT source (and its SVG titles): the drawing
    is written once with a different number as each node's grad, and read back."""
    nodes = Graph.of(output).reading_order
    numbered = {node: float(k) for k, node in enumerate(nodes)}
    source = draw(output, grads=numbered, level=level, **draw_options).source
    found = re.findall(r"^\t(n\d+) \[label=.*grad (\d+)\b", source, flags=re.MULTILINE)
    return {nodes[int(k)]: name for name, k in found}


def _lit_line(line: str, lit: set[str]) -> str:
    """A DOT edge line drawn in the highlight colour when it draws a piece in `lit` (the
    SVG titles `drawn_edge_titles` names, as the stepper lights them)."""
    match = re.match(r"\t(\w+) -> (\w+)\b", line)
    if not match or f"{match[1]}->{match[2]}" not in lit:
        return line
    return line.rstrip("\n") + f' [color="{HIGHLIGHT}" fontcolor="{HIGHLIGHT}" penwidth=2.5]\n'


def stepper_data(trace: BackwardTrace, **draw_options: Any) -> dict[str, Any]:
    """What the stepper script needs: the DOT source of one drawing (grads as at the start)
    and, per step, its caption, the edges to colour (SVG title, which occurrence) and the
    grads it changes (node name → box text). The page, the notebook and the playground
    step through this same data."""
    level = "op" if trace.level == "op" else "neuron"
    names = dot_names(trace.output, level, draw_options)
    picture = draw(trace.output, grads=trace.start, level=level, **draw_options)
    steps = []
    for i, step in enumerate(trace.steps):
        steps.append(
            {
                "caption": visible(trace.caption(i)),
                "edges": _step_edges(names, step, picture.source),
                "grads": {names[n]: f"grad {fmt(a)}" for n, _, a in _changes(step) if n in names},
            }
        )
    return {
        "title": visible(f"backward() step by step: {trace.names[trace.output]}"),
        "level": trace.level,
        "dot": picture.source,
        "start": {names[n]: f"grad {fmt(g)}" for n, g in trace.start.items() if n in names},
        "steps": steps,
        "header": trace.header,
        "rows": [[visible(c) for c in row] for row in trace.rows()],
        "highlight": HIGHLIGHT,
    }


def _step_edges(names: dict[Value, str], step: Step, source: str) -> list[list[Any]]:
    """The SVG titles of a step's edges (parent → child, or child's op circle), with which
    of the edges of that title it is (x * x draws two edges x → op)."""
    if isinstance(step, ChainRuleStep):
        edges: Sequence[Edge] = [Edge(step.child, step.parent, step.use, step.local)]
    else:
        edges = step.edges
    found = []
    for e in edges:
        if e.parent not in names or e.child not in names:
            continue  # a step along an edge the drawing hides
        uses = e.child.parents[: e.use] if isinstance(step, ChainRuleStep) else ()
        k = sum(p is e.parent for p in uses)
        found += [[t, k] for t in drawn_edge_titles(source, names[e.parent], names[e.child], e.use)]
    return found
