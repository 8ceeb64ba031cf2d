"""A functional API in the style of JAX: `grad(f)` is a function that returns df/dx.

These functions never touch `.grad`: each call runs its own reverse pass from the output
and keeps the gradients in a dictionary, as `torch.autograd.grad` does. Called with `Value`s
they build the backward pass out of `Value`s (the local derivative rules run on `Value`s), so
the result can be differentiated again: `grad(grad(f))` is the second derivative.
`grad`, `value_and_grad` and `hessian` record the graph they need even inside `no_grad()`,
as `torch.func.grad` does: a gradient is what they are asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .engine import Number, Value, enable_grad, local_derivatives_as_values

Argnums = int | Sequence[int]


def reverse_pass(output: Value, create_graph: bool = False) -> dict[Value, float | Value]:
    """d output / d node for every node, kept in a dictionary: no `.grad` is changed.

    With `create_graph=True` the derivatives are `Value`s that depend on the graph, ready to
    be differentiated again.
    """
    grads: dict[Value, float | Value] = {output: 1.0}
    for node in reversed(output.topological_order()):
        grad = grads.get(node)
        if grad is None or not node.parents:
            continue
        locals_ = local_derivatives_as_values(node) if create_graph else node.local_grads
        for parent, local in zip(node.parents, locals_):
            grads[parent] = grads.get(parent, 0.0) + local * grad
    return grads


def gradients(output: Value, wrt: Sequence[Value], create_graph: bool = False) -> list:
    """d output / d w for each w in `wrt` (0.0 where output does not depend on w)."""
    _check_value(output, "output")
    wrt = list(wrt)  # an iterator is read once, here
    for i, w in enumerate(wrt):
        _check_value(w, f"wrt[{i}]")
    grads = reverse_pass(output, create_graph)
    return [grads.get(w, 0.0) for w in wrt]


def value_and_grad(f: Callable[..., Value], argnums: Argnums = 0) -> Callable:
    """A function returning (f(*args), df/d args[argnums]); a tuple of grads for a tuple."""
    positions = _positions(argnums)

    def value_and_gradient(*args: Value | Number):
        leaves, nested = _leaves(args, positions)
        with enable_grad():
            out = _call(f, leaves)
            found = gradients(out, [leaves[i] for i in positions], create_graph=nested)
        found = [_as_result(g, nested) for g in found]
        value = out if nested else out.data
        return value, (found[0] if isinstance(argnums, int) else tuple(found))

    return value_and_gradient


def grad(f: Callable[..., Value], argnums: Argnums = 0) -> Callable:
    """A function returning df/d args[argnums]; composable: `grad(grad(f))`.

    Called with plain numbers it returns floats; called with `Value`s (as an outer `grad`
    does) it returns `Value`s that can be differentiated again.
    """
    with_value = value_and_grad(f, argnums)
    return lambda *args: with_value(*args)[1]


def hessian(f: Callable[..., Value]) -> Callable[..., list[list[float]]]:
    """A function returning the matrix of second derivatives d²f / dxᵢ dxⱼ at a point."""

    def hessian_at(*args: Number) -> list[list[float]]:
        leaves = [_leaf(a, i) for i, a in enumerate(args)]
        with enable_grad():
            out = _call(f, leaves)
            first = [_as_result(g, True) for g in gradients(out, leaves, create_graph=True)]
        return [[_as_float(g) for g in gradients(d, leaves)] for d in first]

    return hessian_at


def _call(f: Callable[..., Value], args: Sequence[Value]) -> Value:
    out = f(*args)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__}: {out!r}")
    return out


def _check_value(x: object, what: str) -> None:
    if not isinstance(x, Value):
        raise TypeError(f"{what} must be a Value, got {type(x).__name__}: {x!r}")


def _positions(argnums: Argnums) -> tuple[int, ...]:
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not positions or not all(isinstance(i, int) and i >= 0 for i in positions):
        raise ValueError(f"argnums must be a non-negative int or a tuple of them, got {argnums!r}")
    return positions


def _leaves(args: tuple, positions: tuple[int, ...]) -> tuple[list, bool]:
    """Fresh leaves for plain numbers; `Value`s pass through (their graph is differentiated)."""
    if max(positions) >= len(args):
        raise ValueError(f"argnums {positions} out of range for {len(args)} arguments")
    nested = any(isinstance(a, Value) for a in args)
    leaves = [a if isinstance(a, Value) else _leaf(a, i) for i, a in enumerate(args)]
    return leaves, nested


def _leaf(arg: object, position: int) -> Value:
    if isinstance(arg, Value):
        return arg
    try:
        return Value(arg)
    except TypeError as err:
        raise TypeError(f"argument {position}: {err}") from None


def _as_result(g: float | Value, nested: bool) -> float | Value:
    """A gradient as the caller expects it: a `Value` when nested, else a float."""
    if nested:
        return g if isinstance(g, Value) else Value(g)
    return _as_float(g)


def _as_float(g: float | Value) -> float:
    return g.data if isinstance(g, Value) else float(g)
