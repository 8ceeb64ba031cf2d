"""autograd_scalar: a scalar reverse-mode automatic differentiation engine for learning backprop."""

from .engine import Value, detect_anomaly, is_grad_enabled, no_grad
from .nn import MLP, Layer, Module, Neuron

__all__ = [
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "Value",
    "detect_anomaly",
    "is_grad_enabled",
    "no_grad",
]
__version__ = "0.1.0"
