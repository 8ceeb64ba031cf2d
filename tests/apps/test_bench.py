"""The benchmark runs and reports (no timing is asserted); its plain-float floor computes the
same gradients as the engine; a training loop does not grow memory."""

import gc
import re
import tracemalloc
import weakref

import pytest

from autograd_scalar import MLP, Value
from autograd_scalar.apps import bench
from autograd_scalar.apps.cli import main


def test_float_floor_computes_the_engines_gradients() -> None:
    data = bench.make_data(5)
    floats = bench.FloatMLP(seed=3)
    net = MLP(2, [16, 16, 1], activation="relu", seed=0)
    for _, biases in floats.layers:
        biases[:] = [0.1 * (i % 3) for i in range(len(biases))]
    net.set_weights([ws for ws, _ in floats.layers], [bs for _, bs in floats.layers])
    loss = bench.squared_error(net, data)
    loss.backward()
    float_loss, grads = floats.loss_and_grads(data)
    assert float_loss == pytest.approx(loss.data, rel=1e-12)
    engine = [p.grad for p in net.parameters()]
    by_hand = [
        g for grad_w, grad_b in grads for j, row in enumerate(grad_w) for g in (*row, grad_b[j])
    ]
    assert by_hand == pytest.approx(engine, rel=1e-12, abs=1e-12)


def test_float_floors_compute_the_engines_gradients_for_the_shapes_too() -> None:
    from autograd_scalar import Value

    leaves = [Value(i * 1e-3) for i in range(64)]
    level = leaves
    while len(level) > 1:
        level = [a + b for a, b in zip(level[::2], level[1::2])]
    level[0].backward()
    assert bench.float_wide_sum(64) == [leaf.grad for leaf in leaves] == [1.0] * 64


