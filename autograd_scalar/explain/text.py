"""Names and labels made safe to write into SVG, HTML and LaTeX, shown as the user wrote them;
the one text-table and one HTML-table writer every view uses; numbers as shown; and the
notation of derivatives written out.

XML cannot hold some characters at all (NUL and the other C0 controls but tab and newline,
lone surrogates, U+FFFE and U+FFFF), and LaTeX gives `_`, `$`, `{`, `\\` ... meanings of their
own. Each of these is written so that it is seen, never dropped or left to break the output.

Derivatives are written as the textbooks write the chain rule: a total derivative with d
(dy/dx, what `backward()` computes), a local factor with ∂ (∂v₁/∂x, one op's derivative with
respect to one of its operands, the others held fixed). Where an op uses a parent twice
(x in x * x), each use is its own operand: x⁽¹⁾ and x⁽²⁾, so dy/dx = ∂y/∂x⁽¹⁾ + ∂y/∂x⁽²⁾.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "fmt",
    "html_table",
    "latex_partial",
    "latex_total",
    "operand_mark",
    "partial",
    "tex",
    "text_table",
    "total",
    "visible",
]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_TEX = {
    "\\": r"\backslash{}",
    "{": r"\{",
    "}": r"\}",
    "_": r"\_",
    "$": r"\$",
    "#": r"\#",
    "%": r"\%",
    "&": r"\&",
    "^": r"\hat{}",
    "~": r"\tilde{}",
    "*": r"\ast{}",
    " ": r"\,",
    "\t": r"\,",
    "\n": r"\,",  # a blank line would end the display math
    "\r": r"\,",
}


def visible(text: str) -> str:
    """`text` with each character XML cannot hold written as its escape (NUL as \\x00)."""
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def fmt(x: float) -> str:
    """A number as shown: six significant digits, so 0.5512499999999998 reads 0.55125."""
    return f"{x:.6g}"


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: combining marks (the bar of v̄) take none."""
    return sum(not unicodedata.combining(ch) for ch in text)


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows under a header, columns two spaces apart and aligned as they show, no trailing
    blanks; every cell as `visible` writes it, so a NUL in a label reads \\x00 here too."""
    lines = [[visible(c) for c in row] for row in [header, *rows]]
    widths = [max(_width(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(c + " " * (w - _width(c)) for c, w in zip(line, widths)).rstrip()
        for line in lines
    )


def html_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], caption: str | None = None
) -> str:
    """The same table as HTML, every cell (and the caption) escaped as `text_table` writes it."""

    def cell(tag: str, text: str) -> str:
        return f"<{tag}>{html.escape(visible(text))}</{tag}>"

    head = "".join(cell("th", h) for h in header)
    body = "".join("<tr>" + "".join(cell("td", c) for c in row) + "</tr>" for row in rows)
    title = cell("caption", caption) if caption is not None else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_NUMBERED = re.compile(r"v([₋]?[₀-₉]+)")
_FROM_SUBSCRIPTS = str.maketrans("₋₀₁₂₃₄₅₆₇₈₉", "-0123456789")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def tex(name: str) -> str:
    """A name as LaTeX math: w1 → w_{1}, v₋₁ → v_{-1}; every character LaTeX treats
    specially escaped."""
    numbered = _NUMBERED.fullmatch(name)
    if numbered:
        return f"v_{{{numbered[1].translate(_FROM_SUBSCRIPTS)}}}"
    if name[:1].isascii() and name[:1].isalpha() and name[1:].isascii() and name[1:].isdigit():
        return f"{name[0]}_{{{name[1:]}}}"
    return "".join(_TEX.get(ch, ch) for ch in visible(name))


def total(of: str, by: str) -> str:
    """The total derivative of `of` with respect to `by`: dy/dx."""
    return f"d{of}/d{by}"


def operand_mark(operand: int | None) -> str:
    """⁽ᵏ⁾ for the k-th operand (counting from 1) of an op that uses a parent more than
    once; nothing where the parent is used once."""
    return "" if operand is None else f"⁽{str(operand).translate(_SUPERSCRIPTS)}⁾"


def partial(of: str, by: str, operand: int | None = None) -> str:
    """A local factor: ∂y/∂x, or ∂y/∂x⁽²⁾ for x as y's second operand in x * x."""
    return f"∂{of}/∂{by}{operand_mark(operand)}"


def latex_total(of: str, by: str) -> str:
    r"""`total` in LaTeX, of names already in LaTeX: \frac{d y}{d x}."""
    return rf"\frac{{d {of}}}{{d {by}}}"


def latex_partial(of: str, by: str, operand: int | None = None) -> str:
    r"""`partial` in LaTeX, of names already in LaTeX: \frac{\partial y}{\partial x^{(2)}}."""
    mark = "" if operand is None else f"^{{({operand})}}"
    return rf"\frac{{\partial {of}}}{{\partial {{{by}}}{mark}}}"
