"""Check the engine's gradients against finite differences.

`gradcheck(f, inputs)` (PyTorch's word) differentiates `f` in reverse mode and compares every
partial derivative with the five-point central difference of `finite_differences`; it
raises `GradcheckError` with a table of every input when one disagrees, and warns where
finite differences cannot judge. `gradcheck_report` returns that table instead.
`check_grads(f, args, order)` is `jax.test_util.check_grads`: forward and reverse mode, up
to the order asked, along random directions.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core import recording
from ..core.ops import Number, number_of
from ..core.value import Value
from .finite_differences import check_step, estimate
from .functional import _gradients, _outputs, jvp, vjp

__all__ = [
    "GradcheckError",
    "GradcheckReport",
    "GradcheckRow",
    "GradcheckWarning",
    "check_grads",
    "gradcheck",
    "gradcheck_report",
]


@dataclass(frozen=True)
class GradcheckRow:
    """One input: where it was evaluated, both derivatives, and the verdict. `judged` is
    False where finite differences cannot tell (then `ok` is True: nothing was found)."""

    index: int
    value: float
    analytic: float
    numeric: float
    ok: bool
    judged: bool = True

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
        """No input's gradient disagrees with a finite difference that could judge it."""
        return all(row.ok for row in self.rows)

    @property
    def judged(self) -> bool:
        """Finite differences could judge every input."""
        return all(row.judged for row in self.rows)

    def __str__(self) -> str:
        titles = ("input", 5), ("value", 12), ("analytic", 14), ("numeric", 14), ("difference", 11)
        lines = ["  ".join(f"{title:>{width}}" for title, width in titles)]
        for r in self.rows:
            mark = "  <-- cannot judge here" if not r.judged else "" if r.ok else "  <-- mismatch"
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


class GradcheckWarning(UserWarning):
    """Finite differences could not judge some input (no two step sizes agreed)."""


