"""Benchmarks: the engine side by side with plain floats and, when installed, micrograd.

Every workload runs for each engine in the same process, one after the other, and the table
reports medians and ratios, because absolute times on a shared machine mean little. The
plain-float floor is the same arithmetic (forward pass and hand-written backward pass) with
no graph: the cost of Python itself.
"""

from __future__ import annotations

import gc
import math
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ..core.ops import Op, exp, log
from ..core.recording import collector_paused
from ..core.value import Value, apply
from ..explain.text import text_table
from ..nn import MLP

if TYPE_CHECKING:
    from ..compile.program import Program

SIZES = (2, 16, 16, 1)
Data = list[tuple[list[float], float]]
Grads = list[tuple[list[list[float]], list[float]]]
"""Per layer: the gradient of each weight (a row per neuron) and of each bias."""
Workloads = dict[str, dict[str, Callable[[], object]]]
"""workload -> engine -> a run of it. The workloads are written once for any engine's
`Value` (ours or micrograd's), so values are typed `Any`."""


def _micrograd() -> tuple[Any, Any] | None:
    """micrograd's engine and nn modules, or None when it is not installed."""
    try:
        from micrograd import engine, nn  # type: ignore[import-untyped]
    except ImportError:
        return None
    return engine, nn


def make_data(n: int, seed: int = 0) -> list[tuple[list[float], float]]:
    """n points in the square (−1, 1)² with a smooth target."""
    rng = random.Random(seed)
    points = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    return [(p, p[0] * p[1] + 0.5 * p[0]) for p in points]


# -- the MLP workload: squared error over the data, forward + backward --


def squared_error(net: Callable[[list[float]], Any], data: Data) -> Any:
    """Σ (net(x) − y)²: the same code builds the graph of either engine."""
    total = 0.0
    for x, y in data:
        total = total + (net(x) - y) ** 2
    return total


def training_step(net: Any, data: Data) -> None:
    """Build the loss, clear and fill the grads, take an SGD step; the graph is dropped."""
    loss = squared_error(net, data)
    net.zero_grad()
    loss.backward()
    for p in net.parameters():
        p.data -= 0.001 * p.grad


class FloatMLP:
    """The same ReLU MLP on plain floats, with its backward pass written by hand."""

    def __init__(self, sizes: Sequence[int] = SIZES, seed: int = 0) -> None:
        rng = random.Random(seed)
        self.layers = [
            ([[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)], [0.0] * n_out)
            for n_in, n_out in zip(sizes, sizes[1:])
        ]

    def loss_and_grads(self, data: Data) -> tuple[float, Grads]:
        """Σ (net(x) − y)² and its gradient for every weight and bias."""
        grads = [([[0.0] * len(row) for row in ws], [0.0] * len(bs)) for ws, bs in self.layers]
        total = 0.0
        for x, y in data:
            activations = self._forward(x)
            out = activations[-1][0]
            total += (out - y) ** 2
            self._backward(activations, [2 * (out - y)], grads)
        return total, grads

    def _forward(self, x: list[float]) -> list[list[float]]:
        activations = [x]
        last = len(self.layers) - 1
        for i, (ws, bs) in enumerate(self.layers):
            z = [sum(w * a for w, a in zip(row, activations[-1])) + b for row, b in zip(ws, bs)]
            activations.append(z if i == last else [v if v > 0 else 0.0 for v in z])
        return activations

    def _backward(
        self, activations: list[list[float]], grad_out: list[float], grads: Grads
    ) -> None:
        delta = grad_out
        for i in reversed(range(len(self.layers))):
            ws, _ = self.layers[i]
            grad_w, grad_b = grads[i]
            inputs = activations[i]
            for j, d in enumerate(delta):
                grad_b[j] += d
                row = grad_w[j]
                for k, a in enumerate(inputs):
                    row[k] += d * a
            if i:
                delta = [
                    sum(ws[j][k] * delta[j] for j in range(len(ws))) if inputs[k] > 0 else 0.0
                    for k in range(len(inputs))
                ]

    def sgd(self, grads: Grads, lr: float) -> None:
        for (ws, bs), (grad_w, grad_b) in zip(self.layers, grads):
            for row, grad_row in zip(ws, grad_w):
                for k, g in enumerate(grad_row):
                    row[k] -= lr * g
            for j, g in enumerate(grad_b):
                bs[j] -= lr * g


