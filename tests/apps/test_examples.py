"""The seed-002 worked examples, reproduced by the engine to the last digit."""

import pytest

from autograd_scalar.apps import examples


@pytest.fixture(scope="module")
def result() -> examples.WorkedExample:
    return examples.run_w1_w6()


def test_forward_pass(result) -> None:
    b = result.before
    assert [v.data for v in b.x] == [1.0, 0.5]
    assert b.h[0].data == pytest.approx(1.25, abs=1e-12)
    assert b.h[1].data == pytest.approx(3.8, abs=1e-12)
    assert b.y.data == pytest.approx(5.05, abs=1e-12)
    assert b.E.data == pytest.approx(0.55125, abs=1e-12)


def test_gradients(result) -> None:
    # dE/dy = y − t = 1.05; dE/dw1 = 1.05·w5·x1, dE/dw5 = 1.05·h1, dE/dw6 = 1.05·h2
    want = [1.05, 0.525, 1.05, 0.525, 1.3125, 3.99]
    assert result.gradients == pytest.approx(want, abs=1e-12)


def test_one_step_of_gradient_descent(result) -> None:
    want = [0.395, 1.4475, 2.195, 2.9475, 0.86875, 0.601]
    assert result.updated_weights == pytest.approx(want, abs=1e-12)
    # the article rounds these to 3.1768 and 0.3388
    assert result.after.y.data == pytest.approx(3.1768, abs=5e-5)
    assert result.after.E.data == pytest.approx(0.3388, abs=5e-5)
    y = 0.86875 * (0.395 * 1 + 1.4475 * 0.5) + 0.601 * (2.195 * 1 + 2.9475 * 0.5)
    assert result.after.y.data == pytest.approx(y, abs=1e-12)
    assert result.after.E.data == pytest.approx(0.5 * (4 - y) ** 2, abs=1e-12)


def test_labels_follow_the_article(result) -> None:
    assert [w.label for w in result.weights] == ["w1", "w2", "w3", "w4", "w5", "w6"]
    assert [n.label for n in (*result.before.x, *result.before.h)] == ["x1", "x2", "h1", "h2"]
    assert (result.before.y.label, result.before.E.label) == ("y", "E")


def test_small_graph() -> None:
    g = examples.small_graph()
    assert (g.c.data, g.d.data, g.e.data) == (3.0, 2.0, 6.0)
    assert (g.a.grad, g.b.grad) == (2.0, 5.0)


def test_table_shows_every_number(result) -> None:
    text = examples.format_w1_w6(result)
    for number in ["1.25", "3.8", "5.05", "0.55125", "1.3125", "3.99", "0.86875", "0.601"]:
        assert number in text


def test_table_names_the_learning_rate_it_used() -> None:
    text = examples.format_w1_w6(examples.run_w1_w6(learning_rate=0.5))
    assert "η = 0.5" in text and "η = 0.1" not in text
    assert f"{0.5 - 0.5 * 1.05:.6g}" in text  # w1 after the step: 0.5 − 0.5·1.05
