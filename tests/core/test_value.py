"""The engine: every op against its analytic derivative and finite differences, backward's
semantics (all paths, accumulation, depth), comparisons, and bad input."""

import gc
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_scalar import Value, detect_anomaly, is_grad_enabled, no_grad
from autograd_scalar.core import ops
from autograd_scalar.core.ops import Op, exp
from autograd_scalar.core.value import apply, dot
from autograd_scalar.testing import assert_grads_close, expressions

from ..operators import OPERATORS


def finite(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def central_difference(f, x: float, h: float = 1e-6) -> float:
    step = h * max(1.0, abs(x))
    return (f(x + step) - f(x - step)) / (2 * step)


def engine_grad(f, x: float) -> float:
    v = Value(x)
    f(v).backward()
    return v.grad


def assert_close(got: float, want: float, rel: float = 1e-6, abs_: float = 1e-6) -> None:
    assert math.isclose(got, want, rel_tol=rel, abs_tol=abs_), (got, want)


# -- unary ops: (op applied to a Value, the same on floats, analytic derivative, domain) --

AWAY_FROM_ZERO = finite(-5, 5).filter(lambda x: abs(x) > 1e-3)
UNARY = {
    "neg": (lambda v: -v, lambda x: -x, lambda x: -1.0, finite(-10, 10)),
    "exp": (Value.exp, math.exp, math.exp, finite(-20, 20)),
    "log": (Value.log, math.log, lambda x: 1 / x, finite(1e-3, 1e3)),
    "sqrt": (Value.sqrt, math.sqrt, lambda x: 0.5 / math.sqrt(x), finite(1e-3, 1e3)),
    "tanh": (Value.tanh, math.tanh, lambda x: 1 / math.cosh(x) ** 2, finite(-5, 5)),
    "sigmoid": (
        Value.sigmoid,
        lambda x: 1 / (1 + math.exp(-x)),
        lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
        finite(-20, 20),
    ),
    "relu": (Value.relu, lambda x: max(x, 0.0), lambda x: float(x > 0), AWAY_FROM_ZERO),
    "sin": (Value.sin, math.sin, math.cos, finite(-10, 10)),
    "cos": (Value.cos, math.cos, lambda x: -math.sin(x), finite(-10, 10)),
    "abs": (abs, abs, lambda x: math.copysign(1.0, x), AWAY_FROM_ZERO),
    "square": (lambda v: v**2, lambda x: x**2, lambda x: 2 * x, finite(-10, 10)),
    "cube": (lambda v: v**3, lambda x: x**3, lambda x: 3 * x**2, finite(-10, 10)),
    "pow 1.5": (lambda v: v**1.5, lambda x: x**1.5, lambda x: 1.5 * x**0.5, finite(1e-2, 10)),
    "reciprocal": (lambda v: v**-1, lambda x: 1 / x, lambda x: -1 / x**2, AWAY_FROM_ZERO),
    "2 ** x": (lambda v: 2**v, lambda x: 2**x, lambda x: 2**x * math.log(2), finite(-10, 10)),
    "3 - x": (lambda v: 3 - v, lambda x: 3 - x, lambda x: -1.0, finite(-10, 10)),
    "3 / x": (lambda v: 3 / v, lambda x: 3 / x, lambda x: -3 / x**2, AWAY_FROM_ZERO),
    "x / 4": (lambda v: v / 4, lambda x: x / 4, lambda x: 0.25, finite(-10, 10)),
    "x * 7": (lambda v: v * 7, lambda x: x * 7, lambda x: 7.0, finite(-10, 10)),
    "7 * x": (lambda v: 7 * v, lambda x: 7 * x, lambda x: 7.0, finite(-10, 10)),
    "x + 2": (lambda v: v + 2, lambda x: x + 2, lambda x: 1.0, finite(-10, 10)),
    "2 + x": (lambda v: 2 + v, lambda x: 2 + x, lambda x: 1.0, finite(-10, 10)),
    "x - 2": (lambda v: v - 2, lambda x: x - 2, lambda x: 1.0, finite(-10, 10)),
}


@pytest.mark.parametrize("name", UNARY)
def test_unary_op_value_and_derivative(name: str) -> None:
    op, on_floats, derivative, domain = UNARY[name]

    @settings(max_examples=60, deadline=None)
    @given(domain)
    def check(x: float) -> None:
        assert_close(op(Value(x)).data, on_floats(x), rel=1e-12, abs_=1e-12)
        got = engine_grad(op, x)
        assert_close(got, derivative(x), rel=1e-12, abs_=1e-12)
        assert_close(got, central_difference(on_floats, x), rel=1e-5, abs_=1e-6)

    check()


# -- binary ops between two Values: (op, analytic (d/dx, d/dy), domain of x, domain of y) --

BINARY = {
    "add": (lambda x, y: x + y, lambda x, y: (1.0, 1.0), finite(-10, 10), finite(-10, 10)),
    "sub": (lambda x, y: x - y, lambda x, y: (1.0, -1.0), finite(-10, 10), finite(-10, 10)),
    "mul": (lambda x, y: x * y, lambda x, y: (y, x), finite(-10, 10), finite(-10, 10)),
    "div": (
        lambda x, y: x / y,
        lambda x, y: (1 / y, -x / y**2),
        finite(-10, 10),
        AWAY_FROM_ZERO,
    ),
    "pow": (
        lambda x, y: x**y,
        lambda x, y: (y * x ** (y - 1), x**y * math.log(x)),
        finite(0.1, 5),
        finite(-3, 3),
    ),
}


@pytest.mark.parametrize("name", BINARY)
def test_binary_op_derivatives(name: str) -> None:
    op, derivatives, x_domain, y_domain = BINARY[name]

    @settings(max_examples=60, deadline=None)
    @given(x_domain, y_domain)
    def check(x: float, y: float) -> None:
        vx, vy = Value(x), Value(y)
        out = op(vx, vy)
        assert_close(out.data, op(x, y), rel=1e-12, abs_=1e-12)
        out.backward()
        want_x, want_y = derivatives(x, y)
        assert_close(vx.grad, want_x, rel=1e-12, abs_=1e-12)
        assert_close(vy.grad, want_y, rel=1e-12, abs_=1e-12)
        assert_close(vx.grad, central_difference(lambda t: op(t, y), x), rel=1e-5, abs_=1e-6)
        assert_close(vy.grad, central_difference(lambda t: op(x, t), y), rel=1e-5, abs_=1e-6)

    check()


def test_kinks_take_the_pytorch_convention() -> None:
    assert engine_grad(Value.relu, 0.0) == 0.0
    assert engine_grad(abs, 0.0) == 0.0
    assert engine_grad(lambda v: v**1, 0.0) == 1.0
    assert engine_grad(lambda v: v**0, 0.0) == 0.0
    assert engine_grad(lambda v: v**2, 0.0) == 0.0


def test_sigmoid_is_stable_for_large_inputs() -> None:
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0


# -- backward: the chain rule summed over all paths --


def test_small_graph_sums_over_paths() -> None:
    a, b = Value(2.0, "a"), Value(1.0, "b")
    c, d = a + b, b + 1
    e = c * d
    e.backward()
    assert (e.data, a.grad, b.grad, c.grad, d.grad) == (6.0, 2.0, 5.0, 2.0, 3.0)
    # b's grad is one term per path: through c (1 · d = 2) and through d (1 · c = 3)
    assert b.grad == 1.0 * d.data + 1.0 * c.data


def test_nodes_record_parents_and_local_derivatives() -> None:
    a, b = Value(2.0), Value(3.0)
    out = a * b
    assert out.parents == (a, b)
    assert out.local_grads == (3.0, 2.0)
    assert out.op.name == "mul"
    scaled = a * 5
    assert scaled.parents == (a,)  # the number is not a node
    assert scaled.constant == 5
    assert scaled.local_grads == (5.0,)


def test_numbers_mix_on_either_side() -> None:
    x = Value(3.0)
    results = [x + 1, 1 + x, x - 1, 1 - x, x * 2, 2 * x, x / 2, 2 / x, x**2, 2**x]
    assert [r.data for r in results] == [4.0, 4.0, 2.0, -2.0, 6.0, 6.0, 1.5, 2 / 3, 9.0, 8.0]


def test_gradients_accumulate_across_calls_until_zero_grad() -> None:
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1 = 7
    y.backward()
    y.backward()
    assert x.grad == 14.0
    y.zero_grad()
    assert (x.grad, y.grad) == (0.0, 0.0)
    y.backward()
    assert x.grad == 7.0


def test_two_outputs_of_one_graph_add_their_gradients() -> None:
    x = Value(2.0)
    h = x * x  # shared by both outputs
    first, second = h * 3, h.exp()
    first.backward()
    second.backward()
    assert_close(x.grad, 3 * 2 * 2.0 + math.exp(4.0) * 2 * 2.0, rel=1e-12)


def test_backward_of_a_leaf_sets_its_grad_to_one() -> None:
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0


@pytest.mark.parametrize("depth", [10_000, pytest.param(1_000_000, marks=pytest.mark.slow)])
def test_a_deep_chain_needs_no_recursion(depth: int) -> None:
    x = Value(1.0)
    y = x
    for _ in range(depth):
        y = y * 1.000001
    y.backward()
    assert_close(x.grad, 1.000001**depth, rel=1e-9)
    assert len(y.topological_order()) == depth + 1


def test_node_used_a_thousand_times_collects_a_thousand_terms() -> None:
    x = Value(0.5)
    terms = [x * (i + 1) for i in range(1000)]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    total.backward()
    assert x.grad == sum(range(1, 1001))
    assert sum(1 for node in total.topological_order() for p in node.parents if p is x) == 1000


def test_topological_order_puts_parents_first() -> None:
    a, b = Value(1.0), Value(2.0)
    out = ((a * b) + a).tanh() * b
    order = out.topological_order()
    position = {node: i for i, node in enumerate(order)}
    assert order[-1] is out
    assert len(order) == len(set(order)) == 6
    assert all(position[p] < position[n] for n in order for p in n.parents)


def test_create_graph_makes_gradients_differentiable() -> None:
    x = Value(0.7)
    y = x.tanh()
    y.backward(create_graph=True)
    dy = x.grad_value
    assert isinstance(dy, Value) and dy.data == x.grad
    assert_close(dy.data, 1 - math.tanh(0.7) ** 2, rel=1e-12)
    y.zero_grad()
    dy.backward()
    t = math.tanh(0.7)
    assert_close(x.grad, -2 * t * (1 - t * t), rel=1e-12)


def test_failed_create_graph_backward_leaves_grads_as_they_were() -> None:
    x = Value(0.0, label="x")
    y = x**1.5  # fine, and so is its first derivative 1.5·x**0.5 on floats ...
    x.grad, y.grad = 7.0, 3.0
    with pytest.raises(ValueError, match=r"x \*\* 0.5"):
        y.backward(create_graph=True)  # ... but x**0.5 as a node has an infinite slope at 0
    assert (x.grad, y.grad) == (7.0, 3.0)
    y.backward()
    assert (x.grad, y.grad) == (7.0, 4.0)


def test_no_grad_records_nothing() -> None:
    x = Value(2.0)
    with no_grad():
        y = x * 3
    assert y.data == 6.0 and y.parents == () and y.local_grads == ()


# -- comparisons are not graph nodes --


def test_ordering_compares_data_and_returns_bool() -> None:
    a, b = Value(1.0), Value(2.0)
    assert (a < b, a <= 1, b > 1.5, b >= a) == (True, True, True, True)
    assert all(type(r) is bool for r in (a < b, a > 0))


def test_equality_is_identity_so_values_work_in_sets_and_dicts() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b
    assert len({a, b, a}) == 2
    assert {a: "first", b: "second"}[b] == "second"


def test_equality_with_a_number_is_refused() -> None:
    with pytest.raises(TypeError, match="compare v.data"):
        _ = Value(1.0) == 1.0


# -- bad input --


@pytest.mark.parametrize("bad", ["3", None, [1], True, 1j])
def test_value_rejects_non_real_data(bad: object) -> None:
    with pytest.raises(TypeError, match="int or float") as err:
        Value(bad)
    assert type(bad).__name__ in str(err.value)


@pytest.mark.parametrize("bad", ["3", None, [1], True])
def test_arithmetic_with_non_numbers_is_a_type_error(bad: object) -> None:
    x = Value(1.0)
    for op in (
        lambda: x + bad,
        lambda: bad + x,
        lambda: x * bad,
        lambda: bad - x,
        lambda: x**bad,
        lambda: bad / x,
    ):
        with pytest.raises(TypeError):
            op()


def test_label_must_be_text() -> None:
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)


