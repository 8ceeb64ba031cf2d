"""The adjoint program: readable source that needs only math, replay equal to backward(),
batch replay equal to a loop of replays, and the engine's errors outside an op's domain."""

import math
import re
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_scalar import Value
from autograd_scalar.apps import examples
from autograd_scalar.compile.program import (
    GraphChanged,
    Program,
    compile_function,
    compile_program,
)
from autograd_scalar.core.graph import Graph
from autograd_scalar.core.ops import OPS, Op
from autograd_scalar.core.value import apply
from autograd_scalar.explain.wengert import adjoint_trace, primal_trace
from autograd_scalar.forms.op_forms import has_forms
from autograd_scalar.testing import Expression, expressions


def survey(x1: float = 2.0, x2: float = 5.0) -> tuple[Value, Value, Value]:
    a, b = Value(x1, label="x1"), Value(x2, label="x2")
    return a, b, a.log() + a * b - b.sin()


def engine_gradients(
    f: Callable[..., Value], inputs: list[float]
) -> tuple[float, tuple[float, ...]]:
    """What the engine gives: record f at these inputs and run backward()."""
    values = [Value(x) for x in inputs]
    out = f(*values)
    out.backward()
    return out.data, tuple(v.grad for v in values)


def standalone(source: str) -> Callable[..., Any]:
    """Run the source with nothing but Python's builtins: it must bring its own imports."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<pasted>", "exec"), namespace)
    function: Callable[..., Any] = namespace["program"]
    return function


def test_survey_program_reads_as_the_two_traces_and_runs_alone() -> None:
    x1, x2, y = survey()
    program = compile_program(y, [x1, x2])
    source = program.source
    assert re.findall(r"^(?:import|from) .*$", source, re.M) == [
        "from __future__ import annotations",
        "import math",
    ]
    body = source[source.index("def program") :].splitlines()
    forward = body[body.index("    # forward: the primal trace, one line per node") + 1 :]
    forward = forward[: forward.index("")]
    adjoint = body[body.index("    # reverse: the adjoint trace, one line per edge") + 2 : -1]
    assert forward[0] == "    v1 = _log(x1)  # v₁ = log(x1)"
    assert len(forward) == 5  # one line per node that is not an input
    assert len(adjoint) == len(Graph.of(y).edges) == 8  # one line per edge
    assert adjoint[-1] == "    x2_bar += _cos(x2) * v4_bar  # v₄ → x2"  # NaN at ±inf, as the engine
    value, (g1, g2) = standalone(source)(2.0, 5.0)
    # by hand: ln 2 + 10 − sin 5; x2 + 1/x1; x1 − cos x2
    assert value == pytest.approx(math.log(2) + 10 - math.sin(5), rel=1e-15)
    assert (g1, g2) == (5.5, pytest.approx(2 - math.cos(5), rel=1e-15))
    assert program(3.0, 4.0) == standalone(source)(3.0, 4.0)


def test_w1_w6_program_gives_the_articles_gradients() -> None:
    net = examples.w1_w6_network()
    g = examples.forward(net)
    program = compile_program(g.E, net.parameters())
    value, grads = program(*examples.WEIGHTS)
    assert value == pytest.approx(0.55125, rel=1e-12)
    assert list(grads[4:]) == pytest.approx([1.3125, 3.99], rel=1e-12)
    assert "    w5_bar = h1 * y_bar  # y → w5" in program.source


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_of_the_table_is_written_out(name: str) -> None:
    """A new op in the table without a written form fails here."""
    assert has_forms(OPS[name]), f"{name}: its rules do not run on symbols"

    @settings(max_examples=15)
    @given(expressions(n_inputs=st.integers(1, 3), n_operations=st.integers(1, 3), ops=[name]))
    def compiled_equals_backward(expr: Expression) -> None:
        values = [Value(x) for x in expr.inputs]
        out = expr.function(*values)
        graph = Graph.of(out)
        inputs = [v for v in values if v in graph]
        program = compile_program(out, inputs)
        assert "OPS[" not in program.source
        out.backward()
        data = [v.data for v in inputs]
        assert standalone(program.source)(*data) == (out.data, tuple(v.grad for v in inputs))
        shown = [str(primal_trace(out)), str(adjoint_trace(out)), primal_trace(out)._repr_latex_()]
        shown.append(adjoint_trace(out)._repr_latex_())
        assert not re.search(r"\{(x|y|c|out|m)\}", "".join(shown)), shown  # every slot filled

    compiled_equals_backward()


@settings(max_examples=200)
@given(expressions(kinks=True))
def test_compiled_gradients_equal_backward(expr: Expression) -> None:
    values = [Value(x) for x in expr.inputs]
    out = expr.function(*values)
    program = compile_program(out, [v for v in values if v in Graph.of(out)])
    out.backward()
    value, grads = program(*[v.data for v in program.inputs])
    assert value == out.data
    # as backward() computes them: the same products, added in the same order
    assert grads == tuple(v.grad for v in program.inputs)


def _program_and_samples(
    expr: Expression, shifts: list[float]
) -> tuple[Value, Program, list[list[float]]]:
    """expr compiled on its inputs, and samples near them (input i moved by shift · (i + 1))."""
    values = [Value(x) for x in expr.inputs]
    out = expr.function(*values)
    program = compile_program(out, [v for v in values if v in Graph.of(out)])
    base = [v.data for v in program.inputs]
    return out, program, [[x + s * (i + 1) for i, x in enumerate(base)] for s in shifts]


@settings(max_examples=100)
@given(expressions(), st.lists(st.floats(-1e-9, 1e-9), min_size=1, max_size=5))
def test_batch_replay_equals_a_loop_of_replays(expr: Expression, shifts: list[float]) -> None:
    out, program, samples = _program_and_samples(expr, shifts)
    one_by_one = [program(*sample) for sample in samples]
    columns = [np.array(column) for column in zip(*samples)]
    outputs, summed = program.batch(*columns)
    assert outputs.tolist() == pytest.approx([v for v, _ in one_by_one], rel=1e-12)
    # NumPy's tanh, sqrt, ... may differ from math's in the last bit; where a gradient is a
    # sum that cancels, that bit is amplified. The bound: 1e-12 of the gradient's size
    # before cancelling, Σ over paths of |product of local derivatives| (per sample).
    scale = _magnitudes(out)
    for i, total in enumerate(summed):
        terms = [grads[i] for _, grads in one_by_one]
        bound = 1e-12 * len(samples) * scale.get(program.inputs[i], 0.0)
        assert total == pytest.approx(math.fsum(terms), rel=1e-12, abs=bound)


@settings(max_examples=100)
@given(expressions(), st.lists(st.floats(-1e-9, 1e-9), min_size=1, max_size=5))
def test_exact_batch_replay_is_a_loop_of_replays_to_the_bit(
    expr: Expression, shifts: list[float]
) -> None:
    out, program, samples = _program_and_samples(expr, shifts)
    one_by_one = [program(*sample) for sample in samples]
    outputs, _ = program.batch(*[np.array(column) for column in zip(*samples)], exact=True)
    assert outputs.tolist() == [v for v, _ in one_by_one]
    if len(samples) == 1:
        assert program.batch(*samples[0], exact=True)[1] == one_by_one[0][1]


ULPS = 4


@pytest.mark.parametrize("name", sorted(n for n in OPS if OPS[n].arity == 1))
def test_batch_replay_of_each_op_is_within_a_few_ulps_of_single_replays(name: str) -> None:
    """NumPy's exp, log, tanh, sin, cos against math's: the values within 4 ulps, the
    slopes within 4 ulps of their parts (1 − t·t cancels: its parts are 1 and t·t)."""
    op = OPS[name]
    c = 2.0 if op.takes_constant else None
    grid = [
        x for x in np.linspace(-6.0, 6.0, 241).tolist() if op.smooth(*[x, c][: 1 + (c is not None)])
    ]
    x = Value(grid[0], label="x")
    program = compile_program(apply(op, x, constant=c) if c is not None else apply(op, x), [x])
    values, _ = program.batch(np.array(grid))
    singles = [program(g) for g in grid]
    expected = np.array([v for v, _ in singles])
    assert np.all(np.abs(values - expected) <= ULPS * np.spacing(np.abs(expected)))
    for g, (value, (slope,)) in zip(grid, singles):
        _, (batch_slope,) = program.batch(np.array([g]))
        size = 1.0 + abs(value) * abs(value) if name == "tanh" else abs(slope)
        assert abs(batch_slope - slope) <= ULPS * np.spacing(size), (g, slope, batch_slope)


SLOPES_THAT_CANCEL = {  # the size of the slope's parts: 1 − t² is 1 and t², σ(1 − σ) is σ and σ²
    "tanh": lambda out: 1 + out * out,
    "sigmoid": lambda out: out * (1 + out),
}


def _magnitudes(out: Value) -> dict[Value, float]:
    """Σ over paths of |product of local derivatives|: how big a gradient is before its
    terms cancel (a slope that is itself a difference counts at the size of its parts: a last
    bit of NumPy's tanh moves 1 − tanh² by that bit of 1, not of the small difference)."""
    graph = Graph.of(out)
    size = {out: 1.0}
    for node in reversed(graph.order):
        for parent, local in zip(node.parents, node.local_grads):
            parts = SLOPES_THAT_CANCEL.get(node.op.name if node.op else "", lambda _: 0.0)
            local_size = max(abs(local), parts(node.data))
            size[parent] = size.get(parent, 0.0) + local_size * size.get(node, 0.0)
    return size


def test_batch_shares_numbers_and_sums_gradients() -> None:
    x1, x2, y = survey()
    program = compile_program(y, [x1, x2])
    outputs, (g1, g2) = program.batch(np.array([2.0, 3.0, 4.0]), 5.0)
    assert outputs.tolist() == [program(x, 5.0)[0] for x in (2.0, 3.0, 4.0)]
    assert g1 == pytest.approx(3 * 5 + 1 / 2 + 1 / 3 + 1 / 4, rel=1e-15)
    assert g2 == pytest.approx(2 + 3 + 4 - 3 * math.cos(5), rel=1e-15)
    assert "np.log(x1)" in program.array_source


def test_batch_replay_frees_each_array_after_its_last_use() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(500):  # 1,000 forward lines, none of whose values the adjoint reads
        y = y * 0.999 + 0.001
    program = compile_program(y, [x])
    assert "del " in program.array_source and "del " not in program.source
    samples = np.linspace(0.0, 1.0, 10_000)
    outputs, (grad,) = program.batch(samples)
    assert outputs.tolist() == pytest.approx([program(s)[0] for s in samples], rel=1e-12)
    assert grad == pytest.approx(10_000 * program(0.5)[1][0], rel=1e-12)
    tracemalloc.start()
    try:
        program.batch(samples)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * samples.nbytes  # kept to the end, its 2,000 arrays would all be held


def test_batch_refuses_ragged_or_empty_inputs() -> None:
    x1, x2, y = survey()
    program = compile_program(y, [x1, x2])
    with pytest.raises(ValueError, match="one length"):
        program.batch(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="no sample"):
        program.batch(np.ones(0), 1.0)
    with pytest.raises(TypeError, match="takes 2 inputs, got 1"):
        program.batch(np.ones(3))


def test_branching_ops_choose_their_branch_again() -> None:
    def f(x: Value) -> Value:
        return (x - 1).relu() * 3 + abs(x + 1) * x

    program = compile_function(f, 2.0)  # recorded where relu passes and x + 1 > 0
    for x in (2.0, 0.5, -3.0, 1.0, -1.0):
        assert program(x) == engine_gradients(f, [x])
    outputs, (grad,) = program.batch(np.array([2.0, 0.5, -3.0]))
    assert outputs.tolist() == [engine_gradients(f, [x])[0] for x in (2.0, 0.5, -3.0)]
    assert grad == sum(engine_gradients(f, [x])[1][0] for x in (2.0, 0.5, -3.0))


def python_if(x: Value) -> Value:
    if x > 0:
        return x * 2
    return x * x


def test_a_python_if_is_fixed_when_recorded_as_in_jax_jit() -> None:
    program = compile_function(python_if, 1.0)
    assert program(-3.0) == (-6.0, (2.0,))  # the x > 0 branch, as recorded
    program.verify(python_if, 5.0)  # same branch: fine
    with pytest.raises(GraphChanged, match=r"python_if\(-3.0,\) records another graph"):
        program.verify(python_if, -3.0)


def test_check_every_records_again_and_compares() -> None:
    program = compile_function(python_if, 1.0, check_every=2)
    assert program(-3.0) == (-6.0, (2.0,))  # first call: not checked
    assert program(4.0) == (8.0, (2.0,))  # second call: checked, same graph
    program(-1.0)
    with pytest.raises(GraphChanged):
        program(-1.0)  # fourth call: checked
    with pytest.raises(ValueError, match="check_every"):
        compile_function(python_if, 1.0, check_every=-1)


def test_compile_function_names_the_inputs_after_the_parameters() -> None:
    program = compile_function(lambda weight, bias: weight * 3 + bias, 2.0, 1.0)
    assert "def program(weight, bias):" in program.source
    assert program(1.0, 0.5) == (3.5, (3.0, 1.0))


DOMAIN_CASES = [
    ("log", lambda x: x.log(), [2.0], [-1.0]),
    ("log at 0", lambda x: x.log(), [2.0], [0.0]),
    ("sqrt", lambda x: x.sqrt(), [4.0], [-4.0]),
    ("sqrt's slope at 0", lambda x: x.sqrt(), [4.0], [0.0]),
    ("division", lambda x, y: x / y, [1.0, 2.0], [1.0, 0.0]),
    ("number over x", lambda x: 1 / x, [2.0], [0.0]),
    ("pow with a Value exponent", lambda x, y: x**y, [2.0, 0.5], [-2.0, 0.5]),
    ("fractional power of a negative", lambda x: x**0.5, [4.0], [-4.0]),
    ("negative power of 0", lambda x: x**-1, [4.0], [0.0]),
    ("slope of x ** 0.5 at 0", lambda x: x**0.5, [4.0], [0.0]),
    ("number to a Value power", lambda x: 2**x, [1.0], [5000.0]),
    ("exp overflow", lambda x: x.exp(), [1.0], [1000.0]),
]


@pytest.mark.parametrize(
    "f, good, bad", [c[1:] for c in DOMAIN_CASES], ids=[c[0] for c in DOMAIN_CASES]
)
def test_domain_errors_at_replay_are_the_engines(
    f: Callable[..., Value], good: list[float], bad: list[float]
) -> None:
    with pytest.raises(Exception) as raised_by_engine:  # noqa: PT011 (whatever the engine raises)
        engine_gradients(f, bad)
    expected = raised_by_engine.value
    values = [Value(x) for x in good]
    program = compile_program(f(*values), values)
    with pytest.raises(type(expected), match=re.escape(str(expected))):
        program(*bad)
    batch = [np.array([g, b, g]) for g, b in zip(good, bad)]
    with pytest.raises(type(expected), match=re.escape(str(expected))):
        program.batch(*batch)  # never a NaN among the samples


def test_batch_gives_an_overflow_as_a_single_replay_does() -> None:
    x = Value(2.0)
    program = compile_program((x * 1e200) * (x * 1e200), [x])
    values, (grad,) = program.batch(np.array([0.0, 2.0]))
    assert values.tolist() == [0.0, math.inf] == [program(0.0)[0], program(2.0)[0]]
    assert grad == math.inf


def test_replay_of_sin_and_cos_at_infinity_is_nan_as_in_the_engine() -> None:
    x = Value(math.inf)
    out = x.sin() * x.cos()
    out.backward()
    program = compile_program(out, [x])
    value, (grad,) = program(math.inf)
    assert math.isnan(value) and math.isnan(out.data) and math.isnan(grad) and math.isnan(x.grad)
    values, (summed,) = program.batch(np.array([math.inf, 0.5]))
    assert math.isnan(values[0]) and values[1] == program(0.5)[0] and math.isnan(summed)


@pytest.mark.parametrize(
    "bad, kind",
    [("3", "str"), (True, "bool"), (1 + 2j, "complex"), (Value(1.0), "Value"), (None, "None")],
)
def test_single_and_batch_replay_refuse_what_is_not_a_real_number(bad: object, kind: str) -> None:
    x = Value(2.0, label="x")
    program = compile_program(x * x, [x])
    with pytest.raises(
        TypeError, match=f"input 0 of the program must be a real number, got {kind}"
    ):
        program(bad)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=f"input 0 of the program must be a real number, got {kind}"
    ):
        program.batch(bad)


