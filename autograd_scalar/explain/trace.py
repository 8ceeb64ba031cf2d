"""Step through `backward()` one edge at a time.

`trace_backward(output)` does exactly what `output.backward()` does, in the same order and
with the same arithmetic, and records one `Step` per edge: which node passes its grad on, to
which parent, the local derivative, the contribution added, and the parent's grad before and
after. In Jupyter, `trace.stepper()` walks through the steps with a drawing of each.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from ..core import backward as reverse_mode
from ..core.graph import Graph
from ..core.value import Value
from .draw import Drawing, draw, fmt
from .text import visible


@dataclass(frozen=True)
class Step:
    """One application of the chain rule: parent.grad += local * child.grad."""

    index: int
    child: Value
    parent: Value
    slot: int  # the parent's position in child.parents (x * x uses x at 0 and at 1)
    local: float
    child_grad: float
    before: float
    after: float

    @property
    def contribution(self) -> float:
        return self.local * self.child_grad


class BackwardTrace:
    """The steps of one backward pass, printable as a table and steppable in Jupyter."""

    def __init__(self, output: Value, steps: list[Step], names: dict[Value, str]) -> None:
        self.output = output
        self.steps = steps
        self.names = names

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, i: int) -> Step:
        return self.steps[i]

    def grads_after(self, i: int) -> dict[Value, float]:
        """This pass's gradients once steps 0..i are done (i = -1: only the seed)."""
        grads = {self.output: 1.0}
        for step in self.steps[: i + 1]:
            grads[step.parent] = step.after
        return grads

    def drawing(self, i: int, **draw_options: Any) -> Drawing:
        """The graph after step i, its edge highlighted, with the grads filled in so far.

        `i` counts from 0, like `trace[i]` (and -1 is the last step); the table and the
        stepper number steps from 1, so the table's step 10 is `trace.drawing(9)`. In a
        collapsed drawing (collapse="labels") a step along a hidden edge has none to colour.
        """
        step = self.steps[i]
        return draw(
            self.output,
            grads=self.grads_after(step.index),
            highlight=(step.child, step.parent, step.slot),
            **draw_options,
        )

    def rows(self) -> list[list[str]]:
        """The table: one row per step, as text."""
        return [
            [
                str(s.index + 1),
                f"{self.names[s.child]} → {self.names[s.parent]}",
                fmt(s.local),
                fmt(s.child_grad),
                fmt(s.contribution),
                fmt(s.before),
                fmt(s.after),
            ]
            for s in self.steps
        ]

    HEADER = ["step", "edge", "local", "child grad", "added", "grad before", "grad after"]

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
        step = trace[slider.value]
        row = trace.rows()[slider.value]
        caption.value = (
            f"<b>step {row[0]} of {len(trace)}</b>: {html.escape(visible(row[1]))}: "
            f"grad {row[5]} + {row[2]} × {row[3]} = {row[6]}"
        )
        picture.value = trace.drawing(step.index, **draw_options).svg()

    previous.on_click(lambda _: setattr(slider, "value", max(slider.value - 1, 0)))
    following.on_click(lambda _: setattr(slider, "value", min(slider.value + 1, slider.max)))
    slider.observe(show, names="value")
    show()
    return widgets.VBox([widgets.HBox([previous, following, slider]), caption, picture])


def trace_backward(output: Value) -> BackwardTrace:
    """Run `output.backward()` and record every edge it took (grads end up the same).

    The pass is `backward()`'s own (the same loop, bookkeeping and rollback); the steps are
    read off it: each edge adds local × its child's grad to its parent's grad.
    """
    if not isinstance(output, Value):
        raise TypeError(f"trace_backward() takes a Value, got {type(output).__name__}")
    graph = Graph.of(output)
    backward_pass = reverse_mode.run(graph)
    shares = dict(zip(graph.order, backward_pass.shares))
    running = {output: shares[output]}
    steps: list[Step] = []
    for edge, added in reverse_mode.contributions(backward_pass):
        before = running.get(edge.parent, 0.0)
        running[edge.parent] = before + added
        steps.append(
            Step(
                len(steps),
                edge.child,
                edge.parent,
                edge.use,
                edge.local,
                shares[edge.child],
                before,
                running[edge.parent],
            )
        )
    return BackwardTrace(output, steps, graph.names)
