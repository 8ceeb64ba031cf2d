"""Networks made of `Value`s: modules with state dicts (`modules`), losses and optimizers."""

from .modules import MLP, Layer, Module, Neuron, StateFileError

__all__ = ["MLP", "Layer", "Module", "Neuron", "StateFileError"]
