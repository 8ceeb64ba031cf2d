"""`Value`: a scalar that remembers how it was computed, and `backward()`.

Every operation on `Value`s creates a new node that records its parents and the local
derivative d(node)/d(parent) for each of them, computed during the forward pass from the op
table (`ops.py`). `backward()` then applies the chain rule once per edge, in reverse
topological order (`backward.py`), which sums the products of local derivatives over every
path from the output to each node.
"""

from __future__ import annotations

import linecache
import math
import traceback
from collections.abc import Callable, Iterable, Sequence
from numbers import Real
from pathlib import Path
from typing import Any, NamedTuple

from . import backward as reverse_mode
from . import expr, ops, recording
from .graph import Graph, topological_order
from .ops import Number, Op
from .recording import RECORDING

__all__ = ["GradNumber", "Value", "apply", "check_recorded", "dot", "zero_grads"]

_current_mode = recording.mode.get

PACKAGE = Path(__file__).resolve().parent.parent
"""The package's folder: anomaly mode reports the first frame outside it (the user's line)."""

WRITTEN_METHODS = "<autograd_scalar: "
"""How the file name of each op's written method starts (its frames are the package's too)."""


# -- building nodes --


class GradNumber(float):
    """`x.grad` when the gradient is also a `Value` (after `backward(create_graph=True)`):
    the number, which says where the differentiable gradient is if asked to go backward."""

    __slots__ = ()

    def backward(self, *_: object, **__: object) -> None:
        raise TypeError(
            "x.grad is the gradient's number (a float); after backward(create_graph=True) "
            "the differentiable gradient is x.grad_value: write x.grad_value.backward()"
        )


def check_recorded(output: Value, call: str) -> None:
    """A pass starts from a recorded graph: an output computed inside `no_grad()` has no
    parents to pass a gradient to, which is an error (as in PyTorch), not zero gradients."""
    if output.op is not None and not output.parents:
        raise RuntimeError(
            f"{call} a value computed without recording the graph (its {output.op.name} ran "
            "inside no_grad()): it has no parents to pass a gradient to"
        )


def _checked_number(data: object, where: str) -> float:
    """`data` as a float, or a TypeError saying what was given and what is accepted."""
    if type(data) is float:
        return data
    if isinstance(data, bool) or not isinstance(data, Real):
        raise TypeError(
            f"{where} needs a real number (int or float), got {type(data).__name__}: {data!r}"
        )
    return float(data)


def _data_of(x: Value | Number) -> float:
    return x._data if isinstance(x, Value) else _checked_number(x, "comparison")


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
    node = _new(Value)
    node._data = out
    node._grad = 0.0
    node.label = ""
    node.op = op
    node.constant = constant
    node.parents = parents
    node.local_grads = local_grads
    return node


_new = object.__new__


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


# The methods below are written once per op from its row of the table. Each rule runs once
# on symbols (`expr`), and where it is plain arithmetic the expression it gives is written
# into the method (`out = x * y`, `(y, x)`); a rule that checks a domain or branches is
# called instead. Each op of a training step then makes its node in place, with no call per
# rule: what keeps a node cheap. Outside the common mode (recording, no anomaly mode)
# `_node_in_mode` decides.


class _Kind(NamedTuple):
    """A kind of method: its first lines, and what its node's parents, its rules' arguments
    and its constant are, as Python."""

    head: str
    parents: str
    args: str
    constant: str


def _source(kind: _Kind, name: str, forward: str, local_grads: str) -> str:
    """The method of one op: its kind's first lines, then its value and its node. For
    `x * y` it reads `out = x * y` ... `node.parents, node.local_grads = (self, other), (y, x)`."""
    parents, args, constant = kind.parents, kind.args, kind.constant
    return f"""{kind.head.format(name=name)}
        out = {forward}
        if _current_mode() is not RECORDING:
            return _node_in_mode(op, out, {parents}, {args}, {constant})
        node = _new(Value)
        node._data, node._grad, node.label, node.op, node.constant = out, 0.0, "", op, {constant}
        node.parents, node.local_grads = {parents}, {local_grads}
        return node
    return {name}
"""


