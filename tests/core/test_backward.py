"""backward(): the starting gradient, create_graph (also under no_grad), the refusal after
no_grad, the rollback promise for any exception at any point, and anomaly mode in backward."""

import math
import sys

import pytest

from autograd_scalar import Value, detect_anomaly, grad, no_grad
from autograd_scalar.core import backward as reverse_mode
from autograd_scalar.core.graph import Graph


def test_backward_starts_from_the_given_gradient_as_in_pytorch() -> None:
    x = Value(3.0)
    y = x * x
    y.backward(2.0)
    assert x.grad == 12.0  # 2 · dy/dx
    y.backward(gradient=0.5)
    assert x.grad == 15.0


def test_create_graph_is_keyword_only() -> None:
    y = Value(3.0) * 2
    with pytest.raises(TypeError):
        y.backward(2.0, True)  # type: ignore[misc]


def test_a_bad_starting_gradient_is_refused_and_changes_nothing() -> None:
    x = Value(3.0)
    y = x * x
    with pytest.raises(TypeError, match="backward\\(gradient\\) needs a real number"):
        y.backward("2")  # type: ignore[arg-type]
    assert x.grad == 0.0 and y.grad == 0.0


def test_create_graph_records_even_inside_no_grad() -> None:
    x = Value(0.5)
    y = x.sin() * x
    with no_grad():
        y.backward(create_graph=True)
    slope = x.grad_value
    assert slope is not None and slope.parents  # a graph is behind the gradient
    x.zero_grad()
    slope.backward()
    assert x.grad == pytest.approx(2 * math.cos(0.5) - 0.5 * math.sin(0.5), rel=1e-12)


def test_create_graph_accumulates_the_graph_gradient_too() -> None:
    x = Value(2.0)
    y = x * x * x
    y.backward()
    y.backward(create_graph=True)
    assert x.grad == 24.0 and x.grad_value is not None and x.grad_value.data == 24.0


def test_backward_on_a_value_computed_under_no_grad_is_an_error() -> None:
    x = Value(2.0)
    with no_grad():
        y = x * x
    with pytest.raises(RuntimeError, match="without recording"):
        y.backward()
    assert x.grad == 0.0


def test_backward_of_a_user_leaf_is_still_allowed() -> None:
    x = Value(2.0)
    x.backward()
    assert x.grad == 1.0


# -- rollback: the promise holds for any exception at any point --


def _graph_with_grads() -> tuple[list[Value], Value]:
    leaves = [Value(0.05 * i + 0.3) for i in range(20)]
    out = leaves[0]
    for leaf in leaves[1:]:
        out = (out * leaf).tanh() + leaf
    out.backward()  # every node holds a grad from an earlier pass
    return leaves, out


class Interrupt(BaseException):
    """Raised from inside a loop of the backward pass, like a KeyboardInterrupt."""


def _tracer(function_name: str, raise_at: int | None, seen: list[int]):
    """Counts the lines executed in `function_name`; raises Interrupt at line `raise_at`."""

    def tracer(frame, event, arg):
        if frame.f_code.co_name == function_name and event == "line":
            seen[0] += 1
            if seen[0] == raise_at:
                raise Interrupt
        return tracer

    return tracer


def _lines_run(function_name: str, create_graph: bool) -> int:
    leaves, out = _graph_with_grads()
    seen = [0]
    sys.settrace(_tracer(function_name, None, seen))
    try:
        out.backward(create_graph=create_graph)
    finally:
        sys.settrace(None)
    return seen[0]


