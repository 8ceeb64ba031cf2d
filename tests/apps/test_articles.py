"""The articles' hand-derived matrix formulas, computed with numpy, against the engine.

seed 000: a layer Y = σ(WX + B): G = dout·σ'(Z), dW = xᵀG, db = ΣG, din = G·Wᵀ.
seed 001: two layers with ReLU, softmax cross-entropy over N and an L2 penalty.
seed 003: a sigmoid layer with loss Σ(out − label)²/2; the right factor is Z(1 − Z).
"""

import numpy as np
import pytest

from autograd_scalar import Value
from autograd_scalar.core.value import dot
from autograd_scalar.nn.losses import half_squared_error, l2_penalty, softmax_cross_entropy

RNG = np.random.default_rng(7)


def values(array: np.ndarray) -> list:
    """A numpy array as nested lists of leaf Values."""
    if array.ndim == 1:
        return [Value(float(x)) for x in array]
    return [values(row) for row in array]


def grads(nested) -> np.ndarray:
    if isinstance(nested, Value):
        return np.array(nested.grad)
    return np.array([grads(x) for x in nested])


def layer(x: list, W: list, b: list) -> list:
    """Z = x·W + b for one sample x (W has one column per output)."""
    columns = list(zip(*W))
    return [dot(list(col), x, bj) for col, bj in zip(columns, b)]


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_seed_000_one_sigmoid_layer() -> None:
    N, n_in, n_out = 4, 3, 2
    x, W, B = RNG.normal(size=(N, n_in)), RNG.normal(size=(n_in, n_out)), RNG.normal(size=n_out)
    dout = RNG.normal(size=(N, n_out))
    xv, Wv, Bv = values(x), values(W), values(B)
    outputs = [[z.sigmoid() for z in layer(xi, Wv, Bv)] for xi in xv]
    # J = Σ dout ⊙ Y has dJ/dY = dout: the gradient arriving from the next layer
    J = sum(float(d) * y for row, drow in zip(outputs, dout) for y, d in zip(row, drow))
    J.backward()
    Z = x @ W + B
    G = dout * sigmoid(Z) * (1 - sigmoid(Z))
    assert np.allclose(grads(Wv), x.T @ G, rtol=1e-9, atol=1e-12)
    assert np.allclose(grads(Bv), G.sum(axis=0), rtol=1e-9, atol=1e-12)
    assert np.allclose(grads(xv), G @ W.T, rtol=1e-9, atol=1e-12)


def test_seed_001_two_layer_relu_softmax_with_l2() -> None:
    N, D, H, C, reg = 5, 4, 6, 3, 0.1
    X, y = RNG.normal(size=(N, D)), RNG.integers(0, C, size=N)
    W1, b1 = RNG.normal(size=(D, H)), RNG.normal(size=H)
    W2, b2 = RNG.normal(size=(H, C)), RNG.normal(size=C)
    Xv, W1v, b1v, W2v, b2v = values(X), values(W1), values(b1), values(W2), values(b2)
    data_loss = sum(
        softmax_cross_entropy(layer([h.relu() for h in layer(xi, W1v, b1v)], W2v, b2v), int(yi))
        for xi, yi in zip(Xv, y)
    )
    weights = [w for row in W1v + W2v for w in row]
    loss = data_loss / N + l2_penalty(weights, reg)
    loss.backward()
    # the article's numpy gradients
    out1 = np.maximum(0, X @ W1 + b1)
    scores = out1 @ W2 + b2
    margin = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    margin[np.arange(N), y] -= 1
    margin /= N
    dW2, db2 = out1.T @ margin + reg * W2, margin.sum(axis=0)
    margin1 = margin @ W2.T
    margin1[out1 <= 0] = 0
    dW1, db1 = X.T @ margin1 + reg * W1, margin1.sum(axis=0)
    for engine, article in [(W1v, dW1), (b1v, db1), (W2v, dW2), (b2v, db2)]:
        assert np.allclose(grads(engine), article, rtol=1e-9, atol=1e-12)


def seed_003_setup():
    N, n_in, n_out = 3, 3, 2
    X, W, B = RNG.normal(size=(N, n_in)), RNG.normal(size=(n_in, n_out)), RNG.normal(size=n_out)
    label = RNG.uniform(size=(N, n_out))
    return X, W, B, label


def test_seed_003_sigmoid_layer_with_the_right_factor() -> None:
    X, W, B, label = seed_003_setup()
    Xv, Wv, Bv = values(X), values(W), values(B)
    loss = sum(
        half_squared_error([z.sigmoid() for z in layer(xi, Wv, Bv)], list(map(float, li)))
        for xi, li in zip(Xv, label)
    )
    loss.backward()
    Z = sigmoid(X @ W + B)  # the layer's output
    delta = (Z - label) * Z * (1 - Z)  # formula [4] with the right factor Z(1 − Z)
    assert np.allclose(grads(Wv), X.T @ delta, rtol=1e-9, atol=1e-12)
    assert np.allclose(grads(Bv), delta.sum(axis=0), rtol=1e-9, atol=1e-12)


def test_seed_003_written_factor_disagrees() -> None:
    X, W, B, label = seed_003_setup()
    Z = sigmoid(X @ W + B)
    slipped = (Z - label) * sigmoid(Z) * (1 - sigmoid(Z))  # formula [4] as written
    right = (Z - label) * Z * (1 - Z)
    assert not np.allclose(X.T @ slipped, X.T @ right, rtol=1e-3)


@pytest.mark.parametrize("seed", [0, 1])
def test_seed_004_bias_is_the_weight_of_an_extra_input_of_one(seed: int) -> None:
    rng = np.random.default_rng(seed)
    W0 = rng.uniform(-1, 1, size=(4, 5))  # the article: (r, g, b, 1) · W0
    rgb = rng.uniform(-1, 1, size=3)
    with_one = [dot(values(W0[:, j]), [*map(float, rgb), 1.0]) for j in range(5)]
    with_bias = [
        dot(values(W0[:3, j]), list(map(float, rgb)), Value(float(W0[3, j]))) for j in range(5)
    ]
    assert [a.data for a in with_one] == pytest.approx([b.data for b in with_bias], abs=1e-15)
