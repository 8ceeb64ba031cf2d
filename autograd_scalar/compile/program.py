"""Reverse mode as a program: a recorded graph written out as Python source, and replayed.

`compile_program(output, inputs)` writes the graph as a function of the inputs that returns
the output and its gradient with respect to each input: first the forward lines (the primal
trace, one per node), then the adjoint lines (the adjoint trace, one per edge), each with a
comment naming the graph nodes. The source needs only `math`; ops with a domain (log, sqrt,
division, pow, exp) call the engine's own functions, whose source comes along, so a replay
fails with the engine's errors instead of a NaN. Each op is written from its own rules
(`forms.op_forms`); an op whose rules cannot be written is refused here, by name.

The program is one snapshot: what does not depend on an input (other leaves, and what is
computed from them alone) is written in as the number it is when the program is made, and
`program(...)`, `.source`, `.batch` and the exports all read that one number. Variables are
named by the program; labels appear only in comments and the docstring, escaped.

The program is the graph's *shape*: new input values replay the same ops in the same order.
Ops that branch (relu, abs) choose their branch again; an `if` in your own Python code was
decided when the graph was recorded and stays so, as in `jax.jit` tracing. `verify(f, *args)`
records `f` again and says whether it still makes this graph; `compile_function(f, *args,
check_every=k)` does so every k calls.

`program.batch(...)` runs the same program on NumPy arrays, one value per sample: one call
evaluates a whole data set (NumPy is imported only then).
"""

from __future__ import annotations

import builtins
import dis
import inspect
import keyword
import math
import numbers
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..core import ops
from ..core.backward import edges_in_backward_order
from ..core.graph import Graph
from ..core.recording import enable_grad
from ..core.value import Value
from ..forms import op_forms
from ..forms.notation import bar, product
from ..forms.op_forms import forward_code, local_codes, number_code

if TYPE_CHECKING:
    import numpy as np

Gradients = tuple[float, ...]
FUNCTION_NAME = "program"
RESERVED = frozenset(
    {*keyword.kwlist, *dir(builtins), "math", "np", "jnp", "jax", "torch", FUNCTION_NAME}
)


class GraphChanged(RuntimeError):
    """The function, recorded again, made another graph than the compiled one: a Python `if`
    (or loop) in it went another way for these inputs. Compile again for them."""


@dataclass(frozen=True)
class _Line:
    """One node as code: its variable and the variables of its operands."""

    node: Value
    variable: str
    operands: tuple[str, ...]


