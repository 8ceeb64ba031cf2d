"""The backward stepper as one web page, and as notebook output: one drawing, each step's
colours, numbers and caption as data (`trace.stepper_data`, the only thing this module
reads), and the stepper script (`static/stepper.js`).

Everything is inline (the SVG drawing, the data, the style, the script): the page loads
nothing from the network, so it works from a disk, a course site or GitHub Pages.
"""

from __future__ import annotations

import html
import itertools
import json
from importlib import resources
from typing import Any

__all__ = ["stepper_fragment", "stepper_page", "stepper_script", "stepper_style"]


_counter = itertools.count()


def stepper_script() -> str:
    """The stepper's JavaScript, the one file every stepper runs."""
    return _static("stepper.js")


def stepper_style() -> str:
    """The stepper's style sheet, the one every stepper uses."""
    return _static("stepper.css")


def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def _json(data: object) -> str:
    """JSON that is safe inside a <script> element (no `</`, every non-ASCII escaped)."""
    return json.dumps(data, ensure_ascii=True).replace("<", "\\u003c")


def _mount(data: dict[str, Any], element_id: str, keys: str, backend: str) -> str:
    """The stepper's element, its data and the script that mounts it there."""
    from .draw import render

    svg = render(data["dot"], "svg", backend).decode("utf-8")
    return (
        f'<div id="{element_id}"></div>\n'
        f"<script>{stepper_script()}\n"
        f"autogradStepper(document.getElementById({json.dumps(element_id)}), {_json(data)}, "
        f"{{svg: {_json(svg)}, keys: {json.dumps(keys)}}});</script>"
    )


def stepper_fragment(data: dict[str, Any], backend: str = "auto") -> str:
    """The stepper as an HTML fragment for a notebook cell: style, element, data, script.
    `data` is a trace's per-step data (`trace.stepper_data`)."""
    element = f"autograd-stepper-{next(_counter)}"
    return f"<style>{stepper_style()}</style>\n{_mount(data, element, 'root', backend)}"


def stepper_page(data: dict[str, Any], backend: str = "auto") -> str:
    """The whole page as text, from a trace's per-step data (`trace.stepper_data`)."""
    title = data["title"]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>body {{ margin: 1em; font-family: system-ui, sans-serif; }}
{stepper_style()}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p>← and → step too. {_advice(data["level"])}</p>
{_mount(data, "stepper", "document", backend)}
</body>
</html>
"""


def _advice(level: str) -> str:
    if level == "op":
        return "Each edge adds local × upstream to its parent's grad."
    return "Each step is one neuron (or layer) passing its grad on to the nodes it reads."
