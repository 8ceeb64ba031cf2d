"""Property-test gradients: hypothesis strategies for random expression graphs, and
`assert_grads_close`.

Needs hypothesis (`pip install -e ".[test]"`). A property test in three lines::

    @given(expressions())
    def test_gradients(expr):
        assert_grads_close(expr.function, expr.inputs)

An `Expression` is a small DAG over the op table (`OPS`, ops registered later included):
some inputs, then operations that each apply one op to earlier nodes, so subexpressions are
shared and nodes fan out. The first operand is usually the newest node, which makes the
graphs deep (median depth about 5), and every input ends up feeding the output. Ops are
chosen knowing their operands' values, only where `op.smooth` holds (away from poles and
kinks) and the result stays below 1e4 in size, so every graph is inside every op's domain
by construction; graphs too steep for finite differences to judge (`gradcheck`'s stencil
agrees with itself at no two step sizes) are drawn again. `kinks=True` also puts inputs and
operands exactly on the kinks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from hypothesis import reject
from hypothesis import strategies as st

from .core.ops import MARGIN, OPS, VARIADIC, Number, Op
from .core.value import Value, apply
from .derivatives.finite_differences import estimate
from .derivatives.gradient_check import gradcheck

__all__ = ["Expression", "Operation", "assert_grads_close", "expressions"]

MAX_MAGNITUDE = 1e4
DEFAULT_INPUTS = st.integers(1, 3)
DEFAULT_OPERATIONS = st.integers(2, 10)
CONSTANTS = (-3, -2, -1, -0.5, 0.5, 1.5, 2, 3)
NEWEST_FIRST = 0.8  # how often the first operand is the newest node: depth over breadth


class Operation(NamedTuple):
    """One node of an expression: an op (by name), its operands (indices of earlier nodes)
    and its plain-number constant, if the op takes one."""

    op: str
    operands: tuple[int, ...]
    constant: Number | None = None


def evaluate_op(op: Op, args: Sequence[Any], constant: Number | None = None) -> Any:
    """The op on floats (its forward function) or on `Value`s (a graph node)."""
    if args and isinstance(args[0], Value):
        return apply(op, *args, constant=constant)
    return op.forward(*args) if constant is None else op.forward(*args, constant)


@dataclass(frozen=True)
class Expression:
    """A random graph: input values, then operations over earlier nodes; the last is the output."""

    inputs: tuple[float, ...]
    operations: tuple[Operation, ...]

    def evaluate(self, inputs: Sequence[Any]) -> list[Any]:
        """Every node's value from the inputs: floats give floats, `Value`s give the graph."""
        nodes = list(inputs)
        for name, operands, constant in self.operations:
            nodes.append(evaluate_op(OPS[name], [nodes[i] for i in operands], constant))
        return nodes

    def function(self, *inputs: Value) -> Value:
        """The graph's output built from `Value`s."""
        out: Value = self.evaluate(inputs)[-1]
        return out

    def depth(self) -> int:
        """The number of operations on the longest path from an input to the output."""
        depths = [0] * len(self.inputs)
        for operation in self.operations:
            depths.append(1 + max(depths[i] for i in operation.operands))
        return depths[-1]

    def __str__(self) -> str:
        """The output as one formula over x0, x1, ... (shared nodes are written out again)."""
        names = [f"x{i}" for i in range(len(self.inputs))]
        for name, operands, constant in self.operations:
            args = [names[i] for i in operands] + ([] if constant is None else [repr(constant)])
            names.append(f"{name}({', '.join(args)})")
        return names[-1]


def expressions(
    n_inputs: st.SearchStrategy[int] | int = DEFAULT_INPUTS,
    n_operations: st.SearchStrategy[int] | int = DEFAULT_OPERATIONS,
    ops: Sequence[str] | None = None,
    values: st.SearchStrategy[float] | None = None,
    kinks: bool = False,
) -> st.SearchStrategy[Expression]:
    """Random expression graphs over `ops` (default: the whole table), inside every op's domain.

    `values` draws the inputs (default: floats in [-2, 2], at least 0.01 from 0). With
    `kinks=True`, inputs are sometimes exactly on a kink, and ops with kinks (relu, abs)
    accept operands there, to test the conventions at kinks (there finite differences do
    not apply). Inputs where no op of `ops` applies are drawn again.
    """
    for name, count in (("n_inputs", n_inputs), ("n_operations", n_operations)):
        if isinstance(count, int) and count < 1:
            raise ValueError(f"{name} must be at least 1, got {count}")
    chosen = tuple(OPS) if ops is None else tuple(ops)
    unknown = set(chosen) - set(OPS)
    if unknown or not chosen:
        raise ValueError(f"unknown ops {sorted(unknown)}; choose from {sorted(OPS)}")
    if values is None:
        values = st.floats(-2, 2, allow_nan=False).filter(lambda v: abs(v) > MARGIN)
    if kinks:
        values = st.one_of(
            values, st.sampled_from(sorted({k for o in OPS.values() for k in o.kinks}))
        )
    return _expressions(n_inputs, n_operations, chosen, values, kinks)


