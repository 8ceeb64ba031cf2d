"""Training loops: a generic `fit`, a loss-curve plot, and the two ready-made tasks of the
command line (the two-moons classifier and the colour regression of the Adam article)."""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm  # type: ignore[import-untyped]

from ..core.recording import no_grad
from ..core.value import Value
from ..nn import MLP, losses
from ..nn.optim import Adam, Optimizer
from . import data

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "MOONS_STEPS",
    "CompiledMoonsLoss",
    "Diverged",
    "Interrupted",
    "Result",
    "accuracy",
    "color_loss",
    "decision_grid",
    "fit",
    "fit_compiled",
    "moons_loss",
    "plot_loss",
    "plot_moons",
    "train_color_regression",
    "train_moons",
]


def fit(
    loss_fn: Callable[[], Value],
    optimizer: Optimizer,
    steps: int,
    progress: bool = True,
    desc: str = "training",
) -> list[float]:
    """Run `steps` of: build the loss, zero grads, backward, update. Returns the losses.

    A progress bar (tqdm) shows the step and the current loss. Grads are zeroed only once
    the loss is built, so a `loss_fn` that raises leaves the parameters and grads as they were.
    A loss that is NaN or infinite raises `Diverged` (before that step changes anything).
    Ctrl-C raises `Interrupted` with the losses of the finished steps; a step's update is
    applied whole or not at all, so the parameters are those the last finished step left.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be a function of no arguments, got {loss_fn!r}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an Optimizer (SGD, Adam), got {optimizer!r}")
    history: list[float] = []
    with tqdm(range(steps), desc=desc, disable=not progress, leave=False) as bar, _stopped(history):
        for _ in bar:
            loss = loss_fn()
            if not isinstance(loss, Value):
                raise TypeError(f"loss_fn must return a Value, got {type(loss).__name__}: {loss!r}")
            if not math.isfinite(loss.data):
                raise Diverged(len(history) + 1, loss.data, history)
            optimizer.zero_grad()
            loss.backward()
            with _whole_step():
                optimizer.step()
                history.append(loss.data)
            bar.set_postfix(loss=f"{loss.data:.4g}", refresh=False)
    return history


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped training. `history` holds the losses of the steps that finished, and
    the parameters are as those steps left them (a step is applied whole or not at all);
    the ready-made tasks also set `model`."""

    def __init__(self, history: list[float]) -> None:
        super().__init__(f"training interrupted after {len(history)} steps")
        self.history = history
        self.model: MLP | None = None


@contextmanager
def _stopped(history: list[float]) -> Iterator[None]:
    """Turn Ctrl-C inside the block into `Interrupted`, carrying the steps that finished."""
    try:
        yield
    except Interrupted:
        raise
    except KeyboardInterrupt:
        raise Interrupted(history) from None


