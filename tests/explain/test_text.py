"""The shared writers: one text table and one HTML table that escape alike, numbers as shown,
and the notation of derivatives (d for the total, ∂ for a local factor)."""

from autograd_scalar import Value
from autograd_scalar.explain.paths import compare
from autograd_scalar.explain.text import (
    fmt,
    html_table,
    latex_partial,
    latex_total,
    partial,
    tex,
    text_table,
    total,
)
from autograd_scalar.explain.wengert import adjoint_trace, primal_trace


def test_text_table_aligns_what_shows_and_strips_trailing_blanks() -> None:
    bar = "v\u0304"  # v and a combining bar: one column wide
    assert text_table(["a", "bb"], [[bar, "1"], ["long", ""]]).splitlines() == [
        "a     bb",
        f"{bar}     1",
        "long",
    ]


def test_both_tables_escape_a_nul_alike() -> None:
    text, page = text_table(["x"], [["a\x00<b"]]), html_table(["x"], [["a\x00<b"]], "t&")
    assert text.splitlines()[1] == "a\\x00<b"
    assert page == (
        "<table><caption>t&amp;</caption><thead><tr><th>x</th></tr></thead>"
        "<tbody><tr><td>a\\x00&lt;b</td></tr></tbody></table>"
    )


def test_the_primal_trace_lets_no_nul_through_in_html() -> None:
    x = Value(2.0, label="x\x00")
    y = x.log()
    for table in (primal_trace(y), adjoint_trace(y)):
        page = table._repr_html_()
        assert "\x00" not in page and "x\\x00" in page
        assert "\x00" not in str(table) and "x\\x00" in str(table)
    assert "\x00" not in compare(y, [x])._repr_html_()


def test_numbers_and_notation() -> None:
    assert fmt(0.5512499999999998) == "0.55125"
    assert total("y", "x") == "dy/dx"
    assert partial("y", "x") == "∂y/∂x" and partial("y", "x", 2) == "∂y/∂x⁽²⁾"
    assert partial("v₁", "x", 12) == "∂v₁/∂x⁽¹²⁾"
    assert latex_total("y", "x") == r"\frac{d y}{d x}"
    assert latex_partial("y", "x_{1}", 1) == r"\frac{\partial y}{\partial {x_{1}}^{(1)}}"
    assert [tex(n) for n in ("v₋₁", "v₁₂", "w5", "loss_1", "é1")] == [
        "v_{-1}",
        "v_{12}",
        "w_{5}",
        r"loss\_1",
        "é1",
    ]
