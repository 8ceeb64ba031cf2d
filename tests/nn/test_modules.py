"""Neuron, Layer and MLP: shapes, activations, explicit weights, gradients of the parameters."""

import math

import pytest

from autograd_scalar import MLP, Layer, Neuron, Value


def test_neuron_computes_activation_of_weighted_sum() -> None:
    n = Neuron(2, activation="tanh")
    n.weights[0].data, n.weights[1].data, n.bias.data = 0.5, -1.0, 0.25
    out = n([2.0, 3.0])
    assert math.isclose(out.data, math.tanh(0.5 * 2 - 3 + 0.25), rel_tol=1e-15)


@pytest.mark.parametrize(
    ("activation", "f"),
    [
        ("tanh", math.tanh),
        ("relu", lambda z: max(z, 0.0)),
        ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
        ("linear", lambda z: z),
    ],
)
def test_each_activation(activation: str, f) -> None:
    n = Neuron(1, activation=activation, bias=False)
    n.weights[0].data = 0.8
    for x in (-1.5, 2.0):
        assert math.isclose(n([x]).data, f(0.8 * x), rel_tol=1e-15)


def assert_parameter_grads_match_finite_differences(model, xs: list[float]) -> None:
    """Nudge each parameter up and down and compare the slope with its grad."""
    model(xs).backward()
    for p in model.parameters():
        analytic, h = p.grad, 1e-6
        p.data += h
        up = model(xs).data
        p.data -= 2 * h
        down = model(xs).data
        p.data += h
        assert math.isclose(analytic, (up - down) / (2 * h), rel_tol=1e-5, abs_tol=1e-8)


def test_neuron_parameter_gradients_match_finite_differences() -> None:
    assert_parameter_grads_match_finite_differences(Neuron(3, activation="tanh"), [0.3, -0.7, 1.1])


def test_mlp_gradients_match_finite_differences() -> None:
    net = MLP(2, [4, 3, 1], activation="tanh", seed=3)
    assert_parameter_grads_match_finite_differences(net, [0.5, -1.2])


def test_parameter_counts_and_zero_grad() -> None:
    net = MLP(3, [4, 2])
    assert len(net.parameters()) == (3 + 1) * 4 + (4 + 1) * 2
    assert len(MLP(3, [4, 2], bias=False).parameters()) == 3 * 4 + 4 * 2
    sum(net([1.0, 2.0, 3.0])).backward()
    assert any(p.grad != 0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad == 0 for p in net.parameters())


def test_same_seed_same_weights_other_seed_other_weights() -> None:
    def weights(seed: int) -> list[float]:
        return [p.data for p in MLP(2, [3, 1], seed=seed).parameters()]

    assert weights(7) == weights(7)
    assert weights(7) != weights(8)
    assert all(abs(w) <= 1 / math.sqrt(2) for w in weights(7)[:6])


def test_activation_per_layer_and_output_activation() -> None:
    net = MLP(2, [3, 3, 1], activation=["relu", "tanh", "sigmoid"])
    assert [layer.neurons[0].activation for layer in net.layers] == ["relu", "tanh", "sigmoid"]
    default = MLP(2, [3, 1], activation="relu")
    assert [layer.neurons[0].activation for layer in default.layers] == ["relu", "linear"]
    assert 0 < MLP(2, [1], output_activation="sigmoid")([1.0, 1.0]).data < 1


def test_set_weights_expresses_the_seed_network() -> None:
    net = MLP(2, [2, 1], activation="linear", bias=False)
    net.set_weights([[[0.5, 1.5], [2.3, 3.0]], [[1.0, 1.0]]])
    y = net([1.0, 0.5])
    assert math.isclose(y.data, 5.05, rel_tol=1e-15)


def test_set_weights_with_biases() -> None:
    net = MLP(1, [1], activation="linear")
    net.set_weights([[[2.0]]], biases=[[0.5]])
    assert net([3.0]).data == 6.5


def test_set_weights_checks_everything_before_changing_anything() -> None:
    net = MLP(2, [2, 1], bias=False)
    before = [p.data for p in net.parameters()]
    with pytest.raises(ValueError, match="shape"):
        net.set_weights([[[1.0, 2.0], [3.0, 4.0]], [[5.0]]])
    with pytest.raises(TypeError, match="str"):
        net.set_weights([[[1.0, 2.0], [3.0, "4"]], [[5.0, 6.0]]])
    with pytest.raises(ValueError, match="no biases"):
        net.set_weights([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0]]], biases=[[0, 0], [0]])
    with pytest.raises(ValueError, match="nested lists"):
        net.set_weights([[1.0, 2.0], [[5.0, 6.0]]])
    assert [p.data for p in net.parameters()] == before


