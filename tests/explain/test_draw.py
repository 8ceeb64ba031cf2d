"""Drawing: the SVG (parsed as XML) shows every value's label, data and grad and every edge's
local derivative; both renderers work; large graphs are refused or collapsed, never hung."""

import contextlib
import io
import os
import random
import shutil
import signal
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_scalar import MLP, Graph, Value, dot
from autograd_scalar.apps import examples
from autograd_scalar.explain import wasm
from autograd_scalar.explain.draw import draw, fmt, render
from autograd_scalar.explain.paths import compare, derivation
from autograd_scalar.explain.trace import trace_backward

SVG = "{http://www.w3.org/2000/svg}"
HAS_DOT = shutil.which("dot") is not None


def svg_texts(svg: str) -> list[str]:
    """Every piece of text drawn in the SVG."""
    root = ET.fromstring(svg)
    return [t.text.strip() for t in root.iter(f"{SVG}text") if t.text and t.text.strip()]


def edge_labels(svg: str) -> list[str]:
    """The texts drawn on edges (graphviz puts each edge in a <g class="edge">)."""
    root = ET.fromstring(svg)
    return [
        t.text.strip()
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "edge"
        for t in g.iter(f"{SVG}text")
        if t.text
    ]


@pytest.fixture(scope="module")
def worked():
    return examples.run_w1_w6()


@pytest.fixture(scope="module", params=["wasm", "dot"])
def backend(request) -> str:
    if request.param == "dot" and not HAS_DOT:
        pytest.skip("Graphviz's dot program is not installed")
    return request.param


def test_worked_example_svg_shows_every_value_and_edge(worked, backend: str) -> None:
    svg = draw(worked.before.E, backend=backend).svg()
    texts = svg_texts(svg)
    for node in worked.before.E.topological_order():
        if node.label:
            assert node.label in texts
        assert f"data {fmt(node.data)}" in texts
        assert f"grad {fmt(node.grad)}" in texts
    edges = edge_labels(svg)
    recorded = [fmt(local) for n in worked.before.E.topological_order() for local in n.local_grads]
    assert sorted(edges) == sorted(recorded)


def test_the_article_numbers_appear_in_the_drawing(worked) -> None:
    texts = svg_texts(draw(worked.before.E, backend="wasm").svg())
    for text in ["data 0.55125", "grad 1.3125", "grad 3.99", "data 5.05", "data 3.8"]:
        assert text in texts


def test_small_graph_edges_carry_local_derivatives() -> None:
    g = examples.small_graph()
    svg = draw(g.e, backend="wasm").svg()
    # e = c·d: de/dc = d = 2, de/dd = c = 3; c = a + b and d = b + 1 carry 1s
    assert sorted(edge_labels(svg)) == ["1", "1", "1", "2", "3"]
    assert "b + 1" not in svg_texts(svg)
    assert "x + 1" in svg_texts(svg)  # the constant is shown in its op, not as a node


def test_rankdir_and_dot_source(worked) -> None:
    assert "rankdir=TB" in draw(worked.before.E, rankdir="TB").source
    assert "rankdir=LR" in draw(worked.before.E).source


