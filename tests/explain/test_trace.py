"""The step-by-step backward trace ends in exactly backward()'s gradients, one step per edge."""

import re

import pytest
from hypothesis import given, settings

from autograd_scalar import MLP, Value
from autograd_scalar.apps import examples
from autograd_scalar.explain.draw import HIGHLIGHT
from autograd_scalar.explain.trace import stepper_data, trace_backward
from autograd_scalar.testing import Expression, expressions


def edge_count(output: Value) -> int:
    return sum(len(node.parents) for node in output.topological_order())


def test_worked_example_trace_equals_backward() -> None:
    traced = examples.forward(examples.w1_w6_network())
    plain = examples.forward(examples.w1_w6_network())
    trace = trace_backward(traced.E)
    plain.E.backward()
    traced_nodes = traced.E.topological_order()
    plain_nodes = plain.E.topological_order()
    assert [n.grad for n in traced_nodes] == [n.grad for n in plain_nodes]
    # each neuron is one node (Σ wᵢxᵢ), so the graph has 15 edges, as drawn in the article
    assert len(trace) == edge_count(traced.E) == 15


def test_each_step_adds_local_times_child_grad() -> None:
    g = examples.forward(examples.w1_w6_network())
    trace = trace_backward(g.E)
    for step in trace.steps:
        assert step.after == step.before + step.local * step.upstream
    # x2 feeds h1 (weight 1.5) and h2 (weight 3): backward reaches h1 first, then h2 adds to it
    into_x2 = [s for s in trace.steps if s.parent is g.x[1]]
    assert [round(s.after, 12) for s in into_x2] == [1.575, 4.725]


def test_grads_after_a_step_show_the_pass_half_done() -> None:
    g = examples.forward(examples.w1_w6_network())
    trace = trace_backward(g.E)
    seeded = trace.grads_after(-1)
    assert seeded[g.E] == 1.0 and all(seeded[n] == 0.0 for n in seeded if n is not g.E)
    final = trace.grads_after(len(trace) - 1)
    assert all(final[n] == n.grad for n in final)


def test_on_a_graph_with_grads_the_trace_shows_the_real_grads() -> None:
    g = examples.small_graph()  # backward() has run once: b.grad is 5
    assert g.b.grad == 5.0
    trace = trace_backward(g.e)
    into_b = [s for s in trace.steps if s.parent is g.b]
    # backward reaches c (de/dc = 2) before d (3), first parents first: 5 → 7 → 10
    assert [(s.before, s.after) for s in into_b] == [(5.0, 7.0), (7.0, 10.0)]
    assert g.b.grad == 10.0  # what the last step says, as backward() leaves it
    for step in trace.steps:  # each step's "after" is the parent's final grad once it is done
        last = [s for s in trace.steps if s.parent is step.parent][-1]
        assert last.after == step.parent.grad
    assert trace.grads_after(-1)[g.e] == 2.0  # the seed adds 1 to e's earlier 1
    assert "grad 10" in trace.drawing(-1).source and "grad 5" in trace.drawing(0).source


def test_trace_prints_a_table() -> None:
    g = examples.small_graph()
    g.e.zero_grad()
    trace = trace_backward(g.e)
    text = str(trace)
    assert repr(trace) == text
    lines = text.splitlines()
    assert lines[0].split() == [
        "step",
        "edge",
        "local",
        "upstream",
        "added",
        "grad",
        "before",
        "grad",
        "after",
    ]
    assert len(lines) == 1 + 5
    assert "c → b" in text and "d → b" in text


def test_steps_are_numbered_alike_in_the_table_the_caption_the_drawing_and_the_index() -> None:
    g = examples.small_graph()
    g.e.zero_grad()
    trace = trace_backward(g.e)
    for i, (row, step) in enumerate(zip(str(trace).splitlines()[1:], trace.steps)):
        assert row.split()[0] == str(i) == str(step.index)
        assert trace[i] is step
        assert trace.caption(i).startswith(f"step {i} of 0–4: ")
        labels = highlighted_labels(trace.drawing(i).source)
        assert labels == [f"{step.local:.6g}"]


def test_trace_accumulates_like_backward() -> None:
    x = Value(3.0)
    y = x * x
    y.backward()
    trace_backward(y)
    assert x.grad == 12.0


def test_drawing_of_a_step_highlights_its_edge() -> None:
    g = examples.small_graph()
    trace = trace_backward(g.e)
    source = trace.drawing(0, backend="wasm").source
    assert source.count("#d62728") == 3  # the two halves of the edge and the text on it


def highlighted_labels(source: str) -> list[str]:
    """The labels of the edges drawn in the highlight colour, from the DOT source."""
    return re.findall(r'label=(\S+) (?:font)?color="#d62728"', source)