@pytest.mark.parametrize(
    "array", [np.array([True, False]), np.array(["1", "2"]), np.array([1 + 2j]), ["a", 1.0]]
)
def test_batch_refuses_an_array_that_does_not_hold_real_numbers(array: object) -> None:
    x = Value(2.0, label="x")
    program = compile_program(x * x, [x])
    with pytest.raises(TypeError, match="input 0 of the batch must hold real numbers"):
        program.batch(array)


def test_batch_and_single_replay_accept_nan_and_inf_alike() -> None:
    x = Value(2.0, label="x")
    program = compile_program(x * x + 1, [x])
    values, _ = program.batch(
        np.array([math.nan, math.inf, 2.0]),
    )
    assert math.isnan(values[0]) and math.isnan(program(math.nan)[0])
    assert values[1] == program(math.inf)[0] == math.inf and values[2] == 5.0
    assert program(np.float64(2.0)) == program(2) == (5.0, (4.0,))


def test_an_op_of_your_own_is_written_from_its_rules() -> None:
    cube = Op("cube_for_test", "x³", lambda x: x**3, lambda x, out: (3 * x * x,))
    x = Value(2.0, label="x")
    y = apply(cube, x) + x
    program = compile_program(y, [x])
    assert "v1 = x ** 3  # v₁ = x³" in program.source
    assert "x_bar += (3 * x * x) * v1_bar" in program.source
    assert program(3.0) == (30.0, (28.0,))
    outputs, (grad,) = program.batch(np.array([1.0, 3.0]))
    assert outputs.tolist() == [2.0, 30.0]
    assert grad == 4.0 + 28.0


