"""The core: the op table, `Value`, the recording state, the graph snapshot and the walks.

Read in this order: `ops.py` (each op's value and local derivative), `value.py` (`Value`
and how a node is made), `graph.py` (the snapshot every view reads), `backward.py` (the
chain rule, once per edge), `recording.py` (`no_grad`, `detect_anomaly`, per thread);
`expr.py` is the symbolic scalar from which each op's method is written.
"""

from .graph import Edge, Graph, topological_order
from .ops import OPS, Number, Op, register
from .recording import (
    collector_paused,
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
)
from .value import Value, apply, dot

__all__ = [
    "OPS",
    "Edge",
    "Graph",
    "Number",
    "Op",
    "Value",
    "apply",
    "collector_paused",
    "detect_anomaly",
    "dot",
    "enable_grad",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "register",
    "topological_order",
]
