"""The table of operations: each op's forward value and local derivative, side by side.

An `Op` says how to compute its value from its inputs and, beside it, the local derivative
d(out)/d(input) for each `Value` input. The rules use ordinary arithmetic and the functions
`exp`, `log`, `sin`, `cos`, `heaviside` and `sign` below, which work on floats and on
`Value`s alike: the same rule runs on floats in the forward pass and on `Value`s when a
backward pass is itself recorded (gradients of gradients).

`OPS` is the one table: `Value`'s operators, the hypothesis strategies and the network
activations are all read from it. `register(op)` adds an op of your own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

Number = int | float
"""A plain Python number: it mixes with `Value`s but never becomes a graph node."""

Scalar = Any
"""A float, or a `Value` when a derivative rule runs on `Value`s (create_graph)."""

VARIADIC = -1
"""The arity of an op that takes any number of inputs (dot, linear)."""


def _everywhere(*_: float) -> bool:
    return True


class Op(NamedTuple):
    """One operation: its value and its local derivative to each `Value` input.

    `forward(*inputs)` computes the value from floats; `derivative(*inputs, out)` returns
    d(out)/d(input) for each `Value` input. When the op takes a plain-number constant `c`
    (as `x + 2` does), `c` comes last among the inputs and gets no derivative.
    `smooth(*inputs)` says where the op is defined and differentiable (the strategies draw
    there); `kinks` lists the points where its slope jumps; `activation` marks the ops a
    network layer may use; `symbol` is how drawings show it (its name by default).
    """

    name: str
    formula: str
    forward: Callable[..., float]
    derivative: Callable[..., tuple[Scalar, ...]]
    arity: int = 1
    takes_constant: bool = False
    smooth: Callable[..., bool] = _everywhere
    kinks: tuple[float, ...] = ()
    activation: bool = False
    symbol: str = ""

    @property
    def label(self) -> str:
        """What a drawing writes in the op's circle: its symbol, else its name."""
        return self.symbol or self.name


OPS: dict[str, Op] = {}
"""Every op by name: the one table."""


def register(op: Op) -> Op:
    """Add `op` to the table (its name must be new) and return it."""
    if not isinstance(op, Op):
        raise TypeError(f"register() takes an Op, got {type(op).__name__}")
    if op.name in OPS:
        raise ValueError(f"an op named {op.name!r} is already in the table")
    if op.arity != VARIADIC and op.arity < 1:
        raise ValueError(f"an op takes at least one Value input, got arity {op.arity}")
    OPS[op.name] = op
    return op


# -- functions on floats and on Values alike (the derivative rules are written with them) --


def is_plain(x: Scalar) -> bool:
    """A plain int or float, as opposed to a `Value` (fast: an exact type check)."""
    return type(x) is float or type(x) is int


def number_of(x: Scalar) -> float:
    """A derivative or a gradient as a float: a number's own value, or a `Value`'s data."""
    return float(x) if isinstance(x, (int, float)) else float(x.data)


def exp(x: Scalar) -> Scalar:
    """e^x, of a float or of a `Value`."""
    return _exp(x) if is_plain(x) else x.exp()


def log(x: Scalar) -> Scalar:
    """Natural log, of a float or of a `Value`."""
    return _log(x) if is_plain(x) else x.log()


def sin(x: Scalar) -> Scalar:
    """sin x, of a float or of a `Value`."""
    return _sin(x) if is_plain(x) else x.sin()


def cos(x: Scalar) -> Scalar:
    """cos x, of a float or of a `Value`."""
    return _cos(x) if is_plain(x) else x.cos()


def heaviside(x: Scalar) -> Scalar:
    """1 where x > 0, else 0: the slope of relu (0 at the kink, as in PyTorch). A symbol
    (core.expr) gives itself back as the expression."""
    if not is_plain(x) and hasattr(x, "heaviside"):
        return x.heaviside()
    return 1.0 if x > 0 else 0.0


def sign(x: Scalar) -> Scalar:
    """-1, 0 or 1: the slope of abs (0 at the kink, as in PyTorch); a symbol's expression."""
    if not is_plain(x) and hasattr(x, "sign"):
        return x.sign()
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


def _data(x: Scalar) -> float:
    data: float = x if is_plain(x) else x.data
    return data


# -- forward values with their domains (a failed op raises before any node exists) --


def _divide(x: float, y: float) -> float:
    if y == 0:
        raise ZeroDivisionError(f"division by zero: {x!r} / 0")
    return x / y


