"""Property-test gradients: hypothesis strategies for random expression graphs, and
`assert_grads_close`.

Needs hypothesis (`pip install -e ".[test]"`). A property test in three lines::

    @given(expressions())
    def test_gradients(expr):
        assert_grads_close(expr.function, expr.inputs)

An `Expression` is a small DAG: some input variables, then steps that each apply one op to
earlier nodes (inputs or steps), so subexpressions are shared and nodes fan out. The ops are
chosen while the graph is drawn, knowing the operands' values, and only where the op is
defined and smooth: log and sqrt of values > 0.01, division by values away from 0, relu and
abs away from their kink at 0, exp of moderate values, and no result larger than 1e4. So every
generated graph is inside every op's domain by construction, nothing is filtered away.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hypothesis import reject
from hypothesis import strategies as st

from .engine import Number, Value
from .gradient_check import gradcheck

MAX_MAGNITUDE = 1e4
MARGIN = 0.01  # distance kept from singularities and kinks
DEFAULT_INPUTS = st.integers(1, 3)
DEFAULT_STEPS = st.integers(1, 8)


@dataclass(frozen=True)
class OpSpec:
    """An op of the generated graphs: its arity, its formula over a math namespace, its domain."""

    arity: int
    apply: Callable
    defined: Callable[..., bool]


def _smooth_everywhere(*_: float) -> bool:
    return True


OPS: dict[str, OpSpec] = {
    "add": OpSpec(2, lambda m, a, b: a + b, _smooth_everywhere),
    "sub": OpSpec(2, lambda m, a, b: a - b, _smooth_everywhere),
    "mul": OpSpec(2, lambda m, a, b: a * b, _smooth_everywhere),
    "div": OpSpec(2, lambda m, a, b: a / b, lambda a, b: abs(b) > 0.1),
    "pow": OpSpec(2, lambda m, a, b: a**b, lambda a, b: a > 0.1 and abs(b) < 4),
    "square": OpSpec(1, lambda m, a: a**2, _smooth_everywhere),
    "cube": OpSpec(1, lambda m, a: a**3, _smooth_everywhere),
    "reciprocal": OpSpec(1, lambda m, a: 1 / a, lambda a: abs(a) > 0.1),
    "scale": OpSpec(1, lambda m, a: 2.5 * a - 1, _smooth_everywhere),
    "neg": OpSpec(1, lambda m, a: -a, _smooth_everywhere),
    "exp": OpSpec(1, lambda m, a: m.exp(a), lambda a: a < 8),
    "log": OpSpec(1, lambda m, a: m.log(a), lambda a: a > MARGIN),
    "sqrt": OpSpec(1, lambda m, a: m.sqrt(a), lambda a: a > MARGIN),
    "tanh": OpSpec(1, lambda m, a: m.tanh(a), _smooth_everywhere),
    "sigmoid": OpSpec(1, lambda m, a: m.sigmoid(a), _smooth_everywhere),
    "relu": OpSpec(1, lambda m, a: m.relu(a), lambda a: abs(a) > MARGIN),
    "sin": OpSpec(1, lambda m, a: m.sin(a), _smooth_everywhere),
    "cos": OpSpec(1, lambda m, a: m.cos(a), _smooth_everywhere),
    "abs": OpSpec(1, lambda m, a: m.abs(a), lambda a: abs(a) > MARGIN),
    "two_pow": OpSpec(1, lambda m, a: 2**a, lambda a: a < 10),
}


class FloatMath:
    """The ops on plain floats, for evaluating a generated graph without the engine."""

    exp, log, sqrt, tanh, sin, cos, abs = (
        math.exp,
        math.log,
        math.sqrt,
        math.tanh,
        math.sin,
        math.cos,
        abs,
    )

    @staticmethod
    def sigmoid(a: float) -> float:
        return 1 / (1 + math.exp(-a))

    @staticmethod
    def relu(a: float) -> float:
        return max(a, 0.0)


class ValueMath:
    """The ops on `Value`s."""

    exp, log, sqrt, tanh, sigmoid, relu, sin, cos, abs = (
        Value.exp,
        Value.log,
        Value.sqrt,
        Value.tanh,
        Value.sigmoid,
        Value.relu,
        Value.sin,
        Value.cos,
        Value.abs,
    )


@dataclass(frozen=True)
class Expression:
    """A random graph: input values and steps (op name, operand indices) over earlier nodes."""

    inputs: tuple[float, ...]
    steps: tuple[tuple[str, tuple[int, ...]], ...]

    def evaluate(self, inputs: Sequence, math_ns=FloatMath) -> list:
        """Every node's value, given the inputs, computed with the ops of `math_ns`."""
        nodes = list(inputs)
        for name, operands in self.steps:
            nodes.append(OPS[name].apply(math_ns, *(nodes[i] for i in operands)))
        return nodes

    def function(self, *inputs: Value) -> Value:
        """The graph's output built from `Value`s (the last step)."""
        return self.evaluate(inputs, ValueMath)[-1]

    def __str__(self) -> str:
        """The output as one formula over x0, x1, ... (shared nodes are written out again)."""
        names = [f"x{i}" for i in range(len(self.inputs))]
        for name, operands in self.steps:
            args = ", ".join(names[i] for i in operands)
            names.append(f"{name}({args})")
        return names[-1]


