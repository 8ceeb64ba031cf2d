"""gradcheck and check_grads: right gradients pass, wrong ones raise naming each input, and
where finite differences cannot judge, they say so."""

import math

import pytest

from autograd_scalar import Value, grad, no_grad
from autograd_scalar.core.ops import Op
from autograd_scalar.core.value import apply
from autograd_scalar.derivatives.gradient_check import (
    GradcheckError,
    GradcheckWarning,
    check_grads,
    gradcheck,
    gradcheck_report,
)


def test_passes_a_correct_gradient() -> None:
    assert gradcheck(lambda x, y: (x * y).tanh() + y.exp(), [0.3, -0.4])


def test_report_lists_each_input() -> None:
    report = gradcheck_report(lambda x, y: x * y, [2.0, 3.0])
    assert report.ok
    assert [r.analytic for r in report.rows] == [3.0, 2.0]
    assert all(math.isclose(r.numeric, r.analytic, rel_tol=1e-8) for r in report.rows)


def test_a_steep_function_is_not_a_false_alarm() -> None:
    """sin(exp(a/d + ...)) at d = 0.25: d f / d d ≈ −2421.9, where a two-point difference
    with h = 1e-6 is off by 0.7 (3e-4 relative) and would report a mismatch."""
    report = gradcheck_report(
        lambda a, b, c, d: (a / d + b + 0.5 * c).exp().sin(), [1.5, 1, 1, 0.25]
    )
    assert report.ok
    exact = -math.cos(math.exp(7.5)) * math.exp(7.5) * 1.5 / 0.25**2
    assert math.isclose(report.rows[3].analytic, exact, rel_tol=1e-12)
    assert math.isclose(report.rows[3].numeric, exact, rel_tol=1e-6)


WRONG_TANH = Op("tanh", "tanh(x)", math.tanh, lambda x, out: (1 - out,))  # should be 1 − out²


def wrong_function(x: Value, y: Value) -> Value:
    return apply(WRONG_TANH, x) * y


def test_a_wrong_derivative_raises_with_a_table() -> None:
    with pytest.raises(GradcheckError) as err:
        gradcheck(wrong_function, [0.5, 2.0])
    message = str(err.value)
    assert "mismatch" in message
    bad = err.value.report.rows[0]
    assert not bad.ok and err.value.report.rows[1].ok
    assert math.isclose(bad.analytic, (1 - math.tanh(0.5)) * 2.0, rel_tol=1e-12)
    assert math.isclose(bad.numeric, (1 - math.tanh(0.5) ** 2) * 2.0, rel_tol=1e-6)
    assert f"{bad.analytic:.8g}" in message and f"{bad.numeric:.8g}" in message


def test_non_raising_variant_returns_the_failed_report() -> None:
    report = gradcheck_report(wrong_function, [0.5, 2.0])
    assert not report.ok
    assert "<-- mismatch" in str(report)


def test_values_the_function_closes_over_keep_their_grads() -> None:
    w = Value(2.0)
    w.grad = 0.25
    assert gradcheck(lambda x: x * w + w.exp(), [1.0])
    assert (w.data, w.grad) == (2.0, 0.25)


def test_a_function_that_differentiates_inside_is_checked() -> None:
    """d/dx of (d/dy y³ at y = x) = 6x: both sides must see the inner derivative."""
    report = gradcheck_report(lambda x: grad(lambda y: y**3)(x), [2.0])
    assert report.ok
    assert report.rows[0].analytic == 12.0
    assert math.isclose(report.rows[0].numeric, 12.0, rel_tol=1e-6)


def test_works_inside_no_grad() -> None:
    with no_grad():
        report = gradcheck_report(lambda x, y: x * y, [2.0, 3.0])
    assert [r.analytic for r in report.rows] == [3.0, 2.0]
    assert report.ok


@pytest.mark.parametrize(
    ("f", "inputs", "error", "words"),
    [
        (lambda x: None, [1.0], TypeError, "must return a Value"),
        (lambda x: x, 1.0, TypeError, "sequence"),
        (lambda x: x, [], TypeError, "non-empty"),
        (lambda x: x, ["a"], TypeError, "str"),
    ],
)
def test_bad_arguments(f, inputs, error, words: str) -> None:
    with pytest.raises(error, match=words):
        gradcheck(f, inputs)


def test_tolerances_are_absolute_near_zero_and_relative_far_from_it() -> None:
    """A slip of 5e-5 fails where the derivative is ~0 (atol = 1e-5) and passes where it
    is ~1000 (rtol = 1e-4 allows 0.1)."""

    def off_by(slip: float, slope: float) -> Op:
        return Op("off", "off(x)", lambda x: slope * x, lambda x, out: (slope + slip,))

    near_zero = gradcheck_report(lambda x: apply(off_by(5e-5, 0.0), x), [1.0])
    far = gradcheck_report(lambda x: apply(off_by(0.05, 1000.0), x), [1.0])
    assert not near_zero.ok and far.ok


@pytest.mark.parametrize(
    ("f", "inputs"),
    [
        (lambda a: a.relu(), [1.5e-6]),  # x − 2h crosses the kink, x − h does not
        (lambda a: abs(a), [1.5e-6]),
        (lambda a, b: (a - b).relu(), [10000.015, 10000.0]),  # h scales with |x|: 1e-2
    ],
)
def test_no_false_alarm_between_h_and_2h_from_a_kink(f, inputs) -> None:
    assert gradcheck(f, inputs)


