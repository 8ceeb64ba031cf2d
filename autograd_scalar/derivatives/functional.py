"""Derivatives as functions, in the style of JAX: `grad(f)` is a function that returns df/dx.

`grad`, `value_and_grad`, `hessian` and `jvp` run `f` on fresh variables and differentiate
with respect to those variables only, never with respect to a node that `f` closes over.
So nesting is exact: in `grad(lambda x: grad(lambda y: x * y)(x))`, the inner derivative is
x, and the outer one is 1 (no "perturbation confusion"). Inside another transform, or when
given `Value`s, they return `Value`s that depend on the outer variables, ready to be
differentiated again; at the top level, given plain numbers, they return floats.

`gradients(output, wrt)` is `torch.autograd.grad`: d output / d w for nodes you name. None
of them changes any `.grad`, and all of them record what they need even inside `no_grad()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..core import backward as reverse_mode
from ..core import ops, recording
from ..core.graph import Graph
from ..core.ops import Number, Scalar
from ..core.value import Value, apply

Argnums = int | Sequence[int]


def gradients(output: Value, wrt: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """d output / d w for each w in `wrt` (0 where output does not depend on w).

    Floats by default; with `create_graph=True`, `Value`s built from the local derivative
    rules (recorded even inside `no_grad()`), which can be differentiated again.
    """
    _check_value(output, "output")
    if isinstance(wrt, Value):
        raise TypeError("wrt must be a list of Values; for one Value write gradients(y, [x])")
    wrt = list(wrt)  # an iterator is read once, here
    for i, w in enumerate(wrt):
        _check_value(w, f"wrt[{i}]")
    graph = Graph.of(output)
    if create_graph:  # only the part between wrt and output: no needless backward nodes
        graph = Graph(output, graph.depending_on(w for w in wrt if w in graph))
    if output not in graph:
        return [Value(0.0) if create_graph else 0.0 for _ in wrt]
    shares = reverse_mode.gradients(graph, 1.0, create_graph=create_graph)
    position = graph.position
    found = [shares[position[w]] if w in position else 0.0 for w in wrt]
    if create_graph:  # a constant derivative (a plain number) becomes a leaf
        return [g if isinstance(g, Value) else Value(g) for g in found]
    return found


def value_and_grad(f: Callable[..., Value], argnums: Argnums = 0) -> Callable[..., Any]:
    """A function returning (f(*args), df/d args[argnums]); a tuple of grads for a tuple."""
    positions = _positions(argnums)

    def value_and_gradient(*args: Value | Number) -> tuple[Any, Any]:
        nested = _is_nested(args)
        variables = _variables(args, positions)
        out = _call(f, variables)
        found = gradients(out, [variables[i] for i in positions], create_graph=nested)
        if not nested:
            found = [_as_float(g) for g in found]
        value = out if nested else out.data
        return value, (found[0] if isinstance(argnums, int) else tuple(found))

    return value_and_gradient


def grad(f: Callable[..., Value], argnums: Argnums = 0) -> Callable[..., Any]:
    """A function returning df/d args[argnums]; composable: `grad(grad(f))`.

    Called with plain numbers at the top level it returns floats; inside another transform,
    or called with `Value`s, it returns `Value`s that can be differentiated again.
    """
    with_value = value_and_grad(f, argnums)
    return lambda *args: with_value(*args)[1]


def hessian(f: Callable[..., Value]) -> Callable[..., list[list[Any]]]:
    """A function returning the matrix of second derivatives d²f / dxᵢ dxⱼ at a point."""

    def hessian_at(*args: Value | Number) -> list[list[Any]]:
        nested = _is_nested(args)
        variables = _variables(args, tuple(range(len(args))))
        out = _call(f, variables)
        first = gradients(out, variables, create_graph=True)
        rows = [gradients(d, variables, create_graph=nested) for d in first]
        return rows if nested else [[_as_float(h) for h in row] for row in rows]

    return hessian_at


def jvp(
    f: Callable[..., Value],
    primals: Sequence[Value | Number],
    tangents: Sequence[Value | Number],
) -> tuple[Any, Any]:
    """(f(primals), the directional derivative of f at primals along tangents), as in JAX.

    At the top level f runs once on `Value`s and the tangents are pushed forward along the
    recorded local derivatives, like dual numbers a + b·ε carried through every op (forward
    mode). Nested in another transform, the same number is built as a differentiable sum
    Σ ∂f/∂xᵢ · tᵢ, so the outer transform can differentiate it.
    """
    if len(primals) != len(tangents):
        raise ValueError(f"{len(primals)} primals but {len(tangents)} tangents")
    args = (*primals, *tangents)
    nested = _is_nested(args)
    variables = _variables(tuple(primals), tuple(range(len(primals))))
    out = _call(f, variables)
    if nested:
        slopes = gradients(out, variables, create_graph=True)
        return out, sum((g * t for g, t in zip(slopes, tangents)), Value(0.0))
    pushed = Graph.of(out).push_forward(
        {v: _as_float(t if isinstance(t, Value) else Value(t)) for v, t in zip(variables, tangents)}
    )
    return out.data, pushed[out]


def forward_mode(output: Value, wrt: Value) -> dict[Value, float]:
    """d node / d wrt for every node of the recorded graph, in one pass from the inputs."""
    _check_value(output, "output")
    _check_value(wrt, "wrt")
    return Graph.of(output).push_forward({wrt: 1.0})


# -- fresh variables for every call --


def _is_nested(args: Sequence[object]) -> bool:
    """Inside another transform, or given `Value`s: the result must stay differentiable."""
    return recording.nesting.get() > 0 or any(isinstance(a, Value) for a in args)


def _variables(args: tuple[Value | Number, ...], positions: tuple[int, ...]) -> list[Value]:
    """A fresh variable per argument: a new leaf for a number, and for a `Value` a new node
    that depends on it with slope 1, so derivatives are taken with respect to this call's
    variables only, while an outer transform still sees through them."""
    if not args:
        raise TypeError("the function needs at least one argument to differentiate")
    if max(positions) >= len(args):
        raise ValueError(f"argnums {positions} out of range for {len(args)} arguments")
    with recording.enable_grad():
        return [_variable(a, i) for i, a in enumerate(args)]


def _variable(arg: object, position: int) -> Value:
    if isinstance(arg, Value):
        return apply(ops.IDENTITY, arg)
    try:
        return Value(arg)  # type: ignore[arg-type]  # Value() names what was given
    except TypeError as err:
        raise TypeError(f"argument {position}: {err}") from None


def _call(f: Callable[..., Value], variables: Sequence[Value]) -> Value:
    """f on the variables, recorded (a gradient is what was asked for, even in no_grad())."""
    with recording.enable_grad(), recording.nested():
        out = f(*variables)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__}: {out!r}")
    return out


def _check_value(x: object, what: str) -> None:
    if not isinstance(x, Value):
        raise TypeError(f"{what} must be a Value, got {type(x).__name__}: {x!r}")


def _positions(argnums: Argnums) -> tuple[int, ...]:
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    valid = [isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in positions]
    if not positions or not all(valid):
        raise ValueError(f"argnums must be a non-negative int or a tuple of them, got {argnums!r}")
    return positions


def _as_float(g: Scalar) -> float:
    return g.data if isinstance(g, Value) else float(g)
