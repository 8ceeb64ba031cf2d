"""Programs exported to JAX (and PyTorch, where it is installed): jax.grad of the exported
forward equals the program's own adjoint lines and backward()."""

from types import ModuleType

import pytest
from hypothesis import given, settings

from autograd_scalar import Value
from autograd_scalar.apps import examples
from autograd_scalar.compile.export import to_jax, to_torch
from autograd_scalar.compile.program import Program, compile_program
from autograd_scalar.core.graph import Graph
from autograd_scalar.core.ops import OPS, Op, heaviside, register
from autograd_scalar.core.value import apply
from autograd_scalar.testing import Expression, expressions


@pytest.fixture(scope="module")
def jax() -> ModuleType:
    jax: ModuleType = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)  # the engine's float64, to compare at 1e-12
    return jax


@pytest.fixture(scope="module")
def torch() -> ModuleType:
    torch: ModuleType = pytest.importorskip("torch")  # in no extra: tested where present
    return torch


def program_of(expr: Expression) -> tuple[Program, list[float], tuple[float, ...]]:
    values = [Value(x) for x in expr.inputs]
    out = expr.function(*values)
    program = compile_program(out, [v for v in values if v in Graph.of(out)])
    out.backward()
    return program, [v.data for v in program.inputs], tuple(v.grad for v in program.inputs)


def test_w1_w6_network_under_jax_grad(jax: ModuleType) -> None:
    net = examples.w1_w6_network()
    program = compile_program(examples.forward(net).E, net.parameters())
    forward = to_jax(program)
    grads = jax.grad(forward, argnums=tuple(range(6)))(*examples.WEIGHTS)
    assert [float(g) for g in grads] == pytest.approx(list(program(*examples.WEIGHTS)[1]))
    assert float(grads[4]) == pytest.approx(1.3125, rel=1e-12)
    assert "jnp" not in program.source and "import jax.numpy as jnp" in program.forward_source(
        "jnp"
    )


def test_jax_gradients_equal_the_programs_and_backwards(jax: ModuleType) -> None:
    @settings(max_examples=150)
    @given(expressions())
    def check(expr: Expression) -> None:
        jax_gradients_equal_the_programs_and_backwards(jax, expr)

    check()


def jax_gradients_equal_the_programs_and_backwards(jax: ModuleType, expr: Expression) -> None:
    program, inputs, engine = program_of(expr)
    forward = to_jax(program)
    value, grads = jax.value_and_grad(forward, argnums=tuple(range(len(inputs))))(*inputs)
    compiled_value, compiled = program(*inputs)
    assert float(value) == pytest.approx(compiled_value, rel=1e-12)
    scale = max(1.0, *(abs(g) for g in compiled))
    for exported, ours, theirs in zip(grads, compiled, engine):
        assert float(exported) == pytest.approx(ours, rel=1e-12, abs=1e-12 * scale)
        assert float(exported) == pytest.approx(theirs, rel=1e-12, abs=1e-12 * scale)


def test_jit_runs_the_export(jax: ModuleType) -> None:
    a, b = Value(2.0, label="a"), Value(5.0, label="b")
    program = compile_program((a.log() + a * b - b.sin()).tanh(), [a, b])
    fast = jax.jit(jax.grad(to_jax(program), argnums=(0, 1)))
    assert [float(g) for g in fast(2.0, 5.0)] == pytest.approx(list(program(2.0, 5.0)[1]))


def test_an_op_of_your_own_exports_as_its_rules_say(jax: ModuleType) -> None:
    cube = register(Op("cube_for_export", "x³", lambda x: x**3, lambda x, out: (3 * x * x,)))
    try:
        x = Value(2.0)
        y = apply(cube, x)
        y.backward()
        program = compile_program(y, [x])
        assert "v1 = v0 ** 3" in program.forward_source("jnp")
        assert float(jax.grad(to_jax(program))(2.0)) == x.grad == 12.0
    finally:
        del OPS["cube_for_export"]


def test_export_takes_a_program() -> None:
    with pytest.raises(TypeError, match="Program"):
        to_jax(Value(1.0))  # type: ignore[arg-type]


def test_torch_gradients_equal_the_programs(torch: ModuleType) -> None:
    net = examples.w1_w6_network()
    program = compile_program(examples.forward(net).E, net.parameters())
    weights = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in examples.WEIGHTS]
    to_torch(program)(*weights).backward()
    assert [w.grad.item() for w in weights] == pytest.approx(list(program(*examples.WEIGHTS)[1]))


def test_torch_gradients_on_random_graphs(torch: ModuleType) -> None:
    @settings(max_examples=150)
    @given(expressions())
    def check(expr: Expression) -> None:
        program, inputs, engine = program_of(expr)
        tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
        out = to_torch(program)(*tensors)
        out.backward()
        compiled_value, compiled = program(*inputs)
        assert out.item() == pytest.approx(compiled_value, rel=1e-12)
        scale = max(1.0, *(abs(g) for g in compiled))
        for t, ours, theirs in zip(tensors, compiled, engine):
            exported = 0.0 if t.grad is None else t.grad.item()
            assert exported == pytest.approx(ours, rel=1e-12, abs=1e-12 * scale)
            assert exported == pytest.approx(theirs, rel=1e-12, abs=1e-12 * scale)

    check()


def test_jax_takes_the_engines_slope_at_the_kink_of_abs(jax: ModuleType) -> None:
    x, y = Value(0.0, label="x"), Value(0.0, label="y")
    out = abs(x) * y + abs(x - y)
    out.backward()
    forward = to_jax(compile_program(out, [x, y]))
    assert [float(g) for g in jax.grad(forward, argnums=(0, 1))(0.0, 0.0)] == [x.grad, y.grad]


def test_a_constant_subexpression_exports_as_the_number_it_is() -> None:
    """torch.exp of a Python float raises; the export writes the recorded number instead."""
    c, x = Value(1.5, label="c"), Value(2.0, label="x")
    source = compile_program(c.exp() * x, [x]).forward_source("torch")
    assert "torch.exp" not in source and "v1 = 4.4816890703380645" in source


def test_an_op_of_your_own_with_a_step_exports_to_torch_in_float64(torch: ModuleType) -> None:
    leaky = Op(
        "leaky_for_torch",
        "leaky(x)",
        lambda x: x * (0.1 + 0.9 * heaviside(x)),
        lambda x, out: (0.1 + 0.9 * heaviside(x),),
    )
    x = Value(-0.5)
    y = apply(leaky, x) * x.sigmoid()
    y.backward()
    t = torch.tensor(-0.5, dtype=torch.float64, requires_grad=True)
    to_torch(compile_program(y, [x]))(t).backward()
    assert t.grad.item() == pytest.approx(x.grad, rel=1e-15)
