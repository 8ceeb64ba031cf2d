"""The functional API: values, composition, bad input, and the work it counts (the
comparisons with JAX itself are in test_functional_against_jax.py)."""

import math

import pytest
import sympy as sp
from hypothesis import assume, given, settings

from autograd_scalar import (
    Value,
    count_work,
    hvp,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    no_grad,
    stop_gradient,
    vjp,
)
from autograd_scalar.core.ops import OPS
from autograd_scalar.derivatives.functional import grad, gradients, hessian, value_and_grad
from autograd_scalar.testing import Expression, expressions

from .sympy_ops import SYMPY


def test_grad_of_a_function_of_one_variable() -> None:
    assert grad(lambda x: x * x * x)(2.0) == 12.0
    assert isinstance(grad(lambda x: x * x)(2.0), float)


def test_grad_composes_to_any_order() -> None:
    f = lambda x: x**4  # noqa: E731
    derivatives = [grad(f), grad(grad(f)), grad(grad(grad(f))), grad(grad(grad(grad(f))))]
    assert [d(2.0) for d in derivatives] == [32.0, 48.0, 48.0, 24.0]


def test_argnums_select_and_tuple() -> None:
    f = lambda x, y: x * y.exp()  # noqa: E731
    assert grad(f, 1)(3.0, 0.0) == 3.0
    dx, dy = grad(f, (0, 1))(3.0, 0.0)
    assert (dx, dy) == (1.0, 3.0)


def test_value_and_grad() -> None:
    value, slope = value_and_grad(lambda x: x.sin())(0.5)
    assert value == math.sin(0.5) and slope == math.cos(0.5)


def test_a_constant_derivative_differentiates_to_zero() -> None:
    assert grad(grad(lambda x: 3 * x))(2.0) == 0.0
    assert grad(lambda x, y: x * 2, 1)(1.0, 5.0) == 0.0


def test_user_values_keep_their_grads() -> None:
    x = Value(1.5)
    y = x * x
    y.backward()
    slope = grad(lambda v: v * v * v)(x)
    assert isinstance(slope, Value) and slope.data == 3 * 1.5**2
    assert x.grad == 3.0  # untouched by grad()


def test_gradients_leaves_grad_fields_alone() -> None:
    a, b = Value(2.0), Value(3.0)
    out = a * b + a
    assert gradients(out, [a, b]) == [4.0, 2.0]
    assert (a.grad, b.grad, out.grad) == (0.0, 0.0, 0.0)


