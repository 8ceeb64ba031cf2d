"""The one finite-difference stencil: its accuracy, its step ladder, and what it refuses."""

import math

import pytest

from autograd_scalar.derivatives.finite_differences import check_step, estimate, five_point


def test_the_five_point_stencil_is_exact_on_quartics() -> None:
    """Its error is of order h⁴ with the fifth derivative: 0 for a polynomial of degree 4."""
    g = lambda x: 3 * x**4 - x**3 + 2 * x  # noqa: E731
    assert five_point(g, 0.5, 2.0**-10) == pytest.approx(12 * 0.5**3 - 3 * 0.5**2 + 2, rel=1e-9)


def test_a_smooth_function_is_judged_by_the_first_two_steps() -> None:
    found = estimate(math.sin, 1.0, 1e-6)
    assert found.judged and found.step == 2.0**-22  # 1e-6 rounded to 2⁻²⁰, then a quarter
    assert found.value == pytest.approx(math.cos(1.0), rel=1e-9)


def test_a_domain_edge_shrinks_the_step() -> None:
    found = estimate(math.log, 1e-8, 1e-6)
    assert found.judged and 4 * found.step < 1e-8
    assert found.value == pytest.approx(1e8, rel=1e-6)


def test_an_unresolvable_function_is_not_judged() -> None:
    found = estimate(lambda x: math.sin(x * 1e12), 1.0, 1e-6)
    assert not found.judged


def test_the_steps_are_powers_of_two() -> None:
    """So x ± h and x ± 2h are exact floats and the stencil divides by its own spacing."""
    for x in (1e9, 3.7, 1e-3):
        step = estimate(math.sin, x, 1e-6).step
        assert math.log2(step).is_integer()


@pytest.mark.parametrize("eps", [0, -1.0, math.nan, math.inf, True, None])
def test_a_bad_step_is_refused(eps) -> None:
    with pytest.raises(ValueError, match="eps must be a positive finite number"):
        check_step(eps)