def _power(x: float, c: Number) -> float:
    if x == 0 and c < 0:
        raise ZeroDivisionError(f"pow: 0 ** {c!r} is undefined (division by zero)")
    if x < 0 and not (isinstance(c, int) or c.is_integer() or math.isnan(c)):
        raise ValueError(f"pow: {x!r} ** {c!r} is not real (a negative base needs a whole power)")
    return _overflow_checked("pow", lambda: x**c, f"{x!r} ** {c!r}")


def _power_slope(x: Scalar, c: Number, out: Scalar) -> tuple[Scalar]:
    if c == 0:
        return (0.0,)
    if c < 1 and _data(x) == 0:  # c >= 1 reads no value: its slope is written out
        raise ValueError(f"pow: the derivative of x ** {c!r} is infinite at x = 0")
    try:
        return (c * x ** (c - 1),)
    except OverflowError:
        raise OverflowError(
            f"pow: the derivative of x ** {c!r} at x = {_data(x)!r}, {c!r} · x ** {c - 1!r}, "
            "overflows a float"
        ) from None


def _number_over(x: Scalar, c: Number) -> Scalar:
    """c / x, refusing x = 0."""
    return _divide(c, x)


def _number_power(x: float, c: Number) -> float:
    """c ** x, for a positive base c."""
    return _positive_base_power(c, x)


def _positive_base_power(x: float, y: float) -> float:
    if x <= 0:
        raise ValueError(f"pow: a Value exponent needs a positive base, got base {x!r}")
    return _overflow_checked("pow", lambda: x**y, f"{x!r} ** {y!r}")


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp({x!r}) overflows a float") from None


def _log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log is defined for x > 0, got {x!r}")
    return math.log(x)


def _sqrt(x: float) -> float:
    if x < 0:
        raise ValueError(f"sqrt is defined for x >= 0, got {x!r}")
    return math.sqrt(x)


def _sqrt_slope(x: Scalar, out: Scalar) -> tuple[Scalar]:
    if _data(out) == 0:
        raise ValueError("sqrt: the derivative 1 / (2 sqrt(x)) is infinite at x = 0")
    return (0.5 / out,)


def _dot(*weights_then_inputs: float) -> float:
    """w1·x1 + w2·x2 + ..., added left to right as it reads (Python 3.12's builtin `sum`
    compensates rounding, which would make the result depend on the Python version)."""
    count = len(weights_then_inputs)
    if count < 2 or count % 2:
        raise TypeError(f"a weighted sum takes n weights then n inputs, got {count} values")
    n = count // 2
    total = weights_then_inputs[0] * weights_then_inputs[n]
    for i in range(1, n):
        total += weights_then_inputs[i] * weights_then_inputs[n + i]
    return total


def _swapped(weights_then_inputs: tuple[Scalar, ...]) -> tuple[Scalar, ...]:
    """d(Σ wᵢxᵢ)/dwᵢ = xᵢ and d(Σ wᵢxᵢ)/dxᵢ = wᵢ: the two halves of the inputs, swapped."""
    n = len(weights_then_inputs) // 2
    return (*weights_then_inputs[n:], *weights_then_inputs[:n])


def _sin(x: float) -> float:
    """sin x, NaN at ±inf as IEEE arithmetic has it (math.sin raises there)."""
    return math.nan if math.isinf(x) else math.sin(x)


def _cos(x: float) -> float:
    """cos x, NaN at ±inf as IEEE arithmetic has it (math.cos raises there)."""
    return math.nan if math.isinf(x) else math.cos(x)


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x), written so that neither branch overflows."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _relu(x: float) -> float:
    return 0.0 if x <= 0 else x


def _overflow_checked(name: str, compute: Callable[[], float], args: str) -> float:
    """compute(), its OverflowError named; on a symbol (core.expr) it reads the value, as a
    domain check does, so compiled code calls the engine's function and raises this error."""
    try:
        value = compute()
    except OverflowError:
        raise OverflowError(f"{name}({args}) overflows a float") from None
    if not is_plain(value):
        _data(value)
    return value


# -- where ops are smooth, with room to spare (what the strategies draw) --

MARGIN = 0.01  # distance kept from poles, kinks and domain edges


def _away_from_zero(x: float) -> bool:
    return abs(x) > MARGIN


def _positive(x: float, *_: float) -> bool:
    return x > MARGIN


def _real_power(x: float, c: float) -> bool:
    if x > MARGIN:
        return True
    return float(c).is_integer() and (c > 0 or abs(x) > MARGIN)


def _pairs(*v: float) -> bool:
    return len(v) >= 2 and len(v) % 2 == 0


def _pairs_and_bias(*v: float) -> bool:
    return len(v) >= 3 and len(v) % 2 == 1


