"""The JAX words of the functional API against JAX itself, on random functions.

Each random expression is a function of its inputs; its last three nodes are the outputs
of a function Rⁿ → R³ (for the Jacobians, vjp and jvp), its last node a function Rⁿ → R
(for grad, the Hessian and hvp). JAX computes the same functions from the op table written
again in jax.numpy (`jax_ops.py`), in float64.
"""

import math

import jax
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_scalar import (
    Value,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    linearize,
    value_and_grad,
    vjp,
)
from autograd_scalar.testing import Expression, expressions

from .jax_ops import jax_nodes

SMOOTH = [
    name
    for name in (
        "add",
        "sub",
        "mul",
        "div",
        "mul_number",
        "add_number",
        "exp",
        "log",
        "tanh",
        "sin",
        "cos",
        "sigmoid",
        "sqrt",
        "pow_number",
        "dot",
    )
]
RANDOM = settings(max_examples=25, deadline=None)
GRAPHS = expressions(n_inputs=3, n_operations=st.integers(3, 7), ops=SMOOTH)
DIRECTIONS = st.tuples(st.floats(-2, 2), st.floats(-2, 2), st.floats(-2, 2))


def many(expr: Expression):
    """The expression as R³ → R³: its last three nodes, with the engine and with JAX."""
    return (lambda *xs: _nodes(expr, xs)[-3:]), (lambda *xs: jax_nodes(expr, xs)[-3:])


def one(expr: Expression):
    """The expression as R³ → R: its last node."""
    return (lambda *xs: _nodes(expr, xs)[-1]), (lambda *xs: jax_nodes(expr, xs)[-1])


def _nodes(expr: Expression, xs) -> list:
    """The engine's nodes; an argument not differentiated (a float) enters as a constant."""
    return expr.evaluate([x if isinstance(x, Value) else Value(x) for x in xs])


def close(ours, theirs) -> None:
    """Same structure (lists, tuples, numbers) and the same numbers to 1e-9."""
    if isinstance(ours, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), (ours, theirs)
        for a, b in zip(ours, theirs):
            close(a, b)
        return
    assert isinstance(ours, float), ours
    assert math.isclose(ours, float(theirs), rel_tol=1e-9, abs_tol=1e-9), (ours, theirs)


ALL = (0, 1, 2)


@RANDOM
@given(GRAPHS)
def test_jacobians_match_jax(expr: Expression) -> None:
    ours, theirs = many(expr)
    x = expr.inputs
    close(jacfwd(ours, ALL)(*x), jax.jacfwd(theirs, ALL)(*x))
    close(jacrev(ours, ALL)(*x), jax.jacrev(theirs, ALL)(*x))
    close(jacobian(ours, 1)(*x), jax.jacobian(theirs, 1)(*x))
    close(jacfwd(ours)(*x), jax.jacfwd(theirs)(*x))  # argnums=0 by default


@RANDOM
@given(GRAPHS, DIRECTIONS, DIRECTIONS)
def test_vjp_jvp_and_linearize_match_jax(expr: Expression, v: list, t: list) -> None:
    ours, theirs = many(expr)
    x = expr.inputs
    out, pull = vjp(ours, *x)
    their_out, their_pull = jax.vjp(theirs, *x)
    close(out, their_out)
    close(pull(list(v)), their_pull(list(v)))
    close(jvp(ours, x, t), jax.jvp(theirs, x, t))
    out, push = linearize(ours, *x)
    their_out, their_push = jax.linearize(theirs, *x)
    close(out, their_out)
    close(push(*t), their_push(*t))


@RANDOM
@given(GRAPHS, DIRECTIONS)
def test_second_order_matches_jax(expr: Expression, t: list) -> None:
    ours, theirs = one(expr)
    x = expr.inputs
    close(hessian(ours, ALL)(*x), jax.hessian(theirs, ALL)(*x))
    close(hessian(ours, 2)(*x), jax.hessian(theirs, 2)(*x))
    close(hvp(ours, x, t), jax.jvp(jax.grad(theirs, ALL), x, t)[1])
    # the transforms nest as JAX's do: forward over reverse, reverse over reverse
    close(jacfwd(jacrev(ours, ALL), ALL)(*x), jax.jacfwd(jax.jacrev(theirs, ALL), ALL)(*x))
    close(grad(grad(ours, 1), 0)(*x), jax.grad(jax.grad(theirs, 1), 0)(*x))
    many_ours, many_theirs = many(expr)
    pulled = lambda *xs: vjp(many_ours, *xs)[1](list(t))[0]  # noqa: E731
    their_pulled = lambda *xs: jax.vjp(many_theirs, *xs)[1](list(t))[0]  # noqa: E731
    close(grad(pulled, ALL)(*x), jax.grad(their_pulled, ALL)(*x))


@RANDOM
@given(GRAPHS)
def test_has_aux_matches_jax(expr: Expression) -> None:
    ours, theirs = one(expr)
    x = expr.inputs

    def with_aux(f):
        return lambda *xs: (f(*xs), [xs[0] * 2, 7.0])

    close(
        list(grad(with_aux(ours), ALL, has_aux=True)(*x)[:1]),
        list(jax.grad(with_aux(theirs), ALL, has_aux=True)(*x)[:1]),
    )
    (value, aux), slopes = value_and_grad(with_aux(ours), 1, has_aux=True)(*x)
    (their_value, their_aux), their_slopes = jax.value_and_grad(with_aux(theirs), 1, has_aux=True)(
        *x
    )
    close([value, slopes], [float(their_value), float(their_slopes)])
    assert aux == [x[0] * 2, 7.0] and np.allclose(their_aux, aux)  # aux as numbers


def test_arguments_grad_does_not_differentiate_stay_what_they_were() -> None:
    assert grad(lambda x, n: x**n)(-2.0, 3) == 12.0 == float(jax.grad(lambda x, n: x**n)(-2.0, 3))
    seen = []
    grad(lambda x, n: seen.append(n) or x * n)(1.0, 3)
    assert seen == [3] and type(seen[0]) is int