def expressions(
    n_inputs: st.SearchStrategy[int] | int = DEFAULT_INPUTS,
    n_steps: st.SearchStrategy[int] | int = DEFAULT_STEPS,
    ops: Sequence[str] = tuple(OPS),
    values: st.SearchStrategy[float] | None = None,
) -> st.SearchStrategy[Expression]:
    """Random expression graphs over `ops`, inside every op's domain by construction.

    `values` draws the inputs (default: floats in [-2, 2], at least 0.01 from 0). Every graph
    has at least one step; inputs where no op of `ops` applies are drawn again.
    """
    for name, count in (("n_inputs", n_inputs), ("n_steps", n_steps)):
        if isinstance(count, int) and count < 1:
            raise ValueError(f"{name} must be at least 1, got {count}")
    unknown = set(ops) - set(OPS)
    if unknown or not ops:
        raise ValueError(f"unknown ops {sorted(unknown)}; choose from {sorted(OPS)}")
    if values is None:
        values = st.floats(-2, 2, allow_nan=False).filter(lambda v: abs(v) > MARGIN)
    return _expressions(n_inputs, n_steps, tuple(ops), values)


@st.composite
def _expressions(draw, n_inputs, n_steps, ops, values) -> Expression:
    count = n_inputs if isinstance(n_inputs, int) else draw(n_inputs)
    length = n_steps if isinstance(n_steps, int) else draw(n_steps)
    nodes = [draw(values) for _ in range(count)]
    inputs = tuple(nodes)
    steps = []
    for _ in range(length):
        operands = draw(st.tuples(*(st.integers(0, len(nodes) - 1) for _ in range(2))))
        usable = [name for name in ops if _usable(name, [nodes[i] for i in operands])]
        if not usable:
            continue
        name = draw(st.sampled_from(usable))
        used = operands[: OPS[name].arity]
        nodes.append(OPS[name].apply(FloatMath, *(nodes[i] for i in used)))
        steps.append((name, used))
    if not steps:  # no op of `ops` applies to these inputs: draw again
        reject()
    return Expression(inputs, tuple(steps))


def _usable(name: str, operands: list[float]) -> bool:
    """Whether op `name` is defined and smooth at these operands, with a bounded result."""
    spec = OPS[name]
    args = operands[: spec.arity]
    if not spec.defined(*args):
        return False
    try:
        result = spec.apply(FloatMath, *args)
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
    """Assert that `f`'s gradient from reverse mode matches finite differences (`gradcheck`)."""
    gradcheck(f, inputs, eps=eps, atol=atol, rtol=rtol)
