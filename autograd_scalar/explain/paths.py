"""Three ways to differentiate a recorded graph, side by side.

- Forward mode: pick one input; walk the graph from the inputs, each node's derivative with
  respect to that input being Σ local × the parent's. One pass per input; each edge once.
- Reverse mode: `backward()`; walk from the output; one pass gives d output / d every node.
- All paths: list every path from the input to the output; the derivative is the sum over
  paths of the product of local derivatives along each. Correct, but the number of paths
  multiplies (three paths x→y and three y→z make nine), while the two modes touch each edge
  once.

All three use the local derivatives recorded in the forward pass; none computes f again.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple

from ..core import backward as reverse_mode
from ..core.graph import Edge, Graph
from ..core.value import Value
from .text import fmt, html_table, latex_partial, latex_total, partial, tex, text_table, total
from .views import labelled_edges

__all__ = [
    "DEFAULT_MAX_PATHS",
    "Comparison",
    "Derivation",
    "Factor",
    "GraphPath",
    "TooManyPaths",
    "all_paths",
    "compare",
    "count_paths",
    "derivation",
    "paths_in",
]

DEFAULT_MAX_PATHS = 10_000


class TooManyPaths(ValueError):
    """Raised instead of enumerating more paths than the cap."""


def count_paths(output: Value, wrt: Value) -> int:
    """How many paths lead from `wrt` to `output`: cheap, by dynamic programming."""
    _check_node(output, "output")
    graph = Graph.of(output)
    _check_in(graph, wrt)
    return graph.count_paths(wrt)


@dataclass(frozen=True)
class GraphPath:
    """A path from an input to the output: its nodes and its edges, input end first."""

    nodes: tuple[Value, ...]
    edges: tuple[Edge, ...]

    @property
    def locals(self) -> tuple[float, ...]:
        """The local derivative of each edge, input end first."""
        return tuple(e.local for e in self.edges)

    @property
    def product(self) -> float:
        """The product of the local derivatives: this path's term of the chain rule."""
        return math.prod(self.locals)


def all_paths(
    output: Value, wrt: Value, max_paths: int = DEFAULT_MAX_PATHS, labelled: bool = False
) -> list[GraphPath]:
    """Every path from `wrt` to `output`, refusing (TooManyPaths) past `max_paths`.

    A parent used twice by one op (x in x * x) has an edge per use, so a path per use, as
    drawn and as `backward()` steps. With `labelled=True` the paths run through labelled
    values (and `wrt`) only, each step carrying the derivative through the hidden nodes
    between them, as the derivations in articles do.
    """
    _check_node(output, "output")
    return paths_in(Graph.of(output), wrt, max_paths, labelled)


def paths_in(
    graph: Graph, wrt: Value, max_paths: int = DEFAULT_MAX_PATHS, labelled: bool = False
) -> list[GraphPath]:
    """`all_paths` on a snapshot already taken."""
    _check_in(graph, wrt)
    edges_into = _edges(graph, wrt, labelled)
    count = graph.count_paths(wrt, edges_into)
    if count > max_paths:
        raise TooManyPaths(
            f"{count} paths lead from the input to the output, more than max_paths={max_paths}; "
            f"the graph has only {len(graph.edges)} edges, each of which forward or reverse "
            "mode visits once"
        )
    return list(_walk_paths(graph, wrt, edges_into))


def _edges(graph: Graph, wrt: Value, labelled: bool) -> dict[Value, list[Edge]]:
    """The recorded edges, or (`labelled`) the view through labelled values and `wrt` only."""
    return labelled_edges(graph, also_keep=wrt) if labelled else graph.edges_into


def _walk_paths(
    graph: Graph, wrt: Value, edges_into: dict[Value, list[Edge]]
) -> Iterator[GraphPath]:
    """The paths from `wrt` to the output one at a time, depth first, first parents first."""
    stack: list[tuple[Value, tuple[Value, ...], tuple[Edge, ...]]] = [
        (graph.output, (graph.output,), ())
    ]
    while stack:
        node, nodes, edges = stack.pop()
        if node is wrt:
            yield GraphPath(tuple(reversed(nodes)), tuple(reversed(edges)))
            continue
        for edge in reversed(edges_into.get(node, ())):
            stack.append((edge.parent, (*nodes, edge.parent), (*edges, edge)))


