"""The collapsed view: edges through labelled nodes only, each carrying the derivative
through the hidden nodes between them."""

import math

import pytest
from hypothesis import given, settings

from autograd_scalar import Graph, Value
from autograd_scalar.apps import examples
from autograd_scalar.explain.views import labelled_edges
from autograd_scalar.testing import Expression, expressions


def test_labelled_edges_carry_the_derivative_through_hidden_nodes() -> None:
    net = examples.w1_w6_network()
    g = examples.forward(net)
    edges = {
        c: {e.parent: e.local for e in into} for c, into in labelled_edges(Graph.of(g.E)).items()
    }
    assert edges[g.E] == pytest.approx({g.y: 1.05})  # through ½(t − y)²'s unlabelled nodes: y − t
    w5, w6 = net.parameters()[4:]
    assert edges[g.y] == pytest.approx({w5: 1.25, w6: 3.8, g.h[0]: 1.0, g.h[1]: 1.0})


@settings(max_examples=200)
@given(expressions(n_inputs=3, n_operations=10))
def test_labelled_view_keeps_every_derivative(expr: Expression) -> None:
    """Label a few nodes at random; the chain rule over the labelled view still gives
    d output / d input for every input, as backward() on the full graph does."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(expr.inputs)]
    out = expr.function(*leaves)
    for i, node in enumerate(out.topological_order()):
        if node.parents and i % 3 == 0:
            node.label = f"n{i}"
    graph = Graph.of(out)
    grads = {out: 1.0}
    view = labelled_edges(graph)
    for child in reversed(graph.order):
        for edge in view.get(child, []):
            grads[edge.parent] = grads.get(edge.parent, 0.0) + edge.local * grads[child]
    out.backward()
    for leaf in leaves:
        assert math.isclose(grads.get(leaf, 0.0), leaf.grad, rel_tol=1e-9, abs_tol=1e-12)
