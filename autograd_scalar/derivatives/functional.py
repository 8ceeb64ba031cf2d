"""Derivatives as functions, in the style of JAX: `grad(f)` is a function that returns df/dx.

Every transform (`grad`, `value_and_grad`, `vjp`, `jvp`, `linearize`, `jacfwd`, `jacrev`,
`hessian`, `hvp`) runs `f` on fresh variables for the arguments it differentiates (the
others are passed as they were) and differentiates with respect to those variables only,
never with respect to a node that `f` closes over. So nesting is exact: in
`grad(lambda x: grad(lambda y: x * y)(x))`, the inner derivative is x, and the outer one is
1 (no "perturbation confusion"). Inside another transform, or when given `Value`s, they
return `Value`s that depend on the outer variables, ready to be differentiated again; at the
top level, given plain numbers, they return floats.

`gradients(output, wrt)` is `torch.autograd.grad`: d output / d w for nodes you name. None
of them changes any `.grad`, and all of them record what they need even inside `no_grad()`.
Reverse passes go through `_backward`, forward passes through `_push_forward`: the only two
places that call the engine, and the ones `count_work()` counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from numbers import Real
from typing import Any, NamedTuple

from ..core import backward as reverse_mode
from ..core import ops, recording
from ..core.graph import Graph, topological_order
from ..core.ops import Number, Scalar
from ..core.value import Value, apply, check_recorded, dot

__all__ = [
    "Work",
    "count_work",
    "forward_mode",
    "grad",
    "gradients",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "linearize",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]

Argnums = int | Sequence[int]


# -- the two calls into the engine, and what they cost --


@dataclass
class Work:
    """Passes over the graph and edge visits (chain-rule steps), as `compare()` counts them:
    a pass visits each edge of the part of the graph it walks once."""

    forward_passes: int = 0
    reverse_passes: int = 0
    edge_visits: int = 0


_work: ContextVar[Work | None] = ContextVar("autograd_scalar_work", default=None)


@contextmanager
def count_work() -> Iterator[Work]:
    """Count the passes and edge visits the transforms make inside the block (this thread)."""
    work = Work()
    token = _work.set(work)
    try:
        yield work
    finally:
        _work.reset(token)


def _counted(order: Sequence[Value], forward: bool) -> None:
    work = _work.get()
    if work is not None:
        work.forward_passes += forward
        work.reverse_passes += not forward
        work.edge_visits += sum(len(node.parents) for node in order)


def _backward(graph: Graph, seed: Scalar, create_graph: bool) -> list[Scalar]:
    """d output / d node × seed for every node of `graph`, by one reverse pass; no `.grad`
    is changed. The one call into `core.backward`."""
    _counted(graph.order, forward=False)
    return reverse_mode.gradients(graph, seed, create_graph=create_graph)


def _push_forward(order: list[Value], tangents: dict[Value, float]) -> dict[Value, float]:
    """Every node's tangent from the inputs' tangents, by one forward pass (floats)."""
    _counted(order, forward=True)
    return Graph(order[-1], order).push_forward(tangents)


# -- PyTorch's word: gradients of an output with respect to named nodes --


def gradients(
    output: Value,
    wrt: Sequence[Value],
    create_graph: bool = False,
    allow_unused: bool = False,
    materialize_grads: bool = False,
) -> list[Any]:
    """d output / d w for each w in `wrt`, as `torch.autograd.grad`.

    Floats by default; with `create_graph=True`, `Value`s built from the local derivative
    rules (recorded even inside `no_grad()`), which can be differentiated again. A w that
    output does not depend on is an error, as in PyTorch, unless `allow_unused=True` (its
    gradient is then None) or `materialize_grads=True` (0).
    """
    _check_value(output, "output")
    if isinstance(wrt, Value):
        raise TypeError("wrt must be a list of Values; for one Value write gradients(y, [x])")
    wrt = list(wrt)  # an iterator is read once, here
    for i, w in enumerate(wrt):
        _check_value(w, f"wrt[{i}]")
    check_recorded(output, "gradients() of")
    found = _gradients(output, wrt, create_graph)
    if materialize_grads:
        return found
    position = Graph.of(output).position
    unused = [i for i, w in enumerate(wrt) if w not in position]
    if unused and not allow_unused:
        raise RuntimeError(
            f"wrt[{unused[0]}] is not used in computing output: pass allow_unused=True "
            "for None, or materialize_grads=True for 0"
        )
    return [None if i in unused else g for i, g in enumerate(found)]


def _gradients(
    output: Value, wrt: Sequence[Value], create_graph: bool, seed: Scalar = 1.0
) -> list[Any]:
    """d output / d w × seed for each w (0 where output does not depend on w)."""
    graph = Graph.of(output)
    if create_graph:  # only the part between wrt and output: no needless backward nodes
        graph = Graph(output, graph.depending_on(w for w in wrt if w in graph))
    if output not in graph:
        found: list[Scalar] = [0.0 for _ in wrt]
    else:
        shares, position = _backward(graph, seed, create_graph), graph.position
        found = [shares[position[w]] if w in position else 0.0 for w in wrt]
    if create_graph:  # a constant derivative (a plain number) becomes a leaf
        return [g if isinstance(g, Value) else Value(g) for g in found]
    return found


# -- one call of f on fresh variables --


class _Run(NamedTuple):
    """f run once: its outputs (flat), how to give a flat list f's output's shape, its aux,
    the variables of the differentiated arguments, and whether results stay `Value`s."""

    outputs: list[Value]
    shape: Callable[[list[Any]], Any]
    aux: Any
    wrt: list[Value]
    nested: bool
    single: bool  # f returned one Value, not a list or tuple


def _run(
    f: Callable[..., Any],
    args: Sequence[Any],
    positions: tuple[int, ...],
    has_aux: bool,
    one_output: bool = False,
) -> _Run:
    """f on fresh variables at `positions` (the other arguments as given), recorded even
    inside no_grad(); its output checked, and split from its aux when `has_aux`."""
    if not args:
        raise TypeError("the function needs at least one argument to differentiate")
    if max(positions) >= len(args):
        raise ValueError(f"argnums {positions} out of range for {len(args)} argument(s)")
    nested = _is_nested(args)
    with recording.enable_grad():
        wrt = [_variable(args[i], i) for i in positions]
    call = list(args)
    for i, variable in zip(positions, wrt):
        call[i] = variable
    with recording.enable_grad(), recording.nested():
        result = f(*call)
    aux = None
    if has_aux:
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise TypeError(
                f"has_aux=True needs f to return a pair (output, aux), got {_kind(result)}"
            )
        result, aux = result
        aux = aux if nested else _plain(aux)
    outputs, shape = _outputs(result, one_output)
    return _Run(outputs, shape, aux, wrt, nested, isinstance(result, Value))


def _outputs(result: object, one_output: bool) -> tuple[list[Value], Callable[[list[Any]], Any]]:
    """The one output check: a Value (or, unless `one_output`, a list or tuple of them). A
    plain real number is a constant, whose derivatives are 0, as in JAX."""
    many = isinstance(result, (list, tuple)) and not one_output
    items = list(result) if many else [result]  # type: ignore[call-overload]
    if not items or not all(isinstance(v, Value) or _is_real(v) for v in items):
        wanted = "a Value" if one_output else "a Value or a non-empty list or tuple of Values"
        raise TypeError(f"f must return {wanted}, got {_kind(result)}")
    outputs = [v if isinstance(v, Value) else Value(v) for v in items]  # type: ignore[arg-type]
    if not many:
        return outputs, lambda flat: flat[0]
    kind = type(result)
    return outputs, lambda flat: kind(flat)  # type: ignore[call-arg]


def _is_real(x: object) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool)


def _kind(x: object) -> str:
    return f"{type(x).__name__}: {x!r}"


def _plain(aux: Any) -> Any:
    """Aux data at the top level: each Value as its number, containers kept."""
    if isinstance(aux, Value):
        return aux.data
    if isinstance(aux, (list, tuple)):
        return type(aux)(_plain(a) for a in aux)
    if isinstance(aux, dict):
        return {k: _plain(v) for k, v in aux.items()}
    return aux


def _is_nested(args: Sequence[object]) -> bool:
    """Inside another transform, or given `Value`s: the result must stay differentiable."""
    return recording.nesting.get() > 0 or any(isinstance(a, Value) for a in args)


def _variable(arg: object, position: int) -> Value:
    """A fresh variable: a new leaf for a number, and for a `Value` a new node that depends
    on it with slope 1, so an outer transform still sees through it."""
    if isinstance(arg, Value):
        return apply(ops.IDENTITY, arg)
    try:
        return Value(arg)  # type: ignore[arg-type]  # Value() names what was given
    except TypeError as err:
        raise TypeError(f"argument {position}: {err}") from None


def _positions(argnums: Argnums) -> tuple[int, ...]:
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    valid = [isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in positions]
    if isinstance(argnums, bool) or not positions or not all(valid):
        raise ValueError(f"argnums must be a non-negative int or a tuple of them, got {argnums!r}")
    return positions


def _check_flag(has_aux: object) -> None:
    if not isinstance(has_aux, bool):
        raise TypeError(f"has_aux must be True or False, got {has_aux!r}")


def _per_argnum(found: Sequence[Any], argnums: Argnums, nested: bool) -> Any:
    """One derivative for an int argnums, a tuple for a tuple; floats at the top level."""
    values = list(found) if nested else [ops.number_of(g) for g in found]
    return values[0] if isinstance(argnums, int) else tuple(values)


# -- JAX's words --


def value_and_grad(
    f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """A function returning (f(*args), df/d args[argnums]); a tuple of grads for a tuple.
    With `has_aux`, f returns (output, aux) and the function ((output, aux), grads)."""
    positions = _positions(argnums)
    _check_flag(has_aux)

    def value_and_gradient(*args: Any) -> tuple[Any, Any]:
        run = _run(f, args, positions, has_aux, one_output=True)
        (out,) = run.outputs
        found = _per_argnum(_gradients(out, run.wrt, run.nested), argnums, run.nested)
        value = out if run.nested else out.data
        return ((value, run.aux) if has_aux else value), found

    return value_and_gradient


def grad(f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """A function returning df/d args[argnums] (with `has_aux`, (grads, aux)); composable:
    `grad(grad(f))`. Arguments not in argnums reach f as they were given."""
    with_value = value_and_grad(f, argnums, has_aux)

    def gradient(*args: Any) -> Any:
        value, found = with_value(*args)
        return (found, value[1]) if has_aux else found

    return gradient


def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """(f(*primals), vjp_fn) as in JAX: vjp_fn(cotangent) is cotangent · ∂f/∂primals, a
    tuple with one entry per primal, by one reverse pass. The cotangent has f's output's
    shape (a number, or a list of one per output). With `has_aux`: (out, vjp_fn, aux)."""
    _check_flag(has_aux)
    run = _run(f, primals, tuple(range(len(primals))), has_aux)

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        cotangents = _cotangents(cotangent, run.outputs, run.single)
        nested = run.nested or any(isinstance(c, Value) for c in cotangents)
        if len(run.outputs) == 1:
            found = _gradients(run.outputs[0], run.wrt, nested, seed=cotangents[0])
        else:  # one pass from Σ cᵢ·outᵢ, a dot node whose slopes to the outputs are the cᵢ
            with recording.enable_grad():
                combined = dot(run.outputs, cotangents)
            found = _gradients(combined, run.wrt, nested)
        return tuple(found if nested else [ops.number_of(g) for g in found])

    out = _output_values(run)
    return (out, vjp_fn, run.aux) if has_aux else (out, vjp_fn)


def _cotangents(cotangent: Any, outputs: list[Value], single: bool) -> list[Any]:
    """The cotangent as a list of one number (or Value) per output, checked."""
    given = [cotangent] if single else cotangent
    if not single and not isinstance(cotangent, (list, tuple)):
        raise TypeError(
            f"vjp_fn: f returned {len(outputs)} outputs, so the cotangent is a list of "
            f"{len(outputs)} numbers, got {_kind(cotangent)}"
        )
    if len(given) != len(outputs):
        raise ValueError(
            f"vjp_fn: f returned {len(outputs)} output(s), so the cotangent needs "
            f"{len(outputs)} number(s), got {len(given)}"
        )
    return _numbers(given, "vjp_fn: cotangent")


def _numbers(given: Sequence[Any], what: str) -> list[Any]:
    """Tangents or cotangents: `Value`s as they are, real numbers as floats, else an error."""
    found = []
    for i, x in enumerate(given):
        try:
            found.append(x if isinstance(x, Value) else Value(x).data)
        except TypeError as err:
            raise TypeError(f"{what} {i}: {err}") from None
    return found


def linearize(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """(f(*primals), f_jvp) as in JAX: f_jvp(*tangents) is the directional derivative along
    the tangents. f runs once; each call of f_jvp pushes the tangents forward along the
    recorded local derivatives (the graph *is* the linearization): one forward pass."""
    run = _run(f, primals, tuple(range(len(primals))), has_aux=False)

    def f_jvp(*tangents: Any) -> Any:
        if len(tangents) != len(primals):
            raise ValueError(f"{len(primals)} primals but {len(tangents)} tangents")
        return run.shape(_tangents_out(run, _numbers(tangents, "tangent")))

    return _output_values(run), f_jvp


def _tangents_out(run: _Run, tangents: Sequence[Any]) -> list[Any]:
    """Each output's tangent. At the top level, one forward pass of floats over the union
    of the outputs' graphs; nested, the differentiable sums Σ ∂outᵢ/∂xⱼ · tⱼ."""
    if run.nested or any(isinstance(t, Value) for t in tangents):
        found = []
        for out in run.outputs:
            slopes = _gradients(out, run.wrt, create_graph=True)
            found.append(sum((g * t for g, t in zip(slopes, tangents)), Value(0.0)))
        return found
    pushed = _push_forward(_union_order(run.outputs), dict(zip(run.wrt, tangents)))
    return [pushed[out] for out in run.outputs]