@dataclass(frozen=True)
class Comparison:
    """Each input's derivative by the three methods, and the work each method did."""

    names: list[str]
    forward: list[float]
    reverse: list[float]
    paths: list[float]
    path_counts: list[int]
    edges: int  # chain-rule steps of one pass: one per recorded (parent, local derivative)

    def rows(self) -> list[list[str]]:
        return [
            [name, fmt(f), fmt(r), fmt(p), str(n)]
            for name, f, r, p, n in zip(
                self.names, self.forward, self.reverse, self.paths, self.path_counts
            )
        ]

    HEADER = ["input", "forward mode", "reverse mode", "sum over paths", "paths"]

    def __str__(self) -> str:
        return "\n".join([text_table(self.HEADER, self.rows()), self._work()])

    def _work(self) -> str:
        """The work each method did, in one line."""
        total = len(self.names) * self.edges
        return (
            f"work: forward mode {len(self.names)} pass(es), {total} edge visits; "
            f"reverse mode 1 pass, {self.edges} edge visits; "
            f"all paths {sum(self.path_counts)} paths"
        )

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return f"{html_table(self.HEADER, self.rows())}<p>{html.escape(self._work())}</p>"


def compare(
    output: Value, inputs: Sequence[Value], max_paths: int = DEFAULT_MAX_PATHS
) -> Comparison:
    """Differentiate `output` with respect to each input by all three methods, on one snapshot."""
    _check_node(output, "output")
    graph = Graph.of(output)
    inputs = list(inputs)
    for x in inputs:
        _check_in(graph, x)
    reverse = _reverse_mode(graph)
    path_sums, counts = [], []
    for x in inputs:
        paths = paths_in(graph, x, max_paths)
        path_sums.append(sum(p.product for p in paths))
        counts.append(len(paths))
    return Comparison(
        names=[graph.names[x] for x in inputs],
        forward=[graph.push_forward({x: 1.0})[output] for x in inputs],
        reverse=[reverse.get(x, 0.0) for x in inputs],
        paths=path_sums,
        path_counts=counts,
        edges=len(graph.edges),
    )


def _reverse_mode(graph: Graph) -> dict[Value, float]:
    """d output / d node for every node by one backward pass; no grad is left changed."""
    shares = reverse_mode.gradients(graph)
    return dict(zip(graph.order, shares))


class Factor(NamedTuple):
    """One local factor of a path, ∂child/∂parent: the names, and which operand of the child
    the parent is (counting from 1) when the child uses it more than once, else None."""

    child: str
    parent: str
    operand: int | None = None