class PerOpMLP:
    """The same ReLU MLP built from `Value`s one scalar op at a time (w·x, +, relu), as
    micrograd builds it: 2n nodes per neuron instead of our one `dot` node."""

    def __init__(
        self,
        value_type: Callable[[float], Any] = Value,
        sizes: Sequence[int] = SIZES,
        seed: int = 0,
    ) -> None:
        rng = random.Random(seed)
        self.layers = [
            [
                ([value_type(rng.uniform(-1, 1)) for _ in range(n_in)], value_type(0.0))
                for _ in range(n_out)
            ]
            for n_in, n_out in zip(sizes, sizes[1:])
        ]

    def __call__(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            outputs = []
            for weights, bias in layer:
                total = bias
                for w, xi in zip(weights, x):
                    total = total + w * xi
                outputs.append(total if i == last else total.relu())
            x = outputs
        return x[0]


def mlp_workloads(n_samples: int) -> Workloads:
    """Forward + backward, and a whole training step, for each engine."""
    data = make_data(n_samples)
    ours = MLP(2, list(SIZES[1:]), activation="relu", seed=0)
    floats = FloatMLP()

    def floats_step() -> None:
        _, grads = floats.loss_and_grads(data)
        floats.sgd(grads, 0.001)

    per_op = PerOpMLP()
    workloads: Workloads = {
        "mlp, one node per op": {
            "autograd_scalar": partial(forward_backward, per_op, data),
            "plain floats": lambda: floats.loss_and_grads(data),
        },
        "mlp, one dot node per neuron": {
            "autograd_scalar": lambda: squared_error(ours, data).backward(),
            "plain floats": lambda: floats.loss_and_grads(data),
        },
        "training-loop step": {
            "autograd_scalar": lambda: training_step(ours, data),
            "plain floats": floats_step,
        },
    }
    found = _micrograd()
    if found:
        _, mg_nn = found
        mg = mg_nn.MLP(2, list(SIZES[1:]))
        mg_backward = partial(forward_backward, mg, data)
        workloads["mlp, one node per op"]["micrograd"] = mg_backward
        workloads["mlp, one dot node per neuron"]["micrograd"] = mg_backward
        workloads["training-loop step"]["micrograd"] = lambda: training_step(mg, data)
    per_op_row = workloads.pop("mlp, one node per op")
    paused: dict[str, Callable[[], object]] = {
        engine: partial(_collector_off, run) for engine, run in per_op_row.items()
    }
    clean: dict[str, Callable[[], object]] = {
        engine: CleanHeap(run) for engine, run in per_op_row.items()
    }
    nets: dict[str, Any] = {"autograd_scalar": per_op} | ({"micrograd": mg} if found else {})
    backward_alone: dict[str, Callable[[], object]] = {
        engine: CleanHeap(_backward, partial(squared_error, net, data))
        for engine, net in nets.items()
    }
    return {
        "mlp, one node per op": per_op_row,
        "mlp, one node per op, collector off": paused,
        "mlp, one node per op, collector off, clean heap": clean,
        "mlp, one node per op, backward alone, clean heap": backward_alone,
        **workloads,
    }


def forward_backward(net: Callable[[list[float]], Any], data: Data) -> Any:
    """The squared error, after its `backward()`: returned, so that a clean-heap timing can
    stop the clock before the graph is freed."""
    loss = squared_error(net, data)
    loss.backward()
    return loss


def _backward(loss: Any) -> None:
    loss.backward()


def _collector_off(run: Callable[[], object]) -> None:
    """`run` with Python's cycle collector paused (micrograd's cycles then stay in memory)."""
    with collector_paused():
        run()


@dataclass(frozen=True)
class CleanHeap:
    """A workload timed with the collector paused, each run after an untimed collection: no
    engine's leftover cycles slow its next run. What the run returns (the graph) is freed
    after the clock stops, for every engine alike: micrograd's graph is a web of cycles that
    only a collection frees, ours goes at once by reference counting, and neither is timed.
    So the engines' own work is timed: building the graph and its backward pass. With
    `build`, what it builds is made untimed and handed to `run` (backward alone)."""

    run: Callable[..., object]
    build: Callable[[], object] | None = None

    def seconds(self) -> float:
        gc.collect()
        with collector_paused():
            built = () if self.build is None else (self.build(),)
            start = time.perf_counter()
            kept = self.run(*built)
            seconds = time.perf_counter() - start
            del kept, built  # freed untimed
            return seconds

    def __call__(self) -> None:
        self.seconds()


# -- deep chains and a wide sum --


def chain(value_type: Callable[[float], Any], depth: int) -> None:
    """depth ops in a row (y ← y·a, y ← y + b), then backward."""
    x = value_type(0.5)
    y = x
    for _ in range(depth // 2):
        y = y * 0.999999 + 0.001
    y.backward()


def float_chain(depth: int) -> None:
    y, slope = 0.5, 1.0
    for _ in range(depth // 2):
        y = y * 0.999999 + 0.001
        slope *= 0.999999


def wide_sum(value_type: Callable[[float], Any], width: int) -> None:
    """width leaves summed pairwise (a tree of depth log₂ width), then backward."""
    level = [value_type(i * 1e-3) for i in range(width)]
    while len(level) > 1:
        level = [a + b for a, b in zip(level[::2], level[1::2])]
    level[0].backward()


def float_wide_sum(width: int) -> list[float]:
    """The same sums on floats, then the backward pass by hand: each sum hands its grad to
    both of its terms, level by level, so every leaf ends with grad 1."""
    levels = [[i * 1e-3 for i in range(width)]]
    while len(levels[-1]) > 1:
        level = levels[-1]
        levels.append([a + b for a, b in zip(level[::2], level[1::2])])
    grads = [1.0]
    for _ in levels[:-1]:
        grads = [g for g in grads for _ in (0, 1)]
    return grads


def shape_workloads(quick: bool) -> Workloads:
    depths = (10_000,) if quick else (10_000, 100_000, 1_000_000)
    width = 2**12 if quick else 2**16
    found = _micrograd()
    workloads: Workloads = {}
    for depth in depths:
        row: dict[str, Callable[[], object]] = {
            "autograd_scalar": partial(chain, Value, depth),
            "plain floats": partial(float_chain, depth),
        }
        if found:
            row["micrograd"] = partial(_or_recursion_error, chain, found[0].Value, depth)
        workloads[f"chain of {depth:,} ops"] = row
    row = {
        "autograd_scalar": lambda: wide_sum(Value, width),
        "plain floats": lambda: float_wide_sum(width),
    }
    if found:
        row["micrograd"] = lambda: wide_sum(found[0].Value, width)
    workloads[f"wide sum of {width:,} leaves"] = row
    return workloads


class _Failed(Exception):
    """A workload that cannot run on an engine (micrograd's recursion on deep graphs)."""


def _or_recursion_error(f: Callable[..., object], *args: object) -> None:
    try:
        f(*args)
    except RecursionError:
        raise _Failed("RecursionError") from None


# -- how time grows with the graph, and what the cycle collector costs --


@dataclass
class Scaling:
    """Chains of 10⁴ and 10⁵ ops (build and backward), with the collector on and paused."""

    seconds: dict[tuple[int, bool], float]  # (depth, collector on) -> median seconds

    def ratio(self, collector_on: bool) -> float:
        """Time at 10⁵ over time at 10⁴: 10 when time grows linearly."""
        return self.seconds[100_000, collector_on] / self.seconds[10_000, collector_on]

    def collector_cost(self) -> float:
        """Time at 10⁵ with the collector on over time with it paused."""
        return self.seconds[100_000, True] / self.seconds[100_000, False]

    def __str__(self) -> str:
        return (
            f"time at 10⁵ ops / time at 10⁴ ops: {self.ratio(True):.1f} with the cycle "
            f"collector on, {self.ratio(False):.1f} inside collector_paused() (10 is linear)\n"
            f"the collector's cost at 10⁵ ops (time on / time paused): "
            f"{self.collector_cost():.2f}"
        )


def scaling(repeat: int) -> Scaling:
    """Median times of chain(10⁴) (more runs, it is short) and chain(10⁵), collector on
    and inside `collector_paused()`, rounds interleaved so both see the same machine."""
    times: dict[tuple[int, bool], list[float]] = {}
    for _ in range(repeat):
        for depth, runs in ((10_000, 5), (100_000, 1)):
            for collector_on in (True, False):
                for _ in range(runs):
                    gc.collect()
                    start = time.perf_counter()
                    if collector_on:
                        chain(Value, depth)
                    else:
                        with collector_paused():
                            chain(Value, depth)
                    times.setdefault((depth, collector_on), []).append(time.perf_counter() - start)
    return Scaling({key: statistics.median(t) for key, t in times.items()})


# -- memory per node --


def bytes_per_node(value_type: Callable[[float], Any], n: int = 100_000) -> float:
    """Memory held by a chain of n nodes, per node, measured with tracemalloc.

    Only the last node is kept: it holds the whole chain through its parents, so the figure
    is the graph's own memory and nothing of the benchmark's.
    """
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    x = value_type(0.5)
    y = x
    for _ in range(n):
        y = y * x
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del y
    return held / n


# -- running and reporting --


@dataclass
class Row:
    workload: str
    measured: dict[str, float | str]  # seconds, or bytes for the memory row


def median_seconds(f: Callable[[], object], repeat: int) -> float | str:
    """Median wall time of `repeat` runs in a row (or the reason it could not run).

    The runs follow one another as the steps of a training loop do, so an engine pays for
    collecting its own garbage; the heap is collected first, so it pays for no one else's.
    """
    gc.collect()
    times = []
    for _ in range(repeat):
        try:
            times.append(f.seconds() if isinstance(f, CleanHeap) else _seconds(f))
        except _Failed as failure:
            return str(failure)
    return statistics.median(times)


def medians(engines: dict[str, Callable[[], object]], repeat: int) -> dict[str, float | str]:
    """Each engine's median time. Clean-heap runs start from a collected heap, so nothing
    carries from one run to the next: they are taken in turns, engine by engine, so that a
    slow spell of a shared machine falls on every engine alike, not on one engine's runs."""
    clean = {engine: f for engine, f in engines.items() if isinstance(f, CleanHeap)}
    if len(clean) < len(engines):
        return {engine: median_seconds(f, repeat) for engine, f in engines.items()}
    times: dict[str, list[float]] = {engine: [] for engine in clean}
    failed: dict[str, str] = {}
    for _ in range(repeat):
        for engine, f in clean.items():
            if engine not in failed:
                try:
                    times[engine].append(f.seconds())
                except _Failed as failure:
                    failed[engine] = str(failure)
    return {engine: failed.get(engine) or statistics.median(t) for engine, t in times.items()}


def _seconds(f: Callable[[], object]) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def run(repeat: int = 5, quick: bool = False, progress: Callable[[str], None] = print) -> list[Row]:
    """Time every workload for every engine available; one `Row` per workload."""
    workloads = {**mlp_workloads(20 if quick else 100), **shape_workloads(quick)}
    rows = []
    for name, engines in workloads.items():
        progress(f"  {name} ...")
        rows.append(Row(name, medians(engines, repeat)))
    return rows


def memory_row(quick: bool) -> Row:
    n = 10_000 if quick else 100_000
    found = _micrograd()
    engines = {"autograd_scalar": Value} | ({"micrograd": found[0].Value} if found else {})
    return Row("bytes per node", {name: bytes_per_node(t, n) for name, t in engines.items()})


def format_table(rows: list[Row], memory: Row) -> str:
    """Medians and the two ratios that matter: ours / floor and micrograd / ours."""
    header = [
        "workload",
        "autograd_scalar",
        "plain floats",
        "micrograd",
        "ours/floor",
        "micrograd/ours",
    ]
    lines: list[list[str]] = []
    for row in rows:
        ours, floor, mg = (row.measured.get(k, "-") for k in header[1:4])
        lines.append(
            [
                row.workload,
                _time(ours),
                _time(floor),
                _time(mg),
                _ratio(ours, floor),
                _ratio(mg, ours),
            ]
        )
    ours, mg = memory.measured["autograd_scalar"], memory.measured.get("micrograd", "-")
    lines.append([memory.workload, f"{ours:.0f} B", "-", _bytes(mg), "-", _ratio(mg, ours)])
    return text_table(header, lines)


def _time(t: float | str) -> str:
    return t if isinstance(t, str) else f"{t * 1000:.1f} ms"


def _bytes(b: float | str) -> str:
    return b if isinstance(b, str) else f"{b:.0f} B"


def _ratio(a: float | str, b: float | str) -> str:
    if isinstance(a, str) or isinstance(b, str) or b == 0:
        return "-"
    return f"{a / b:.1f}x"


def main(repeat: int = 5, quick: bool = False) -> str:
    """Run everything and return the tables (progress goes to stderr)."""
    engines = "autograd_scalar, plain floats" + (", micrograd" if _micrograd() else "")
    print(f"timing {engines}; median of {repeat} runs each", file=sys.stderr)
    rows = run(repeat, quick, progress=lambda msg: print(msg, file=sys.stderr))
    tables = [format_table(rows, memory_row(quick))]
    print("  programs ...", file=sys.stderr)
    tables.append(format_program_table(run_programs(repeat, quick), goals=not quick))
    print("  Rogozhnikov's workload ...", file=sys.stderr)
    tables.append(run_rogozhnikov(repeat, quick).format(goals=not quick))
    if not quick:
        print("  scaling ...", file=sys.stderr)
        tables.append(str(scaling(repeat)))
    return "\n\n".join(tables)


# -- reverse mode as a program: compiled replay and batch replay beside the graph engine --

PROGRAM_ENGINES = ("graph engine", "compiled replay", "batch replay", "plain floats", "micrograd")


def sgd(weights: list[float], grads: tuple[float, ...], lr: float = 0.001) -> None:
    for i, g in enumerate(grads):
        weights[i] -= lr * g


def program_workloads(n_samples: int, depth: int) -> Workloads:
    """The MLP training step and the chain, for every engine, compiled ones included; and
    what compiling costs (record the graph, write the program, load it)."""
    import numpy as np

    from ..compile.program import compile_program

    data = make_data(n_samples)
    net = MLP(2, list(SIZES[1:]), activation="relu", seed=0)
    params, floats = net.parameters(), FloatMLP()
    weights, batch_weights = [p.data for p in params], [p.data for p in params]

    def compile_step() -> Program:
        return compile_program(squared_error(net, data), params)

    whole = compile_step()
    x, target = [Value(0.0), Value(0.0)], Value(0.0)
    per_sample = compile_program((net.output(x) - target) ** 2, [*x, target, *params])
    columns = [np.array([p[0] for p, _ in data]), np.array([p[1] for p, _ in data])]
    columns.append(np.array([y for _, y in data]))

    def floats_step() -> None:
        _, grads = floats.loss_and_grads(data)
        floats.sgd(grads, 0.001)

    chain_x = Value(0.5)
    chain_y = chain_x
    for _ in range(depth // 2):
        chain_y = chain_y * 0.999999 + 0.001
    chain_program = compile_program(chain_y, [chain_x])
    step: dict[str, Callable[[], object]] = {
        "graph engine": lambda: training_step(net, data),
        "compiled replay": lambda: sgd(weights, whole(*weights)[1]),
        "batch replay": lambda: sgd(
            batch_weights, per_sample.batch(*columns, *batch_weights)[1][3:]
        ),
        "plain floats": floats_step,
        "compile once": compile_step,
    }
    chain_row: dict[str, Callable[[], object]] = {
        "graph engine": lambda: chain(Value, depth),
        "compiled replay": lambda: chain_program(0.5),
        "batch replay": lambda: chain_program.batch(np.array([0.5])),
        "plain floats": lambda: float_chain(depth),
    }
    found = _micrograd()
    if found:
        engine, mg_nn = found
        mg = mg_nn.MLP(2, list(SIZES[1:]))
        step["micrograd"] = lambda: training_step(mg, data)
        chain_row["micrograd"] = lambda: _or_recursion_error(chain, engine.Value, depth)
    return {
        f"mlp 2-16-16-1 training step × {n_samples} samples": step,
        f"chain of {depth:,} ops (batch: 1 sample)": chain_row,
    }


def run_programs(repeat: int = 5, quick: bool = False) -> list[Row]:
    """Time every engine on the program workloads, all in this one run."""
    workloads = program_workloads(20 if quick else 100, 10_000 if quick else 100_000)
    return [
        Row(name, {e: median_seconds(f, repeat) for e, f in engines.items()})
        for name, engines in workloads.items()
    ]


def format_program_table(rows: list[Row], goals: bool = True) -> str:
    """The program workloads side by side, then the three ratios the goals are about, each
    with its goal unless `goals` is off (quick sizes are not meant to meet them)."""
    header = ["workload", *PROGRAM_ENGINES, "compiled/floor", "batch/floor"]
    lines: list[list[str]] = []
    for row in rows:
        m = row.measured
        times = [_time(m.get(e, "-")) for e in PROGRAM_ENGINES]
        floor = m.get("plain floats", "-")
        ratios = [
            _ratio(m.get("compiled replay", "-"), floor),
            _ratio(m.get("batch replay", "-"), floor),
        ]
        lines.append([row.workload, *times, *ratios])
    table = text_table(header, lines)
    step = rows[0].measured
    targets = [
        (
            "compiled replay / plain floats, training step",
            "compiled replay",
            "plain floats",
            "≤ 1.5x",
        ),
        ("batch replay / plain floats, training step", "batch replay", "plain floats", "< 1x"),
        ("compiling once / graph-engine steps", "compile once", "graph engine", "< 20x"),
    ]
    notes = [
        f"{what}: {_ratio(step.get(a, '-'), step.get(b, '-'))}"
        + (f" (goal {goal})" if goals else "")
        for what, a, b, goal in targets
    ]
    compile_time = _time(step.get("compile once", "-"))
    notes.append(f"compiling once (record, write, load the program): {compile_time}")
    return table + "\n\n" + "\n".join(notes)


# -- Rogozhnikov's workload: a scalar graph of softplus, sums, products and softmaxes --

SOFTPLUS = Op(
    "softplus",
    "softplus(x)",
    lambda x: log(1 + exp(x)),
    lambda x, out: (1 - exp(-out),),  # sigmoid(x), from the op's own result
)
"""softplus as one op of one's own (`autograd_scalar.extend`): one node, as in his tape."""

N_INPUTS = 4
ADD, SUB, MUL, HALF, SOFTPLUS_OP, EXP, DIV = range(7)
Tape = list[tuple[int, int, int]]
"""(kind, i, j) per op: the op's operands are entries i and j of the value array (entries
0..3 are the inputs); entry N_INPUTS + k is the k-th op's value."""


def rogozhnikov_tape(n_ops: int, seed: int = 0) -> Tape:
    """About `n_ops` ops, each step on two of the last 8 results: softplus(a − b)/2,
    (a + b)/2 or a·b, and every 20 steps a softmax of the last 4. Every result is in (0, 1)."""
    rng = random.Random(seed)
    tape: Tape = []

    def op(kind: int, i: int, j: int = 0) -> int:
        tape.append((kind, i, j))
        return N_INPUTS + len(tape) - 1

    results = [op(HALF, op(ADD, op(MUL, 0, 1), op(MUL, 2, 3)))]  # every input in the graph
    while len(tape) < n_ops:
        a, b = (results[-rng.randint(1, min(8, len(results)))] for _ in range(2))
        if len(results) % 20 == 19 and len(results) >= 4:
            exps = [op(EXP, r) for r in results[-4:]]
            total = op(ADD, op(ADD, op(ADD, exps[0], exps[1]), exps[2]), exps[3])
            results += [op(DIV, e, total) for e in exps]
        elif rng.random() < 0.4:
            results.append(op(HALF, op(SOFTPLUS_OP, op(SUB, a, b))))
        elif rng.random() < 0.5:
            results.append(op(HALF, op(ADD, a, b)))
        else:
            results.append(op(MUL, a, b))
    return tape


def tape_on_values(tape: Tape, inputs: Sequence[Value]) -> Value:
    """The workload recorded by the engine, one node per entry of the tape."""
    values = list(inputs)
    for kind, i, j in tape:
        a, b = values[i], values[j]
        if kind == ADD:
            values.append(a + b)
        elif kind == SUB:
            values.append(a - b)
        elif kind == MUL:
            values.append(a * b)
        elif kind == HALF:
            values.append(a * 0.5)
        elif kind == SOFTPLUS_OP:
            values.append(apply(SOFTPLUS, a))
        elif kind == EXP:
            values.append(a.exp())
        else:
            values.append(a / b)
    return values[-1]


def flat_tape_gradient(tape: Tape, point: Sequence[float]) -> tuple[float, list[float]]:
    """His baseline: value and gradient arrays indexed by the tape, in plain Python."""
    value = [*point, *[0.0] * len(tape)]
    for k, (kind, i, j) in enumerate(tape, N_INPUTS):
        if kind == ADD:
            value[k] = value[i] + value[j]
        elif kind == SUB:
            value[k] = value[i] - value[j]
        elif kind == MUL:
            value[k] = value[i] * value[j]
        elif kind == HALF:
            value[k] = value[i] * 0.5
        elif kind == SOFTPLUS_OP:
            value[k] = math.log(1 + math.exp(value[i]))
        elif kind == EXP:
            value[k] = math.exp(value[i])
        else:
            value[k] = value[i] / value[j]
    grad = [0.0] * len(value)
    grad[-1] = 1.0
    for k in range(len(value) - 1, N_INPUTS - 1, -1):
        kind, i, j = tape[k - N_INPUTS]
        g = grad[k]
        if kind == ADD:
            grad[i] += g
            grad[j] += g
        elif kind == SUB:
            grad[i] += g
            grad[j] -= g
        elif kind == MUL:
            grad[i] += g * value[j]
            grad[j] += g * value[i]
        elif kind == HALF:
            grad[i] += g * 0.5
        elif kind == SOFTPLUS_OP:
            grad[i] += g * (1 - math.exp(-value[k]))
        elif kind == EXP:
            grad[i] += g * value[k]
        else:
            grad[i] += g / value[j]
            grad[j] -= g * value[k] / value[j]
    return value[-1], grad[:N_INPUTS]


def rogozhnikov_points(n: int, seed: int = 1) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(0.05, 0.95) for _ in range(N_INPUTS)] for _ in range(n)]


@dataclass
class Rogozhnikov:
    """Seconds per point for each design, and compile times by graph size."""

    n_ops: int
    n_points: int
    per_point: dict[str, float | str]
    compiling: dict[int, float | str]
    compiling_paused: dict[int, float | str]  # the same inside collector_paused()

    def ratio(self, design: str) -> float | str:
        """How many times faster than the flat tape `design` is."""
        tape, t = self.per_point["flat tape"], self.per_point[design]
        return "-" if isinstance(tape, str) or isinstance(t, str) else tape / t

    def format(self, goals: bool = True) -> str:
        goal = {"compiled replay": " (goal ≥ 1x)", "batch replay": " (goal ≥ 50x)"}
        lines = [f"Rogozhnikov's workload: {self.n_ops:,} ops, forward and backward, per point"]
        for design, t in self.per_point.items():
            ratio = self.ratio(design)
            shown = "-" if isinstance(ratio, str) else f"{ratio:.2f}x"
            aim = goal.get(design, "") if goals else ""
            where = f" ({self.n_points:,} points in one call)" if design == "batch replay" else ""
            lines.append(f"  {design}{where}: {_us(t)}; flat tape / this: {shown}{aim}")
        sizes = sorted(self.compiling)
        times = ", ".join(f"{n:,} ops {_time(self.compiling[n])}" for n in sizes)
        per_op = ", ".join(_per_op(self.compiling[n], n) for n in sizes)
        lines.append(f"  compiling (write and load the program): {times}; per op {per_op}")
        paused = ", ".join(_per_op(self.compiling_paused[n], n) for n in sizes)
        lines.append(f"  the same inside collector_paused(), per op: {paused}")
        return "\n".join(lines)


def _us(t: float | str) -> str:
    return t if isinstance(t, str) else f"{t * 1e6:,.1f} µs"


def _per_op(t: float | str, n: int) -> str:
    return "-" if isinstance(t, str) else f"{t / n * 1e6:.1f} µs"


def run_rogozhnikov(repeat: int = 5, quick: bool = False) -> Rogozhnikov:
    """The four designs on one graph and one set of points, all in this run."""
    import numpy as np

    from ..compile.program import compile_program

    n_ops, n_points = (1_000, 100) if quick else (10_000, 10_000)
    tape = rogozhnikov_tape(n_ops)
    points = rogozhnikov_points(n_points)
    inputs = [Value(x) for x in points[0]]
    program = compile_program(tape_on_values(tape, inputs), inputs)
    columns = [np.array(column) for column in zip(*points)]

    def engine_point(point: list[float]) -> None:
        values = [Value(x) for x in point]
        tape_on_values(tape, values).backward()

    few = points[:3]
    runs: dict[str, tuple[Callable[[], object], int]] = {
        "graph engine": (lambda: [*map(engine_point, few)], len(few)),
        "flat tape": (lambda: [flat_tape_gradient(tape, p) for p in few], len(few)),
        "compiled replay": (lambda: [program(*p) for p in points[:10]], 10),
        "batch replay": (lambda: program.batch(*columns), n_points),
    }
    per_point = {}
    for design, (f, n) in runs.items():
        t = median_seconds(f, repeat)
        per_point[design] = t if isinstance(t, str) else t / n
    sizes = (100, 1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    compiling, paused = {}, {}
    for size in sizes:
        xs = [Value(x) for x in points[0]]
        out = tape_on_values(rogozhnikov_tape(size), xs)
        once = partial(compile_program, out, xs)
        count = 1 if size >= 100_000 else repeat
        compiling[size] = median_seconds(once, count)
        with collector_paused():
            paused[size] = median_seconds(once, count)
    return Rogozhnikov(n_ops, n_points, per_point, compiling, paused)
