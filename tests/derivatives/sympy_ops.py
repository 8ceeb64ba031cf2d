"""The op table written independently in sympy: a symbolic oracle for the tests."""

import sympy as sp

from autograd_scalar.testing import Expression

from ..operators import OPERATORS


def _dot(*v):
    n = len(v) // 2
    return sum(w * x for w, x in zip(v[:n], v[n:]))


SYMPY = {
    **OPERATORS,  # with the constants as exact rationals:
    "div_number": lambda x, c: x / sp.nsimplify(c),
    "number_div": lambda x, c: sp.nsimplify(c) / x,
    "pow_number": lambda x, c: x ** sp.nsimplify(c),
    "number_pow": lambda x, c: sp.nsimplify(c) ** x,
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "tanh": sp.tanh,
    "sigmoid": lambda x: 1 / (1 + sp.exp(-x)),
    "relu": lambda x: sp.Max(0, x),
    "sin": sp.sin,
    "cos": sp.cos,
    "abs": sp.Abs,
    "dot": _dot,
    "linear": lambda *v: _dot(*v[:-1]) + v[-1],
}
"""Every op of the table, written independently in sympy."""


def sympy_formula(expr: Expression, symbols) -> sp.Expr:
    """The expression's output as a sympy formula of `symbols` (one per input)."""
    nodes = list(symbols)
    for name, operands, constant in expr.operations:
        args = [nodes[i] for i in operands] + ([] if constant is None else [constant])
        nodes.append(SYMPY[name](*args))
    return nodes[-1]
