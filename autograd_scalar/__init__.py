"""autograd_scalar: a scalar reverse-mode automatic differentiation engine for learning backprop."""

from .engine import Value, detect_anomaly, dot, enable_grad, is_grad_enabled, no_grad
from .functional import grad, gradients, hessian, value_and_grad
from .gradient_check import GradcheckError, gradcheck, gradcheck_report
from .nn import MLP, Layer, Module, Neuron

__all__ = [
    "GradcheckError",
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "Value",
    "detect_anomaly",
    "dot",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradcheck_report",
    "gradients",
    "hessian",
    "is_grad_enabled",
    "no_grad",
    "value_and_grad",
]
__version__ = "0.1.0"
