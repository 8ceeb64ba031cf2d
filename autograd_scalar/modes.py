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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .engine import Number, Value, enable_grad
from .functional import reverse_pass
from .graph import Edges, as_float, labelled_edges, node_names, recorded_edges

DEFAULT_MAX_PATHS = 10_000


class TooManyPaths(ValueError):
    """Raised instead of enumerating more paths than the cap."""


def forward_mode(output: Value, wrt: Value) -> dict[Value, float]:
    """d node / d wrt for every node of the graph, in one pass from the inputs."""
    _check_node(output, "output")
    _check_node(wrt, "wrt")
    return _push_forward(output, {wrt: 1.0})


def jvp(
    f: Callable[..., Value], primals: Sequence[Number], tangents: Sequence[Number]
) -> tuple[float, float]:
    """(f(primals), the directional derivative of f at primals along tangents), as in JAX.

    f runs once on `Value`s; the tangents are then pushed forward along the recorded local
    derivatives, like dual numbers a + b·ε carried through every op.
    """
    if len(primals) != len(tangents):
        raise ValueError(f"{len(primals)} primals but {len(tangents)} tangents")
    leaves = [Value(p) for p in primals]
    tangent = {leaf: Value(t).data for leaf, t in zip(leaves, tangents)}
    with enable_grad():  # the recorded local derivatives are the whole method
        out = f(*leaves)
    _check_node(out, "f's result")
    return out.data, _push_forward(out, tangent)[out]


def _push_forward(output: Value, seeds: dict[Value, float]) -> dict[Value, float]:
    """Every node's tangent, from the inputs on: a seeded node takes its seed, any other is
    Σ local × its parent's tangent (so leaves without a seed, such as constants, have 0)."""
    tangents: dict[Value, float] = {}
    for node in output.topological_order():
        if node in seeds:
            tangents[node] = seeds[node]
        else:
            tangents[node] = sum(
                as_float(local) * tangents[parent]
                for parent, local in zip(node.parents, node.local_grads)
            )
    return tangents


def count_paths(output: Value, wrt: Value, edges: Edges | None = None) -> int:
    """How many paths lead from `wrt` to `output`: cheap, by dynamic programming."""
    _check_node(output, "output")
    _check_node(wrt, "wrt")
    edges = recorded_edges(output) if edges is None else edges
    counts: dict[Value, int] = {}
    for node in output.topological_order():
        counts[node] = 1 if node is wrt else sum(counts[p] for p, _ in edges.get(node, ()))
    return counts[output]


@dataclass(frozen=True)
class Path:
    """A path from an input to the output: its nodes (input first) and local derivatives."""

    nodes: tuple[Value, ...]
    locals: tuple[float, ...]

    @property
    def product(self) -> float:
        result = 1.0
        for local in self.locals:
            result *= local
        return result


def all_paths(
    output: Value, wrt: Value, max_paths: int = DEFAULT_MAX_PATHS, labelled: bool = False
) -> list[Path]:
    """Every path from `wrt` to `output`, refusing (TooManyPaths) past `max_paths`.

    A parent used twice by one op (x in x * x) has an edge per use, so a path per use, as
    drawn and as `backward()` steps. With `labelled=True` the paths run through labelled values (and
    `wrt`) only, each step carrying the derivative through the hidden nodes between them, as
    the derivations in articles do.
    """
    _check_node(output, "output")
    _check_node(wrt, "wrt")
    edges = labelled_edges(output, also_keep=wrt) if labelled else recorded_edges(output)
    count = count_paths(output, wrt, edges)
    if count > max_paths:
        raise TooManyPaths(
            f"{count} paths lead from the input to the output, more than max_paths={max_paths}; "
            f"the graph has only {sum(len(p) for p in edges.values())} edges, each of which "
            "forward or reverse mode visits once"
        )
    paths: list[Path] = []
    stack = [(output, (output,), ())]
    while stack:
        node, nodes, locals_ = stack.pop()
        if node is wrt:
            paths.append(Path(tuple(reversed(nodes)), tuple(reversed(locals_))))
            continue
        for parent, local in reversed(edges.get(node, ())):
            stack.append((parent, (*nodes, parent), (*locals_, local)))
    return paths


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
            [name, f"{f:.6g}", f"{r:.6g}", f"{p:.6g}", str(n)]
            for name, f, r, p, n in zip(
                self.names, self.forward, self.reverse, self.paths, self.path_counts
            )
        ]

    HEADER = ["input", "forward mode", "reverse mode", "sum over paths", "paths"]

    def __str__(self) -> str:
        rows = [self.HEADER, *self.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEADER))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        total = len(self.names) * self.edges
        lines.append(
            f"work: forward mode {len(self.names)} pass(es), {total} edge visits; "
            f"reverse mode 1 pass, {self.edges} edge visits; "
            f"all paths {sum(self.path_counts)} paths"
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.HEADER)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in self.rows()
        )
        summary = html.escape(str(self).splitlines()[-1])
        return f"<table><tr>{head}</tr>{body}</table><p>{summary}</p>"