@pytest.mark.parametrize(
    "forward, derivative",
    [
        (lambda x: math.log1p(x), lambda x, out: (1 / (1 + x),)),  # a function of its own
        (lambda x: x if x > 0 else 0.0, lambda x, out: (1.0,)),  # a branch on the value
        (lambda x: 2 * x, lambda x, out: (2.0 if x > 0 else 0.0,)),
    ],
)
def test_an_op_whose_rules_do_not_run_on_symbols_is_refused_by_name(
    forward: Callable[..., float], derivative: Callable[..., tuple[float]]
) -> None:
    op = Op("opaque_for_test", "opaque(x)", forward, derivative)
    y = apply(op, Value(0.5))
    with pytest.raises(NotImplementedError, match="'opaque_for_test' cannot be compiled"):
        compile_program(y)


def test_inputs_are_leaves_of_the_graph_given_once() -> None:
    x1, x2, y = survey()
    with pytest.raises(ValueError, match="computed from other nodes"):
        compile_program(y, [x1, y])
    with pytest.raises(ValueError, match="not in the graph"):
        compile_program(y, [x1, Value(3.0)])
    with pytest.raises(ValueError, match="only once"):
        compile_program(y, [x1, x1])
    with pytest.raises(TypeError, match="takes a Value"):
        compile_program(3.0)  # type: ignore[arg-type]


