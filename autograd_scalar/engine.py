"""The engine: a scalar `Value` that remembers how it was computed, and `backward()`.

Every operation on `Value`s creates a new node that records its parents and the local
derivative d(node)/d(parent) for each of them, computed during the forward pass. `backward()`
then applies the chain rule once per edge, in reverse topological order, which sums the
products of local derivatives over every path from the output to each node.
"""

from __future__ import annotations

import math
import operator
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from numbers import Real
from typing import NamedTuple

Number = int | float
"""A plain Python number: it mixes with `Value`s but never becomes a graph node."""

_grad_enabled = True
_anomaly_mode = False


class Op(NamedTuple):
    """One operation: how to compute it and its local derivative to each `Value` input.

    `derivative(*inputs, out)` returns d(out)/d(input) for each `Value` input; `inputs`
    include the op's plain-number constant `c` (if any) last. It uses only ordinary
    arithmetic and the module-level functions below, so the same rule runs on floats in
    the forward pass and on `Value`s for gradients of gradients.
    """

    name: str
    formula: str
    forward: Callable[..., float]
    derivative: Callable[..., tuple]


class Value:
    """A scalar in a computation graph: its data, its grad and how it was computed."""

    __slots__ = ("data", "grad", "parents", "local_grads", "op", "constant", "label")

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = _checked_number(data, "Value")
        self.grad: float | Value = 0.0
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple = ()
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

    # -- arithmetic: each dunder picks the op from the table at the end of this module --

    def __add__(self, other: Value | Number) -> Value:
        return _binary(ADD, ADD_NUMBER, self, other)

    __radd__ = __add__

    def __sub__(self, other: Value | Number) -> Value:
        return _binary(SUB, SUB_NUMBER, self, other)

    def __rsub__(self, other: Number) -> Value:
        return _with_number(NUMBER_SUB, self, other)

    def __mul__(self, other: Value | Number) -> Value:
        return _binary(MUL, MUL_NUMBER, self, other)

    __rmul__ = __mul__

    def __truediv__(self, other: Value | Number) -> Value:
        return _binary(DIV, DIV_NUMBER, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return _with_number(NUMBER_DIV, self, other)

    def __pow__(self, other: Value | Number) -> Value:
        return _binary(POW, POW_NUMBER, self, other)

    def __rpow__(self, other: Number) -> Value:
        return _with_number(NUMBER_POW, self, other)

    def __neg__(self) -> Value:
        return _unary(NEG, self)

    def __pos__(self) -> Value:
        return self

    def exp(self) -> Value:
        """e^x; d/dx = e^x. Raises OverflowError past about x = 709."""
        return _unary(EXP, self)

    def log(self) -> Value:
        """Natural log, for x > 0; d/dx = 1/x."""
        return _unary(LOG, self)

    def sqrt(self) -> Value:
        """√x, for x > 0 (the slope 1/(2√x) is infinite at 0)."""
        return _unary(SQRT, self)

    def tanh(self) -> Value:
        """tanh x; d/dx = 1 − tanh² x."""
        return _unary(TANH, self)

    def sigmoid(self) -> Value:
        """σ(x) = 1 / (1 + e^−x); d/dx = σ(x)(1 − σ(x))."""
        return _unary(SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x); d/dx = 1 for x > 0, else 0 (0 at the kink, as in PyTorch)."""
        return _unary(RELU, self)

    def sin(self) -> Value:
        """sin x; d/dx = cos x."""
        return _unary(SIN, self)

    def cos(self) -> Value:
        """cos x; d/dx = −sin x."""
        return _unary(COS, self)

    def __abs__(self) -> Value:
        """|x|; d/dx = sign(x) (0 at the kink, as in PyTorch)."""
        return _unary(ABS, self)

    abs = __abs__

    # -- comparisons: never graph nodes --

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

    def __float__(self) -> float:
        return float(self.data)

    # -- the backward pass --

    def topological_order(self) -> list[Value]:
        """Every node this value depends on, each after all of its parents; self last.

        Depth-first with an explicit stack instead of recursion, so a chain of a million
        ops needs no deep Python call stack. A node is pushed, then its parents above it;
        when it comes back to the top, its parents are done and it joins the order.
        """
        order: list[Value] = []
        expanded: set[Value] = set()
        done: set[Value] = set()
        stack = [self]
        while stack:
            node = stack.pop()
            if node in done:
                continue
            if node in expanded:
                done.add(node)
                order.append(node)
                continue
            expanded.add(node)
            stack.append(node)
            stack.extend(node.parents)
        return order

    def backward(self, create_graph: bool = False) -> None:
        """Add d(self)/d(node) to `node.grad` for every node that self depends on.

        Reverse topological order guarantees a node's grad is complete (summed over all its
        children) before it is passed on to its parents. Grads accumulate across calls, as
        in PyTorch; `zero_grad()` resets them. With `create_graph=True` the grads are
        themselves `Value`s built from the local derivatives, so they can be differentiated.
        """
        order = self.topological_order()
        earlier = [node.grad for node in order]
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        propagate = _propagate_as_graph if create_graph else _propagate
        try:
            propagate(order)
        except BaseException:  # e.g. a second derivative outside its domain: undo, re-raise
            for node, grad in zip(order, earlier):
                node.grad = grad
            raise
        for node, grad in zip(order, earlier):
            node.grad = grad + node.grad

    def zero_grad(self) -> None:
        """Reset the grad of this value and of every node it depends on to 0."""
        for node in self.topological_order():
            node.grad = 0.0


def _propagate(order: list[Value]) -> None:
    """The chain rule on floats: each edge adds local derivative × the child's grad."""
    for node in reversed(order):
        grad = node.grad
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * grad