def jvp(
    f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], has_aux: bool = False
) -> tuple[Any, ...]:
    """(f(primals), the directional derivative of f at primals along tangents), as in JAX;
    with `has_aux`, (out, tangent_out, aux).

    At the top level f runs once on `Value`s and the tangents are pushed forward along the
    recorded local derivatives, like dual numbers a + b·ε carried through every op (forward
    mode). Nested in another transform, the same number is built as a differentiable sum
    Σ ∂f/∂xᵢ · tᵢ, so the outer transform can differentiate it.
    """
    _check_flag(has_aux)
    for name, given in (("primals", primals), ("tangents", tangents)):
        if not isinstance(given, (list, tuple)):
            raise TypeError(
                f"jvp: {name} must be a tuple or list, one per argument, got {_kind(given)}"
            )
    if len(primals) != len(tangents):
        raise ValueError(f"{len(primals)} primals but {len(tangents)} tangents")
    tangents = _numbers(tangents, "tangent")
    run = _run(f, primals, tuple(range(len(primals))), has_aux)
    if any(isinstance(t, Value) for t in tangents):
        run = run._replace(nested=True)  # the result depends on the tangents: differentiable
    out, tangent_out = _output_values(run), run.shape(_tangents_out(run, tangents))
    return (out, tangent_out, run.aux) if has_aux else (out, tangent_out)


