"""The public hypothesis strategies: graphs stay inside every op's domain, share nodes, and
their engine gradients match finite differences."""

import math

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import FailedHealthCheck, Unsatisfiable

from autograd_scalar import MLP, Value, gradcheck, gradcheck_report
from autograd_scalar.core.ops import OPS
from autograd_scalar.extend import Op, exp, register
from autograd_scalar.testing import (
    Expression,
    assert_grads_close,
    expressions,
)


@settings(max_examples=400)
@given(expressions())
def test_generated_graphs_have_correct_gradients(expr: Expression) -> None:
    assert_grads_close(expr.function, expr.inputs)


@settings(max_examples=200)
@given(expressions(n_inputs=3, n_operations=10))
def test_graphs_evaluate_alike_on_floats_and_values(expr: Expression) -> None:
    floats = expr.evaluate(expr.inputs)
    values = expr.evaluate([Value(x) for x in expr.inputs])
    assert all(math.isfinite(f) and abs(f) < 1e4 for f in floats)
    assert [v.data for v in values] == pytest.approx(floats, rel=1e-12, abs=1e-12)


@settings(max_examples=200)
@given(expressions(ops=["log", "sqrt", "relu", "abs", "div", "add"]))
def test_domains_hold_by_construction(expr: Expression) -> None:
    nodes = expr.evaluate(expr.inputs)
    for name, operands, constant in expr.operations:
        args = [nodes[i] for i in operands] + ([] if constant is None else [constant])
        assert OPS[name].smooth(*args)


@settings(max_examples=100)
@given(expressions(ops=["log", "sqrt"], values=st.floats(-2, 2)))
def test_only_the_chosen_ops_appear(expr: Expression) -> None:
    assert expr.operations and {o.op for o in expr.operations} <= {"log", "sqrt"}


def test_no_graph_when_no_chosen_op_applies() -> None:
    @settings(max_examples=5, database=None)
    @given(expressions(ops=["log"], values=st.floats(-2, -0.5)))
    def never_runs(expr: Expression) -> None:
        raise AssertionError(f"drew {expr}, where log is undefined")

    with pytest.raises((Unsatisfiable, FailedHealthCheck)):
        never_runs()


def test_graphs_share_nodes_and_fan_out() -> None:
    seen_fan_out = []

    @settings(max_examples=200)
    @given(expressions(n_inputs=2, n_operations=8))
    def collect(expr: Expression) -> None:
        uses = [i for o in expr.operations for i in o.operands]
        seen_fan_out.append(len(uses) != len(set(uses)))

    collect()
    assert any(seen_fan_out)


def test_a_wrong_gradient_is_caught() -> None:
    from autograd_scalar.derivatives.gradient_check import GradcheckError

    def wrong(x: Value) -> Value:
        out = x.sin()
        out.local_grads = (math.sin(x.data),)  # a wrong local derivative
        return out

    with pytest.raises(GradcheckError):
        assert_grads_close(wrong, [0.7])


def test_unknown_op_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown ops"):
        expressions(ops=["softplus"])


@given(st.data())
def test_str_writes_the_formula(data) -> None:
    expr = data.draw(expressions(n_inputs=1, n_operations=1, ops=["tanh"]))
    assert str(expr) == "tanh(x0)"


@pytest.mark.parametrize("field", ["n_inputs", "n_operations"])
def test_sizes_below_one_are_refused(field: str) -> None:
    with pytest.raises(ValueError, match=f"{field} must be at least 1"):
        expressions(**{field: 0})


# -- what the strategies reach --


def _sample(strategy, n: int) -> list[Expression]:
    drawn: list[Expression] = []

    @settings(max_examples=n, database=None, derandomize=True)
    @given(strategy)
    def collect(expr: Expression) -> None:
        drawn.append(expr)

    collect()
    return drawn


def test_strategies_draw_every_op_deep_and_use_every_input() -> None:
    drawn = _sample(expressions(), 600)
    depths = sorted(e.depth() for e in drawn)
    assert depths[len(depths) // 2] >= 4
    assert {o.op for e in drawn for o in e.operations} == set(OPS)
    ignoring = [e for e in drawn if _unused(e)]
    assert len(ignoring) / len(drawn) < 0.05


def _unused(expr: Expression) -> list[int]:
    count = len(expr.inputs)
    needed = {count + len(expr.operations) - 1}
    for index in range(count + len(expr.operations) - 1, count - 1, -1):
        if index in needed:
            needed.update(expr.operations[index - count].operands)
    return [i for i in range(count) if i not in needed]


def test_kinks_are_reached_on_request_only() -> None:
    def on_kink(e: Expression) -> bool:
        nodes = e.evaluate(e.inputs)
        return any(o.op in ("relu", "abs") and nodes[o.operands[0]] == 0.0 for o in e.operations)

    assert not any(on_kink(e) for e in _sample(expressions(ops=["relu", "abs", "add"]), 200))
    kinked = _sample(expressions(ops=["relu", "abs", "add"], kinks=True), 200)
    assert any(on_kink(e) for e in kinked)


QUICK_PLANTED = ("mul", "exp", "relu")  # the quick run's share; pytest --full plants in every op


@pytest.mark.parametrize(
    "name",
    [n if n in QUICK_PLANTED else pytest.param(n, marks=pytest.mark.slow) for n in sorted(OPS)],
)
def test_a_planted_wrong_derivative_is_caught_for_every_op(name: str) -> None:
    """Move each local derivative of one op by 0.25·(1 + |d|): the strategies plus gradcheck find
    a graph where it shows."""
    correct = OPS[name]

    def wrong(*args):
        return tuple(d + 0.25 * (1 + abs(d)) for d in correct.derivative(*args))

    OPS[name] = correct._replace(derivative=wrong)
    try:
        found = find(
            expressions(ops=[name]),
            lambda e: not gradcheck_report(e.function, e.inputs).ok,
            settings=settings(max_examples=300, database=None, derandomize=True),
        )
    finally:
        OPS[name] = correct
    assert any(o.op == name for o in found.operations)


def test_an_op_registered_through_the_public_door_is_drawn_and_checked() -> None:
    softplus = Op(
        "softplus",
        "log(1 + exp(x))",
        lambda x: math.log1p(math.exp(x)),
        lambda x, out: (1 / (1 + exp(-x)),),
        smooth=lambda x: x < 20,
        activation=True,
    )
    register(softplus)
    try:
        drawn = _sample(expressions(), 300)
        with_softplus = [e for e in drawn if any(o.op == "softplus" for o in e.operations)]
        assert with_softplus
        for e in with_softplus[:20]:
            assert gradcheck(e.function, e.inputs)
        net = MLP(2, [3, 1], activation="softplus")
        assert net([0.5, -0.5]).op.name == "linear"
    finally:
        del OPS["softplus"]
    with pytest.raises(ValueError, match="activation"):
        MLP(2, [3, 1], activation="softplus")


def test_register_refuses_a_name_twice() -> None:
    with pytest.raises(ValueError, match="already"):
        register(OPS["tanh"])