def _propagate_as_graph(order: list[Value]) -> None:
    """The chain rule on `Value`s: the local derivatives are re-derived as graph nodes."""
    for node in reversed(order):
        if node.op is None:
            continue
        for parent, local in zip(node.parents, local_derivatives_as_values(node)):
            parent.grad = parent.grad + local * node.grad


def local_derivatives_as_values(node: Value) -> tuple:
    """The node's local derivatives as functions of its parents (differentiable)."""
    inputs = node.parents if node.constant is None else (*node.parents, node.constant)
    return node.op.derivative(*inputs, node)


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


def _node(op: Op, data: float, parents: tuple, local_grads: tuple, constant=None) -> Value:
    """A new graph node (or a plain leaf under `no_grad()`)."""
    node = Value.__new__(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    if _grad_enabled:
        node.parents = parents
        node.local_grads = local_grads
        node.op = op
        node.constant = constant
    else:
        node.parents = node.local_grads = ()
        node.op = node.constant = None
    if _anomaly_mode:
        _check_finite(node, op, parents, constant)
    return node


def _unary(op: Op, x: Value) -> Value:
    out = op.forward(x.data)
    return _node(op, out, (x,), op.derivative(x.data, out))


def _pair(op: Op, x: Value, y: Value) -> Value:
    out = op.forward(x.data, y.data)
    return _node(op, out, (x, y), op.derivative(x.data, y.data, out))


def _binary(op: Op, number_op: Op, x: Value, y: Value | Number) -> Value:
    if isinstance(y, Value):
        return _pair(op, x, y)
    return _with_number(number_op, x, y)


def _with_number(op: Op, x: Value, c: Number) -> Value:
    if not _is_number(c):
        return NotImplemented
    if type(c) is not int:
        c = float(c)  # Fraction, numpy scalars ...: plain float arithmetic from here on
    out = op.forward(x.data, c)
    return _node(op, out, (x,), op.derivative(x.data, c, out), c)


def apply(op: Op, *inputs: Value) -> Value:
    """Apply an op (one of the table below, or your own) to any number of `Value`s."""
    if not inputs or not all(isinstance(x, Value) for x in inputs):
        raise TypeError(f"apply() takes an Op and one or more Values, got {inputs!r}")
    data = [x.data for x in inputs]
    out = op.forward(*data)
    return _node(op, out, inputs, op.derivative(*data, out))


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
    xs = [x if isinstance(x, Value) else Value(x) for x in inputs]
    if bias is None:
        return apply(DOT, *weights, *xs)
    return apply(LINEAR, *weights, *xs, bias if isinstance(bias, Value) else Value(bias))


# -- functions that work on floats and on Values alike (used by the derivative rules) --


def exp(x: Value | float) -> Value | float:
    return x.exp() if isinstance(x, Value) else math.exp(x)


def log(x: Value | float) -> Value | float:
    return x.log() if isinstance(x, Value) else math.log(x)


def sin(x: Value | float) -> Value | float:
    return x.sin() if isinstance(x, Value) else _periodic(math.sin, x)


def cos(x: Value | float) -> Value | float:
    return x.cos() if isinstance(x, Value) else _periodic(math.cos, x)


def step(x: Value | float) -> float:
    """1 where x > 0, else 0: the derivative of relu (0 at the kink, as in PyTorch)."""
    return 1.0 if x > 0 else 0.0


def sign(x: Value | float) -> float:
    """-1, 0 or 1: the derivative of abs (0 at the kink, as in PyTorch)."""
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


# -- forward values with their domains (a failed op raises before any node exists) --


def _divide(x: float, y: float) -> float:
    if y == 0:
        raise ZeroDivisionError(f"division by zero: {x!r} / 0")
    return x / y


def _power(x: float, c: Number) -> float:
    if x == 0 and c < 0:
        raise ZeroDivisionError(f"pow: 0 ** {c!r} is undefined (division by zero)")
    if x == 0 and 0 < c < 1:
        raise ValueError(f"pow: the derivative of x ** {c!r} is infinite at x = 0")
    if x < 0 and not (isinstance(c, int) or c.is_integer()):
        raise ValueError(f"pow: {x!r} ** {c!r} is not real (a negative base needs a whole power)")
    return _overflow_checked("pow", lambda: x**c, f"{x!r} ** {c!r}")


def _positive_base_power(x: float, y: float) -> float:
    if x <= 0:
        raise ValueError(f"pow: a Value exponent needs a positive base, got base {x!r}")
    return _overflow_checked("pow", lambda: x**y, f"{x!r} ** {y!r}")


def _exp(x: float) -> float:
    return _overflow_checked("exp", lambda: math.exp(x), repr(x))


def _log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log is defined for x > 0, got {x!r}")
    return math.log(x)


def _sqrt(x: float) -> float:
    if x < 0:
        raise ValueError(f"sqrt is defined for x >= 0, got {x!r}")
    if x == 0:
        raise ValueError("sqrt: the derivative 1 / (2 sqrt(x)) is infinite at x = 0")
    return math.sqrt(x)


def _dot(*weights_then_inputs: float) -> float:
    n = len(weights_then_inputs) // 2
    return sum(map(operator.mul, weights_then_inputs[:n], weights_then_inputs[n:]))


def _swapped(weights_then_inputs: tuple) -> tuple:
    """d(Σ wᵢxᵢ)/dwᵢ = xᵢ and d(Σ wᵢxᵢ)/dxᵢ = wᵢ: the two halves of the inputs, swapped."""
    n = len(weights_then_inputs) // 2
    return (*weights_then_inputs[n:], *weights_then_inputs[:n])


def _periodic(f: Callable[[float], float], x: float) -> float:
    """sin or cos, with NaN at ±inf as IEEE arithmetic has it (math.sin raises there)."""
    return math.nan if math.isinf(x) else f(x)


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x), written so that neither branch overflows."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _overflow_checked(name: str, compute: Callable[[], float], args: str) -> float:
    try:
        return compute()
    except OverflowError:
        raise OverflowError(f"{name}({args}) overflows a float") from None


