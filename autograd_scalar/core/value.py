"""`Value`: a scalar that remembers how it was computed, and `backward()`.

Every operation on `Value`s creates a new node that records its parents and the local
derivative d(node)/d(parent) for each of them, computed during the forward pass from the op
table (`ops.py`). `backward()` then applies the chain rule once per edge, in reverse
topological order (`backward.py`), which sums the products of local derivatives over every
path from the output to each node.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Iterable, Sequence
from numbers import Real
from pathlib import Path

from . import backward as reverse_mode
from . import ops, recording
from .graph import Graph, topological_order
from .ops import Number, Op
from .recording import RECORDING

_current_mode = recording.mode.get

PACKAGE = Path(__file__).resolve().parent.parent
"""The package's folder: anomaly mode reports the first frame outside it (the user's line)."""


class Value:
    """A scalar in a computation graph: its data, its grad and how it was computed."""

    __slots__ = ("data", "grad", "grad_value", "parents", "local_grads", "op", "constant", "label")

    def __init__(self, data: Number, label: str = "") -> None:
        self.data: float = _checked_number(data, "Value")
        self.grad: float = 0.0
        self.grad_value: Value | None = None
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()
        self.op: Op | None = None
        self.constant: Number | None = None
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}: {label!r}")
        self.label = label

    def __repr__(self) -> str:
        fields = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.op is not None:
            fields.append(f"op={self.op.name!r}")
        if self.label:
            fields.append(f"label={self.label!r}")
        return f"Value({', '.join(fields)})"

    # -- arithmetic: each operator picks its op from the table in ops.py --

    def __add__(self, other: Value | Number) -> Value:
        return _binary(ops.ADD, ops.ADD_NUMBER, self, other)

    __radd__ = __add__

    def __sub__(self, other: Value | Number) -> Value:
        return _binary(ops.SUB, ops.SUB_NUMBER, self, other)

    def __rsub__(self, other: Number) -> Value:
        return _with_number(ops.NUMBER_SUB, self, other)

    def __mul__(self, other: Value | Number) -> Value:
        return _binary(ops.MUL, ops.MUL_NUMBER, self, other)

    __rmul__ = __mul__

    def __truediv__(self, other: Value | Number) -> Value:
        return _binary(ops.DIV, ops.DIV_NUMBER, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return _with_number(ops.NUMBER_DIV, self, other)

    def __pow__(self, other: Value | Number) -> Value:
        return _binary(ops.POW, ops.POW_NUMBER, self, other)

    def __rpow__(self, other: Number) -> Value:
        return _with_number(ops.NUMBER_POW, self, other)

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def exp(self) -> Value:
        """e^x; d/dx = e^x. Raises OverflowError past about x = 709."""
        return _unary(ops.EXP, self)

    def log(self) -> Value:
        """Natural log, for x > 0; d/dx = 1/x."""
        return _unary(ops.LOG, self)

    def sqrt(self) -> Value:
        """√x, for x ≥ 0; d/dx = 1/(2√x), infinite at 0 (an error when recorded)."""
        return _unary(ops.SQRT, self)

    def tanh(self) -> Value:
        """tanh x; d/dx = 1 − tanh² x."""
        return _unary(ops.TANH, self)

    def sigmoid(self) -> Value:
        """σ(x) = 1 / (1 + e^−x); d/dx = σ(x)(1 − σ(x))."""
        return _unary(ops.SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x); d/dx = 1 for x > 0, else 0 (0 at the kink, as in PyTorch)."""
        return _unary(ops.RELU, self)

    def sin(self) -> Value:
        """sin x; d/dx = cos x."""
        return _unary(ops.SIN, self)

    def cos(self) -> Value:
        """cos x; d/dx = −sin x."""
        return _unary(ops.COS, self)

    def __abs__(self) -> Value:
        """|x|; d/dx = sign(x) (0 at the kink, as in PyTorch)."""
        return _unary(ops.ABS, self)

    abs = __abs__

    # -- comparisons and conversions: never graph nodes, never silent --

    def __eq__(self, other: object) -> bool:
        """`==` is identity, so `Value`s work as set members and dict keys."""
        if isinstance(other, Real):
            raise TypeError(
                f"comparing a Value with the number {other!r} is ambiguous: "
                "compare v.data instead (== between Values means 'the same node')"
            )
        return self is other

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = object.__hash__

    def __lt__(self, other: Value | Number) -> bool:
        return self.data < _data_of(other)

    def __le__(self, other: Value | Number) -> bool:
        return self.data <= _data_of(other)

    def __gt__(self, other: Value | Number) -> bool:
        return self.data > _data_of(other)

    def __ge__(self, other: Value | Number) -> bool:
        return self.data >= _data_of(other)

    def __bool__(self) -> bool:
        """`if x:` tests the data (x ≠ 0), as PyTorch does for a one-element tensor."""
        return self.data != 0

    def __float__(self) -> float:
        """Refused: `math.exp(x)` would silently cut the graph. Use `x.exp()` or `x.item()`."""
        raise TypeError(
            "a Value does not turn into a float silently: math functions would cut the graph "
            "(math.exp(x) has no derivative). Use the Value's own ops (x.exp(), x.log(), "
            "x.sin(), ...), or x.item() for the plain number"
        )

    def item(self) -> float:
        """The plain number (`data`): an explicit step out of the graph."""
        return self.data

    def detach(self) -> Value:
        """A new leaf with this value, taking no part in differentiation (as in PyTorch)."""
        return Value(self.data)

    # -- the backward pass --

    def topological_order(self) -> list[Value]:
        """Every node this value depends on, each after all of its parents; self last."""
        return topological_order(self)

    def backward(
        self, gradient: Value | Number | None = None, *, create_graph: bool = False
    ) -> None:
        """Add d(self)/d(node) × `gradient` to `node.grad` for every node self depends on.

        `gradient` is where the chain rule starts (1 by default), as in PyTorch. Grads
        accumulate across calls; `zero_grad()` resets them. With `create_graph=True` the
        gradients are also built as `Value`s (in `node.grad_value`), so they can be
        differentiated again; that backward graph is recorded even inside `no_grad()`.
        """
        if self.op is not None and not self.parents:
            raise RuntimeError(
                f"backward() on a value computed without recording the graph "
                f"(its {self.op.name} ran inside no_grad()): it has no parents to pass a "
                "gradient to"
            )
        if gradient is None:
            gradient = 1.0
        elif not isinstance(gradient, Value):
            gradient = _checked_number(gradient, "backward(gradient)")
        elif not create_graph:
            gradient = gradient.data
        reverse_mode.run(Graph.of(self), gradient, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Reset the grad of this value and of every node it depends on to 0."""
        zero_grads(topological_order(self))


def zero_grads(nodes: Iterable[Value]) -> None:
    """Set each node's grad to 0 (and drop its `grad_value`): what every zero_grad does."""
    for node in nodes:
        node.grad = 0.0
        node.grad_value = None


# -- building nodes --


def _checked_number(data: object, where: str) -> float:
    """`data` as a float, or a TypeError saying what was given and what is accepted."""
    if isinstance(data, bool) or not isinstance(data, Real):
        raise TypeError(
            f"{where} needs a real number (int or float), got {type(data).__name__}: {data!r}"
        )
    return float(data)


def _data_of(x: Value | Number) -> float:
    return x.data if isinstance(x, Value) else _checked_number(x, "comparison")


def _is_number(x: object) -> bool:
    """int or float (the common cases, checked first), or any other real number but bool."""
    kind = type(x)
    return kind is float or kind is int or (isinstance(x, Real) and kind is not bool)


def _node(
    op: Op,
    out: float,
    parents: tuple[Value, ...],
    local_grads: tuple[float, ...],
    constant: Number | None,
) -> Value:
    """A new node: its value, how it was made, and its local derivative to each parent."""
    node = Value.__new__(Value)
    node.data = out
    node.grad = 0.0
    node.grad_value = None
    node.label = ""
    node.op = op
    node.constant = constant
    node.parents = parents
    node.local_grads = local_grads
    return node


def _node_in_mode(
    op: Op, out: float, parents: tuple[Value, ...], args: tuple[float, ...], constant: Number | None
) -> Value:
    """The node as the current mode has it: no parents and no derivatives under `no_grad()`
    (its op is kept, so `backward()` can say what happened); checked under `detect_anomaly()`."""
    mode = recording.mode.get()
    if mode.grad_enabled:
        node = _node(op, out, parents, op.derivative(*args, out), constant)
    else:
        node = _node(op, out, (), (), constant)
    if mode.anomaly:
        _check_finite(node, op, args)
    return node


# The builders below are one per arity (unary, pair, with a number) rather than one generic
# function: each op of a training step goes through one of them, and calling forward and
# derivative with their arguments written out is what keeps a node cheap to make.


def _unary(op: Op, x: Value) -> Value:
    data = x.data
    out = op.forward(data)
    if _current_mode() is RECORDING:  # the common case, first and fast
        return _node(op, out, (x,), op.derivative(data, out), None)
    return _node_in_mode(op, out, (x,), (data,), None)


def _pair(op: Op, x: Value, y: Value) -> Value:
    a, b = x.data, y.data
    out = op.forward(a, b)
    if _current_mode() is RECORDING:
        return _node(op, out, (x, y), op.derivative(a, b, out), None)
    return _node_in_mode(op, out, (x, y), (a, b), None)


def _binary(op: Op, number_op: Op, x: Value, y: Value | Number) -> Value:
    if isinstance(y, Value):
        return _pair(op, x, y)
    return _with_number(number_op, x, y)


def _with_number(op: Op, x: Value, c: Number) -> Value:
    if not _is_number(c):
        return NotImplemented  # type: ignore[no-any-return]  # Python then tries the other side
    if type(c) is not int:
        c = float(c)  # Fraction, numpy scalars ...: plain float arithmetic from here on
    data = x.data
    out = op.forward(data, c)
    if _current_mode() is RECORDING:
        return _node(op, out, (x,), op.derivative(data, c, out), c)
    return _node_in_mode(op, out, (x,), (data, c), c)


def apply(op: Op, *inputs: Value, constant: Number | None = None) -> Value:
    """Apply an op (one of the table, or your own) to `Value`s, and its plain-number
    `constant` for ops that take one (`x + c`). An op of your own is checked as it runs: its
    value must be a real number and it must give one local derivative per input."""
    if not inputs or not all(isinstance(x, Value) for x in inputs):
        raise TypeError(f"apply() takes an Op and one or more Values, got {inputs!r}")
    if op.arity != ops.VARIADIC and len(inputs) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} Value input(s), got {len(inputs)}")
    if op.takes_constant != (constant is not None):
        wanted = "needs a constant" if op.takes_constant else "takes no constant"
        raise TypeError(f"{op.name} ({op.formula}) {wanted}, got constant={constant!r}")
    if constant is not None:
        if not _is_number(constant):
            raise TypeError(f"{op.name}: the constant must be a real number, got {constant!r}")
        return _with_number(op, inputs[0], constant)
    args = tuple([x.data for x in inputs])
    out = _checked_number(op.forward(*args), f"{op.name}'s forward (its value)")
    node = _node_in_mode(op, out, inputs, args, None)
    if node.parents and len(node.local_grads) != len(inputs):
        raise TypeError(
            f"{op.name}'s derivative gave {len(node.local_grads)} local derivative(s) "
            f"for {len(inputs)} input(s): one per input is needed"
        )
    return node