@dataclass(frozen=True)
class Derivation:
    """The chain rule for d output / d input written out: one product per path, their sum.

    The total derivative is written with d, each local factor with ∂ (see `text`), so
    dy/dx = ∂y/∂x⁽¹⁾ + ∂y/∂x⁽²⁾ for y = x * x never reads as dy/dx = dy/dx + dy/dx.
    `omitted` counts the paths left out past the cap; `total` is the whole derivative all
    the same (by forward mode), so it is more than the sum of the terms shown.
    """

    symbolic: list[list[Factor]]  # per path, its local factors, output end first
    numbers: list[list[float]]
    total: float
    output_name: str
    input_name: str
    omitted: int = 0

    def __str__(self) -> str:
        lhs = total(self.output_name, self.input_name)
        more = f" + … ({self.omitted} more paths not written out)" if self.omitted else ""
        sides = [
            " + ".join(" · ".join(partial(*f) for f in p) for p in self.symbolic) + more,
            " + ".join(" · ".join(_factor_text(x) for x in p) for p in self.numbers) + more,
            " + ".join(_factor_text(math.prod(p)) for p in self.numbers) + (" + …" if more else ""),
            f"{self.total:.6g}",
        ]
        lines = [lhs]  # each side once: a one-factor path needs no "= 3 = 3"
        for side in sides:
            if side and side != lines[-1].rpartition(" = ")[2]:
                lines.append(side)
        pad = " " * len(lhs)
        text = [f"{lhs if i == 0 else pad} = {side}" for i, side in enumerate(lines[1:])]
        return "\n".join(text + self._operands_note())

    def _operands_note(self) -> list[str]:
        """A line saying what x⁽¹⁾, x⁽²⁾ mean, when a factor needs them."""
        marked = {(f.parent, f.child) for p in self.symbolic for f in p if f.operand}
        if not marked:
            return []
        if len(marked) == 1:
            ((parent, child),) = marked
            return [f"where {parent}⁽ᵏ⁾ is {parent} as the k-th operand of {child}"]
        return ["where u⁽ᵏ⁾ is u as the k-th operand of an op that uses u more than once"]

    def __repr__(self) -> str:
        return str(self)

    def _repr_latex_(self) -> str:
        def factor(f: Factor) -> str:
            return latex_partial(tex(f.child), tex(f.parent), f.operand)

        lhs = latex_total(tex(self.output_name), tex(self.input_name))
        more = rf" + \dots_{{\text{{{self.omitted} more paths}}}}" if self.omitted else ""
        terms = " + ".join(" ".join(factor(f) for f in p) for p in self.symbolic) + more
        values = (
            " + ".join(r" \cdot ".join(_factor_text(x) for x in p) for p in self.numbers) + more
        )
        return f"$${lhs} = {terms} = {values} = {self.total:.6g}$$"


def _factor_text(x: float) -> str:
    """A factor as written in a sum: six significant digits, negatives in brackets."""
    return f"({x:.6g})" if x < 0 else f"{x:.6g}"


def derivation(
    output: Value, wrt: Value, max_paths: int = 20, labelled: bool = False
) -> Derivation:
    """The chain rule for d output / d wrt, term by term, with the number of every factor.

    One product of local derivatives per path from `wrt` to the output, through every node
    (unlabelled ones by their automatic names v₁, v₂, ...), and their sum. Past `max_paths`
    paths, the first `max_paths` are written out and the rest counted (the total is still
    the whole derivative). With `labelled=True` the path runs through labelled values only,
    each factor carrying the derivative through the hidden nodes between them, as articles
    write dE/dw5 = dE/dy · dy/dw5.
    """
    _check_node(output, "output")
    graph = Graph.of(output)
    _check_in(graph, wrt)
    edges_into = _edges(graph, wrt, labelled)
    count = graph.count_paths(wrt, edges_into)
    paths = list(islice(_walk_paths(graph, wrt, edges_into), max_paths))
    names = graph.names
    symbolic = [[_factor(names, edges_into, edge) for edge in reversed(p.edges)] for p in paths]
    numbers = [list(reversed(p.locals)) for p in paths]
    total = graph.push_forward({wrt: 1.0})[output] if wrt is not output else 1.0
    return Derivation(symbolic, numbers, total, names[output], names[wrt], count - len(paths))


def _factor(names: dict[Value, str], edges_into: dict[Value, list[Edge]], edge: Edge) -> Factor:
    """∂child/∂parent for one edge, its operand marked when the child uses the parent twice."""
    uses = sum(e.parent is edge.parent for e in edges_into[edge.child])
    return Factor(names[edge.child], names[edge.parent], edge.use + 1 if uses > 1 else None)


def _check_in(graph: Graph, wrt: object) -> None:
    """`wrt` must be a node of the graph: a derivative with respect to anything else is not
    0 by the graph's say, it is a question about another graph."""
    _check_node(wrt, "wrt")
    if wrt not in graph:
        raise ValueError(f"wrt is not part of the graph that computes the output: {wrt!r}")


def _check_node(node: object, what: str) -> None:
    if not isinstance(node, Value):
        raise TypeError(f"{what} must be a Value, got {type(node).__name__}")