def test_set_weights_takes_any_iterables() -> None:
    net = MLP(2, [2, 1], activation="linear", bias=False)
    net.set_weights(iter([((0.5, 1.5), (2.3, 3.0)), iter([[1.0, 1.0]])]))
    assert [p.data for p in net.parameters()] == [0.5, 1.5, 2.3, 3.0, 1.0, 1.0]


def test_outputs_list_for_several_neurons() -> None:
    out = MLP(2, [3, 2])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2 and all(isinstance(v, Value) for v in out)
    assert len(Layer(2, 4)([1.0, 2.0])) == 4


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Neuron(0), ValueError, "n_inputs"),
        (lambda: Neuron(2, activation="softplus"), ValueError, "activation"),
        (lambda: MLP(2, []), ValueError, "layer_sizes"),
        (lambda: MLP(2, [3, 1], activation=["tanh"]), ValueError, "activations"),
        (lambda: Neuron(2)([1.0]), ValueError, "2 inputs"),
        (lambda: Layer(2, 0), ValueError, "n_outputs"),
        (lambda: MLP(2, 3), TypeError, "layer_sizes must be a list of ints"),
        (lambda: MLP(2, [3, 1], activation=None), TypeError, "activation must be a name"),
        (
            lambda: MLP(2, [3, 1], activation=["relu", "relu"], output_activation="sigmoid"),
            ValueError,
            "contradicts it",
        ),
    ],
)
def test_bad_arguments(make, error, words: str) -> None:
    with pytest.raises(error, match=words):
        make()


def test_parameter_names_follow_the_structure() -> None:
    net = MLP(2, [2, 1])
    assert [name for name, _ in net.named_parameters()] == [
        "layers.0.neurons.0.w0",
        "layers.0.neurons.0.w1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w0",
        "layers.0.neurons.1.w1",
        "layers.0.neurons.1.b",
        "layers.1.neurons.0.w0",
        "layers.1.neurons.0.w1",
        "layers.1.neurons.0.b",
    ]
    net.set_weights([[[1, 2], [3, 4]], [[5, 6]]], biases=[[7, 8], [9]])
    assert [p.data for p in net.parameters()] == [1, 2, 7, 3, 4, 8, 5, 6, 9]


def test_activations_from_any_iterable_and_an_agreeing_output_activation() -> None:
    net = MLP(2, [3, 1], activation=(a for a in ["relu", "sigmoid"]), output_activation="sigmoid")
    assert [layer.neurons[0].activation for layer in net.layers] == ["relu", "sigmoid"]


def test_parameters_are_labelled_from_their_place_in_the_model() -> None:
    net = MLP(2, [3, 1], seed=0)
    # the label is the path to the parameter: L1.n0.w2 is net.layers[1].neurons[0].weights[2]
    assert net.layers[1].neurons[0].weights[2].label == "L1.n0.w2"
    assert net.layers[0].neurons[2].bias.label == "L0.n2.b"
    # one label per parameter, each the short form of its state-dict key (keys unchanged)
    for key, p in net.named_parameters():
        short = key.replace("layers.", "L").replace("neurons.", "n")
        assert p.label == short
    assert len({p.label for p in net.parameters()}) == len(net.parameters())
    assert [p.label for p in Neuron(2).parameters()] == ["w0", "w1", "b"]
    assert [p.label for p in Layer(1, 2).parameters()] == ["n0.w0", "n0.b", "n1.w0", "n1.b"]


def test_neuron_outputs_and_plain_inputs_are_labelled_when_called() -> None:
    net = MLP(2, [3, 1], seed=0)
    out = net([0.5, -1.0])
    assert out.label == "L1.n0"
    hidden = net.layers[0]([0.5, -1.0])
    assert [h.label for h in hidden] == ["L0.n0", "L0.n1", "L0.n2"]
    # a plain-number input becomes one leaf, shared by every neuron of the layer
    firsts = {h.parents[2] for h in (n.parents[0] for n in hidden)}
    assert len(firsts) == 1 and firsts.pop().label == "x0"
    given = Value(0.5, label="a")
    assert net.layers[0]([given, -1.0])[0].parents[0].parents[2] is given


def test_state_files_keep_their_keys(tmp_path) -> None:
    net = MLP(2, [2, 1], seed=0)
    net.save(tmp_path / "s.json")
    text = (tmp_path / "s.json").read_text()
    assert '"layers.1.neurons.0.w1"' in text and "L1.n0" not in text
    other = MLP(2, [2, 1], seed=5)
    other.load(tmp_path / "s.json")
    assert other.state_dict() == net.state_dict()
