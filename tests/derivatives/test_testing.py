"""The public hypothesis strategies: graphs stay inside every op's domain, share nodes, and
their engine gradients match finite differences."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import FailedHealthCheck, Unsatisfiable

from autograd_scalar import Value
from autograd_scalar.core.ops import OPS
from autograd_scalar.derivatives.testing import (
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