# -- anomaly mode and no_grad --


@contextmanager
def _grad_mode(enabled: bool) -> Iterator[None]:
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, enabled
    try:
        yield
    finally:
        _grad_enabled = previous


def no_grad() -> AbstractContextManager[None]:
    """Compute values without recording the graph (inference, optimizer updates)."""
    return _grad_mode(False)


def enable_grad() -> AbstractContextManager[None]:
    """Record the graph again inside a `no_grad()` block (the functional API uses it)."""
    return _grad_mode(True)


def is_grad_enabled() -> bool:
    """Whether new ops record their parents and local derivatives."""
    return _grad_enabled


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise at the first op whose value or local derivative is NaN or infinite."""
    global _anomaly_mode
    previous, _anomaly_mode = _anomaly_mode, True
    try:
        yield
    finally:
        _anomaly_mode = previous


def _check_finite(node: Value, op: Op, parents: tuple, constant: Number | None) -> None:
    numbers = (node.data, *node.local_grads)
    if all(math.isfinite(n) for n in numbers):
        return
    inputs = [p.data for p in parents] + ([] if constant is None else [constant])
    caller = next(
        (f for f in reversed(traceback.extract_stack()[:-1]) if f.filename != __file__),
        None,
    )
    where = f"{caller.filename}:{caller.lineno}" if caller else "unknown location"
    raise FloatingPointError(
        f"anomaly: {op.name} ({op.formula}) on inputs {inputs} gave value {node.data!r} "
        f"and local derivatives {list(node.local_grads)}; created at {where}"
    )


# -- the table of ops: forward value and local derivative side by side --
# Names: x, y are Values; c is a plain number (not a node); out is the op's result.

#          name    formula        forward                 d(out)/d(each Value input)
ADD = Op("+", "x + y", lambda x, y: x + y, lambda x, y, out: (1.0, 1.0))
SUB = Op("-", "x - y", lambda x, y: x - y, lambda x, y, out: (1.0, -1.0))
MUL = Op("*", "x * y", lambda x, y: x * y, lambda x, y, out: (y, x))
DIV = Op("/", "x / y", _divide, lambda x, y, out: (1 / y, -out / y))
POW = Op("**", "x ** y", _positive_base_power, lambda x, y, out: (y * x ** (y - 1), out * log(x)))

ADD_NUMBER = Op("+", "x + c", lambda x, c: x + c, lambda x, c, out: (1.0,))
SUB_NUMBER = Op("-", "x - c", lambda x, c: x - c, lambda x, c, out: (1.0,))
NUMBER_SUB = Op("-", "c - x", lambda x, c: c - x, lambda x, c, out: (-1.0,))
MUL_NUMBER = Op("*", "x * c", lambda x, c: x * c, lambda x, c, out: (c,))
DIV_NUMBER = Op("/", "x / c", _divide, lambda x, c, out: (1 / c,))
NUMBER_DIV = Op("/", "c / x", lambda x, c: _divide(c, x), lambda x, c, out: (-out / x,))
POW_NUMBER = Op("**", "x ** c", _power, lambda x, c, out: (c * x ** (c - 1) if c else 0.0,))
NUMBER_POW = Op(
    "**", "c ** x", lambda x, c: _positive_base_power(c, x), lambda x, c, out: (out * log(c),)
)

NEG = Op("neg", "-x", lambda x: -x, lambda x, out: (-1.0,))
EXP = Op("exp", "exp(x)", _exp, lambda x, out: (out,))
LOG = Op("log", "log(x)", _log, lambda x, out: (1 / x,))
SQRT = Op("sqrt", "sqrt(x)", _sqrt, lambda x, out: (0.5 / out,))
TANH = Op("tanh", "tanh(x)", math.tanh, lambda x, out: (1 - out * out,))
SIGMOID = Op("sigmoid", "sigmoid(x)", _sigmoid, lambda x, out: (out * (1 - out),))
RELU = Op("relu", "relu(x)", lambda x: 0.0 if x <= 0 else x, lambda x, out: (step(x),))
SIN = Op("sin", "sin(x)", sin, lambda x, out: (cos(x),))
COS = Op("cos", "cos(x)", cos, lambda x, out: (-sin(x),))
ABS = Op("abs", "|x|", abs, lambda x, out: (sign(x),))

# n-ary: inputs are w1..wn, x1..xn (and b, last, for LINEAR)
DOT = Op("dot", "Σ wᵢ·xᵢ", _dot, lambda *v_out: _swapped(v_out[:-1]))
LINEAR = Op(
    "linear",
    "Σ wᵢ·xᵢ + b",
    lambda *v: _dot(*v[:-1]) + v[-1],
    lambda *v_out: (*_swapped(v_out[:-2]), 1.0),
)