@contextmanager
def _whole_step() -> Iterator[None]:
    """Hold Ctrl-C until the block ends, so an update is applied entirely or not at all.
    Only the main thread receives signals; in any other the block simply runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


class Diverged(FloatingPointError):
    """The loss became NaN or infinite: training diverged (often a learning rate too large)."""

    def __init__(self, step: int, loss: float, history: list[float]) -> None:
        super().__init__(
            f"training diverged: the loss is {loss} at step {step}; "
            "try a smaller learning rate (--lr)"
        )
        self.step, self.loss, self.history = step, loss, history


def plot_loss(
    history: Sequence[float], path: str | Path | None = None, title: str = "loss"
) -> Figure:
    """The loss against the step (log scale); saved to `path` when given. Needs matplotlib."""
    plt = _pyplot(path)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.semilogy(range(1, len(history) + 1), history, color="#1f77b4")
    ax.set(xlabel="step", ylabel="loss", title=title)
    fig.tight_layout()
    finished: Figure = _finish(fig, plt, path)
    return finished


def _pyplot(path: str | Path | None) -> Any:
    """matplotlib.pyplot, drawing off screen when the figure goes to a file."""
    try:
        import matplotlib

        if path is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError('plotting needs matplotlib: pip install -e ".[plot]"') from None
    return plt


def _finish(fig: Any, plt: Any, path: str | Path | None) -> Any:
    if path is not None:
        fig.savefig(path, dpi=100)
        plt.close(fig)
    return fig


@dataclass
class Result:
    """A trained model, its loss history, a final metric, the wall time and the data."""

    model: MLP
    history: list[float]
    metric: str
    value: float
    seconds: float
    points: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)


def plot_moons(result: Result, path: str | Path | None = None, resolution: int = 60) -> Any:
    """The loss curve beside the decision boundary (the classifier's sign over the plane,
    the points on top), as micrograd's demo shows it. Needs matplotlib."""
    plt = _pyplot(path)
    fig, (loss_ax, plane_ax) = plt.subplots(1, 2, figsize=(11, 4.5))
    loss_ax.semilogy(range(1, len(result.history) + 1), result.history, color="#1f77b4")
    loss_ax.set(xlabel="step", ylabel="loss", title="loss")
    xs, ys, scores = decision_grid(result.model, result.points, resolution)
    plane_ax.contourf(xs, ys, scores, levels=[-1e9, 0, 1e9], colors=["#f4b183", "#9dc3e6"])
    plane_ax.contour(xs, ys, scores, levels=[0], colors="black", linewidths=1)
    colours = ["#1f77b4" if y > 0 else "#d95f02" for y in result.labels]
    x, y = zip(*result.points)
    plane_ax.scatter(x, y, c=colours, s=18, edgecolors="black", linewidths=0.5)
    plane_ax.set(
        title=f"decision boundary ({result.metric} {result.value:.0%})", xlabel="x0", ylabel="x1"
    )
    fig.tight_layout()
    return _finish(fig, plt, path)


def decision_grid(
    model: MLP, points: Sequence[Sequence[float]], resolution: int
) -> tuple[list[float], list[float], list[list[float]]]:
    """The model's score on a grid over the points' range (with a margin): x, y, scores[y][x]."""
    x0, x1 = min(p[0] for p in points) - 0.5, max(p[0] for p in points) + 0.5
    y0, y1 = min(p[1] for p in points) - 0.5, max(p[1] for p in points) + 0.5
    xs = [x0 + (x1 - x0) * i / (resolution - 1) for i in range(resolution)]
    ys = [y0 + (y1 - y0) * j / (resolution - 1) for j in range(resolution)]
    with no_grad():
        scores = [[model.output([x, y]).data for x in xs] for y in ys]
    return xs, ys, scores


MOONS_STEPS = 100


def moons_loss(
    model: MLP, points: Sequence[Sequence[float]], labels: Sequence[int], reg: float = 1e-4
) -> Value:
    """Mean max-margin (hinge) loss over the points, plus an L2 penalty."""
    scores = [model.output(p) for p in points]
    data_loss = losses.total(losses.binary_hinge(s, y) for s, y in zip(scores, labels))
    return data_loss / len(points) + losses.l2_penalty(model.parameters(), reg)


def accuracy(model: MLP, points: Sequence[Sequence[float]], labels: Sequence[int]) -> float:
    """The fraction of points whose score has the label's sign."""
    with no_grad():
        right = sum((model.output(p).data > 0) == (y > 0) for p, y in zip(points, labels))
    return right / len(points)


@contextmanager
def _keeping(model: MLP) -> Iterator[None]:
    """An interrupted task hands on its model as the finished steps left it."""
    try:
        yield
    except Interrupted as stop:
        stop.model = model
        raise