# -- the table: x, y are Values; c is a plain number (not a node); out is the op's result --
# fmt: off
# ruff: noqa: E501
ADD = register(Op("add", "x + y", lambda x, y: x + y, lambda x, y, out: (1.0, 1.0), arity=2, symbol="+"))
SUB = register(Op("sub", "x - y", lambda x, y: x - y, lambda x, y, out: (1.0, -1.0), arity=2, symbol="-"))
MUL = register(Op("mul", "x * y", lambda x, y: x * y, lambda x, y, out: (y, x), arity=2, symbol="*"))
DIV = register(Op("div", "x / y", _divide, lambda x, y, out: (1 / y, -out / y), arity=2, smooth=lambda x, y: abs(y) > 0.1, symbol="/"))
POW = register(Op("pow", "x ** y", _positive_base_power, lambda x, y, out: (y * x ** (y - 1), out * log(x)), arity=2, smooth=lambda x, y: x > 0.1 and abs(y) < 4, symbol="**"))

ADD_NUMBER = register(Op("add_number", "x + c", lambda x, c: x + c, lambda x, c, out: (1.0,), takes_constant=True, symbol="+"))
SUB_NUMBER = register(Op("sub_number", "x - c", lambda x, c: x - c, lambda x, c, out: (1.0,), takes_constant=True, symbol="-"))
NUMBER_SUB = register(Op("number_sub", "c - x", lambda x, c: c - x, lambda x, c, out: (-1.0,), takes_constant=True, symbol="-"))
MUL_NUMBER = register(Op("mul_number", "x * c", lambda x, c: x * c, lambda x, c, out: (c,), takes_constant=True, symbol="*"))
DIV_NUMBER = register(Op("div_number", "x / c", _divide, lambda x, c, out: (1 / c,), takes_constant=True, smooth=lambda x, c: c != 0, symbol="/"))
NUMBER_DIV = register(Op("number_div", "c / x", _number_over, lambda x, c, out: (-out / x,), takes_constant=True, smooth=lambda x, c: abs(x) > 0.1, symbol="/"))
POW_NUMBER = register(Op("pow_number", "x ** c", _power, _power_slope, takes_constant=True, smooth=_real_power, symbol="**"))
NUMBER_POW = register(Op("number_pow", "c ** x", _number_power, lambda x, c, out: (out * log(c),), takes_constant=True, smooth=lambda x, c: c > 0 and x < 10, symbol="**"))

IDENTITY = register(Op("identity", "x", lambda x: x, lambda x, out: (1.0,), symbol="="))
NEG = register(Op("neg", "-x", lambda x: -x, lambda x, out: (-1.0,), symbol="-"))
EXP = register(Op("exp", "exp(x)", _exp, lambda x, out: (out,), smooth=lambda x: x < 8, activation=True))
LOG = register(Op("log", "log(x)", _log, lambda x, out: (1 / x,), smooth=_positive))
SQRT = register(Op("sqrt", "sqrt(x)", _sqrt, _sqrt_slope, smooth=_positive))
TANH = register(Op("tanh", "tanh(x)", math.tanh, lambda x, out: (1 - out * out,), activation=True))
SIGMOID = register(Op("sigmoid", "sigmoid(x)", _sigmoid, lambda x, out: (out * (1 - out),), activation=True))
RELU = register(Op("relu", "relu(x)", _relu, lambda x, out: (heaviside(x),), smooth=_away_from_zero, kinks=(0.0,), activation=True))
SIN = register(Op("sin", "sin(x)", sin, lambda x, out: (cos(x),), activation=True))
COS = register(Op("cos", "cos(x)", cos, lambda x, out: (-sin(x),), activation=True))
ABS = register(Op("abs", "|x|", abs, lambda x, out: (sign(x),), smooth=_away_from_zero, kinks=(0.0,), activation=True))

# variadic: the inputs are w1..wn, x1..xn (and b, last, for LINEAR)
DOT = register(Op("dot", "Σ wᵢ·xᵢ", _dot, lambda *v_out: _swapped(v_out[:-1]), arity=VARIADIC, smooth=_pairs))
LINEAR = register(Op("linear", "Σ wᵢ·xᵢ + b", lambda *v: _dot(*v[:-1]) + v[-1], lambda *v_out: (*_swapped(v_out[:-2]), 1.0), arity=VARIADIC, smooth=_pairs_and_bias))
# fmt: on

WEIGHTED_SUMS = (DOT.name, LINEAR.name)
"""The ops a neuron starts with: their parents are w₁..wₙ, x₁..xₙ (and b for linear)."""
