"""A symbolic scalar: run an op's own rule on it and get the rule back as an expression.

`Expr` supports what the rules of `core.ops` use (arithmetic, and `exp`, `log`, `sin`,
`cos`, `heaviside`, `sign` through the methods those functions call), so
`derive(op.derivative, ...)` returns the rule's expressions, each of which one of the writers
below prints as Python, NumPy, JAX, PyTorch, Unicode or LaTeX. Nothing is written twice: the
code of an op is its rule, run once on symbols. `Value`'s own method for each op is written
this way too (`value.py`), and so are the compiled program and the traces (`forms`).

An `Expr` has no value, so a rule that branches on one (`if x > 0`) fails here, and is not
written at all. Reading `.data` is allowed and remembered: a rule reads an operand's value only
to refuse it (a domain check), so the symbolic run takes the path where nothing is refused,
and the compiled Python calls such a rule by name, with the engine's own error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "Expr",
    "Reads",
    "derive",
    "is_arithmetic",
    "latex",
    "numpy_like",
    "python",
    "unicode",
]


class Reads:
    """Whether a symbolic run read an operand's value (a domain check)."""

    def __init__(self) -> None:
        self.any = False


class Expr:
    """One expression node: `kind` is "name", "num", "neg", "call" or a binary operator."""

    __slots__ = ("kind", "args", "reads")

    def __init__(self, kind: str, args: tuple[Any, ...], reads: Reads) -> None:
        self.kind, self.args, self.reads = kind, args, reads

    @property
    def data(self) -> float:
        """NaN, and the read is remembered: every comparison with NaN is false, so a check
        `if data <= 0: raise` lets the symbolic run through."""
        self.reads.any = True
        return math.nan

    def _wrap(self, other: Any) -> Expr:
        if isinstance(other, Expr):
            return other
        if type(other) in (int, float):
            return Expr("num", (other,), self.reads)
        raise TypeError(f"a rule combined a symbol with {type(other).__name__}: {other!r}")

    def _binary(self, kind: str, left: Any, right: Any) -> Expr:
        return Expr(kind, (self._wrap(left), self._wrap(right)), self.reads)

    def __add__(self, other: Any) -> Expr:
        return self._binary("+", self, other)

    def __radd__(self, other: Any) -> Expr:
        return self._binary("+", other, self)

    def __sub__(self, other: Any) -> Expr:
        return self._binary("-", self, other)

    def __rsub__(self, other: Any) -> Expr:
        return self._binary("-", other, self)

    def __mul__(self, other: Any) -> Expr:
        return self._binary("*", self, other)

    def __rmul__(self, other: Any) -> Expr:
        return self._binary("*", other, self)

    def __truediv__(self, other: Any) -> Expr:
        return self._binary("/", self, other)

    def __rtruediv__(self, other: Any) -> Expr:
        return self._binary("/", other, self)

    def __pow__(self, other: Any) -> Expr:
        if type(other) in (int, float) and other == 1:
            return self  # x ** 1 is x, exactly
        return self._binary("**", self, other)

    def __rpow__(self, other: Any) -> Expr:
        return self._binary("**", other, self)

    def __neg__(self) -> Expr:
        return Expr("neg", (self,), self.reads)

    def __abs__(self) -> Expr:
        return self.call("abs")

    def call(self, function: str) -> Expr:
        """`function(self)`, one of the functions the writers know."""
        return Expr("call", (function, self), self.reads)

    def exp(self) -> Expr:
        return self.call("exp")

    def log(self) -> Expr:
        return self.call("log")

    def sin(self) -> Expr:
        return self.call("sin")

    def cos(self) -> Expr:
        return self.call("cos")

    def heaviside(self) -> Expr:
        return self.call("heaviside")

    def sign(self) -> Expr:
        return self.call("sign")

    def _no_value(self, *_: Any) -> bool:
        raise TypeError("a symbol has no value: a rule that branches on one cannot be written")

    __bool__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _no_value
    __hash__ = object.__hash__


