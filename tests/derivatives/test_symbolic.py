"""A symbolic oracle: random graphs rebuilt in sympy and differentiated symbolically agree with
the engine's gradients to 1e-9 relative."""

import math

import pytest
import sympy as sp
from hypothesis import given, settings

from autograd_scalar import Value
from autograd_scalar.core.ops import OPS
from autograd_scalar.testing import Expression, expressions

from .sympy_ops import SYMPY, sympy_formula

EXAMPLES = 2500
QUICK_EXAMPLES = 100  # the quick run's share (pytest --full runs all of EXAMPLES)


def test_every_op_of_the_table_has_a_sympy_formula() -> None:
    assert set(SYMPY) == set(OPS)


def symbolic_gradient(expr: Expression) -> list[float]:
    symbols = sp.symbols(f"x0:{len(expr.inputs)}", real=True)
    formula = sympy_formula(expr, symbols)
    point = dict(zip(symbols, expr.inputs))
    return [float(sp.diff(formula, s).evalf(subs=point)) for s in symbols]


def engine_gradient(expr: Expression) -> list[float]:
    leaves = [Value(x) for x in expr.inputs]
    expr.function(*leaves).backward()
    return [leaf.grad for leaf in leaves]


def assert_engine_agrees_with_sympy(expr: Expression) -> None:
    for got, want in zip(engine_gradient(expr), symbolic_gradient(expr)):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (str(expr), got, want)


@pytest.mark.slow
@settings(max_examples=EXAMPLES)
@given(expressions(n_inputs=3, n_operations=6))
def test_engine_agrees_with_sympy(expr: Expression) -> None:
    assert_engine_agrees_with_sympy(expr)


@settings(max_examples=QUICK_EXAMPLES)
@given(expressions(n_inputs=3, n_operations=6))
def test_engine_agrees_with_sympy_on_a_few_graphs(expr: Expression) -> None:
    assert_engine_agrees_with_sympy(expr)