@st.composite
def _expressions(
    draw: Callable[..., Any],
    n_inputs: st.SearchStrategy[int] | int,
    n_operations: st.SearchStrategy[int] | int,
    ops: tuple[str, ...],
    values: st.SearchStrategy[float],
    kinks: bool,
) -> Expression:
    count = n_inputs if isinstance(n_inputs, int) else draw(n_inputs)
    length = n_operations if isinstance(n_operations, int) else draw(n_operations)
    nodes: list[float] = [draw(values) for _ in range(count)]
    operations: list[Operation] = []
    for _ in range(length):
        _append(_draw_operation(draw, ops, nodes, kinks), nodes, operations)
    if not operations:  # no op of `ops` applies to these inputs: draw again
        reject()
    for unused in _unused_inputs(count, operations):
        _append(_join(draw, ops, nodes, unused), nodes, operations)
    expression = Expression(tuple(nodes[:count]), tuple(operations))
    if not kinks and not _well_conditioned(expression):
        reject()  # too steep for finite differences to check: a false alarm in waiting
    return expression


def _append(operation: Operation | None, nodes: list[float], operations: list[Operation]) -> None:
    """Add a drawn operation (None: the drawn op did not apply) and its value."""
    if operation is not None:
        args = [nodes[i] for i in operation.operands]
        nodes.append(evaluate_op(OPS[operation.op], args, operation.constant))
        operations.append(operation)


def _draw_operation(
    draw: Callable[..., Any], ops: tuple[str, ...], nodes: list[float], kinks: bool
) -> Operation | None:
    """An op and operands where it is smooth, or None when the drawn op does not apply."""
    name = draw(st.sampled_from(ops))
    op = OPS[name]
    n_args = op.arity if op.arity != VARIADIC else draw(st.integers(2, 7))
    newest = len(nodes) - 1
    first = newest if draw(st.floats(0, 1)) < NEWEST_FIRST else draw(st.integers(0, newest))
    rest = [draw(st.integers(0, newest)) for _ in range(n_args - 1)]
    constant = draw(st.sampled_from(CONSTANTS)) if op.takes_constant else None
    operation = Operation(name, (first, *rest), constant)
    return operation if _usable(operation, nodes, kinks) else None


def _join(
    draw: Callable[..., Any], ops: tuple[str, ...], nodes: list[float], unused: int
) -> Operation | None:
    """An operation of two operands joining the output so far with an unused input."""
    binary = [n for n in ops if OPS[n].arity == 2 and not OPS[n].takes_constant]
    candidates = [Operation(n, (len(nodes) - 1, unused)) for n in binary]
    usable = [c for c in candidates if _usable(c, nodes, kinks=False)]
    return draw(st.sampled_from(usable)) if usable else None


def _well_conditioned(expression: Expression) -> bool:
    """Whether finite differences can judge the graph's gradient at every input, as
    `gradcheck` judges it (`finite_differences.estimate`: two step sizes agree). Only
    forward values are used."""
    inputs = list(expression.inputs)

    def along(i: int) -> Callable[[float], float]:
        def output(x: float) -> float:
            value: float = expression.evaluate(inputs[:i] + [x] + inputs[i + 1 :])[-1]
            return value

        return output

    return all(estimate(along(i), x, 1e-6).judged for i, x in enumerate(inputs))


def _unused_inputs(count: int, operations: list[Operation]) -> list[int]:
    """The inputs the last operation does not depend on."""
    needed = {count + len(operations) - 1}
    for index in range(count + len(operations) - 1, count - 1, -1):
        if index in needed:
            needed.update(operations[index - count].operands)
    return [i for i in range(count) if i not in needed]


def _usable(operation: Operation, nodes: list[float], kinks: bool) -> bool:
    """Whether the op is smooth at these operands (or on a kink, when asked) with a bounded
    result."""
    op = OPS[operation.op]
    args = [nodes[i] for i in operation.operands]
    with_constant = args if operation.constant is None else [*args, operation.constant]
    on_kink = kinks and any(a in op.kinks for a in args)
    if not (on_kink or op.smooth(*with_constant)):
        return False
    try:
        result = evaluate_op(op, args, operation.constant)
    except (OverflowError, ValueError, ZeroDivisionError):
        return False
    return isinstance(result, float) and math.isfinite(result) and abs(result) < MAX_MAGNITUDE


def assert_grads_close(
    f: Callable[..., Value],
    inputs: Sequence[Number],
    rtol: float = 1e-4,
    atol: float = 1e-5,
    eps: float = 1e-6,
) -> None:
    """Assert that `f`'s gradient from `backward()` matches finite differences (`gradcheck`)."""
    gradcheck(f, inputs, eps=eps, atol=atol, rtol=rtol)
