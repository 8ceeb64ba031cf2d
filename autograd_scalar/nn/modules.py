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
import reprlib
from collections.abc import Iterable, Sequence
from numbers import Real
from pathlib import Path
from typing import Any

from ..core.ops import OPS, Number
from ..core.value import Value, apply, dot, zero_grads

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
        zero_grads(self.parameters())

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by name (what `load_state_dict` and `save` take)."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, float]) -> None:
        """Set every parameter from `state`; keys must match exactly, or nothing changes."""
        named = dict(self.named_parameters())
        missing, extra = sorted(set(named) - set(state)), sorted(set(state) - set(named))
        if missing or extra:
            raise KeyError(
                f"state does not fit this model: missing {_few(missing)}, unexpected {_few(extra)}"
            )
        values = {name: Value(state[name]).data for name in named}  # TypeError on a non-number
        for name, p in named.items():
            p.data = values[name]

    def save(self, path: str | Path, *, allow_nonfinite: bool = False) -> None:
        """Write the state dict as JSON; floats are written exactly (shortest repr).

        A NaN or infinite weight is refused (a bare NaN is not JSON other readers accept);
        with `allow_nonfinite=True` it is written as the string "nan", "inf" or "-inf".
        """
        state = self.state_dict()
        for name, value in state.items():
            if not math.isfinite(value) and not allow_nonfinite:
                raise ValueError(
                    f"parameter {name!r} is {value!r}: not saved (training may have diverged); "
                    "pass allow_nonfinite=True to write it as a string"
                )
        parameters = {name: _to_json(value) for name, value in state.items()}
        document = {"format": STATE_FORMAT, "parameters": parameters}
        Path(path).write_text(json.dumps(document, indent=1), encoding="utf-8")

    def load(self, path: str | Path, *, allow_nonfinite: bool = False) -> None:
        """Read parameters written by `save`; the model changes only if the whole file is good.

        Any fault in the file (unreadable, not a state file, a missing, extra or duplicate key,
        a value that is not a number) raises `StateFileError` naming the file and the key.
        NaN and infinities are refused unless `allow_nonfinite=True`.
        """
        state = _read_state_file(path, allow_nonfinite=allow_nonfinite)
        named = dict(self.named_parameters())
        missing, extra = sorted(set(named) - set(state)), sorted(set(state) - set(named))
        if missing or extra:
            raise StateFileError(
                f"{path} does not fit this model: missing {_few(missing)}, unexpected {_few(extra)}"
            )
        for name, p in named.items():
            p.data = state[name]


class StateFileError(ValueError):
    """A file that `Module.load` cannot use: unreadable, not a state file, or a bad entry."""


