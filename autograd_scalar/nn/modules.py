"""Neural-network building blocks made of `Value`s: Neuron, Layer and MLP.

Every parameter is labelled from its place in the model, as the path that reaches it:
`L1.n2.w0` is `model.layers[1].neurons[2].weights[0]` (state-dict key
`layers.1.neurons.2.w0`), `L1.n2.b` its bias, and a neuron's output is labelled `L1.n2`,
so drawings, traces and derivations name them without the user labelling anything.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from pathlib import Path

from ..core.ops import OPS, Number
from ..core.value import Value, apply, dot

LINEAR = "linear"
"""The activation that leaves the weighted sum as it is."""


def activations() -> tuple[str, ...]:
    """The activation names a layer accepts: "linear" and every op of the table marked as an
    activation (tanh, relu, sigmoid, ..., and any op registered with activation=True)."""
    return (LINEAR, *(name for name, op in OPS.items() if op.activation))


STATE_FORMAT = "autograd_scalar.state_dict/1"


class Module:
    """Anything with trainable parameters, each with a name such as 'layers.0.neurons.1.w0'."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs in a fixed order; subclasses list their own."""
        return []

    def parameters(self) -> list[Value]:
        """The trainable `Value`s, in the order of `named_parameters()` (what optimizers take)."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Reset the grad of every parameter to 0 (grads accumulate otherwise)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by name (what `load_state_dict` and `save` take)."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, float]) -> None:
        """Set every parameter from `state`; keys must match exactly, or nothing changes."""
        named = dict(self.named_parameters())
        missing, extra = sorted(set(named) - set(state)), sorted(set(state) - set(named))
        if missing or extra:
            raise KeyError(f"state does not fit this model: missing {missing}, unexpected {extra}")
        values = {name: Value(state[name]).data for name in named}  # TypeError on a non-number
        for name, p in named.items():
            p.data = values[name]

    def save(self, path: str | Path) -> None:
        """Write the state dict to JSON; floats are written exactly (shortest repr)."""
        document = {"format": STATE_FORMAT, "parameters": self.state_dict()}
        Path(path).write_text(json.dumps(document, indent=1), encoding="utf-8")

    def load(self, path: str | Path) -> None:
        """Read parameters written by `save`."""
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not a state file written by Module.save: {err}") from None
        if (
            not isinstance(document, dict)
            or document.get("format") != STATE_FORMAT
            or not isinstance(document.get("parameters"), dict)
        ):
            raise ValueError(f"{path} is not a state file written by Module.save")
        self.load_state_dict(document["parameters"])


class Neuron(Module):
    """activation(w · x + b): one weight per input and an optional bias."""

    def __init__(
        self,
        n_inputs: int,
        activation: str = "tanh",
        bias: bool = True,
        rng: random.Random | None = None,
    ) -> None:
        _check_count(n_inputs, "n_inputs")
        if activation not in activations():
            raise ValueError(f"activation must be one of {activations()}, got {activation!r}")
        rng = rng or random.Random(0)
        bound = 1 / math.sqrt(n_inputs)  # PyTorch's default for a linear layer
        self.weights = [Value(rng.uniform(-bound, bound)) for _ in range(n_inputs)]
        self.bias = Value(0.0) if bias else None
        self.activation = activation
        self.rename("")

    def rename(self, name: str) -> None:
        """Label the parameters `name.w0`, ..., `name.b` and, from now on, the output `name`."""
        self.name = name
        for key, p in self.named_parameters():
            p.label = f"{name}.{key}" if name else key

    def __call__(self, inputs: Sequence[Value | Number]) -> Value:
        if len(inputs) != len(self.weights):
            raise ValueError(f"neuron takes {len(self.weights)} inputs, got {len(inputs)}")
        total = dot(self.weights, inputs, self.bias)
        out = total if self.activation == LINEAR else apply(OPS[self.activation], total)
        out.label = self.name
        return out

    def named_parameters(self) -> list[tuple[str, Value]]:
        named = [(f"w{i}", w) for i, w in enumerate(self.weights)]
        return named + ([("b", self.bias)] if self.bias is not None else [])

    def __repr__(self) -> str:
        has_bias = self.bias is not None
        return f"Neuron({len(self.weights)}, activation={self.activation!r}, bias={has_bias})"


class Layer(Module):
    """`n_outputs` neurons that all see the same inputs."""

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        activation: str = "tanh",
        bias: bool = True,
        rng: random.Random | None = None,
    ) -> None:
        _check_count(n_outputs, "n_outputs")
        rng = rng or random.Random(0)
        self.neurons = [Neuron(n_inputs, activation, bias, rng) for _ in range(n_outputs)]
        self.rename("")

    def rename(self, name: str) -> None:
        """Name each neuron `name.n0`, `name.n1`, ... (`n0`, ... when `name` is empty)."""
        for j, neuron in enumerate(self.neurons):
            neuron.rename(f"{name}.n{j}" if name else f"n{j}")

    def __call__(self, inputs: Sequence[Value | Number]) -> list[Value]:
        """Each neuron's output; plain-number inputs become one leaf each (x0, x1, ...),
        shared by all the neurons."""
        shared = [x if isinstance(x, Value) else Value(x, f"x{i}") for i, x in enumerate(inputs)]
        return [neuron(shared) for neuron in self.neurons]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"neurons.{i}.{name}", p)
            for i, neuron in enumerate(self.neurons)
            for name, p in neuron.named_parameters()
        ]

    def __repr__(self) -> str:
        first = self.neurons[0]
        return (
            f"Layer({len(first.weights)} -> {len(self.neurons)}, "
            f"activation={first.activation!r}, bias={first.bias is not None})"
        )


class MLP(Module):
    """A stack of fully connected layers.

    `activation` is one name for every hidden layer, the last layer taking
    `output_activation` (linear by default); or a list with one name per layer, the last
    included (then `output_activation` is not given).
    """

    def __init__(
        self,
        n_inputs: int,
        layer_sizes: Sequence[int],
        activation: str | Sequence[str] = "tanh",
        output_activation: str | None = None,
        bias: bool = True,
        seed: int = 0,
    ) -> None:
        _check_count(n_inputs, "n_inputs")
        if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
            raise TypeError(f"layer_sizes must be a list of ints, got {layer_sizes!r}")
        if not layer_sizes:
            raise ValueError("layer_sizes must name at least one layer")
        activations = _per_layer(activation, output_activation, len(layer_sizes))
        rng = random.Random(seed)
        sizes = [n_inputs, *layer_sizes]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activations[i], bias, rng)
            for i in range(len(layer_sizes))
        ]
        for i, layer in enumerate(self.layers):
            layer.rename(f"L{i}")

    def __call__(self, inputs: Sequence[Value | Number]) -> Value | list[Value]:
        """The network's output: a single `Value` when the last layer has one neuron."""
        outputs = list(inputs)
        for layer in self.layers:
            outputs = layer(outputs)
        return outputs[0] if len(outputs) == 1 else outputs

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"layers.{i}.{name}", p)
            for i, layer in enumerate(self.layers)
            for name, p in layer.named_parameters()
        ]

    def set_weights(
        self,
        weights: Sequence[Sequence[Sequence[Number]]],
        biases: Sequence[Sequence[Number]] | None = None,
    ) -> None:
        """Set every weight explicitly: `weights[layer][neuron][input]` (and biases likewise).

        The shapes are checked in full before anything is changed.
        """
        weights = _nested_lists(weights, depth=3, what="weights")
        biases = None if biases is None else _nested_lists(biases, depth=2, what="biases")
        self._check_shape(weights, biases)
        for layer, layer_weights in zip(self.layers, weights):
            for neuron, neuron_weights in zip(layer.neurons, layer_weights):
                for w, value in zip(neuron.weights, neuron_weights):
                    w.data = float(value)
        for layer, layer_biases in zip(self.layers, biases or ()):
            for neuron, value in zip(layer.neurons, layer_biases):
                neuron.bias.data = float(value)

    def _check_shape(self, weights, biases) -> None:
        expected = [[len(n.weights) for n in layer.neurons] for layer in self.layers]
        got = [[len(row) for row in layer] for layer in weights]
        if got != expected:
            raise ValueError(f"weights have shape {got}, the network needs {expected}")
        _check_numbers(v for layer in weights for row in layer for v in row)
        if biases is None:
            return
        if any(n.bias is None for layer in self.layers for n in layer.neurons):
            raise ValueError("this network has no biases (bias=False)")
        got_b = [len(layer) for layer in biases]
        expected_b = [len(layer.neurons) for layer in self.layers]
        if got_b != expected_b:
            raise ValueError(f"biases have shape {got_b}, the network needs {expected_b}")
        _check_numbers(v for layer in biases for v in layer)

    def __repr__(self) -> str:
        return "MLP(" + ", ".join(repr(layer) for layer in self.layers) + ")"


