"""Views that explain a recorded graph: drawings (`draw`), the backward pass step by step
(`trace`), the sum over paths and the chain rule written out (`paths`), the textbook traces
(`wengert`); `views` holds the collapsed views they share, `text` the table writers and the
notation of derivatives."""

from .draw import Drawing, LayoutTimeout, draw
from .paths import all_paths, compare, count_paths, derivation
from .trace import BackwardTrace, trace_backward

__all__ = [
    "BackwardTrace",
    "Drawing",
    "LayoutTimeout",
    "all_paths",
    "compare",
    "count_paths",
    "derivation",
    "draw",
    "trace_backward",
]