def test_hessian_of_a_quadratic() -> None:
    h = hessian(lambda x, y: 3 * x * x + 2 * x * y + y * y, (0, 1))(1.0, 1.0)
    assert h == ((6.0, 2.0), (2.0, 2.0))
    assert hessian(lambda x, y: 3 * x * x + 2 * x * y + y * y)(1.0, 1.0) == 6.0  # argnums=0


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: grad(lambda x: "1")(2.0), TypeError, "must return a Value"),
        (lambda: grad(lambda x: x, 1)(2.0), ValueError, "out of range"),
        (lambda: grad(lambda x: x, -1)(2.0), ValueError, "argnums"),
        (lambda: grad(lambda x: x)("2"), TypeError, "argument 0"),
        (lambda: hessian(lambda x: [x])(1.0), TypeError, "must return a Value"),
        (lambda: gradients(Value(2.0), [Value(1.0), "x"]), TypeError, r"wrt\[1\] must be a Value"),
        (lambda: gradients(3.0, [Value(1.0)]), TypeError, "output must be a Value"),
    ],
)
def test_bad_input(call, error, words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_the_functional_api_records_its_graph_inside_no_grad() -> None:
    """As torch.func.grad does: asking for a gradient overrides an outer no_grad()."""
    with no_grad():
        assert grad(lambda x: x * x)(2.0) == 4.0
        assert value_and_grad(lambda x, y: x * y, (0, 1))(2.0, 3.0) == (6.0, (3.0, 2.0))
        assert grad(grad(lambda x: x**3))(2.0) == 12.0
        assert hessian(lambda x: x**3)(2.0) == 12.0
        assert (Value(2.0) * 3).parents == ()  # and no_grad() still holds outside them


def test_gradients_reads_an_iterator_of_inputs_once() -> None:
    a, b = Value(2.0), Value(3.0)
    assert gradients(a * b, (v for v in [a, b])) == [3.0, 2.0]


# -- nesting is exact: no perturbation confusion (checked against sympy) --

X, Y = sp.symbols("x y", real=True)


def _sympy_grad_of(expression: sp.Expr, at: float) -> float:
    return float(sp.diff(expression, X).subs(X, at))


@pytest.mark.parametrize(
    ("nested", "symbolic", "at"),
    [
        # inner derivative d(x·y)/dy = x, so the outer function is x · x
        (lambda: grad(lambda x: x * grad(lambda y: x * y)(2.0))(1.0), X * X, 1.0),
        # d(a·b·b)/db at b = 3 is 6a; times a: 6a²
        (lambda: grad(lambda a: grad(lambda b: a * b * b)(3.0) * a)(2.0), 6 * X * X, 2.0),
        # d(x·y)/dy = x, evaluated at y = x: the outer function is x
        (lambda: grad(lambda x: grad(lambda y: x * y)(x))(1.0), X, 1.0),
        # d(y·y·x)/dy = 2xy at y = x: 2x²
        (lambda: grad(lambda x: grad(lambda y: y * y * x)(x))(3.0), 2 * X * X, 3.0),
    ],
)
def test_nested_grad_of_closures_is_exact(nested, symbolic, at: float) -> None:
    assert nested() == pytest.approx(_sympy_grad_of(symbolic, at), rel=1e-12)


def test_the_four_rows_give_what_jax_and_pytorch_give() -> None:
    assert grad(lambda x: x * grad(lambda y: x * y)(2.0))(1.0) == 2.0
    assert grad(lambda a: grad(lambda b: a * b * b)(3.0) * a)(2.0) == 24.0
    assert grad(lambda x: grad(lambda y: x * y)(x))(1.0) == 1.0
    assert grad(lambda x: grad(lambda y: y * y * x)(x))(3.0) == 12.0


def test_hessian_of_a_closure_inside_grad() -> None:
    # h(a) = d²/dx² (a·x³) at x = 2 is 12a; its derivative in a is 12
    outer = grad(lambda a: hessian(lambda x: a * x * x * x)(2.0))(0.5)
    assert outer == pytest.approx(float(sp.diff(sp.diff(X * Y**3, Y, 2).subs(Y, 2), X)))
    assert hessian(lambda x, y: x.sin() * y, (0, 1))(0.5, 2.0)[0][1] == pytest.approx(math.cos(0.5))


def test_jvp_and_value_and_grad_nest_too() -> None:
    # jvp of y ↦ x·y² along 1 at y = x is 2x·x = 2x²; d/dx is 4x
    assert grad(lambda x: jvp(lambda y: x * y * y, [x], [1.0])[1])(1.5) == pytest.approx(6.0)
    # value_and_grad returns the value as a Value when nested
    assert grad(lambda x: value_and_grad(lambda y: x * y)(3.0)[0])(2.0) == 3.0
    assert grad(lambda x: jvp(lambda y: x * y, [2.0], [x])[1])(1.5) == pytest.approx(3.0)


def test_three_levels_deep() -> None:
    # f(x) = x · g(x), g(x) = d/dy [x·y · h(y)], h(y) = d/dz (y·z²) at z = 1 = 2y
    # so g(x) = d/dy (2x·y²) at y = 1 = 4x, f(x) = 4x², f'(x) = 8x
    h = lambda y: grad(lambda z: y * z * z)(1.0)  # noqa: E731
    g = lambda x: grad(lambda y: x * y * h(y))(1.0)  # noqa: E731
    assert grad(lambda x: x * g(x))(0.75) == pytest.approx(6.0)


@settings(max_examples=150, deadline=None)
@given(expressions(n_inputs=2, n_operations=6))
def test_random_nested_closures_match_sympy(expr: Expression) -> None:
    """F(x) = x · d/dy E(x, y) at y = x, for a random expression E: the inner grad closes
    over x and is evaluated where y = x, the case that confuses perturbations."""
    x0 = expr.inputs[0]
    try:
        at_y_is_x = expr.evaluate([x0, x0])
    except (ValueError, ZeroDivisionError, OverflowError):
        assume(False)  # y = x leaves an op's domain
        return
    on_kink = any(OPS[o.op].kinks and abs(at_y_is_x[o.operands[0]]) < 1e-9 for o in expr.operations)
    assume(not on_kink)  # at y = x an operand of relu or abs sits on its kink
    outer = grad(lambda x: x * grad(lambda y: expr.function(x, y))(x))
    try:
        got = outer(x0)
    except (ValueError, ZeroDivisionError, OverflowError):
        assume(False)  # y = x may leave an op's domain
        return
    formula = _local_formula(expr, at_y_is_x)
    inner = sp.diff(formula, Y).subs(Y, X)
    want = float(sp.diff(X * inner, X).subs(X, x0).evalf())
    assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (str(expr), got, want)


def test_gradients_with_a_single_value_names_the_fix() -> None:
    x = Value(2.0)
    y = x * x
    with pytest.raises(TypeError, match=r"wrt must be a list of Values; .* gradients\(y, \[x\]\)"):
        gradients(y, x)
    assert x.grad == 0.0 and gradients(y, [x]) == [4.0]  # nothing ran; the list form works


def _local_formula(expr: Expression, values: list[float]) -> sp.Expr:
    """E(x, y) in sympy, with relu and abs written as the branch they take at the point
    (their operands' `values`): exact near it, and sympy differentiates it twice."""
    nodes: list[sp.Expr] = [X, Y]
    for name, operands, constant in expr.operations:
        args = [nodes[i] for i in operands] + ([] if constant is None else [constant])
        if name == "abs":
            nodes.append(args[0] if values[operands[0]] > 0 else -args[0])
        elif name == "relu":
            nodes.append(args[0] if values[operands[0]] > 0 else sp.Integer(0))
        else:
            nodes.append(SYMPY[name](*args))
    return nodes[-1]


def test_argnums_and_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="argnums"):
        grad(lambda x, y: x * y, argnums=True)  # a bool is not a position
    with pytest.raises(TypeError, match="at least one argument"):
        hessian(lambda: Value(1.0))()


