"""Each loss: its value against its formula, its gradient against the analytic one and finite
differences."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_scalar import Value, gradcheck
from autograd_scalar.nn.losses import (
    binary_hinge,
    half_squared_error,
    hinge,
    l2_penalty,
    mse,
    softmax,
    softmax_cross_entropy,
    total,
)

LOGITS = st.lists(st.floats(-5, 5), min_size=2, max_size=5)


def test_half_squared_error_of_the_seed() -> None:
    y = Value(5.05)
    loss = half_squared_error(y, 4.0)
    loss.backward()
    assert loss.data == pytest.approx(0.55125, abs=1e-12)
    assert y.grad == pytest.approx(1.05, abs=1e-12)  # dE/dy = y − t


@settings(max_examples=50)
@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3)), min_size=1, max_size=4))
def test_squared_errors(pairs) -> None:
    ps, ts = [p for p, _ in pairs], [t for _, t in pairs]
    assert half_squared_error([Value(p) for p in ps], ts).data == pytest.approx(
        sum(0.5 * (p - t) ** 2 for p, t in pairs), abs=1e-12
    )
    assert mse([Value(p) for p in ps], ts).data == pytest.approx(
        sum((p - t) ** 2 for p, t in pairs) / len(pairs), abs=1e-12
    )
    gradcheck(lambda *v: mse(list(v), ts), ps)
    gradcheck(lambda *v: half_squared_error(list(v), ts), ps)


@settings(max_examples=60)
@given(LOGITS, st.data())
def test_softmax_cross_entropy_gradient_is_softmax_minus_one_hot(logits, data) -> None:
    label = data.draw(st.integers(0, len(logits) - 1))
    zs = [Value(z) for z in logits]
    loss = softmax_cross_entropy(zs, label)
    exps = [math.exp(z) for z in logits]
    assert loss.data == pytest.approx(-logits[label] + math.log(sum(exps)), abs=1e-9)
    loss.backward()
    for j, z in enumerate(zs):
        assert z.grad == pytest.approx(exps[j] / sum(exps) - (j == label), abs=1e-12)
    gradcheck(lambda *v: softmax_cross_entropy(list(v), label), logits)


def test_softmax_is_stable_for_huge_logits() -> None:
    probs = softmax([Value(1000.0), Value(1001.0)])
    assert [p.data for p in probs] == pytest.approx([1 / (1 + math.e), math.e / (1 + math.e)])
    loss = softmax_cross_entropy([Value(1000.0), Value(-1000.0)], 0)
    assert loss.data == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=60)
@given(LOGITS, st.data())
def test_hinge_matches_its_formula(scores, data) -> None:
    label = data.draw(st.integers(0, len(scores) - 1))
    margins = [s - scores[label] + 1 for j, s in enumerate(scores) if j != label]
    assume(all(abs(m) > 1e-3 for m in margins))  # at the kink the derivative is a choice
    vs = [Value(s) for s in scores]
    loss = hinge(vs, label)
    assert loss.data == pytest.approx(sum(max(0.0, m) for m in margins), abs=1e-12)
    loss.backward()
    active = sum(m > 0 for m in margins)
    assert vs[label].grad == -active
    gradcheck(lambda *v: hinge(list(v), label), scores)


def test_binary_hinge() -> None:
    s = Value(0.3)
    binary_hinge(s, -1).backward()
    assert s.grad == 1.0
    assert binary_hinge(Value(2.0), 1).data == 0.0


def test_l2_penalty_adds_reg_times_w() -> None:
    ws = [Value(0.5), Value(-2.0)]
    penalty = l2_penalty(ws, reg=0.1)
    assert penalty.data == pytest.approx(0.5 * 0.1 * (0.25 + 4.0))
    penalty.backward()
    assert [w.grad for w in ws] == pytest.approx([0.05, -0.2])


def test_numpy_integer_labels_are_labels() -> None:
    """Labels read from a NumPy array (np.int64) were refused; they give what ints give."""
    logits = [Value(0.5), Value(-1.0), Value(2.0)]
    for loss in (softmax_cross_entropy, hinge):
        assert loss(logits, np.int64(2)).data == loss(logits, 2).data
    assert binary_hinge(Value(0.3), np.int64(-1)).data == binary_hinge(Value(0.3), -1).data


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: mse([Value(1.0)], [1.0, 2.0]), ValueError, "1 predictions and 2 targets"),
        (lambda: mse([], []), ValueError, "predictions"),
        (lambda: softmax_cross_entropy([Value(1.0)], 1), ValueError, "label"),
        (lambda: softmax_cross_entropy([], 0), ValueError, "label"),
        (lambda: hinge([Value(1.0), Value(2.0)], True), ValueError, "label"),
        (lambda: binary_hinge(Value(1.0), 0), ValueError, r"\+1 or -1"),
        (lambda: binary_hinge(Value(1.0), True), ValueError, r"\+1 or -1"),
        (lambda: binary_hinge(Value(1.0), np.bool_(True)), ValueError, r"\+1 or -1"),
        (lambda: hinge([Value(1.0), Value(2.0)], np.float64(1.0)), ValueError, "label"),
        (lambda: hinge(["1", 2.0], 1), TypeError, "real number"),
        (lambda: l2_penalty([], 0.1), ValueError, "parameter"),
    ],
)
def test_bad_input(call, error, words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_plain_number_inputs_give_a_value() -> None:
    cases = [
        (half_squared_error([1.0, 3.0], [2.0, 1.0]), 0.5 * 1 + 0.5 * 4),
        (half_squared_error(1.0, 2), 0.5),
        (mse([1.0, 3.0], [2.0, 1.0]), 2.5),
        (hinge([1.0, 2.0], 0), 2.0),
        (binary_hinge(0.5, 1), 0.5),
        (softmax_cross_entropy([0.0, 0.0], 1), math.log(2)),
    ]
    for loss, expected in cases:
        assert isinstance(loss, Value)
        assert math.isclose(loss.data, expected, rel_tol=1e-12)


@pytest.mark.parametrize("margin", [0.5, 1.0, 2.0])
def test_hinge_uses_its_margin(margin: float) -> None:
    scores = [Value(1.0), Value(2.0), Value(0.2)]
    loss = hinge(scores, 0, margin=margin)
    want = max(0.0, 2.0 - 1.0 + margin) + max(0.0, 0.2 - 1.0 + margin)
    assert math.isclose(loss.data, want, rel_tol=1e-12)
    assert math.isclose(binary_hinge(Value(0.25), 1, margin=margin).data, max(0, margin - 0.25))


def test_total_is_always_a_value() -> None:
    assert isinstance(total([1.0, 2.0]), Value) and total([1.0, 2.0]).data == 3.0
    with pytest.raises(ValueError, match="empty"):
        total([])