def _read_state_file(path: str | Path, *, allow_nonfinite: bool = False) -> dict[str, float]:
    """The parameters of a file written by `Module.save`, checked entry by entry."""
    not_state_file = f"{path} is not a state file written by Module.save"
    try:
        text = Path(path).read_bytes().decode("utf-8")
        document = json.loads(text, object_pairs_hook=_refuse_duplicates)
    except _DuplicateKey as err:
        raise StateFileError(f"{path}: duplicate key {_short(err.args[0])}") from None
    except UnicodeDecodeError:
        raise StateFileError(f"{not_state_file}: it is not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise StateFileError(f"{not_state_file}: {err}") from None
    except RecursionError:
        raise StateFileError(f"{not_state_file}: it is nested too deeply") from None
    except ValueError:  # an integer with more digits than Python converts
        raise StateFileError(f"{not_state_file}: a number has too many digits") from None
    except OSError as err:
        raise StateFileError(f"cannot read {path}: {err.strerror or err}") from err
    if (
        not isinstance(document, dict)
        or document.get("format") != STATE_FORMAT
        or not isinstance(document.get("parameters"), dict)
    ):
        raise StateFileError(not_state_file)
    return {
        name: _entry(path, name, value, allow_nonfinite)
        for name, value in document["parameters"].items()
    }


class _DuplicateKey(Exception):
    """Raised from inside the JSON parser when an object repeats a key."""


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object as a dict, unless a key repeats (json would keep the last silently)."""
    document: dict[str, object] = {}
    for key, value in pairs:
        if key in document:
            raise _DuplicateKey(key)
        document[key] = value
    return document


_NONFINITE_STRINGS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _to_json(value: float) -> float | str:
    return value if math.isfinite(value) else repr(value)


def _entry(path: str | Path, name: str, value: object, allow_nonfinite: bool) -> float:
    """One parameter's value, or a StateFileError naming the file and the key."""
    where = f"{path}: parameter {_short(name)}"
    if isinstance(value, str) and value in _NONFINITE_STRINGS:
        number = _NONFINITE_STRINGS[value]
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise StateFileError(f"{where} is too large for a float") from None
    else:
        raise StateFileError(f"{where} is {_short(value)}, not a number")
    if not math.isfinite(number) and not allow_nonfinite:
        raise StateFileError(
            f"{where} is {number!r}; pass allow_nonfinite=True to load NaN or infinity"
        )
    return number


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 60


def _short(thing: object) -> str:
    """repr(thing) cut short: error messages stay short whatever the file holds."""
    return _SHORT.repr(thing)


def _few(names: list[str], limit: int = 5) -> str:
    """A list of names for a message: the first `limit`, then how many more."""
    shown = ", ".join(_short(n) for n in names[:limit])
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return f"[{shown}]{more}"


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
        _check_activation(activation)
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
        return self._forward(_as_values(inputs, len(self.weights), "neuron"))

    def _forward(self, inputs: list[Value]) -> Value:
        """The output for inputs already checked and made `Value`s."""
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
        return self._forward(_as_values(inputs, len(self.neurons[0].weights), "layer"))

    def _forward(self, inputs: list[Value]) -> list[Value]:
        return [neuron._forward(inputs) for neuron in self.neurons]

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
        """The network's output: a single `Value` when the last layer has one neuron, else a
        list. `output()` and `outputs()` say which is wanted (and type-check)."""
        outputs = self.outputs(inputs)
        return outputs[0] if len(outputs) == 1 else outputs

    def outputs(self, inputs: Sequence[Value | Number]) -> list[Value]:
        """Every output of the last layer, as a list, whatever its size."""
        values = _as_values(inputs, len(self.layers[0].neurons[0].weights), "network")
        for layer in self.layers:
            values = layer._forward(values)
        return values

    def output(self, inputs: Sequence[Value | Number]) -> Value:
        """The one output of a network whose last layer has one neuron."""
        if len(self.layers[-1].neurons) != 1:
            raise ValueError(
                f"this network has {len(self.layers[-1].neurons)} outputs: use outputs()"
            )
        return self.outputs(inputs)[0]

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
        weight_lists = _nested_lists(weights, depth=3, what="weights")
        bias_lists = None if biases is None else _nested_lists(biases, depth=2, what="biases")
        self._check_shape(weight_lists, bias_lists)
        for layer, layer_weights in zip(self.layers, weight_lists):
            for neuron, neuron_weights in zip(layer.neurons, layer_weights):
                for w, value in zip(neuron.weights, neuron_weights):
                    w.data = float(value)
        for layer, layer_biases in zip(self.layers, bias_lists or ()):
            for neuron, value in zip(layer.neurons, layer_biases):
                assert neuron.bias is not None, "checked by _check_shape"
                neuron.bias.data = float(value)

    def _check_shape(self, weights: list[Any], biases: list[Any] | None) -> None:
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


def _per_layer(
    activation: str | Iterable[str], output_activation: str | None, n_layers: int
) -> list[str]:
    if isinstance(activation, str):
        _check_activation(activation)  # even with no hidden layer to use it
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


def _nested_lists(rows: object, depth: int, what: str) -> list[Any]:
    """Nested sequences (or iterators) as lists of lists, `depth` levels deep, numbers last."""
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        raise ValueError(f"{what} must be nested lists [layer][neuron]..., found {rows!r}")
    return list(rows) if depth == 1 else [_nested_lists(r, depth - 1, what) for r in rows]


def _as_values(inputs: object, n_inputs: int, what: str) -> list[Value]:
    """The inputs as a list of `Value`s, a number becoming a leaf once (not once per neuron),
    labelled by its position (x0, x1, ...)."""
    if isinstance(inputs, (Value, Real, str, bytes)) or not isinstance(inputs, Iterable):
        raise TypeError(
            f"a {what} takes a list of {n_inputs} inputs, got {type(inputs).__name__}: "
            f"{_short(inputs)} (wrap a single input as [x])"
        )
    values = [x if isinstance(x, Value) else Value(x, f"x{i}") for i, x in enumerate(inputs)]
    if len(values) != n_inputs:
        raise ValueError(f"{what} takes {n_inputs} inputs, got {len(values)}")
    return values


def _check_activation(name: object) -> None:
    if name not in activations():
        raise ValueError(f"activation must be one of {activations()}, got {name!r}")


def _check_count(n: object, name: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{name} must be a positive int, got {n!r}")


def _check_numbers(values: Iterable[Number]) -> None:
    for v in values:
        Value(v)  # raises TypeError naming what was given
