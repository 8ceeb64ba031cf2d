"""The op table written again in jax.numpy: JAX as an oracle for the functional API."""

import jax
import jax.numpy as jnp

from autograd_scalar.testing import Expression

jax.config.update("jax_enable_x64", True)


def _dot(*v):
    n = len(v) // 2
    return sum(w * x for w, x in zip(v[:n], v[n:]))


JNP = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow": lambda x, y: x**y,
    "add_number": lambda x, c: x + c,
    "sub_number": lambda x, c: x - c,
    "number_sub": lambda x, c: c - x,
    "mul_number": lambda x, c: x * c,
    "div_number": lambda x, c: x / c,
    "number_div": lambda x, c: c / x,
    "pow_number": lambda x, c: x**c,
    "number_pow": lambda x, c: c**x,
    "identity": lambda x: x,
    "neg": lambda x: -x,
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