def test_other_leaves_are_written_in_as_constants() -> None:
    x1, x2, y = survey()
    program = compile_program(y, [x1])
    assert "x2 = 5.0  # x2" in program.source
    assert program(2.0)[1] == (5.5,)
    assert compile_program(y).inputs == [x1, x2]  # by default, every leaf


def test_variables_are_python_names_even_when_labels_are_not() -> None:
    a, b = Value(1.0, label="math"), Value(2.0, label="learning rate")
    c = a * b
    c.label = "x̄"
    program = compile_program(c, [a, b])
    assert "def program(math_, v0):" in program.source
    assert program(3.0, 4.0) == (12.0, (4.0, 3.0))


def test_output_as_its_own_input() -> None:
    x = Value(3.0, label="x")
    program = compile_program(x, [x])
    assert program(4.0) == (4.0, (1.0,))


def test_replay_computes_on_floats() -> None:
    x = Value(2.0, label="x")
    program = compile_program(2**x, [x])
    value, (grad,) = program(3)
    assert type(value) is float and value == 8.0 and grad == 8.0 * math.log(2)
    with pytest.raises(OverflowError, match=re.escape("pow(2 ** 5000.0) overflows a float")):
        program(5000)  # as the engine: no exact int arithmetic that would never overflow
    with pytest.raises(TypeError, match="must be a real number, got Value"):
        program(Value(3.0))  # type: ignore[arg-type]