def gradcheck_report(
    f: Callable[..., Value],
    inputs: Sequence[Number],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> GradcheckReport:
    """Compare d f / d input_i from reverse mode with finite differences, for every i.

    `f` takes one `Value` per input and returns a `Value`. Fresh leaves are made for each
    evaluation, and no `.grad` is touched, so nothing the caller holds is changed. The
    first step is eps·max(1, |x|); smaller ones are tried where it leaves f's domain or
    undersamples f (`finite_differences.estimate`).
    """
    _check_inputs(inputs)
    check_step(eps)
    for name, tolerance in (("atol", atol), ("rtol", rtol)):
        number = isinstance(tolerance, (int, float)) and not isinstance(tolerance, bool)
        if not (number and tolerance >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {tolerance!r}")
    points = [Value(x).data for x in inputs]
    analytic = _analytic(f, points)
    rows = []
    for i, x in enumerate(points):
        found = estimate(_along(f, points, i), x, eps, rtol=rtol / 10, atol=atol / 10)
        ok = math.isclose(analytic[i], found.value, rel_tol=rtol, abs_tol=atol)
        passed = ok or not found.judged  # unjudged: nothing found against it
        rows.append(GradcheckRow(i, x, analytic[i], found.value, passed, found.judged))
    return GradcheckReport(rows, eps, atol, rtol)


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[Number],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """True when no partial derivative disagrees; otherwise raise `GradcheckError`. Inputs
    finite differences cannot judge are named in a `GradcheckWarning`."""
    report = gradcheck_report(f, inputs, eps, atol, rtol)
    if not report.ok:
        raise GradcheckError(report)
    if not report.judged:
        unjudged = [r.index for r in report.rows if not r.judged]
        warnings.warn(
            f"gradcheck cannot judge input(s) {unjudged} here: finite differences at no two "
            f"step sizes agreed\n{report}",
            GradcheckWarning,
            stacklevel=2,
        )
    return True


def _check_inputs(inputs: object) -> None:
    if isinstance(inputs, (int, float)) or not isinstance(inputs, Sequence) or not inputs:
        raise TypeError(f"inputs must be a non-empty sequence of numbers, got {inputs!r}")
    for i, x in enumerate(inputs):
        if isinstance(x, Value):
            raise TypeError(
                f"inputs[{i}] is a Value: gradcheck takes plain numbers and makes its own "
                f"Values from them (pass {x.data!r}, or x.item())"
            )


def _analytic(f: Callable[..., Value], points: list[float]) -> list[float]:
    """d f / d input_i by one reverse pass on fresh leaves (recorded even in no_grad())."""
    leaves = [Value(x) for x in points]
    out = _evaluate(f, leaves)
    return [float(g) for g in _gradients(out, leaves, create_graph=False)]


def _evaluate(f: Callable[..., Any], leaves: Sequence[Value]) -> Value:
    """f on Values, recorded as a transform records it (f may take derivatives inside)."""
    with recording.enable_grad(), recording.nested():
        result = f(*leaves)
    (out,), _ = _outputs(result, one_output=True)
    return out


def _along(f: Callable[..., Value], points: list[float], i: int) -> Callable[[float], float]:
    """f as a function of input i alone, the others held at their points."""

    def moved(x: float) -> float:
        return _evaluate(f, [Value(x if j == i else p) for j, p in enumerate(points)]).data

    return moved


# -- JAX's check_grads: forward and reverse mode along random directions, to any order --


def check_grads(
    f: Callable[..., Any],
    args: Sequence[Number],
    order: int = 2,
    modes: Sequence[str] = ("fwd", "rev"),
    atol: float | None = None,
    rtol: float | None = None,
    eps: float | None = None,
) -> None:
    """Raise AssertionError unless f's derivatives up to `order` match finite differences,
    as `jax.test_util.check_grads`. "fwd" checks `jvp` along a random direction; "rev"
    checks `vjp` with a random cotangent against the same finite difference; each order
    checks the derivative function of the order below. Defaults as JAX's for float64:
    eps 1e-4, atol = rtol = 1e-5."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be a positive int, got {order!r}")
    if isinstance(modes, str) or not set(modes) <= {"fwd", "rev"} or not modes:
        raise ValueError(f"modes must be a list of 'fwd' and/or 'rev', got {modes!r}")
    if not isinstance(args, (list, tuple)) or not args:
        raise TypeError(f"args must be a non-empty tuple or list of numbers, got {args!r}")
    step = 1e-4 if eps is None else eps
    check_step(step)
    tolerance = (1e-5 if atol is None else atol, 1e-5 if rtol is None else rtol)
    points = [Value(a).data for a in args]
    _check_grads(f, points, order, tuple(modes), step, tolerance, random.Random(0), "")


def _check_grads(
    f: Callable[..., Any],
    points: list[float],
    order: int,
    modes: tuple[str, ...],
    eps: float,
    tolerance: tuple[float, float],
    rng: random.Random,
    what: str,
) -> None:
    n = len(points)
    if "fwd" in modes:
        name = f"JVP of {what}" if what else "JVP"
        tangents = [rng.gauss(0, 1) for _ in points]
        out, tangent_out = jvp(f, points, tangents)
        expected = _numerical_jvp(f, points, tangents, eps)
        _assert_close(_flat(tangent_out), expected, tolerance, name)
        if order > 1:

            def f_jvp(*xs: Any) -> list[Any]:
                out, t_out = jvp(f, list(xs[:n]), list(xs[n:]))
                return [*_items(out), *_items(t_out)]

            _check_grads(f_jvp, points + tangents, order - 1, modes, eps, tolerance, rng, name)
    if "rev" in modes:
        name = f"VJP of {what}" if what else "VJP"
        out, vjp_fn = vjp(f, *points)
        flat_out = _flat(out)
        cotangents = [rng.gauss(0, 1) for _ in flat_out]
        tangents = [rng.gauss(0, 1) for _ in points]
        pulled = vjp_fn(cotangents[0] if not isinstance(out, (list, tuple)) else cotangents)
        numeric = _numerical_jvp(f, points, tangents, eps)
        _assert_close([_dot(pulled, tangents)], [_dot(cotangents, numeric)], tolerance, name)
        if order > 1:

            def f_vjp(*xs: Any) -> list[Any]:
                out, pull = vjp(f, *xs)
                return list(pull(out))  # the cotangent is f's own output, as in JAX

            _check_grads(f_vjp, points, order - 1, modes, eps, tolerance, rng, name)


def _numerical_jvp(
    f: Callable[..., Any], points: list[float], tangents: list[float], eps: float
) -> list[float]:
    """Each output's derivative along `tangents`, by the five-point stencil in t."""

    def outputs_at(t: float) -> list[float]:
        moved = [Value(p + t * v) for p, v in zip(points, tangents)]
        with recording.enable_grad(), recording.nested():
            result = f(*moved)
        return [out.data for out in _outputs(result, one_output=False)[0]]

    found = []
    for k in range(len(outputs_at(0.0))):
        slope = estimate(lambda t, k=k: outputs_at(t)[k], 0.0, eps)  # type: ignore[misc]
        if not slope.judged:
            raise AssertionError(
                f"check_grads cannot judge output {k} at {points}: finite differences at "
                "no two step sizes agreed"
            )
        found.append(slope.value)
    return found


def _items(x: Any) -> list[Any]:
    """A transform's result as a flat list (one output, or a list or tuple of them)."""
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _flat(x: Any) -> list[float]:
    return [number_of(i) for i in _items(x)]


def _dot(a: Sequence[Any], b: Sequence[float]) -> float:
    return math.fsum(float(x) * y for x, y in zip(_flat(list(a)), b))


def _assert_close(
    got: list[float], want: list[float], tolerance: tuple[float, float], name: str
) -> None:
    atol, rtol = tolerance
    for k, (g, w) in enumerate(zip(got, want)):
        if not math.isclose(g, w, rel_tol=rtol, abs_tol=atol):
            raise AssertionError(
                f"{name} disagrees with finite differences at output {k}: "
                f"{g!r} by automatic differentiation, {w!r} by finite differences"
            )