class Program:
    """A recorded graph as straight-line Python: `.source`, and a callable that replays it.

    `program(*inputs)` returns `(output, (d output / d input, ...))` for new input values,
    at about the speed of hand-written float code. `program.batch(*arrays)` does the same for
    a whole data set at once. `program.graph` is the snapshot it was written from.
    """

    def __init__(self, output: Value, inputs: Sequence[Value], allow_unused: bool = False) -> None:
        self.graph = Graph.of(output)
        self.inputs = _checked_inputs(self.graph, inputs, allow_unused)
        self.variables = _variables(self.graph, self.inputs)
        self._needed = set(self.graph.depending_on(x for x in self.inputs if x in self.graph))
        # the one snapshot: what does not depend on an input is a number, read once, here
        self._constants = {n: n.data for n in self.graph.order if n not in self._needed}
        self._lines = [
            _Line(node, self.variables[node], tuple(self.variables[p] for p in node.parents))
            for node in self.graph.reading_order
        ]
        self.function: Callable[..., tuple[float, Gradients]] = _load(
            self._write(module="", comments=False)
        )
        self._array_functions: dict[bool, Callable[..., Any]] = {}  # by exact
        self._recorder: Callable[..., Value] | None = None
        self._check_every = 0
        self._calls = 0

    def __call__(self, *inputs: float) -> tuple[float, Gradients]:
        """The output and its gradient for these input values (one per input, in order),
        computed on floats as the engine does (an int input is taken as its float; what is
        not a real number, such as a bool, a string or a complex, is refused by name)."""
        if self._check_every:
            self._calls += 1
            if self._calls % self._check_every == 0:
                assert self._recorder is not None
                self.verify(self._recorder, *inputs)
        if not all(type(x) is float for x in inputs):
            inputs = tuple(_real(x, i) for i, x in enumerate(inputs))
        return self.function(*inputs)

    def __repr__(self) -> str:
        names = ", ".join(self.variables[x] for x in self.inputs)
        return f"<Program {FUNCTION_NAME}({names}): {len(self.graph)} nodes, see .source>"

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.source}```"

    # -- writing the source --

    @cached_property
    def source(self) -> str:
        """The program as Python source: what `program(...)` runs, with comments."""
        return self._write(module="", comments=True)

    def _write(self, module: str, comments: bool) -> str:
        """The program as a module: imports, the engine helpers it calls, the function."""
        head = ["import numpy as np"] if module else ["import math"]
        body = self._forward_lines(module, comments) + self._adjoint_lines(module, comments)
        body.append(self._return_line())
        calls = "\n".join(line for line in body if "_" in line and "(" in line)
        helpers = [] if module else _helper_sources(calls)
        if helpers:
            head = ["from __future__ import annotations", "", *head, ""]
            head.append("# the engine's own functions (autograd_scalar.core.ops): the same errors")
            head += helpers
        if module:
            body = _freeing(body, self._local_names())
        return "\n".join([*head, "", "", *self._signature(), *body]) + "\n"

    def _local_names(self) -> set[str]:
        """The function's variables: a value and an adjoint (`_bar`) per node and input."""
        return {name + end for name in self.variables.values() for end in ("", "_bar")}

    def forward_source(self, module: str) -> str:
        """The forward lines alone, a function of the inputs over `module`'s arrays ("jnp",
        "torch" or "np") that returns the output: what the exporters write."""
        head = {"np": ["import numpy as np"], "jnp": ["import jax", "import jax.numpy as jnp"]}
        imports = head.get(module, [f"import {module}"])
        out = self.variables[self.graph.output]
        body = self._forward_lines(module, comments=True)
        signature = self._signature(f"{self.graph.names[self.graph.output]}, from")
        return "\n".join([*imports, "", "", *signature, *body, f"    return {out}"]) + "\n"

    def _signature(self, what: str = "") -> list[str]:
        args = ", ".join(self.variables[x] for x in self.inputs)
        out = self.graph.names[self.graph.output]
        wrt = ", ".join(self._name(x) for x in self.inputs)
        what = what or f"{out} and its gradient with respect to"
        return [f"def {FUNCTION_NAME}({args}):", f"    {_docstring(f'{what} {wrt}.')}"]

    def _name(self, node: Value) -> str:
        """The node's name as the traces show it (an unused input: its label or variable)."""
        return self.graph.names.get(node) or node.label or self.variables[node]

    def _forward_lines(self, module: str, comments: bool) -> list[str]:
        lines = ["    # forward: the primal trace, one line per node"]
        inputs = set(self.inputs)
        for line in self._lines:
            node, name = line.node, self.graph.names[line.node]
            if node in inputs:
                continue
            comment = _comment(self._shown(node, name)) if comments else ""
            if node in self._constants:
                lines.append(f"    {line.variable} = {number_code(self._constants[node])}{comment}")
                continue
            op = node.op
            assert op is not None
            code = forward_code(op, line.operands, node.constant, module=module)
            lines.append(f"    {line.variable} = {code}{comment}")
        return lines

    def _shown(self, node: Value, name: str) -> str:
        """The node's line of the primal trace (`v₂ = x1 · x2`), for the comments."""
        if node.op is None or not node.parents:
            return name
        operands = [self.graph.names[p] for p in node.parents]
        return f"{name} = {op_forms.shown_forward(node.op, operands, node.constant)}"

    def _adjoint_lines(self, module: str, comments: bool) -> list[str]:
        """One line per edge that carries a gradient to an input, children from the output
        back, each child's parents in order: the order of `backward()`."""
        output, names, needed = self.graph.output, self.graph.names, self._needed
        bars = {node: f"{self.variables[node]}_bar" for node in self.graph.order}
        seed = _comment(bar(names[output])) if comments else ""
        lines = ["", "    # reverse: the adjoint trace, one line per edge"]
        lines.append(f"    {bars[output]} = 1.0{seed}")
        started = {output}
        codes: dict[Value, list[str]] = {}
        for edge in edges_in_backward_order(self.graph):
            child, parent = edge.child, edge.parent
            if child not in needed or parent not in needed:
                continue
            if child not in codes:
                codes[child] = self._local_codes(child, module)
            local = codes[child][edge.use]
            line = _update(bars[parent], local, bars[child], parent not in started, module)
            if comments:
                line += _comment(f"{names[child]} → {names[parent]}")
            lines.append(line)
            started.add(parent)
        unused = [x for x in self.inputs if x not in started]  # no path to the output
        lines += [f"    {bars.get(x, self.variables[x] + '_bar')} = 0.0" for x in unused]
        return lines

    def _local_codes(self, child: Value, module: str) -> list[str]:
        """d child / d parent for each parent, as code."""
        op, variable = child.op, self.variables[child]
        assert op is not None
        operands = [self.variables[p] for p in child.parents]
        return local_codes(op, operands, child.constant, variable, module)

    def _return_line(self) -> str:
        out = self.variables[self.graph.output]
        grads = [f"{self.variables[x]}_bar" for x in self.inputs]
        return f"    return {out}, ({', '.join(grads)}{',' if len(grads) == 1 else ''})"

    # -- batches --

    @property
    def array_source(self) -> str:
        """The same program over NumPy arrays: every variable holds one value per sample,
        and is deleted after its last use (`del`), so that its memory is used again."""
        return self._write(module="np", comments=True)

    def batch(self, *inputs: object, exact: bool = False) -> tuple[np.ndarray, Gradients]:
        """Replay for a whole data set: each input a number (shared) or a 1-D array (one per
        sample). Returns the output of every sample and the gradients summed over samples.

        A sample outside an op's domain raises the error the engine raises for it. The
        replay uses NumPy's own exp, log, tanh, sin and cos, which may differ from `math`'s
        in the last bit or two (a slope such as 1 − tanh² can magnify that); `exact=True`
        applies `math`'s to each element instead, so each sample gets exactly the numbers a
        single replay gives, at the speed of a Python loop over those functions.
        """
        try:
            import numpy as np
        except ImportError:
            raise ImportError('batch replay needs NumPy: pip install -e ".[batch]"') from None

        arrays, n = _batch_inputs(inputs, len(self.inputs), np)
        exact = bool(exact)
        if exact not in self._array_functions:
            function = _load(self._write(module="np", comments=False))
            if exact:
                function.__globals__["np"] = _MathNumpy(np)  # after its own import
            self._array_functions[exact] = function
        try:  # an op leaving its domain raises a floating-point flag: overflow, 1/0, log(-1)
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                out, bars = self._array_functions[exact](*arrays)
            values = np.broadcast_to(np.asarray(out, dtype=float), (n,)).copy()
            grads = tuple(_summed(b, n, np) for b in bars)
            finite = np.isfinite(values).all() and all(math.isfinite(g) for g in grads)
        except (FloatingPointError, _NotFinite):
            finite = False
        if not finite:
            return self._one_by_one(arrays, n, np)
        return values, grads

    def _one_by_one(self, arrays: list[Any], n: int, np: ModuleType) -> tuple[Any, Gradients]:
        """Replay the samples one by one: the first outside a domain raises the engine's
        error, as its single replay does; if none does, what the single replays give (a NaN
        or an inf where they give one)."""
        samples = ([float(a[k]) if np.ndim(a) else a for a in arrays] for k in range(n))
        results = [self.function(*sample) for sample in samples]
        values = np.array([value for value, _ in results], dtype=float)
        columns = np.array([grads for _, grads in results], dtype=float).reshape(n, -1)
        return values, tuple(float(g) for g in columns.sum(axis=0))

    # -- control flow fixed at record time --

    def verify(self, f: Callable[..., Value], *inputs: float) -> None:
        """Record `f` again at these input values; raise `GraphChanged` if it makes another
        graph than this program's (its Python control flow took another way)."""
        values = [Value(x) for x in inputs]
        again = Graph.of(_record(f, values))
        difference = _first_difference(_shape(self.graph, self.inputs), _shape(again, values))
        if difference is not None:
            order = self.graph.order
            where = self.graph.names[order[difference]] if difference < len(order) else "its end"
            raise GraphChanged(
                f"{f.__name__}{tuple(inputs)} records another graph than the compiled one "
                f"(from {where} on): a Python if or loop went another way. Compile again for "
                "these inputs, or use ops that branch at replay (relu, abs)"
            )


def _record(f: Callable[..., Value], values: list[Value]) -> Value:
    """f on these values, its graph recorded even inside `no_grad()`."""
    with enable_grad():
        return f(*values)


def compile_program(output: Value, inputs: Sequence[Value] | None = None) -> Program:
    """The graph ending at `output` as a program of `inputs` (default: every leaf, in order).

    Leaves that are not inputs are written in as the constants they are now.
    """
    if not isinstance(output, Value):
        raise TypeError(f"compile_program() takes a Value, got {type(output).__name__}")
    if inputs is None:
        inputs = Graph.of(output).inputs
    return Program(output, list(inputs))


def compile_function(f: Callable[..., Value], *inputs: float, check_every: int = 0) -> Program:
    """Record `f` at these input values and compile it, as `jax.jit` traces a function.

    The inputs take the names of `f`'s parameters; an argument `f` ignores has gradient 0.
    With `check_every=k`, every k-th call records `f` again and raises `GraphChanged` if its
    graph is not the compiled one.
    """
    if isinstance(check_every, bool) or not isinstance(check_every, int) or check_every < 0:
        raise ValueError(f"check_every must be a whole number >= 0, got {check_every!r}")
    names = _parameter_names(f, len(inputs))
    values = [Value(x, label=name) for x, name in zip(inputs, names)]
    output = _record(f, values)
    if not isinstance(output, Value):
        raise TypeError(f"{_name_of(f)} returned {type(output).__name__}, not a Value")
    program = Program(output, values, allow_unused=True)
    program._recorder, program._check_every = f, check_every
    return program


# -- helpers --


def _checked_inputs(graph: Graph, inputs: Sequence[Value], allow_unused: bool) -> list[Value]:
    inputs = list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"inputs must be Values, got {type(x).__name__}: {x!r}")
        if x not in graph and not (allow_unused and not x.parents):
            raise ValueError(f"the input {x!r} is not in the graph of {graph.output!r}")
        if x.parents:
            raise ValueError(
                f"the input {graph.names[x]} is computed from other nodes; inputs are leaves"
            )
    if len(set(inputs)) != len(inputs):
        raise ValueError("each input may be given only once")
    return inputs


def _variables(graph: Graph, inputs: Sequence[Value]) -> dict[Value, str]:
    """A Python variable per node, chosen here: a label only when it is a plain ASCII
    identifier that no name of the program uses (so it cannot be code), else the node's
    number in the survey's notation (v₋₁ → vm1, v₃ → v3; an unused input u0, u1, ...).
    Unique, `_bar` names included. Every other label goes into comments, escaped."""
    names, numbers = graph.names, graph.numbers
    taken: set[str] = set(RESERVED)
    variables: dict[Value, str] = {}
    unused = [x for x in inputs if x not in graph]
    for node in [*graph.reading_order, *unused]:
        label = node.label
        plain = label.isidentifier() and label.isascii() and not label.startswith("_")
        if node in numbers:
            number = numbers[node]
            numbered = f"vm{-number}" if number < 0 else f"v{number}"
            plain = plain and names[node] == label
        else:
            numbered = f"u{unused.index(node)}"
        candidate = label if plain and not keyword.issoftkeyword(label) else numbered
        while candidate in taken or f"{candidate}_bar" in taken:
            candidate += "_"
        taken.update((candidate, f"{candidate}_bar"))
        variables[node] = candidate
    return variables


def _comment(text: str) -> str:
    """`  # text`, with what could end the comment or not be source (line breaks, NUL,
    control and format characters, lone surrogates) written as its escape."""
    return "  # " + "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _docstring(text: str) -> str:
    """`text` as a triple-quoted string literal: backslashes and quotes escaped, and what
    `_comment` escapes written as its escape's text (the docstring reads `\\ud800`, not the
    character, which Python 3.13's compiler could not encode), so a label cannot end it."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"""' + "".join(ch if ch.isprintable() else "\\" + _escape(ch) for ch in text) + '"""'


