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
    """Edges between kept nodes only, into each kept node with parents; `use` counts them."""
    keep = {n for n in graph.order if is_kept(graph, n, also_keep)}
    into: dict[Value, list[Edge]] = {}
    for node in graph.order:
        if node in keep and node.parents:
            through = _through_hidden(graph, node, keep)
            into[node] = [
                Edge(node, parent, use, local)
                for use, (parent, local) in enumerate(through.items())
            ]
    return into


def _through_hidden(graph: Graph, node: Value, keep: set[Value]) -> dict[Value, float]:
    """d(node)/d(k) for each kept ancestor k reached through hidden nodes only."""
    region, stack = {node}, [node]
    while stack:
        for parent in stack.pop().parents:
            if parent not in keep and parent not in region:
                region.add(parent)
                stack.append(parent)
    through: dict[Value, float] = {node: 1.0}
    found: dict[Value, float] = {}
    position = graph.position
    for inner in sorted(region, key=position.__getitem__, reverse=True):
        for parent, local in zip(inner.parents, inner.local_grads):
            target = found if parent in keep else through
            target[parent] = target.get(parent, 0.0) + local * through[inner]
    return found
