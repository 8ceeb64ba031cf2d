"""Neuron, Layer and MLP: shapes, activations, explicit weights, gradients of the parameters."""

import json
import math

import pytest

from autograd_scalar import MLP, Layer, Module, Neuron, StateFileError, Value
from autograd_scalar.core.ops import OPS
from autograd_scalar.nn.modules import activations


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


# -- state files: one documented error (StateFileError), short, naming the file and the key --

FORMAT = "autograd_scalar.state_dict/1"


def state_text(parameters: str) -> str:
    return f'{{"format": "{FORMAT}", "parameters": {{{parameters}}}}}'


def small_net_entries(w0: str = "0.5") -> str:
    return f'"layers.0.neurons.0.w0": {w0}, "layers.0.neurons.0.w1": 1, "layers.0.neurons.0.b": 2'


def test_save_refuses_a_nan_weight_and_writes_valid_json_when_asked(tmp_path) -> None:
    net = MLP(2, [1])
    net.parameters()[0].data = math.nan
    net.parameters()[2].data = -math.inf
    path = tmp_path / "m.json"
    with pytest.raises(ValueError, match="'layers.0.neurons.0.w0' is nan"):
        net.save(path)
    assert not path.exists()
    net.save(path, allow_nonfinite=True)
    strict = json.loads(path.read_text(), parse_constant=lambda name: pytest.fail(name))
    assert strict["parameters"]["layers.0.neurons.0.w0"] == "nan"
    assert strict["parameters"]["layers.0.neurons.0.b"] == "-inf"
    fresh = MLP(2, [1], seed=5)
    with pytest.raises(StateFileError, match="w0' is nan; pass allow_nonfinite=True"):
        fresh.load(path)
    fresh.load(path, allow_nonfinite=True)
    w0, w1, b = (p.data for p in fresh.parameters())
    assert math.isnan(w0) and w1 == net.parameters()[1].data and b == -math.inf


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_load_refuses_non_finite_numbers_unless_asked(tmp_path, number: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(state_text(small_net_entries(w0=number)))
    net = MLP(2, [1])
    with pytest.raises(StateFileError, match=f"{path}: parameter 'layers.0.neurons.0.w0' is"):
        net.load(path)
    net.load(path, allow_nonfinite=True)
    assert not math.isfinite(net.parameters()[0].data)


def write(path, content: str | bytes):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


BAD_FILES = {
    "binary garbage": (b"\xff\xfe\x00\x89PNG\r\n", "not a state file"),
    "text garbage": ("hello", "not a state file"),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, "not a state file.*nested too deeply"),
    "huge integer": (state_text(small_net_entries(w0="9" * 5000)), "too many digits"),
    "big integer": (state_text(small_net_entries(w0="9" * 400)), "w0' is too large"),
    "string value": (state_text(small_net_entries(w0='"0.5"')), "w0' is '0.5', not a number"),
    "bool value": (state_text(small_net_entries(w0="true")), "w0' is True, not a number"),
    "duplicate key": (
        state_text(small_net_entries() + ', "layers.0.neurons.0.w0": 7'),
        "duplicate key 'layers.0.neurons.0.w0'",
    ),
    "duplicate format": ('{"format": 1, "format": 2}', "duplicate key 'format'"),
    "missing key": (state_text('"layers.0.neurons.0.w0": 1'), "missing .*w1"),
    "wrong format": ('{"format": "other/2", "parameters": {}}', "not a state file"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_every_bad_file_raises_state_file_error_and_changes_nothing(tmp_path, case: str) -> None:
    content, words = BAD_FILES[case]
    path = write(tmp_path / "m.json", content)
    net = MLP(2, [1])
    before = net.state_dict()
    with pytest.raises(StateFileError, match=words) as error:
        net.load(path)
    assert str(path) in str(error.value) and len(str(error.value)) < 300
    assert net.state_dict() == before


@pytest.mark.parametrize("where", ["folder", "missing"])
def test_an_unreadable_path_raises_state_file_error(tmp_path, where: str) -> None:
    path = tmp_path if where == "folder" else tmp_path / "nope.json"
    with pytest.raises(StateFileError, match=f"cannot read {path}"):
        MLP(2, [1]).load(path)


def test_state_file_error_is_a_documented_value_error() -> None:
    assert issubclass(StateFileError, ValueError) and StateFileError.__doc__
    assert "StateFileError" in (Module.load.__doc__ or "")


@pytest.mark.parametrize("count", [10_000, pytest.param(1_000_000, marks=pytest.mark.slow)])
def test_the_message_stays_short_for_many_unknown_keys(tmp_path, count: int) -> None:
    extra = ", ".join(f'"unknown.{i}": 0' for i in range(count))
    path = write(tmp_path / "m.json", state_text(small_net_entries() + ", " + extra))
    net = MLP(2, [1])
    before = net.state_dict()
    with pytest.raises(StateFileError, match=f"unexpected .* and {count - 5} more") as error:
        net.load(path)
    assert len(str(error.value)) < 600
    assert net.state_dict() == before


def test_a_good_file_still_loads_exactly(tmp_path) -> None:
    net, fresh = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    net.save(tmp_path / "m.json")
    fresh.load(tmp_path / "m.json")
    assert fresh.state_dict() == net.state_dict()


# -- inputs: a list of numbers becomes one leaf per input; a lone number is refused --


def test_an_mlp_on_plain_numbers_makes_one_leaf_per_input() -> None:
    net = MLP(3, [4, 2, 1])
    out = net([1.0, 2.0, 3.0])
    leaves = {n for n in out.topological_order() if not n.parents}
    inputs = leaves - set(net.parameters())
    assert sorted(x.data for x in inputs) == [1.0, 2.0, 3.0]
    layer = Layer(3, 5)
    outputs = layer([1.0, 2.0, 3.0])
    layer_leaves = {n for out in outputs for n in out.topological_order() if not n.parents}
    assert len(layer_leaves - set(layer.parameters())) == 3


@pytest.mark.parametrize("call", [lambda net: net(1.0), lambda net: net(Value(1.0))])
def test_a_single_number_where_a_list_is_needed_is_named(call) -> None:
    with pytest.raises(TypeError, match=r"takes a list of 1 inputs, got (float|Value).*\[x\]"):
        call(MLP(1, [2, 1]))


@pytest.mark.parametrize(
    "options",
    [
        {"activation": "gelu"},
        {"output_activation": "gelu"},
        {"activation": ["gelu"]},
        {"activation": "softplus"},
    ],
)
def test_an_unknown_activation_is_refused_even_without_hidden_layers(options) -> None:
    with pytest.raises(ValueError, match="activation must be one of .*'tanh'.*got '"):
        MLP(2, [1], **options)


def test_the_accepted_activations_are_the_op_tables() -> None:
    marked = {name for name, op in OPS.items() if op.activation}
    assert set(activations()) == {"linear"} | marked
    assert "gelu" not in OPS
    for name in marked:
        neuron = Neuron(1, activation=name, bias=False)
        neuron.weights[0].data = 0.5
        assert neuron([0.25]).data == OPS[name].forward(0.125)


def test_output_and_outputs_say_which_shape_is_wanted() -> None:
    one, two = MLP(2, [3, 1], seed=0), MLP(2, [3, 2], seed=0)
    assert one.output([0.5, -0.5]).data == one([0.5, -0.5]).data
    assert [v.data for v in one.outputs([0.5, -0.5])] == [one([0.5, -0.5]).data]
    assert [v.data for v in two.outputs([0.5, -0.5])] == [v.data for v in two([0.5, -0.5])]
    with pytest.raises(ValueError, match="2 outputs: use outputs"):
        two.output([0.5, -0.5])