_UNARY = _Kind(
    """
def make(op, forward, derivative):
    def {name}(self):
        x = self._data""",
    parents="(self,)",
    args="(x,)",
    constant="None",
)

_BINARY = _Kind(
    """
def make(op, forward, derivative, with_number):
    def {name}(self, other):
        if not isinstance(other, Value):
            return with_number(self, other)
        x, y = self._data, other._data""",
    parents="(self, other)",
    args="(x, y)",
    constant="None",
)

_WITH_NUMBER = _Kind(
    """
def make(op, forward, derivative):
    def {name}(self, c):
        kind = type(c)
        if kind is not float and kind is not int:
            if not _is_number(c):
                return NotImplemented  # Python tries the other side
            c = float(c)  # Fraction, numpy scalars ...: plain float arithmetic from here on
        x = self._data""",
    parents="(self,)",
    args="(x, c)",
    constant="c",
)


def _written(op: Op, operands: Sequence[str]) -> tuple[str, str]:
    """The op's forward value and its local derivatives as Python over `operands` (and
    `out`): each rule's own expression where it is plain arithmetic, else a call of it."""
    calls = ", ".join(operands)
    forward = _arithmetic(op.forward, operands)
    derivative = _arithmetic(op.derivative, operands, "out")
    return forward or f"forward({calls})", derivative or f"derivative({calls}, out)"


def _arithmetic(rule: Callable[..., object], operands: Sequence[str], out: str = "") -> str:
    """`rule` run on symbols and written as Python, or "" where it is more than arithmetic:
    it reads a value (a domain check), branches on one, or calls a function."""
    try:
        found, read_a_value = expr.derive(rule, operands, out=out)
    except Exception:  # noqa: BLE001 - any failure means: not arithmetic on symbols
        return ""
    parts = found if isinstance(found, tuple) else (found,)
    if read_a_value or not all(expr.is_arithmetic(e) for e in parts):
        return ""
    written = [expr.python(e) for e in parts]
    if not isinstance(found, tuple):
        return written[0]
    return f"({written[0]},)" if len(written) == 1 else f"({', '.join(written)})"


def _method(kind: _Kind, op: Op, operands: Sequence[str], *more: object) -> Callable[..., Value]:
    """The method of `kind` written for `op` and compiled. Its globals are this module's, so
    it makes `Value`s as the rest of the engine does."""
    source = _source(kind, op.name, *_written(op, operands))
    filename = f"{WRITTEN_METHODS}the {op.name} op>"  # tracebacks show the written lines
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), globals(), namespace)  # noqa: S102 - the table's
    method: Callable[..., Value] = namespace["make"](op, op.forward, op.derivative, *more)
    method.__qualname__ = f"Value.{op.name}"
    return method


def _unary_method(op: Op, doc: str) -> Callable[[Value], Value]:
    """`x.op()` for a one-input op of the table."""
    method = _method(_UNARY, op, ["x"])
    method.__doc__ = doc
    return method


def _binary_method(op: Op, number_op: Op) -> Callable[[Value, Value | Number], Value]:
    """`x ∘ y` for a two-input op of the table, and `x ∘ c` (`number_op`) for a number c."""
    return _method(_BINARY, op, ["x", "y"], _number_method(number_op))


def _number_method(op: Op) -> Callable[[Value, Number], Value]:
    """`x ∘ c` or `c ∘ x` with a plain number c, which is kept in `node.constant`."""
    return _method(_WITH_NUMBER, op, ["x", "c"])


