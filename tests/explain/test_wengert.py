"""The primal and adjoint traces reproduce Baydin et al.'s Tables 2 and 3 row by row.

The survey's example: f(x1, x2) = ln x1 + x1·x2 − sin x2 at (2, 5). The expected numbers
are worked out by hand (to the survey's three decimals). The engine's order is depth-first
(ln x1, x1·x2, +, sin x2, −), so rows are found by what they compute, not by the survey's
v number.
"""

import math

import pytest

from autograd_scalar import Value
from autograd_scalar.apps import examples
from autograd_scalar.explain.wengert import TraceTable, adjoint_trace, primal_trace
from autograd_scalar.forms.notation import latex_bar


def survey_example(labelled: bool = False) -> tuple[Value, Value, Value]:
    x1, x2 = Value(2.0, label="x1" if labelled else ""), Value(5.0, label="x2" if labelled else "")
    return x1, x2, x1.log() + x1 * x2 - x2.sin()


def by_formula(table: TraceTable, formula: str) -> list[float]:
    return [row.value for row in table.rows if row.formula == formula]


def test_primal_trace_rows_match_the_survey() -> None:
    *_, y = survey_example()
    table = primal_trace(y)
    # survey Table 2: v₋₁ = 2, v₀ = 5, ln v₋₁ = 0.693, v₋₁ × v₀ = 10, v₁ + v₂ = 10.693,
    # sin v₀ = −0.959, y = 11.652 (the last two numbered v₃ and v₄ in the survey, v₄ and v₃ here)
    expected = {
        "v₋₁": ("input", 2.0),
        "v₀": ("input", 5.0),
        "v₁": ("log(v₋₁)", 0.693),
        "v₂": ("v₋₁ · v₀", 10.0),
        "v₃": ("v₁ + v₂", 10.693),
        "v₄": ("sin(v₀)", -0.959),
        "v₅": ("v₃ - v₄", 11.652),
    }
    assert len(table) == len(expected)
    for row in table.rows:
        formula, value = expected[row.name]
        assert row.formula == formula
        assert row.value == pytest.approx(value, abs=5e-4)


def test_adjoint_trace_rows_match_the_survey() -> None:
    *_, y = survey_example()
    table = adjoint_trace(y)
    # survey Table 3, worked by hand: ȳ = 1; through − and +: 1, −1, 1, 1;
    # v̄₋₁ = v̄₁ / v₋₁ = 0.5, then += v̄₂ v₀ = 0.5 + 5 = 5.5;
    # v̄₀ = v̄₂ v₋₁ = 2, then += v̄(sin) cos v₀ = 2 − cos 5 = 1.716
    expected = [
        ("v̄₅", "1", 1.0),
        ("v̄₃", "= ∂v₅/∂v₃ · v̄₅ = v̄₅", 1.0),
        ("v̄₄", "= ∂v₅/∂v₄ · v̄₅ = -v̄₅", -1.0),
        ("v̄₁", "= ∂v₃/∂v₁ · v̄₃ = v̄₃", 1.0),
        ("v̄₂", "= ∂v₃/∂v₂ · v̄₃ = v̄₃", 1.0),
        ("v̄₋₁", "= ∂v₁/∂v₋₁ · v̄₁ = (1 / v₋₁) · v̄₁", 0.5),
        ("v̄₋₁", "= v̄₋₁ + ∂v₂/∂v₋₁ · v̄₂ = v̄₋₁ + v₀ · v̄₂", 5.5),
        ("v̄₀", "= ∂v₂/∂v₀ · v̄₂ = v₋₁ · v̄₂", 2.0),
        ("v̄₀", "= v̄₀ + ∂v₄/∂v₀ · v̄₄ = v̄₀ + cos(v₀) · v̄₄", 1.716),
    ]
    assert [(r.name, r.formula) for r in table.rows] == [(n, f) for n, f, _ in expected]
    for row, (*_, value) in zip(table.rows, expected):
        assert row.value == pytest.approx(value, abs=5e-4)
    assert table.rows[-1].value == pytest.approx(2 - math.cos(5), rel=1e-15)