def test_near_the_edge_of_the_domain_the_two_point_difference_serves() -> None:
    report = gradcheck_report(lambda t: t.sqrt(), [1.5e-4])  # 1.5e-4 − 2h is still > 0
    assert report.ok
    report = gradcheck_report(lambda t: (t - 1.5e-6).sqrt() + t, [3e-6])  # −2h leaves it
    assert math.isfinite(report.rows[0].numeric)  # a report, not the engine's ValueError


def test_gradcheck_runs_the_backward_that_users_run(monkeypatch) -> None:
    """Break backward()'s loop (`+=` written as `=`): gradcheck must notice."""
    from autograd_scalar.core import backward as reverse_mode

    def overwriting(order) -> None:
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads):
                parent._grad = local * node._grad

    assert gradcheck(lambda x: x * x + x, [2.0])
    monkeypatch.setattr(reverse_mode, "chain_rule", overwriting)
    x = Value(2.0)
    (x * x + x).backward()
    assert x.grad != 5.0
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: x * x + x, [2.0])


def test_gradcheck_given_a_value_names_the_fix() -> None:
    x = Value(0.7)
    with pytest.raises(TypeError, match=r"inputs\[0\] is a Value: gradcheck takes plain numbers"):
        gradcheck(lambda v: v * v, [x])
    assert gradcheck(lambda v: v * v, [x.item()])


# -- near domain edges and far from 0: judged with smaller steps, or "cannot judge" --


def test_near_the_edge_of_the_domain_the_step_shrinks() -> None:
    """log at 1e-8: x − h with h = 1e-6 is below 0; gradcheck raised log's domain error
    for a point the caller never passed. The step now shrinks to stay inside."""
    report = gradcheck_report(lambda x: x.log(), [1e-8])
    assert report.ok and report.judged
    assert math.isclose(report.rows[0].numeric, 1e8, rel_tol=1e-6)
    assert gradcheck(lambda x: x.sqrt(), [1e-10])


@pytest.mark.parametrize("x", [1e7, 3.3e7, 1e8, 5e8, 1e9])
def test_a_right_gradient_passes_far_from_zero(x: float) -> None:
    """sin at 1e7 … 1e9 failed: the step eps·|x| undersampled it. Smaller steps judge it."""
    report = gradcheck_report(lambda v: v.sin(), [x])
    assert report.ok and report.judged
    assert math.isclose(report.rows[0].numeric, math.cos(x), rel_tol=1e-6, abs_tol=1e-8)


def test_a_wrong_gradient_far_from_zero_still_fails() -> None:
    wrong = Op("sin_wrong", "sin(x)", math.sin, lambda x, out: (-math.cos(x),))
    with pytest.raises(GradcheckError):
        gradcheck(lambda v: apply(wrong, v), [1e8])


def test_where_finite_differences_cannot_judge_it_says_so() -> None:
    """sin(x · 1e12) at 1: no step from eps down to rounding resolves it; a right gradient
    is then not failed, but reported as not judged, with a warning."""
    f = lambda v: (v * 1e12).sin()  # noqa: E731
    report = gradcheck_report(f, [1.0])
    assert report.ok and not report.judged
    assert "cannot judge here" in str(report)
    with pytest.warns(GradcheckWarning, match=r"cannot judge input\(s\) \[0\]"):
        assert gradcheck(f, [1.0])


@pytest.mark.parametrize("eps", [0, 0.0, -1e-6, float("nan"), float("inf"), True, "1e-6"])
def test_a_bad_eps_is_refused_by_name(eps) -> None:
    with pytest.raises(ValueError, match="eps must be a positive finite number"):
        gradcheck(lambda x: x * x, [1.0], eps=eps)


@pytest.mark.parametrize("name", ["atol", "rtol"])
def test_a_bad_tolerance_is_refused_by_name(name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be a non-negative number"):
        gradcheck(lambda x: x * x, [1.0], **{name: -1.0})


# -- check_grads, as jax.test_util.check_grads --


def test_check_grads_passes_right_derivatives_to_third_order() -> None:
    check_grads(lambda x, y: (x * y).tanh() + y.exp() * x, (0.3, -0.4), order=3)
    check_grads(lambda x, y: [x * y, x.sin() / y], (0.3, -0.4), order=2, modes=("rev",))


def test_check_grads_catches_a_wrong_second_derivative() -> None:
    """tanh with a rule that steps out of the graph (it uses the number of `out`): its first
    derivative is right, its second is 0: order 1 passes, order 2 fails, in both modes."""

    def slope(x, out):
        number = out.data if isinstance(out, Value) else out
        return (1 - number * number,)

    half_wrong = Op("tanh_half_wrong", "tanh(x)", math.tanh, slope)
    f = lambda x: apply(half_wrong, x) * 2  # noqa: E731
    check_grads(f, (0.5,), order=1)
    for mode in ("fwd", "rev"):
        with pytest.raises(AssertionError, match="of"):
            check_grads(f, (0.5,), order=2, modes=(mode,))


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"order": 0}, "order must be a positive int"),
        ({"modes": ("fwd", "back")}, "modes must be"),
        ({"modes": "fwd"}, "modes must be"),
        ({"eps": 0.0}, "eps must be"),
    ],
)
def test_check_grads_refuses_bad_arguments_by_name(kwargs, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        check_grads(lambda x: x * x, (1.0,), **kwargs)
