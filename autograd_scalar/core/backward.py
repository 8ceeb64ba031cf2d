"""Reverse mode: the chain rule applied once per edge, from the output back to the inputs.

Two loops, both over a `Graph` snapshot in reverse topological order, so a node's gradient
is complete (summed over all its children) before it is passed on to its parents:

- `_accumulate` works on floats, in each node's `grad` slot: the fast loop behind
  `backward()`;
- `_accumulate_as_graph` builds the gradients as `Value`s from the local derivative rules, so
  they can be differentiated again (`create_graph=True`).

`run` does the bookkeeping around them, once for every caller (`backward`, the functional
API, the trace): it sets earlier grads aside, seeds the output, runs the loop, and either
adds this pass's gradients to the earlier ones or puts the earlier ones back. If anything
fails part way, even a KeyboardInterrupt, every grad is put back as it was.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from . import recording
from .graph import Edge, Graph
from .ops import Scalar, is_plain

if TYPE_CHECKING:
    from .value import Value


@dataclass(frozen=True)
class Pass:
    """One backward pass: the grads before it and its own share, node by node in graph order.

    `shares[i]` is d output / d `graph.order[i]` (times the starting gradient); it is a
    `Value` for the nodes a `create_graph` pass reached. Empty unless asked for (`run`).
    """

    graph: Graph
    before: list[float]
    shares: list[Scalar]


def run(
    graph: Graph,
    gradient: Scalar = 1.0,
    create_graph: bool = False,
    accumulate: bool = True,
    want_shares: bool = False,
) -> Pass:
    """Backpropagate `gradient` from the output; add the result to `.grad` (`accumulate`).

    With `accumulate=False` no grad is left changed: the pass's gradients are only returned. With
    `create_graph=True` the gradients are built as `Value`s (recorded even inside
    `no_grad()`, as in PyTorch); `.grad` gets their numbers and `.grad_value` the `Value`s.
    The returned `Pass` holds this pass's own gradients when they were computed apart
    (`create_graph`, `accumulate=False`) or asked for (`want_shares`); else `shares` is empty.
    """
    order = graph.order
    before = [node.grad for node in order]
    # grad_value is kept in step with grad; until a create_graph pass has made one, there is
    # none to keep, and the float pass skips that work
    graph_grads = create_graph or _graph_grads_made
    before_values = [node.grad_value for node in order] if graph_grads else None
    anomaly = recording.is_anomaly_enabled()
    shares: list[Scalar] = []
    try:
        if create_graph:
            shares = _accumulate_as_graph(graph, gradient)
        else:
            _accumulate_floats(graph, gradient)
            if want_shares or not accumulate or graph_grads or anomaly:
                shares = [node.grad for node in order]
        if anomaly:
            _check_finite(graph, shares)
        if not accumulate:
            _put_back(order, before)
        elif before_values is not None:
            with recording.enable_grad():  # the sums with earlier grads stay differentiable
                _add_to_grads(order, before, before_values, shares, create_graph)
        else:
            for node, earlier in zip(order, before):
                node.grad += earlier
        return Pass(graph, before, shares)  # inside the try: even this line can be undone
    except BaseException:
        _put_back(order, before, before_values)
        raise


_graph_grads_made = False
"""Whether any create_graph pass has stored a `grad_value` yet (in any thread)."""


def _accumulate_floats(graph: Graph, gradient: Scalar) -> None:
    """This pass's gradients, computed in the `grad` slots (which the caller puts right)."""
    order = graph.order
    for node in order:
        node.grad = 0.0
    graph.output.grad = _number(gradient)
    _accumulate(order)


def _accumulate(order: Sequence[Value]) -> None:
    """The chain rule on floats: each edge adds local derivative × the child's grad."""
    for node in reversed(order):
        grad = node.grad
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * grad


def _accumulate_as_graph(graph: Graph, gradient: Scalar) -> list[Scalar]:
    """The chain rule on `Value`s: local derivatives re-derived as graph nodes, so the
    gradients are differentiable. No `grad` slot is touched."""
    position = graph.position
    shares: list[Scalar] = [0.0] * len(graph.order)
    shares[-1] = gradient
    with recording.enable_grad():
        for i in reversed(range(len(graph.order))):
            node, grad = graph.order[i], shares[i]
            if not node.parents or _is_exactly(grad, 0.0):
                continue
            for parent, local in zip(node.parents, local_derivatives_as_values(node)):
                j = position.get(parent)
                if j is None:  # outside the part of the graph asked for
                    continue
                added = local if _is_exactly(grad, 1.0) else local * grad
                shares[j] = added if _is_exactly(shares[j], 0.0) else shares[j] + added
    return shares


