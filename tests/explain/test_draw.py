"""Drawing: the SVG (parsed as XML) shows every value's label, data and grad and every edge's
local derivative; both renderers work; large graphs are refused or collapsed, never hung."""

import contextlib
import io
import math
import os
import random
import re
import shutil
import signal
import threading
import time
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_scalar import MLP, Graph, Value, dot
from autograd_scalar.apps import examples
from autograd_scalar.explain import wasm
from autograd_scalar.explain.draw import LayoutTimeout, draw, render
from autograd_scalar.explain.paths import compare, derivation
from autograd_scalar.explain.text import fmt
from autograd_scalar.explain.trace import trace_backward

SVG = "{http://www.w3.org/2000/svg}"
HAS_DOT = shutil.which("dot") is not None
NEEDS_DOT = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")


def svg_texts(svg: str) -> list[str]:
    """Every piece of text drawn in the SVG."""
    root = ET.fromstring(svg)
    return [t.text.strip() for t in root.iter(f"{SVG}text") if t.text and t.text.strip()]


def edge_labels(svg: str) -> list[str]:
    """The texts drawn on edges: each is a node the edge passes through, named <head>_in<k>."""
    return [texts[0] for texts in edge_text_nodes(svg).values()]


def floating_edge_labels(svg: str) -> list[str]:
    """The texts Graphviz draws beside edges (a layer drawing's counts)."""
    root = ET.fromstring(svg)
    return [
        t.text.strip()
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "edge"
        for t in g.iter(f"{SVG}text")
        if t.text
    ]


def edge_text_nodes(svg: str) -> dict[str, list[str]]:
    """Each edge-text node of the SVG by its name, with the texts it draws."""
    root = ET.fromstring(svg)
    found = {}
    for g in root.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        if g.get("class") == "node" and title is not None and re.search(r"_in\d+$", title.text):
            found[title.text] = [t.text.strip() for t in g.iter(f"{SVG}text") if t.text]
    return found


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


def test_jupyter_display_shrinks_to_the_output_width_then_scrolls(worked) -> None:
    drawing = draw(worked.before.E, backend="wasm")
    natural = ET.fromstring(drawing.svg())
    box = ET.fromstring(drawing._repr_html_())
    assert box.tag == "div" and "overflow: auto" in box.get("style")  # scrolls when larger
    (shown,) = list(box)
    assert shown.tag == f"{SVG}svg"
    assert shown.get("width") == "100%" and shown.get("height") is None
    assert shown.get("viewBox") == natural.get("viewBox")  # the aspect ratio is kept
    smallest = float(natural.get("width").removesuffix("pt")) * 0.8
    assert f"min-width: {smallest:.0f}pt" in shown.get("style")  # never below 80 %, readable
    assert f"max-width: {natural.get('width')}" in shown.get("style")  # never grows


def text_positions(svg: str) -> dict[str, tuple[float, float]]:
    """Where each node's first text (its name) is drawn: {text: (x, y)}."""
    root = ET.fromstring(svg)
    found = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node":
            text = next(g.iter(f"{SVG}text"))
            found[text.text.strip()] = (float(text.get("x")), float(text.get("y")))
    return found


def test_the_network_reads_in_order_with_the_output_last(worked, backend: str) -> None:
    at = text_positions(draw(worked.before.E, backend=backend).svg())
    for first, second in [("x1", "x2"), ("w1", "w2"), ("w3", "w4"), ("h1", "h2"), ("w5", "w6")]:
        assert at[first][1] < at[second][1], f"{first} should be above {second}"
    assert at["E"][0] == max(x for x, _ in at.values())  # the output at the right end
    at = text_positions(draw(worked.before.E, rankdir="TB", backend=backend).svg())
    assert at["x1"][0] < at["x2"][0] and at["h1"][0] < at["h2"][0]
    assert at["E"][1] == max(y for _, y in at.values())  # at the bottom


