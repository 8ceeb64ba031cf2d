"""Collapsed views of a graph: some nodes kept, joined by edges that carry the derivative
through the hidden nodes between them.

- `labelled_edges`: the labelled values, the inputs and the output;
- `neuron_edges`: one node per neuron (a weighted sum Σ wᵢ·xᵢ + b and the activation applied
  to it), the data inputs and the output; weights and biases fold into the neurons;
- `layers`: the neurons grouped by the inputs they share, one group per layer.

The derivative of a kept node with respect to a kept ancestor sums, over the paths that pass
through hidden nodes only, the products of local derivatives. Every path of the full graph
from a kept node splits into such segments, so sums over paths are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.graph import Edge, Graph
from ..core.ops import WEIGHTED_SUMS
from ..core.value import Value

__all__ = [
    "NeuronView",
    "collapsed_edges",
    "is_kept",
    "labelled_edges",
    "layers",
    "neuron_edges",
    "neurons",
]


def is_kept(graph: Graph, node: Value, also_keep: Value | None = None) -> bool:
    """Labelled values, inputs (leaves), the output and `also_keep` stay in the view."""
    return bool(node.label) or not node.parents or node is graph.output or node is also_keep


def labelled_edges(graph: Graph, also_keep: Value | None = None) -> dict[Value, list[Edge]]:
    """Edges between kept nodes only, into each kept node with parents; `use` counts them."""
    return collapsed_edges(graph, {n for n in graph.order if is_kept(graph, n, also_keep)})


def collapsed_edges(graph: Graph, keep: set[Value]) -> dict[Value, list[Edge]]:
    """Edges between the nodes of `keep`, each carrying the derivative through hidden nodes
    (hidden leaves simply drop out); into each kept node with parents, `use` counting them.

    One pass in order, forward mode with a tangent per kept node: each hidden node holds
    d(node)/d(k) for the kept nodes k it is reached from through hidden nodes only, summed
    over those paths; a kept node starts afresh, with d(k)/d(k) = 1.
    """
    through: dict[Value, dict[Value, float]] = {}
    into: dict[Value, list[Edge]] = {}
    for node in graph.order:
        reached: dict[Value, float] = {}
        for edge in graph.edges_into.get(node, ()):
            for kept, slope in through[edge.parent].items():
                reached[kept] = reached.get(kept, 0.0) + edge.local * slope
        if node in keep:
            if node.parents:
                parents = sorted(reached, key=graph.reading_position.__getitem__)
                into[node] = [
                    Edge(node, parent, use, reached[parent]) for use, parent in enumerate(parents)
                ]
            reached = {node: 1.0}
        through[node] = reached
    return into


@dataclass(frozen=True)
class NeuronView:
    """A neuron found in a recorded graph: activation(Σ wᵢ·xᵢ + b), or the sum alone."""

    total: Value
    output: Value
    weights: tuple[Value, ...]
    bias: Value | None
    inputs: tuple[Value, ...]


def neurons(graph: Graph) -> list[NeuronView]:
    """Every weighted sum of the graph with the activation that alone uses it, in order."""
    users: dict[Value, list[Value]] = {}
    for edge in graph.edges:
        users.setdefault(edge.parent, []).append(edge.child)
    found = []
    for node in graph.reading_order:
        if node.op is None or node.op.name not in WEIGHTED_SUMS:
            continue
        n = len(node.parents) // 2
        after = users.get(node, [])
        activated = len(after) == 1 and _is_activation_of(after[0], node)
        bias = node.parents[-1] if node.op.name == "linear" else None
        found.append(
            NeuronView(
                node,
                after[0] if activated else node,
                node.parents[:n],
                bias,
                node.parents[n : 2 * n],
            )
        )
    return found


def _is_activation_of(node: Value, total: Value) -> bool:
    return node.op is not None and node.op.activation and node.parents == (total,)


def neuron_edges(graph: Graph, found: list[NeuronView]) -> dict[Value, list[Edge]]:
    """The neuron view: edges between neuron outputs, data inputs and the output.

    Weights and biases that are leaves drop out (they belong to their neuron); every other
    leaf is a data input and stays.
    """
    parameters = {p for n in found for p in (*n.weights, n.bias) if p is not None}
    keep = {n.output for n in found} | {graph.output}
    keep |= {leaf for leaf in graph.inputs if leaf not in parameters}
    return collapsed_edges(graph, keep)


def layers(found: list[NeuronView]) -> list[list[NeuronView]]:
    """The neurons grouped by the inputs they share (one group per layer), in order."""
    groups: dict[tuple[Value, ...], list[NeuronView]] = {}
    for neuron in found:
        groups.setdefault(neuron.inputs, []).append(neuron)
    return list(groups.values())
