"""Reverse mode: the chain rule applied once per edge, from the output back to the inputs.

`chain_rule` is the whole algorithm: walk a topological order backwards, so that a node's
gradient is complete (summed over all its children) before it passes it on to its parents.
Everything else here is what three callers need around it:

- `backward(graph, gradient, create_graph)` adds the pass's gradients to every `.grad`
  (what `Value.backward()` runs);
- `gradients(graph, gradient, create_graph)` returns them and leaves every `.grad` as it was
  (the functional API, paths, the adjoint trace);
- `backward_with_contributions(graph, read)` is `backward` that also hands each edge's
  contribution, in the order the pass took the edges, to `read` (the step-through trace).

A pass holds one lock from start to end, so two threads differentiating graphs that share
nodes take turns instead of mixing their sums; and if a pass fails part way (a second
derivative outside its domain, an anomaly, even a KeyboardInterrupt), every grad is put back
as it was.
"""

from __future__ import annotations

import functools
import math
import operator
import threading
from collections.abc import Callable, Iterator, Sequence
from itertools import compress
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from . import recording
from .graph import Edge, Graph
from .ops import Scalar, is_plain, number_of

if TYPE_CHECKING:
    from .value import Value

__all__ = [
    "Contribution",
    "backward",
    "backward_with_contributions",
    "chain_rule",
    "contributions",
    "edges_in_backward_order",
    "gradients",
    "local_derivatives_as_values",
]

T = TypeVar("T")


def chain_rule(order: Sequence[Value]) -> None:
    """Each edge adds local derivative × the child's grad to its parent's grad, children
    taken from the output (last in `order`) back. The output's grad is the seed.

    That is `for parent, local in zip(node.parents, node.local_grads)` for each node; nodes
    of one and two parents (nearly all) have their edges written out, because a loop over
    one or two edges costs Python more than the arithmetic it does.
    """
    for node in reversed(order):
        grad, local = node._grad, node.local_grads
        count = len(local)
        if count == 2:
            first, second = node.parents
            first._grad += local[0] * grad
            second._grad += local[1] * grad
        elif count == 1:
            node.parents[0]._grad += local[0] * grad
        else:  # a leaf (no edges), or dot and linear (many)
            for parent, each in zip(node.parents, local):
                parent._grad += each * grad


_pass_lock = threading.RLock()
"""Held for a whole pass: the pass computes in the nodes' grad slots, so passes take turns."""

F = TypeVar("F", bound=Callable[..., object])


def _one_pass_at_a_time(entry: F) -> F:
    """Run `entry` holding the pass lock (from another thread, a pass waits its turn)."""

    @functools.wraps(entry)
    def locked(*args: object, **kwargs: object) -> object:
        with _pass_lock:
            return entry(*args, **kwargs)

    return locked  # type: ignore[return-value]


@_one_pass_at_a_time
def backward(graph: Graph, gradient: Scalar = 1.0, create_graph: bool = False) -> None:
    """Add d output / d node × `gradient` to every node's `.grad`.

    With `create_graph=True` the gradients are built as `Value`s (recorded even inside
    `no_grad()`, as in PyTorch), so they can be differentiated again.
    """
    order = graph.order
    before = list(map(_grad_slot, order))
    try:
        _pass(graph, gradient, create_graph, before)
        if create_graph or not _only_floats(before):
            _add_to_grads(order, before)
        else:
            _add_float_grads(order, before)
    except BaseException:
        _put_back(order, before)
        raise


_grad_slot = operator.attrgetter("_grad")


def _only_floats(grads: list[Scalar]) -> bool:
    """Every grad is a plain float: none is a `Value` (left by `create_graph=True`), whose
    sums must be recorded."""
    return set(map(type, grads)) == {float}


def _add_float_grads(order: Sequence[Value], before: list[float]) -> None:
    """`_add_to_grads` when every grad is a float, the common case: only the nodes that held
    a gradient before the pass (a parameter's, from an earlier pass) have it added back."""
    held = compress(order, before)  # the nodes whose earlier grad is not 0
    for node, earlier in zip(held, filter(None, before)):
        node._grad += earlier


@_one_pass_at_a_time
def gradients(graph: Graph, gradient: Scalar = 1.0, create_graph: bool = False) -> list[Scalar]:
    """d output / d node × `gradient` for each node of `graph.order`; no `.grad` changes."""
    before = [node._grad for node in graph.order]
    try:
        _pass(graph, gradient, create_graph, before)
        return [node._grad for node in graph.order]
    finally:
        _put_back(graph.order, before)


