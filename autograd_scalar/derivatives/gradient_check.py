"""Check the engine's gradients against central finite differences.

`gradcheck(f, inputs)` differentiates `f` in reverse mode and compares every partial
derivative with the five-point central difference (8(f₁ − f₋₁) − (f₂ − f₋₂)) / 12h; it raises
`GradcheckError` with a table of every input when one disagrees. `gradcheck_report` returns
that table instead of raising.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..core import backward as reverse_mode
from ..core.graph import Graph
from ..core.ops import Number
from ..core.value import Value
from .functional import _call


@dataclass(frozen=True)
class GradcheckRow:
    """One input: where it was evaluated, both derivatives, and whether they agree."""

    index: int
    value: float
    analytic: float
    numeric: float
    ok: bool

    @property
    def difference(self) -> float:
        return self.analytic - self.numeric


@dataclass(frozen=True)
class GradcheckReport:
    """Every input's analytic and numeric derivative, and the tolerances used."""

    rows: list[GradcheckRow]
    eps: float
    atol: float
    rtol: float

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    def __str__(self) -> str:
        titles = ("input", 5), ("value", 12), ("analytic", 14), ("numeric", 14), ("difference", 11)
        lines = ["  ".join(f"{title:>{width}}" for title, width in titles)]
        for r in self.rows:
            mark = "" if r.ok else "  <-- mismatch"
            lines.append(
                f"{r.index:>5}  {r.value:>12.6g}  {r.analytic:>14.8g}  {r.numeric:>14.8g}"
                f"  {r.difference:>11.3g}{mark}"
            )
        lines.append(f"(eps={self.eps:g}, atol={self.atol:g}, rtol={self.rtol:g})")
        return "\n".join(lines)


class GradcheckError(AssertionError):
    """The engine's gradient and finite differences disagree; `.report` has the table."""

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(f"gradients disagree with finite differences:\n{report}")
        self.report = report


def gradcheck_report(
    f: Callable[..., Value],
    inputs: Sequence[Number],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> GradcheckReport:
    """Compare d f / d input_i from reverse mode with central differences, for every i.

    `f` takes one `Value` per input and returns a `Value`. Fresh leaves are made for each
    evaluation and the analytic gradient comes from `backward()`, the path users run; the
    grads of `Value`s that `f` closes over are put back afterwards, so nothing the caller
    holds is changed.
    """
    if isinstance(inputs, (int, float)) or not isinstance(inputs, Sequence) or not inputs:
        raise TypeError(f"inputs must be a non-empty sequence of numbers, got {inputs!r}")
    for i, x in enumerate(inputs):
        if isinstance(x, Value):
            raise TypeError(
                f"inputs[{i}] is a Value: gradcheck takes plain numbers and makes its own "
                f"Values from them (pass {x.data!r}, or x.item())"
            )
    points = [Value(x).data for x in inputs]
    analytic = _analytic(f, points)
    rows = []
    for i, x in enumerate(points):
        estimates = _central_differences(f, points, i, eps)
        agreeing = [
            n for n in estimates if math.isclose(analytic[i], n, rel_tol=rtol, abs_tol=atol)
        ]
        numeric = (agreeing or estimates)[0]
        rows.append(GradcheckRow(i, x, analytic[i], numeric, bool(agreeing)))
    return GradcheckReport(rows, eps, atol, rtol)


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[Number],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """True when every partial derivative matches; otherwise raise `GradcheckError`."""
    report = gradcheck_report(f, inputs, eps, atol, rtol)
    if not report.ok:
        raise GradcheckError(report)
    return True


def _analytic(f: Callable[..., Value], points: list[float]) -> list[float]:
    """d f / d input_i by `backward()` on fresh leaves; other nodes' grads put back."""
    leaves = [Value(x) for x in points]
    out = _call(f, leaves)  # recorded, even inside no_grad()
    graph = Graph.of(out)
    shares = reverse_mode.gradients(graph)  # backward()'s own pass; no grad is changed
    position = graph.position
    return [float(shares[position[leaf]]) if leaf in position else 0.0 for leaf in leaves]


def _central_differences(
    f: Callable[..., Value], points: list[float], i: int, eps: float
) -> list[float]:
    """Estimates of d f / d input i, the more accurate first: the five-point central
    difference (8(f₁ − f₋₁) − (f₂ − f₋₂)) / 12h, the same with h / 4, and the two-point
    (f₁ − f₋₁) / 2h, where fₖ is f with input i moved by k·h, h scaled to the size of x.

    The five-point error shrinks as h⁴ (the two-point only as h²), which keeps the check
    trustworthy on steep functions such as sin(exp(x / y)); where even that is not enough
    (a slope of 2·10⁵ that changes fast), h / 4 makes its error 256 times smaller. The
    two-point one reaches only x ± h, so it still serves within 2h of a kink or of the edge
    of f's domain.
    """
    h = eps * max(1.0, abs(points[i]))

    def moved(shift: float) -> float:  # graph recorded: f may take derivatives inside
        return _call(f, [Value(x + shift if j == i else x) for j, x in enumerate(points)]).data

    def five_point(step: float) -> float:
        near = moved(step) - moved(-step)
        far = moved(2 * step) - moved(-2 * step)
        return (8 * near - far) / (12 * step)

    two_point = (moved(h) - moved(-h)) / (2 * h)
    try:
        return [five_point(h), five_point(h / 4), two_point]
    except (ValueError, ZeroDivisionError, OverflowError):  # x ± 2h is outside f's domain
        return [two_point]
