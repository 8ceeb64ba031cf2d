"""Each op of the table written out as code and as a formula, derived from its own rules.

The traces and the adjoint program need every op as text: its forward value and its local
derivative to each operand, as expressions over the operands' names. Nothing here is written
by hand: each rule of `core.ops` runs once on symbols (`core.expr`), and the expression it
returns is printed as

- `code`: plain Python over floats, calling the engine's own functions (`_exp`, `_log`, ...)
  whose source goes with the program, so replay gives the engine's numbers and errors; a rule
  that reads an operand's value to check a domain (`_divide`, `_sqrt_slope`) is called by name;
- `array`: NumPy, `jax.numpy` or `torch`, one value per sample;
- `shown`: the formula a trace prints (Unicode) and its LaTeX; the op's forward is shown as its
  declared `formula`, filled in by `fill_formula`, the one place that does so.

A rule that does not run on symbols (it branches on a value, or calls a function of its own)
cannot be written: `forms_of` raises `NoForm`, naming the op.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from typing import Any

from ..core import expr, ops
from ..core.expr import Expr
from ..core.ops import VARIADIC, Number, Op

__all__ = [
    "NoForm",
    "constant_code",
    "fill_formula",
    "forward_code",
    "has_forms",
    "local_codes",
    "number_code",
    "shown_forward",
    "shown_locals",
    "to_latex",
]


class NoForm(NotImplementedError):
    """An op whose rules do not run on symbols, so it cannot be written as code."""


_SLOT = "\x00{}\x00"  # an operand's place in a written form; never in a generated name
_OUT = "\x00o\x00"


@dataclass(frozen=True)
class _Forms:
    """One op, for one constant and one number of operands, written out."""

    forward: Any  # the forward value as an Expr
    locals: tuple[Any, ...]  # d out / d operand, one Expr (or number) per operand
    code: str  # the forward as Python, with slots
    local_code: tuple[str, ...]


def forms_of(op: Op, n: int, c: Number | None) -> _Forms:
    """The op's forms for `n` operands and constant `c` (derived once, then remembered)."""
    return _derived(op, n, _key(c), c)


def _key(c: Number | None) -> object:
    return None if c is None else (type(c), repr(c))


@lru_cache(maxsize=4096)
def _derived(op: Op, n: int, _: object, c: Number | None) -> _Forms:
    slots = [_SLOT.format(i) for i in range(n)]
    try:
        forward, forward_read = expr.derive(op.forward, slots, c)
    except Exception:  # noqa: BLE001 - any failure means: not a rule over symbols
        forward, forward_read = _formula_tree(op, slots, c), True
    try:
        derived, locals_read = expr.derive(op.derivative, slots, c, _OUT)
        derived = tuple(derived)
    except Exception as error:  # noqa: BLE001
        raise NoForm(
            f"the op {op.name!r} cannot be compiled: its derivative rule does not "
            f"run on symbols ({type(error).__name__}: {error})"
        ) from None
    if forward is None or len(derived) != n:
        raise NoForm(
            f"the op {op.name!r} cannot be compiled: its forward rule does not run "
            "on symbols and its formula is not an expression of its operands"
        )
    arguments = [*slots, *([constant_code(c)] if c is not None else [])]
    code = _by_name(op, op.forward, arguments) if forward_read else expr.python(forward)
    local_code = tuple(
        _by_name(op, op.derivative, [*arguments, _OUT]) + f"[{i}]"
        if locals_read
        else expr.python(local)
        for i, local in enumerate(derived)
    )
    return _Forms(forward, derived, code, local_code)


def _by_name(op: Op, rule: Callable[..., Any], arguments: Sequence[str]) -> str:
    """A call of an engine function by its name (its source goes with the program)."""
    name = getattr(rule, "__name__", "")
    if vars(ops).get(name) is rule and name.startswith("_"):
        return f"{name}({', '.join(arguments)})"
    if getattr(math, name, None) is rule:
        return f"math.{name}({', '.join(arguments)})"
    if rule is abs:
        return f"abs({', '.join(arguments)})"
    raise NoForm(
        f"the op {op.name!r} cannot be compiled: its rule {name or rule!r} reads a value or "
        "calls a function of its own; write it with +, -, *, /, ** and the functions of "
        "autograd_scalar.extend (exp, log, sin, cos, heaviside, sign)"
    )


_FORMULA_FUNCTIONS = ("exp", "log", "sin", "cos", "sqrt", "tanh", "sigmoid", "relu", "abs")


def _formula_tree(op: Op, slots: Sequence[str], c: Number | None) -> Any:
    """The op's declared formula read as an expression of its operands, or None."""
    if op.arity == VARIADIC:
        return None
    reads = expr.Reads()
    names: dict[str, Any] = {f: partial(_call, f) for f in _FORMULA_FUNCTIONS}
    names.update(zip("xy", (Expr("name", (s,), reads) for s in slots)))
    names["c"] = c
    text = re.sub(r"\|([^|]+)\|", r"abs(\1)", op.formula)
    try:
        return eval(text, {"__builtins__": {}}, names)  # noqa: S307 - the table's own formula
    except Exception:  # noqa: BLE001
        return None


def _call(function: str, e: Expr) -> Expr:
    return e.call(function)