def _is_exactly(x: Scalar, number: float) -> bool:
    """Whether x is that plain number (not a Value), so a node for it can be skipped."""
    return is_plain(x) and x == number


def local_derivatives_as_values(node: Value) -> tuple[Scalar, ...]:
    """The node's local derivatives as functions of its parents (differentiable)."""
    op = node.op
    assert op is not None, "a node with parents has an op"
    inputs = node.parents if node.constant is None else (*node.parents, node.constant)
    return op.derivative(*inputs, node)


def _add_to_grads(
    order: Sequence[Value],
    before: list[float],
    before_values: list[Value | None],
    shares: list[Scalar],
    create_graph: bool,
) -> None:
    """Add each share to `grad`, and to `grad_value`, the same gradient as a `Value`: a
    create_graph pass gives every node it reaches one (a plain-number share as a constant
    leaf); a float pass adds its number to those that have one."""
    from .value import Value  # value.py imports this module: import at call time

    global _graph_grads_made
    _graph_grads_made = True
    for node, earlier, earlier_value, share in zip(order, before, before_values, shares):
        plain = is_plain(share)
        node.grad = earlier + (share if plain else share.data)
        if plain and share == 0:
            continue
        if earlier_value is not None:
            node.grad_value = earlier_value + share
        elif not plain:
            node.grad_value = share + earlier if earlier else share
        elif create_graph:
            node.grad_value = Value(earlier + share)  # a constant: it depends on nothing


def _put_back(
    order: Sequence[Value], before: list[float], before_values: list[Value | None] | None = None
) -> None:
    for node, earlier in zip(order, before):
        node.grad = earlier
    if before_values is not None:
        for node, earlier_value in zip(order, before_values):
            node.grad_value = earlier_value


def edges_in_backward_order(graph: Graph) -> Iterator[Edge]:
    """The edges in the order `backward()` takes them: children from the output back, each
    child's parents first to last. The trace, anomaly mode and the adjoint program follow it."""
    into = graph.edges_into
    for child in reversed(graph.order):
        yield from into.get(child, ())


class Contribution(NamedTuple):
    """One edge of a pass: the child's grad (`upstream`), the amount the edge added (local ×
    upstream), and this pass's share of the parent's grad before and after it (`first`: the
    parent's first edge)."""

    edge: Edge
    upstream: float
    added: float
    before: float
    after: float
    first: bool


def contributions(backward_pass: Pass) -> list[Contribution]:
    """Each edge in the order the pass took it, with what it added, summed as backward() sums."""
    graph, shares = backward_pass.graph, backward_pass.shares
    share_of = dict(zip(graph.order, shares))
    running = {graph.output: _number(share_of[graph.output])}
    found = []
    for edge in edges_in_backward_order(graph):
        upstream = _number(share_of[edge.child])
        added = edge.local * upstream
        first = edge.parent not in running
        before = running.get(edge.parent, 0.0)
        running[edge.parent] = after = before + added
        found.append(Contribution(edge, upstream, added, before, after, first))
    return found


def _check_finite(graph: Graph, shares: list[Scalar]) -> None:
    """Anomaly mode: name the first edge whose contribution, or whose sum, is not finite."""
    if all(math.isfinite(_number(s)) for s in shares):
        return
    for c in contributions(Pass(graph, [0.0] * len(shares), shares)):
        if not (math.isfinite(c.added) and math.isfinite(c.after)):
            names, child, parent = graph.names, c.edge.child, c.edge.parent
            raise FloatingPointError(
                f"anomaly in backward: the edge {names[child]} → {names[parent]} "
                f"(local derivative {c.edge.local!r}, child's grad {c.upstream!r}) made "
                f"{names[parent]}'s grad {c.after!r}"
            )


def _number(x: Scalar) -> float:
    return float(x) if is_plain(x) else float(x.data)