def test_nan_and_inf_are_accepted_as_ieee_floats() -> None:
    assert math.isnan(Value(float("nan")).data)
    assert (Value(float("inf")) + 1).data == math.inf
    assert math.isnan(Value(math.nan).relu().data)  # NaN is not swallowed as 0
    assert math.isnan(Value(math.inf).sin().data) and math.isnan(Value(-math.inf).cos().data)
    assert Value(math.inf).tanh().data == 1.0


def test_other_real_numbers_become_plain_floats() -> None:
    x = Value(2.0)
    third = x * Fraction(1, 3)
    assert type(third.constant) is float and type(third.data) is float
    assert math.isclose(third.data, 2 / 3) and math.isclose(third.local_grads[0], 1 / 3)
    assert type((x / Fraction(1, 4)).local_grads[0]) is float
    assert type((Fraction(3, 2) - x).data) is float
    assert type(Value(Fraction(1, 2)).data) is float


DOMAIN_ERRORS = [  # (op on Values, the operands' data, error, words in the message)
    (lambda x: x.log(), [0.0], ValueError, "log"),
    (lambda x: x.log(), [-1.0], ValueError, "log"),
    (lambda x: x.sqrt(), [-1.0], ValueError, "sqrt"),
    (lambda x: x.sqrt(), [0.0], ValueError, "sqrt"),
    (lambda x: x**-1, [0.0], ZeroDivisionError, "pow"),
    (lambda x: x**0.5, [0.0], ValueError, "pow"),
    (lambda x: x**0.5, [-2.0], ValueError, "pow"),
    (lambda x, y: x**y, [-2.0, 2.0], ValueError, "pow"),
    (lambda x: (-2) ** x, [1.0], ValueError, "pow"),
    (lambda x: 0**x, [1.0], ValueError, "pow"),
    (lambda x: x / 0, [1.0], ZeroDivisionError, "division by zero"),
    (lambda x, y: x / y, [1.0, 0.0], ZeroDivisionError, "division by zero"),
    (lambda x: 1 / x, [0.0], ZeroDivisionError, "division by zero"),
    (lambda x: x.exp(), [1000.0], OverflowError, "exp"),
    (lambda x, y: x**y, [10.0, 400.0], OverflowError, "pow"),
]


