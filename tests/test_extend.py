"""An op of your own through `autograd_scalar.extend`: one row (value and derivative), and
then the engine, the compiled program, batch replay and the JAX export all know it."""

import math
from types import ModuleType

import numpy as np
import pytest

from autograd_scalar import extend
from autograd_scalar.compile.export import to_jax
from autograd_scalar.compile.program import compile_program
from autograd_scalar.explain.wengert import adjoint_trace

SOFTPLUS = extend.Op(
    "softplus",
    "softplus(x)",
    lambda x: extend.log(1 + extend.exp(x)),
    lambda x, out: (1 - extend.exp(-out),),  # sigmoid(x), written with the op's own result
)


def softplus(x: extend.Value) -> extend.Value:
    return extend.apply(SOFTPLUS, x)


def graph(a: extend.Value, b: extend.Value) -> extend.Value:
    return softplus(a * b) * softplus(a - b) + softplus(b)


def test_softplus_compiles_batches_and_exports_as_backward_computes() -> None:
    jax: ModuleType = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    points = [(0.5, -1.5), (2.0, 0.25), (-3.0, 1.0)]
    a, b = extend.Value(0.5, label="a"), extend.Value(-1.5, label="b")
    program = compile_program(graph(a, b), [a, b])
    for point in points:
        a, b = extend.Value(point[0]), extend.Value(point[1])
        out = graph(a, b)
        out.backward()
        assert program(*point) == (out.data, (a.grad, b.grad))  # bit for bit
        exported = jax.grad(to_jax(program), argnums=(0, 1))(*point)
        assert [float(g) for g in exported] == pytest.approx([a.grad, b.grad], rel=1e-12)
    values, grads = program.batch(
        np.array([p[0] for p in points]), np.array([p[1] for p in points])
    )
    singles = [program(*p) for p in points]
    assert values.tolist() == pytest.approx([s[0] for s in singles], rel=4e-16)
    assert list(grads) == pytest.approx(
        [sum(s[1][i] for s in singles) for i in range(2)], rel=1e-14
    )


def test_softplus_is_written_from_its_rules() -> None:
    x = extend.Value(1.0, label="x")
    program = compile_program(softplus(x), [x])
    assert "v1 = _log(1 + _exp(x))  # v₁ = softplus(x)" in program.source
    assert "jnp.log(1 + jnp.exp(x))" in program.forward_source("jnp")
    assert "= ∂v₁/∂x · v̄₁ = (1 - exp(-v₁)) · v̄₁" in str(adjoint_trace(softplus(x)))
    assert program(1.0)[0] == math.log(1 + math.exp(1.0))


def test_an_overflowing_softplus_raises_the_engines_error_in_replay() -> None:
    x = extend.Value(1.0)
    program = compile_program(softplus(x), [x])
    with pytest.raises(OverflowError, match=r"exp\(1000.0\) overflows"):
        softplus(extend.Value(1000.0))
    with pytest.raises(OverflowError, match=r"exp\(1000.0\) overflows"):
        program(1000.0)