@_one_pass_at_a_time
def backward_with_contributions(
    graph: Graph, read: Callable[[list[float], list[Contribution]], T]
) -> T:
    """`backward(graph)`, handing `read` the grads before it and each edge's contribution;
    returns what `read` returns. The grads change only once `read` has returned, so a
    failure in it (a KeyboardInterrupt say) leaves them as they were too."""
    order = graph.order
    before = [node._grad for node in order]
    try:
        _pass(graph, 1.0, False, before)
        shares = [node._grad for node in order]
        found = read([number_of(g) for g in before], contributions(graph, shares))
        _add_to_grads(order, before)
        return found
    except BaseException:
        _put_back(order, before)
        raise


def _pass(graph: Graph, gradient: Scalar, create_graph: bool, before: list[Scalar]) -> None:
    """This pass's own gradient of each node, left in its grad slot (the caller then adds
    the earlier grads back, or puts them back)."""
    order = graph.order
    if create_graph:
        shares = _chain_rule_as_graph(graph, gradient)
        for node, share in zip(order, shares):
            node._grad = share
    else:
        for node in order:
            node._grad = 0.0
        graph.output._grad = number_of(gradient)
        chain_rule(order)
    if recording.is_anomaly_enabled():
        _check_finite(graph, [node._grad for node in order], before)


def _chain_rule_as_graph(graph: Graph, gradient: Scalar) -> list[Scalar]:
    """The chain rule on `Value`s: local derivatives re-derived as graph nodes, so the
    gradients are differentiable. Every node reached gets a `Value` gradient."""
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
    for i, share in enumerate(shares):
        if is_plain(share) and share != 0:
            shares[i] = _constant(share)
    return shares


def _constant(number: float) -> Value:
    from .value import Value  # value.py imports this module: import at call time

    return Value(number)


def _is_exactly(x: Scalar, number: float) -> bool:
    """Whether x is that plain number (not a Value), so a node for it can be skipped."""
    return is_plain(x) and x == number


def local_derivatives_as_values(node: Value) -> tuple[Scalar, ...]:
    """The node's local derivatives as functions of its parents (differentiable)."""
    op = node.op
    assert op is not None, "a node with parents has an op"
    inputs = node.parents if node.constant is None else (*node.parents, node.constant)
    return op.derivative(*inputs, node)


def _add_to_grads(order: Sequence[Value], before: list[Scalar]) -> None:
    """Each node's grad (this pass's share) becomes its earlier grad plus the share; an
    earlier 0 is no gradient yet, so the share stays as it is (as PyTorch's first gradient
    of a tensor is the pass's own). A sum that involves a `Value` gradient is recorded, so
    it stays differentiable."""
    for node, earlier in zip(order, before):
        if type(earlier) is float and type(node._grad) is float:
            if earlier:
                node._grad += earlier
        else:
            with recording.enable_grad():
                node._grad = _sum(earlier, node._grad)


def _sum(earlier: Scalar, share: Scalar) -> Scalar:
    """earlier + share, without a node for adding a plain 0."""
    if _is_exactly(earlier, 0.0):
        return share
    return earlier if _is_exactly(share, 0.0) else earlier + share


def _put_back(order: Sequence[Value], before: list[Scalar]) -> None:
    for node, earlier in zip(order, before):
        node._grad = earlier


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


def contributions(graph: Graph, shares: Sequence[Scalar]) -> list[Contribution]:
    """Each edge in the order a pass took it, with what it added, summed as backward() sums.
    `shares` are the pass's gradients of `graph.order` (from `gradients`)."""
    share_of = dict(zip(graph.order, shares))
    running = {graph.output: number_of(share_of[graph.output])}
    found = []
    for edge in edges_in_backward_order(graph):
        upstream = number_of(share_of[edge.child])
        added = edge.local * upstream
        first = edge.parent not in running
        before = running.get(edge.parent, 0.0)
        running[edge.parent] = after = before + added
        found.append(Contribution(edge, upstream, added, before, after, first))
    return found


def _check_finite(graph: Graph, shares: list[Scalar], before: list[Scalar]) -> None:
    """Anomaly mode: name the first edge whose contribution, or whose sum, is not finite,
    or the node whose sum with its earlier grad overflows."""
    if not all(math.isfinite(number_of(s)) for s in shares):
        for c in contributions(graph, shares):
            if not (math.isfinite(c.added) and math.isfinite(c.after)):
                names, child, parent = graph.names, c.edge.child, c.edge.parent
                raise FloatingPointError(
                    f"anomaly in backward: the edge {names[child]} → {names[parent]} "
                    f"(local derivative {c.edge.local!r}, child's grad {c.upstream!r}) made "
                    f"{names[parent]}'s grad {c.after!r}"
                )
    for node, earlier, share in zip(graph.order, before, shares):
        total = number_of(earlier) + number_of(share)
        if not math.isfinite(total) and math.isfinite(number_of(earlier)):
            raise FloatingPointError(
                f"anomaly in backward: adding this pass's gradient {number_of(share)!r} to "
                f"{graph.names[node]}'s earlier grad {number_of(earlier)!r} gives {total!r}"
            )