@pytest.mark.parametrize("case", range(len(DOMAIN_ERRORS)))
def test_domain_errors_name_the_op_and_value(case: int) -> None:
    op, data, error, words = DOMAIN_ERRORS[case]
    with pytest.raises(error, match=words):
        op(*(Value(d) for d in data))


def test_log_error_names_the_offending_value() -> None:
    with pytest.raises(ValueError, match=r"-2\.5"):
        Value(-2.5).log()


def count_values() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, Value))


def snapshot(nodes: list[Value]) -> list[tuple]:
    return [(n, n.data, n.grad, n.parents, n.local_grads, n.op) for n in nodes]


@pytest.mark.parametrize("case", range(len(DOMAIN_ERRORS)))
def test_a_failed_op_creates_no_node_and_changes_no_grad(case: int) -> None:
    """The operands are inner nodes of a graph after backward(); the failed op touches none."""
    op, data, error, _ = DOMAIN_ERRORS[case]
    x = Value(0.3)
    operands = [x * 0 + d for d in data]  # nodes with data d that depend on x
    y = sum((v * (v + 1.0) for v in operands), x)  # d y / d v = 2v + 1, never 0 here
    y.backward()
    nodes = y.topological_order()
    before, count = snapshot(nodes), count_values()
    with pytest.raises(error):
        op(*operands)
    assert count_values() == count
    assert snapshot(nodes) == before
    assert any(n.grad != 0 for n in operands)