def derive(
    rule: Callable[..., Any], operands: Sequence[str], constant: Any = None, out: str = ""
) -> tuple[Any, bool]:
    """`rule` run as the engine calls it, on one symbol per operand, then the constant (a
    plain number) if any, then the result `out` if named: what the rule returns, with symbols
    in place of values, and whether it read a value."""
    reads = Reads()
    args: list[Any] = [Expr("name", (name,), reads) for name in operands]
    if constant is not None:
        args.append(constant)
    if out:
        args.append(Expr("name", (out,), reads))
    return rule(*args), reads.any


_WRITTEN_INLINE = ("heaviside", "sign")  # the Python writer writes these as conditionals


def is_arithmetic(e: Any) -> bool:
    """Whether `e` is a number or an expression of +, -, *, /, ** and the steps `heaviside`
    and `sign`: Python that calls no function (what the engine writes into its methods)."""
    if not isinstance(e, Expr):
        return isinstance(e, (int, float))
    if e.kind == "call":
        return e.args[0] in _WRITTEN_INLINE and is_arithmetic(e.args[1])
    if e.kind == "name":
        return True
    return all(is_arithmetic(a) for a in e.args)


# -- writers: one expression in each language --

_PRECEDENCE = {"if": 0, "+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}
_ATOM = 5

Names = Callable[[str], str]


def _number(x: float) -> str:
    text = repr(x)
    return text if text not in ("inf", "-inf", "nan") else f"float({text!r})"


class _Writer:
    """Writes an expression with as few brackets as keep its order of operations."""

    times = " * "
    power = " ** "

    def write(self, e: Any) -> str:
        return self._text(e)[0]

    def _text(self, e: Any) -> tuple[str, int]:
        if not isinstance(e, Expr):
            return self.number(e), _ATOM if e >= 0 or math.isnan(e) else 0  # (-2) as an operand
        if e.kind == "name":
            return self.name(e.args[0]), _ATOM
        if e.kind == "num":
            return self._text(e.args[0])
        if e.kind == "neg":
            inner = self._operand(e.args[0], _PRECEDENCE["neg"] + 1)
            return f"-{inner}", _PRECEDENCE["neg"]
        if e.kind == "call":
            return self.call(e.args[0], e.args[1])
        return self.binary(e.kind, *e.args), _PRECEDENCE[e.kind]

    def _operand(self, e: Any, at_least: int) -> str:
        text, precedence = self._text(e)
        return text if precedence >= at_least else f"({text})"

    def binary(self, kind: str, left: Any, right: Any) -> str:
        p = _PRECEDENCE[kind]
        if kind == "**":
            return f"{self._operand(left, _ATOM)}{self.power}{self._operand(right, _ATOM)}"
        sign = self.times if kind == "*" else f" {kind} "
        return f"{self._operand(left, p)}{sign}{self._operand(right, p + 1)}"

    def name(self, name: str) -> str:
        return name

    def number(self, x: float) -> str:
        return _number(x)

    def call(self, function: str, arg: Any) -> tuple[str, int]:
        raise NotImplementedError


class _Python(_Writer):
    """Plain Python over floats: the engine's own functions, so replay gives its numbers and
    its errors (`_exp` names an overflow, `_sin` gives NaN at ±inf)."""

    FUNCTIONS = {
        "exp": "_exp",
        "log": "_log",
        "sin": "_sin",
        "cos": "_cos",
        "sqrt": "_sqrt",
        "tanh": "math.tanh",
        "sigmoid": "_sigmoid",
        "relu": "_relu",
        "abs": "abs",
    }

    def call(self, function: str, arg: Any) -> tuple[str, int]:
        x = self.write(arg)
        if function == "heaviside":  # exactly ops.heaviside: 1.0 where x > 0, else 0.0
            return f"1.0 if {self._operand(arg, _ATOM)} > 0 else 0.0", 0
        if function == "sign":
            a = self._operand(arg, _ATOM)
            return f"1.0 if {a} > 0 else -1.0 if {a} < 0 else 0.0", 0
        return f"{self.FUNCTIONS[function]}({x})", _ATOM


class _Array(_Writer):
    """NumPy, `jax.numpy` or `torch`: every variable an array (one value per sample)."""

    def __init__(self, module: str) -> None:
        self.m = module

    def _text(self, e: Any) -> tuple[str, int]:
        power = isinstance(e, Expr) and e.kind == "**"
        if not (power and self.m == "np"):
            return super()._text(e)
        # NumPy's x ** y, written as np.power so that exact batch replay can put Python's in
        # its place (the two may differ in the last bit)
        base, exponent = (self.write(a) for a in e.args)
        written = f"np.power({base}, {exponent})"
        if all(a.kind != "num" for a in e.args):
            # x ** y with y a symbol needs x > 0, as the engine says; log(x) raises NumPy's
            # flag where it does not (batch replay then asks the engine), and adds 0 elsewhere
            return f"{written} + 0 * np.log({base})", _PRECEDENCE["+"]
        return written, _ATOM

    def call(self, function: str, arg: Any) -> tuple[str, int]:
        m, x = self.m, self.write(arg)
        a = self._operand(arg, _ATOM)
        e = f"{m}.exp(-{m}.abs({x}))"  # e^-|x|: the sigmoid's two branches, neither overflows
        special = {
            "heaviside": f"{m}.where({a} > 0, 1.0, 0.0)"
            if m != "torch"
            else f"({a} > 0).to({a}.dtype)",  # torch.where(c, 1.0, 0.0) is float32
            "relu": f"{m}.where({a} <= 0, 0.0, {x})",
            "sigmoid": {
                "jnp": f"jax.nn.sigmoid({x})",
                "torch": f"torch.sigmoid({x})",
            }.get(
                m,
                f"{m}.where({a} >= 0, 1 / (1 + {e}), {e} / (1 + {e}))",
            ),
        }
        if function == "abs" and m == "jnp":  # jax.grad of jnp.abs is 1 at 0; the engine's 0
            return f"jnp.where({a} == 0, 0.0, jnp.abs({x}))", _ATOM
        return special.get(function, f"{m}.{function}({x})"), _ATOM


class _Unicode(_Writer):
    """The formula a trace prints: · for products, functions as named."""

    times = " · "

    def __init__(self, names: Names = str, times: str = "") -> None:
        self._names = names
        self.times = times or self.times

    def name(self, name: str) -> str:
        return self._names(name)

    def number(self, x: float) -> str:
        return repr(x)

    def call(self, function: str, arg: Any) -> tuple[str, int]:
        if function == "heaviside":
            return f"[{self.write(arg)} > 0]", _ATOM
        if function == "abs":
            return f"|{self.write(arg)}|", _ATOM
        return f"{function}({self.write(arg)})", _ATOM


class _Latex(_Unicode):
    r"""The same in LaTeX: powers as superscripts, \cdot, functions upright."""

    times = r" \cdot "
    WORDS = {
        "log": r"\ln",
        "exp": r"\exp",
        "sin": r"\sin",
        "cos": r"\cos",
        "tanh": r"\tanh",
        "sigmoid": r"\sigma",
        "relu": r"\operatorname{relu}",
        "sign": r"\operatorname{sign}",
    }

    def binary(self, kind: str, left: Any, right: Any) -> str:
        if kind == "**":
            return f"{self._operand(left, _ATOM)}^{{{self.write(right)}}}"
        return super().binary(kind, left, right)

    def call(self, function: str, arg: Any) -> tuple[str, int]:
        if function == "sqrt":
            return rf"\sqrt{{{self.write(arg)}}}", _ATOM
        if function in self.WORDS:
            return f"{self.WORDS[function]}({self.write(arg)})", _ATOM
        return super().call(function, arg)


def python(e: Any) -> str:
    """The expression as plain Python over floats."""
    return _Python().write(e)


def numpy_like(e: Any, module: str) -> str:
    """The expression over arrays of `module` ("np", "jnp" or "torch")."""
    return _Array(module).write(e)


def unicode(e: Any, names: Names = str, times: str = " · ") -> str:
    """The expression as a trace prints it, each name as `names` shows it."""
    return _Unicode(names, times).write(e)


def latex(e: Any, names: Names = str) -> str:
    """The expression in LaTeX, each name as `names` shows it."""
    return _Latex(names).write(e)
