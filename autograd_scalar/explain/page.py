"""The backward stepper as one web page: every step's drawing and caption in a single HTML
file, with previous / next buttons, a slider and the arrow keys, and no Python behind it.

Everything is inline (the SVG drawings, the style, a few lines of script): the page loads
nothing from the network, so it works from a disk, a course site or GitHub Pages.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from .draw import fit_to_width

if TYPE_CHECKING:
    from .trace import BackwardTrace

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1em; }
.controls { display: flex; gap: .5em; align-items: center; flex-wrap: wrap; }
#slider { flex: 1; min-width: 10em; }
#caption { margin: .6em 0; font-weight: bold; }
figure { margin: 0; }
table { border-collapse: collapse; margin-top: 1em; font-size: 90%; }
td, th { padding: .1em .6em; text-align: left; }
tr.current { background: #fde0e0; }
"""

_SCRIPT = """
const figures = document.querySelectorAll("figure.step");
const rows = document.querySelectorAll("tbody tr");
const slider = document.getElementById("slider");
const caption = document.getElementById("caption");
function show(i) {
  i = Math.max(0, Math.min(figures.length - 1, i));
  figures.forEach((f, k) => { f.hidden = k !== i; });
  rows.forEach((r, k) => r.classList.toggle("current", k === i));
  caption.textContent = figures[i].dataset.caption;
  slider.value = i;
}
document.getElementById("previous").onclick = () => show(+slider.value - 1);
document.getElementById("next").onclick = () => show(+slider.value + 1);
slider.oninput = () => show(+slider.value);
document.addEventListener("keydown", (e) => {
  if (e.key === "ArrowLeft") show(+slider.value - 1);
  if (e.key === "ArrowRight") show(+slider.value + 1);
});
show(0);
"""


MAX_STEPS = 500
"""Past this many steps a page of drawings is too slow to write and to load."""


def stepper_page(trace: BackwardTrace, max_steps: int = MAX_STEPS, **draw_options: Any) -> str:
    """The whole page as text: one figure per step (drawing and caption), the trace's table,
    and the controls. `draw_options` go to each step's `draw` (rankdir, backend, ...)."""
    if not trace.steps:
        raise ValueError(f"{trace._no_steps()}: there is nothing to step through")
    if len(trace) > max_steps:
        raise ValueError(
            f"the trace has {len(trace)} steps, more than max_steps={max_steps}, each a "
            "drawing: trace a smaller graph (one sample, a smaller network) or raise max_steps"
        )
    title = f"backward() step by step: {trace.names[trace.output]}"
    figures = "\n".join(
        f'<figure class="step" data-caption="{html.escape(trace.caption(i))}" hidden>'
        f"{_with_own_ids(fit_to_width(trace.drawing(i, **draw_options).svg()), i)}</figure>"
        for i in range(len(trace))
    )
    last = len(trace) - 1
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<div class="controls">
<button id="previous">◀ previous</button>
<button id="next">next ▶</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
</div>
<p>← and → step too. Each edge adds local × upstream to its parent's grad.</p>
<div id="caption"></div>
{figures}
{trace._repr_html_()}
<script>{_SCRIPT}</script>
</body>
</html>
"""


def _with_own_ids(svg: str, step: int) -> str:
    """Graphviz numbers the elements of each drawing alike; prefix them so ids stay unique."""
    return re.sub(r'\bid="', f'id="s{step}_', svg)