def test_each_use_of_a_parent_is_its_own_edge_and_step() -> None:
    x = Value(3.0, label="x")
    y = x * x + 1
    y.label = "y"
    trace = trace_backward(y)
    assert [(s.parent.label, s.use, s.local) for s in trace.steps[1:]] == [
        ("x", 0, 3.0),
        ("x", 1, 3.0),
    ]
    for i in (1, 2):  # one red edge, labelled with the step's own local derivative
        assert highlighted_labels(trace.drawing(i).source) == ["3"]
    first, second = trace.drawing(1).source, trace.drawing(2).source
    assert first != second  # a different edge, and x's grad 3 then 6
    assert "grad 3" in first and "grad 6" in second


def test_a_negative_index_is_the_step_counted_from_the_end() -> None:
    g = examples.small_graph()
    g.e.zero_grad()
    trace = trace_backward(g.e)
    assert trace.drawing(-1).source == trace.drawing(len(trace) - 1).source


def test_the_stepper_needs_no_ipywidgets(monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_widgets(name, *args, **kwargs):
        if name == "ipywidgets":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_widgets)
    trace = trace_backward(examples.small_graph().e)
    assert "autogradStepper" in trace.stepper(backend="wasm")._repr_html_()
    assert "<table>" in trace._repr_html_()


@settings(max_examples=100)
@given(expressions(n_inputs=3, n_operations=10))
def test_random_graphs_trace_equals_backward(expr: Expression) -> None:
    traced = [Value(x) for x in expr.inputs]
    plain = [Value(x) for x in expr.inputs]
    traced_out, plain_out = expr.function(*traced), expr.function(*plain)
    trace = trace_backward(traced_out)
    plain_out.backward()
    assert [n.grad for n in traced] == [n.grad for n in plain]
    assert [n.grad for n in traced_out.topological_order()] == [
        n.grad for n in plain_out.topological_order()
    ]
    assert len(trace) == edge_count(traced_out)


def test_the_notebook_stepper_is_html_with_the_stepper_script_inline() -> None:
    trace = trace_backward(examples.small_graph().e)
    shown = trace.stepper(backend="wasm")._repr_html_()
    assert "window.autogradStepper = mount" in shown and "<svg" in shown
    # the captions travel as data (JSON, non-ASCII escaped), once each
    assert shown.count("step 0 of 0\\u20134") == 1


def test_a_neuron_level_step_is_one_neuron_passing_its_grad_on() -> None:
    from autograd_scalar.nn import MLP

    net = MLP(2, [3, 1])
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    loss = (net(x) - 1.0) ** 2
    by_edge = trace_backward(loss)
    edge_grads = {n: n.grad for n in loss.topological_order()}
    for n in loss.topological_order():
        n.grad = 0.0
    by_neuron = trace_backward(loss, level="neuron")
    assert [n.grad for n in loss.topological_order()] == list(edge_grads.values())
    # the loss, the output neuron, then the three hidden neurons, each one step
    senders = [[by_neuron.names[n] for n in s.senders] for s in by_neuron.steps]
    assert senders == [["v₉"], ["L1.n0"], ["L0.n0"], ["L0.n1"], ["L0.n2"]]
    assert sum(len(s.ops) for s in by_neuron.steps) == len(by_edge)
    last = by_neuron[-1]
    assert [(by_neuron.names[n], after) for n, _, after in last.changes] == [
        ("x1", x[0].grad),
        ("x2", x[1].grad),
    ]  # the numbers shown are the pass's own: the last step leaves x's real grads
    by_layer = trace_backward(loss, level="layer")
    assert [len(s.senders) for s in by_layer.steps] == [1, 1, 3]


def test_an_index_out_of_range_says_which_are_valid() -> None:
    trace = trace_backward(examples.small_graph().e)
    with pytest.raises(IndexError, match=r"step 99 is not in this trace of 5 steps: valid 0 to 4"):
        trace[99]
    assert trace[-5] is trace.steps[0]


def test_an_unknown_level_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="level must be one of"):
        trace_backward(examples.small_graph().e, level="neurons")


def test_a_leaf_has_no_steps_to_walk_through() -> None:
    leaf = Value(2.0, label="a")
    trace = trace_backward(leaf)
    assert len(trace) == 0 and leaf.grad == 1.0
    assert str(trace) == "no steps: a is a leaf; backward() only sets its grad to 1"
    assert "no steps" in trace._repr_html_()
    assert trace.stepper() is trace


def test_a_neuron_steps_drawing_lights_the_pieces_its_stepper_lights() -> None:
    net = MLP(2, [3, 1], seed=0)
    loss = (net([Value(0.5, label="x1"), Value(-1.0, label="x2")]) - 1.0) ** 2
    trace = trace_backward(loss, level="neuron")
    data = stepper_data(trace)
    for i in range(len(trace)):
        lines = trace.drawing(i).digraph.body
        lit = sorted(
            re.match(r"\t(\w+) -> (\w+)", line).expand(r"\1->\2")  # type: ignore[union-attr]
            for line in lines
            if f'color="{HIGHLIGHT}"' in line
        )
        assert lit == sorted(title for title, _ in data["steps"][i]["edges"])
        assert any("_in" in title for title in lit)  # an edge in two halves: both are lit