@pytest.mark.parametrize(
    ("function_name", "create_graph"),
    [
        ("backward", False),  # its own lines: setting aside, putting back
        ("_pass", False),  # zeroing and seeding
        ("chain_rule", False),  # the chain rule
        ("_add_float_grads", False),  # adding back the float gradients held before
        ("backward", True),
        ("_pass", True),  # seeding a graph of gradients
        ("_chain_rule_as_graph", True),
        ("_add_to_grads", True),  # merging Value gradients
    ],
)
@pytest.mark.parametrize("fraction", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_grads_are_put_back_whatever_fails_wherever(
    function_name: str, create_graph: bool, fraction: float
) -> None:
    lines = _lines_run(function_name, create_graph)
    assert lines > 4
    leaves, out = _graph_with_grads()
    nodes = Graph.of(out).order
    before = [(n.grad, n.grad_value) for n in nodes]
    sys.settrace(_tracer(function_name, 1 + round(fraction * (lines - 1)), [0]))
    try:
        with pytest.raises(Interrupt):
            out.backward(create_graph=create_graph)
    finally:
        sys.settrace(None)
    assert [(n.grad, n.grad_value) for n in nodes] == before


def test_a_failure_while_merging_puts_every_grad_back() -> None:
    x = Value(1e308)
    y = x * 1.0
    y.backward()  # x.grad = 1
    y.backward(1e308)  # this pass alone is finite ...
    before = x.grad
    with detect_anomaly(), pytest.raises(FloatingPointError):
        (y * 10.0).backward(1e308)  # ... but this one overflows
    assert x.grad == before


def test_a_failed_create_graph_merge_puts_grad_values_back_too() -> None:
    x = Value(1.0)
    y = x * x * 6e307
    y.backward(create_graph=True)
    held = x.grad_value
    assert held is not None and held.data == 1.2e308
    with detect_anomaly(), pytest.raises(FloatingPointError, match="anomaly"):
        y.backward(create_graph=True)  # 1.2e308 + 1.2e308 overflows while merging
    assert x.grad == 1.2e308 and x.grad_value is held


def test_the_trace_shares_the_rollback() -> None:
    from autograd_scalar.explain import trace_backward

    leaves, out = _graph_with_grads()
    nodes = Graph.of(out).order
    before = [n.grad for n in nodes]
    sys.settrace(_tracer("chain_rule", 5, [0]))
    try:
        with pytest.raises(Interrupt):
            trace_backward(out)
    finally:
        sys.settrace(None)
    assert [n.grad for n in nodes] == before


# -- anomaly mode watches the backward pass too --


def test_anomaly_names_the_edge_where_a_nan_appears_in_backward() -> None:
    x = Value(1e-308, label="x")
    s, t = x.sqrt().sqrt().sqrt(), x.sqrt().sqrt().sqrt()
    y = s * 1e50 - t * 1e50
    # every value and local derivative is finite (the largest slope is 5e153), but their
    # product along each path overflows: +inf along s, −inf along t, and inf − inf is NaN
    nodes = Graph.of(y).order
    assert all(math.isfinite(n.data) for n in nodes)
    assert all(math.isfinite(local) for n in nodes for local in n.local_grads)
    y.backward()
    assert math.isnan(x.grad)  # without anomaly mode: a NaN with no error
    y.zero_grad()
    with detect_anomaly(), pytest.raises(FloatingPointError, match="the edge v.* → x") as info:
        y.backward()
    assert "anomaly in backward" in str(info.value)
    assert all(n.grad == 0.0 for n in nodes)  # and nothing changed


def test_passes_report_their_own_share() -> None:
    x = Value(3.0)
    y = x * x
    y.backward()
    graph = Graph.of(y)
    assert reverse_mode.gradients(graph) == [6.0, 1.0]
    assert x.grad == 6.0  # gradients() leaves every grad as it was


def test_nested_grad_inside_a_backward_graph_still_works() -> None:
    x = Value(2.0)
    y = grad(lambda t: t * t * x)(x)  # d/dt (t²x) at t = x: 2x² as a Value
    y.backward()
    assert x.grad == 8.0  # d/dx 2x² = 4x


# -- grad_value is always the same gradient as grad, as a Value --


def test_grad_value_follows_grad_through_every_kind_of_pass() -> None:
    from autograd_scalar.nn.optim import SGD

    x = Value(3.0)
    (x * x).backward(create_graph=True)
    (x + 1).backward(create_graph=True)  # a constant derivative, 1
    assert x.grad == 7.0 and x.grad_value is not None and x.grad_value.data == 7.0
    (x * x * x).backward()  # a float pass adds its number too
    assert x.grad == 34.0 and x.grad_value.data == 34.0
    x.grad_value.backward()  # and the sum stays differentiable: d/dx (2x + 1 + 27) = 2
    w = Value(3.0)
    optimizer = SGD([w], lr=0.1)
    (w * w).backward(create_graph=True)
    optimizer.zero_grad()
    assert w.grad == 0.0 and w.grad_value is None
    (w * w).backward(create_graph=True)
    assert w.grad == 6.0 and w.grad_value is not None and w.grad_value.data == 6.0


def test_a_constant_derivative_still_gets_a_grad_value() -> None:
    x = Value(2.0)
    (3 * x + 1).backward(create_graph=True)
    assert x.grad == 3.0 and x.grad_value is not None and x.grad_value.data == 3.0
    assert x.grad_value.parents == ()  # it depends on nothing


# -- one gradient per node: grad and grad_value are one store --


def test_micrograds_reset_between_passes_keeps_higher_derivatives_exact() -> None:
    x = Value(0.5)
    y = x**3
    y.backward(create_graph=True)
    g = x.grad_value
    assert g is not None
    x.grad = 0.0
    assert x.grad == 0.0 and x.grad_value is None  # both views reset together
    g.backward(create_graph=True)
    assert x.grad == 3.0 and x.grad_value is not None and x.grad_value.data == 3.0  # 6x
    h = x.grad_value
    x.grad = 0.0
    h.backward()
    assert x.grad == 6.0  # d³(x³)/dx³


def test_grad_none_means_no_gradient_yet_and_the_next_pass_works() -> None:
    x = Value(2.0)
    (x * x).backward()
    x.grad = None
    assert x.grad == 0.0 and x.grad_value is None
    (x * x).backward(create_graph=True)
    assert x.grad == 4.0
    x.grad = None
    (x * 3.0).backward()
    assert x.grad == 3.0


def test_grad_backward_after_create_graph_says_what_to_write() -> None:
    x = Value(3.0)
    (x * x).backward(create_graph=True)
    assert x.grad == 6.0 and isinstance(x.grad, float)
    with pytest.raises(TypeError, match=r"x\.grad_value\.backward\(\)"):
        x.grad.backward()
    x.grad_value.backward()  # what the message says works: d/dx 2x = 2, added to 6
    assert x.grad == 8.0


def test_assigning_a_grad_is_checked() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="Value.grad needs a real number"):
        x.grad = "1"
    assert x.grad == 0.0
    x.grad_value = None  # drops the Value gradient, keeps the number
    assert x.grad == 0.0


