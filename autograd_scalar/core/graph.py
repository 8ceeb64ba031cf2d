"""A snapshot of a recorded graph, taken once and read by every view of it.

`Graph.of(output)` orders the nodes that `output` depends on (each after its parents) and,
when asked, lists the edges with their local derivatives and gives every node one name.
`backward`, the functional API, forward mode, paths, the trace and the drawing all read
this one snapshot instead of walking the graph on their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .value import Value

__all__ = ["Edge", "Graph", "topological_order"]

SUBSCRIPTS = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")


def topological_order(output: Value, reading: bool = False) -> list[Value]:
    """Every node `output` depends on, each after all of its parents; `output` last.

    Depth-first with an explicit stack instead of recursion, so a chain of a million ops
    needs no deep Python call stack. A node is pushed, then a marker, then its parents above
    them; when the marker comes back to the top, its parents are done and it joins the
    order. The last parent pushed is explored first, so walking this order backwards (as
    `backward()` does) reaches a node's first parent first. `reading=True` explores the first
    parent first instead: the order in which the expression reads (x1 before x2), which
    names and drawings use. (The stack's and the set's methods are named once, outside the
    loop: looking them up at every edge would cost a quarter of the walk.)
    """
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Value | None] = [output]
    pop, push, push_all, visit, done = stack.pop, stack.append, stack.extend, seen.add, order.append
    while stack:
        node = pop()
        if node is None:  # the marker under which a node's parents were pushed: all done
            done(pop())  # type: ignore[arg-type]
        elif node not in seen:
            visit(node)
            parents = node.parents
            if parents:
                push(node)
                push(None)
                push_all(parents[::-1] if reading else parents)
            else:
                done(node)  # a leaf is done at once
    return order


class Edge(NamedTuple):
    """One use of a parent by a child, with d(child)/d(parent) for that use.

    `use` is the parent's position among the child's parents: `x * x` has two edges from x,
    uses 0 and 1, each with local derivative x.
    """

    child: Value
    parent: Value
    use: int
    local: float


class Graph:
    """The nodes that `output` depends on, in topological order, and what views need of them.

    `order` is the order `backward()` walks from its end; `reading_order` has the same nodes
    as the expression reads, for names and drawings. The rest is computed when first asked.
    """

    def __init__(self, output: Value, order: list[Value]) -> None:
        self.output = output
        self.order = order

    @classmethod
    def of(cls, output: Value) -> Graph:
        """The snapshot of the graph that ends at `output`."""
        return cls(output, topological_order(output))

    def __len__(self) -> int:
        return len(self.order)

    def __contains__(self, node: object) -> bool:
        return node in self.position

    @cached_property
    def position(self) -> dict[Value, int]:
        """Each node's index in `order`."""
        return {node: i for i, node in enumerate(self.order)}

    @cached_property
    def edges(self) -> list[Edge]:
        """Every edge, children in topological order, each child's uses in order."""
        return [
            Edge(child, parent, use, local)
            for child in self.order
            for use, (parent, local) in enumerate(zip(child.parents, child.local_grads))
        ]

    @cached_property
    def edges_into(self) -> dict[Value, list[Edge]]:
        """The edges from each node's parents into it (nodes with parents only)."""
        into: dict[Value, list[Edge]] = {}
        for edge in self.edges:
            into.setdefault(edge.child, []).append(edge)
        return into

    @cached_property
    def reading_order(self) -> list[Value]:
        """The same nodes in the order the expression reads: x1 before x2, w1 before w2."""
        position = self.position
        return [n for n in topological_order(self.output, reading=True) if n in position]

    @cached_property
    def reading_position(self) -> dict[Value, int]:
        """Each node's index in `reading_order`."""
        return {node: i for i, node in enumerate(self.reading_order)}

    @cached_property
    def inputs(self) -> list[Value]:
        """The leaves: nodes with no parents, in reading order."""
        return [node for node in self.reading_order if not node.parents]

    @cached_property
    def numbers(self) -> dict[Value, int]:
        """Each node's number in Baydin et al.'s notation, in reading order: the n leaves
        1 − n … 0, the other nodes 1 … k."""
        numbers: dict[Value, int] = {}
        leaf, inner = 1 - len(self.inputs), 1
        for node in self.reading_order:
            if node.parents:
                numbers[node], inner = inner, inner + 1
            else:
                numbers[node], leaf = leaf, leaf + 1
        return numbers

    @cached_property
    def names(self) -> dict[Value, str]:
        """One name per node: its label, else `vₖ` with its number (see `numbers`).

        A label used by more than one node, or that reads as a vₖ, gets the node's own vₖ
        after it, so names stay unique.
        """
        numbers = self.numbers
        automatic = {_number_name(n) for n in numbers.values()}
        counts: dict[str, int] = {}
        for node in self.order:
            counts[node.label] = counts.get(node.label, 0) + 1
        return {
            node: _name(
                node.label, counts[node.label] > 1 or node.label in automatic, numbers[node]
            )
            for node in self.reading_order
        }

    def depending_on(self, sources: Iterable[Value]) -> list[Value]:
        """The nodes of `order` that are a source or depend on one, in order."""
        reached = set(sources)
        for node in self.order:
            if node not in reached and any(p in reached for p in node.parents):
                reached.add(node)
        return [node for node in self.order if node in reached]

    def push_forward(self, tangents: dict[Value, float]) -> dict[Value, float]:
        """Forward mode: every node's tangent d node / dt from the inputs' tangents.

        A node given a tangent keeps it; any other is Σ local × its parent's tangent, so
        leaves with none (constants) have 0. One pass, each edge once.
        """
        pushed: dict[Value, float] = {}
        for node in self.order:
            if node in tangents:
                pushed[node] = tangents[node]
            else:
                pushed[node] = sum(  # start at 0.0: a constant's tangent is the float 0.0
                    (
                        local * pushed[parent]
                        for parent, local in zip(node.parents, node.local_grads)
                    ),
                    0.0,
                )
        return pushed

    def count_paths(self, wrt: Value, edges_into: dict[Value, list[Edge]] | None = None) -> int:
        """How many paths lead from `wrt` to the output: by dynamic programming, cheaply.

        `edges_into` counts along other edges (a collapsed view) instead of the recorded ones.
        """
        edges_into = self.edges_into if edges_into is None else edges_into
        counts: dict[Value, int] = {}
        for node in self.order:
            if node is wrt:
                counts[node] = 1
            else:
                counts[node] = sum(counts.get(e.parent, 0) for e in edges_into.get(node, ()))
        return counts[self.output]


def _number_name(number: int) -> str:
    return "v" + str(number).translate(SUBSCRIPTS)


def _name(label: str, ambiguous: bool, number: int) -> str:
    """The label, else vₖ; a label that another node also has, or that reads as some node's
    vₖ, gets this node's vₖ after it."""
    v = _number_name(number)
    if not label:
        return v
    return f"{label} ({v})" if ambiguous else label