# -- the words added from JAX: bad input is named, and nothing recorded changes --


def _closed_over():
    """A Value with a grad already, which f closes over: no call may change it."""
    w = Value(2.0)
    (w * w).backward()
    return w


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda w: grad(lambda x: x * w, 2)(1.0, 2.0), ValueError, r"argnums \(2,\) out of range"),
        (lambda w: jacfwd(lambda x: [x * w], (0, 3))(1.0), ValueError, "out of range"),
        (lambda w: jacrev(lambda x: [x * w], -1), ValueError, "argnums"),
        (lambda w: hessian(lambda x: x * w, 1)(1.0), ValueError, "out of range"),
        (
            lambda w: grad(lambda x: x * w, has_aux=True)(1.0),
            TypeError,
            "has_aux=True needs f to return a pair",
        ),
        (lambda w: grad(lambda x: (x, w, 1), has_aux=True)(1.0), TypeError, "pair"),
        (lambda w: jacrev(lambda x: x * w, has_aux=1), TypeError, "has_aux must be True or False"),
        (
            lambda w: vjp(lambda x: [x, x * w], 1.0)[1]([1.0]),
            ValueError,
            "2 output.*needs 2 number.*got 1",
        ),
        (lambda w: vjp(lambda x: [x, x * w], 1.0)[1](1.0), TypeError, "cotangent is a list of 2"),
        (lambda w: vjp(lambda x: x * w, 1.0)[1]("1"), TypeError, "cotangent 0"),
        (lambda w: jvp(lambda x: x * w, 3.0, 1.0), TypeError, "primals must be a tuple or list"),
        (lambda w: jvp(lambda x: x * w, [3.0], [1.0, 2.0]), ValueError, "1 primals but 2 tangents"),
        (lambda w: linearize(lambda x: x * w, 3.0)[1](1.0, 2.0), ValueError, "1 primals but 2"),
        (lambda w: hvp(lambda x: x * w, 3.0, 1.0), TypeError, "primals must be"),
        (lambda w: jacfwd(lambda x: [x, "y"])(1.0), TypeError, "list or tuple of Values"),
        (lambda w: gradients(w * w, [Value(1.0)]), RuntimeError, r"wrt\[0\] is not used"),
    ],
)
def test_bad_input_names_the_argument_and_changes_nothing(call, error, words: str) -> None:
    w = _closed_over()
    with pytest.raises(error, match=words):
        call(w)
    assert (w.grad, w.grad_value) == (4.0, None)


