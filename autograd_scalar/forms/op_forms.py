"""Each op of the table written out as text: as Python code and as a formula for people.

The traces and the adjoint program need every op twice: its forward value and its local
derivative to each input, written as an expression over the names of its operands. This
module holds those expressions for the ops of `core.ops.OPS`:

- `code`: plain Python (`math` only). Ops with a domain call the engine's own forward and
  slope functions (`_log`, `_divide`, ...), whose source goes with the program, so replay
  raises the engine's errors;
- `array`: NumPy, `jax.numpy` or `torch` (`{m}` is the module), one value per sample;
- `shown`: the formula a trace prints (Unicode) and its LaTeX.

An op registered later has no entry here: it is written as a call of its own `forward` and
`derivative` functions (and cannot be exported to JAX or PyTorch).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..core import ops
from ..core.ops import WEIGHTED_SUMS, Number, Op

X, Y, C, OUT = "{x}", "{y}", "{c}", "{out}"


@dataclass(frozen=True)
class Forms:
    """One op as code: its forward expression and one local derivative per `Value` input.

    Templates use `{x}`, `{y}` (the operands), `{c}` (the plain-number constant) and `{out}`
    (the op's result). `array_*` are the same for arrays, `{m}` naming the array module
    (empty means: as `code`), and `by_module` a form for one module only. `shown_locals` is
    what a trace prints where `locals` calls an engine function.
    """

    forward: str
    locals: tuple[str, ...]
    array_forward: str = ""
    array_locals: tuple[str, ...] = ()
    by_module: dict[str, str] = field(default_factory=dict)
    shown_locals: tuple[str, ...] = ()


_SIGMOID_ARRAY = "{m}.where({x} >= 0, 1 / (1 + {m}.exp(-{x})), {m}.exp({x}) / (1 + {m}.exp({x})))"

FORMS: dict[str, Forms] = {
    "add": Forms("{x} + {y}", ("1.0", "1.0")),
    "sub": Forms("{x} - {y}", ("1.0", "-1.0")),
    "mul": Forms("{x} * {y}", ("{y}", "{x}")),
    "div": Forms("_divide({x}, {y})", ("1 / {y}", "-{out} / {y}"), array_forward="{x} / {y}"),
    "pow": Forms(
        "_positive_base_power({x}, {y})",
        ("{y} * {x} ** ({y} - 1)", "{out} * math.log({x})"),
        array_forward="{x} ** {y}",
        array_locals=("{y} * {x} ** ({y} - 1)", "{out} * {m}.log({x})"),
    ),
    "add_number": Forms("{x} + {c}", ("1.0",)),
    "sub_number": Forms("{x} - {c}", ("1.0",)),
    "number_sub": Forms("{c} - {x}", ("-1.0",)),
    "mul_number": Forms("{x} * {c}", ("{c}",)),
    "div_number": Forms("{x} / {c}", ("1 / {c}",)),  # c ≠ 0: recording checked it
    "number_div": Forms("_divide({c}, {x})", ("-{out} / {x}",), array_forward="{c} / {x}"),
    "pow_number": Forms(
        "_power({x}, {c})", ("_power_slope({x}, {c}, {out})[0]",), array_forward="{x} ** {c}"
    ),
    "number_pow": Forms(
        "_positive_base_power({c}, {x})",
        ("{out} * math.log({c})",),
        array_forward="{c} ** {x}",
        array_locals=("{out} * {m}.log({c})",),
    ),
    "identity": Forms("{x}", ("1.0",)),
    "neg": Forms("-{x}", ("-1.0",)),
    "exp": Forms("_exp({x})", ("{out}",), array_forward="{m}.exp({x})"),
    "log": Forms("_log({x})", ("1 / {x}",), array_forward="{m}.log({x})"),
    "sqrt": Forms(
        "_sqrt({x})",
        ("_sqrt_slope({x}, {out})[0]",),
        array_forward="{m}.sqrt({x})",
        array_locals=("0.5 / {out}",),
        shown_locals=("0.5 / {out}",),
    ),
    "tanh": Forms("math.tanh({x})", ("1 - {out} * {out}",), array_forward="{m}.tanh({x})"),
    "sigmoid": Forms(
        "_sigmoid({x})",
        ("{out} * (1 - {out})",),
        array_forward=_SIGMOID_ARRAY,
        by_module={"jnp": "jax.nn.sigmoid({x})", "torch": "torch.sigmoid({x})"},
    ),
    "relu": Forms(
        "0.0 if {x} <= 0 else {x}",
        ("({x} > 0)",),  # 1 or 0, as heaviside gives
        array_forward="{m}.where({x} <= 0, 0.0, {x})",
        array_locals=("{m}.where({x} > 0, 1.0, 0.0)",),
        shown_locals=("[{x} > 0]",),
    ),
    "sin": Forms("math.sin({x})", ("math.cos({x})",), array_forward="{m}.sin({x})"),
    "cos": Forms("math.cos({x})", ("-math.sin({x})",), array_forward="{m}.cos({x})"),
    "abs": Forms(
        "abs({x})",
        ("({x} > 0) - ({x} < 0)",),  # 1, -1 or 0, as sign gives
        array_forward="{m}.abs({x})",
        array_locals=("{m}.sign({x})",),
        shown_locals=("sign({x})",),
        # jax.grad of jnp.abs is 1 at 0; the engine (and PyTorch) take 0 there
        by_module={"jnp": "jnp.where({x} == 0, 0.0, jnp.abs({x}))"},
    ),
}
"""The ops of the table written as code; `dot` and `linear` are written by `_weighted_sum`."""

DOMAIN_OPS = frozenset(
    ("div", "pow", "number_div", "pow_number", "number_pow", "exp", "log", "sqrt")
)
"""Ops whose forward value or slope can fail (log, sqrt, division, pow, exp overflow)."""


def has_forms(op: Op) -> bool:
    """Whether the op is written out here (else it is called through its own functions)."""
    return op.name in WEIGHTED_SUMS or (op.name in FORMS and ops.OPS.get(op.name) is op)


# -- filling in the templates --


def fill(template: str, args: Sequence[str], constant: str, out: str = "", module: str = "") -> str:
    """The template with its operands, constant, result and array module filled in."""
    text = template.replace("{m}", module).replace(OUT, out).replace(C, constant)
    for slot, arg in zip((X, Y), args):
        text = text.replace(slot, arg)
    return text


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
    if op.name in WEIGHTED_SUMS:
        return _weighted_sum(op, args, " * ")
    forms = FORMS[op.name]
    template = forms.forward
    if module:
        template = forms.by_module.get(module, forms.array_forward or forms.forward)
    return fill(template, args, constant_code(c), module=module)


def local_codes(
    op: Op, args: Sequence[str], c: Number | None, out: str, module: str = ""
) -> list[str]:
    """d out / d arg for each operand, as expressions (plain Python, or array code)."""
    if op.name in WEIGHTED_SUMS:
        return _weighted_sum_locals(op, args)
    forms = FORMS[op.name]
    if module:
        templates = forms.array_locals or tuple(t.replace("math.", "{m}.") for t in forms.locals)
    else:
        templates = forms.locals
    if op.name == "pow_number" and c is not None and (c == 0 or c >= 1 or module):
        templates = (_power_slope(c),)  # written out where the engine's slope cannot fail
    return [fill(t, args, constant_code(c), out, module) for t in templates]


def _power_slope(c: Number) -> str:
    """The slope of x ** c written out; the engine's `_power_slope` is only needed for c < 1,
    where it raises at x = 0."""
    if c == 0:
        return "0.0"
    if c - 1 == 1:
        return "{c} * {x}"
    return "{c} * {x} ** " + constant_code(c - 1)


def _weighted_sum(op: Op, args: Sequence[str], times: str) -> str:
    n = len(args) // 2
    terms = [f"{w}{times}{x}" for w, x in zip(args[:n], args[n : 2 * n])]
    if op.name == "linear":
        terms.append(args[-1])
    return " + ".join(terms)


def _weighted_sum_locals(op: Op, args: Sequence[str]) -> list[str]:
    n = len(args) // 2
    swapped = [*args[n : 2 * n], *args[:n]]
    return swapped + (["1.0"] if op.name == "linear" else [])


# -- formulas for people: the traces' Unicode and LaTeX --


def shown_forward(op: Op, names: Sequence[str], c: Number | None, latex: bool = False) -> str:
    """The op as a formula over its operands' names (`log(v₋₁)`, `w1·x1 + w2·x2`)."""
    if op.name in WEIGHTED_SUMS:
        return _weighted_sum(op, names, r" \cdot " if latex else "·")
    template = re.sub(r"\b([xyc])\b", r"{\1}", op.formula)
    template = to_latex(template) if latex else template.replace(" * ", " · ")
    return fill(template, names, "" if c is None else repr(c))


def shown_locals(
    op: Op, names: Sequence[str], c: Number | None, out: str, latex: bool = False
) -> list[str]:
    """Each local derivative as a formula (`1 / v₋₁`, `h1`); `∂out/∂x` for an op of your own."""
    if op.name in WEIGHTED_SUMS:
        return _weighted_sum_locals(op, names)
    if not has_forms(op):
        d = r"\partial " if latex else "∂"
        return [f"{d}{out}/{d}{name}" for name in names]
    forms = FORMS[op.name]
    templates = forms.shown_locals or forms.locals
    if op.name == "pow_number" and c is not None:
        templates = (_power_slope(c),)
    shown = []
    for template in templates:
        template = template.replace("math.", "")
        template = to_latex(template) if latex else template.replace(" * ", " · ")
        shown.append(fill(template, names, "" if c is None else repr(c), out))
    return shown


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


def to_latex(template: str) -> str:
    """A template's operators in LaTeX: powers as superscripts, · as \\cdot, functions upright."""
    text = re.sub(r" \*\* \(([^)]*)\)", r"^{\1}", template)
    text = re.sub(r" \*\* (\S+)", r"^{\1}", text)
    text = re.sub(r"sqrt\((\{\w+\})\)", r"\\sqrt{\1}", text)
    text = text.replace(" * ", r" \cdot ").replace("·", r" \cdot ")
    for word, latex in _LATEX_WORDS.items():
        text = text.replace(word, latex)
    return text