class Value:
    """A scalar in a computation graph: its data, its grad and how it was computed."""

    __slots__ = ("_data", "_grad", "parents", "local_grads", "op", "constant", "label")

    def __init__(self, data: Number, label: str = "") -> None:
        self._data: float = _checked_number(data, "Value")
        self._grad: float | Value = 0.0
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()
        self.op: Op | None = None
        self.constant: Number | None = None
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}: {label!r}")
        self.label = label

    @property
    def data(self) -> float:
        """The number this node holds. Assigning checks it as `Value(...)` does."""
        return self._data

    @data.setter
    def data(self, number: Number) -> None:
        self._data = _checked_number(number, "Value.data")

    @property
    def grad(self) -> float:
        """d output / d self, summed over the `backward()` calls so far: always a number.

        After `backward(create_graph=True)` the same gradient is also a `Value`, in
        `grad_value`; `x.grad = 0.0` or `x.grad = None` ("no gradient yet") resets both.
        """
        grad = self._grad
        if type(grad) is float:
            return grad
        return GradNumber(grad._data) if isinstance(grad, Value) else float(grad)

    @grad.setter
    def grad(self, grad: Value | Number | None) -> None:
        if grad is None:
            self._grad = 0.0
        elif isinstance(grad, Value):
            self._grad = grad
        else:
            self._grad = _checked_number(grad, "Value.grad")

    @property
    def grad_value(self) -> Value | None:
        """The gradient as a differentiable `Value`, after `backward(create_graph=True)`;
        else None. It is the same gradient as `grad` (one store holds both)."""
        grad = self._grad
        return grad if isinstance(grad, Value) else None

    @grad_value.setter
    def grad_value(self, grad: Value | None) -> None:
        if grad is None:  # drop the graph of the gradient, keep its number
            self._grad = self.grad + 0.0
        elif isinstance(grad, Value):
            self._grad = grad
        else:
            raise TypeError(f"grad_value must be a Value or None, got {type(grad).__name__}")

    def __repr__(self) -> str:
        fields = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.op is not None:
            fields.append(f"op={self.op.name!r}")
        if self.label:
            fields.append(f"label={self.label!r}")
        return f"Value({', '.join(fields)})"

    # -- arithmetic: each operator is made from its row of the table in ops.py (below) --

    __add__ = __radd__ = _binary_method(ops.ADD, ops.ADD_NUMBER)
    __sub__ = _binary_method(ops.SUB, ops.SUB_NUMBER)
    __rsub__ = _number_method(ops.NUMBER_SUB)
    __mul__ = __rmul__ = _binary_method(ops.MUL, ops.MUL_NUMBER)
    __truediv__ = _binary_method(ops.DIV, ops.DIV_NUMBER)
    __rtruediv__ = _number_method(ops.NUMBER_DIV)
    __pow__ = _binary_method(ops.POW, ops.POW_NUMBER)
    __rpow__ = _number_method(ops.NUMBER_POW)
    __neg__ = _unary_method(ops.NEG, "-x")
    exp = _unary_method(ops.EXP, "e^x; d/dx = e^x. Raises OverflowError past about x = 709.")
    log = _unary_method(ops.LOG, "Natural log, for x > 0; d/dx = 1/x.")
    sqrt = _unary_method(
        ops.SQRT, "√x, for x ≥ 0; d/dx = 1/(2√x), infinite at 0 (an error when recorded)."
    )
    tanh = _unary_method(ops.TANH, "tanh x; d/dx = 1 − tanh² x.")
    sigmoid = _unary_method(ops.SIGMOID, "σ(x) = 1 / (1 + e^−x); d/dx = σ(x)(1 − σ(x)).")
    relu = _unary_method(
        ops.RELU, "max(0, x); d/dx = 1 for x > 0, else 0 (0 at the kink, as in PyTorch)."
    )
    sin = _unary_method(ops.SIN, "sin x; d/dx = cos x.")
    cos = _unary_method(ops.COS, "cos x; d/dx = −sin x.")
    __abs__ = abs = _unary_method(ops.ABS, "|x|; d/dx = sign(x) (0 at the kink, as in PyTorch).")

    def __pos__(self) -> Value:
        return self

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
        return self._data < _data_of(other)

    def __le__(self, other: Value | Number) -> bool:
        return self._data <= _data_of(other)

    def __gt__(self, other: Value | Number) -> bool:
        return self._data > _data_of(other)

    def __ge__(self, other: Value | Number) -> bool:
        return self._data >= _data_of(other)

    def __bool__(self) -> bool:
        """`if x:` tests the data (x ≠ 0), as PyTorch does for a one-element tensor."""
        return self._data != 0

    def __float__(self) -> float:
        """Refused: `math.exp(x)` would silently cut the graph. Use `x.exp()` or `x.item()`."""
        raise TypeError(
            "a Value does not turn into a float silently: math functions would cut the graph "
            "(math.exp(x) has no derivative). Use the Value's own ops (x.exp(), x.log(), "
            "x.sin(), ...), or x.item() for the plain number"
        )

    def __int__(self) -> int:
        """Refused, as `float(x)` is: write `int(x.item())` for the plain number."""
        raise TypeError(
            "a Value does not turn into an int silently (it would cut the graph): "
            "write int(x.item()) for the plain number"
        )

    def __round__(self, ndigits: int | None = None) -> float:
        """Refused, as `float(x)` is: write `round(x.item())` for the plain number."""
        raise TypeError(
            "round() of a Value would cut the graph (rounding has no useful derivative): "
            "write round(x.item()) for the plain number"
        )

    def item(self) -> float:
        """The plain number (`data`): an explicit step out of the graph."""
        return self._data

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
        check_recorded(self, "backward() on")
        if gradient is None:
            gradient = 1.0
        elif not isinstance(gradient, Value):
            gradient = _checked_number(gradient, "backward(gradient)")
        elif not create_graph:
            gradient = gradient._data
        reverse_mode.backward(Graph.of(self), gradient, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Reset the grad of this value and of every node it depends on to 0."""
        zero_grads(topological_order(self))


def zero_grads(nodes: Iterable[Value]) -> None:
    """Set each node's grad to 0 (which drops its `grad_value`): what every zero_grad does."""
    for node in nodes:
        node._grad = 0.0


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
        c = constant if type(constant) is int else float(constant)
        args: tuple[float, ...] = (inputs[0]._data, c)
    else:
        args = tuple([x._data for x in inputs])
    out = _checked_number(op.forward(*args), f"{op.name}'s forward (its value)")
    if not recording.is_grad_enabled():
        return _node_in_mode(op, out, inputs, args, constant)
    local_grads = _checked_derivatives(op, op.derivative(*args, out), len(inputs))
    node = _node(op, out, inputs, local_grads, None if constant is None else args[-1])
    if recording.is_anomaly_enabled():
        _check_finite(node, op, args)
    return node


def _checked_derivatives(op: Op, local_grads: object, count: int) -> tuple[float, ...]:
    """An op of one's own: its rule must give one real number per input (floats from here)."""
    if not isinstance(local_grads, tuple) or len(local_grads) != count:
        given = len(local_grads) if isinstance(local_grads, tuple) else repr(local_grads)
        raise TypeError(
            f"{op.name}'s derivative gave {given} local derivative(s) "
            f"for {count} input(s): a tuple of one per input is needed"
        )
    checked = []
    for i, local in enumerate(local_grads):
        kind = type(local)
        if kind is not float and kind is not int:
            raise TypeError(
                f"{op.name}'s derivative gave {kind.__name__} {local!r} as local derivative "
                f"{i}: each must be a float (or int) computed from the input numbers"
            )
        checked.append(float(local))
    return tuple(checked)


def _many(op: Op, inputs: tuple[Value, ...]) -> Value:
    """An op of the table on any number of inputs (dot, linear), unchecked: fast."""
    args = tuple([x._data for x in inputs])
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
    numbers = (node._data, *node.local_grads)
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
    if filename.startswith(WRITTEN_METHODS):
        return True
    try:
        return Path(filename).resolve().is_relative_to(PACKAGE)
    except (OSError, ValueError):
        return False