def _escape(ch: str) -> str:
    return ch.encode("unicode_escape", "backslashreplace").decode("ascii")


def _update(target: str, local: str, source: str, first: bool, module: str) -> str:
    """target = local * source, or target += ... once it has a value; ±1 left out."""
    term = product(local, source, " * ")
    return f"    {target} = {term}" if first else f"    {_add(target, term, module)}"


def _add(target: str, term: str, module: str) -> str:
    """target += term; arrays are added out of place, as an adjoint may share its array."""
    if term.startswith("-"):
        return f"{target} = {target} - {term[1:]}" if module else f"{target} -= {term[1:]}"
    return f"{target} = {target} + {term}" if module else f"{target} += {term}"


def _freeing(lines: list[str], variables: set[str]) -> list[str]:
    """The lines with `del` after the last line that reads or sets each of the `variables`.

    In a batch every variable is an array, one value per sample, and a function's locals
    live until it returns: kept, all of them would be in memory at once, each in fresh pages
    the system must hand over and zero (at 10³ samples, as long as the arithmetic takes).
    Freed at their last use, only the values the adjoint lines still need are held, and
    NumPy's next arrays reuse the memory just freed. The return line keeps its names. Code
    never holds `#`, so what follows one is a comment, not a use; a use is found by its
    spelling, so none is missed (a variable named `inf` may live on to a `float('inf')`).
    """
    last: dict[str, int] = {}
    for i, line in enumerate(lines):
        code = line.split("#", 1)[0]
        for name in re.findall(r"\b[A-Za-z_]\w*", code):
            if name in variables:
                last[name] = i
    dead: dict[int, list[str]] = {}
    for name, i in last.items():
        if i < len(lines) - 1:
            dead.setdefault(i, []).append(name)
    freed: list[str] = []
    for i, line in enumerate(lines):
        freed.append(line)
        if i in dead:
            freed.append(f"    del {', '.join(dead[i])}")
    return freed