def compare(output: Value, inputs: Sequence[Value], max_paths: int = DEFAULT_MAX_PATHS):
    """Differentiate `output` with respect to each input by all three methods."""
    _check_node(output, "output")
    order = output.topological_order()
    reverse = reverse_pass(output)
    names = node_names(order)
    path_sums, counts = [], []
    for x in inputs:
        paths = all_paths(output, x, max_paths)
        path_sums.append(sum(p.product for p in paths))
        counts.append(len(paths))
    return Comparison(
        names=[names.get(x, "?") for x in inputs],
        forward=[forward_mode(output, x)[output] for x in inputs],
        reverse=[as_float(reverse.get(x, 0.0)) for x in inputs],
        paths=path_sums,
        path_counts=counts,
        edges=sum(len(node.parents) for node in order),
    )


@dataclass(frozen=True)
class Derivation:
    """The chain rule for d output / d input written out: one product per path, their sum."""

    symbolic: list[list[tuple[str, str]]]  # per path, the (numerator, denominator) factors
    numbers: list[list[float]]
    total: float
    output_name: str
    input_name: str

    def __str__(self) -> str:
        lhs = f"d{self.output_name}/d{self.input_name}"
        terms = " + ".join(" · ".join(f"d{a}/d{b}" for a, b in p) for p in self.symbolic)
        values = " + ".join(" · ".join(f"{x:.6g}" for x in p) for p in self.numbers)
        return f"{lhs} = {terms}\n{' ' * len(lhs)} = {values}\n{' ' * len(lhs)} = {self.total:.6g}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_latex_(self) -> str:
        def frac(a: str, b: str) -> str:
            return rf"\frac{{\partial {_tex(a)}}}{{\partial {_tex(b)}}}"

        lhs = frac(self.output_name, self.input_name)
        terms = " + ".join(" ".join(frac(a, b) for a, b in p) for p in self.symbolic)
        values = " + ".join(r" \cdot ".join(f"{x:.6g}" for x in p) for p in self.numbers)
        return f"$${lhs} = {terms} = {values} = {self.total:.6g}$$"


def derivation(output: Value, wrt: Value, max_paths: int = 100) -> Derivation:
    """The chain rule term by term through labelled values, with their numbers.

    Unlabelled intermediate nodes are folded into the step between labelled ones (as
    articles write dE/dy without naming ½(t − y)²'s inner nodes).
    """
    order = output.topological_order()
    if wrt not in set(order):
        raise ValueError(f"wrt is not part of the graph that computes the output: {wrt!r}")
    paths = all_paths(output, wrt, max_paths, labelled=True)
    names = node_names(order)
    symbolic = [
        [(names[p.nodes[i + 1]], names[p.nodes[i]]) for i in reversed(range(len(p.locals)))]
        for p in paths
    ]
    numbers = [list(reversed(p.locals)) for p in paths]
    total = sum(p.product for p in paths)
    return Derivation(symbolic, numbers, total, names[output], names[wrt])


def _tex(name: str) -> str:
    """A node name as LaTeX: w1 → w_{1}, '#3 *' → \\#3."""
    if name[:1].isalpha() and name[1:].isdigit():
        return f"{name[0]}_{{{name[1:]}}}"
    return name.replace("#", r"\#").replace("*", r"\ast").replace(" ", r"\,")


def _check_node(node: object, what: str) -> None:
    if not isinstance(node, Value):
        raise TypeError(f"{what} must be a Value, got {type(node).__name__}")
