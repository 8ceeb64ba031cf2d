"""The shared views of a graph: recorded edges (one per use of a parent), edges through
labelled nodes only (derivatives through the hidden ones), and node names."""

import math

import pytest
from hypothesis import given, settings

from autograd_scalar import Value, examples
from autograd_scalar.functional import reverse_pass
from autograd_scalar.graph import labelled_edges, node_names, recorded_edges
from autograd_scalar.testing import Expression, expressions


def test_recorded_edges_of_the_small_graph() -> None:
    g = examples.small_graph()
    edges = recorded_edges(g.e)
    assert edges[g.e] == [(g.c, 2.0), (g.d, 3.0)]  # de/dc = d, de/dd = c
    assert edges[g.c] == [(g.a, 1.0), (g.b, 1.0)]
    assert edges[g.d] == [(g.b, 1.0)]  # the constant 1 is not a node
    assert g.a not in edges and g.b not in edges  # leaves have no parents


def test_a_parent_used_twice_has_two_edges() -> None:
    x = Value(3.0)
    y = x * x
    assert recorded_edges(y) == {y: [(x, 3.0), (x, 3.0)]}


def test_labelled_edges_carry_the_derivative_through_hidden_nodes() -> None:
    net = examples.w1_w6_network()
    g = examples.forward(net)
    edges = dict((child, dict(pairs)) for child, pairs in labelled_edges(g.E).items())
    assert edges[g.E] == pytest.approx({g.y: 1.05})  # through ½(t − y)²'s unlabelled nodes: y − t
    w5, w6 = net.parameters()[4:]
    assert edges[g.y] == pytest.approx({w5: 1.25, w6: 3.8, g.h[0]: 1.0, g.h[1]: 1.0})


@settings(max_examples=200)
@given(expressions(n_inputs=3, n_steps=10))
def test_labelled_view_keeps_every_derivative(expr: Expression) -> None:
    """Label a few nodes at random; the chain rule over the labelled view still gives
    d output / d input for every input, as the full graph does."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(expr.inputs)]
    out = expr.function(*leaves)
    for i, node in enumerate(out.topological_order()):
        if node.parents and i % 3 == 0:
            node.label = f"n{i}"
    full = reverse_pass(out)
    grads = {out: 1.0}
    for child in reversed(out.topological_order()):
        for parent, local in labelled_edges(out).get(child, []):
            grads[parent] = grads.get(parent, 0.0) + local * grads[child]
    for leaf in leaves:
        want = full.get(leaf, 0.0)
        assert math.isclose(grads.get(leaf, 0.0), want, rel_tol=1e-9, abs_tol=1e-12)


def test_node_names_use_labels_or_position_and_op() -> None:
    a = Value(2.0, label="a")
    b = a * 3
    c = b + a
    names = node_names(c.topological_order())
    assert names == {a: "a", b: "#1 *", c: "#2 +"}
