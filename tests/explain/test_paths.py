"""Forward mode, reverse mode and the sum over all paths agree; the path cap fires at once;
the derivations write the seed's equations with its numbers."""

import math

import pytest
from hypothesis import given, settings

from autograd_scalar import Value, forward_mode, jvp, no_grad
from autograd_scalar.apps import examples
from autograd_scalar.explain.paths import (
    TooManyPaths,
    all_paths,
    compare,
    count_paths,
    derivation,
)
from autograd_scalar.testing import Expression, expressions


def rel_close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=300)
@given(expressions(n_inputs=3, n_operations=10))
def test_three_methods_agree_on_random_graphs(expr: Expression) -> None:
    leaves = [Value(x) for x in expr.inputs]
    out = expr.function(*leaves)
    table = compare(out, leaves)
    out.backward()
    for i, leaf in enumerate(leaves):
        assert rel_close(table.forward[i], leaf.grad)
        assert rel_close(table.reverse[i], leaf.grad)
        assert rel_close(table.paths[i], leaf.grad)
        assert table.path_counts[i] == count_paths(out, leaf)


def test_forward_mode_gives_every_node_for_one_input() -> None:
    g = examples.forward(examples.w1_w6_network())
    (w1,) = [n for n in g.E.topological_order() if n.label == "w1"]
    tangents = forward_mode(g.E, w1)
    assert tangents[g.h[0]] == 1.0  # dh1/dw1 = x1
    assert tangents[g.h[1]] == 0.0
    assert rel_close(tangents[g.y], 1.0)  # dy/dw1 = w5 · x1
    assert rel_close(tangents[g.E], 1.05)


def test_small_graph_paths() -> None:
    g = examples.small_graph()
    assert [[n.label for n in p.nodes] for p in all_paths(g.e, g.a)] == [["a", "c", "e"]]
    paths = all_paths(g.e, g.b)
    assert [[n.label for n in p.nodes] for p in paths] == [["b", "c", "e"], ["b", "d", "e"]]
    assert [p.locals for p in paths] == [(1.0, 2.0), (1.0, 3.0)]
    assert sum(p.product for p in paths) == 5.0


def test_nine_paths_versus_fourteen_edges() -> None:
    x, _, z = examples.nine_paths()
    table = compare(z, [x])
    assert table.path_counts == [9] and table.edges == 14
    assert table.forward == table.reverse == table.paths == [162.0]
    assert "9 paths" in str(table)
    assert repr(table) == str(table)  # a table at the prompt, not a dataclass dump


def diamonds(n: int) -> tuple[Value, Value]:
    """n diamonds in a chain: each doubles the number of paths and adds six edges."""
    x = Value(0.1)
    node = x
    for _ in range(n):
        node = (node * 0.5).tanh() + (node * 0.25).sin()
    return x, node


def test_explosion_guard_fires_at_once() -> None:
    x, out = diamonds(60)
    assert count_paths(out, x) == 2**60
    with pytest.raises(TooManyPaths, match=r"1152921504606846976 paths .* max_paths=10000"):
        all_paths(out, x)
    x, out = diamonds(10)
    assert len(all_paths(out, x, max_paths=1024)) == 1024


def test_derivations_through_labelled_values_are_the_articles() -> None:
    net = examples.w1_w6_network()
    g = examples.forward(net)
    w = net.parameters()
    assert str(derivation(g.E, w[0], labelled=True)) == (
        "dE/dw1 = ∂E/∂y · ∂y/∂h1 · ∂h1/∂w1\n       = 1.05 · 1 · 1\n       = 1.05"
    )
    assert str(derivation(g.E, w[4], labelled=True)) == (
        "dE/dw5 = ∂E/∂y · ∂y/∂w5\n       = 1.05 · 1.25\n       = 1.3125"
    )
    latex = derivation(g.E, w[5], labelled=True)._repr_latex_()
    assert (
        latex.startswith(r"$$\frac{d E}{d w_{6}} = \frac{\partial E}{\partial {y}}")
        and "1.05 \\cdot 3.8 = 3.99" in latex
    )