def _per_layer(activation, output_activation: str | None, n_layers: int) -> list[str]:
    if isinstance(activation, str):
        return [activation] * (n_layers - 1) + [output_activation or "linear"]
    if not hasattr(activation, "__iter__"):
        raise TypeError(f"activation must be a name or a list of names, got {activation!r}")
    activations = list(activation)
    if len(activations) != n_layers:
        raise ValueError(f"{n_layers} layers need {n_layers} activations, got {len(activations)}")
    if output_activation not in (None, activations[-1]):
        raise ValueError(
            f"the list of activations ends in {activations[-1]!r}, the output layer's: "
            f"output_activation={output_activation!r} contradicts it"
        )
    return activations


def _nested_lists(rows, depth: int, what: str) -> list:
    """Nested sequences (or iterators) as lists of lists, `depth` levels deep, numbers last."""
    if isinstance(rows, (str, bytes)) or not hasattr(rows, "__iter__"):
        raise ValueError(f"{what} must be nested lists [layer][neuron]..., found {rows!r}")
    return list(rows) if depth == 1 else [_nested_lists(r, depth - 1, what) for r in rows]


def _check_count(n: object, name: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{name} must be a positive int, got {n!r}")


def _check_numbers(values) -> None:
    for v in values:
        Value(v)  # raises TypeError naming what was given
