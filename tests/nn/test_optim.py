"""SGD (with momentum) and Adam against their update formulas, written out by hand."""

import math

import pytest

from autograd_scalar import MLP, Value, is_grad_enabled
from autograd_scalar.nn.optim import SGD, Adam


def test_sgd_step() -> None:
    w = Value(1.0)
    w.grad = 0.5
    SGD([w], lr=0.1).step()
    assert w.data == 1.0 - 0.1 * 0.5


def test_sgd_momentum_accumulates_velocity() -> None:
    w = Value(1.0)
    opt = SGD([w], lr=0.1, momentum=0.9)
    for _ in range(3):
        w.grad = 1.0
        opt.step()
    # v = 1, 1.9, 2.71: w = 1 − 0.1·(1 + 1.9 + 2.71)
    assert w.data == pytest.approx(1 - 0.1 * (1 + 1.9 + 2.71), abs=1e-15)


def test_adam_matches_the_formula() -> None:
    w = Value(0.5)
    opt = Adam([w], lr=0.001)
    m = v = 0.0
    expected = 0.5
    for t, g in enumerate([0.3, -0.2, 0.7], start=1):
        w.grad = g
        opt.step()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        expected -= 0.001 * (m / (1 - 0.9**t)) / (math.sqrt(v / (1 - 0.999**t)) + 1e-8)
        assert w.data == pytest.approx(expected, abs=1e-15)


def test_adam_first_step_moves_by_about_lr() -> None:
    w = Value(0.0)
    w.grad = 123.0
    Adam([w], lr=0.001).step()
    assert w.data == pytest.approx(-0.001, rel=1e-6)  # bias correction: m̂/√v̂ = sign(g)


def test_step_changes_data_in_place_and_zero_grad_clears() -> None:
    w = Value(1.0)
    (w * w).backward()
    opt = SGD([w])
    opt.step()
    assert opt.parameters[0] is w and type(w.data) is float
    assert (w.data, w.grad) == (1.0 - 0.01 * 2.0, 2.0)
    assert is_grad_enabled()
    opt.zero_grad()
    assert w.grad == 0.0


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: SGD([], lr=0.1), TypeError, "non-empty"),
        (lambda: SGD([1.0], lr=0.1), TypeError, "Value"),
        (lambda: SGD([Value(1.0)], lr=0), ValueError, "learning rate"),
        (lambda: SGD([Value(1.0)], momentum=1.0), ValueError, "momentum"),
        (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, "betas"),
        (lambda: Adam([Value(1.0)], eps=0.0), ValueError, "eps"),
        (lambda: Adam([Value(1.0)], eps=-1e-8), ValueError, "eps"),
    ],
)
def test_bad_arguments(make, error, words: str) -> None:
    with pytest.raises(error, match=words):
        make()


def test_momentum_keeps_a_velocity_per_parameter() -> None:
    a, b = Value(1.0), Value(1.0)
    opt = SGD([a, b], lr=0.1, momentum=0.9)
    for grads in [(1.0, -2.0), (1.0, -2.0)]:
        a.grad, b.grad = grads
        opt.step()
    # v1 = g, v2 = 0.9·g + g = 1.9·g; w = 1 − 0.1·(g + 1.9·g) = 1 − 0.29·g
    assert math.isclose(a.data, 1 - 0.29 * 1.0, rel_tol=1e-12)
    assert math.isclose(b.data, 1 + 0.29 * 2.0, rel_tol=1e-12)


def test_adam_keeps_moments_per_parameter() -> None:
    a, b = Value(0.0), Value(0.0)
    opt = Adam([a, b], lr=0.1)
    history = [(1.0, -3.0), (0.5, 2.0)]
    m, v, w = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    for t, grads in enumerate(history, start=1):
        a.grad, b.grad = grads
        opt.step()
        for i, g in enumerate(grads):  # the article's update, one parameter at a time
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            m_hat, v_hat = m[i] / (1 - 0.9**t), v[i] / (1 - 0.999**t)
            w[i] -= 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert [a.data, b.data] == pytest.approx(w, rel=1e-12)


@pytest.mark.parametrize("optimizer", [SGD, Adam])
def test_a_module_is_taken_as_its_parameters(optimizer) -> None:
    net = MLP(2, [2, 1], seed=0)
    by_module, by_list = optimizer(net, lr=0.1), optimizer(net.parameters(), lr=0.1)
    assert by_module.parameters == by_list.parameters == net.parameters()
    before = net.state_dict()
    net([1.0, -1.0]).backward()
    by_module.step()
    assert net.state_dict() != before  # the module's own parameters moved


@pytest.mark.parametrize("optimizer", [SGD, Adam])
@pytest.mark.parametrize("wrong", [1.0, Value(1.0), None])
def test_something_else_than_parameters_is_named(optimizer, wrong) -> None:
    with pytest.raises(TypeError, match="net.parameters\\(\\)\\) or a Module, got"):
        optimizer(wrong)


@pytest.mark.parametrize("make", [SGD, Adam])
def test_a_parameter_listed_twice_is_refused(make) -> None:
    w = Value(1.0)
    with pytest.raises(ValueError, match="parameter 1 is parameter 0 again"):
        make([w, w])
