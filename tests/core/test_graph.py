"""The graph snapshot: order, positions, edges (one per use of a parent), names, forward
pushes and path counts."""

from autograd_scalar import Graph, Value
from autograd_scalar.apps import examples
from autograd_scalar.core.graph import Edge


def test_edges_of_the_small_graph() -> None:
    g = examples.small_graph()
    graph = Graph.of(g.e)
    assert graph.edges_into[g.e] == [Edge(g.e, g.c, 0, 2.0), Edge(g.e, g.d, 1, 3.0)]
    assert graph.edges_into[g.c] == [Edge(g.c, g.a, 0, 1.0), Edge(g.c, g.b, 1, 1.0)]
    assert graph.edges_into[g.d] == [Edge(g.d, g.b, 0, 1.0)]  # the constant 1 is not a node
    assert g.a not in graph.edges_into and g.b not in graph.edges_into
    assert len(graph.edges) == 5 and graph.inputs == [g.a, g.b]


def test_a_parent_used_twice_has_two_edges() -> None:
    x = Value(3.0)
    y = x * x
    assert Graph.of(y).edges == [Edge(y, x, 0, 3.0), Edge(y, x, 1, 3.0)]


def test_order_puts_parents_first_and_positions_match() -> None:
    g = examples.small_graph()
    graph = Graph.of(g.e)
    for node in graph.order:
        assert all(graph.position[p] < graph.position[node] for p in node.parents)
    assert graph.order[-1] is g.e and len(graph) == 5
    assert g.a in graph and Value(1.0) not in graph


def test_names_are_labels_or_the_surveys_numbering() -> None:
    x1, x2 = Value(2.0), Value(5.0)
    y = x1.log() + x1 * x2 - x2.sin()
    graph = Graph.of(y)
    names = [graph.names[n] for n in graph.order]
    assert sorted(names) == sorted(["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅"])
    assert graph.names[y] == "v₅" and {graph.names[x1], graph.names[x2]} == {"v₋₁", "v₀"}


def test_labels_win_and_repeated_labels_stay_unique() -> None:
    a = Value(2.0, label="a")
    b = Value(3.0, label="a")
    c = a * b
    names = Graph.of(c).names
    assert names[c] == "v₁"
    assert {names[a], names[b]} == {"a (v₋₁)", "a (v₀)"}
    assert Graph.of(a * 2).names[a] == "a"


def test_push_forward_and_count_paths() -> None:
    g = examples.small_graph()
    graph = Graph.of(g.e)
    assert graph.push_forward({g.b: 1.0})[g.e] == 5.0  # de/db, one pass from the inputs
    assert graph.count_paths(g.b) == 2 and graph.count_paths(g.a) == 1


def test_a_leaf_without_a_tangent_gets_the_float_zero() -> None:
    g = examples.small_graph()
    slope = Graph.of(g.e).push_forward({g.b: 1.0})[g.a]
    assert slope == 0.0 and type(slope) is float  # not the int sum([]) gives


def test_depending_on_keeps_what_lies_downstream() -> None:
    g = examples.small_graph()
    graph = Graph.of(g.e)
    assert graph.depending_on([g.a]) == [g.a, g.c, g.e]


def test_a_label_that_reads_as_an_automatic_name_stays_unique() -> None:
    a = Value(1.0, label="v₁")
    y = a * Value(2.0) + a
    names = list(Graph.of(y).names.values())
    assert len(set(names)) == len(names) and "v₁ (v₋₁)" in names