def jacfwd(
    f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """The Jacobian by forward mode, as in JAX: one forward pass per differentiated input.

    f returns a Value or a list/tuple of m Values; the Jacobian has f's output's shape, each
    entry one derivative (int argnums) or a tuple of them (tuple argnums). Nested in another
    transform it is built by reverse mode (the same numbers, differentiable)."""
    positions = _positions(argnums)
    _check_flag(has_aux)

    def jacobian_at(*args: Any) -> Any:
        run = _run(f, args, positions, has_aux)
        if run.nested:
            return _with_aux(_jacobian_by_rows(run, argnums), run, has_aux)
        order = _union_order(run.outputs)
        columns = [_push_forward(order, {w: 1.0}) for w in run.wrt]
        rows = [[column[out] for column in columns] for out in run.outputs]
        jac = run.shape([_per_argnum(row, argnums, False) for row in rows])
        return _with_aux(jac, run, has_aux)

    return jacobian_at


def jacrev(
    f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """The Jacobian by reverse mode, as in JAX: one reverse pass per output (see jacfwd)."""
    positions = _positions(argnums)
    _check_flag(has_aux)

    def jacobian_at(*args: Any) -> Any:
        run = _run(f, args, positions, has_aux)
        return _with_aux(_jacobian_by_rows(run, argnums), run, has_aux)

    return jacobian_at


jacobian = jacrev
"""JAX's `jax.jacobian` is `jacrev`."""


def _jacobian_by_rows(run: _Run, argnums: Argnums) -> Any:
    rows = [_gradients(out, run.wrt, run.nested) for out in run.outputs]
    return run.shape([_per_argnum(row, argnums, run.nested) for row in rows])


def hessian(
    f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """A function returning the second derivatives d²f / dxᵢ dxⱼ at a point, as in JAX: for
    an int argnums (0 by default) one number, for a tuple a tuple of rows."""
    positions = _positions(argnums)
    _check_flag(has_aux)

    def hessian_at(*args: Any) -> Any:
        run = _run(f, args, positions, has_aux, one_output=True)
        first = _gradients(run.outputs[0], run.wrt, create_graph=True)
        rows = [_per_argnum(_gradients(d, run.wrt, run.nested), argnums, run.nested) for d in first]
        return _with_aux(rows[0] if isinstance(argnums, int) else tuple(rows), run, has_aux)

    return hessian_at


def hvp(
    f: Callable[..., Value], primals: Sequence[Any], tangents: Sequence[Any]
) -> tuple[Any, ...]:
    """The Hessian of f at primals times the tangents, one entry per primal: forward mode
    over reverse mode (JAX's `jvp(grad(f, all), primals, tangents)[1]`), so the Hessian is
    never built: one backward pass recorded, then one forward pass over it."""
    if not isinstance(primals, (list, tuple)) or not primals:
        raise TypeError(f"hvp: primals must be a non-empty tuple or list, got {_kind(primals)}")
    slopes = grad(f, tuple(range(len(primals))))
    return tuple(jvp(lambda *xs: list(slopes(*xs)), primals, tangents)[1])


def stop_gradient(x: Value | Number) -> Value | Number:
    """x's value, taking no part in differentiation (JAX's word; PyTorch's is `x.detach()`):
    a new leaf for a `Value`, a number unchanged."""
    return x.detach() if isinstance(x, Value) else x


def forward_mode(output: Value, wrt: Value) -> dict[Value, float]:
    """d node / d wrt for every node of the recorded graph, in one pass from the inputs."""
    _check_value(output, "output")
    _check_value(wrt, "wrt")
    return _push_forward(topological_order(output), {wrt: 1.0})


def _union_order(outputs: Sequence[Value]) -> list[Value]:
    """Every node some output depends on, each after its parents (each output's order in
    turn, nodes seen before left out, so parents still come first)."""
    seen: set[Value] = set()
    order = []
    for out in outputs:
        for node in topological_order(out):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


def _output_values(run: _Run) -> Any:
    return run.shape(run.outputs if run.nested else [out.data for out in run.outputs])


def _with_aux(result: Any, run: _Run, has_aux: bool) -> Any:
    """(result, aux) with `has_aux`, else the result."""
    return (result, run.aux) if has_aux else result


def _check_value(x: object, what: str) -> None:
    if not isinstance(x, Value):
        raise TypeError(f"{what} must be a Value, got {type(x).__name__}: {x!r}")
