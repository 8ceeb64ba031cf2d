"""Views that explain a recorded graph: drawings (`draw`), the backward pass step by step
(`trace`), the sum over paths and the chain rule written out (`paths`)."""

from .draw import Drawing, draw
from .paths import all_paths, compare, count_paths, derivation
from .trace import BackwardTrace, trace_backward

__all__ = [
    "BackwardTrace",
    "Drawing",
    "all_paths",
    "compare",
    "count_paths",
    "derivation",
    "draw",
    "trace_backward",
]