def test_repr_is_readable() -> None:
    v = Value(2.0, label="w1") * 3
    v.label = "z"
    assert repr(v) == "Value(data=6.0, grad=0.0, op='mul_number', label='z')"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"


# -- random expression graphs (shared subexpressions, fan-out) against finite differences --


@settings(max_examples=500)
@given(expressions(n_inputs=st.integers(2, 4), n_operations=st.integers(3, 12)))
def test_random_graphs_match_finite_differences(expr) -> None:
    assert_grads_close(expr.function, expr.inputs)


# -- anomaly mode and no_grad --


def test_anomaly_mode_names_the_op_inputs_and_place() -> None:
    x = Value(float("inf"))
    assert math.isnan((x - x).data)  # off by default: NaN flows silently
    with detect_anomaly(), pytest.raises(FloatingPointError) as err:
        x - x
    message = str(err.value)
    assert "x - y" in message and "[inf, inf]" in message and "nan" in message
    assert "test_value.py" in message


def test_anomaly_mode_catches_an_infinite_local_derivative() -> None:
    big = Value(1e200)
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"\*"):
        big * big


def test_anomaly_mode_is_off_again_after_the_block() -> None:
    with detect_anomaly():
        assert (Value(1.0) + 1).data == 2.0
    assert math.isnan((Value(float("nan")) * 2).data)