def bezier_points(d: str) -> list[tuple[float, float]]:
    """Points along an SVG path of cubic Bézier segments (how Graphviz draws edges)."""
    numbers = [float(v) for v in re.findall(r"-?[\d.]+", d)]
    points = list(zip(numbers[::2], numbers[1::2]))
    sampled = []
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i : i + 4]
        for k in range(21):
            t = k / 20
            sampled.append(
                tuple(
                    (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t * t * c + t**3 * e
                    for a, b, c, e in zip(p0, p1, p2, p3)
                )
            )
    return sampled


def label_distances(svg: str) -> dict[str, tuple[float, float]]:
    """For each edge text (by its node's name): the text's distance to its own edge (the two
    halves through it) and to the nearest other edge."""
    root = ET.fromstring(svg)
    edges, texts = [], {}
    for g in root.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        if g.get("class") == "edge":
            path = next(g.iter(f"{SVG}path"))
            edges.append((title.text, bezier_points(path.get("d"))))
        elif g.get("class") == "node" and re.search(r"_in\d+$", title.text):
            text = next(g.iter(f"{SVG}text"))
            texts[title.text] = (float(text.get("x")), float(text.get("y")) - 4)
    distances = {}
    for name, (x, y) in texts.items():
        to = {t: min(math.hypot(px - x, py - y) for px, py in pts) for t, pts in edges}
        own = [d for t, d in to.items() if name in re.split("->", t.replace(" ", ""))]
        other = [d for t, d in to.items() if name not in re.split("->", t.replace(" ", ""))]
        distances[name] = (max(own), min(other))
    return distances


def test_crossing_edges_keep_their_labels_apart(worked, backend: str) -> None:
    # x1 and x2 each feed h1 and h2, so x1 → h2 (2.3) and x2 → h1 (1.5) cross; each label
    # is a node its edge passes through, so it sits on its own edge, clear of every other
    svg = draw(worked.before.E, backend=backend).svg()
    distances, texts = label_distances(svg), edge_text_nodes(svg)
    assert len(distances) == 15  # one per edge
    for name, (own, other) in distances.items():
        assert own <= on_its_edge(texts[name][0]) and other > 1.3 * own, (
            f"the label {name} is {own:.1f} from its edge, {other:.1f} from another"
        )


def on_its_edge(text: str) -> float:
    """How far a text's middle may be from its edge when the edge passes through it: the
    halves end at its node's border, about half its width away (10 pt type)."""
    return 3 * len(text) + 6


def test_every_label_of_a_37_value_expression_sits_on_its_own_edge() -> None:
    x, y, z = Value(0.7, label="x"), Value(-1.3, label="y"), Value(2.0, label="z")
    e = ((x * y).tanh() + (x + z) * (y - z)).exp() * (x * x + y.sin())
    e = e - (z * y + x).tanh() * (x - y) + (z * z * x).log() + (x * y * z).sigmoid()
    e = e * (y + z * x).relu() - (x - z).exp() + y * z
    assert len(Graph.of(e)) == 37
    svg = draw(e, backend="wasm").svg()
    distances, texts = label_distances(svg), edge_text_nodes(svg)
    assert len(distances) == len(Graph.of(e).edges)
    for name, (own, other) in distances.items():  # nearer its own edge than any other
        assert own <= on_its_edge(texts[name][0]) and other > own, (name, own, other)


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
    net = MLP(2, [16, 16, 1], seed=0)  # parameters are labelled by the model: L2.n0.w15
    out = net([0.5, -0.5])
    with pytest.raises(ValueError, match="level='neuron'"):
        draw(out, max_nodes=200)
    with pytest.warns(UserWarning, match="level='neuron'"):  # drawn, though hard to read
        collapsed = draw(out, collapse="labels", backend="wasm", max_nodes=400)
    assert "L2.n0.w15" in svg_texts(collapsed.svg())


def svg_size_in_pixels(svg: str) -> tuple[float, float]:
    """The drawing's size as `dot -Tpng` writes it: points at 96 pixels per 72 points."""
    root = ET.fromstring(svg)
    return tuple(float(root.get(side).removesuffix("pt")) * 96 / 72 for side in ("width", "height"))


def test_an_mlp_at_neuron_level_fits_one_screen_with_layers_left_to_right(backend: str) -> None:
    net = MLP(2, [16, 16, 1], activation="relu", seed=0)
    out = net([0.5, -1.0])
    out.backward()
    svg = draw(out, level="neuron", backend=backend).svg()
    assert max(svg_size_in_pixels(svg)) <= 2000
    at = text_positions(svg)
    assert at.pop("legend")  # what the colours and widths mean
    assert len(at) == 2 + 16 + 16 + 1  # two inputs and one box per neuron, nothing else
    columns = [{at[name][0] for name in at if name.startswith(f"L{i}.")} for i in range(3)]
    assert max(at["x0"][0], at["x1"][0]) < min(columns[0])
    assert max(columns[0]) < min(columns[1]) and max(columns[1]) < min(columns[2])
    # and top to bottom in reading order: x0 above x1, n0 above n1 above ... n15
    assert at["x0"][1] < at["x1"][1]
    for layer in ("L0", "L1"):
        heights = [at[f"{layer}.n{j}"][1] for j in range(16)]
        assert heights == sorted(heights)


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")
def test_the_neuron_level_png_is_at_most_2000_pixels(tmp_path) -> None:
    import struct

    net = MLP(2, [16, 16, 1], activation="relu", seed=0)
    png = draw(net([0.5, -1.0]), level="neuron", backend="dot").save(tmp_path / "n.png")
    width, height = struct.unpack(">II", png.read_bytes()[16:24])  # the IHDR chunk
    assert max(width, height) <= 2000


def test_a_neuron_box_shows_its_sum_and_activation_and_its_edges_carry_d_neuron_d_input() -> None:
    net = MLP(2, [2, 1], activation="tanh", seed=3)
    x = [Value(0.3, "a"), Value(-0.7, "b")]
    out = net(x)
    drawing = draw(out, level="neuron", backend="wasm")
    texts = svg_texts(drawing.svg())
    neuron = net.layers[0].neurons[1]
    total = sum(w.data * v.data for w, v in zip(neuron.weights, x)) + neuron.bias.data
    assert "L0.n1" in texts and f"tanh {fmt(math.tanh(total))}" in texts
    assert f"Σ\u00a0{fmt(total)}" in texts  # the sum and the activation read alike: name, number
    assert not any(t.startswith("L0.n1.w") for t in texts)  # weights folded into the neuron
    # d L0.n1 / d a = w0 · tanh'(Σ), by the chain rule worked by hand
    expected = neuron.weights[0].data * (1 - math.tanh(total) ** 2)
    assert fmt(expected) in edge_labels(drawing.svg())


def test_an_mlp_at_layer_level_is_one_box_per_layer() -> None:
    net = MLP(2, [16, 16, 1], activation="relu", seed=0)
    svg = draw(net([0.5, -1.0]), level="layer", backend="wasm").svg()
    texts = svg_texts(svg)
    for box in (["inputs", "2 values"], ["L0", "2 → 16", "relu"], ["L1", "16 → 16", "relu"]):
        assert set(box) <= set(texts)
    assert {"L2", "16 → 1", "linear"} <= set(texts)
    assert sorted(floating_edge_labels(svg)) == ["16 edges", "256 edges", "32 edges"]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: draw(3.0), TypeError, "Value"),
        (lambda: draw(Value(1.0), rankdir="RL"), ValueError, "rankdir"),
        (lambda: draw(Value(1.0), collapse="depth"), ValueError, "collapse"),
        (lambda: render("digraph {}", backend="cairo"), ValueError, "backend"),
        (lambda: draw(Value(1.0), backend="cairo"), ValueError, "backend"),
        (lambda: draw(Value(1.0), level="neurons"), ValueError, "level"),
        (lambda: draw(Value(1.0), level="layer", collapse="labels"), ValueError, "collapse"),
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
    with pytest.warns(UserWarning, match="more than a person can read"):
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