def test_save_formats(tmp_path, worked) -> None:
    drawing = draw(worked.before.E, backend="wasm")
    assert drawing.save(tmp_path / "g.dot").read_text().startswith("digraph")
    ET.parse(drawing.save(tmp_path / "g.svg"))  # well-formed XML
    with pytest.raises(ValueError, match=".jpg"):
        drawing.save(tmp_path / "g.jpg")
    with pytest.raises(RuntimeError, match="dot program"):
        drawing.save(tmp_path / "g.png")


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")
def test_png_with_the_dot_program(tmp_path, worked) -> None:
    png = draw(worked.before.E, backend="dot").save(tmp_path / "g.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_wasm_renderer_works_with_dot_hidden(monkeypatch, worked) -> None:
    monkeypatch.setenv("PATH", "")
    assert shutil.which("dot") is None
    svg = draw(worked.before.E).svg()  # auto falls back to WebAssembly
    assert "data 0.55125" in svg_texts(svg)
    with pytest.raises(RuntimeError, match="dot program on PATH"):
        render("digraph { a }", backend="dot")


def test_jupyter_display_is_svg(worked) -> None:
    svg = draw(worked.before.E, backend="wasm")._repr_svg_()
    assert ET.fromstring(svg).tag == f"{SVG}svg"


def test_collapse_labels_joins_labelled_values_through_hidden_ones(worked) -> None:
    drawing = draw(worked.before.E, collapse="labels", backend="wasm")
    svg = drawing.svg()
    texts = svg_texts(svg)
    assert {"w1", "w5", "x1", "h1", "h2", "y", "E"} <= set(texts)
    # y = w5·h1 + w6·h2: the edge w5 → y carries dy/dw5 = h1 = 1.25, h2 → y carries w6 = 1
    # E = ½(t − y)²: the edge y → E carries dE/dy = y − t = 1.05
    # h1 = w1·x1 + w2·x2: w1 → h1 carries x1 = 1, x1 → h1 carries w1 = 0.5, and so on
    h1 = ["1", "0.5", "0.5", "1.5"]
    h2 = ["1", "0.5", "2.3", "3"]
    y = ["1.25", "1", "3.8", "1"]
    assert sorted(edge_labels(svg)) == sorted(h1 + h2 + y + ["1.05"])


def test_large_graph_is_refused_with_advice_then_drawn_collapsed() -> None:
    net = MLP(2, [16, 16, 1], seed=0)
    for i, layer in enumerate(net.layers):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.weights):
                w.label = f"L{i}N{j}w{k}"
    out = net([0.5, -0.5])
    with pytest.raises(ValueError, match="collapse='labels'"):
        draw(out, max_nodes=200)
    collapsed = draw(out, collapse="labels", backend="wasm", max_nodes=400)
    assert "L2N0w15" in svg_texts(collapsed.svg())


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: draw(3.0), TypeError, "Value"),
        (lambda: draw(Value(1.0), rankdir="RL"), ValueError, "rankdir"),
        (lambda: draw(Value(1.0), collapse="depth"), ValueError, "collapse"),
        (lambda: render("digraph {}", backend="cairo"), ValueError, "backend"),
        (lambda: draw(Value(1.0), backend="cairo"), ValueError, "backend"),
    ],
)
def test_bad_arguments(call, error, words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_a_webassembly_failure_is_explained(monkeypatch) -> None:
    import wasmtime

    with pytest.raises(RuntimeError, match="Failed to parse DOT source"):
        render("digraph { a -> ", backend="wasm")

    def trap(*args, **kwargs):
        raise wasmtime.Trap("call stack exhausted")

    with monkeypatch.context() as patch:
        patch.setattr(wasm, "_call", trap)
        with pytest.raises(RuntimeError, match="call stack exhausted.*collapse='labels'"):
            render("digraph { a }", backend="wasm")
    assert b"<svg" in render("digraph { a }", backend="wasm")  # a fresh instance after the trap


def test_labels_are_drawn_exactly_as_written(backend: str) -> None:
    first, second = 'a&lt;b & c\\d {e}|<f> "q"', "line 2"
    y = Value(2.0, label=f"{first}\n{second}") * 3
    texts = svg_texts(draw(y, backend=backend).svg())
    assert texts[:2] == [first, second]  # entities, backslash and record syntax kept, the break too


def test_grads_given_for_some_nodes_show_zero_for_the_rest() -> None:
    g = examples.small_graph()  # backward() has run: every node has its grad
    texts = svg_texts(draw(g.e, grads={g.e: 1.0}, backend="wasm").svg())
    assert texts.count("grad 0") == 4 and texts.count("grad 1") == 1


def test_collapsed_drawing_keeps_unlabelled_inputs() -> None:
    a, w = Value(2.0), Value(3.0, label="w")  # a has no label but is an input
    y = (a * w + 1).tanh()
    y.label = "y"
    texts = svg_texts(draw(y, collapse="labels", backend="wasm").svg())
    assert "data 2" in texts and "w" in texts and "y" in texts
    assert len([t for t in texts if t.startswith("data")]) == 3  # a, w, y: the rest is hidden


# -- bad input: the size guard, interrupts, a failing dot, labels SVG cannot hold --


def many_edges_few_values() -> Value:
    """299 values and 10,000 edges: one weighted sum that uses 298 leaves 5,000 times each way."""
    ws, xs = [Value(0.001 * i) for i in range(149)], [Value(0.002 * i) for i in range(149)]
    return dot([ws[i % 149] for i in range(5000)], [xs[i % 149] for i in range(5000)])


def test_the_size_guard_counts_edges_too() -> None:
    y = many_edges_few_values()
    graph = Graph.of(y)
    assert (len(graph.order), len(graph.edges)) == (299, 10_000)
    with pytest.raises(ValueError, match="10000 edges, more than max_edges=4000.*collapse"):
        draw(y)  # refused before any layout
    assert draw(y, max_edges=10_000).source.count("->") == 10_001  # on request, drawn


def tangled(n_values: int, uses_per_node: int, seed: int = 0) -> Value:
    """A small graph whose layout takes Graphviz minutes: each node a weighted sum of
    values picked at random among all earlier ones (many crossings to untangle)."""
    rng = random.Random(seed)
    nodes = [Value(0.01 * (i + 1)) for i in range(10)]
    while len(nodes) < n_values:
        picks = [rng.choice(nodes) for _ in range(2 * uses_per_node)]
        nodes.append(dot(picks[:uses_per_node], picks[uses_per_node:]))
    return nodes[-1]


@contextlib.contextmanager
def ctrl_c_after(seconds: float):
    """Send SIGINT to the main thread after `seconds`, as Ctrl-C or Jupyter's interrupt do."""
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    main = threading.main_thread().ident
    assert main is not None
    timer = threading.Timer(seconds, signal.pthread_kill, (main, signal.SIGINT))
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def test_a_webassembly_render_stops_on_ctrl_c() -> None:
    y = tangled(150, 4)  # about 1,100 edges, within the guard; its layout takes minutes
    drawing = draw(y, backend="wasm")
    render("digraph { a }", backend="wasm")  # the module compiled before the clock starts
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt), ctrl_c_after(0.5):
        drawing.svg()
    assert time.monotonic() - start < 20  # stopped mid-layout, not at its end
    assert not [t for t in threading.enumerate() if t.name == "graphviz-wasm"]  # nothing left
    assert ET.fromstring(render("digraph { a -> b }", backend="wasm")).tag == f"{SVG}svg"