def test_labels_win_over_numbers() -> None:
    *_, y = survey_example(labelled=True)
    primal, adjoint = primal_trace(y), adjoint_trace(y)
    assert [r.name for r in primal.rows if r.formula == "input"] == ["x1", "x2"]
    assert by_formula(primal, "log(x1)") == [math.log(2)]
    finals = {r.name: r.value for r in adjoint.rows}  # the last update of each adjoint
    assert finals["x̄1"] == 5.5
    assert finals["x̄2"] == pytest.approx(1.716, abs=5e-4)


def test_adjoint_trace_leaves_grads_alone() -> None:
    x1, x2, y = survey_example()
    x1.grad = 7.0
    adjoint_trace(y)
    assert (x1.grad, x2.grad, y.grad) == (7.0, 0.0, 0.0)


def test_w1_w6_adjoint_rows_give_the_articles_gradients() -> None:
    g = examples.forward(examples.w1_w6_network())
    table = adjoint_trace(g.E)
    rows = {r.name: r for r in table.rows}
    assert rows["w̄5"].formula == "= ∂y/∂w5 · y\u0304 = h1 · y\u0304"  # ȳ: y, combining bar
    assert rows["w̄5"].value == pytest.approx(1.3125, rel=1e-12)
    assert rows["w̄6"].value == pytest.approx(3.99, rel=1e-12)
    assert len(table) == 1 + 15  # the seed, then one row per edge
    assert by_formula(primal_trace(g.E), "w1·x1 + w2·x2") == [1.25]


def test_text_html_and_latex() -> None:
    *_, y = survey_example()
    primal, adjoint = primal_trace(y), adjoint_trace(y)
    text = str(primal).splitlines()
    assert text[:3] == ["primal trace", "node  formula   value", "v₋₁   input     2"]
    assert "<td>log(v₋₁)</td>" in primal._repr_html_()
    assert r"v_{1} & \ln(v_{-1}) & 0.693147 \\" in primal._repr_latex_()
    update = (
        r"\bar{v}_{-1} & = \bar{v}_{-1} + \frac{\partial v_{2}}{\partial {v_{-1}}}"
        r" \cdot \bar{v}_{2} = \bar{v}_{-1} + v_{0} \cdot \bar{v}_{2} & 5.5"
    )
    assert update in adjoint._repr_latex_()
    assert "<td>v̄₋₁</td><td>= v̄₋₁ + ∂v₂/∂v₋₁ · v̄₂ = v̄₋₁ + v₀ · v̄₂</td><td>5.5</td>" in (
        adjoint._repr_html_()
    )


def test_latex_bar_of_any_name() -> None:
    assert latex_bar("w_{5}") == r"\bar{w}_{5}"
    assert latex_bar(r"\mathrm{loss}") == r"\overline{\mathrm{loss}}"


def test_refuses_what_is_not_a_value() -> None:
    with pytest.raises(TypeError, match="primal_trace"):
        primal_trace(3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="adjoint_trace"):
        adjoint_trace(3.0)  # type: ignore[arg-type]


def test_a_parent_used_twice_has_one_partial_per_operand() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    assert [r.formula for r in adjoint_trace(y).rows] == [
        "1",
        "= ∂y/∂x⁽¹⁾ · ȳ = x · ȳ",
        "= x̄ + ∂y/∂x⁽²⁾ · ȳ = x̄ + x · ȳ",
    ]
    latex = adjoint_trace(y)._repr_latex_()
    assert r"\frac{\partial y}{\partial {x}^{(2)}} \cdot \bar{y}" in latex


def test_p_times_q_plus_p_writes_partials_not_totals() -> None:
    p, q = Value(2.0, label="p"), Value(3.0, label="q")
    r = p * q + p
    r.label = "r"
    assert [(row.name, row.formula, row.value) for row in adjoint_trace(r).rows] == [
        ("r̄", "1", 1.0),
        ("v̄₁", "= ∂r/∂v₁ · r̄ = r̄", 1.0),
        ("p̄", "= ∂r/∂p · r̄ = r̄", 1.0),
        ("p̄", "= p̄ + ∂v₁/∂p · v̄₁ = p̄ + q · v̄₁", 4.0),
        ("q̄", "= ∂v₁/∂q · v̄₁ = p · v̄₁", 2.0),
    ]