def test_derivation_writes_every_local_derivative_by_default() -> None:
    net = examples.w1_w6_network()
    g = examples.forward(net)
    # E = ½·v₅, v₅ = v₄², v₄ = 4 − y: by hand ½ · 2v₄ · (−1) with v₄ = −1.05, then y = … + w5·h1
    assert str(derivation(g.E, net.parameters()[4])) == (
        "dE/dw5 = ∂E/∂v₅ · ∂v₅/∂v₄ · ∂v₄/∂y · ∂y/∂w5\n"
        "       = 0.5 · (-2.1) · (-1) · 1.25\n"
        "       = 1.3125"
    )


def test_derivation_of_baydins_example_names_the_unlabelled_nodes() -> None:
    # y = ln x1 + x1·x2 − sin x2 at (2, 5), the example of Baydin et al.'s survey:
    # v₁ = ln x1, v₂ = x1·x2, v₃ = v₁ + v₂, v₄ = sin x2, y = v₃ − v₄
    x1, x2 = Value(2.0, label="x1"), Value(5.0, label="x2")
    y = x1.log() + x1 * x2 - x2.sin()
    y.label = "y"
    assert str(derivation(y, x1)) == (
        "dy/dx1 = ∂y/∂v₃ · ∂v₃/∂v₁ · ∂v₁/∂x1 + ∂y/∂v₃ · ∂v₃/∂v₂ · ∂v₂/∂x1\n"
        "       = 1 · 1 · 0.5 + 1 · 1 · 5\n"
        "       = 0.5 + 5\n"
        "       = 5.5"
    )
    by_hand = 2.0 - math.cos(5.0)  # dy/dx2 = x1 − cos x2
    text = str(derivation(y, x2))
    assert text.splitlines()[0] == "dy/dx2 = ∂y/∂v₃ · ∂v₃/∂v₂ · ∂v₂/∂x2 + ∂y/∂v₄ · ∂v₄/∂x2"
    assert f"1 · 1 · 2 + (-1) · {math.cos(5.0):.6g}" in text
    assert text.endswith(f"= {by_hand:.6g}")
    # through labelled values only, y's one factor carries the hidden nodes: a partial
    assert str(derivation(y, x1, labelled=True)) == "dy/dx1 = ∂y/∂x1\n       = 5.5"


def test_derivation_past_the_cap_writes_some_terms_and_says_how_many_are_left() -> None:
    x = Value(1.5, label="x")
    y = x
    for _ in range(6):  # y = 2⁶·x by doubling: 2⁶ paths, each with product 1
        y = y + y
    y.label = "y"
    d = derivation(y, x, max_paths=3)
    assert d.omitted == 64 - 3 and len(d.numbers) == 3
    assert d.total == 64.0  # still the whole derivative
    text = str(d)
    assert "+ … (61 more paths not written out)" in text.splitlines()[0]
    assert text.splitlines()[-2].endswith("= 64")
    assert text.splitlines()[-1] == (
        "where u⁽ᵏ⁾ is u as the k-th operand of an op that uses u more than once"
    )
    assert r"\dots" in d._repr_latex_()


def test_derivation_of_the_small_graph_has_one_term_per_path() -> None:
    g = examples.small_graph()
    text = str(derivation(g.e, g.b))
    assert text.splitlines()[0] == "de/db = ∂e/∂c · ∂c/∂b + ∂e/∂d · ∂d/∂b"
    assert "2 · 1 + 3 · 1" in text and text.endswith("= 5")
    assert repr(derivation(g.e, g.b)) == text


def test_jvp_is_the_directional_derivative() -> None:
    value, slope = jvp(lambda x, y: x * y.sin(), [2.0, 0.5], [1.0, 3.0])
    assert rel_close(value, 2 * math.sin(0.5))
    assert rel_close(slope, math.sin(0.5) * 1.0 + 2 * math.cos(0.5) * 3.0)


