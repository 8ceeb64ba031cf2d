"""The op table written again in jax.numpy: JAX as an oracle for the functional API."""

import jax
import jax.numpy as jnp

from autograd_scalar.testing import Expression

from ..operators import OPERATORS

jax.config.update("jax_enable_x64", True)


def _dot(*v):
    n = len(v) // 2
    return sum(w * x for w, x in zip(v[:n], v[n:]))


JNP = {
    **OPERATORS,
    "exp": jnp.exp,
    "log": jnp.log,
    "sqrt": jnp.sqrt,
    "tanh": jnp.tanh,
    "sigmoid": jax.nn.sigmoid,
    "relu": jax.nn.relu,
    "sin": jnp.sin,
    "cos": jnp.cos,
    "abs": jnp.abs,
    "dot": _dot,
    "linear": lambda *v: _dot(*v[:-1]) + v[-1],
}
"""Every op of the table, written independently with jax.numpy."""


def jax_nodes(expr: Expression, inputs) -> list:
    """Every node of the expression computed by JAX from `inputs` (traced scalars)."""
    nodes = list(inputs)
    for name, operands, constant in expr.operations:
        args = [nodes[i] for i in operands] + ([] if constant is None else [constant])
        nodes.append(JNP[name](*args))
    return nodes
