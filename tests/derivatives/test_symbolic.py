"""A symbolic oracle: random graphs rebuilt in sympy and differentiated symbolically agree with
the engine's gradients to 1e-9 relative."""

import math

import sympy as sp
from hypothesis import given, settings

from autograd_scalar import Value
from autograd_scalar.core.ops import OPS
from autograd_scalar.derivatives.testing import Expression, expressions

EXAMPLES = 2500


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


def test_every_op_of_the_table_has_a_sympy_formula() -> None:
    assert set(SYMPY) == set(OPS)


def symbolic_gradient(expr: Expression) -> list[float]:
    symbols = sp.symbols(f"x0:{len(expr.inputs)}", real=True)
    nodes = list(symbols)
    for name, operands, constant in expr.operations:
        args = [nodes[i] for i in operands] + ([] if constant is None else [constant])
        nodes.append(SYMPY[name](*args))
    formula = nodes[-1]
    point = dict(zip(symbols, expr.inputs))
    return [float(sp.diff(formula, s).evalf(subs=point)) for s in symbols]


def engine_gradient(expr: Expression) -> list[float]:
    leaves = [Value(x) for x in expr.inputs]
    expr.function(*leaves).backward()
    return [leaf.grad for leaf in leaves]


@settings(max_examples=EXAMPLES)
@given(expressions(n_inputs=3, n_operations=6))
def test_engine_agrees_with_sympy(expr: Expression) -> None:
    for got, want in zip(engine_gradient(expr), symbolic_gradient(expr)):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (str(expr), got, want)
