"""The public door for new operations: write an `Op` (its value and its local derivative
side by side), `register` it so that strategies and layers know it, and `apply` it.

The derivative rule may use the functions below, which work on floats and on `Value`s alike,
so the op also works under `create_graph` (gradients of gradients).
"""

from .core.ops import OPS, VARIADIC, Op, cos, exp, heaviside, log, register, sign, sin
from .core.value import Value, apply

__all__ = [
    "OPS",
    "VARIADIC",
    "Op",
    "Value",
    "apply",
    "cos",
    "exp",
    "heaviside",
    "log",
    "register",
    "sign",
    "sin",
]