def test_a_value_made_under_no_grad_is_a_constant_to_later_graphs() -> None:
    x = Value(2.0)
    with no_grad():
        frozen = x * 3
    assert is_grad_enabled()
    y = frozen * x  # only the direct path to x counts
    y.backward()
    assert x.grad == frozen.data == 6.0
    assert frozen.grad == 2.0 and frozen.parents == ()


def test_no_grad_restores_recording_after_an_error() -> None:
    with pytest.raises(ValueError), no_grad():
        Value(-1.0).log()
    assert is_grad_enabled()
    assert (Value(1.0) * 2).parents != ()


def test_apply_a_user_defined_op() -> None:
    softplus = Op(
        "softplus",
        "softplus(x)",
        lambda x: math.log1p(math.exp(x)),
        lambda x, out: (1 / (1 + exp(-x)),),
    )
    x = Value(0.5)
    y = apply(softplus, x)
    y.backward()
    assert_close(y.data, math.log(1 + math.exp(0.5)), rel=1e-15)
    assert_close(x.grad, 1 / (1 + math.exp(-0.5)), rel=1e-15)
    hypot = Op("hypot", "hypot(x, y)", math.hypot, lambda x, y, out: (x / out, y / out), arity=2)
    a, b = Value(3.0), Value(4.0)
    apply(hypot, a, b).backward()
    assert (a.grad, b.grad) == (0.6, 0.8)
    with pytest.raises(TypeError, match="one or more Values"):
        apply(softplus, 0.5)


# -- the fused weighted sum of a neuron --


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(finite(-3, 3), finite(-3, 3)), min_size=1, max_size=6),
    st.one_of(st.none(), finite(-3, 3)),
)
def test_dot_matches_its_formula_and_finite_differences(pairs, bias) -> None:
    ws, xs = [Value(w) for w, _ in pairs], [Value(x) for _, x in pairs]
    b = None if bias is None else Value(bias)
    out = dot(ws, xs, b)
    want = sum(w * x for w, x in pairs) + (bias or 0.0)
    assert_close(out.data, want, rel=1e-12, abs_=1e-12)
    out.backward()
    assert [w.grad for w in ws] == [x for _, x in pairs]
    assert [x.grad for x in xs] == [w for w, _ in pairs]
    if b is not None:
        assert b.grad == 1.0
    values = [w for w, _ in pairs] + [x for _, x in pairs]

    def on_floats(i: int):
        def f(t: float) -> float:
            v = values[:i] + [t] + values[i + 1 :]
            n = len(pairs)
            return sum(a * c for a, c in zip(v[:n], v[n:])) + (bias or 0.0)

        return f

    grads = [v.grad for v in ws + xs]
    for i, g in enumerate(grads):
        assert_close(g, central_difference(on_floats(i), values[i]), rel=1e-6, abs_=1e-6)


def test_dot_takes_plain_number_inputs_and_checks_lengths() -> None:
    w = [Value(2.0), Value(3.0)]
    out = dot(w, [1.0, 0.5])
    out.backward()
    assert out.data == 3.5 and [v.grad for v in w] == [1.0, 0.5]
    assert len(out.parents) == 4  # the numbers became leaves, one edge each
    with pytest.raises(ValueError, match="as many weights as inputs"):
        dot(w, [1.0])
    with pytest.raises(TypeError, match="str"):
        dot(w, [1.0, "2"])
    with_bias = dot(w, [1.0, 0.5], bias=0.25)
    assert with_bias.data == 3.75 and with_bias.parents[-1].data == 0.25