def _helper_sources(code: str) -> list[str]:
    """The source of every engine function the code calls, and of those they call."""
    wanted: dict[str, Callable[..., Any]] = {}
    pending = list(re.findall(r"\b(_\w+)\(", code))
    while pending:
        name = pending.pop()
        found = vars(ops).get(name)
        if name in wanted or not (inspect.isfunction(found) and found.__name__ == name):
            continue
        wanted[name] = found
        pending += _global_names(found.__code__)
    ordered = sorted(wanted.values(), key=lambda h: h.__code__.co_firstlineno)
    return ["\n\n" + inspect.getsource(h).rstrip() for h in ordered]


def _global_names(code: Any) -> set[str]:
    """The global names a function's code reads (attributes such as math.log left out)."""
    names = {i.argval for i in dis.get_instructions(code) if i.opname == "LOAD_GLOBAL"}
    for inner in code.co_consts:
        if inspect.iscode(inner):
            names |= _global_names(inner)
    return names


def _load(source: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<{FUNCTION_NAME}>", "exec"), namespace)
    function: Callable[..., Any] = namespace[FUNCTION_NAME]
    return function


class _MathNumpy:
    """NumPy, but for exp, log, tanh, sin, cos and power, which apply `math`'s functions and
    Python's `**` to each element (where they raise, the samples are replayed one by one), so
    that an exact batch replay computes exactly what single replays compute."""

    def __init__(self, np: ModuleType) -> None:
        self._np = np
        for name in ("exp", "log", "tanh", "sin", "cos"):
            setattr(self, name, _elementwise(np, getattr(math, name)))
        self.power = _elementwise(np, operator.pow)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._np, name)


