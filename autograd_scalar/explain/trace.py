"""Step through `backward()` one edge at a time.

`trace_backward(output)` does exactly what `output.backward()` does, in the same order and
with the same arithmetic, and records one `ChainRuleStep` per edge: which node passes its
grad on, to which parent, the local derivative, the contribution added, and the parent's
actual `.grad` before and after. Steps count from 0 everywhere: `trace[i]`, row i of the table,
`trace.drawing(i)` and step i of the stepper are one step. In Jupyter, `trace.stepper()` walks
through the steps with a drawing of each; `trace.save_html(path)` writes the same stepper as
one web page that needs no Python.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import backward as reverse_mode
from ..core.graph import Graph
from ..core.value import Value
from .draw import Drawing, draw, fit_to_width, fmt
from .text import visible


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


class BackwardTrace:
    """The steps of one backward pass, printable as a table and steppable in Jupyter."""

    def __init__(
        self,
        output: Value,
        steps: list[ChainRuleStep],
        names: dict[Value, str],
        start: dict[Value, float] | None = None,
    ) -> None:
        self.output = output
        self.steps = steps
        self.names = names
        self.start = {output: 1.0} if start is None else start

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, i: int) -> ChainRuleStep:
        return self.steps[i]

    def grads_after(self, i: int) -> dict[Value, float]:
        """Every node's `.grad` once steps 0..i are done (i = -1: only the output seeded).

        Grads from earlier passes are included: the numbers are what `.grad` really held.
        """
        grads = dict(self.start)
        for step in self.steps[: i + 1]:
            grads[step.parent] = step.after
        return grads

    def drawing(self, i: int, **draw_options: Any) -> Drawing:
        """The graph after step i, its edge highlighted, with the grads as they were then.

        `i` counts from 0, as `trace[i]`, the table and the stepper do (-1 is the last step).
        In a collapsed drawing a step along a hidden edge has no edge to colour.
        """
        step = self.steps[i]
        return draw(
            self.output,
            grads=self.grads_after(step.index),
            highlight=(step.child, step.parent, step.use),
            **draw_options,
        )

    def rows(self) -> list[list[str]]:
        """The table: one row per step, as text."""
        return [
            [
                str(s.index),
                f"{self.names[s.child]} → {self.names[s.parent]}",
                fmt(s.local),
                fmt(s.upstream),
                fmt(s.contribution),
                fmt(s.before),
                fmt(s.after),
            ]
            for s in self.steps
        ]

    HEADER = ["step", "edge", "local", "upstream", "added", "grad before", "grad after"]

    def _no_steps(self) -> str:
        return f"no steps: {self.names[self.output]} is a leaf; backward() only sets its grad to 1"

    def __str__(self) -> str:
        if not self.steps:
            return self._no_steps()
        rows = [self.HEADER, *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self.HEADER))]
        return "\n".join(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows
        )

    __repr__ = __str__  # at a Python prompt, the table

    def _repr_html_(self) -> str:
        if not self.steps:
            return f"<p>{html.escape(visible(self._no_steps()))}</p>"
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.HEADER)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(visible(c))}</td>" for c in row) + "</tr>"
            for row in self.rows()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def caption(self, i: int) -> str:
        """Step i in words: the edge, and the parent's grad before, plus local × upstream."""
        step = self.steps[i]
        row = self.rows()[step.index]
        parent = self.names[step.parent]
        return (
            f"step {row[0]} of 0–{len(self) - 1}: {row[1]}: "
            f"{parent}.grad = {row[5]} + {row[2]} × {row[3]} = {row[6]}"
        )

    def save_html(self, path: str | Path, max_steps: int = 500, **draw_options: Any) -> Path:
        """Write the stepper as one self-contained web page: every step's drawing and
        caption, previous / next buttons, a slider and the arrow keys, no Python behind it.

        `draw_options` go to each step's drawing; past `max_steps` steps it refuses.
        """
        from .page import stepper_page

        page = stepper_page(self, max_steps, **draw_options)  # before the file is touched
        path = Path(path)
        path.write_text(page, encoding="utf-8")
        return path

    def stepper(self, **draw_options: Any) -> Any:
        """An ipywidgets stepper (previous / next / slider) showing each step's drawing.

        Without ipywidgets (a plain notebook runner, a terminal), or with no steps to take,
        it returns this trace, which displays as a static table.
        """
        if not self.steps:
            return self
        try:
            import ipywidgets as widgets  # type: ignore[import-untyped]
        except ImportError:
            return self
        return _widget(self, widgets, draw_options)


def _widget(trace: BackwardTrace, widgets: Any, draw_options: dict[str, Any]) -> Any:
    """Previous/next buttons and a slider over the steps, above the current drawing."""
    slider = widgets.IntSlider(value=0, min=0, max=len(trace) - 1, description="step")
    previous = widgets.Button(description="◀ previous")
    following = widgets.Button(description="next ▶")
    caption = widgets.HTML()
    picture = widgets.HTML()

    def show(_: object = None) -> None:
        caption.value = f"<b>{html.escape(visible(trace.caption(slider.value)))}</b>"
        picture.value = fit_to_width(trace.drawing(slider.value, **draw_options).svg())

    previous.on_click(lambda _: setattr(slider, "value", max(slider.value - 1, 0)))
    following.on_click(lambda _: setattr(slider, "value", min(slider.value + 1, slider.max)))
    slider.observe(show, names="value")
    show()
    return widgets.VBox([widgets.HBox([previous, following, slider]), caption, picture])


def trace_backward(output: Value) -> BackwardTrace:
    """Run `output.backward()` and record every edge it took (grads end up the same).

    The pass is `backward()`'s own (the same loop, bookkeeping and rollback); the steps are
    read off it: each edge adds local × upstream (d output / d child) to its parent's grad.
    """
    if not isinstance(output, Value):
        raise TypeError(f"trace_backward() takes a Value, got {type(output).__name__}")
    graph = Graph.of(output)
    return reverse_mode.backward_with_contributions(
        graph, lambda before, found: _trace(graph, before, found)
    )


def _trace(
    graph: Graph, before: list[float], found: list[reverse_mode.Contribution]
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
    return BackwardTrace(output, steps, graph.names, start)