def test_compiling_and_checking_record_even_inside_no_grad() -> None:
    from autograd_scalar import no_grad

    with no_grad():
        program = compile_function(lambda a, b: a * b + a, 1.0, 2.0, check_every=1)
        assert program(3.0, 4.0) == (15.0, (5.0, 3.0))  # checked: the graph is the same


def test_a_program_is_one_snapshot_in_every_view() -> None:
    """A leaf that is not an input, changed after compiling, changes no view of the program."""
    w, x = Value(3.0, label="w"), Value(2.0, label="x")
    program = compile_program(w * x, [x])
    w.data = 10.0
    values, _ = program.batch(np.array([1.0]))
    assert program(1.0)[0] == values[0] == standalone(program.source)(1.0)[0] == 3.0
    jax = pytest.importorskip("jax")
    from autograd_scalar.compile.export import to_jax

    assert float(to_jax(program)(1.0)) == 3.0
    assert float(jax.grad(to_jax(program))(1.0)) == program(1.0)[1][0] == 3.0


def test_a_constant_subexpression_is_the_number_it_was_recorded_as() -> None:
    c, x = Value(1.5, label="c"), Value(2.0, label="x")
    program = compile_program(c.exp() * x, [x])
    assert f"v1 = {math.exp(1.5)!r}  # v₁ = exp(c)" in program.source
    assert program(1.0) == (math.exp(1.5), (math.exp(1.5),))


