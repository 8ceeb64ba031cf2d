"""Optimizers: they read each parameter's `.grad` and update its `.data` (no graph is built)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..core.value import Value, zero_grads
from .modules import Module

__all__ = ["SGD", "Adam", "Optimizer", "Parameters"]

Parameters = Iterable[Value] | Module
"""What an optimizer takes: the parameters (`net.parameters()`), or the module itself."""


class Optimizer:
    """Holds the parameters; `zero_grad()` clears their grads, `step()` updates them."""

    def __init__(self, parameters: Parameters, lr: float) -> None:
        self.parameters = _parameter_list(parameters)
        if not lr > 0:
            raise ValueError(f"learning rate must be positive, got {lr!r}")
        self.lr = lr

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 before the next backward() (grads accumulate)."""
        zero_grads(self.parameters)

    def step(self) -> None:
        """Update every parameter from its grad (each optimizer its own way)."""
        raise NotImplementedError

    def _grads(self) -> list[float]:
        return [float(p.grad) for p in self.parameters]


class SGD(Optimizer):
    """w ← w − lr · v, with v ← momentum · v + grad (v = grad when momentum is 0)."""

    def __init__(self, parameters: Parameters, lr: float = 0.01, momentum: float = 0.0):
        super().__init__(parameters, lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = momentum
        self.velocity = [0.0] * len(self.parameters)

    def step(self) -> None:
        """Move every parameter against its grad (with momentum, along the running velocity)."""
        for i, (p, g) in enumerate(zip(self.parameters, self._grads())):
            self.velocity[i] = self.momentum * self.velocity[i] + g
            p.data -= self.lr * self.velocity[i]


class Adam(Optimizer):
    """Adam: moving averages of the gradient (m) and its square (v), bias-corrected.

    m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − α · m̂ / (√v̂ + ε) with
    m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ).
    """

    def __init__(
        self,
        parameters: Parameters,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(parameters, lr)
        if not all(0 <= b < 1 for b in betas) or len(betas) != 2:
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
        if not eps > 0:
            raise ValueError(f"eps must be positive (it keeps m̂ / (√v̂ + ε) finite), got {eps!r}")
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.m = [0.0] * len(self.parameters)
        self.v = [0.0] * len(self.parameters)
        self.t = 0

    def step(self) -> None:
        """Update the moving averages with the current grads, then every parameter."""
        self.t += 1
        correct1 = 1 - self.beta1**self.t
        correct2 = 1 - self.beta2**self.t
        for i, (p, g) in enumerate(zip(self.parameters, self._grads())):
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            m_hat, v_hat = self.m[i] / correct1, self.v[i] / correct2
            p.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)


def _parameter_list(parameters: object) -> list[Value]:
    """The parameters as a list: from a module, or from any iterable of `Value`s."""
    if isinstance(parameters, Module):
        parameters = parameters.parameters()
    if isinstance(parameters, Value) or not isinstance(parameters, Iterable):
        raise TypeError(
            "an optimizer takes a list of Value parameters (net.parameters()) or a Module, "
            f"got {type(parameters).__name__}"
        )
    found = list(parameters)
    if not found or not all(isinstance(p, Value) for p in found):
        raise TypeError("an optimizer needs a non-empty list of Value parameters")
    first: dict[Value, int] = {}
    for i, p in enumerate(found):
        if p in first:
            raise ValueError(
                f"parameter {i} is parameter {first[p]} again: an optimizer would step it "
                "twice per step(); list each parameter once"
            )
        first[p] = i
    return found