def test_a_dense_graph_is_refused_before_any_layout() -> None:
    y = tangled(126, 17)  # 119 values, 3,706 edges: under both counts, minutes of layout
    graph = Graph.of(y)
    assert (len(graph.order), len(graph.edges)) == (119, 3706)
    with pytest.raises(ValueError, match="per value.*level='neuron'.*max_edges"):
        draw(y)
    assert draw(y, max_edges=4000).source.count("->") > 3706  # asked for: drawn


@pytest.mark.parametrize("backend", ["wasm", pytest.param("dot", marks=NEEDS_DOT)])
def test_a_layout_past_its_timeout_is_stopped_with_a_clear_error(backend: str) -> None:
    y = tangled(150, 4)  # within every guard; its layout takes minutes
    render("digraph { a }", backend=backend)  # the WebAssembly module compiled beforehand
    start = time.monotonic()
    with pytest.raises(LayoutTimeout, match="did not finish the layout in 1 s.*level='neuron'"):
        draw(y, backend=backend, timeout=1).svg()
    assert time.monotonic() - start < 30
    assert "grad 5" in svg_texts(draw(examples.small_graph().e, backend=backend).svg())


@pytest.mark.parametrize("timeout", [0, -1.0, float("nan")])
def test_a_timeout_must_be_a_positive_number_of_seconds(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        render("digraph { a }", timeout=timeout)


def test_an_unreadably_large_drawing_warns_and_names_the_readable_choices() -> None:
    out = MLP(2, [16, 16, 1], activation="relu", seed=0)([0.5, -1.0])
    with pytest.warns(UserWarning, match="level='neuron'.*collapse='labels'"):
        draw(out)
    with pytest.warns(UserWarning) as caught:
        draw(out, collapse="labels")
    assert "collapse=" not in str(caught[0].message)  # already collapsed: only the other view
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw(out, level="neuron")
        draw(examples.small_graph().e)


def test_the_neuron_level_explains_its_colours_and_widths() -> None:
    big = MLP(2, [16, 16, 1], activation="relu", seed=0)([0.5, -1.0])
    texts = svg_texts(draw(big, level="neuron", backend="wasm").svg())
    assert "legend" in texts
    assert "blue: positive ∂, orange: negative ∂" in texts
    assert any(t.startswith("width: |∂|, the widest") for t in texts)
    small = MLP(2, [2, 1], seed=0)([0.5, -1.0])
    texts = svg_texts(draw(small, level="neuron", backend="wasm").svg())
    assert "the number on an edge: its ∂neuron/∂input" in texts