def _elementwise(np: ModuleType, f: Callable[..., Any]) -> Any:
    """`f` applied to each element as to Python floats: a result that is not a float (an
    error, or `**`'s complex number for a negative base) stops the batch."""

    def element(*xs: float) -> float:
        try:
            result = f(*map(float, xs))  # a NumPy scalar's own ** is NumPy's
        except (ArithmeticError, ValueError):
            raise _NotFinite from None
        if type(result) is not float:
            raise _NotFinite
        return result

    return np.vectorize(element, otypes=[float])


class _NotFinite(Exception):
    """An element left the domain of `math`'s function: the samples are replayed one by one."""


def _batch_inputs(inputs: Sequence[object], expected: int, np: ModuleType) -> tuple[list[Any], int]:
    """The inputs as float arrays (1-D, all of one length) or float scalars, and that length."""
    if len(inputs) != expected:
        raise TypeError(f"the program takes {expected} inputs, got {len(inputs)}")
    values = [_real_array(x, i, np) for i, x in enumerate(inputs)]
    arrays = [a for a in values if not isinstance(a, float)]
    lengths = {a.shape[0] for a in arrays if a.ndim == 1}
    if any(a.ndim > 1 for a in arrays) or len(lengths) > 1:
        shapes = [getattr(a, "shape", ()) for a in values]
        raise ValueError(f"batch inputs are numbers or 1-D arrays of one length, got {shapes}")
    n = lengths.pop() if lengths else 1
    if n == 0:
        raise ValueError("batch inputs are empty: there is no sample to replay")
    return [a if isinstance(a, float) or a.ndim else float(a) for a in values], n