def test_create_graph_backward_sums_every_path() -> None:
    x = Value(3.0)
    y = x * x + x  # x reaches y three times: dy/dx = 2x + 1
    y.backward(create_graph=True)
    assert x.grad == 7.0 and isinstance(x.grad_value, Value) and x.grad_value.data == 7.0


@settings(max_examples=200)
@given(expressions(n_inputs=st.integers(1, 3), n_operations=st.integers(2, 10)))
def test_create_graph_backward_gives_the_same_numbers_as_backward(expr) -> None:
    floats, values = [Value(x) for x in expr.inputs], [Value(x) for x in expr.inputs]
    expr.function(*floats).backward()
    expr.function(*values).backward(create_graph=True)
    for plain, graph in zip(floats, values):
        assert_close(graph.grad, plain.grad, rel=1e-12, abs_=1e-12)
        if graph.grad_value is not None:
            assert graph.grad_value.data == graph.grad


def test_anomaly_mode_checks_local_derivatives_too() -> None:
    x, tiny = Value(1.0), Value(1e-200)
    assert math.isfinite((x / tiny).data)  # 1e200: the value is fine ...
    with detect_anomaly(), pytest.raises(FloatingPointError, match="local derivatives"):
        x / tiny  # ... but d/dy (x / y) = −x / y² = −inf


def test_anomaly_mode_nests() -> None:
    with detect_anomaly():
        with detect_anomaly():
            pass
        with pytest.raises(FloatingPointError):
            Value(math.inf) - Value(math.inf)  # still on after the inner block
    assert math.isnan((Value(math.inf) - Value(math.inf)).data)  # off again outside


def test_a_huge_whole_power_names_the_op() -> None:
    with pytest.raises(OverflowError, match="pow"):
        Value(-2.0) ** (10**400)


# -- no silent way out of the graph --


