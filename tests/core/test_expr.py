"""The symbolic scalar: a rule run on it gives back its expression, written with the brackets
its order of operations needs, in each language; a rule that branches on a value fails."""

import math

import pytest

from autograd_scalar.core.expr import derive, latex, numpy_like, python, unicode
from autograd_scalar.core.ops import exp, log, sign


def test_brackets_keep_the_order_of_operations() -> None:
    (e,), _ = derive(lambda a, b, c: (a - (b - c),), "abc")
    assert python(e) == "a - (b - c)"
    (e,), _ = derive(lambda a, b: (-(a * b) / b - a**-2.0,), "ab")
    assert python(e) == "-(a * b) / b - a ** (-2.0)"
    (e,), _ = derive(lambda a, b: ((-a) ** b * 2,), "ab")
    assert python(e) == "(-a) ** b * 2"
    a, b = 1.5, -0.25  # the written form computes what the rule computes
    assert eval(python(e)) == (-a) ** b * 2  # noqa: S307


def test_each_language_writes_the_same_expression() -> None:
    e, read = derive(lambda x: log(1 + exp(x)) * sign(x), "x")
    assert not read
    assert python(e) == "_log(1 + _exp(x)) * (1.0 if x > 0 else -1.0 if x < 0 else 0.0)"
    assert numpy_like(e, "jnp") == "jnp.log(1 + jnp.exp(x)) * jnp.sign(x)"
    assert unicode(e) == "log(1 + exp(x)) · sign(x)"
    assert latex(e) == r"\ln(1 + \exp(x)) \cdot \operatorname{sign}(x)"
    assert python(derive(lambda x: x**1, "x")[0]) == "x"  # x ** 1 is x, exactly
    assert python(derive(lambda x: x * math.inf, "x")[0]) == "x * float('inf')"


def test_a_rule_that_reads_a_value_is_remembered_and_one_that_branches_fails() -> None:
    _, read = derive(lambda x: 0.0 if x.data == 0 else x / 2, "x")
    assert read
    with pytest.raises(TypeError, match="a symbol has no value"):
        derive(lambda x: x if x > 0 else -x, "x")
    with pytest.raises(TypeError, match="a symbol has no value"):
        derive(lambda x: x if x == 0 else -x, "x")
    with pytest.raises(TypeError, match="combined a symbol with str"):
        derive(lambda x: x + "1", "x")
