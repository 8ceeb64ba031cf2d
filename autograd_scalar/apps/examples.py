"""The worked examples of the source articles, computed by the engine (nothing typed in).

- `w1_w6_network()`: a 2 -> 2 -> 1 network without biases or activations, inputs
  x1 = 1, x2 = 0.5, target t = 4, weights w1..w6 = 0.5, 1.5, 2.3, 3, 1, 1, loss
  E = ½(t − y)², one step of gradient descent with η = 0.1.
- `small_graph()`: e = (a + b)(b + 1) at a = 2, b = 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.value import Value
from ..nn import MLP

INPUTS = (1.0, 0.5)
TARGET = 4.0
WEIGHTS = (0.5, 1.5, 2.3, 3.0, 1.0, 1.0)
LEARNING_RATE = 0.1


@dataclass
class ForwardPass:
    """The values of one forward pass through the w1–w6 network, kept as graph nodes."""

    x: list[Value]
    h: list[Value]
    y: Value
    E: Value


@dataclass
class WorkedExample:
    """Everything the w1–w6 example computes: before, gradients, after one step."""

    network: MLP
    weights: list[Value]
    before: ForwardPass
    gradients: list[float]
    learning_rate: float
    updated_weights: list[float]
    after: ForwardPass


def w1_w6_network(weights: Sequence[float] = WEIGHTS) -> MLP:
    """The article's 2 -> 2 -> 1 network (no biases, no activations), weights labelled w1..w6."""
    net = MLP(2, [2, 1], activation="linear", bias=False)
    w1, w2, w3, w4, w5, w6 = weights
    net.set_weights([[[w1, w2], [w3, w4]], [[w5, w6]]])
    for i, w in enumerate(net.parameters(), start=1):
        w.label = f"w{i}"
    return net


def forward(net: MLP, inputs: Sequence[float] = INPUTS, target: float = TARGET) -> ForwardPass:
    """x -> h1, h2 -> y -> E = ½(t − y)², with every node labelled as in the article."""
    x = [Value(v, label=f"x{i}") for i, v in enumerate(inputs, start=1)]
    h = net.layers[0](x)
    for i, node in enumerate(h, start=1):
        node.label = f"h{i}"
    y = net.layers[1](h)[0]
    y.label = "y"
    E = 0.5 * (target - y) ** 2
    E.label = "E"
    return ForwardPass(x, h, y, E)


def run_w1_w6(learning_rate: float = LEARNING_RATE) -> WorkedExample:
    """Forward, backward, one gradient-descent step w ← w − η·dE/dw, and forward again."""
    net = w1_w6_network()
    weights = net.parameters()
    before = forward(net)
    before.E.backward()
    gradients = [w.grad for w in weights]
    updated = [w.data - learning_rate * w.grad for w in weights]
    after = forward(w1_w6_network(updated))
    return WorkedExample(net, weights, before, gradients, learning_rate, updated, after)


@dataclass
class SmallGraph:
    """e = (a + b)(b + 1) with c = a + b and d = b + 1, after backward."""

    a: Value
    b: Value
    c: Value
    d: Value
    e: Value


def small_graph(a: float = 2.0, b: float = 1.0) -> SmallGraph:
    """Build e = (a + b)(b + 1), label every node, and run backward."""
    va, vb = Value(a, label="a"), Value(b, label="b")
    c = va + vb
    c.label = "c"
    d = vb + 1
    d.label = "d"
    e = c * d
    e.label = "e"
    e.backward()
    return SmallGraph(va, vb, c, d, e)


def nine_paths(x: float = 1.0) -> tuple[Value, Value, Value]:
    """Three paths from x to y and three from y to z: nine paths from x to z.

    y = 2x + 3x + 4x and z = 5y + 6y + 7y, so dz/dx = (5 + 6 + 7)(2 + 3 + 4) = 162, the sum
    of nine products; forward or reverse mode visits each of the 14 edges once.
    """
    vx = Value(x, label="x")
    y = vx * 2 + vx * 3 + vx * 4
    y.label = "y"
    z = y * 5 + y * 6 + y * 7
    z.label = "z"
    return vx, y, z


def _row(cells: Sequence[object], widths: list[int]) -> str:
    return "  ".join(
        f"{c:<{w}}" if isinstance(c, str) else f"{c:<{w}.6g}" for c, w in zip(cells, widths)
    ).rstrip()


def _table(header: list[str], rows: list[list[object]]) -> str:
    """A plain-text table: numbers to six significant digits, columns aligned."""
    widths = [max(len(h), 9) for h in header]
    return "\n".join([_row(header, widths), *(_row(r, widths) for r in rows)])


def format_w1_w6(result: WorkedExample) -> str:
    """The worked example as a readable plain-text table."""
    b, a = result.before, result.after
    weight_rows = [
        [w.label, w.data, g, new]
        for w, g, new in zip(result.weights, result.gradients, result.updated_weights)
    ]
    return "\n".join(
        [
            "The w1–w6 network: x1 = 1, x2 = 0.5, target t = 4, E = ½(t − y)², η = "
            f"{result.learning_rate:g}",
            "",
            _table(
                ["forward", "h1", "h2", "y", "E"],
                [
                    ["before", b.h[0].data, b.h[1].data, b.y.data, b.E.data],
                    ["after", a.h[0].data, a.h[1].data, a.y.data, a.E.data],
                ],
            ),
            "",
            _table(["weight", "value", "dE/dw", "w − η·dE/dw"], weight_rows),
        ]
    )


def format_small_graph(g: SmallGraph) -> str:
    """The small graph's values and gradients as a plain-text table."""
    rows = [[n.label, n.data, n.grad] for n in (g.a, g.b, g.c, g.d, g.e)]
    return "\n".join(
        [
            "The small graph: c = a + b, d = b + 1, e = c·d",
            "",
            _table(["node", "value", "de/dnode"], rows),
        ]
    )
