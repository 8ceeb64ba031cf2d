"""Names and labels made safe to write into SVG, HTML and LaTeX, shown as the user wrote them.

XML cannot hold some characters at all (NUL and the other C0 controls but tab and newline,
lone surrogates, U+FFFE and U+FFFF), and LaTeX gives `_`, `$`, `{`, `\\` ... meanings of their
own. Each of these is written so that it is seen, never dropped or left to break the output.
"""

from __future__ import annotations

import re

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


def tex(name: str) -> str:
    """A name as LaTeX math: w1 → w_{1}; every character LaTeX treats specially escaped."""
    if name[:1].isalpha() and name[1:].isdigit():
        return f"{name[0]}_{{{name[1:]}}}"
    return "".join(_TEX.get(ch, ch) for ch in visible(name))