def _many(op: Op, inputs: tuple[Value, ...]) -> Value:
    """An op of the table on any number of inputs (dot, linear), unchecked: fast."""
    args = tuple([x.data for x in inputs])
    out = op.forward(*args)
    if _current_mode() is RECORDING:
        return _node(op, out, inputs, op.derivative(*args, out), None)
    return _node_in_mode(op, out, inputs, args, None)


def dot(
    weights: Sequence[Value], inputs: Sequence[Value | Number], bias: Value | Number | None = None
) -> Value:
    """Σ wᵢ·xᵢ (+ b) as one node: a neuron's weighted sum, one edge per weight and input.

    Plain-number inputs (and bias) become leaf `Value`s, so each is a parent of the node.
    """
    if len(weights) != len(inputs) or not weights:
        raise ValueError(
            f"dot needs as many weights as inputs, got {len(weights)} and {len(inputs)}"
        )
    if not all(isinstance(w, Value) for w in weights):
        raise TypeError(f"dot's weights must be Values, got {list(weights)!r}")
    xs = [x if isinstance(x, Value) else Value(x) for x in inputs]
    if bias is None:
        return _many(ops.DOT, (*weights, *xs))
    return _many(ops.LINEAR, (*weights, *xs, bias if isinstance(bias, Value) else Value(bias)))


# -- anomaly mode --


def _check_finite(node: Value, op: Op, inputs: tuple[float, ...]) -> None:
    numbers = (node.data, *node.local_grads)
    if all(math.isfinite(n) for n in numbers):
        return
    caller = next(
        (f for f in reversed(traceback.extract_stack()) if not _in_package(f.filename)),
        None,
    )
    where = f"{caller.filename}:{caller.lineno}" if caller else "unknown location"
    raise FloatingPointError(
        f"anomaly: {op.name} ({op.formula}) on inputs {list(inputs)} gave value {node.data!r} "
        f"and local derivatives {list(node.local_grads)}; created at {where}"
    )


def _in_package(filename: str) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(PACKAGE)
    except (OSError, ValueError):
        return False