def _real(x: object, i: int) -> float:
    """Input i as a float, if it is a real number (an int, a float, a NumPy real scalar)."""
    if type(x) is float:  # the common case, without the abstract-class check
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(
        f"input {i} of the program must be a real number, got {type(x).__name__}: {x!r}"
    )


def _real_array(x: object, i: int, np: ModuleType) -> Any:
    """Input i of a batch as a float array if it is an array (or list) of real numbers, a
    float if it is one number (no bool, string or complex: the rule of a single replay)."""
    if isinstance(x, (np.ndarray, list, tuple)):
        array = np.asarray(x)
        if array.dtype.kind not in "fiu":
            raise TypeError(
                f"input {i} of the batch must hold real numbers, got an array of {array.dtype}"
            )
        return array.astype(float)
    return _real(x, i)


def _summed(bar_value: Any, n: int, np: ModuleType) -> float:
    """Σ over samples of a gradient that is an array, or n times one shared by every sample."""
    if isinstance(bar_value, np.ndarray) and bar_value.ndim:
        return float(bar_value.sum())
    return float(bar_value) * n


def _shape(graph: Graph, inputs: Sequence[Value]) -> list[tuple[object, ...]]:
    """What fixes a program: each node's op, constant and operands, inputs by position and
    other leaves by value."""
    position, which = graph.position, {x: i for i, x in enumerate(inputs)}
    shape: list[tuple[object, ...]] = []
    for node in graph.order:
        if not node.parents:
            shape.append(("input", which[node]) if node in which else ("constant", node.data))
        else:
            op_name = node.op.name if node.op is not None else ""
            parents = tuple(position[p] for p in node.parents)
            shape.append((op_name, node.constant, parents))
    return shape


def _first_difference(a: list[tuple[object, ...]], b: list[tuple[object, ...]]) -> int | None:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def _name_of(f: Callable[..., object]) -> str:
    return getattr(f, "__name__", type(f).__name__)


def _parameter_names(f: Callable[..., Value], n: int) -> list[str]:
    """`f`'s parameter names when it has n plain ones, else x0, x1, ..."""
    try:
        parameters = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    plain = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
    return plain if len(plain) == n else [f"x{i}" for i in range(n)]


__all__ = ["GraphChanged", "Program", "compile_function", "compile_program"]
