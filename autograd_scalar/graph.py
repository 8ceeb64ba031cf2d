"""Views of a recorded graph shared by drawing, tracing and the three modes of differentiation:
its edges with their local derivatives, the same edges seen through labelled nodes only, and
readable names for nodes."""

from __future__ import annotations

from .engine import Value

Edges = dict[Value, list[tuple[Value, float]]]
"""child -> [(parent, d(child)/d(parent)), ...], one pair per edge, for nodes with parents."""


def as_float(x: float | Value) -> float:
    """A local derivative as a float (under create_graph it may be a `Value`)."""
    return x.data if isinstance(x, Value) else float(x)


def recorded_edges(output: Value) -> Edges:
    """Every edge of the graph with the local derivative recorded in the forward pass.

    A parent used twice by one op (x in x * x) has two edges, one per use, each with its own
    local derivative (x), just as `backward()` takes them.
    """
    return {
        node: [(parent, as_float(local)) for parent, local in zip(node.parents, node.local_grads)]
        for node in output.topological_order()
        if node.parents
    }


def _is_kept(node: Value, output: Value, also_keep: Value | None = None) -> bool:
    """Labelled values, inputs (leaves), the output and `also_keep` stay in the labelled view."""
    return bool(node.label) or not node.parents or node is output or node is also_keep


def labelled_edges(output: Value, also_keep: Value | None = None) -> Edges:
    """Edges between kept nodes only, each carrying the derivative through hidden nodes.

    The derivative of a kept node with respect to a kept ancestor sums, over the paths that
    pass through unlabelled nodes only, the products of local derivatives. Every path of the
    full graph splits into such segments, so sums over paths are unchanged.
    """
    order = output.topological_order()
    position = {node: i for i, node in enumerate(order)}
    keep = {n for n in order if _is_kept(n, output, also_keep)}
    return {
        n: list(_through_hidden(n, keep, position).items())
        for n in order
        if n in keep and n.parents
    }


def _through_hidden(node: Value, keep: set[Value], position: dict[Value, int]) -> dict:
    """d(node)/d(k) for each kept ancestor k reached through unlabelled nodes only."""
    region, stack = {node}, [node]
    while stack:
        for parent in stack.pop().parents:
            if parent not in keep and parent not in region:
                region.add(parent)
                stack.append(parent)
    through: dict[Value, float] = {node: 1.0}
    found: dict[Value, float] = {}
    for inner in sorted(region, key=position.__getitem__, reverse=True):
        for parent, local in zip(inner.parents, inner.local_grads):
            target = found if parent in keep else through
            target[parent] = target.get(parent, 0.0) + as_float(local) * through[inner]
    return found


def node_names(order: list[Value]) -> dict[Value, str]:
    """Each node's label, or its op and position for unlabelled ones (e.g. '#3 *')."""
    return {
        node: node.label or (f"#{i} {node.op.name}" if node.op else f"#{i}")
        for i, node in enumerate(order)
    }