def test_math_functions_refuse_a_value_and_say_what_to_use() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"x\.exp\(\).*x\.item\(\)"):
        math.exp(x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cut the graph"):
        float(x)
    assert x.item() == 1.0 and isinstance(x.item(), float)


def test_truthiness_follows_the_data() -> None:
    assert not Value(0.0) and Value(-2.0) and Value(1e-300)
    assert not Value(0.0) * 5


def test_no_grad_computes_no_local_derivative() -> None:
    calls: list[float] = []
    counted = Op("counted", "counted(x)", lambda x: x, lambda x, out: (calls.append(x) or 1.0,))
    x = Value(2.0)
    with no_grad():
        apply(counted, x)
    assert calls == []
    apply(counted, x)
    assert calls == [2.0]


def test_an_infinite_slope_is_fine_under_no_grad() -> None:
    with no_grad():
        assert Value(0.0).sqrt().data == 0.0
        assert (Value(0.0) ** 0.5).data == 0.0
    with pytest.raises(ValueError, match="infinite"):
        Value(0.0).sqrt()  # recorded: its derivative would be infinite


def test_anomaly_points_at_the_users_line_from_any_module_of_the_package() -> None:
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        dot([Value(1e308), Value(1e308)], [2.0, 2.0])  # made inside the package, by dot()
    assert "test_value.py" in str(info.value)


def test_an_op_of_your_own_is_checked_as_it_runs() -> None:
    x, y = Value(2.0), Value(3.0)
    short = Op("short", "x * y", lambda a, b: a * b, lambda a, b, out: (b,), arity=2)
    with pytest.raises(TypeError, match="1 local derivative.*for 2 input"):
        apply(short, x, y)
    text = Op("text", "x", lambda a: "2", lambda a, out: (1.0,))
    with pytest.raises(TypeError, match="text's forward"):
        apply(text, x)
    import numpy as np

    numpy_valued = Op("np", "2x", lambda a: np.float64(2 * a), lambda a, out: (2.0,))
    assert type(apply(numpy_valued, x).data) is float
    with pytest.raises(TypeError, match="constant must be a real number"):
        apply(Op("plus", "x + c", lambda a, c: a + c, lambda a, c, out: (1.0,),
                 takes_constant=True), x, constant="a")  # fmt: skip
    assert x.grad == 0.0 and y.grad == 0.0


# -- assignments and conversions are checked (no silent wrong numbers) --


def test_assigning_data_is_checked_as_the_constructor_checks() -> None:
    import numpy as np

    x = Value(1.0)
    for bad in ("abc", None, True, [1.0]):
        with pytest.raises(TypeError, match="Value.data needs a real number"):
            x.data = bad
        assert x.data == 1.0
    x.data = np.float32(0.5)  # any real number becomes a plain float, as in Value(...)
    assert type(x.data) is float and type((x * 2).data) is float
    x.data = 3
    assert type(x.data) is float and (x * 2).data == 6.0


def test_int_and_round_explain_as_float_does() -> None:
    x = Value(2.5)
    with pytest.raises(TypeError, match=r"int\(x\.item\(\)\)"):
        int(x)
    with pytest.raises(TypeError, match=r"round\(x\.item\(\)\)"):
        round(x)


def test_a_tiny_base_to_a_negative_power_names_pow_and_its_derivative() -> None:
    x = Value(1e-300)
    with pytest.raises(OverflowError, match=r"pow: the derivative of x \*\* -1 at x = 1e-300"):
        x**-1
    with no_grad():
        assert (x**-1).data == 1e-300**-1  # the value alone is finite


@pytest.mark.parametrize(
    "bad", [Value(1.0), 1j, "0.5", None], ids=["Value", "complex", "str", "None"]
)
def test_an_op_of_ones_own_must_give_float_derivatives(bad: object) -> None:
    from autograd_scalar.core.ops import Op

    op = Op("odd_rule", "odd(x)", lambda x: 2 * x, lambda x, out: (bad,))
    x = Value(1.0)
    with pytest.raises(TypeError, match="odd_rule's derivative gave"):
        apply(op, x)
    assert x.grad == 0.0


def test_an_op_of_ones_own_with_numpy_derivatives_is_refused_by_name() -> None:
    import numpy as np

    from autograd_scalar.core.ops import Op

    op = Op("f32_rule", "f(x)", lambda x: 2 * x, lambda x, out: (np.float32(2),))
    with pytest.raises(TypeError, match="f32_rule's derivative gave float32"):
        apply(op, Value(1.0))
    good = Op("int_rule", "g(x)", lambda x: 2 * x, lambda x, out: (2,))
    y = apply(good, Value(1.0))
    assert type(y.local_grads[0]) is float


# -- each op's method is written from its row of the table: the two must agree to the bit --

METHOD_OF_OP = {
    **{name: f for name, f in OPERATORS.items() if name != "identity"},
    **{name: getattr(Value, name) for name in ("exp", "log", "sqrt", "tanh", "sigmoid")},
    **{name: getattr(Value, name) for name in ("relu", "sin", "cos", "abs")},
}


def test_every_op_of_the_table_with_an_operator_or_a_method_is_checked_here() -> None:
    built_in = {op.name for op in vars(ops).values() if isinstance(op, Op)}
    applied = {"identity", "dot", "linear"}  # apply() and dot() call the rules themselves
    assert set(METHOD_OF_OP) == built_in - applied


def _same(a: float, b: float) -> bool:
    """The same float to the bit: -0.0 is not 0.0, and NaN is NaN."""
    return (a == b and math.copysign(1, a) == math.copysign(1, b)) or (a != a and b != b)


@pytest.mark.parametrize("name", sorted(METHOD_OF_OP))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_each_ops_method_gives_its_rules_numbers_to_the_bit(name: str, data) -> None:
    op = ops.OPS[name]
    numbers = st.one_of(finite(-8, 8), st.integers(-3, 3), st.sampled_from([0.0, -0.0, 0.5]))
    drawn = data.draw(st.tuples(*[numbers] * (op.arity + op.takes_constant)))
    operands = [Value(a) for a in drawn[: op.arity]]
    constant = list(drawn[op.arity :])
    inputs = (*[v.data for v in operands], *constant)
    try:
        out = op.forward(*inputs)
        want = op.derivative(*inputs, out)
    except (ArithmeticError, ValueError) as error:  # the method refuses what the rules refuse
        with pytest.raises(type(error)):
            METHOD_OF_OP[name](*operands, *constant)
        return
    node = METHOD_OF_OP[name](*operands, *constant)
    assert _same(node.data, out), (node.data, out)
    assert len(node.local_grads) == len(want)
    assert all(map(_same, node.local_grads, want)), (node.local_grads, want)
    assert [type(g) for g in node.local_grads] == [type(g) for g in want]
