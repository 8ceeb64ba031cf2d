"""grad, value_and_grad, hessian and gradients: values, composition, and bad input."""

import math

import pytest

from autograd_scalar import Value, no_grad
from autograd_scalar.derivatives.functional import grad, gradients, hessian, value_and_grad


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
    h = hessian(lambda x, y: 3 * x * x + 2 * x * y + y * y)(1.0, 1.0)
    assert h == [[6.0, 2.0], [2.0, 2.0]]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: grad(lambda x: 1.0)(2.0), TypeError, "must return a Value"),
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
        assert hessian(lambda x: x**3)(2.0) == [[12.0]]
        assert (Value(2.0) * 3).parents == ()  # and no_grad() still holds outside them


def test_gradients_reads_an_iterator_of_inputs_once() -> None:
    a, b = Value(2.0), Value(3.0)
    assert gradients(a * b, (v for v in [a, b])) == [3.0, 2.0]


def test_gradients_with_a_single_value_names_the_fix() -> None:
    x = Value(2.0)
    y = x * x
    with pytest.raises(TypeError, match=r"wrt must be a list of Values; .* gradients\(y, \[x\]\)"):
        gradients(y, x)
    assert x.grad == 0.0 and gradients(y, [x]) == [4.0]  # nothing ran; the list form works
