"""The adjoint notation of the textbooks: a bar over a name (v̄₋₁, w̄5) and the product
local · factor of an adjoint update, shared by the adjoint trace and the adjoint program."""

from __future__ import annotations

import re

__all__ = ["bar", "latex_bar", "product"]


def product(local: str, factor: str, times: str) -> str:
    """local · factor as written in an adjoint update: ±1 left out, the local in parentheses
    unless it is a single term."""
    if local == "1.0":
        return factor
    if local == "-1.0":
        return f"-{factor}"
    bracketed = local.startswith("[") and local.endswith("]")
    single = bracketed or (" " not in local and not local.startswith("-"))
    return f"{local if single else '(' + local + ')'}{times}{factor}"


def bar(name: str) -> str:
    """The adjoint's name: a bar over the first letter (v̄₋₁, w̄5, ȳ)."""
    return name[:1] + "\u0304" + name[1:]


def latex_bar(name: str) -> str:
    r"""The adjoint's name in LaTeX: `\bar{v}_{-1}`."""
    match = re.fullmatch(r"([A-Za-z])(.*)", name)
    return rf"\bar{{{match[1]}}}{match[2]}" if match else rf"\overline{{{name}}}"
