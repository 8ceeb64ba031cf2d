"""Training: the loop, the ready-made tasks (moons ≥ 95 % in 100 steps with seed 0; Adam lowers
the colour-regression loss), state dicts round-tripping exactly, plots, and the CLI."""

import json
import math

import pytest

from autograd_scalar import MLP, Value
from autograd_scalar.apps.cli import main
from autograd_scalar.apps.train import (
    MOONS_STEPS,
    Diverged,
    decision_grid,
    fit,
    plot_loss,
    plot_moons,
    train_color_regression,
    train_moons,
)
from autograd_scalar.nn.optim import SGD


@pytest.fixture(scope="module")
def moons():
    return train_moons(steps=MOONS_STEPS, seed=0, progress=False)


def test_moons_classifier_reaches_95_percent(moons) -> None:
    assert MOONS_STEPS == 100
    assert moons.metric == "accuracy" and moons.value >= 0.95
    assert moons.history[-1] < moons.history[0] / 5


def test_adam_lowers_the_colour_regression_loss() -> None:
    result = train_color_regression(n=40, steps=150, progress=False)
    assert result.history[-1] < 0.5 * result.history[0]
    assert len(result.history) == 150


def test_fit_runs_the_steps_and_returns_losses() -> None:
    w = Value(3.0)
    history = fit(lambda: (w - 1) ** 2, SGD([w], lr=0.25), steps=5, progress=False)
    # each step halves the distance to 1: losses 4, 1, 1/4, ...
    assert history == [4.0, 1.0, 0.25, 0.0625, 0.015625]
    with pytest.raises(ValueError, match="steps"):
        fit(lambda: w * w, SGD([w]), steps=0)


def test_fit_checks_its_arguments_and_a_failing_loss_changes_nothing() -> None:
    w = Value(3.0)
    w.grad = 5.0

    def broken() -> Value:
        return w.log() - Value(-1.0).log()  # raises ValueError

    with pytest.raises(ValueError, match="log"):
        fit(broken, SGD([w]), steps=3, progress=False)
    assert (w.data, w.grad) == (3.0, 5.0)
    with pytest.raises(TypeError, match="must return a Value, got float"):
        fit(lambda: 1.0, SGD([w]), steps=1, progress=False)
    with pytest.raises(TypeError, match="optimizer"):
        fit(lambda: w * w, None, steps=1, progress=False)
    with pytest.raises(TypeError, match="loss_fn"):
        fit(w * w, SGD([w]), steps=1, progress=False)
    assert (w.data, w.grad) == (3.0, 5.0)


@pytest.mark.parametrize(
    ("loss", "seen"),
    [
        (lambda w: (w - 1) ** 2, "inf"),
        (lambda w: (w - 1) ** 2 + (w * w - w * w), "nan"),  # inf − inf once w is infinite
    ],
)
def test_fit_stops_when_the_loss_diverges(loss, seen: str) -> None:
    w = Value(3.0)
    with pytest.raises(Diverged, match=f"training diverged: the loss is {seen} at step 2") as err:
        fit(lambda: loss(w), SGD([w], lr=1e308), steps=5, progress=False)
    assert err.value.step == 2 and err.value.history == [4.0]
    assert w.data == -math.inf and w.grad == 4.0  # step 2's loss was refused before backward()


def test_state_dict_round_trips_exactly_through_json(tmp_path, moons) -> None:
    path = tmp_path / "model.json"
    moons.model.save(path)
    fresh = MLP(2, [16, 16, 1], activation="relu", seed=99)
    fresh.load(path)
    assert fresh.state_dict() == moons.model.state_dict()
    assert json.loads(path.read_text())["parameters"]["layers.2.neurons.0.b"] == (
        moons.model.layers[2].neurons[0].bias.data
    )


def test_load_state_dict_rejects_a_mismatch_and_changes_nothing() -> None:
    net = MLP(2, [3, 1], seed=0)
    before = net.state_dict()
    other = MLP(2, [4, 1], seed=1).state_dict()
    with pytest.raises(KeyError, match="missing .* unexpected"):
        net.load_state_dict(other)
    missing = dict(before)
    missing.pop("layers.0.neurons.0.w0")
    with pytest.raises(KeyError, match="layers.0.neurons.0.w0"):
        net.load_state_dict(missing)
    bad = {name: value + 1.0 for name, value in before.items()}  # all differ from the model
    bad["layers.1.neurons.0.b"] = "0.5"  # ... and the last entry is not a number
    with pytest.raises(TypeError, match="str"):
        net.load_state_dict(bad)
    assert net.state_dict() == before