# -- threads: passes over shared leaves take turns --


def test_two_threads_backward_into_a_shared_leaf_lose_nothing() -> None:
    import threading

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(30):
            w = Value(1.0)
            outputs = []
            for k in range(2):
                total = w * 0.0
                for i in range(2000):
                    total = total + w * float(i + k)
                outputs.append(total)
            start = threading.Barrier(2)

            def run(y: Value, start: threading.Barrier = start) -> None:
                start.wait(timeout=5)  # both passes at once
                y.backward()

            threads = [threading.Thread(target=run, args=(y,)) for y in outputs]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert w.grad == sum(range(2000)) + sum(range(1, 2001))
    finally:
        sys.setswitchinterval(old_interval)


def test_an_interrupted_trace_leaves_every_grad_as_it_was() -> None:
    from autograd_scalar.explain import trace

    leaves, out = _graph_with_grads()
    nodes = Graph.of(out).order
    before = [n.grad for n in nodes]
    sys.settrace(_tracer("_trace", 3, [0]))  # while the steps are being read off the pass
    try:
        with pytest.raises(Interrupt):
            trace.trace_backward(out)
    finally:
        sys.settrace(None)
    assert [n.grad for n in nodes] == before


def test_a_zero_grad_is_no_gradient_yet_whichever_way_the_pass_runs() -> None:
    """A zero before the pass (either sign) takes this pass's gradient as it is, -0.0
    included, in the float path and in the path for `Value` gradients alike."""
    floats = Value(3.0) * 2.0
    floats.backward(-0.0)
    graphs = Value(3.0) * 2.0
    graphs.backward(create_graph=True)
    graphs.grad = 0.0  # a float again, and the pass runs the general path: the seed is a Value
    graphs.backward(Value(-0.0))
    held = Value(1.0)
    held.grad = -0.0
    (held * -0.0).backward()
    assert [math.copysign(1.0, v.grad) for v in (floats, graphs, held)] == [-1.0, -1.0, 1.0]