def train_moons(
    n: int = 100,
    steps: int = MOONS_STEPS,
    seed: int = 0,
    lr: float = 0.02,
    progress: bool = True,
    compiled: bool = False,
) -> Result:
    """A 2-16-16-1 ReLU network separating two moons, trained with Adam.

    `compiled=True` records the loss of one sample once and replays it over the whole data
    set with NumPy at every step (`CompiledMoonsLoss`) instead of building the graph again.
    """
    points, labels = data.two_moons(n, noise=0.1, seed=seed)
    model = MLP(2, [16, 16, 1], activation="relu", seed=seed)
    optimizer = Adam(model.parameters(), lr=lr)
    start = time.perf_counter()
    with _keeping(model):
        if compiled:
            loss = CompiledMoonsLoss(model, points, labels)
            history = fit_compiled(loss, optimizer, steps, progress, "moons (compiled)")
        else:
            loss_fn = lambda: moons_loss(model, points, labels)  # noqa: E731
            history = fit(loss_fn, optimizer, steps, progress, "moons")
    seconds = time.perf_counter() - start
    score = accuracy(model, points, labels)
    return Result(model, history, "accuracy", score, seconds, points, labels)


class CompiledMoonsLoss:
    """`moons_loss` as programs: one sample's hinge, replayed over every sample at once
    (NumPy batch replay), and the L2 penalty. Calling it sets each parameter's grad and
    returns the loss, as building `moons_loss` and calling backward() would."""

    def __init__(
        self,
        model: MLP,
        points: Sequence[Sequence[float]],
        labels: Sequence[int],
        reg: float = 1e-4,
    ) -> None:
        import numpy as np

        from ..compile.program import compile_program

        self.parameters = model.parameters()
        x = [Value(v) for v in points[0]]
        label = Value(labels[0])
        score = model(x)
        assert isinstance(score, Value), "the moons network has one output"
        hinge = (1 - label * score).relu()  # losses.binary_hinge, with the label an input
        self.sample = compile_program(hinge, [*x, label, *self.parameters])
        self.penalty = compile_program(losses.l2_penalty(self.parameters, reg), self.parameters)
        self.data = [np.array([p[0] for p in points]), np.array([p[1] for p in points])]
        self.data.append(np.array(labels, dtype=float))

    def __call__(self) -> float:
        weights = [p.data for p in self.parameters]
        hinges, grads = self.sample.batch(*self.data, *weights)
        penalty, penalty_grads = self.penalty(*weights)
        n = len(hinges)
        for p, g, extra in zip(self.parameters, grads[len(self.data) :], penalty_grads):
            p.grad = g / n + extra
        return float(hinges.sum()) / n + penalty


def fit_compiled(
    loss_and_grads: Callable[[], float],
    optimizer: Optimizer,
    steps: int,
    progress: bool = True,
    desc: str = "training",
) -> list[float]:
    """`fit` for a loss that sets the grads itself (a compiled program): loss, update."""
    history: list[float] = []
    with tqdm(range(steps), desc=desc, disable=not progress, leave=False) as bar, _stopped(history):
        for _ in bar:
            loss = loss_and_grads()
            with _whole_step():
                optimizer.step()
                history.append(loss)
            bar.set_postfix(loss=f"{loss:.4g}", refresh=False)
    return history


def color_loss(
    model: MLP, inputs: Sequence[Sequence[float]], targets: Sequence[Sequence[float]]
) -> Value:
    """Σᵢ ½‖prediction − target‖² over the samples (the article's loss)."""
    return losses.total(losses.half_squared_error(model(x), t) for x, t in zip(inputs, targets))


def train_color_regression(
    n: int = 100, steps: int = 300, seed: int = 1, lr: float = 0.01, progress: bool = True
) -> Result:
    """The 3 → 5 (tanh) → 3 (linear) network of the Adam article, on r, g, b → x, y, lv."""
    inputs, targets = data.color_regression(n, seed=seed)
    model = MLP(3, [5, 3], activation="tanh", seed=seed)
    optimizer = Adam(model.parameters(), lr=lr)
    start = time.perf_counter()
    with _keeping(model):
        loss_fn = lambda: color_loss(model, inputs, targets)  # noqa: E731
        history = fit(loss_fn, optimizer, steps, progress, "colour")
    seconds = time.perf_counter() - start
    with no_grad():
        rms = math.sqrt(2 * color_loss(model, inputs, targets).data / (n * 3))
    return Result(model, history, "rms error", rms, seconds)