@pytest.mark.parametrize(
    "text",
    [
        '{"weights": []}',
        '{"format": "autograd_scalar.state_dict/1"}',
        '{"format": "autograd_scalar.state_dict/1", "parameters": [1, 2]}',
        "[1, 2",
    ],
)
def test_load_refuses_a_foreign_file(tmp_path, text: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    net = MLP(2, [1])
    before = net.state_dict()
    with pytest.raises(ValueError, match="not a state file"):
        net.load(path)
    assert net.state_dict() == before


def test_plot_loss_writes_a_png(tmp_path) -> None:
    path = tmp_path / "loss.png"
    plot_loss([3.0, 2.0, 1.0], path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_decision_grid_is_the_models_score_over_the_points_range() -> None:
    net = MLP(2, [3, 1], seed=0)
    points = [[0.0, 1.0], [2.0, -1.0]]
    xs, ys, scores = decision_grid(net, points, resolution=5)
    assert (xs[0], xs[-1], ys[0], ys[-1]) == (-0.5, 2.5, -1.5, 1.5)  # a margin of 0.5
    assert len(scores) == 5 and all(len(row) == 5 for row in scores)
    assert scores[3][1] == net([xs[1], ys[3]]).data  # row by y, column by x


def test_moons_plot_shows_the_loss_beside_the_decision_boundary(tmp_path) -> None:
    result = train_moons(steps=3, progress=False)
    assert len(result.points) == len(result.labels) == 100
    fig = plot_moons(result, resolution=10)
    loss_ax, plane_ax = fig.axes
    assert loss_ax.get_title() == "loss" and len(loss_ax.lines[0].get_xdata()) == 3
    assert plane_ax.get_title().startswith("decision boundary")
    assert len(plane_ax.collections[-1].get_offsets()) == 100  # every point drawn
    path = plot_moons(result, tmp_path / "moons.png", resolution=10)
    assert (tmp_path / "moons.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path is not None


def test_cli_moons_plot(tmp_path, capsys) -> None:
    png = tmp_path / "moons.png"
    assert main(["train", "moons", "--steps", "2", "--quiet", "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {png}" in capsys.readouterr().out


def test_cli_trains_plots_and_saves(tmp_path, capsys) -> None:
    png, model = tmp_path / "loss.png", tmp_path / "model.json"
    args = ["train", "color-regression", "--steps", "20", "--quiet", "--plot", str(png)]
    assert main([*args, "--save", str(model)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("color-regression: 20 steps in") and "rms error" in out
    assert png.exists() and "layers.1.neurons.2.b" in model.read_text()


def test_cli_seed_and_rate_default_to_the_tasks_own(capsys) -> None:
    def loss_line(*extra: str) -> str:
        main(["train", "color-regression", "--steps", "5", "--quiet", *extra])
        return capsys.readouterr().out.split(" s, ")[1]  # past the wall time

    default = loss_line()
    assert loss_line("--seed", "1", "--lr", "0.01") == default  # the task's own seed and lr
    assert loss_line("--seed", "2") != default and loss_line("--lr", "0.001") != default


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["train", "moons", "--steps", "0"], "--steps: must be positive"),
        (["train", "moons", "--lr", "-1"], "--lr: must be positive"),
        (["train", "moons", "--lr", "inf"], "--lr: must be positive and finite"),
        (["train", "moons", "--plot", "loss.txt"], "--plot loss.txt: the file must end in"),
        (["train", "moons", "--save", "no/such/folder/m.json"], "does not exist"),
        (["bench", "--repeat", "0"], "--repeat: must be positive"),
        (["worked-example", "--svg", "graph.txt"], "--svg graph.txt: the file must end in"),
    ],
)
def test_cli_refuses_bad_arguments_before_any_work(args, words: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert words in captured.err and captured.out == ""


def test_compiled_moons_reach_the_graph_engines_accuracy(moons) -> None:
    compiled = train_moons(steps=MOONS_STEPS, seed=0, progress=False, compiled=True)
    assert compiled.value == moons.value
    # the same arithmetic but for the order of the sum over samples
    assert compiled.history == pytest.approx(moons.history, rel=1e-9)
    assert compiled.model.state_dict() == pytest.approx(moons.model.state_dict(), rel=1e-6)


def test_cli_trains_moons_compiled(capsys) -> None:
    assert main(["train", "moons", "--compiled", "--quiet", "--steps", "3"]) == 0
    assert "moons: 3 steps" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["train", "color-regression", "--compiled", "--quiet"])
