"""Training loops: a generic `fit`, a loss-curve plot, and the two ready-made tasks of the
command line (the two-moons classifier and the colour regression of the Adam article)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm.auto import tqdm  # type: ignore[import-untyped]

from ..core.recording import no_grad
from ..core.value import Value
from ..nn import MLP, losses
from ..nn.optim import Adam, Optimizer
from . import data

if TYPE_CHECKING:
    from matplotlib.figure import Figure


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
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be a function of no arguments, got {loss_fn!r}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an Optimizer (SGD, Adam), got {optimizer!r}")
    history: list[float] = []
    bar = tqdm(range(steps), desc=desc, disable=not progress, leave=False)
    for _ in bar:
        loss = loss_fn()
        if not isinstance(loss, Value):
            raise TypeError(f"loss_fn must return a Value, got {type(loss).__name__}: {loss!r}")
        if not math.isfinite(loss.data):
            raise Diverged(len(history) + 1, loss.data, history)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        history.append(loss.data)
        bar.set_postfix(loss=f"{loss.data:.4g}", refresh=False)
    return history


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
    try:
        import matplotlib

        if path is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError('plotting needs matplotlib: pip install -e ".[plot]"') from None
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.semilogy(range(1, len(history) + 1), history, color="#1f77b4")
    ax.set(xlabel="step", ylabel="loss", title=title)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
        plt.close(fig)
    return fig


@dataclass
class Result:
    """A trained model, its loss history, a final metric and the wall time."""

    model: MLP
    history: list[float]
    metric: str
    value: float
    seconds: float


MOONS_STEPS = 100


def moons_loss(
    model: MLP, points: Sequence[Sequence[float]], labels: Sequence[int], reg: float = 1e-4
) -> Value:
    """Mean max-margin (hinge) loss over the points, plus an L2 penalty."""
    scores = [_score(model, p) for p in points]
    data_loss = losses.total(losses.binary_hinge(s, y) for s, y in zip(scores, labels))
    return data_loss / len(points) + losses.l2_penalty(model.parameters(), reg)


def accuracy(model: MLP, points: Sequence[Sequence[float]], labels: Sequence[int]) -> float:
    """The fraction of points whose score has the label's sign."""
    with no_grad():
        right = sum((_score(model, p).data > 0) == (y > 0) for p, y in zip(points, labels))
    return right / len(points)


def _score(model: MLP, point: Sequence[float]) -> Value:
    """The output of a network that ends in one neuron."""
    score = model(point)
    assert isinstance(score, Value), "the moons network ends in one neuron"
    return score


def train_moons(
    n: int = 100, steps: int = MOONS_STEPS, seed: int = 0, lr: float = 0.02, progress: bool = True
) -> Result:
    """A 2-16-16-1 ReLU network separating two moons, trained with Adam."""
    points, labels = data.two_moons(n, noise=0.1, seed=seed)
    model = MLP(2, [16, 16, 1], activation="relu", seed=seed)
    optimizer = Adam(model.parameters(), lr=lr)
    start = time.perf_counter()
    history = fit(lambda: moons_loss(model, points, labels), optimizer, steps, progress, "moons")
    seconds = time.perf_counter() - start
    return Result(model, history, "accuracy", accuracy(model, points, labels), seconds)


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
    history = fit(lambda: color_loss(model, inputs, targets), optimizer, steps, progress, "colour")
    seconds = time.perf_counter() - start
    with no_grad():
        rms = math.sqrt(2 * color_loss(model, inputs, targets).data / (n * 3))
    return Result(model, history, "rms error", rms, seconds)