def fake_dot(folder, script: str, monkeypatch) -> None:
    """A `dot` program of our own, first on PATH."""
    path = folder / "dot"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    assert shutil.which("dot") == str(path)


def test_a_dot_render_stops_on_ctrl_c_and_the_program_is_ended(tmp_path, monkeypatch) -> None:
    pid_file = tmp_path / "pid"
    fake_dot(tmp_path, f"echo $$ > {pid_file}\nexec sleep 600\n", monkeypatch)
    with pytest.raises(KeyboardInterrupt), ctrl_c_after(0.5):
        render("digraph { a }", backend="dot")
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10  # SIGKILL was sent; give the kernel a moment
    while not not_running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not_running(pid)


def not_running(pid: int) -> bool:
    """Whether the process has ended (gone, or killed and not yet reaped: a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def test_a_failing_dot_gives_way_to_webassembly(tmp_path, monkeypatch) -> None:
    fake_dot(tmp_path, "echo 'Error: dot: cannot load plugins' >&2\nexit 1\n", monkeypatch)
    source = draw(examples.small_graph().e).source
    with pytest.warns(UserWarning, match="dot program failed \\(Error: dot: cannot load plugins"):
        svg = render(source)
    assert "grad 5" in svg_texts(svg.decode())
    for fmt_, backend in (("svg", "dot"), ("png", "auto")):  # no fallback was asked for
        with pytest.raises(RuntimeError, match="dot program failed"):
            render(source, fmt_, backend)


AWKWARD_LABELS = {  # label: as drawn
    "nul\x00here": "nul\\x00here",  # not in XML at all, so written as escapes
    "bom\ufffe": "bom\\ufffe",
    "esc\x1b": "esc\\x1b",
    "lone\ud800": "lone\\ud800",
    "my_w": "my_w",  # special in LaTeX only
    "a_b_c": "a_b_c",
    "cost$": "cost$",
    "{\\}": "{\\}",
}


@pytest.mark.parametrize("label", AWKWARD_LABELS)
def test_labels_svg_cannot_hold_are_drawn_escaped(label: str) -> None:
    y = Value(2.0, label=label) * 3
    texts = svg_texts(draw(y, backend="wasm").svg())  # ET raises on a broken SVG
    assert AWKWARD_LABELS[label] in texts


@pytest.mark.parametrize("label", AWKWARD_LABELS)
def test_labels_latex_cannot_hold_are_escaped(label: str) -> None:
    from matplotlib import mathtext

    x = Value(2.0, label=label)
    y = x * x + 1
    y.label = "y_1$"
    latex = derivation(y, x)._repr_latex_()
    assert latex.startswith("$$") and latex.endswith("$$")
    mathtext.math_to_image("$" + latex[2:-2] + "$", io.BytesIO(), format="png")  # parses


@pytest.mark.parametrize("label", AWKWARD_LABELS)
def test_trace_and_comparison_tables_stay_well_formed(label: str) -> None:
    x = Value(2.0, label=label)
    y = x * x
    for table in (trace_backward(y)._repr_html_(), compare(y, [x])._repr_html_()):
        root = ET.fromstring(f"<div>{table}</div>")
        cells = ["".join(cell.itertext()) for cell in root.iter("td")]
        assert any(AWKWARD_LABELS[label] in cell for cell in cells)