def test_has_aux_returns_as_jax_does() -> None:
    f = lambda x: (x * x, {"half": x / 2, "n": 3})  # noqa: E731
    assert grad(f, has_aux=True)(3.0) == (6.0, {"half": 1.5, "n": 3})
    assert value_and_grad(f, has_aux=True)(3.0) == ((9.0, {"half": 1.5, "n": 3}), 6.0)
    assert jacrev(f, has_aux=True)(3.0) == (6.0, {"half": 1.5, "n": 3})
    assert hessian(f, has_aux=True)(3.0) == (2.0, {"half": 1.5, "n": 3})
    out, pull, aux = vjp(f, 3.0, has_aux=True)
    assert (out, pull(1.0), aux) == (9.0, (6.0,), {"half": 1.5, "n": 3})
    assert jvp(f, [3.0], [1.0], has_aux=True) == (9.0, 6.0, {"half": 1.5, "n": 3})


def test_a_constant_output_differentiates_to_zero_as_in_jax() -> None:
    assert grad(lambda x: 1.0)(2.0) == 0.0
    assert grad(lambda x, n: n * 2.0, 0)(1.0, 5.0) == 0.0
    assert jacfwd(lambda x: [x, 3.0])(2.0) == [1.0, 0.0]
    _, tangents = jvp(lambda x: [x, 3.0], (2.0,), (1.0,))
    assert tangents == [1.0, 0.0] and all(type(t) is float for t in tangents)  # not the int 0


def test_stop_gradient_and_detach_take_no_part_in_differentiation() -> None:
    assert grad(lambda x: x * stop_gradient(x))(3.0) == 3.0  # JAX: d/dx (x · c) with c = x
    assert grad(lambda x: x * x.detach())(3.0) == 3.0
    x = Value(2.0)
    y = x.detach()
    assert (y.data, y.parents, y is x) == (2.0, (), False)
    assert stop_gradient(4.0) == 4.0


def test_gradients_of_a_value_made_in_no_grad_raises_as_backward_does() -> None:
    """Issue: gradients() returned [0.0] here, where backward() and torch.autograd.grad raise."""
    x = Value(1.0)
    with no_grad():
        w = x * 2
    with pytest.raises(RuntimeError, match="without recording the graph"):
        w.backward()
    with pytest.raises(RuntimeError, match="without recording the graph"):
        gradients(w, [x])
    with pytest.raises(RuntimeError, match="without recording the graph"):
        gradients(w, [x], create_graph=True)


def test_gradients_of_an_unrelated_input_as_pytorch_has_it() -> None:
    x, unrelated = Value(3.0), Value(1.0)
    y = x * x
    with pytest.raises(RuntimeError, match=r"wrt\[1\] is not used.*allow_unused=True"):
        gradients(y, [x, unrelated])
    assert gradients(y, [x, unrelated], allow_unused=True) == [6.0, None]
    assert gradients(y, [x, unrelated], materialize_grads=True) == [6.0, 0.0]
    found = gradients(y, [x, unrelated], create_graph=True, materialize_grads=True)
    assert [g.data for g in found] == [6.0, 0.0]


def test_count_work_counts_passes_and_edges_as_compare_does() -> None:
    """jacfwd makes one forward pass per input over all the outputs' graph, jacrev one reverse
    pass per output over that output's graph; compare() counts edges the same way."""
    from autograd_scalar.core.graph import Graph

    def f(a, b):
        shared = (a * b).tanh()
        return [shared * 2, shared + a, shared.exp()]

    with count_work() as forward:
        jacfwd(f, (0, 1))(0.5, 2.0)
    with count_work() as reverse:
        jacrev(f, (0, 1))(0.5, 2.0)
    x, y = Value(0.5), Value(2.0)
    outs = f(x, y)
    each = [len(Graph.of(o).edges) for o in outs]
    union = {e for o in outs for e in Graph.of(o).edges}
    assert (forward.forward_passes, forward.reverse_passes) == (2, 0)
    assert (reverse.forward_passes, reverse.reverse_passes) == (0, 3)
    assert forward.edge_visits == 2 * len(union)
    assert reverse.edge_visits == sum(each)


def test_a_negative_base_to_the_power_nan_is_nan_as_for_floats() -> None:
    """(-2.0) ** nan raised "not real"; Python's floats (and JAX) give NaN."""
    nan = float("nan")
    assert math.isnan((-2.0) ** nan)
    assert math.isnan((Value(-2.0) ** nan).data)
    assert math.isnan(grad(lambda x, c: x**c)(-2.0, nan))
    with pytest.raises(ValueError, match="not real"):
        Value(-2.0) ** 0.5  # a fractional power of a negative base is still refused
