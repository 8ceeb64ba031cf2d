"""Each op's forms come from its rules: the formula is filled in one place, every op of the
table is written in every language, and the forms compute what the rules compute."""

import math

import numpy as np
import pytest

from autograd_scalar import Value
from autograd_scalar.core.ops import OPS, Op
from autograd_scalar.core.value import apply
from autograd_scalar.explain.draw import draw
from autograd_scalar.explain.wengert import primal_trace
from autograd_scalar.forms.op_forms import (
    NoForm,
    fill_formula,
    forms_of,
    forward_code,
    local_codes,
    shown_locals,
)

SCALE = Op(
    "scale_c", "scale(x, c)", lambda x, c: x * c, lambda x, c, out: (c,), takes_constant=True
)


def test_a_formula_is_filled_word_by_word_in_one_place() -> None:
    assert fill_formula("scale(x, c)", None, "2") == "scale(x, 2)"
    assert fill_formula("scale(x, c)", ["v₁"], "2") == "scale(v₁, 2)"
    y = apply(SCALE, Value(1.0, label="x"), constant=2)
    assert "scale(x, 2)" in str(primal_trace(y))
    assert "scale(x, 2)" in draw(y).source  # not s2ale(x, 2)


def test_the_forms_of_the_table_are_its_rules() -> None:
    assert forward_code(OPS["tanh"], ["a"], None) == "math.tanh(a)"
    assert local_codes(OPS["tanh"], ["a"], None, "t") == ["1 - t * t"]
    assert local_codes(OPS["div"], ["a", "b"], None, "q") == ["1 / b", "-q / b"]
    assert local_codes(OPS["pow"], ["a", "b"], None, "p", module="jnp") == [
        "b * a ** (b - 1)",
        "p * jnp.log(a)",
    ]
    assert forward_code(OPS["log"], ["a"], None) == "_log(a)"  # the engine's domain check
    assert forward_code(OPS["log"], ["a"], None, module="np") == "np.log(a)"
    assert local_codes(OPS["sqrt"], ["a"], None, "r") == ["_sqrt_slope(a, r)[0]"]
    assert local_codes(OPS["sqrt"], ["a"], None, "r", module="np") == ["0.5 / r"]
    assert local_codes(OPS["pow_number"], ["a"], 3, "p") == ["3 * a ** 2"]
    assert shown_locals(OPS["relu"], ["h"], None, "r") == ["[h > 0]"]
    assert shown_locals(OPS["pow"], ["a", "b"], None, "p", latex=True) == [
        r"b \cdot a^{b - 1}",
        r"p \cdot \ln(a)",
    ]


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("module", ["", "np"])
def test_every_form_computes_what_the_rules_compute(name: str, module: str) -> None:
    op = OPS[name]
    n = 4 if name == "dot" else 5 if name == "linear" else op.arity
    c = 3.0 if op.takes_constant else None
    args = [0.7, 1.3, 0.4, 2.1, 0.9][:n]
    inputs = [*args, *([c] if c is not None else [])]
    out = op.forward(*inputs)
    names = [f"a{i}" for i in range(n)]
    scope = {**dict(zip(names, args)), "out": out, "np": np, "math": math}
    scope.update({k: v for k, v in vars(__import__("autograd_scalar.core.ops").core.ops).items()})
    value = eval(forward_code(op, names, c, module), scope)  # noqa: S307
    slopes = [eval(t, scope) for t in local_codes(op, names, c, "out", module)]  # noqa: S307
    assert float(value) == pytest.approx(out, rel=1e-15)
    expected = [float(d) for d in op.derivative(*inputs, out)]
    assert [float(s) for s in slopes] == pytest.approx(expected, rel=1e-15)


def test_an_op_that_branches_on_a_value_has_no_form() -> None:
    op = Op("branching", "b(x)", lambda x: x if x > 0 else -x, lambda x, out: (1.0,))
    with pytest.raises(NoForm, match="'branching' cannot be compiled"):
        forms_of(op, 1, None)
    assert shown_locals(op, ["x"], None, "y") == ["∂y/∂x"]  # the traces still show it


def test_only_a_power_with_a_symbol_exponent_checks_its_base_in_numpy() -> None:
    assert forward_code(OPS["pow_number"], ["a"], 2, module="np") == "np.power(a, 2)"
    assert forward_code(OPS["pow"], ["a", "b"], None, module="np") == (
        "np.power(a, b) + 0 * np.log(a)"
    )
    assert forward_code(OPS["pow"], ["a", "b"], None, module="jnp") == "a ** b"
