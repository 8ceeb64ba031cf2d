"""The op table written independently in sympy: a symbolic oracle for the tests."""

import sympy as sp

from autograd_scalar.testing import Expression


def _dot(*v):
    n = len(v) // 2
    return sum(w * x for w, x in zip(v[:n], v[n:]))


SYMPY = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow": lambda x, y: x**y,
    "add_number": lambda x, c: x + c,
    "sub_number": lambda x, c: x - c,
    "number_sub": lambda x, c: c - x,
    "mul_number": lambda x, c: x * c,
    "div_number": lambda x, c: x / sp.nsimplify(c),
    "number_div": lambda x, c: sp.nsimplify(c) / x,
    "pow_number": lambda x, c: x ** sp.nsimplify(c),
    "number_pow": lambda x, c: sp.nsimplify(c) ** x,
    "identity": lambda x: x,
    "neg": lambda x: -x,
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