HOSTILE_LABELS = [
    '"""',
    "'''",
    "a\nimport builtins; builtins.PWNED = True",
    "\\N",
    "\\",
    "x\r\nbuiltins.PWNED = True",
    "nul\x00here",
    "\ud800",
    "\u2028builtins.PWNED = True",
    "\u202eevil",
    "__import__('builtins').PWNED = True",
    "{x} {out} \x00o\x00",
    "# ) ] }",
    "pass",
    "match",
]


@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_a_hostile_label_compiles_and_runs_nothing(label: str) -> None:
    import builtins

    def made(first: str, second: str) -> tuple[Value, Value, Value]:
        a, b = Value(2.0, label=first), Value(0.5, label=second)
        out = (a * b).tanh() + a.log()
        out.label = first
        return a, b, out

    a, b, out = made(label, label + "2")
    program = compile_program(out, [a, b])
    out.backward()
    source = program.source
    assert standalone(source)(2.0, 0.5) == program(2.0, 0.5) == (out.data, (a.grad, b.grad))
    assert program.batch(np.array([2.0]), 0.5)[0][0] == pytest.approx(out.data, rel=1e-15)
    # the code is the code of the same graph unlabelled: labels are in comments and docstring
    plain = compile_program(made("", "")[2], None).source
    assert _code_only(source) == _code_only(plain)
    assert not hasattr(builtins, "PWNED")
    jax = pytest.importorskip("jax")
    from autograd_scalar.compile.export import to_jax

    jax.config.update("jax_enable_x64", True)
    assert float(to_jax(program)(2.0, 0.5)) == pytest.approx(out.data, rel=1e-15)
    assert not hasattr(builtins, "PWNED")


def _code_only(source: str) -> str:
    """The program's function as its syntax tree, without the docstring."""
    import ast

    function = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef))
    function.body = function.body[1:]
    return ast.dump(function)


def test_compile_function_takes_an_argument_it_ignores_with_gradient_zero() -> None:
    program = compile_function(lambda x, n: x * 3, 2.0, 5.0)
    assert program(4.0, 1.0) == (12.0, (3.0, 0.0))
    values, grads = program.batch(np.array([1.0, 2.0]), 7.0)
    assert values.tolist() == [3.0, 6.0] and grads == (6.0, 0.0)
    assert "def program(x, n):" in program.source
    constant = compile_function(lambda x: Value(2.0), 1.0)
    assert constant(5.0) == (2.0, (0.0,))


def test_batch_refuses_a_negative_base_of_a_value_power_as_the_engine_does() -> None:
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    program = compile_program(x**y, [x, y])
    with pytest.raises(ValueError, match="a Value exponent needs a positive base"):
        program(-2.0, 3.0)
    with pytest.raises(ValueError, match="a Value exponent needs a positive base"):
        program.batch(np.array([2.0, -2.0]), 3.0)  # NumPy alone would give -8
    values, _ = program.batch(np.array([2.0, 0.5]), 3.0)
    assert values.tolist() == [8.0, 0.125]