def test_bench_quick_prints_every_row(capsys) -> None:
    assert main(["bench", "--quick", "--repeat", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    blank = [i for i, line in enumerate(out) if not line]
    table, programs = out[: blank[0]], out[blank[0] + 1 : blank[2]]
    rogozhnikov = out[blank[2] + 1 :]
    assert table[0].split()[:4] == ["workload", "autograd_scalar", "plain", "floats"]
    names = [line.split("  ")[0] for line in table[1:]]
    assert names == [
        "mlp, one node per op",
        "mlp, one node per op, collector off",
        "mlp, one node per op, collector off, clean heap",
        "mlp, one node per op, backward alone, clean heap",
        "mlp, one dot node per neuron",
        "training-loop step",
        "chain of 10,000 ops",
        "wide sum of 4,096 leaves",
        "bytes per node",
    ]
    chain = next(line for line in table if line.startswith("chain"))
    assert "RecursionError" in chain  # micrograd (a test dependency) sorts recursively
    assert programs[0].split()[:5] == ["workload", "graph", "engine", "compiled", "replay"]
    assert [line.split("  ")[0] for line in programs[1:3]] == [
        "mlp 2-16-16-1 training step × 20 samples",
        "chain of 10,000 ops (batch: 1 sample)",
    ]
    goals = [line.split(":")[0] for line in programs[4:]]
    assert goals == [
        "compiled replay / plain floats, training step",
        "batch replay / plain floats, training step",
        "compiling once / graph-engine steps",
        "compiling once (record, write, load the program)",
    ]
    assert all(re.search(r": \d+\.\dx$", line) for line in programs[4:7])
    assert rogozhnikov[0] == "Rogozhnikov's workload: 1,000 ops, forward and backward, per point"
    designs = [line.split(":")[0].strip() for line in rogozhnikov[1:]]
    assert designs == [
        "graph engine",
        "flat tape",
        "compiled replay",
        "batch replay (100 points in one call)",
        "compiling (write and load the program)",
        "the same inside collector_paused(), per op",
    ]
    assert "100 ops" in rogozhnikov[-2] and "10,000 ops" in rogozhnikov[-2]
    assert "goal" not in "\n".join(out)  # quick sizes are not meant to meet the goals


def test_memory_per_node_is_measured() -> None:
    from autograd_scalar import Value

    per_node = bench.bytes_per_node(Value, 5_000)
    assert 100 < per_node < 1000


def test_training_loop_does_not_grow_memory() -> None:
    data = bench.make_data(10)
    net = MLP(2, [8, 1], activation="tanh", seed=1)

    def step() -> None:
        bench.training_step(net, data)

    tracemalloc.start()
    for _ in range(20):
        step()
    settled = tracemalloc.get_traced_memory()[0]
    for _ in range(300):
        step()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert after - settled < 20_000  # bytes: no graph, grad or node is kept from step to step


def test_a_dropped_graph_is_freed_without_the_cycle_collector() -> None:
    import gc

    gc.collect()
    loss = bench.squared_error(MLP(2, [8, 1], seed=0), bench.make_data(10))
    loss.backward()
    del loss
    assert gc.collect() == 0  # nodes hold tuples, never closures: no reference cycles


def test_the_per_op_mlp_computes_what_the_float_floor_computes() -> None:
    data = bench.make_data(5)
    per_op, floats = bench.PerOpMLP(), bench.FloatMLP()
    loss = bench.squared_error(per_op, data)
    loss.backward()
    want, grads = floats.loss_and_grads(data)
    assert loss.data == pytest.approx(want, rel=1e-12)
    first_weights, first_bias = per_op.layers[0][0]
    assert [w.grad for w in first_weights] == pytest.approx(grads[0][0][0], rel=1e-12)
    assert first_bias.grad == pytest.approx(grads[0][1][0], rel=1e-12)


def test_scaling_reports_ratios_of_its_medians() -> None:
    s = bench.Scaling(
        {(10_000, True): 0.01, (100_000, True): 0.12, (10_000, False): 0.01, (100_000, False): 0.1}
    )
    assert s.ratio(True) == pytest.approx(12.0) and s.ratio(False) == pytest.approx(10.0)
    assert s.collector_cost() == pytest.approx(1.2)
    assert "12.0 with the cycle collector on" in str(s) and "1.20" in str(s)


def test_full_sizes_print_each_ratio_with_its_goal() -> None:
    measured = {"graph engine": 2.0, "compiled replay": 0.5, "plain floats": 1.0}
    table = bench.format_program_table([bench.Row("step", {**measured, "compile once": 30.0})])
    assert "compiled replay / plain floats, training step: 0.5x (goal ≤ 1.5x)" in table
    assert "compiling once / graph-engine steps: 15.0x (goal < 20x)" in table


def test_the_flat_tape_computes_the_engines_gradients_on_rogozhnikovs_workload() -> None:
    tape = bench.rogozhnikov_tape(600)
    point = bench.rogozhnikov_points(1)[0]
    values = [Value(x) for x in point]
    out = bench.tape_on_values(tape, values)
    out.backward()
    value, grads = bench.flat_tape_gradient(tape, point)
    assert value == out.data
    assert grads == pytest.approx([v.grad for v in values], rel=1e-12)
    assert 600 <= len(tape) < 612 and 0 < value < 1


def test_rogozhnikov_ratios_are_tape_time_over_each_designs() -> None:
    r = bench.Rogozhnikov(
        10_000,
        1_000,
        {"flat tape": 0.01, "compiled replay": 0.005, "batch replay": 0.0001},
        {1_000: 0.01, 10_000: 0.1, 100_000: 1.0},
        {1_000: 0.01, 10_000: 0.1, 100_000: 0.5},
    )
    text = r.format()
    assert "compiled replay: 5,000.0 µs; flat tape / this: 2.00x (goal ≥ 1x)" in text
    assert "flat tape / this: 100.00x (goal ≥ 50x)" in text
    assert "per op 10.0 µs, 10.0 µs, 10.0 µs" in text
    assert "collector_paused(), per op: 10.0 µs, 10.0 µs, 5.0 µs" in text


def test_a_clean_heap_run_is_paused_and_starts_with_the_last_runs_cycles_freed() -> None:
    class Cycle:
        pass

    previous: list[weakref.ref[Cycle]] = []
    seen: list[tuple[bool, bool]] = []

    def make_a_cycle() -> None:
        seen.append((gc.isenabled(), bool(previous) and previous[-1]() is not None))
        cycle = Cycle()
        cycle.me = cycle  # type: ignore[attr-defined]
        previous.append(weakref.ref(cycle))

    bench.median_seconds(bench.CleanHeap(make_a_cycle), repeat=3)
    assert seen == [(False, False)] * 3  # collector off in each run, last run's cycle gone
    assert gc.isenabled()
