"""The collapsed view of a graph: only the labelled values, the inputs and the output, joined
by edges that carry the derivative through the hidden nodes between them.

The derivative of a kept node with respect to a kept ancestor sums, over the paths that pass
through hidden nodes only, the products of local derivatives. Every path of the full graph
splits into such segments, so sums over paths are unchanged.
"""

from __future__ import annotations

from ..core.graph import Edge, Graph
from ..core.value import Value


def is_kept(graph: Graph, node: Value, also_keep: Value | None = None) -> bool:
    """Labelled values, inputs (leaves), the output and `also_keep` stay in the view."""
    return bool(node.label) or not node.parents or node is graph.output or node is also_keep


def labelled_edges(graph: Graph, also_keep: Value | None = None) -> dict[Value, list[Edge]]:
    """Edges between kept nodes only, into each kept node with parents; `use` counts them.

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
        if is_kept(graph, node, also_keep):
            if node.parents:
                into[node] = [
                    Edge(node, kept, use, slope)
                    for use, (kept, slope) in enumerate(reached.items())
                ]
            reached = {node: 1.0}
        through[node] = reached
    return into
