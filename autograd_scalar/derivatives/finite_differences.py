"""Derivatives estimated from values alone: the one finite-difference stencil of the package.

`five_point(g, x, h)` is the central difference (8(g(x + h) − g(x − h)) − (g(x + 2h) −
g(x − 2h))) / 12h, whose error shrinks as h⁴. `estimate(g, x, eps)` walks down a ladder of
steps, each a quarter of the one before, until the stencil at h and at h / 4 agree: then the
estimate can be trusted (`judged`). A step whose points leave g's domain is skipped, so a
point near a domain edge is judged with smaller steps; far from 0, where eps·|x| would
undersample g, the smaller steps are the ones that agree. Where no two steps agree, the
estimate says it cannot judge, rather than pass for a verdict. `gradcheck`, `check_grads`
and the hypothesis strategies all use it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DOMAIN_ERRORS", "Estimate", "check_step", "estimate", "five_point"]

DOMAIN_ERRORS = (ValueError, ZeroDivisionError, OverflowError)
"""What g raises at a point outside its domain: that step is skipped."""

STEPS = 16
"""How many steps the ladder tries, from eps·max(1, |x|) down by factors of 4."""


@dataclass(frozen=True)
class Estimate:
    """A derivative from finite differences: the number, the step that gave it, and whether
    two step sizes agreed on it (`judged`); unjudged, `value` is the last one found (or NaN)."""

    value: float
    step: float
    judged: bool


def five_point(g: Callable[[float], float], x: float, h: float) -> float:
    """g'(x) by the five-point central difference (error of order h⁴)."""
    near = g(x + h) - g(x - h)
    far = g(x + 2 * h) - g(x - 2 * h)
    return (8 * near - far) / (12 * h)


def estimate(
    g: Callable[[float], float], x: float, eps: float, rtol: float = 1e-5, atol: float = 1e-6
) -> Estimate:
    """g'(x) from the first two steps of the ladder that agree (within rtol and atol).

    Steps are powers of two, so x ± h and x ± 2h are exact floats and the stencil's spacing
    is the one it divides by; steps below 2¹⁶ units in the last place of x are not tried
    (rounding would swamp them).
    """
    check_step(eps)
    h = 2.0 ** round(math.log2(eps * max(1.0, abs(x))))
    floor = math.ulp(x) * 2**16
    previous: float | None = None
    last = Estimate(math.nan, h, judged=False)
    for _ in range(STEPS):
        if h < floor:
            break
        try:
            current = five_point(g, x, h)
        except DOMAIN_ERRORS:  # a point of the stencil is outside g's domain: a smaller step
            previous, h = None, h / 4
            continue
        if previous is not None and math.isclose(previous, current, rel_tol=rtol, abs_tol=atol):
            return Estimate(current, h, judged=True)
        if math.isfinite(current):
            last = Estimate(current, h, judged=False)
        previous, h = current, h / 4
    return last


def check_step(eps: object) -> None:
    """A step must be a positive, finite real number: refused by name otherwise."""
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not math.isfinite(eps):
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")
    if eps <= 0:
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")