def test_jvp_gives_other_leaves_a_zero_tangent_and_ignores_no_grad() -> None:
    weight = Value(2.0)  # a parameter the function closes over: not a primal
    with no_grad():
        assert jvp(lambda x: x * weight + x * Value(3.0), [1.5], [2.0]) == (7.5, 10.0)


def test_work_counts_every_chain_rule_step() -> None:
    """x * x: an edge per use of x, each carrying x; a path along each."""
    x = Value(3.0, label="x")
    y = x * x
    table = compare(y, [x])
    assert table.edges == 2 and table.path_counts == [2]
    assert [p.locals for p in all_paths(y, x)] == [(3.0,), (3.0,)]
    assert table.forward == table.reverse == table.paths == [6.0]


def test_derivation_with_respect_to_an_unlabelled_intermediate() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    m = a * b
    e = m.tanh()
    e.label = "e"
    d = derivation(e, m)
    assert rel_close(d.total, 1 - math.tanh(6.0) ** 2)
    assert d.numbers == [[d.total]] and d.symbolic == [[("e", "v₁", None)]]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: derivation(Value(1.0) * 2, Value(1.0)), ValueError, "not part of the graph"),
        (lambda: count_paths(Value(1.0), 5), TypeError, "wrt"),
        (lambda: forward_mode(3.0, Value(1.0)), TypeError, "output"),
        (lambda: all_paths(Value(1.0), "x"), TypeError, "wrt"),
        (lambda: jvp(lambda x: x, [1.0], [1.0, 2.0]), ValueError, "tangents"),
        (lambda: jvp(lambda x: "2", [1.0], [1.0]), TypeError, "f must return a Value"),
    ],
)
def test_bad_input(call, error, words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_forward_mode_from_an_intermediate_node_equals_reverse_mode() -> None:
    a, b = Value(0.3), Value(-1.2)
    h = a * b + a.sin()
    out = (h * h).exp() + h * b
    out.backward()
    assert rel_close(forward_mode(out, h)[out], h.grad)
    assert forward_mode(out, h)[a] == 0.0  # a comes before h: h does not move it


def test_a_node_outside_the_graph_is_refused_by_every_view() -> None:
    g = examples.small_graph()
    stranger = Value(1.0)
    for call in (
        lambda: all_paths(g.e, stranger),
        lambda: compare(g.e, [g.a, stranger]),
        lambda: count_paths(g.e, stranger),
        lambda: derivation(g.e, stranger),
    ):
        with pytest.raises(ValueError, match="not part of the graph"):
            call()


def test_x_times_x_has_one_partial_per_operand_and_a_total() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    d = derivation(y, x)
    assert str(d) == (
        "dy/dx = ∂y/∂x⁽¹⁾ + ∂y/∂x⁽²⁾\n"
        "      = 3 + 3\n"
        "      = 6\n"
        "where x⁽ᵏ⁾ is x as the k-th operand of y"
    )
    assert d._repr_latex_() == (
        r"$$\frac{d y}{d x} = \frac{\partial y}{\partial {x}^{(1)}}"
        r" + \frac{\partial y}{\partial {x}^{(2)}} = 3 + 3 = 6$$"
    )


def test_p_times_q_plus_p_tells_the_local_factor_from_the_total() -> None:
    p, q = Value(2.0, label="p"), Value(3.0, label="q")
    r = p * q + p
    r.label = "r"
    d = derivation(r, p)
    assert str(d) == (
        "dr/dp = ∂r/∂v₁ · ∂v₁/∂p + ∂r/∂p\n      = 1 · 3 + 1\n      = 3 + 1\n      = 4"
    )
    assert d._repr_latex_() == (
        r"$$\frac{d r}{d p} = \frac{\partial r}{\partial {v_{1}}} \frac{\partial v_{1}}"
        r"{\partial {p}} + \frac{\partial r}{\partial {p}} = 1 \cdot 3 + 1 = 4$$"
    )