def has_forms(op: Op, n: int | None = None, c: Number | None = None) -> bool:
    """Whether the op can be written as code (its rules run on symbols)."""
    counts = [n] if n is not None else [2, 3] if op.arity == VARIADIC else [op.arity]
    if c is None and op.takes_constant:
        c = 2.0
    for count in counts:  # a variadic op takes pairs (dot) or pairs and a bias (linear)
        try:
            forms_of(op, count, c)
            return True
        except NoForm:
            pass
    return False


# -- filling in --


_SLOTS = re.compile("\x00(o|\\d+)\x00")


@cache
def _pieces(template: str) -> tuple[str, ...]:
    """A written form split at its slots: text, slot, text, slot, ... (slots at odd places)."""
    return tuple(_SLOTS.split(template))


def _fill(template: str, args: Sequence[str], out: str = "") -> str:
    """The slots of a written form replaced by the operands' names, in one pass (each
    form is split once: compiling fills the same few forms tens of thousands of times)."""
    pieces = list(_pieces(template))
    if len(pieces) == 3 and not pieces[0] and not pieces[2]:  # one operand, as dot's slopes
        return out if pieces[1] == "o" else args[int(pieces[1])]
    for i in range(1, len(pieces), 2):
        pieces[i] = out if pieces[i] == "o" else args[int(pieces[i])]
    return "".join(pieces)


def constant_code(c: Number | None) -> str:
    """A constant as Python source: negative numbers in brackets, so `x ** (-2)` is right."""
    if c is None:
        return ""
    text = number_code(c)
    return f"({text})" if text.startswith("-") else text


def number_code(x: float) -> str:
    """A number as Python source that reads back exactly (inf and nan included)."""
    text = repr(x)
    return text if text not in ("inf", "-inf", "nan") else f"float({text!r})"


def forward_code(op: Op, args: Sequence[str], c: Number | None, module: str = "") -> str:
    """The op's value as an expression: plain Python, or array code when `module` is given."""
    forms = forms_of(op, len(args), c)
    if not module:
        return _fill(forms.code, args)
    return _fill(expr.numpy_like(forms.forward, module), args)


def local_codes(
    op: Op, args: Sequence[str], c: Number | None, out: str, module: str = ""
) -> list[str]:
    """d out / d arg for each operand, as expressions (plain Python, or array code)."""
    forms = forms_of(op, len(args), c)
    if not module:
        return [_fill(t, args, out) for t in forms.local_code]
    return [_fill(expr.numpy_like(e, module), args, out) for e in forms.locals]


# -- formulas for people: the traces' Unicode and LaTeX, and the drawings' op text --


def fill_formula(formula: str, operands: Sequence[str] | None, constant: str) -> str:
    """An op's declared formula with its operands (x, y) and constant (c) filled in, each a
    whole word (so `scale(x, c)` reads `scale(x, 2)`); `operands=None` keeps x and y."""
    slots = {"c": constant}
    if operands is not None:
        slots.update(zip("xy", operands))
    return re.sub(r"\b[xyc]\b", lambda m: slots.get(m.group(), m.group()), formula)


def shown_forward(op: Op, names: Sequence[str], c: Number | None, latex: bool = False) -> str:
    """The op as a formula over its operands' names (`log(v₋₁)`, `w1·x1 + w2·x2`)."""
    constant = "" if c is None else repr(c)
    if op.arity == VARIADIC:
        tree = forms_of(op, len(names), c).forward
        show = _named(names, "")
        return expr.latex(tree, show) if latex else expr.unicode(tree, show, times="·")
    formula = to_latex(op.formula) if latex else op.formula.replace(" * ", " · ")
    return fill_formula(formula, names, constant)


def shown_locals(
    op: Op, names: Sequence[str], c: Number | None, out: str, latex: bool = False
) -> list[str]:
    """Each local derivative as a formula (`1 / v₋₁`, `h1`); `∂out/∂x` for an op whose rules
    cannot be written."""
    try:
        forms = forms_of(op, len(names), c)
    except NoForm:
        d = r"\partial " if latex else "∂"
        return [f"{d}{out}/{d}{name}" for name in names]
    show = _named(names, out)
    write = expr.latex if latex else expr.unicode
    return [write(e, show) for e in forms.locals]


def _named(names: Sequence[str], out: str) -> Callable[[str], str]:
    def show(slot: str) -> str:
        return _fill(slot, names, out)

    return show


_LATEX_WORDS = {
    "log(": r"\ln(",
    "exp(": r"\exp(",
    "sin(": r"\sin(",
    "cos(": r"\cos(",
    "tanh(": r"\tanh(",
    "sigmoid(": r"\sigma(",
    "relu(": r"\operatorname{relu}(",
    "sign(": r"\operatorname{sign}(",
}


def to_latex(formula: str) -> str:
    """A formula's operators in LaTeX: powers as superscripts, · as \\cdot, functions upright."""
    text = re.sub(r" \*\* \(([^)]*)\)", r"^{\1}", formula)
    text = re.sub(r" \*\* (\S+)", r"^{\1}", text)
    text = re.sub(r"sqrt\((\w+)\)", r"\\sqrt{\1}", text)
    text = text.replace(" * ", r" \cdot ").replace("·", r" \cdot ")
    for word, latex in _LATEX_WORDS.items():
        text = text.replace(word, latex)
    return text
